"""Grading one submission folder into a Gradescope results dict.

The order matters: the zygote (sandbox.py) is forked first, before the checks and the
reference are imported, so no worker ever has them in memory.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import autograder
from autograder import results
from autograder.sandbox import SandboxUser, Zygote
from autograder.student import Student, SubmissionError

PACKAGE_DIR = Path(autograder.__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
INTERNAL_ERROR = ("The autograder could not finish this check because of an error of its own. "
                  "Your other parts are unaffected; please tell the course staff.")


def protected_paths(submission: Path, extra: list[Path]) -> list[Path]:
    """What a worker must not see: the reference, the checks, the tests, the results and the
    submissions themselves (the worker gets a private copy of its one file). Never a folder
    that holds /tmp or the Python installation, which the worker needs."""
    paths = [PROJECT_DIR / "reference", PROJECT_DIR / "tests", PACKAGE_DIR,
             submission.resolve(), *[p.resolve() for p in extra]]
    needed = [Path("/tmp"), Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()]
    return [p for p in dict.fromkeys(paths)
            if p.exists() and not any(n.is_relative_to(p) for n in needed)]


def lock_down(paths: list[Path]) -> None:
    """As root, make our own folders unreadable to other users: the defence that still holds
    where the kernel refuses the worker a mount namespace."""
    if os.geteuid() != 0:
        return
    for p in paths:
        if p.is_dir() and p.is_relative_to(PROJECT_DIR):
            os.chmod(p, 0o700)


def run_check(check: Any, student: Student) -> tuple[float, str]:
    """Score one check: full marks and its verdict, or 0 and the reason."""
    from autograder.props import Mismatch

    try:
        return check.max_score, check.run(student)
    except (Mismatch, SubmissionError) as exc:
        note = ""
        if student.load_errors:
            e = student.load_errors[0]
            where = f" at {e['line']}" if e.get("line") else ""
            note = (f"Note: running {student.path.name} raised {e.get('type')}{where}: "
                    f"{e.get('message')}; only what was defined before that was graded.\n")
        return 0.0, note + str(exc)
    except Exception:  # noqa: BLE001 - our bug: a message for the student, a trace for staff
        traceback.print_exc(file=sys.stderr)
        return 0.0, INTERNAL_ERROR


class Grader:
    """Grades submissions one after another with one zygote and one sandbox uid.

    Create it before anything imports the checks or the reference (see the module
    docstring); use it as a context manager so the zygote is closed.
    """

    def __init__(self) -> None:
        self.zygote = Zygote()
        self.user = SandboxUser()

    def __enter__(self) -> Grader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.user.kill_all()
        self.zygote.close()

    def grade(self, submission: Path, *, public_only: bool = False,
              extra_hidden: list[Path] = (),
              progress: Callable[[str], None] | None = None) -> dict[str, Any]:
        """Grade the submission folder; return the results dict (results.py)."""
        from autograder.checks import all_checks
        from autograder.submission import find

        start = time.monotonic()
        found = find(submission)
        hidden = protected_paths(submission, list(extra_hidden))
        lock_down(hidden)
        tests = []
        with tempfile.TemporaryDirectory(prefix="hw0-grade-") as scratch:
            students = {name: Student(path, name, self.zygote, self.user, hidden, Path(scratch))
                        for name, path in found.files.items()}
            try:
                for check in all_checks():
                    if public_only and check.visibility != "visible":
                        continue
                    if progress:
                        progress(f"{check.number} {check.title}")
                    score, output = run_check(check, students[check.file])
                    tests.append(results.test_entry(check.number, check.title, check.part,
                                                     score, check.max_score, output,
                                                     check.visibility))
            finally:
                for student in students.values():
                    student.close()
                self.user.kill_all()
            printed = _printed_output(Path(scratch))
        output = "\n".join(found.notes + [_load_summary(s) for s in students.values()
                                          if s.load_errors] + printed)
        return results.results(tests, output, time.monotonic() - start)


def grade(submission: Path, **options: Any) -> dict[str, Any]:
    """Grade one submission folder with a grader of its own."""
    with Grader() as grader:
        return grader.grade(submission, **options)


def _load_summary(student: Student) -> str:
    e = student.load_errors[0]
    where = f" at {e['line']}" if e.get("line") else ""
    return (f"{student.path.name} raised {e.get('type')}{where} while running: "
            f"{e.get('message')}. What was defined before that was graded.")


def _printed_output(scratch: Path) -> list[str]:
    """The first lines each file printed on its first run (student output, shown capped)."""
    shown = []
    for out in sorted(scratch.glob("output-*-1.txt")):
        with open(out, "rb") as f:
            text = f.read(2000).decode("utf-8", "replace").strip()
        if text:
            kind = "hw0.py" if "-py-" in out.name else "the notebook"
            shown.append(f"Printed by {kind} (first 2000 characters):\n{text}")
    return shown
