"""Gradescope's default autograder box on this machine: a cgroup of half a CPU and 768 MB.

`Box(cpu=0.5, memory_mb=768).run(command)` runs a command with those limits (its children
inherit them) and reports its wall time, the CPU time of it and every process it waited for,
and the memory peak by the cgroup's own accounting (cgroup v1 `memory.max_usage_in_bytes`,
v2 `memory.peak`): page cache and tmpfs included, what the box's limit sees. Linux, as root,
with the cpu and memory controllers (v1, or v2's unified tree); `unavailable()` says why not.
Used by tests/test_cpu_share.py and benchmarks/memory.py.

    .venv/bin/python benchmarks/box.py [--cpu 0.5] [--memory-mb 768] COMMAND ...
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
PERIOD_US = 100_000


@dataclass(frozen=True)
class Run:
    """What one command cost inside the box."""

    returncode: int
    wall: float  # seconds
    cpu: float  # CPU-seconds of the command and every process it waited for
    peak_mb: float  # the cgroup's memory high-water mark
    oom_kills: int | None  # processes the cgroup's OOM killer ended (None: not reported)
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return (f"exit {self.returncode}, {self.wall:.1f} s wall, {self.cpu:.1f} CPU-s, "
                f"memory peak {self.peak_mb:.0f} MB, OOM kills {self.oom_kills}")


def _own(controller: str) -> Path | None:
    """This process's cgroup folder for a v1 `controller` (None: not mounted here)."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, names, path = line.split(":", 2)
        if controller in names.split(","):
            folder = ROOT / names.replace("name=", "") / path.lstrip("/")
            if not folder.is_dir():
                folder = ROOT / controller / path.lstrip("/")
            return folder if folder.is_dir() else None
    return None


def unavailable() -> str | None:
    """Why a box cannot be made here (None: it can)."""
    if not sys.platform.startswith("linux"):
        return "cgroups are Linux-only"
    if os.geteuid() != 0:
        return "making a cgroup needs root"
    if (ROOT / "cgroup.controllers").exists():  # v2 only
        return None if {"cpu", "memory"} <= set(
            (ROOT / "cgroup.subtree_control").read_text().split()) else \
            "cgroup v2 without the cpu and memory controllers delegated"
    if _own("cpu") is None or _own("memory") is None:
        return "no cgroup v1 cpu and memory controllers mounted under /sys/fs/cgroup"
    return None


class Box:
    """Half a CPU (`cpu`) and `memory_mb` MB, as a cgroup nested under this process's own
    (so outer limits still hold); a fresh cgroup for every `run`."""

    def __init__(self, cpu: float = 0.5, memory_mb: int = 768):
        self.cpu, self.memory_mb = cpu, memory_mb

    def _make(self) -> list[Path]:
        name = f"hw0-box-{os.getpid()}-{secrets.token_hex(3)}"
        quota, limit = int(self.cpu * PERIOD_US), str(self.memory_mb * 1024 * 1024)
        if (ROOT / "cgroup.controllers").exists():
            folder = ROOT / name
            folder.mkdir()
            (folder / "cpu.max").write_text(f"{quota} {PERIOD_US}")
            (folder / "memory.max").write_text(limit)
            if (folder / "memory.swap.max").exists():
                (folder / "memory.swap.max").write_text("0")
            return [folder]
        cpu, memory = _own("cpu") / name, _own("memory") / name
        cpu.mkdir()
        memory.mkdir()
        (cpu / "cpu.cfs_period_us").write_text(str(PERIOD_US))
        (cpu / "cpu.cfs_quota_us").write_text(str(quota))
        (memory / "memory.limit_in_bytes").write_text(limit)
        try:
            (memory / "memory.memsw.limit_in_bytes").write_text(limit)  # no swap either
        except OSError:
            pass
        return [cpu, memory]

    def run(self, command: list[str], env: dict[str, str] | None = None,
            cwd: Path | None = None, timeout: float | None = None) -> Run:
        """Run `command` inside a fresh box and report what it cost."""
        folders = self._make()
        try:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.monotonic()

            def enter() -> None:  # in the child, before exec: it and its children are boxed
                for folder in folders:
                    (folder / "cgroup.procs").write_text(str(os.getpid()))

            done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True,
                                  timeout=timeout, preexec_fn=enter, check=False)
            wall = time.monotonic() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            return Run(done.returncode, wall, cpu, _peak_mb(folders[-1]),
                       _oom_kills(folders[-1]), done.stdout, done.stderr)
        finally:
            for folder in folders:
                _remove(folder)


def _peak_mb(folder: Path) -> float:
    for name in ("memory.max_usage_in_bytes", "memory.peak"):
        if (folder / name).exists():
            return int((folder / name).read_text()) / 2**20
    return float("nan")


def _oom_kills(folder: Path) -> int | None:
    for name in ("memory.oom_control", "memory.events"):
        if (folder / name).exists():
            for line in (folder / name).read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
    return None


def _remove(folder: Path) -> None:
    """rmdir the cgroup once its last process has gone (it may take a moment)."""
    for _ in range(50):
        try:
            folder.rmdir()
            return
        except OSError:
            time.sleep(0.1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpu", type=float, default=0.5)
    parser.add_argument("--memory-mb", type=int, default=768)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    reason = unavailable()
    if reason or not args.command:
        print(reason or "no command", file=sys.stderr)
        return 2
    run = Box(args.cpu, args.memory_mb).run(args.command)
    sys.stdout.write(run.stdout)
    sys.stderr.write(run.stderr)
    print(f"box: cpu {args.cpu}, {args.memory_mb} MB: {run}", file=sys.stderr)
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
