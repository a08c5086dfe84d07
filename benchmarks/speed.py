"""What a grade costs, as ratios against the import floor measured in the same run.

    .venv/bin/python benchmarks/speed.py [--repeat 3] [--batch 20]

The floor is `python -c "import torch, sympy, numpy, hypothesis"`: no grader can be
cheaper than loading its libraries once. The *plain* run is the same work done once without
any grading: one unsandboxed process with the same imports that imports the reference
hw0.py and executes the reference notebook's code cells (`PLAIN`). Measured (median of
--repeat runs):

- one grade of the reference (`python -m autograder grade reference`): CPU seconds of all
  its processes (grader, zygote, workers: each is waited for, so the kernel's child
  accounting includes it), wall time, and peak memory (PSS, benchmarks/memory.py);
- a batch of --batch mixed submissions (reference, template, known-wrong mutants) on all
  cores: CPU seconds and wall time per submission.

Targets: one grade <= 2.0x the floor's CPU and <= 1.1x the plain run's, peak <= 600 MB,
batch <= 0.6x the floor's CPU per submission. Exit status 1 when one is missed.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from memory import peak_mb  # benchmarks/memory.py, beside this file

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
FLOOR = "import torch, sympy, numpy, hypothesis"
PLAIN = FLOOR + """
import json, sys, matplotlib
matplotlib.use("Agg")
sys.path.insert(0, "reference")
import hw0
namespace = {"__name__": "__main__"}
for cell in json.load(open("reference/color_organ_learning.ipynb"))["cells"]:
    if cell["cell_type"] == "code":
        exec("".join(cell["source"]), namespace)
"""


def cost(command: list[str]) -> tuple[float, float]:
    """(CPU seconds of the command and every process it waited for, wall seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run(command, cwd=PROJECT, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def median_cost(command: list[str], repeat: int) -> tuple[float, float]:
    runs = [cost(command) for _ in range(repeat)]
    return statistics.median(c for c, _ in runs), statistics.median(w for _, w in runs)


def batch_folder(root: Path, size: int) -> None:
    """`size` submissions: the reference, the template, then known-wrong mutants."""
    from autograder.checks.misconceptions import MUTANTS

    sources = [("reference", PROJECT / "reference", None),
               ("template", PROJECT / "student_template", None)]
    sources += [(f"mutant-{m.name}", PROJECT / "reference", m) for m in MUTANTS]
    for name, source, mutant in (sources * (1 + size // len(sources)))[:size]:
        folder = root / f"{len(list(root.iterdir())):02d}-{name}"
        folder.mkdir()
        for f in ("hw0.py", "color_organ_learning.ipynb"):
            if (source / f).exists():
                (folder / f).write_bytes((source / f).read_bytes())
        if mutant is not None:
            (folder / mutant.file).write_text(mutant.apply())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch", type=int, default=20, help="0: no batch")
    args = parser.parse_args()
    py = sys.executable
    floor_cpu, floor_wall = median_cost([py, "-c", FLOOR], args.repeat)
    print(f"import floor:        {floor_cpu:6.2f} CPU-s  {floor_wall:6.2f} s wall")
    plain_cpu, plain_wall = median_cost([py, "-c", PLAIN], args.repeat)
    print(f"plain run:           {plain_cpu:6.2f} CPU-s  {plain_wall:6.2f} s wall")
    with tempfile.TemporaryDirectory(prefix="hw0-speed-") as tmp:
        tmp = Path(tmp)
        grade = [py, "-m", "autograder", "grade", "reference", "-o", str(tmp / "r.json")]
        cpu, wall = median_cost(grade, args.repeat)
        peak, *_ = peak_mb(grade)
        floor_peak, *_ = peak_mb([py, "-c", FLOOR])
        print(f"grade (reference):   {cpu:6.2f} CPU-s  {wall:6.2f} s wall  "
              f"{peak:6.1f} MB peak (floor {floor_peak:.1f} MB)")
        checks = [("one grade, CPU vs floor", cpu / floor_cpu, 2.0),
                  ("one grade, CPU vs plain run", cpu / plain_cpu, 1.1)]
        if args.batch:
            (tmp / "subs").mkdir()
            batch_folder(tmp / "subs", args.batch)
            b_cpu, b_wall = cost([py, "-m", "autograder", "batch", str(tmp / "subs"), "-o",
                                  str(tmp / "out")])
            per_cpu, per_wall = b_cpu / args.batch, b_wall / args.batch
            print(f"batch of {args.batch}:         {per_cpu:6.2f} CPU-s  {per_wall:6.2f} s "
                  "wall per submission")
            checks.append(("batch, CPU per submission vs floor", per_cpu / floor_cpu, 0.6))
    print()
    for what, ratio, target in checks:
        print(f"{what:38s} {ratio:5.2f}x  (target <= {target}x)  "
              f"{'ok' if ratio <= target else 'MISSED'}")
    print(f"{'peak memory, one grade':38s} {peak:5.0f} MB (target <= 600 MB)  "
          f"{'ok' if peak <= 600 else 'MISSED'}")
    return 0 if all(r <= t for _, r, t in checks) and peak <= 600 else 1


if __name__ == "__main__":
    sys.exit(main())
