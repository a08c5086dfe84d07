"""The worker: the only place student code runs (inside the sandbox, see sandbox.py).

It loads the student's hw0.py once (or runs the notebook, cell by cell as the grader asks,
see notebook.py), then answers requests from the grader: the value of a name, or the result
of calling a function on the arguments it is sent (as tensors where it says so).
Whatever the student returns is turned into plain data here; the grader validates it again,
since nothing in this process can be trusted.
"""

from __future__ import annotations

import contextlib
import inspect
import random
import sys
import traceback
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.overrides import TorchFunctionMode

from autograder.engine import channel, notebook

MAX_LIST = 10_000


class NotPlainData(TypeError):
    """A returned object that is not a number, string, array, list or dict of those."""


def to_plain(value: Any, depth: int = 0) -> Any:
    """Numbers become floats (whole numbers stay ints, so the grader can name an int given
    where a string is expected), integer tensors and arrays int64 arrays (the channel carries
    them so), other tensors and numeric arrays float64 arrays, lists of numbers arrays."""
    if depth > 10:
        raise NotPlainData("a value nested more than 10 levels deep")
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, np.integer)) and abs(int(value)) < 2**53:
        return int(value)
    if isinstance(value, torch.Tensor):
        value = torch.Tensor.detach(value).cpu()
        integer = not value.dtype.is_floating_point and not value.dtype.is_complex \
            and value.dtype != torch.bool
        return value.to(torch.int64 if integer else torch.float64).numpy().copy()
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise NotPlainData(f"an array of dtype {value.dtype}, not of numbers")
        if value.dtype.kind in "iu" and channel.fits_int64(value):
            return np.asarray(value, dtype=np.int64)
        return np.asarray(value, dtype=np.float64)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, (list, tuple)):
        if len(value) > MAX_LIST:
            raise NotPlainData(f"a list of {len(value)} items")
        items = [to_plain(v, depth + 1) for v in value]
        if items and all(isinstance(v, (int, float, np.ndarray)) and not isinstance(v, bool)
                         for v in items):
            try:
                return np.array(items, dtype=np.float64)
            except ValueError:
                pass  # ragged: stays a list, the grader names the shape problem
        return items
    if isinstance(value, dict):
        return {str(k): to_plain(v, depth + 1) for k, v in value.items()}
    raise NotPlainData(f"a value of type {type(value).__name__}")


SINGLE_DTYPES = (torch.float16, torch.bfloat16, torch.float32)


def is_single(value: Any, depth: int = 0) -> bool:
    """Whether a returned value holds numbers in single (or half) precision: the grader then
    allows for float32 rounding (autograder/checks/precision.py) and no more."""
    if isinstance(value, torch.Tensor):  # the base class's dtype: a subclass may lie
        return torch.Tensor.dtype.__get__(value) in SINGLE_DTYPES
    if isinstance(value, np.ndarray):
        return np.ndarray.dtype.__get__(value) in (np.float16, np.float32)
    if isinstance(value, (np.float16, np.float32)):
        return True
    if isinstance(value, (list, tuple)) and depth < 10:
        return any(is_single(v, depth + 1) for v in value[:MAX_LIST])
    if isinstance(value, dict) and depth < 10:
        return any(is_single(v, depth + 1) for v in value.values())
    return False


class PrecisionWatch(TorchFunctionMode):
    """Watches one call of a student function: `single` once any torch operation in it
    made a single (or half) precision tensor. A float64 answer computed partly in float32
    (a float32 stage times a float64 one) has float32's accuracy, and the precision policy
    judges it so (checks/precision.py): by the accuracy of the values, not their dtype."""

    def __init__(self) -> None:
        super().__init__()
        self.single = False

    def __torch_function__(self, func: Any, types: Any, args: Any = (),
                           kwargs: Any = None) -> Any:
        out = func(*args, **(kwargs or {}))
        if not self.single and isinstance(out, torch.Tensor):
            self.single = torch.Tensor.dtype.__get__(out) in SINGLE_DTYPES
        return out


