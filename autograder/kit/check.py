"""`from hw0_selfcheck import check; check()`: the self-check from a notebook cell.

- `check()` checks the live kernel: the notebook's Q5 answers and functions as they are
  defined right now (kit/live.py), no save, no re-run.
- `check("q5e")` or `check("5.8")`: one part, or one check, of the notebook.
- `check("hw0.py")`, or any path to a file or folder: that file (or folder) as the command
  line checks it, in a separate process (`python -m hw0_selfcheck PATH`).

In a kernel (Jupyter, JupyterLab, VS Code, Colab) the report is displayed as an HTML table
with a plain-text twin (kit/view.py); elsewhere (a script, a terminal's IPython) it is the
command line's (report.py). A file's report comes from the command line's process as data
(`--data`) and is displayed the same way. An interrupt (the stop button, Ctrl-C) ends it
with one line, every process and temporary folder of the check gone. Nothing is returned,
so nothing more is printed under the report.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from autograder.kit.selfcheck import FILES

HW0_PY, NOTEBOOK = FILES  # checks.HW0_PY, checks.NOTEBOOK, without importing the checks
STOPPED = "Stopped: the check was interrupted; nothing more was checked."

PART = re.compile(r"q\d[a-z]?", re.IGNORECASE)
NUMBER = re.compile(r"\d+\.\d+")


def check(what: str | Path | None = None) -> None:
    """Check the live kernel (nothing given), one part or check of it ("q5e", "5.8"), or a
    file or folder (a path) as the command line does."""
    try:
        if what is not None and (Path(what).suffix in (".py", ".ipynb") or Path(what).exists()):
            _check_path(Path(what))
        else:
            _check_kernel(what)
    except KeyboardInterrupt:
        print(STOPPED)


def _check_kernel(what: str | Path | None) -> None:
    from autograder import report
    from autograder.kit.live import KERNEL, grade

    select = _selector(None if what is None else str(what).strip())
    if isinstance(select, str):
        print(select)
        return
    data = grade(_kernel_names(), select)
    if not data["tests"]:
        print(f"No public check of the notebook is called {what!r}: give a part such as "
              "'q5e' or a check number such as '5.8'.")
        return
    from autograder.kit.selfcheck import form_only, hidden_count

    _show({"data": data, "form_only": sorted(form_only()), "hidden": hidden_count(NOTEBOOK),
           "checked": report.checked_kernel(KERNEL, HW0_PY)})


def _question_files() -> dict[str, str]:
    """Each question's number ("1", "5", ...) and the file its checks grade (all_checks)."""
    from autograder.checks import all_checks

    return {c.number.split(".")[0]: c.file for c in all_checks()}


def _questions_said(files: dict[str, str]) -> str:
    """The questions by file: "q1, q2, q3, q4, q6 in hw0.py; q5 in the notebook"."""
    numbers = sorted(files, key=int)
    return "; ".join(f"{', '.join(f'q{n}' for n in numbers if files[n] == f)} in {f}"
                     for f in dict.fromkeys(files[n] for n in numbers))


def _selector(what: str | None) -> Any:
    """Which notebook checks to run, or the sentence saying why there are none."""
    if what is None:
        return lambda c: True
    if NUMBER.fullmatch(what) or PART.fullmatch(what):
        files = _question_files()
        asked = what.lower()
        question = asked.split(".")[0] if NUMBER.fullmatch(what) else asked[1:].rstrip(
            "abcdefghijklmnopqrstuvwxyz")
        kind = "check" if NUMBER.fullmatch(what) else "part"
        if question not in files:
            numbered = "its checks are numbered by question (1.1 and on):" if kind == "check" \
                else "its questions are"
            return f"HW0 has no {kind} {asked}: {numbered} {_questions_said(files)}."
        if files[question] != NOTEBOOK:
            return (f"{kind.capitalize()} {asked} is {'about' if kind == 'check' else 'in'} "
                    f"{files[question]}: check it with "
                    f"check('{files[question]}') (the saved file, in a separate process).")
        return (lambda c: c.number == asked) if kind == "check" else (
            lambda c: c.part == asked)
    return (f"check({what!r}): give nothing (this kernel's answers), a part such as 'q5e', a "
            f"check number such as '5.8', or the path of a file or folder such as '{HW0_PY}' "
            f"(not found: {Path(what).resolve()}).")


def _shell() -> Any:
    """The IPython shell this runs in, or None (a plain script)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _kernel_names() -> dict[str, Any]:
    """The namespace the student's cells run in: IPython's user namespace, else (a script)
    the globals of check()'s caller (three frames up: here, _check_kernel, check)."""
    shell = _shell()
    return shell.user_ns if shell is not None else sys._getframe(3).f_globals


def _show(shown: dict[str, Any]) -> None:
    """A report (selfcheck.as_data's dict): displayed as HTML and text where a Jupyter
    kernel shows it (their shells have a kernel), printed as in a terminal elsewhere."""
    from autograder import report
    from autograder.kit.view import Report

    shown = {**shown, "form_only": frozenset(shown["form_only"])}
    if getattr(_shell(), "kernel", None) is None:
        report.show(**shown)
        return
    from IPython.display import display

    display(Report(**shown))


def _check_path(path: Path) -> None:
    """The command line's self-check of a file or folder, in a separate process, its report
    shown here. Interrupted, that process is interrupted too, so that it cleans up."""
    process = subprocess.Popen([sys.executable, "-m", "hw0_selfcheck", "--data", str(path)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               encoding="utf-8", errors="replace")
    try:
        out, err = process.communicate()
    except KeyboardInterrupt:
        _interrupt(process)
        raise
    try:
        shown = json.loads(out)
    except ValueError:  # what it printed instead (a message, an error)
        print(out.rstrip() or err.rstrip())
        return
    _show(shown)


def _interrupt(process: subprocess.Popen) -> None:
    """Ctrl-C for the command line's process (it stops, removes its folders), then wait."""
    try:
        process.send_signal(signal.SIGINT)
    except (ValueError, OSError):  # Windows takes no SIGINT: end it
        process.terminate()
    try:
        process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()

