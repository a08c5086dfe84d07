"""The grader's view of one submitted file: names to read and functions to call.

Every answer crosses the trust boundary as plain data and is validated here (type, shape,
finiteness) before any check compares it. Failures become a `SubmissionError` whose text
is the sentence the student reads.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from autograder.engine.jail import Jail, WorkerLost

if TYPE_CHECKING:  # the Linux sandbox, or the kit's stand-ins for it (kit/engine.py)
    from autograder.engine.sandbox import SandboxUser, Worker, Zygote

CALL_TIMEOUT = 10.0  # seconds for one call of a student function
LOAD_TIMEOUT = {".py": 30.0, ".ipynb": 180.0}
# Seconds of worker time for all the checks of one file, loads included: a function that
# answers just inside CALL_TIMEOUT on every one of hundreds of inputs must not keep
# Gradescope past its own timeout (10 minutes by default) without a results.json.
FILE_BUDGET = {".py": 150.0, ".ipynb": 300.0}


class SubmissionError(Exception):
    """Something about the submission that costs this check its points; str() is feedback."""


class NotImplementedYet(SubmissionError):
    """The template's body is still there."""


class BadAnswer(SubmissionError):
    """This input got a malformed answer (shape, type, NaN) or an exception: like a wrong
    value, hypothesis shrinks it to the smallest input that shows it."""


class Student:
    """One student file (hw0.py or the notebook) behind a sandboxed worker.

    The worker is started on first use and replaced when it dies or hangs, so one broken
    function costs only the checks that call it.
    """

    def __init__(self, path: Path | None, expected_name: str, zygote: Zygote,
                 user: SandboxUser, hide: list[Path], scratch: Path):
        self.path, self.expected_name = path, expected_name
        self._zygote, self._user, self._hide, self._scratch = zygote, user, hide, scratch
        self._worker: Worker | None = None
        self.load_errors: list[dict[str, Any]] = []
        self.lost: list[str] = []
        self._starts = 0
        self._spent = 0.0
        self._load_failed: str | None = None

    # -- lifecycle

    def _ensure(self) -> Worker:
        if self.path is None:
            raise SubmissionError(f"{self.expected_name} was not found in the submission; "
                                  f"upload a file named exactly {self.expected_name}.")
        if self._load_failed:  # it would only hang or die again: fail fast
            raise SubmissionError(self._load_failed)
        self._time_left()
        if self._worker is None or not self._worker.alive:
            if self._starts >= 8:
                raise SubmissionError(f"{self.path.name} keeps crashing or hanging; "
                                      "not started again.")
            self._starts += 1
            output = self._scratch / f"output-{self.path.suffix[1:]}-{self._starts}.txt"
            self._worker = self._zygote.spawn(Jail(self.path, self._hide), self._user, output)
            try:
                info = self._timed({"op": "load", "path": self.path.name},
                                   LOAD_TIMEOUT.get(self.path.suffix, 30.0))
            except WorkerLost as exc:
                self.lost.append(f"loading {self.path.name}: {exc.reason}")
                self._load_failed = (
                    f"Running {self.path.name} did not finish: {exc.reason}. Make sure the "
                    "file does not loop forever, exit, or kill its own process when run.")
                raise SubmissionError(self._load_failed) from None
            if self._starts == 1:
                self.load_errors = _expect_load_info(info)
        return self._worker

    def close(self) -> None:
        if self._worker is not None:
            self._worker.kill()
            self._worker = None

    def _time_left(self) -> float:
        """Seconds left of the file's budget; a SubmissionError once it is used up."""
        budget = FILE_BUDGET.get(self.path.suffix, FILE_BUDGET[".py"])
        if self._spent >= budget:
            self.close()
            raise SubmissionError(f"{self.path.name} used up its {budget:g} s of grading "
                                  "time; this check was not run. Make every function fast "
                                  "(the reference answers in milliseconds).")
        return budget - self._spent

    def _timed(self, message: dict[str, Any], timeout: float) -> Any:
        """Ask the worker within `timeout` and what is left of the file's time budget."""
        left = self._time_left()
        started = time.monotonic()
        try:
            return self._worker.ask(message, min(timeout, left))
        except WorkerLost as exc:
            if timeout > left and time.monotonic() - started >= left:
                raise WorkerLost(f"{self.path.name} used up its grading time") from exc
            raise
        finally:
            self._spent += time.monotonic() - started

    # -- asking

    def _ask(self, message: dict[str, Any], what: str, timeout: float) -> Any:
        self._ensure()
        try:
            reply = self._timed(message, timeout)
        except WorkerLost as exc:
            self.lost.append(f"{what}: {exc.reason}")
            raise SubmissionError(f"{what} did not return: {exc.reason}.") from None
        if not isinstance(reply, dict) or len(reply) != 1:
            raise SubmissionError(f"{what}: the worker sent something unexpected.")
        if "error" in reply:
            raise _student_error(what, reply["error"])
        value = reply.get("ok")
        if isinstance(value, dict) and set(value) == {"__missing__"}:
            raise SubmissionError(f"{what.split('(')[0]} is not defined in {self.path.name}.")
        return value

    def value(self, name: str) -> Any:
        """The plain-data value of a module-level name (validate it with `as_*`)."""
        value = self._ask({"op": "get", "name": name}, name, CALL_TIMEOUT)
        if value is None:
            raise NotImplementedYet(f"{name} is still None, the template's placeholder: "
                                    "fill it in.")
        return value

    def call(self, name: str, *args: Any, timeout: float = CALL_TIMEOUT) -> Any:
        """Call a student function on plain data; returns plain data (validate it)."""
        return self._ask({"op": "call", "name": name, "args": list(args)}, f"{name}(...)",
                         timeout)

    def call_with_grad(self, name: str, *args: Any, wrt: list[int],
                       timeout: float = CALL_TIMEOUT) -> tuple[Any, list[Any] | None]:
        """Call with the arguments as float64 torch tensors; return the value and, for each
        argument in `wrt`, the Jacobian that autograd found (None: no gradient flowed)."""
        reply = self._ask({"op": "call", "name": name, "args": list(args), "wrt": wrt},
                          f"{name}(...)", timeout)
        if not isinstance(reply, dict) or set(reply) != {"value", "grads"}:
            raise SubmissionError(f"{name}: the worker sent something unexpected.")
        return reply["value"], reply["grads"]