def answer(value: Any, plain: Any = None, single: bool = False) -> dict[str, Any]:
    """The reply carrying what the student gave: plain data (`plain` when already made),
    and "single": true when it was single precision, or computed partly in it (`single`)."""
    reply = {"ok": to_plain(value) if plain is None else plain}
    if single or is_single(value):
        reply["single"] = True
    return reply


def describe_error(exc: BaseException, filename: str) -> dict[str, Any]:
    """The exception as the student should see it: type, message, their line that raised
    (a SyntaxError's own line: the file does not compile)."""
    line = None
    if isinstance(exc, SyntaxError) and Path(exc.filename or "").name == filename:
        line = f"{filename} line {exc.lineno}"
    for frame in traceback.extract_tb(exc.__traceback__):
        if Path(frame.filename).name == filename:
            line = f"{filename} line {frame.lineno}"
    return {"type": type(exc).__name__, "message": notebook.message(exc), "line": line}


# numpy's own defaults: warnings, not exceptions, and underflow ignored.
NUMPY_ERRORS = {"divide": "warn", "over": "warn", "under": "ignore", "invalid": "warn"}


@contextlib.contextmanager
def checking_state() -> Iterator[None]:
    """The torch and numpy state the checks need around one call of a student function,
    whatever the notebook left behind (an inference cell's `torch.set_grad_enabled(False)`,
    `torch.set_default_dtype(torch.float32)`, anomaly detection, its own thread count,
    `np.seterr(all="raise")`): autograd on, float64 default, anomaly detection off, one
    thread (the zygote's), numpy's default error handling. The student's own state comes
    back afterwards, so a later cell still sees what it set."""
    saved = (torch.is_grad_enabled(), torch.get_default_dtype(), torch.is_anomaly_enabled(),
             torch.get_num_threads(), np.geterr())
    torch.set_grad_enabled(True)
    torch.set_default_dtype(torch.float64)
    torch.autograd.set_detect_anomaly(False)
    torch.set_num_threads(1)
    np.seterr(**NUMPY_ERRORS)
    try:
        yield
    finally:
        grad, dtype, anomaly, threads, errors = saved
        torch.set_grad_enabled(grad)
        torch.set_default_dtype(dtype)
        torch.autograd.set_detect_anomaly(anomaly)
        torch.set_num_threads(threads)
        np.seterr(**errors)


