"""The worker: the only place student code runs (inside the sandbox, see sandbox.py).

It loads the student's hw0.py (or runs the notebook) once, then answers requests from the
grader: the value of a name, or the result of calling a function on the arrays it is sent.
Whatever the student returns is turned into plain data here; the grader validates it again,
since nothing in this process can be trusted.
"""

from __future__ import annotations

import traceback
import types
from pathlib import Path
from typing import Any

import numpy as np
import torch

from autograder.engine import channel, notebook

MAX_LIST = 10_000


class NotPlainData(TypeError):
    """A returned object that is not a number, string, array, list or dict of those."""


def to_plain(value: Any, depth: int = 0) -> Any:
    """Numbers become floats, tensors and numeric arrays float64 arrays, lists of numbers arrays."""
    if depth > 10:
        raise NotPlainData("a value nested more than 10 levels deep")
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, torch.Tensor):
        return torch.Tensor.detach(value).cpu().to(torch.float64).numpy().copy()
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise NotPlainData(f"an array of dtype {value.dtype}, not of numbers")
        return np.asarray(value, dtype=np.float64)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, (list, tuple)):
        if len(value) > MAX_LIST:
            raise NotPlainData(f"a list of {len(value)} items")
        items = [to_plain(v, depth + 1) for v in value]
        if items and all(isinstance(v, (float, np.ndarray)) for v in items):
            try:
                return np.array(items, dtype=np.float64)
            except ValueError:
                pass  # ragged: stays a list, the grader names the shape problem
        return items
    if isinstance(value, dict):
        return {str(k): to_plain(v, depth + 1) for k, v in value.items()}
    raise NotPlainData(f"a {type(value).__name__}, not a number, string or array")


def describe_error(exc: BaseException, filename: str) -> dict[str, Any]:
    """The exception as the student should see it: type, message, their line that raised."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if Path(frame.filename).name == filename or frame.filename.startswith("<cell"):
            line = f"{Path(frame.filename).name.strip('<>')} line {frame.lineno}"
    message = str(exc) if not isinstance(exc, SystemExit) else f"exit code {exc.code!r}"
    return {"type": type(exc).__name__, "message": message[:500], "line": line}


class Session:
    """The student's namespace and the answers to the grader's requests."""

    def __init__(self) -> None:
        self.names: dict[str, Any] = {}
        self.filename = ""

    def load(self, path: str) -> dict[str, Any]:
        """Run hw0.py as a module, or the notebook's cells in order; keep what got defined."""
        self.filename = Path(path).name
        if path.endswith(".ipynb"):
            errors = notebook.run(path, self.names)
        else:
            module = types.ModuleType("hw0")
            module.__file__ = str(Path(path).resolve())
            self.names = module.__dict__
            errors = []
            try:
                code = compile(Path(path).read_bytes(), module.__file__, "exec")
                exec(code, self.names)  # noqa: S102 - student code, inside the sandbox
            except BaseException as exc:  # noqa: BLE001 - SystemExit too: report, keep names
                errors.append(describe_error(exc, self.filename))
        defined = sorted(k for k in self.names if not k.startswith("_"))
        return {"errors": errors, "names": defined[:2000]}

    def get(self, name: str) -> Any:
        return to_plain(self.names[name]) if name in self.names else {"__missing__": name}

    def call(self, name: str, args: list[Any], wrt: list[int] | None = None) -> Any:
        """Call a student function; with `wrt`, arrays go in as float64 tensors and the
        Jacobian of the output with respect to each listed argument comes back too."""
        if name not in self.names:
            return {"__missing__": name}
        fn = self.names[name]
        if not callable(fn):
            raise NotPlainData(f"{name} is a {type(fn).__name__}, not a function")
        if wrt is None:
            return to_plain(fn(*args))
        targs = [torch.tensor(a, dtype=torch.float64) if _is_number(a) else a for a in args]
        for i in wrt:
            targs[i].requires_grad_(True)
        out = fn(*targs)
        if not isinstance(out, torch.Tensor):
            return {"value": to_plain(out), "grads": None}
        flat = out.reshape(-1)
        if not flat.requires_grad:  # computed without torch: no gradient reached the output
            return {"value": to_plain(out), "grads": None}
        jac = [np.zeros((flat.numel(),) + tuple(targs[i].shape)) for i in wrt]
        for k in range(flat.numel()):
            grads = torch.autograd.grad(flat[k], [targs[i] for i in wrt], retain_graph=True,
                                        allow_unused=True)
            for j, g in enumerate(grads):
                if g is not None:
                    jac[j][k] = g.detach().numpy()
        shaped = [j.reshape(tuple(out.shape) + tuple(targs[i].shape))
                  for j, i in zip(jac, wrt, strict=True)]
        return {"value": to_plain(out), "grads": shaped}


def _is_number(a: Any) -> bool:
    return isinstance(a, (float, int, np.ndarray)) and not isinstance(a, bool)


def answer(session: Session, request: Any) -> dict[str, Any]:
    """The reply to one request: {"ok": value} or {"error": ...}, the request's id echoed."""
    request_id = request.get("id") if isinstance(request, dict) else None
    try:
        op = request["op"]
        if op == "load":
            reply = {"ok": session.load(request["path"])}
        elif op == "get":
            reply = {"ok": session.get(request["name"])}
        elif op == "call":
            reply = {"ok": session.call(request["name"], request["args"], request.get("wrt"))}
        else:
            reply = {"error": {"type": "Protocol", "message": f"unknown op {op!r}"}}
    except BaseException as exc:  # noqa: BLE001 - the student's exception is the answer
        reply = {"error": describe_error(exc, session.filename)}
    return {**reply, "id": request_id}


def serve(requests: int, replies: int) -> None:
    """Answer requests until the grader closes the channel."""
    session = Session()
    while True:
        try:
            request = channel.receive(requests)
        except channel.ChannelError:
            return
        reply = answer(session, request)
        request_id = reply["id"]
        try:
            channel.send(replies, reply)
        except BaseException:  # noqa: BLE001 - e.g. an array that cannot be encoded
            channel.send(replies, {"error": {"type": "NotPlainData",
                                              "message": "the value could not be sent"},
                                   "id": request_id})
