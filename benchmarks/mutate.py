"""What mutation analysis costs: mutants graded per minute, against the import floor
measured in the same run.

    .venv/bin/python benchmarks/mutate.py [--full] [-j 2]

Runs `python -m autograder mutate --fast` (the test suite's slice; --full: the whole
analysis TAs run before release) on -j cores and reports its wall time, the mutants it
graded per minute, and its CPU seconds per graded mutant as a ratio to the floor
(`python -c "import torch, sympy, numpy, hypothesis"`, what any grader process loads once).
Targets: the fast slice in 90 s, the whole analysis in 15 minutes. Exit status 1 when one
is missed.
"""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
FLOOR = "import torch, sympy, numpy, hypothesis"


def cost(command: list[str]) -> tuple[float, float, str]:
    """(CPU seconds of the command and the processes it waited for, wall seconds, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    done = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the whole analysis")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    args = parser.parse_args()
    floor_cpu, floor_wall, _ = cost([sys.executable, "-c", FLOOR])
    print(f"import floor:  {floor_cpu:6.2f} CPU-s  {floor_wall:6.2f} s wall")
    command = [sys.executable, "-m", "autograder", "mutate", "-j", str(args.jobs)]
    cpu, wall, out = cost(command + ([] if args.full else ["--fast"]))
    table = re.search(r"^all +(\d+) +(\d+) +(\d+) +(\d+)", out, re.MULTILINE)
    if table is None:
        print(out[-2000:])
        return 1
    mutants, killed, equivalent, survived = map(int, table.groups())
    graded = mutants - equivalent
    print(f"mutate{'' if args.full else ' --fast'} -j {args.jobs}: {mutants} mutants "
          f"({killed} killed, {equivalent} equivalent, {survived} survived) in {wall:.0f} s")
    print(f"{graded / (wall / 60):.1f} mutants graded per minute on {args.jobs} cores; "
          f"{cpu / max(graded, 1):.2f} CPU-s per mutant = "
          f"{cpu / max(graded, 1) / floor_cpu:.2f}x the floor")
    budget = 900 if args.full else 90
    print(f"wall {wall:.0f} s (target <= {budget} s)  {'ok' if wall <= budget else 'MISSED'}")
    return 0 if wall <= budget else 1


if __name__ == "__main__":
    sys.exit(main())
