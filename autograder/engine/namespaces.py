"""Mount and network namespaces for a sandboxed worker (Linux, as root): no network at all,
one small private tmpfs behind every world-writable folder, the hidden paths covered by empty
mounts, only the Python installation visible under otherwise private folders (pyenv under
/root). engine/sandbox.py calls `isolate` in a fresh worker, before it drops root."""

from __future__ import annotations

import ctypes
import os
import stat
import sys
from pathlib import Path

from autograder.engine.jail import Limits

WRITABLE_DIRS = (Path("/tmp"), Path("/var/tmp"), Path("/dev/shm"), Path("/run/lock"))
_CLONE_NEWNS = 0x00020000
_CLONE_NEWNET = 0x40000000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_BIND, _MS_REC, _MS_PRIVATE = 1, 2, 4, 4096, 16384, 1 << 18


def is_system_path(p: str) -> bool:
    """A folder of the Python installation (the only one a worker may import from)."""
    return p.startswith((sys.base_prefix, sys.prefix)) or "site-packages" in p


_libc = ctypes.CDLL(None, use_errno=True)


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    if _libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None,
                   flags, data.encode() if data else None) != 0:
        raise OSError(ctypes.get_errno(), f"mount {target}")


def isolate(hide: list[Path], limits: Limits) -> bool:
    """New mount and network namespaces: no network, a private tmpfs behind every
    world-writable folder, the hidden paths covered. Returns False (and changes nothing)
    where the kernel does not allow it."""
    if not sys.platform.startswith("linux") or _libc.unshare(_CLONE_NEWNS | _CLONE_NEWNET):
        return False
    _mount("none", "/", None, _MS_REC | _MS_PRIVATE, None)
    keep = python_paths()
    for closed in _closed_ancestors(keep):
        _cover(closed, "size=64k,mode=755", keep)
    _private_tmp(limits.tmp_mb, keep)
    for path in hide:
        if path in keep:
            continue
        if path.is_dir() and any(k.is_relative_to(path) for k in keep):
            _cover(path, "size=64k,mode=755", keep)  # e.g. the project folder holding .venv
        elif path.is_dir():
            _mount("tmpfs", str(path), "tmpfs", _MS_RDONLY | _MS_NOSUID | _MS_NODEV,
                   "size=4k,mode=000")
        elif path.exists():
            _mount("/dev/null", str(path), None, _MS_BIND, None)
    return True


def python_paths() -> list[Path]:
    """The outermost folders of the Python installation the worker imports from."""
    needed = sorted({Path(p) for p in (sys.base_prefix, sys.prefix, *sys.path)
                     if p and is_system_path(p) and Path(p).is_dir()},
                    key=lambda p: len(p.parts))
    roots: list[Path] = []
    for p in needed:
        if not any(p.is_relative_to(r) for r in roots):
            roots.append(p)
    return roots


def _closed_ancestors(keep: list[Path]) -> list[Path]:
    """The first folder on the way to each of `keep` that other users cannot enter (pyenv
    under /root)."""
    found: list[Path] = []
    for p in keep:
        closed = next((a for a in reversed(p.parents)
                       if a != Path("/") and not os.stat(a).st_mode & stat.S_IXOTH), None)
        if closed is not None and closed not in found:
            found.append(closed)
    return found


def _cover(target: Path, options: str, keep: list[Path]) -> None:
    """Mount a fresh tmpfs over `target`, then bind the `keep` folders inside it back."""
    inside = [p for p in keep if p != target and p.is_relative_to(target)]
    fds = {p: os.open(p, os.O_PATH | os.O_DIRECTORY) for p in inside}
    _mount("tmpfs", str(target), "tmpfs", _MS_NOSUID | _MS_NODEV, options)
    for p, fd in fds.items():
        p.mkdir(parents=True, exist_ok=True)
        for parent in p.parents:
            if parent != target and parent.is_relative_to(target):
                os.chmod(parent, 0o755)
        _mount(f"/proc/self/fd/{fd}", str(p), None, _MS_BIND | _MS_REC, None)
        os.close(fd)


def _private_tmp(size_mb: int, keep: list[Path]) -> None:
    """One tmpfs of `size_mb` behind /tmp and, bound from it, /var/tmp, /dev/shm, /run/lock:
    everything the worker can write, bounded, in memory that goes away with it."""
    tmp = WRITABLE_DIRS[0]
    _cover(tmp, f"size={size_mb}m,mode=1777", keep)
    for target in WRITABLE_DIRS[1:]:
        if target.is_dir() and not target.is_symlink():
            inner = tmp / ("." + "-".join(target.parts[1:]))
            inner.mkdir()
            os.chmod(inner, 0o1777)
            _mount(str(inner), str(target), None, _MS_BIND, None)
