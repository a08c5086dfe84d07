"""`python -m hw0_selfcheck [PATH]`: the student's self-check, as the kit runs it.

build-kit copies the grader's own modules into the kit's `hw0_selfcheck` package; this is
its entry. It grades PATH (default: the current folder; a file: that file alone) with the
public checks, the reference replaced by the outputs recorded at build time
(checks/fixtures.py) and the sandbox by the portable spawn engine (kit/engine.py), then
prints the report, headed by the folder and the files it checked. Exit status: 0 when every
public check passes, 1 otherwise, 2 when PATH is not there, 130 on Ctrl-C (one line, and
every temporary folder removed).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

FIXTURES = Path(__file__).with_name("fixtures.json")
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
# checks.NOTEBOOK, named here because importing the checks takes the second in which its
# worker, started first, imports torch and runs it: the notebook is the long pole. hw0.py's
# worker starts when its first check asks (starting it now as well measured slower on two
# cores: three processes importing torch at once; benchmarks/kit.py).
PRELOAD = "color_organ_learning.ipynb"
FILES = ("hw0.py", PRELOAD)  # checks.HW0_PY, checks.NOTEBOOK
INTERRUPTED = "Stopped (Ctrl-C): nothing more was checked."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hw0_selfcheck",
        description="Run the public checks of HW0 on your hw0.py and color_organ_learning.ipynb.",
        epilog="Exit status: 0 when every public check passes, 1 when one does not, 2 when "
               "PATH is not there, 130 when stopped with Ctrl-C.")
    parser.add_argument("path", type=Path, nargs="?", default=Path("."),
                        help="the folder with your two files, or one of the files (default: "
                             "this folder)")
    # check("hw0.py") in a notebook: the report as JSON, for its HTML table (kit/check.py)
    parser.add_argument("--data", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.path.exists():
        parser.exit(2, f"{args.path.resolve()} is not there: give the folder that holds "
                       "hw0.py and color_organ_learning.ipynb, or one of them.\n")
    try:
        return check(args.path, as_data if args.data else None)
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C: the same one line
        print(INTERRUPTED, file=sys.stderr, flush=True)
        return 130


def check(path: Path, show: Callable[..., None] | None = None) -> int:
    """Grade the folder (or the one file) at `path`, print the report (`show`: instead,
    report.show's arguments go to it); the exit status."""
    for var in THREAD_VARS:  # as on Gradescope: one thread, the same sums
        os.environ.setdefault(var, "1")
    folder = (path if path.is_dir() else path.parent).resolve()
    from autograder.kit.engine import NoUser, SpawnZygote

    # First: the notebook's worker imports torch and runs it while we import the checks.
    preload = [folder / PRELOAD] if (folder / PRELOAD).is_file() and path.name != FILES[0] \
        else []
    zygote = SpawnZygote(preload=preload)
    try:
        from autograder import grade, report
        from autograder.checks import fixtures
        from autograder.engine.submission import find

        named = path.resolve() if path.is_file() else None  # that file, no other candidate
        found = find(folder, named=named)
        wanted = [n for n in FILES if path.is_dir() or _meant(path, n)]
        if not any(found.files[n] for n in wanted):
            report.console().print(report.nothing_found(folder, wanted))
            return 1
        fixtures.active = fixtures.Replay(json.loads(FIXTURES.read_text(encoding="utf-8")))
        with grade.Grader(zygote, NoUser()) as grader:
            data = grader.grade(folder, public_only=True, progress=report.progress,
                                files=[n for n in wanted if found.files[n]], named=named)
        (show or report.show)(data, form_only=form_only(), hidden=hidden_count(*wanted),
                              checked=report.checked_files(
                                  folder, found.files, wanted,
                                  [n for n in FILES if n not in wanted]))
        return report.exit_status(data)
    finally:
        zygote.close()


def as_data(data: dict, form_only: frozenset[str], hidden: int, checked: str) -> None:
    """The report as one JSON object on stdout (`--data`): what kit/check.py displays."""
    print(json.dumps({"data": data, "form_only": sorted(form_only), "hidden": hidden,
                      "checked": checked}))


def _meant(path: Path, name: str) -> bool:
    """Whether the file at `path` is the student's `name` (same kind of file)."""
    return Path(name).suffix == path.suffix.lower()


def form_only() -> frozenset[str]:
    """The checks the kit makes for form only (checks/policy.py)."""
    from autograder.checks.policy import FORM, POLICY

    return frozenset(n for n, (kit, _) in POLICY.items() if kit == FORM)


def hidden_count(*files: str) -> int:
    """How many checks of these files Gradescope runs that the kit does not have."""
    from autograder.checks import all_checks
    from autograder.checks.policy import NONE

    return sum(c.kit == NONE and c.file in files for c in all_checks())
