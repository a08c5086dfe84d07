"""A notebook's cells, run as a Jupyter kernel runs them (handout Q5's notebook).

Reading (`read`, `parse`) is plain JSON and runs in the grader too: it accepts a byte-order
mark, upgrades nbformat 3 and older with nbformat's own converter (imported only then: its
import is slow), and says what a file that is not a notebook is. `stripped` keeps only what
runs, so the images saved in a notebook's outputs never reach the worker.

Running (`Kernel`) uses IPython's own pieces inside the worker: an `InteractiveShell`, so
cell magics, `display`, `get_ipython`, help syntax and `x = !cmd` are transformed exactly as
in Jupyter; matplotlib draws to nowhere; ipywidgets is the real package. Every cell runs,
past a cell that raises (as `nbconvert --allow-errors`). A cell that overruns its CPU-seconds,
or its seconds on the clock (it sleeps or blocks), is interrupted as Jupyter's stop button
does (KeyboardInterrupt from interval timers: ITIMER_PROF counts the process's CPU time,
ITIMER_REAL the clock; where the platform has no setitimer, only the caller's deadline
applies). Shell
escapes, `%%bash`, `%pip` and the like are reported no-ops, and timing magics and tqdm's bars
print no timing (engine/magics.py). Nothing Linux-only is imported:
the student kit runs this module on macOS and Windows too.
"""

from __future__ import annotations

import codecs
import functools
import json
import os
import re
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder.engine import clock, magics

CELL_SECONDS = 60.0  # a cell's CPU-seconds when no caller sets them
ENVIRONMENT = ("numpy", "scipy", "torch", "matplotlib", "IPython", "ipywidgets", "tqdm")
DOWNLOAD = ("Download the notebook again as a .ipynb file (Jupyter: File > Download; "
            "Colab: File > Download > Download .ipynb) and upload that file.")
_CODE_NAME = re.compile(r"<ipython-input-(\d+)-[0-9a-f]+>")


class NotANotebook(ValueError):
    """The file is not a notebook; str() says what it is and what to do."""


@dataclass(frozen=True)
class Cell:
    """One cell, numbered as the student scrolls: every cell from the top, markdown too."""

    number: int
    kind: str  # "code", "markdown" or "raw"
    source: str

    def where(self, line: int | None = None) -> str:
        """`cell 14 (the one that starts `binary_lp = ...`), line 6`."""
        text = f"cell {self.number}"
        start = first_line(self.source)
        if start:
            text += f" (the one that starts `{start}`)"
        return text + (f", line {line}" if line else "")


def first_line(source: str) -> str:
    """The first line a person would recognise a cell by, shortened: no blank or comment
    line; an assignment shows its name only (`binary_lp = ...`)."""
    for line in source.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        assignment = re.match(r"([\w., \[\]]{1,40}?)\s*=(?!=)", line)
        if assignment:
            return f"{assignment.group(1)} = ..."
        return line if len(line) <= 40 else line[:37] + "..."
    return ""


# ---------------------------------------------------------------- reading


def read(path: str | Path) -> list[Cell]:
    """The cells of the notebook at `path` (NotANotebook: why it is not one)."""
    return parse(Path(path).read_bytes(), Path(path).name)


