"""The public Q5 checks on a live kernel: the notebook's answers and functions as defined now.

`check()` (kit/notebook.py) grades the kernel's own namespace, with no save and no re-run:
the same checks (checks/q5.py), messages and policy as the command line and Gradescope,
through `LiveStudent`, a `Student` whose file is the kernel.

- A value (`q5e_resistor`) is read in the kernel and made plain data exactly as the worker
  makes it (worker.answer), then validated as everywhere (answers.read_reply).
- A function (`loss_fn_binary`) is called in a child process started with spawn, as the
  kit's workers are (kit/engine.py), under the same deadline: one that never returns is
  killed with that process, costs its own check, and the kernel goes on. The child gets the
  function as the kernel defines it right now, by value (cloudpickle: its code, the globals
  it uses, modules by name), once per child.

Spawn works the same on Linux, macOS and Windows, so the deadline holds on all three.
"""

from __future__ import annotations

import base64
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograder import results
from autograder.engine.answers import SubmissionError
from autograder.engine.student import Student, defines
from autograder.kit.engine import NoUser, SpawnWorker, SpawnZygote
from autograder.kit.selfcheck import PRELOAD as NOTEBOOK

if TYPE_CHECKING:  # the checks are imported once the child process is on its way
    from autograder.checks import Check

KERNEL = "this kernel"  # what the report says it checked


class LiveStudent(Student):
    """The notebook's Q5 names as the running kernel holds them (`names`: its namespace)."""

    def __init__(self, names: dict[str, Any], zygote: SpawnZygote, scratch: Path):
        super().__init__(Path.cwd() / NOTEBOOK, NOTEBOOK, zygote, NoUser(), [], scratch)
        self._names = names
        self._sent: set[str] = set()  # functions the current child process holds

    def _ensure(self) -> SpawnWorker:
        """The child process for calls, started on first use and after a deadline killed it
        (there is no notebook to run: it gets functions as they are called)."""
        if self._worker is None or not self._worker.alive:
            self._time_left()
            self._starts += 1
            self._sent = set()
            self._spawn(self.path)
        return self._worker

    def _timed(self, message: dict[str, Any], timeout: float, **limits: Any) -> Any:
        if message.get("op") == "get":
            return read_value(self._names, message["name"])
        if message.get("op") == "call":
            self._send(message["name"])
        return super()._timed(message, timeout, **limits)

    def _send(self, name: str) -> None:
        """Give the child process the kernel's `name`, by value; a missing name is the child's
        to report (as in a worker)."""
        if name in self._sent or name not in self._names:
            return
        import cloudpickle

        try:
            pickled = cloudpickle.dumps(self._names[name])
        except Exception as exc:  # noqa: BLE001 - e.g. it holds an open file or a generator
            raise SubmissionError(
                f"{name} could not be handed to the checker's process ({type(exc).__name__}: "
                f"{exc}); check the saved notebook instead: check('{NOTEBOOK}').") from None
        reply = super()._timed({"op": "define", "name": name,
                                "pickled": base64.b64encode(pickled).decode("ascii")}, 60.0)
        if "error" in reply:
            error = reply["error"]
            raise SubmissionError(f"{name} could not be rebuilt in the checker's process "
                                  f"({error.get('type')}: {error.get('message')}); check the "
                                  f"saved notebook instead: check('{NOTEBOOK}').")
        self._sent.add(name)

    def _missing(self, name: str) -> str:
        """A name the kernel lacks: a cell that sets it ran (IPython's `In`, by execution
        count) and raised before it got there, or no such cell ran."""
        inputs = self._names.get("In")
        ran = [n for n, source in enumerate(inputs if isinstance(inputs, list) else [])
               if isinstance(source, str) and defines(name).search(source)]
        if ran:
            return (f"{name} is not defined in {KERNEL}, though In [{ran[-1]}] sets it: that "
                    "cell stopped with an error before it got there (or the name was deleted "
                    "since). Fix the error it shows, run it again, then check again.")
        return (f"{name} is not defined in {KERNEL}: run the cell that defines it (or every "
                "cell, top to bottom), then check again.")

    def problems(self) -> list[str]:
        return []


def read_value(names: dict[str, Any], name: str) -> dict[str, Any]:
    """The reply a worker would give for `name`: its plain data, or why it cannot be sent."""
    from autograder.engine import worker

    try:
        return worker.answer(names[name] if name in names else {"__missing__": name})
    except Exception as exc:  # noqa: BLE001 - NotPlainData, or a student type's own error
        return {"error": worker.describe_error(exc, "")}


def reply_to(session: Any, request: Any) -> dict[str, Any]:
    """In the child process: a `define` request adds a function the kernel sent; anything
    else is the worker's (engine/worker.py)."""
    from autograder.engine import worker

    if not (isinstance(request, dict) and request.get("op") == "define"):
        return worker.reply_to(session, request)
    import cloudpickle

    try:
        session.names[str(request["name"])] = cloudpickle.loads(
            base64.b64decode(request["pickled"]))
        reply: dict[str, Any] = {"ok": True}
    except BaseException as exc:  # noqa: BLE001 - a module the kernel had and this lacks
        reply = {"error": worker.describe_error(exc, "")}
    return {**reply, "id": request.get("id")}


def grade(names: dict[str, Any], select: Callable[[Check], bool]) -> dict[str, Any]:
    """The results dict (results.py) of the selected notebook checks on the live names."""
    start = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="hw0-selfcheck-"))
    zygote = SpawnZygote(answer=reply_to)
    try:
        student = LiveStudent(names, zygote, scratch)
        student._ensure()  # first: the child imports torch while the checks are imported
        try:
            from autograder.checks import all_checks
            from autograder.checks.policy import NONE
            from autograder.grade import run_check, scored

            checks = [c for c in all_checks()
                      if c.file == NOTEBOOK and c.kit != NONE and select(c)]
            outcomes = {c.number: run_check(c, student) for c in checks}
            tests, _ = scored(checks, outcomes, {NOTEBOOK: student})
        finally:
            student.close()
    finally:
        zygote.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return results.results(tests, "", time.monotonic() - start)
