"""What the student kit's self-check costs, against the plain run of the same files.

    .venv/bin/python benchmarks/kit.py [--repeat 3]

Builds the kit, then measures (median of --repeat runs, CPU of every process included):

- kit: `python -m hw0_selfcheck REFERENCE` in the unzipped kit (spawned workers, recorded
  public inputs, the report);
- plain: one unsandboxed process that runs the same hw0.py and notebook the way the worker
  does (engine/worker.py's Session: the same imports, the same cell runner), no checks.

- check(): the notebook's in-place check (`from hw0_selfcheck import check; check()`), on
  the namespace of the reference notebook already run (as in a kernel): median seconds of
  kit/live.py's grade, the child process's start (it imports torch) included; against the
  floor of `import torch` in a fresh process, measured in the same run.

Targets: the kit within 1.3x the plain run, wall time (issue 10); check() under 3 s
(issue 17). Exit status 1 if one is missed.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
TARGET = 1.3
PLAIN = """
import sys
from autograder.engine.worker import Session
for name in ("hw0.py", "color_organ_learning.ipynb"):
    Session().load(name)
"""
IN_PLACE = """
import statistics, sys, time
from hw0_selfcheck.engine.worker import Session
from hw0_selfcheck.kit import live
session = Session()
session.load("color_organ_learning.ipynb")
runs = []
for _ in range(int(sys.argv[1])):
    start = time.monotonic()
    data = live.grade(session.names, lambda check: True)
    runs.append(time.monotonic() - start)
    assert all(t["status"] == "passed" for t in data["tests"]), data
print(statistics.median(runs))
"""
TORCH = "import torch"
CHECK_TARGET = 3.0
THREADS = {v: "1" for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def cost(command: list[str], cwd: Path) -> tuple[float, float]:
    """(CPU seconds of the command and every process it waited for, wall seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env={**os.environ, **THREADS})
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def median_cost(command: list[str], cwd: Path, repeat: int) -> tuple[float, float]:
    runs = [cost(command, cwd) for _ in range(repeat)]
    return statistics.median(c for c, _ in runs), statistics.median(w for _, w in runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hw0-kit-bench-") as tmp:
        root = Path(tmp)
        subprocess.run([sys.executable, "-m", "autograder", "build-kit", "-o",
                        str(root / "kit.zip")], cwd=PROJECT, check=True,
                       stdout=subprocess.DEVNULL)
        with zipfile.ZipFile(root / "kit.zip") as z:
            z.extractall(root)
        submission = root / "submission"
        submission.mkdir()
        for name in ("hw0.py", "color_organ_learning.ipynb"):
            shutil.copy(PROJECT / "reference" / name, submission / name)
        plain_cpu, plain_wall = median_cost([sys.executable, "-c", PLAIN], submission,
                                            args.repeat)
        kit_cpu, kit_wall = median_cost(
            [sys.executable, "-m", "hw0_selfcheck", str(submission)], root / "hw0", args.repeat)
        in_place = float(subprocess.run(
            [sys.executable, "-c", IN_PLACE, str(args.repeat)], cwd=submission, check=True,
            capture_output=True, text=True, env={**os.environ, **THREADS,
                                                 "PYTHONPATH": str(root / "hw0")}
        ).stdout.split()[-1])  # the notebook prints first
        _, torch_wall = median_cost([sys.executable, "-c", TORCH], submission, args.repeat)
    print(f"plain run (hw0.py + notebook, one process): {plain_wall:6.2f} s wall "
          f"{plain_cpu:6.2f} s CPU")
    print(f"kit self-check of the same files:           {kit_wall:6.2f} s wall "
          f"{kit_cpu:6.2f} s CPU")
    print(f"ratio: {kit_wall / plain_wall:.2f}x wall, {kit_cpu / plain_cpu:.2f}x CPU "
          f"(target <= {TARGET}x wall)")
    print(f"check() in place (notebook already run):  {in_place:6.2f} s wall "
          f"(floor, import torch: {torch_wall:.2f} s; target < {CHECK_TARGET:g} s)")
    return 0 if kit_wall / plain_wall <= TARGET and in_place < CHECK_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