def parse(data: bytes, name: str) -> list[Cell]:
    """The cells of a notebook file's bytes, in nbformat 4's terms."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    start = data[:500].decode("utf-8", "replace").lstrip().lower()
    if start.startswith("<") and ("<html" in start or "<!doctype" in start):
        raise NotANotebook(f"{name} is a web page (HTML), not a notebook: it was saved from "
                           f"the browser's page. {DOWNLOAD}")
    if not start:
        raise NotANotebook(f"{name} is empty. {DOWNLOAD}")
    try:
        nb = json.loads(data)  # bytes: no decoded copy of megabytes of saved images
    except json.JSONDecodeError as exc:
        raise NotANotebook(f"{name} is not a notebook: it is not JSON ({exc.msg} at line "
                           f"{exc.lineno}). {DOWNLOAD}") from None
    except UnicodeDecodeError:
        raise NotANotebook(f"{name} is not a notebook: it is not text. {DOWNLOAD}") from None
    except RecursionError:
        raise NotANotebook(f"{name} is not a notebook: its JSON is nested far deeper than a "
                           f"notebook's. {DOWNLOAD}") from None
    if not isinstance(nb, dict) or not ("cells" in nb or "worksheets" in nb):
        raise NotANotebook(f"{name} is JSON but not a notebook (it has no cells). {DOWNLOAD}")
    if "worksheets" in nb or _int(nb.get("nbformat"), 4) < 4:
        nb = _upgrade(nb, name)
    if not _well_formed(nb.get("cells")):
        raise NotANotebook(_invalid(nb, name))
    cells = []
    for number, cell in enumerate(nb.get("cells") or [], start=1):
        cell = cell if isinstance(cell, dict) else {}
        kind = cell.get("cell_type")
        source = cell.get("source", "")
        source = "".join(map(str, source)) if isinstance(source, list) else str(source)
        cells.append(Cell(number, kind if kind in ("code", "markdown") else "raw", source))
    return cells


def _well_formed(cells: Any) -> bool:
    """What the grader relies on: a list of objects whose source is text or a list of text
    (stricter schema rules, which notebooks saved by Colab often break, are not required)."""
    return isinstance(cells, list) and all(
        isinstance(c, dict) and isinstance(s := c.get("source", ""), str | list)
        and (isinstance(s, str) or all(isinstance(line, str) for line in s)) for c in cells)


def _invalid(nb: dict[str, Any], name: str) -> str:
    """What is wrong with a notebook that is not _well_formed, in nbformat's own schema's
    words (nbformat imported only then)."""
    from jsonschema.exceptions import best_match
    from nbformat.validator import get_validator

    errors = list(get_validator(version=4, version_minor=4, name="jsonschema").iter_errors(nb))
    error = best_match([e for e in errors if list(e.absolute_path)[:1] == ["cells"]] or errors)
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}"
                    for p in (error.absolute_path if error else ["cells"]))
    what = error.message[:200] if error else "its cells are not a list of cells"
    return f"{name} is JSON but not a valid notebook: at {where.lstrip('.')}, {what}. {DOWNLOAD}"


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _upgrade(nb: dict[str, Any], name: str) -> dict[str, Any]:
    """nbformat 1-3 (cells under `worksheets`, code in `input`) to 4, by nbformat itself."""
    import nbformat
    from nbformat.converter import convert

    try:
        return convert(nbformat.from_dict(nb), 4)
    except Exception as exc:  # noqa: BLE001 - any malformed old notebook
        raise NotANotebook(f"{name} is in an old notebook format (nbformat "
                           f"{nb.get('nbformat')}) that could not be upgraded ({exc}). Open "
                           f"it in Jupyter, save it, and upload it again.") from None


def stripped(cells: list[Cell]) -> bytes:
    """An nbformat 4 notebook of `cells` without outputs, attachments or metadata: what the
    worker gets (markdown kept, so cells keep the numbers the student sees)."""
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
          "cells": [{"cell_type": c.kind, "metadata": {}, "source": c.source,
                     **({"outputs": [], "execution_count": None} if c.kind == "code" else {})}
                    for c in cells]}
    return json.dumps(nb).encode()


# ---------------------------------------------------------------- running (worker)


class NoInput:
    """sys.stdin while grading: input() says why it cannot be answered."""

    def readline(self, *args: Any) -> str:
        raise EOFError("input() cannot be answered while grading: remove the call or "
                       "hard-code the value")

    read = readline

    def isatty(self) -> bool:
        return False

    def close(self) -> None:
        """Nothing to close: multiprocessing's children close sys.stdin as they start (a
        notebook's Pool, or the grader's own after a test ran a notebook in-process)."""


class Kernel:
    """The cells of one notebook and the IPython shell that runs them into `namespace`."""

    def __init__(self, cells: list[Cell], namespace: dict[str, Any]):
        self.cells = {c.number: c for c in cells}
        self.notes: list[dict[str, Any]] = []
        self._counts: dict[int, int] = {}  # IPython's execution count -> cell number
        self._running: Cell | None = None
        self._timed_out = False
        self.shell = _shell(namespace)
        magics.register(self.shell, self._note)
        self.shell.system = self._skip_shell  # `!cmd` and the aliases (%ls, %cat, ...)
        self.shell.getoutput = lambda cmd, *a, **k: self._skip_shell(cmd) or _slist()
        sys.stdin = NoInput()
        _quiet_progress_bars()

    @property
    def code_cells(self) -> list[int]:
        return [n for n, c in self.cells.items() if c.kind == "code"]

    def hidden(self) -> set[str]:
        """Names the shell put in the namespace (In, Out, get_ipython, exit, ...)."""
        return set(self.shell.user_ns_hidden)

    def run(self, number: int, seconds: float | None = CELL_SECONDS,
            wall: float | None = None) -> dict[str, Any] | None:
        """Run cell `number`; its error as plain data (None: it ran). Interrupt it, as
        Jupyter's stop button does, after `seconds` of CPU time or `wall` seconds on the
        clock (default clock.WALL_FACTOR * seconds); `seconds` None: never."""
        cell = self.cells[number]
        self._running, self._timed_out = cell, ""
        self._counts[self.shell.execution_count] = number
        if seconds is not None and wall is None:
            wall = seconds * clock.WALL_FACTOR
        started = time.process_time()
        try:
            with self._interrupt_after(seconds, wall):
                result = self.shell.run_cell(cell.source, store_history=True,
                                             cell_id=str(number))
            error = result.error_before_exec or result.error_in_exec
        except KeyboardInterrupt as exc:  # the timer fired just outside the cell's code
            error = exc
        finally:
            self._running = None
        if error is None:
            return None
        if self._timed_out and isinstance(error, KeyboardInterrupt):
            waited = self._timed_out == "wall" and clock.waiting(
                time.process_time() - started, wall)
            spent = f"{wall:g} s waiting" if waited else f"{seconds:g} s of computing"
            return {"type": "TimeLimit", "cell": number, "line": cell.where(),
                    "message": f"still running after {spent}: interrupted"}
        return self.describe(error, number)

    def describe(self, exc: BaseException, number: int | None = None) -> dict[str, Any]:
        """An exception as plain data, located as the student sees the notebook: the cell
        that ran (`number`; None: a call from the grader) and the innermost cell it reached
        (`cell 27 (...), line 3, in cell 26 (the one that starts `def f(x):`), line 6`)."""
        frames = self._cell_frames(exc)
        running = self.cells.get(number) if number is not None else None
        inner = frames[-1] if frames else None
        if running is not None:
            line = next((n for c, n in reversed(frames) if c is running), None)
            where = running.where(line)
            if inner is not None and inner[0] is not running:
                where += f", in {inner[0].where(inner[1])}"
        else:
            where = inner[0].where(inner[1]) if inner else None
        return {"type": type(exc).__name__, "message": message(exc),
                "cell": number if running is not None else None, "line": where}

    def _cell_frames(self, exc: BaseException) -> list[tuple[Cell, int | None]]:
        """(cell, line) of each traceback frame in a cell, outermost first; a SyntaxError's
        own line last."""
        import traceback

        frames = []
        for frame in traceback.extract_tb(exc.__traceback__):
            cell = self._cell_of(frame.filename)
            if cell is not None:
                frames.append((cell, frame.lineno))
        if isinstance(exc, SyntaxError) and self._cell_of(exc.filename) is not None:
            frames.append((self._cell_of(exc.filename), exc.lineno))
        return frames

    def _cell_of(self, filename: str | None) -> Cell | None:
        match = _CODE_NAME.fullmatch(filename or "")
        number = self._counts.get(int(match.group(1))) if match else None
        return self.cells[number] if number else None

    # -- what the sandbox forbids: a note, never a lost answer

    def _note(self, text: str) -> None:
        """Report something skipped in the running cell, once."""
        cell = self._running
        note = {"cell": cell.number, "where": cell.where(), "message": text} if cell else None
        if note is not None and note not in self.notes:
            self.notes.append(note)

    def _skip_shell(self, cmd: str) -> None:
        self._note(f"the shell command `!{cmd[:60]}` was skipped: shell commands cannot "
                   "run while grading")

    @contextmanager
    def _interrupt_after(self, seconds: float | None, wall: float | None) -> Iterator[None]:
        """KeyboardInterrupt in the running cell after `seconds` of the process's CPU time
        (ITIMER_PROF), or `wall` seconds on the clock (ITIMER_REAL) while it waits (twice
        that in any case), then every second (a cell that swallows one gets another). No
        setitimer (Windows) or not the main thread: no timer, the caller's deadline applies."""
        usable = (seconds is not None and hasattr(signal, "setitimer")
                  and threading.current_thread() is threading.main_thread())
        if not usable:
            yield
            return
        timers = {signal.SIGPROF: (signal.ITIMER_PROF, seconds, "cpu"),
                  signal.SIGALRM: (signal.ITIMER_REAL, wall, "wall")}
        started, cpu_started = time.monotonic(), time.process_time()

        def interrupt(signum: int, frame: Any) -> None:
            if self._running is None:
                return
            if signum == signal.SIGALRM:  # computing on a busy machine: until twice as long
                waited = time.monotonic() - started
                if not clock.waiting(time.process_time() - cpu_started, waited) \
                        and waited < 2 * wall:
                    return
            self._timed_out = self._timed_out or timers[signum][2]
            raise KeyboardInterrupt

        previous = {sig: signal.signal(sig, interrupt) for sig in timers}
        for which, after, _ in timers.values():
            signal.setitimer(which, max(after, 0.001), 1.0)
        try:
            yield
        finally:
            for sig, (which, _, _) in timers.items():
                signal.setitimer(which, 0)
                signal.signal(sig, previous[sig])


