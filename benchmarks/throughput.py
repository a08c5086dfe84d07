"""Submissions a minute per core for `batch`, at -j 1, 2 and 4, and what that makes of a
class graded on many cores or machines (`batch --shard K/N`, docs/staff.md).

    .venv/bin/python benchmarks/throughput.py [--size 12] [--jobs 1 2 4] [--class-size 1500]
        [--cores 16]

Each run grades the same export of --size mixed submissions (reference, template,
known-wrong mutants; every notebook run in full: speed.py's `batch_folder`) into a fresh
folder. Two rates per run: on the clock per core used (min(-j, the machine's cores)), which
a machine shared with other work lowers, and per CPU-minute (submissions per minute of one
core's CPU time, all the batch's processes counted), which is what a core of its own gives.
The class figure takes the CPU rate of the run that used every core here (the memory
bandwidth those cores share is in it), scales it linearly to --cores (shards on several
machines add up) and adds one grader start. The floor is speed.py's, in the same run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from speed import FLOOR, batch_folder, cost  # benchmarks/speed.py, beside this file


def export(root: Path, size: int) -> Path:
    """An export-like folder of `size` submission_<id>/ folders."""
    staging = root / "staging"
    staging.mkdir()
    batch_folder(staging, size)
    top = root / "assignment_1_export"
    top.mkdir()
    for i, folder in enumerate(sorted(staging.iterdir()), 1):
        shutil.move(folder, top / f"submission_{1000 + i}")
    return top


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=12)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--class-size", type=int, default=1500)
    parser.add_argument("--cores", type=int, default=16)
    args = parser.parse_args()
    py = sys.executable
    cores = os.cpu_count() or 1
    floor_cpu, floor_wall = cost([py, "-c", FLOOR])
    print(f"import floor: {floor_cpu:.2f} CPU-s, {floor_wall:.2f} s wall; {cores} cores here")
    rates: dict[int, float] = {}  # -j -> submissions per CPU-minute
    with tempfile.TemporaryDirectory(prefix="hw0-throughput-") as tmp:
        top = export(Path(tmp), args.size)
        for jobs in args.jobs:
            out = Path(tmp) / f"out-{jobs}"
            cpu, wall = cost([py, "-m", "autograder", "batch", str(top), "-o", str(out),
                              "-j", str(jobs)])
            used = min(jobs, cores)
            per_minute = 60 * args.size / wall
            rates[jobs] = 60 * args.size / cpu
            print(f"-j {jobs}: {args.size} submissions in {wall:.1f} s wall, {cpu:.1f} CPU-s: "
                  f"{per_minute:.1f} a minute, {per_minute / used:.1f} a minute per core on the "
                  f"clock, {rates[jobs]:.1f} per CPU-minute "
                  f"({cpu / args.size / floor_cpu:.2f}x the floor's CPU per submission)")
    full = min((j for j in rates if j >= cores), default=max(rates))
    rate = rates[full]
    minutes = args.class_size / (rate * args.cores) + floor_wall / 60
    machines = max(1, args.cores // 2)
    print(f"\n{args.class_size} students on {args.cores} cores of their own at {rate:.1f} per "
          f"CPU-minute (-j {full}): about {minutes:.0f} minutes (e.g. `batch --shard "
          f"K/{machines}` on {machines} two-core machines, then `merge`).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
