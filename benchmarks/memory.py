"""Peak memory of a full grade of the reference, all grading processes together.

Gradescope's default box has 768 MB; the grader, its zygote and every worker (children of
the zygote) must stay well below that together. This script runs

    python -m autograder grade reference -o TMP/results.json

as a subprocess and samples, every ~20 ms, the summed PSS (/proc/PID/smaps_rollup; RSS where
that file is missing) of the grader and all its descendants, plus any process of a sandbox
uid (61000-61255: something a worker spawned and that left the tree), plus what the workers
wrote into their private tmpfs /tmp. PSS counts a page shared by the zygote and its forks
once in total, which is what the box's limit sees.
The same is measured for the import floor, `python -c "import torch, sympy, numpy,
hypothesis"`. Where a cgroup can be made (Linux, root: benchmarks/box.py), the reference and
the heaviest hostile case (tests/corpus/hostile/memory_bomb) are graded again inside
Gradescope's box, half a CPU and 768 MB, and the peak is the cgroup's own accounting
(`memory.max_usage_in_bytes`: page cache and tmpfs included, what the box's limit sees).
With --hostile, every hostile case is graded in a box of its own, as on Gradescope: score,
wall and CPU time, peak (about half an hour). Exit status 1 when a peak exceeds --limit
(default 600 MB) or a boxed grade fails.

    .venv/bin/python benchmarks/memory.py [--limit MB] [--submission DIR] [--hostile]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import box  # benchmarks/box.py, beside this file

PROJECT = Path(__file__).resolve().parents[1]
HOSTILE = PROJECT / "tests" / "corpus" / "hostile"
HEAVIEST = "memory_bomb"
SANDBOX_UIDS = range(61000, 61256)
PAGE = os.sysconf("SC_PAGE_SIZE")


def _processes() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, real uid), for every process we can read."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
            table[int(entry.name)] = (int(fields["PPid"]), int(fields["Uid"].split()[0]))
        except (OSError, KeyError, ValueError):
            continue  # gone meanwhile
    return table


def _tree(root: int) -> set[int]:
    """`root`, all its descendants, and every process of a sandbox uid."""
    table = _processes()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.add(pid)
            todo.extend(children.get(pid, []))
    return found | {pid for pid, (_, uid) in table.items() if uid in SANDBOX_UIDS}


def _memory_kb(pid: int) -> int:
    """PSS of the process in kB, or its RSS where smaps_rollup is not available."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE // 1024
    except (OSError, IndexError, ValueError):
        return 0


def _private_tmp_kb(pids: set[int]) -> int:
    """What the workers wrote into their private /tmp (a tmpfs: memory that no process's
    PSS shows), counted once per tmpfs."""
    try:
        host = os.stat("/tmp").st_dev
    except OSError:
        return 0
    used: dict[int, int] = {}
    for pid in pids:
        path = f"/proc/{pid}/root/tmp"
        try:
            dev = os.stat(path).st_dev
            if dev != host and dev not in used:
                vfs = os.statvfs(path)
                used[dev] = (vfs.f_blocks - vfs.f_bfree) * vfs.f_frsize // 1024
        except OSError:
            continue
    return sum(used.values())


def peak_mb(command: list[str], interval: float = 0.02) -> tuple[float, float, int, str]:
    """Run `command`; return (peak MB, seconds, exit status, what made up the peak)."""
    start = time.monotonic()
    proc = subprocess.Popen(command, cwd=PROJECT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    peak_kb, parts = 0, ""
    while proc.poll() is None:
        pids = _tree(proc.pid)
        sizes = {pid: _memory_kb(pid) for pid in pids}
        tmp = _private_tmp_kb(pids)
        if sum(sizes.values()) + tmp > peak_kb:
            peak_kb = sum(sizes.values()) + tmp
            others = sorted((kb for pid, kb in sizes.items() if pid != proc.pid), reverse=True)
            parts = (f"main process {sizes.get(proc.pid, 0) / 1024:.0f} MB, "
                     f"{len(others)} others {' + '.join(f'{kb / 1024:.0f}' for kb in others)} MB"
                     + (f", private /tmp {tmp / 1024:.0f} MB" if tmp else ""))
        time.sleep(interval)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode:
        print(err[-2000:], file=sys.stderr)
    return peak_kb / 1024, time.monotonic() - start, proc.returncode, parts


def boxed(submission: Path, tmp: Path) -> tuple[box.Run, dict]:
    """Grade `submission` inside Gradescope's box: what it cost, and its results.json."""
    out = tmp / f"{submission.name}.json"
    run = box.Box(0.5, 768).run([sys.executable, "-m", "autograder", "grade", str(submission),
                                 "-o", str(out)], cwd=PROJECT)
    return run, (json.loads(out.read_text()) if out.exists() else {})


def _score(data: dict) -> str:
    total = sum(t["max_score"] for t in data.get("tests", []))
    return f"score {data.get('score')} / {total:g}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, default=600.0, help="MB (default 600)")
    parser.add_argument("--submission", type=Path, default=PROJECT / "reference")
    parser.add_argument("--hostile", action="store_true",
                        help="also every hostile case, each in a box of its own")
    args = parser.parse_args()
    if not Path("/proc/self/status").exists():
        print("needs Linux /proc", file=sys.stderr)
        return 2
    floor, secs, status, _ = peak_mb(
        [sys.executable, "-c", "import torch, sympy, numpy, hypothesis"])
    print(f"import floor (torch, sympy, numpy, hypothesis): {floor:7.1f} MB  "
          f"({secs:.1f} s, exit {status})")
    with tempfile.TemporaryDirectory(prefix="hw0-memory-") as tmp:
        out = Path(tmp) / "results.json"
        peak, secs, status, parts = peak_mb(
            [sys.executable, "-m", "autograder", "grade", str(args.submission), "-o", str(out)])
        data = json.loads(out.read_text()) if out.exists() else {}
        print(f"full grade of {args.submission.name}: {peak:7.1f} MB peak PSS  ({secs:.1f} s, "
              f"exit {status}, {_score(data)})\n  at the peak: {parts}")
        ok = status == 0 and peak <= args.limit
        reason = box.unavailable()
        if reason:
            print(f"no cgroup box here ({reason}): the cgroup's peak is not measured")
        else:
            cases = [args.submission, HOSTILE / HEAVIEST]
            if args.hostile:
                cases += sorted(p for p in HOSTILE.iterdir() if (p / "hw0.py").exists()
                                or any(p.glob("*.ipynb")))
            for case in dict.fromkeys(cases):
                run, data = boxed(case, Path(tmp))
                print(f"in the box (0.5 CPU, 768 MB), {case.name}: {_score(data)}, {run}")
                ok = ok and run.returncode == 0 and run.peak_mb <= args.limit
    print(f"{'ok' if ok else 'FAIL'}: limit {args.limit:g} MB")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
