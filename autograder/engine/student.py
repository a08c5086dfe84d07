"""The grader's view of one submitted file: names to read and functions to call.

A `Student` starts its worker (the sandbox's, or the kit's), loads hw0.py or runs the
notebook cell by cell, keeps the deadlines and the file's time budget, and says what went
wrong while loading. The answers it gets back are read and validated by engine/answers.py.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograder.engine import clock, notebook
from autograder.engine.answers import (
    MAX_QUOTED,
    NotImplementedYet,
    SubmissionError,
    modified_arguments,
    read_reply,
    sentence,
)
from autograder.engine.jail import Jail, WorkerLost
from autograder.textsafe import one_line

if TYPE_CHECKING:  # the Linux sandbox, or the kit's stand-ins for it (kit/engine.py)
    from autograder.engine.sandbox import Worker, Zygote
    from autograder.engine.uids import SandboxUser

# Deadlines and budgets are in CPU-seconds of the worker (engine/clock.py), so they mean the
# same work on a full core and on Gradescope's half a vCPU; each has a backstop on the clock
# (clock.WALL_FACTOR times as long) for code that sleeps or blocks. Why these numbers:
# docs/design.md, "Deadlines".
CALL_TIMEOUT = 10.0  # one call of a student function
LOAD_TIMEOUT = {".py": 30.0, ".ipynb": 90.0}  # hw0.py's load; all the cells of one notebook run
# A notebook cell's share: past it the worker interrupts the cell (KeyboardInterrupt) and the
# notebook goes on; CELL_GRACE later the grader gives up on it. Tests shorten it (env).
CELL_TIMEOUT = float(os.environ.get("HW0_CELL_SECONDS", "60"))
CELL_GRACE = 5.0
MAX_SHOWN = 10  # cell errors, and notes, at the top of the feedback
# All the checks of one file, loads included: a function that answers just inside
# CALL_TIMEOUT on every one of hundreds of inputs, or sleeps in every call, must not keep
# Gradescope past its own timeout (10 minutes) without a results.json. FILE_WALL bounds the
# clock: both files' together, and the grader's own work, end well inside 10 minutes.
FILE_BUDGET = {".py": 60.0, ".ipynb": 120.0}
FILE_WALL = {suffix: seconds * clock.WALL_FACTOR for suffix, seconds in FILE_BUDGET.items()}
ENVIRONMENT = ("The grading environment has Python's standard library, "
               + ", ".join(notebook.ENVIRONMENT[:-1]) + f" and {notebook.ENVIRONMENT[-1]} only "
               "(no network, nothing can be installed): use those instead.")


class Student:
    """One student file (hw0.py or the notebook) behind a sandboxed worker.

    The worker is started on first use and replaced when it dies or hangs, so one broken
    function costs only the checks that call it. A notebook runs cell by cell, each cell a
    request with its own deadline: a cell that the worker could not interrupt, or that ended
    the worker, is where every later run of the notebook stops (what came before is graded).
    """

    def __init__(self, path: Path | None, expected_name: str, zygote: Zygote,
                 user: SandboxUser, hide: list[Path], scratch: Path):
        self.path, self.expected_name = path, expected_name
        # The file's role, from the name the finder matched it to (submission.py), never from
        # the spelling of its own extension: `color_organ_learning.Ipynb` is the notebook.
        # The keys of LOAD_TIMEOUT and FILE_BUDGET.
        self.kind = Path(expected_name).suffix
        self._zygote, self._user, self._hide, self._scratch = zygote, user, hide, scratch
        self._worker: Worker | None = None
        self.load_errors: list[dict[str, Any]] = []  # of the first run, in order
        self.load_notes: list[dict[str, Any]] = []
        self.lost: list[str] = []
        self._starts = 0
        self._spent = 0.0  # CPU-seconds of the worker, for FILE_BUDGET
        self._waited = 0.0  # seconds on the clock, for FILE_WALL
        self._load_failed: str | None = None
        self._runs: Path | None = None  # what the worker gets: the notebook without outputs
        self._cells: dict[int, notebook.Cell] = {}
        self._code_cells: list[int] = []
        self._stop_before: int | None = None  # a notebook cell that hung or ended the worker
        self._skip: set[int] = set()  # cells interrupted once: not run again on a restart
        self.modified: dict[str, set[str]] = {}  # function -> arguments it changed in place

    # -- lifecycle

    def _ensure(self) -> Worker:
        if self.path is None:
            from autograder.engine.submission import hand_in

            raise SubmissionError(f"{self.expected_name} was not found in the submission. "
                                  f"{hand_in(self.expected_name)}")
        while True:
            if self._load_failed:  # it would only fail, hang or die again: fail fast
                raise SubmissionError(self._load_failed)
            self._time_left()
            if self._worker is not None and self._worker.alive:
                return self._worker
            if self._starts >= 8:
                raise SubmissionError(f"{self.path.name} keeps crashing or hanging; "
                                      "not started again.")
            self._starts += 1
            if self.kind == ".ipynb":
                self._start_notebook()
            else:
                self._start_module()

    def _spawn(self, source: Path) -> None:
        output = self._scratch / f"output-{self.kind[1:]}-{self._starts}.txt"
        from autograder.engine.submission import beside  # the checks: not before the zygote

        jail = Jail(source, self._hide, home=self.path.parent, beside=beside(self.path))
        self._worker = self._zygote.spawn(jail, self._user, output)

    def _start_module(self) -> None:
        """hw0.py: one load request; a file that does not compile is graded no further."""
        self._spawn(self.path)
        try:
            info = self._timed({"op": "load", "path": self.path.name}, LOAD_TIMEOUT[".py"])
        except WorkerLost as exc:
            self.lost.append(f"loading {self.path.name}: {exc.reason}")
            self._load_failed = (
                f"Running {self.path.name} did not finish: {exc.reason}. Make sure the "
                "file does not loop forever, exit, or kill its own process when run.")
            return
        if self._starts == 1:
            self.load_errors = _expect_errors(info.get("ok") if isinstance(info, dict) else None)
        first = self.load_errors[0] if self.load_errors else {}
        if first.get("compiles") is False:
            self.close()
            self._load_failed = (f"{self.path.name} does not compile ({_line(first)}), so "
                                 "nothing in it could be graded: see the top of the feedback.")

    def _start_notebook(self) -> None:
        """Every code cell in order, each its own request (carrying on past errors)."""
        if self._runs is None and not self._prepare_notebook():
            return
        self._spawn(self._runs)
        first_run = self._starts == 1
        used = [0.0]  # this run's CPU-seconds
        try:
            self._timed({"op": "open", "path": self._runs.name}, CALL_TIMEOUT)
        except WorkerLost as exc:
            self._load_failed = f"{self.path.name} could not be opened: {exc.reason}."
            return
        for number in self._code_cells:
            if self._stop_before is not None and number >= self._stop_before:
                return
            if number in self._skip:
                continue
            seconds = min(CELL_TIMEOUT, LOAD_TIMEOUT[".ipynb"] - used[0])
            if seconds < 1.0:
                self._stop_before = number
                if first_run:
                    self.load_errors.append(
                        {"type": "NotebookTime", "cell": number, "line": self._where(number),
                         "message": f"not run: the notebook used up its "
                                    f"{LOAD_TIMEOUT['.ipynb']:g} s"})
                return
            wall = seconds * clock.WALL_FACTOR  # while it waits: the file's budget bounds it
            try:
                reply = self._timed({"op": "cell", "number": number, "seconds": seconds,
                                     "wall": wall}, seconds + CELL_GRACE,
                                    wall + CELL_GRACE, used)
            except WorkerLost as exc:
                self.lost.append(f"cell {number}: {exc.reason}")
                self._stop_before = number
                if first_run:
                    self.load_errors.append({"type": "CellLost", "cell": number,
                                             "line": self._where(number),
                                             "message": exc.reason})
                return
            error, notes = _expect_cell(reply)
            if error and error.get("type") == "TimeLimit":
                self._skip.add(number)
            if first_run:
                self.load_errors += [error] if error else []
                self.load_notes = notes

    def _prepare_notebook(self) -> bool:
        """Read the notebook here, in the grader, and give the worker its code without
        outputs (embedded images never fill its private folder). False: not a notebook."""
        try:
            cells = notebook.read(self.path)
        except (notebook.NotANotebook, OSError) as exc:
            self._load_failed = (f"{self.path.name} could not be read as a notebook: see the "
                                 "top of the feedback.")
            self.load_errors = [{"type": "NotANotebook", "message": str(exc), "line": None}]
            return False
        self._cells = {c.number: c for c in cells}
        self._code_cells = [c.number for c in cells if c.kind == "code"]
        folder = self._scratch / f"notebook-{id(self)}"
        folder.mkdir()
        self._runs = folder / self.path.name
        self._runs.write_bytes(notebook.stripped(cells))
        return True

    def _where(self, number: int) -> str:
        return self._cells[number].where()

    def close(self) -> None:
        if self._worker is not None:
            self._worker.kill()
            self._worker = None

    def _time_left(self) -> tuple[float, float]:
        """CPU-seconds and seconds on the clock left of the file's budgets; a SubmissionError
        once either is used up."""
        budget, wall = FILE_BUDGET[self.kind], FILE_WALL[self.kind]
        if self._spent >= budget or self._waited >= wall:
            self.close()
            spent = (f"{budget:g} s of grading time" if self._spent >= budget
                     else f"{wall:g} s of grading time on the clock (waiting)")
            raise SubmissionError(f"{self.path.name} used up its {spent}; this check was not "
                                  "run. Make every function fast (the reference answers in "
                                  "milliseconds) and never wait.")
        return budget - self._spent, wall - self._waited

    def _timed(self, message: dict[str, Any], timeout: float, wall: float | None = None,
               used: list[float] | None = None) -> Any:
        """Ask the worker within `timeout` CPU-seconds and `wall` seconds on the clock
        (default clock.WALL_FACTOR * timeout), and what is left of the file's budgets; add
        what it cost to the budgets (and its CPU-seconds to `used[0]`)."""
        cpu_left, wall_left = self._time_left()
        wall = timeout * clock.WALL_FACTOR if wall is None else wall
        deadline = clock.Deadline(self._worker.pid, min(timeout, cpu_left), min(wall, wall_left),
                                  min(2 * wall, wall_left))
        try:
            return self._worker.ask(message, deadline)
        except WorkerLost as exc:
            if (timeout > cpu_left or 2 * wall > wall_left) and deadline.expired():
                raise WorkerLost(f"{self.path.name} used up its grading time") from exc
            raise
        finally:
            self._spent += deadline.used_cpu
            self._waited += deadline.used_wall
            if used is not None:
                used[0] += deadline.used_cpu

    # -- what the student reads

    def problems(self) -> list[str]:
        """What to fix first, for the top of the feedback: each load or cell error once,
        then each note (a skipped shell command), located as the student sees the file."""
        if self.path is None:
            return []
        cells = self.kind == ".ipynb"
        shown = [_problem(self.path.name, e, cells) for e in self.load_errors[:MAX_SHOWN]]
        if len(self.load_errors) > MAX_SHOWN:
            shown.append(f"{self.path.name}: {len(self.load_errors) - MAX_SHOWN} more cells "
                         "raised errors; fix the ones above first.")
        for note in self.load_notes[:MAX_SHOWN]:
            shown.append(f"{self.path.name}, {note.get('where')}: {note.get('message')}.")
        return shown

    def _missing(self, name: str) -> str:
        """A name the file never defined, pointing at the notebook cell that defines it when
        that cell failed, else at the first thing that went wrong."""
        defines = re.compile(rf"^[ \t]*(def|class)[ \t]+{re.escape(name)}\b|"
                             rf"^[^#\n]*\b{re.escape(name)}\b[^=\n]*(?<![=!<>])=(?!=)", re.M)
        own = [e for e in self.load_errors if e.get("cell") in self._cells
               and defines.search(self._cells[e["cell"]].source)]
        first = (own or self.load_errors or [None])[0]
        if first is None:
            return f"{name} is not defined in {self.path.name}."
        if first.get("type") in ("TimeLimit", "CellLost", "NotebookTime"):
            return (f"{name} is not defined: {first.get('line')} did not finish (see the top "
                    "of the feedback).")
        return (f"{name} is not defined: {_line(first)} raised {first.get('type')} (see the "
                "top of the feedback); fix that first.")

    # -- asking

    def _ask(self, message: dict[str, Any], what: str, timeout: float) -> Any:
        self._ensure()
        try:
            reply = self._timed(message, timeout)
        except WorkerLost as exc:
            self.lost.append(f"{what}: {exc.reason}")
            raise SubmissionError(f"{what} did not return: {exc.reason}.") from None
        if message["op"] == "call" and modified_arguments(reply):
            self.modified.setdefault(message["name"], set()).update(modified_arguments(reply))
        return read_reply(reply, what, self._missing)

    @property
    def graded(self) -> bool:
        """Whether the file was there and ran (it may still have raised in places)."""
        return self.path is not None and self._load_failed is None

    def sources(self) -> list[str]:
        """The student's source as the grader read it (never run here): the notebook's code
        cells, or the file's text ([] before it was read, or when it cannot be)."""
        if self._cells:
            return [c.source for c in self._cells.values() if c.kind == "code"]
        if self.path is None or self.kind == ".ipynb":
            return []
        try:
            return [self.path.read_text(encoding="utf-8", errors="replace")]
        except OSError:
            return []

    def value(self, name: str) -> Any:
        """The plain-data value of a module-level name (validate it with `as_*`)."""
        value = self._ask({"op": "get", "name": name}, name, CALL_TIMEOUT)
        if value is None:
            raise NotImplementedYet(f"{name} is still None, the template's placeholder: "
                                    "fill it in.")
        return value

    def call(self, name: str, *args: Any, tensors: tuple[int, ...] = (),
             timeout: float = CALL_TIMEOUT) -> Any:
        """Call a student function on plain data; returns plain data (validate it). The
        arguments at the positions in `tensors` reach it as float64 torch tensors, as the
        notebook passes them; the others as sent (numpy arrays, Python floats)."""
        message = {"op": "call", "name": name, "args": list(args), "tensors": list(tensors)}
        return self._ask(message, f"{name}(...)", timeout)

    def call_with_grad(self, name: str, *args: Any, tensors: tuple[int, ...], wrt: list[int],
                       timeout: float = CALL_TIMEOUT) -> tuple[Any, list[Any] | None]:
        """`call`, with the tensors at the positions in `wrt` requiring grad; return the
        value and, for each of them, the Jacobian that autograd found (None: no gradient
        flowed)."""
        reply = self._ask({"op": "call", "name": name, "args": list(args),
                           "tensors": list(tensors), "wrt": list(wrt)}, f"{name}(...)", timeout)
        if not isinstance(reply, dict) or set(reply) != {"value", "grads"}:
            raise SubmissionError(f"{name}: the answer could not be read.")
        return reply["value"], reply["grads"]


