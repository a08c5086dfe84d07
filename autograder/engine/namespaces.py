"""Mount, network and IPC namespaces for a sandboxed worker (Linux, as root), and a root of
its own: an allow-list, not the machine minus a deny-list. engine/sandbox.py calls `isolate`
in a fresh worker, before it drops root.

The new root is a read-only tmpfs holding read-only binds of the Python runtime (`runtime`:
the installation, the venv, the system library folders), two files of /etc, five devices, a
/proc that shows only the worker's own processes, and one small private tmpfs behind every
folder it may write. Nothing else of the machine exists in it: no other checkout, no /root,
/home or /work. The old root is unmounted after `pivot_root`."""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

from autograder.engine.jail import Limits

WRITABLE_DIRS = (Path("/tmp"), Path("/var/tmp"), Path("/dev/shm"), Path("/run/lock"))
# What the runtime needs beyond the Python installation: the shared libraries the loaded and
# lazily loaded extension modules link to, the time zones; ld.so.cache finds a library by
# name (dlopen), localtime is time.localtime's.
LIBRARY_DIRS = tuple(Path(p) for p in ("/lib", "/lib32", "/lib64", "/usr/lib", "/usr/lib32",
                                       "/usr/lib64", "/usr/share/zoneinfo"))
ETC_FILES = (Path("/etc/ld.so.cache"), Path("/etc/localtime"))
DEVICES = ("null", "zero", "full", "random", "urandom")
_CLONE_NEWNS, _CLONE_NEWIPC, _CLONE_NEWNET = 0x00020000, 0x08000000, 0x40000000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 1, 2, 4, 8
_MS_REMOUNT, _MS_BIND, _MS_REC, _MS_PRIVATE = 32, 4096, 16384, 1 << 18
_MNT_DETACH = 2
_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}


def is_system_path(p: str) -> bool:
    """A folder of the Python installation (the only one a worker may import from)."""
    return p.startswith((sys.base_prefix, sys.prefix)) or "site-packages" in p


_libc = ctypes.CDLL(None, use_errno=True)


def _mount(source: str, target: Path | str, fstype: str | None, flags: int,
           data: str | None) -> None:
    if _libc.mount(source.encode(), str(target).encode(), fstype.encode() if fstype else None,
                   flags, data.encode() if data else None) != 0:
        raise OSError(ctypes.get_errno(), f"mount {target}")


def isolate(hide: list[Path], limits: Limits) -> bool:
    """New mount, network and IPC namespaces (no network; no System V IPC object or POSIX
    message queue outlives the worker), then a root of its own (`_pivot`). Returns False
    (and changes nothing) where the kernel refuses the namespaces; raises OSError where it
    allows them but not the new root (the worker then stops: it never runs student code
    with less than it was meant to have)."""
    flags = _CLONE_NEWNS | _CLONE_NEWNET | _CLONE_NEWIPC
    if not sys.platform.startswith("linux") or os.uname().machine not in _PIVOT_ROOT \
            or _libc.unshare(flags):
        return False
    _mount("none", "/", None, _MS_REC | _MS_PRIVATE, None)
    _pivot(hide, limits.tmp_mb)
    return True


def runtime() -> list[Path]:
    """The outermost folders the worker's root binds read-only: the Python installation it
    imports from (prefix, base prefix, site-packages) and LIBRARY_DIRS; links are kept as
    links (/lib -> usr/lib), so only real folders are listed."""
    wanted = [Path(p) for p in (sys.base_prefix, sys.prefix, *sys.path)
              if p and is_system_path(p)] + list(LIBRARY_DIRS)
    found = sorted({p for p in wanted if p.is_dir() and not p.is_symlink()},
                   key=lambda p: len(p.parts))
    roots: list[Path] = []
    for p in found:
        if not any(p.is_relative_to(r) for r in roots):
            roots.append(p)
    return roots


