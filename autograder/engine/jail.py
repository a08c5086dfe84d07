"""What a worker is given and how it can be lost, shared by both engines.

The Linux sandbox (sandbox.py: zygote, namespaces, seccomp) and the student kit's portable
engine (kit/engine.py: multiprocessing spawn) both start workers for a `Jail` and raise
`WorkerLost`; engine/student.py uses either through these names only. Nothing here is
Linux-only: the kit imports it on macOS and Windows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Limits:
    """Resource limits of one worker (applied with setrlimit)."""

    cpu_seconds: int = 300
    # Address space on top of the zygote's (numpy+torch): matplotlib, a plot and a torch
    # training loop take about 170 MB of it. With the grader and the zygote (up to ~460 MB)
    # and the private tmpfs, a worker that uses all of it stays inside Gradescope's 768 MB
    # (benchmarks/memory.py, docs/security.md).
    extra_memory_mb: int = 256
    processes: int = 64
    file_mb: int = 16
    open_files: int = 256
    tmp_mb: int = 32  # the private tmpfs (memory) behind /tmp, the workdir, /var/tmp, /dev/shm


@dataclass
class Jail:
    """Where and how a worker runs: the student file it gets, what it must not see."""

    student_file: Path
    hide: list[Path] = field(default_factory=list)
    limits: Limits = field(default_factory=Limits)


class WorkerLost(Exception):
    """The worker missed its deadline, died, or broke the protocol; it has been killed."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