class Session:
    """The student's namespace and the answers to the grader's requests."""

    def __init__(self) -> None:
        self.names: dict[str, Any] = {}
        self.filename = ""
        self.kernel: notebook.Kernel | None = None
        # Two gradings of one submission must agree: unseeded random numbers (an initial
        # resistance, a print) are the same every time. Code that seeds itself is unchanged.
        random.seed(0)
        np.random.seed(0)
        torch.manual_seed(0)

    def load(self, path: str) -> dict[str, Any]:
        """Run hw0.py as a module, or every code cell of the notebook in order; keep what
        got defined. The entry point on every platform (the student kit's too). The grader
        runs a notebook cell by cell instead (`open`, `cell`), to know which cell hangs."""
        sys.stdin = notebook.NoInput()
        if path.endswith(".ipynb"):
            self.open(path)
            errors = [e for e in (self.cell(n)["error"] for n in self.kernel.code_cells) if e]
            return {"errors": errors, "notes": self.kernel.notes, "names": self.defined()}
        self.filename = Path(path).name
        module = types.ModuleType("hw0")
        module.__file__ = str(Path(path).resolve())
        self.names = module.__dict__
        errors = []
        try:
            code = compile(Path(path).read_bytes(), module.__file__, "exec")
        except (SyntaxError, ValueError) as exc:  # ValueError: null bytes. Nothing ran.
            line = f"line {exc.lineno}" if getattr(exc, "lineno", None) else None
            errors.append({**describe_error(exc, self.filename), "line": line, "compiles": False})
        else:
            try:
                exec(code, self.names)  # noqa: S102 - student code, inside the sandbox
            except BaseException as exc:  # noqa: BLE001 - SystemExit too: report, keep names
                errors.append(describe_error(exc, self.filename))
        return {"errors": errors, "notes": [], "names": self.defined()}

    def open(self, path: str) -> dict[str, Any]:
        """Read the notebook and start its IPython shell; the numbers of its code cells."""
        self.filename = Path(path).name
        self.kernel = notebook.Kernel(notebook.read(path), self.names)
        return {"code_cells": self.kernel.code_cells}

    def cell(self, number: int, seconds: float | None = notebook.CELL_SECONDS,
             wall: float | None = None) -> dict[str, Any]:
        """Run one code cell of the open notebook (interrupted after `seconds` of CPU time or
        `wall` on the clock): its error (None) and the notes so far."""
        if self.kernel is None or number not in self.kernel.code_cells:
            raise ValueError(f"no code cell {number}")
        return {"error": self.kernel.run(number, seconds, wall), "notes": self.kernel.notes}

    def defined(self) -> list[str]:
        hidden = self.kernel.hidden() if self.kernel else set()
        return sorted(k for k in self.names if not k.startswith("_") and k not in hidden)[:2000]

    def describe(self, exc: BaseException) -> dict[str, Any]:
        """An exception from a request, located in the student's file or cell."""
        if self.kernel is not None:
            return self.kernel.describe(exc)
        return describe_error(exc, self.filename)

    def get(self, name: str) -> dict[str, Any]:
        return answer(self.names[name] if name in self.names else {"__missing__": name})

    def call(self, name: str, args: list[Any], wrt: list[int] | None = None,
             tensors: list[int] | None = None) -> dict[str, Any]:
        """Call a student function as their notebook or hw0.py would. The arguments at the
        positions in `tensors` go in as torch tensors (int64 for an integer array or an int,
        float64 otherwise), the others as sent (numpy arrays, Python floats and ints); with
        `wrt` (positions among `tensors`, never an integer one) those tensors require grad
        and the reply is {"value", "grads"}: the Jacobian of the output with respect to each
        (None: no gradient reached the output). Otherwise the reply is `answer`. An
        array or tensor argument the function changed in place is named in the reply's
        "modified" (the student's parameter names): the grader tells them so."""
        tensors, wrt = _positions(tensors, args, "tensors"), _positions(wrt, args, "wrt")
        if not set(wrt) <= set(tensors):
            raise ProtocolError("wrt must name arguments that are tensors")
        if any(_integer(args[i]) for i in wrt):
            raise ProtocolError("wrt must name float arguments: an integer has no gradient")
        if name not in self.names:
            return answer({"__missing__": name})
        fn = self.names[name]
        if not callable(fn):
            raise TypeError(f"{name} is a {type(fn).__name__}, not a function")
        with checking_state():
            return _call(fn, args, tensors, wrt)


def _call(fn: Any, args: list[Any], tensors: list[int], wrt: list[int]) -> dict[str, Any]:
    """Session.call's work, in the checks' torch state; the reply names the arguments the
    function changed in place ("modified")."""
    targs = list(args)
    for i in tensors:
        dtype = torch.int64 if _integer(args[i]) else torch.float64
        targs[i] = torch.tensor(args[i], dtype=dtype, requires_grad=i in wrt)
    before = {i: torch.Tensor.detach(a).clone() if isinstance(a, torch.Tensor) else a.copy()
              for i, a in enumerate(targs) if isinstance(a, (np.ndarray, torch.Tensor))}
    with PrecisionWatch() as watch:
        out = fn(*targs)
    changed = modified(fn, targs, before)
    reply = _reply(out, targs, wrt, watch.single)
    return {**reply, "modified": changed} if changed else reply


