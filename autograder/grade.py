"""Grading one submission folder into a Gradescope results dict.

The order matters: the zygote (sandbox.py) is forked first, before the checks and the
reference are imported, so no worker ever has them in memory. The student kit gives the
Grader its portable engine instead (kit/engine.py), so nothing Linux-only is imported there.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import autograder
from autograder import feedback, identity, results
from autograder.engine.answers import SubmissionError, unfinished
from autograder.engine.student import Student

if TYPE_CHECKING:
    from autograder.engine.sandbox import Zygote
    from autograder.engine.uids import SandboxUser

PACKAGE_DIR = Path(autograder.__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
INTERNAL_ERROR = ("The autograder could not finish this check because of an error of its own. "
                  "Your other parts are unaffected; please tell the course staff.")


def protected_paths(submission: Path, extra: list[Path]) -> list[Path]:
    """What a worker must not see: the whole project (reference, checks, tests, git history;
    a Python installation inside it, such as .venv, is bound back by the sandbox), any other
    installed copy of this package, the results and the submissions themselves (the worker
    gets a private copy of its one file). Never / or /tmp: the worker has a private /tmp."""
    project = [PROJECT_DIR] if (PROJECT_DIR / "pyproject.toml").exists() else []  # not an
    # installed copy, whose parent is site-packages
    paths = [*project, PROJECT_DIR / "reference", PROJECT_DIR / "tests", PACKAGE_DIR,
             *installed_copies(), submission.resolve(), *[p.resolve() for p in extra]]
    return [p for p in dict.fromkeys(paths)
            if p.exists() and not Path("/tmp").is_relative_to(p)]


def installed_copies() -> list[Path]:
    """Copies of this package elsewhere on sys.path (`pip install .` puts one, checks and
    all, in site-packages, where any user may read it)."""
    found = []
    for entry in sys.path:
        copy = Path(entry or ".").resolve() / "autograder"
        if copy != PACKAGE_DIR and (copy / "engine" / "sandbox.py").is_file():
            found.append(copy)
    return found


def in_gradescope() -> bool:
    """Whether this is Gradescope's container: the grader runs from $AUTOGRADER_ROOT/source
    (/autograder/source unless run_autograder is pointed elsewhere), where setup.sh put it.
    There locking our folders for good is right; anywhere else they are restored."""
    root = Path(os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    return PROJECT_DIR == (root / "source").resolve()


def lock_down(paths: list[Path]) -> dict[Path, int]:
    """As root, make our own folders unreadable to other users: the defence that still holds
    where the kernel refuses the worker a mount namespace. A folder that holds the Python
    installation (the project's .venv) stays open; its other subfolders are closed.
    Returns the previous mode of each folder it changed, for `restore`."""
    if os.geteuid() != 0:
        return {}
    python = [Path(p).resolve() for p in (sys.prefix, sys.base_prefix, *sys.path)
              if p and (p.startswith((sys.prefix, sys.base_prefix)) or "-packages" in p)]
    ours = [PROJECT_DIR, *installed_copies()]
    targets = []
    for p in paths:
        if not p.is_dir() or not any(p.is_relative_to(o) for o in ours):
            continue
        if not any(n.is_relative_to(p) for n in python):
            targets.append(p)
            continue
        targets += [child for child in p.iterdir()
                    if child.is_dir() and not child.is_symlink()
                    and not any(n.is_relative_to(child) for n in python)]
    return lock_folders(targets)


def lock_folders(folders: list[Path]) -> dict[Path, int]:
    """As root, make `folders` mode 700 (batch: the export and the results, which a
    submission's code must not read where it has no namespace). Returns the previous mode
    of each folder, for `restore` (engine/modes.py: shared with the other graders)."""
    if os.geteuid() != 0:
        return {}
    # BEGIN GRADER ONLY
    from autograder.engine import modes

    return modes.lock(folders, journal=not in_gradescope())  # there they stay locked
    # END GRADER ONLY
    # KIT: return {}  # the kit runs as the student, never locks


def restore(changed: dict[Path, int]) -> None:
    """Give the folders `lock_down` changed their modes back once no other grader holds
    them, except in Gradescope's container, where they stay locked."""
    if in_gradescope() or not changed:
        return
    # BEGIN GRADER ONLY
    from autograder.engine import modes

    modes.give_back(changed)
    # END GRADER ONLY


class Outcome(NamedTuple):
    """One check's score and output; `unfinished`: it failed because the answer is not there
    yet (answers.unfinished), so no other test is said to build on it."""

    score: float
    output: str
    unfinished: bool = False


def run_check(check: Any, student: Student) -> Outcome:
    """Score one check: full marks and its verdict, or 0 and the reason; either way with a
    note for each function it called that changed its arguments in place."""
    from autograder.checks.props import Mismatch

    before = {name: set(args) for name, args in student.modified.items()}
    missing = False
    try:
        score, output = check.max_score, check.run(student)
    except (Mismatch, SubmissionError) as exc:
        score, output, missing = 0.0, str(exc), unfinished(exc)
        output = "\n".join(filter(None, [output, student.set_again(check.title.split(":")[0]
                                                                    .strip())]))
    except Exception:  # noqa: BLE001 - our bug: a message for the student, a trace for staff
        traceback.print_exc(file=sys.stderr)
        return Outcome(0.0, INTERNAL_ERROR)
    subject = check.title.split(":")[0].strip()
    notes = [feedback.in_place_note(name, args) for name, args in student.modified.items()
             if name == subject or args != before.get(name)]
    return Outcome(score, "\n".join([output, *notes]), missing)


def scored(checks: list[Any], outcomes: dict[str, Outcome],
           students: dict[str, Student]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The results.json entries of the checks that ran (`outcomes`: number -> run_check's
    Outcome), and feedback.roots: a failed test that builds on a function of the student's
    that returned wrong values opens with "Fix first"."""
    ran = [c for c in checks if c.number in outcomes]
    failed = {c.number for c in ran if outcomes[c.number].score < c.max_score}
    roots = feedback.roots([c for c in ran if students[c.file].graded], failed,
                           {f: a for s in students.values() for f, a in s.modified.items()},
                           {name: s.sources() for name, s in students.items()},
                           {n for n in failed if outcomes[n].unfinished})
    tests = []
    for c in ran:
        score, output, _ = outcomes[c.number]
        output = f"{roots[c.number][1]}\n{output}" if c.number in roots else output
        tests.append(results.test_entry(c.number, c.title, c.part, score, c.max_score,
                                        output, c.visibility))
    return tests, roots


class Grader:
    """Grades submissions one after another with one zygote and one sandbox uid.

    Create it before anything imports the checks or the reference (see the module
    docstring); use it as a context manager so the zygote is closed. Without arguments it
    uses the Linux sandbox; the student kit passes its spawn engine (kit/engine.py).
    """

    def __init__(self, zygote: Zygote | None = None, user: SandboxUser | None = None) -> None:
        if zygote is None:
            # BEGIN GRADER ONLY
            from autograder.engine.sandbox import Zygote, settled
            from autograder.engine.uids import SandboxUser

            zygote, user = Zygote(), SandboxUser()
            settled(_import_checks)  # now that the zygote is forked: no worker holds them
            # KIT: raise TypeError("the kit's Grader needs the kit's engine")
            # END GRADER ONLY
        self.zygote, self.user = zygote, user
        self._modes: dict[Path, int] = {}  # folders lock_down changed, restored on exit

    def __enter__(self) -> Grader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.user.kill_all()
        self.zygote.close()
        restore(self._modes)
        self._modes = {}

    def grade(self, submission: Path, *, public_only: bool = False,
              extra_hidden: list[Path] = (),
              progress: Callable[[str], None] | None = None,
              files: list[str] | None = None, named: Path | None = None) -> dict[str, Any]:
        """Grade the submission folder; return the results dict (results.py). `files`:
        only these of the two (the kit's self-check of one file), nothing said of the other;
        `named`: the file the student named, graded as its kind's (submission.find)."""
        from autograder.checks import all_checks
        from autograder.engine.submission import find, stage

        start = time.monotonic()
        found = find(submission, *(files or ()), named=named)
        hidden = protected_paths(submission, list(extra_hidden))
        if self.user.uid is not None:  # the sandbox's own uid: root on Linux
            self._modes = {**lock_down(hidden), **self._modes}  # the first mode seen is theirs
        checks = [c for c in all_checks() if (not public_only or c.kit != "none")
                  and (files is None or c.file in files)]
        outcomes: dict[str, Outcome] = {}
        with tempfile.TemporaryDirectory(prefix="hw0-grade-") as scratch:
            copies = stage(found, submission, Path(scratch) / "upload")  # root's, 700
            students = {name: Student(path, name, self.zygote, self.user, hidden, Path(scratch))
                        for name, path in copies.items()}
            for name, student in students.items():  # what the finder said of a missing file
                student.absent = next((n for n in found.notes if student.path is None
                                       and n.startswith(f"{name} was not")), None)
            try:
                # One file's checks after the other: one worker alive at a time (memory).
                for file, student in students.items():
                    for check in (c for c in checks if c.file == file):
                        if progress:
                            progress(f"{check.number} {check.title}")
                        outcomes[check.number] = run_check(check, student)
                    student.close()
            finally:
                for student in students.values():
                    student.close()
                self.user.kill_all()
            printed = _printed_output(Path(scratch))
            # Scored while the staged copies are there: the roots read the student's source.
            tests, roots = scored(checks, outcomes, students)
            problems = [p for s in students.values() for p in s.problems()]
        # The score and the failed tests, what to fix first (files, compile and cell errors,
        # skipped commands, the functions other tests build on), then what was printed.
        output = "\n\n".join([feedback.summary(tests), *found.notes, *problems,
                               *feedback.fix_first(roots), *printed])
        return results.results(tests, output, time.monotonic() - start,
                               {"grader": identity.grader()})


# BEGIN GRADER ONLY
def _import_checks() -> None:
    """Load the checks and what they import (hypothesis, sympy, gradescope-utils)."""
    from autograder.checks import all_checks

    all_checks()
# END GRADER ONLY


def grade(submission: Path, **options: Any) -> dict[str, Any]:
    """Grade one submission folder with a grader of its own."""
    with Grader() as grader:
        return grader.grade(submission, **options)


# A warning Python printed with the grader's own frame as its place (the student's code,
# called by the worker, warned with stacklevel=2): `/.../engine/worker.py:102: UserWarning:
# ...` and the worker's source line under it.
_OUR_FRAME = re.compile(r"^[^\n]*/(?:autograder|hw0_selfcheck)/[\w/]+\.py:\d+: "
                        r"(?=\w*(?:Warning|Error)\b)([^\n]*)(?:\n[ \t]+[^\n]*)?", re.M)


def _printed_output(scratch: Path) -> list[str]:
    """What each file printed on its first run (student output, shown capped), cells named
    as the student's Jupyter shows them, never a path of the grader's own."""
    from autograder.engine.notebook import in_cells

    shown = []
    for out in sorted(scratch.glob("output-*-1.txt")):
        with open(out, "rb") as f:
            text = results.printed(f.read(results.PRINTED_READ), out.stat().st_size)
        text = _OUR_FRAME.sub(r"In a call from the grader: \1", in_cells(text))
        if text:
            kind = "hw0.py" if "-py-" in out.name else "the notebook"
            shown.append(f"Printed by {kind}:\n{text}")
    return shown