def _quiet_progress_bars() -> None:
    """tqdm's bars print rates and times that differ on every run, and two gradings of one
    notebook must agree: every bar is made with disable=True (the loop still runs). torch has
    imported tqdm already, so its environment variable alone would come too late."""
    os.environ["TQDM_DISABLE"] = "1"
    try:
        import tqdm.std
    except ImportError:
        return
    tqdm.std.tqdm.__init__ = functools.partialmethod(tqdm.std.tqdm.__init__, disable=True)


def message(exc: BaseException) -> str:
    """An exception's message as the student reads it (capped)."""
    if isinstance(exc, SystemExit):
        return f"exit code {exc.code!r}"
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        return f"No module named '{exc.name}'"
    if isinstance(exc, SyntaxError) and exc.msg:
        return exc.msg[:500]
    return str(exc)[:500]


def _slist() -> Any:
    from IPython.utils.text import SList

    return SList()


def _shell(namespace: dict[str, Any]) -> Any:
    """IPython's shell as a kernel has it (the process's one instance, so `IPython.display`,
    tqdm and ipywidgets find it), minus what a grader must not do: no history database (in
    memory), no profile folder written, no colours, tracebacks not printed (the grader
    reports each error once), only text/plain output computed (no PNG renders)."""
    import matplotlib

    matplotlib.use("Agg")
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.core.profiledir import ProfileDir
    from traitlets.config import Config

    class GradingShell(InteractiveShell):
        def enable_gui(self, gui: str | None = None) -> None:
            """`%matplotlib inline` asks for no event loop; no GUI exists here anyway."""

        def ask_exit(self) -> None:
            raise SystemExit("exit() was called")

    if InteractiveShell.initialized():  # a second notebook in one process (tests)
        type(InteractiveShell.instance()).clear_instance()
    config = Config()
    config.HistoryManager.enabled = False
    config.HistoryManager.hist_file = ":memory:"
    config.InteractiveShell.colors = "nocolor"
    shell = GradingShell.instance(config=config, user_ns=namespace, profile_dir=ProfileDir(),
                                  ipython_dir=tempfile.gettempdir())
    shell.display_formatter.active_types = ["text/plain"]
    shell.display_pub.clear_output = lambda wait=False: None  # no terminal escapes in a file
    shell.showtraceback = lambda *args, **kwargs: None
    shell.showsyntaxerror = lambda *args, **kwargs: None
    return shell


def run(path: str | Path, namespace: dict[str, Any],
        seconds: float | None = CELL_SECONDS) -> list[dict[str, Any]]:
    """Run every code cell of the notebook at `path` into `namespace`, in this process (our
    own notebooks, in tests); return the cell errors."""
    kernel = Kernel(read(path), namespace)
    errors = [kernel.run(n, seconds) for n in kernel.code_cells]
    return [e for e in errors if e is not None]