def _expect_errors(info: Any) -> list[dict[str, Any]]:
    """The errors of a load reply (untrusted: plain dicts only, at most 20, each `_plain`)."""
    if not isinstance(info, dict):
        return [{"type": "Error", "message": "could not load the file", "line": None}]
    errors = info.get("errors", [])
    return [_plain(e) for e in errors if isinstance(e, dict)][:20] \
        if isinstance(errors, list) else []


def _plain(entry: dict[str, Any]) -> dict[str, Any]:
    """An error or note as the worker sent it (untrusted), its texts made fit to quote in a
    sentence of the feedback: each on one line, at most MAX_QUOTED characters
    (textsafe.one_line), so none of it can pass for a line the grader wrote."""
    return {k: one_line(v, MAX_QUOTED) if isinstance(v, str) else v for k, v in entry.items()}


def _expect_cell(reply: Any) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """(the cell's error, the notes so far) of a cell reply (untrusted)."""
    ok = reply.get("ok") if isinstance(reply, dict) else None
    if not isinstance(ok, dict):
        error = reply.get("error") if isinstance(reply, dict) else None
        return (_plain(error) if isinstance(error, dict) else {"type": "Error", "message": ""}), []
    error, notes = ok.get("error"), ok.get("notes")
    notes = [_plain(n) for n in notes if isinstance(n, dict)][:20] if isinstance(notes, list) \
        else []
    return (_plain(error) if isinstance(error, dict) else None), notes


