"""The folder modes `grade.lock_down` changes, journaled in root-only storage and shared
between the graders on one machine.

A grader makes our folders mode 700 while student code runs (grade.lock_down) and gives
their modes back when it ends. Two things can go wrong without this module:
- a grader killed before it gives the modes back (the OOM killer, SIGKILL, a fault in its
  exit) would leave the folders at mode 700 for good;
- two graders on one checkout (two TAs, `batch` and its pool, the test suite's workers):
  the first to end would open the folders while the other's student code still runs.
So each grader journals what it locked, by its pid, in /run/hw0-sandbox (uids.lock_dir);
a grader that finds a folder already locked by a live one takes on its mode too; the last
one out gives the mode back; the next grader to start gives back what a dead one left. All
of it under one lock file, so that no two graders interleave.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from autograder.engine.uids import lock_dir

LOCKED = 0o700


def lock(folders: list[Path], journal: bool = True) -> dict[Path, int]:
    """Make `folders` mode 700; return the mode each had before, for `give_back`, with the
    folders another live grader locked (their mode as it journaled it). `journal`: False in
    Gradescope's container, where they stay locked for good and nothing is to be given back
    (a journal left there would let a later grader open them)."""
    changed: dict[Path, int] = {}
    with _exclusive():
        if journal:
            _recover()
        own = _read(_journal(os.getpid()))
        for p in folders:
            mode = stat.S_IMODE(p.stat().st_mode)
            if mode != LOCKED:
                changed[p] = mode
                if journal:  # before the change: a kill in between loses nothing
                    _record({p: mode})
                os.chmod(p, LOCKED)
            elif journal and str(p) not in own and (held := _held_elsewhere(p)) is not None:
                changed[p] = held  # theirs and ours now: the last one out gives it back
                _record({p: held})
    return changed


def give_back(changed: dict[Path, int]) -> None:
    """Give the folders in `changed` (from `lock`) their modes back, unless another live
    grader still holds them locked; drop them from this grader's journal."""
    with _exclusive():
        for path, mode in changed.items():
            if _held_elsewhere(path) is None:
                with contextlib.suppress(OSError):
                    os.chmod(path, mode)
        kept = {p: m for p, m in _read(_journal(os.getpid())).items()
                if Path(p) not in changed}
        _write(_journal(os.getpid()), kept)


def _recover() -> list[Path]:
    """Give back the modes that graders no longer alive journaled (for folders still at
    mode 700 that no live grader holds); delete their journals. Returns the folders.
    Called by `lock`, under the lock file."""
    given = []
    for path in lock_dir().glob("modes-*.json"):
        pid = path.stem.removeprefix("modes-")
        if not pid.isdigit() or _alive(int(pid)):
            continue
        journaled = _read(path)
        path.unlink(missing_ok=True)  # first: its folders are then held by no one dead
        for folder, mode in journaled.items():
            with contextlib.suppress(OSError):
                st = os.lstat(folder)
                if (stat.S_ISDIR(st.st_mode) and stat.S_IMODE(st.st_mode) == LOCKED
                        and _held_elsewhere(Path(folder)) is None):
                    os.chmod(folder, mode)
                    given.append(Path(folder))
    return given


def _held_elsewhere(folder: Path) -> int | None:
    """The mode another live grader journaled for `folder`, if one holds it locked."""
    for path in lock_dir().glob("modes-*.json"):
        pid = path.stem.removeprefix("modes-")
        if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
            mode = _read(path).get(str(folder))
            if mode is not None:
                return mode
    return None


@contextlib.contextmanager
def _exclusive() -> Iterator[None]:
    """One grader at a time reads and changes the journals and the modes."""
    with open(lock_dir() / "modes.guard", "a") as held:  # not *.lock: those are slots
        fcntl.flock(held, fcntl.LOCK_EX)
        yield  # closing the file releases the lock, also if the grader is killed


def _journal(pid: int) -> Path:
    return lock_dir() / f"modes-{pid}.json"


def _record(modes: dict[Path, int]) -> None:
    path = _journal(os.getpid())
    kept = _read(path)
    kept.update({str(p): m for p, m in modes.items() if str(p) not in kept})
    _write(path, kept)


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