def _pivot(hide: list[Path], tmp_mb: int) -> None:
    """Build the new root in a tmpfs mounted over /tmp (private to this namespace), make it
    read-only, pivot into it and drop the old root."""
    binds = runtime()
    # Opened before /tmp is covered: a Python or a venv may live there (a CI clone).
    fds = {p: os.open(p, os.O_PATH | os.O_CLOEXEC) for p in binds}
    covered = [p for p in hide if p.exists() and any(p != b and p.is_relative_to(b)
                                                     for b in binds)]
    new = WRITABLE_DIRS[0]
    _mount("tmpfs", new, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=1m,mode=755")
    _scratch(new, tmp_mb)  # first: a runtime folder under /tmp is bound inside it
    for link in LIBRARY_DIRS:  # kept as links (merged /usr: /lib -> usr/lib)
        if link.is_symlink() and not any(link.is_relative_to(b) for b in binds):
            (new / link.parent.relative_to("/")).mkdir(mode=0o755, parents=True, exist_ok=True)
            os.symlink(os.readlink(link), new / link.relative_to("/"))
    for source, fd in fds.items():
        _bind(f"/proc/self/fd/{fd}", new / source.relative_to("/"), directory=True)
        os.close(fd)
    for path in covered:  # the grader's folders where the runtime holds them
        _hide(new / path.relative_to("/"))
    for file in ETC_FILES:
        if file.exists():
            _bind(str(file.resolve()), new / file.relative_to("/"), directory=False)
    for name in DEVICES:
        if (Path("/dev") / name).exists():
            _bind(f"/dev/{name}", new / "dev" / name, directory=False, devices=True)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, new / "dev" / name)
    _proc(new / "proc")
    _mount("none", new, None, _MS_REMOUNT | _MS_RDONLY | _MS_NOSUID | _MS_NODEV, None)
    os.chdir(new)
    if _libc.syscall(_PIVOT_ROOT[os.uname().machine], b".", b".") != 0:
        raise OSError(ctypes.get_errno(), "pivot_root")
    if _libc.umount2(b".", _MNT_DETACH) != 0:  # the old root, stacked under the new one
        raise OSError(ctypes.get_errno(), "umount the old root")
    os.chdir("/")


def _bind(source: str, target: Path, directory: bool, devices: bool = False) -> None:
    """Bind `source` read-only (no setuid; no device unless `devices`) at `target`, made
    with its parents (mode 755) in the new root."""
    target.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
    if directory:
        target.mkdir(mode=0o755, exist_ok=True)
    else:
        target.touch(mode=0o644, exist_ok=True)
    _mount(source, target, None, _MS_BIND | _MS_REC, None)
    flags = _MS_BIND | _MS_REMOUNT | _MS_RDONLY | _MS_NOSUID | (0 if devices else _MS_NODEV)
    _mount("none", target, None, flags, None)


def _hide(target: Path) -> None:
    """Cover a folder with an empty one nobody may enter, a file with /dev/null."""
    if target.is_dir():
        _mount("tmpfs", target, "tmpfs", _MS_RDONLY | _MS_NOSUID | _MS_NODEV, "size=4k,mode=000")
    else:
        _mount("/dev/null", target, None, _MS_BIND, None)


def _scratch(new: Path, size_mb: int) -> None:
    """One tmpfs of `size_mb` behind /tmp and, bound from it, /var/tmp, /dev/shm, /run/lock:
    everything the worker can write, bounded, in memory that goes away with it."""
    tmp = new / "tmp"
    tmp.mkdir(mode=0o755)
    _mount("tmpfs", tmp, "tmpfs", _MS_NOSUID | _MS_NODEV, f"size={size_mb}m,mode=1777")
    for folder in WRITABLE_DIRS[1:]:
        inner = tmp / ("." + "-".join(folder.parts[1:]))
        inner.mkdir()
        os.chmod(inner, 0o1777)
        target = new / folder.relative_to("/")
        target.mkdir(mode=0o755, parents=True, exist_ok=True)
        _mount(str(inner), target, None, _MS_BIND, None)


def _proc(target: Path) -> None:
    """A /proc of its own where a process sees only those of its uid (hidepid=invisible,
    per mount since Linux 5.8): the worker itself. An older kernel refuses the option
    (there it would change every /proc of the machine) and gets the machine's /proc."""
    target.mkdir(mode=0o555)
    try:
        _mount("proc", target, "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC, "hidepid=invisible")
    except OSError:
        _mount("/proc", target, None, _MS_BIND | _MS_REC, None)
