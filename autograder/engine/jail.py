"""What a worker is given and how it can be lost, shared by both engines.

The Linux sandbox (sandbox.py: zygote, namespaces, seccomp) and the student kit's portable
engine (kit/engine.py: multiprocessing spawn) both start workers for a `Jail` and raise
`WorkerLost`; engine/student.py uses either through these names only. Nothing here is
Linux-only: the kit imports it on macOS and Windows.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

# The other files a student uploads beside theirs (a helper module, a data file): at most this
# many, this many bytes in all, copied into the worker's folder (they take its private tmpfs).
BESIDE_FILES = 50
BESIDE_BYTES = 8 * 1024 * 1024


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
    # The files uploaded beside the student's (relative to `home`, its folder): the worker's
    # folder holds read-only copies, as a kernel started in the notebook's folder sees them.
    home: Path | None = None
    beside: list[Path] = field(default_factory=list)


def read_beside(home: Path | None, beside: list[Path]) -> dict[str, bytes]:
    """The contents of the files beside the student's, by relative path (links not followed;
    a path out of `home` or a file past the bounds is left out). Read before the worker
    hides the submission from itself."""
    files: dict[str, bytes] = {}
    total = 0
    for rel in beside[:BESIDE_FILES]:
        if home is None or rel.is_absolute() or ".." in rel.parts:
            continue
        try:
            fd = os.open(home / rel, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        with os.fdopen(fd, "rb") as f:
            data = f.read(BESIDE_BYTES - total + 1)
        if total + len(data) > BESIDE_BYTES:
            continue
        files[rel.as_posix()] = data
        total += len(data)
    return files


def write_beside(folder: Path, files: dict[str, bytes]) -> None:
    """Put read-only copies of `files` (read_beside) in the worker's folder; a name the
    worker's own file has is left alone."""
    for rel, data in files.items():
        target = folder / rel
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        target.chmod(0o444)


class WorkerLost(Exception):
    """The worker missed its deadline, died, or broke the protocol; it has been killed."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