def modified(fn: Any, args: list[Any], before: dict[int, Any]) -> list[str]:
    """The parameters (named as the student's function names them) whose array or tensor
    the call changed in place: `before` holds copies made before the call."""
    changed = []
    for i, copy in before.items():
        now = torch.Tensor.detach(args[i]) if isinstance(args[i], torch.Tensor) else args[i]
        same = (torch.equal(now, copy) if isinstance(now, torch.Tensor)
                else np.array_equal(now, copy, equal_nan=True))
        if not same:
            changed.append(i)
    if not changed:  # the usual case: no signature to read (a tenth of a call's cost)
        return []
    try:
        params = [p.name for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    return [params[i] if i < len(params) else f"argument {i + 1}" for i in changed]


def _reply(out: Any, targs: list[Any], wrt: list[int], single: bool) -> dict[str, Any]:
    """`_call`'s reply: `answer`, or the value and its Jacobians when `wrt`; `single` when the
    value was computed partly in single precision."""
    if not wrt:
        return answer(out, single=single)
    if not isinstance(out, torch.Tensor):
        return answer(out, {"value": to_plain(out), "grads": None}, single)
    flat = out.reshape(-1)
    if not flat.requires_grad:  # computed without torch: no gradient reached the output
        return answer(out, {"value": to_plain(out), "grads": None}, single)
    jac = [np.zeros((flat.numel(),) + tuple(targs[i].shape)) for i in wrt]
    for k in range(flat.numel()):
        grads = torch.autograd.grad(flat[k], [targs[i] for i in wrt], retain_graph=True,
                                    allow_unused=True)
        for j, g in enumerate(grads):
            if g is not None:
                jac[j][k] = g.detach().numpy()
    shaped = [j.reshape(tuple(out.shape) + tuple(targs[i].shape))
              for j, i in zip(jac, wrt, strict=True)]
    return answer(out, {"value": to_plain(out), "grads": shaped}, single)


def _integer(arg: Any) -> bool:
    """An int or an integer array as the channel delivers it (int64)."""
    return type(arg) is int or (isinstance(arg, np.ndarray) and arg.dtype == np.int64)


class ProtocolError(ValueError):
    """A request the grader should never send (our bug, not the student's)."""


def _positions(value: Any, args: list[Any], what: str) -> list[int]:
    """`tensors` or `wrt` of a call request: distinct positions of number or array
    arguments (None: none)."""
    if value is None:
        return []
    ok = isinstance(value, list) and all(
        type(i) is int and 0 <= i < len(args) and type(args[i]) in (int, float, np.ndarray)
        for i in value)
    if not ok or len(set(value)) != len(value):
        raise ProtocolError(f"{what} must list distinct positions of number or array arguments")
    return value


def reply_to(session: Session, request: Any) -> dict[str, Any]:
    """The reply to one request: {"ok": value} (and "single") or {"error": ...}, the request's
    id echoed. The sandbox's worker (serve) and the kit's spawn worker both answer so."""
    request_id = request.get("id") if isinstance(request, dict) else None
    try:
        op = request["op"]
        if op == "load":
            reply = {"ok": session.load(request["path"])}
        elif op == "open":
            reply = {"ok": session.open(request["path"])}
        elif op == "cell":
            reply = {"ok": session.cell(request["number"], request.get("seconds"),
                                        request.get("wall"))}
        elif op == "get":
            reply = session.get(request["name"])
        elif op == "call":
            reply = session.call(request["name"], request["args"], request.get("wrt"),
                                 request.get("tensors"))
        else:
            reply = {"error": {"type": "Protocol", "message": f"unknown op {op!r}"}}
    except ProtocolError as exc:
        reply = {"error": {"type": "Protocol", "message": str(exc)}}
    except BaseException as exc:  # noqa: BLE001 - the student's exception is the answer
        reply = {"error": session.describe(exc)}
    return {**reply, "id": request_id}


def serve(requests: int, replies: int) -> None:
    """Answer requests until the grader closes the channel."""
    session = Session()
    while True:
        try:
            request = channel.receive(requests)
        except channel.ChannelError:
            return
        reply = reply_to(session, request)
        request_id = reply["id"]
        try:
            channel.send(replies, reply)
        except BaseException:  # noqa: BLE001 - e.g. an array that cannot be encoded
            channel.send(replies, {"error": {"type": "NotPlainData",
                                              "message": "the value could not be sent"},
                                   "id": request_id})