def _line(error: dict[str, Any]) -> str:
    return str(error.get("line") or "its first lines")


def _problem(name: str, e: dict[str, Any], notebook_cell: bool = False) -> str:
    """One load or cell error as the top of the feedback says it."""
    kind, where = e.get("type"), e.get("line")
    message = str(e.get("message", "")).rstrip(". ")
    if e.get("compiles") is False:
        return (f"{name} does not compile: {kind} at {_line(e)}: {sentence(message)} Nothing in "
                f"{name} could be graded until it compiles: fix that line and run the file "
                "once yourself.")
    if kind == "NotANotebook":
        return str(message)
    if kind == "TimeLimit" and "waiting" in message:
        return (f"{name}: {where} was still waiting (sleeping, or for input that never "
                f"comes) after {CELL_TIMEOUT * clock.WALL_FACTOR:g} s and was interrupted, as "
                "Jupyter's stop button does; the cells after it still ran. Do not wait in a "
                "cell.")
    if kind == "TimeLimit":
        return (f"{name}: {where} was still running after {CELL_TIMEOUT:g} s and was "
                "interrupted, as Jupyter's stop button does (seconds of computing, the same "
                "on any machine); the cells after it still ran. Make it finish sooner (fewer "
                "steps or a smaller search).")
    if kind == "CellLost":
        return (f"{name}: {where} could not be interrupted or ended the notebook "
                f"({message}); only the cells before it were graded. Make it finish sooner, "
                "and do not exit or kill the process from a cell.")
    if kind == "NotebookTime":
        return (f"{name}: {where} and the cells after it were not run: the notebook used "
                f"up its {LOAD_TIMEOUT['.ipynb']:g} s. Make slow cells faster.")
    if notebook_cell:
        text = f"{name}: {where or 'a cell'} raised {kind}: {sentence(message)}"
        after = "The cells after it still ran; what it would have defined is missing."
    else:
        text = f"Running {name} raised {kind}{f' at {where}' if where else ''}: {sentence(message)}"
        after = "What was defined before that line was graded."
    return " ".join([text, after] if kind != "ModuleNotFoundError" else [text, ENVIRONMENT])
