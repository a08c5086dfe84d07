"""`python -m hw0_selfcheck [DIR]`: the student's self-check, as the kit runs it.

build-kit copies the grader's own modules into the kit's `hw0_selfcheck` package; this is
its entry. It grades DIR (default: the current folder) with the public checks, the
reference replaced by the outputs recorded at build time (checks/fixtures.py) and the
sandbox by the portable spawn engine (kit/engine.py), then prints the report. Exit status:
0 when every public check passes, 1 otherwise (2: DIR is not a folder).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

FIXTURES = Path(__file__).with_name("fixtures.json")
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
# checks.NOTEBOOK, named here because importing the checks takes the second in which its
# worker, started first, imports torch and runs it: the notebook is the long pole. hw0.py's
# worker starts when its first check asks (starting it now as well measured slower on two
# cores: three processes importing torch at once; benchmarks/kit.py).
PRELOAD = "color_organ_learning.ipynb"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hw0_selfcheck",
        description="Run the public checks of HW0 on your hw0.py and color_organ_learning.ipynb.",
        epilog="Exit status: 0 when every public check passes, 1 when one does not, 2 when "
               "DIR is not a folder.")
    parser.add_argument("dir", type=Path, nargs="?", default=Path("."),
                        help="the folder with your two files (default: this folder)")
    args = parser.parse_args(argv)
    if not args.dir.is_dir():
        parser.exit(2, f"{args.dir} is not a folder: give the folder that holds hw0.py and "
                       "color_organ_learning.ipynb.\n")
    for var in THREAD_VARS:  # as on Gradescope: one thread, the same sums
        os.environ.setdefault(var, "1")
    from autograder.kit.engine import NoUser, SpawnZygote

    # First: the notebook's worker imports torch and runs it while we import the checks.
    zygote = SpawnZygote(preload=[args.dir / PRELOAD] if (args.dir / PRELOAD).is_file() else [])
    from autograder import grade, report
    from autograder.checks import fixtures
    from autograder.checks.policy import FORM, NONE, POLICY

    fixtures.active = fixtures.Replay(json.loads(FIXTURES.read_text(encoding="utf-8")))
    with grade.Grader(zygote, NoUser()) as grader:
        data = grader.grade(args.dir, public_only=True, progress=report.progress)
    form = frozenset(n for n, (kit, _) in POLICY.items() if kit == FORM)
    report.show(data, form_only=form, hidden=sum(kit == NONE for kit, _ in POLICY.values()))
    return report.exit_status(data)
