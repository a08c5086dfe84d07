"""`from hw0_selfcheck import check; check()`: the self-check from a notebook cell.

- `check()` checks the live kernel: the notebook's Q5 answers and functions as they are
  defined right now (kit/live.py), no save, no re-run.
- `check("q5e")` or `check("5.8")`: one part, or one check, of the notebook.
- `check("hw0.py")`, or any path to a file or folder: that file (or folder) as the command
  line checks it, in a separate process (`python -m hw0_selfcheck PATH`).

The report is the command line's (report.py): rich renders it as HTML in Jupyter,
JupyterLab, VS Code and Colab, as text in a terminal. Nothing is returned, so nothing more
is printed under it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from autograder.kit.selfcheck import FILES

HW0_PY, NOTEBOOK = FILES  # checks.HW0_PY, checks.NOTEBOOK, without importing the checks

PART = re.compile(r"q\d[a-z]?", re.IGNORECASE)
HW0_QUESTIONS = "12346"  # the questions of hw0.py (q5 is the notebook's)
NUMBER = re.compile(r"\d+\.\d+")


def check(what: str | Path | None = None) -> None:
    """Check the live kernel (nothing given), one part or check of it ("q5e", "5.8"), or a
    file or folder (a path) as the command line does."""
    from autograder import report
    from autograder.kit.live import KERNEL, grade

    if what is not None and (Path(what).suffix in (".py", ".ipynb") or Path(what).exists()):
        _check_path(Path(what))
        return
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

    _console().print(report.report(data, form_only=form_only(), hidden=hidden_count(NOTEBOOK),
                                   checked=report.checked_kernel(KERNEL, HW0_PY)))


def _selector(what: str | None) -> Any:
    """Which notebook checks to run, or the sentence saying why there are none."""
    if what is None:
        return lambda c: True
    if NUMBER.fullmatch(what):
        if what.split(".")[0] not in set(HW0_QUESTIONS + "5"):
            return (f"HW0 has no check {what}: its checks are numbered 1.1 and on, by question "
                    "(q1 to q6; 5.x are the notebook's).")
        if not what.startswith("5."):
            return (f"Check {what} is about {HW0_PY}: check it with check('{HW0_PY}') (the "
                    "saved file, in a separate process).")
        return lambda c: c.number == what
    if PART.fullmatch(what):
        part = what.lower()
        if part[1] not in HW0_QUESTIONS + "5":
            return (f"HW0 has no part {part}: its questions are q1 to q6 (q1-q4 and q6 in "
                    f"{HW0_PY}, q5a to q5i in the notebook).")
        if not part.startswith("q5"):
            return (f"Part {part} is in {HW0_PY}: check it with check('{HW0_PY}') (the saved "
                    "file, in a separate process).")
        return lambda c: c.part == part
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
    the caller's globals."""
    shell = _shell()
    return shell.user_ns if shell is not None else sys._getframe(2).f_globals


def _console() -> Any:
    """The report's console: HTML where a Jupyter kernel shows it (Jupyter, JupyterLab, VS
    Code, Colab: their shells have a kernel), text in a terminal."""
    from rich.console import Console

    from autograder import report

    if getattr(_shell(), "kernel", None) is None:
        return report.console()
    return Console(width=report.WIDTH, force_jupyter=True, highlight=False, soft_wrap=False)


def _check_path(path: Path) -> None:
    """The command line's self-check of a file or folder, in a separate process, its report
    shown here."""
    done = subprocess.run([sys.executable, "-m", "hw0_selfcheck", str(path)],
                          capture_output=True, text=True, encoding="utf-8", errors="replace")
    from rich.text import Text

    _console().print(Text(done.stdout.rstrip() or done.stderr.rstrip()))

