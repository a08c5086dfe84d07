"""Deadlines counted in a worker's CPU time, with a wall-clock backstop (docs/design.md).

A deadline of 10 s means 10 CPU-seconds of the worker's own work, the same on a full core,
on Gradescope's half a vCPU or on a busy machine: the grader reads the worker's CPU time
from /proc/<pid>/stat (user and system time of all its threads, and of the children it
waited for; readable by the grader although the worker runs as another uid). A request
that sleeps or blocks uses no CPU: the backstop, WALL_FACTOR times as many seconds on the
clock, ends it. Where there is no /proc (the student kit on macOS and Windows) the CPU time
cannot be read and the deadline is wall-clock, as many seconds as it gives in CPU time.
Nothing Linux-only is imported: the kit ships this module.
"""

from __future__ import annotations

import os
import select
import time
from collections.abc import Callable

# The backstop on the clock, as a multiple of a deadline's CPU seconds: at Gradescope's half
# a vCPU a busy request reaches its CPU deadline after 2x as long, with 25% to spare.
WALL_FACTOR = 2.5
_POLL = 0.1  # seconds between two readings of the CPU time while a request runs


def _ticks() -> float:
    try:
        return float(os.sysconf("SC_CLK_TCK"))
    except (AttributeError, ValueError, OSError):
        return 100.0


_TICKS = _ticks()


def cpu_seconds(pid: int) -> float | None:
    """CPU seconds process `pid` has used: user and system time of all its threads and of the
    children it waited for (/proc/<pid>/stat). None where that cannot be read: no /proc (macOS,
    Windows) or the process is gone."""
    try:  # os's own calls: read at least twice a request, Python's file objects cost more
        fd = os.open(f"/proc/{pid}/stat", os.O_RDONLY)
    except OSError:
        return None
    try:
        stat = os.read(fd, 4096)
    except OSError:
        return None
    finally:
        os.close(fd)
    fields = stat[stat.rfind(b")") + 2 :].split()  # after "pid (comm) ": comm may hold spaces
    try:
        return sum(int(fields[i]) for i in (11, 12, 13, 14)) / _TICKS  # utime stime cutime cstime
    except (IndexError, ValueError):
        return None


def waiting(cpu: float, wall: float) -> bool:
    """Whether a request that reached its backstop was waiting (sleeping, blocked: almost no
    CPU), rather than computing on a machine too busy to give it its share."""
    return cpu < 0.05 * wall


class Deadline:
    """One request's limits: `cpu` seconds of process `pid`'s CPU time, and a backstop on the
    clock: `wall` seconds (default WALL_FACTOR * cpu) if it was waiting, `cap` seconds
    (default 2 * wall) in any case (a machine too busy to give it its share). Without /proc:
    `cpu` seconds on the clock. `used_cpu` and `used_wall` say what the request cost."""

    def __init__(self, pid: int, cpu: float, wall: float | None = None,
                 cap: float | None = None):
        self.pid, self.cpu = pid, cpu
        self._cpu_start = cpu_seconds(pid)
        self.measured = self._cpu_start is not None
        self.wall = (cpu * WALL_FACTOR if wall is None else wall) if self.measured else cpu
        self.cap = (2 * self.wall if cap is None else max(cap, self.wall)) \
            if self.measured else cpu
        self._start = time.monotonic()
        self.used_cpu = 0.0
        self.reason = ""

    @property
    def used_wall(self) -> float:
        return time.monotonic() - self._start

    def wall_end(self) -> float:
        """The last moment it may end, as a time.monotonic() value."""
        return self._start + self.cap

    def expired(self) -> bool:
        """Whether a limit is reached; `reason` then says which, in the unit it counts
        (seconds of computing, or on the clock), for the student."""
        self._read()
        wall = self.used_wall
        if self.measured and self.used_cpu >= self.cpu:
            self.reason = (f"no answer within {self.cpu:g} s of computing (CPU time; on the "
                           "clock that is longer on a busy computer)")
        elif self.measured and wall >= self.wall and waiting(self.used_cpu, wall):
            self.reason = f"no answer within {self.wall:g} s on the clock (waiting, not computing)"
        elif wall >= self.cap and self.measured:
            self.reason = (f"no answer within {self.cap:g} s on the clock (the computer was too "
                           f"busy to give it {self.cpu:g} s of computing)")
        elif wall >= self.cap:
            self.reason = (f"no answer within {self.cpu:g} s on the clock (the time spent "
                           "computing cannot be read on this computer)")
        else:
            return False
        return True

    def _read(self) -> None:
        now = cpu_seconds(self.pid) if self.measured else None
        if now is not None:
            self.used_cpu = max(self.used_cpu, now - self._cpu_start)
        elif not self.measured:
            self.used_cpu = self.used_wall  # no CPU clock: the budgets count the clock

    def wait(self, ready: Callable[[float], bool]) -> bool:
        """Wait until `ready(seconds)` says a reply is there (True) or a limit is reached
        (False, `reason`). `ready` waits at most `seconds` (select, or a Connection's poll)."""
        while True:  # the limits are read after each wait, not before the first: a reply
            # comes in milliseconds, and each reading of the CPU time is a read of /proc
            left = min(self.wall_end() - time.monotonic(),
                       _POLL if self.measured else float("inf"))
            if ready(max(left, 0.0)):
                self._read()
                return True
            if self.expired():
                return False


def readable(fd: int) -> Callable[[float], bool]:
    """`ready` for `Deadline.wait` on a pipe (not on Windows: select needs a socket there)."""
    return lambda seconds: bool(select.select([fd], [], [], seconds)[0])