def _expect_load_info(info: Any) -> list[dict[str, Any]]:
    if not isinstance(info, dict) or "ok" not in info:
        return [{"type": "Error", "message": "could not load the file", "line": None}]
    errors = info["ok"].get("errors", []) if isinstance(info["ok"], dict) else []
    return [e for e in errors if isinstance(e, dict)][:5]


def _student_error(what: str, error: Any) -> SubmissionError:
    if not isinstance(error, dict):
        return SubmissionError(f"{what} failed.")
    kind = str(error.get("type", "Error"))[:80]
    message = str(error.get("message", ""))[:300]
    where = f" at {error['line']}" if error.get("line") else ""
    if kind == "NotImplementedError":
        return NotImplementedYet(f"{what.split('(')[0]} is not implemented yet "
                                 "(it raises NotImplementedError).")
    return BadAnswer(f"{what} raised {kind}{where}: {message}")


def as_array(value: Any, shape: tuple[int, ...], what: str) -> np.ndarray:
    """A finite float64 array of exactly `shape`, or a SubmissionError saying what is wrong."""
    if isinstance(value, float) and shape == ():
        value = np.array(value)
    if not isinstance(value, np.ndarray):
        raise BadAnswer(f"{what} returned {_kind(value)}; an array of shape "
                        f"{shape} was expected.")
    if value.shape != shape:
        raise BadAnswer(f"{what} returned shape {value.shape}; shape {shape} was expected.")
    if not np.all(np.isfinite(value)):
        raise BadAnswer(f"{what} returned NaN or infinite entries.")
    return value


def as_float(value: Any, what: str) -> float:
    """A finite number (a float, a 0-d array or tensor)."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = float(value)
    if not isinstance(value, float) or isinstance(value, bool):
        raise BadAnswer(f"{what} is {_kind(value)}; a number was expected.")
    if not np.isfinite(value):
        raise BadAnswer(f"{what} is {value}; a finite number was expected.")
    return value


def as_pair(value: Any, what: str) -> list[Any]:
    """Two answers returned together: a tuple or list of two (the worker stacks two arrays
    of one shape into one array, so a leading axis of 2 counts too)."""
    if isinstance(value, np.ndarray) and value.ndim >= 1 and value.shape[0] == 2:
        return [value[0] if value.ndim > 1 else float(value[0]),
                value[1] if value.ndim > 1 else float(value[1])]
    if isinstance(value, list) and len(value) == 2:
        return value
    raise BadAnswer(f"{what} must return a pair; it returned {_kind(value)}.")


def as_string(value: Any, what: str) -> str:
    """A string answer; None inside a dict is the template's placeholder, not yet filled."""
    if value is None:
        raise NotImplementedYet(f"{what} is still None, the template's placeholder: fill it in.")
    if not isinstance(value, str):
        raise BadAnswer(f"{what} is {_kind(value)}; a string was expected.")
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, list):
        return f"a list of {len(value)} items of different shapes"
    return f"a {type(value).__name__}"
