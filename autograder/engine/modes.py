"""A journal of the folder modes `grade.lock_down` changed, in root-only storage.

A grader killed before it gives the modes back (the OOM killer, SIGKILL, a fault in its
exit) would leave the project's folders at mode 700 for good. Each grader process journals
what it changed, by its pid, in /run/hw0-sandbox (engine/uids.py's root-only folder); the
next grader to start restores what a dead one left and deletes its journal.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from pathlib import Path

from autograder.engine.uids import lock_dir


def _journal(pid: int) -> Path:
    return lock_dir() / f"modes-{pid}.json"


def record(modes: dict[Path, int]) -> None:
    """Add `modes` (folder -> its mode before we locked it) to this process's journal."""
    path = _journal(os.getpid())
    kept = _read(path)
    kept.update({str(p): m for p, m in modes.items() if str(p) not in kept})
    _write(path, kept)


def forget(modes: dict[Path, int]) -> None:
    """The folders in `modes` were given back: drop them from this process's journal."""
    path = _journal(os.getpid())
    kept = {p: m for p, m in _read(path).items() if Path(p) not in modes}
    _write(path, kept)


def recover() -> list[Path]:
    """Give back the modes that graders no longer alive journaled, for folders still at mode
    700 (the lock); delete their journals. Returns the folders given back."""
    given = []
    for path in lock_dir().glob("modes-*.json"):
        pid = path.stem.removeprefix("modes-")
        if not pid.isdigit() or _alive(int(pid)):
            continue
        for folder, mode in _read(path).items():
            with contextlib.suppress(OSError):
                st = os.lstat(folder)
                if stat.S_ISDIR(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o700:
                    os.chmod(folder, mode)
                    given.append(Path(folder))
        path.unlink(missing_ok=True)
    return given


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read(path: Path) -> dict[str, int]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return {str(p): int(m) for p, m in data.items()} if isinstance(data, dict) else {}


def _write(path: Path, modes: dict[str, int]) -> None:
    if not modes:
        path.unlink(missing_ok=True)
        return
    part = path.with_suffix(".part")
    part.write_text(json.dumps(modes))
    part.replace(path)  # whole or not at all, if the grader dies meanwhile
