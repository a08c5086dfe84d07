"""The trust boundary: sandboxed worker processes that run student code.

The grader forks a *zygote* before it loads any check or reference: a process holding
only numpy and torch, already imported. Each worker is forked from it, so starting or
replacing one costs milliseconds instead of a torch import, and nothing of the grader's is
in its memory. A worker, before it touches student code:

- leaves the grader's session and process group (setsid);
- when the grader is root: enters its own mount and network namespaces where the kernel
  allows it (no network at all; a private tmpfs as working directory; the reference, the
  checks, the tests, the results and other submissions covered by empty mounts; only the
  Python installation visible under otherwise private directories such as /root), and
  switches to an unprivileged uid of its own (see `SandboxUser`);
- takes rlimits: CPU seconds, address space, processes, file size, open files, no core;
- gets a scrubbed environment, its stdout/stderr into a capped file, and a private copy of
  the one student file it runs as its working directory.

It talks to the grader over two pipes with the plain-data channel (channel.py).
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import resource
import shutil
import signal
import socket
import stat
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder import channel

UID_BASE = 61000  # sandbox uids: 61000 + slot, no passwd entry needed
SLOTS = 256

_CLONE_NEWNS = 0x00020000
_CLONE_NEWNET = 0x40000000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_BIND, _MS_REC, _MS_PRIVATE = 1, 2, 4, 4096, 16384, 1 << 18


@dataclass(frozen=True)
class Limits:
    """Resource limits of one worker (applied with setrlimit)."""

    cpu_seconds: int = 300
    extra_memory_mb: int = 1536  # address space on top of what numpy+torch already map
    processes: int = 64
    file_mb: int = 16
    open_files: int = 256
    workdir_mb: int = 64


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


class SandboxUser:
    """An unprivileged uid reserved for this grader process (root only).

    Each concurrent grader takes its own slot with a lock file, so killing every process of
    the uid (`kill_all`) never touches another grader's worker.
    """

    def __init__(self) -> None:
        self._lock = None
        self.uid: int | None = None
        if os.geteuid() != 0:
            return
        for slot in range(SLOTS):
            f = open(f"/tmp/.hw0-sandbox-{slot}.lock", "w")  # noqa: SIM115 - held open
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                f.close()
                continue
            self._lock, self.uid = f, UID_BASE + slot
            return
        raise RuntimeError("no free sandbox uid slot")

    def kill_all(self) -> None:
        """SIGKILL every process of the uid, from a helper that takes the uid (kill(-1))."""
        if self.uid is None:
            return
        for _ in range(3):
            pid = os.fork()
            if pid == 0:
                try:
                    os.setgid(self.uid)
                    os.setuid(self.uid)
                    os.kill(-1, signal.SIGKILL)
                finally:
                    os._exit(0)
            os.waitpid(pid, 0)


class Zygote:
    """A clean process, forked early, that forks workers on request."""

    def __init__(self) -> None:
        import numpy  # noqa: F401 - imported here so every worker has them for free
        import torch

        from autograder import worker  # noqa: F401 - the worker's code, before any hiding

        torch.set_num_threads(1)
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.pid = os.fork()
        if self.pid == 0:
            parent.close()
            _zygote_loop(child)
            os._exit(0)
        child.close()
        self._sock = parent

    def spawn(self, jail: Jail, user: SandboxUser, output: Path) -> Worker:
        """Fork a worker for `jail` under `user`; its stdout/stderr go to `output`."""
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        out_fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        spec = {
            "student_file": str(jail.student_file),
            "hide": [str(p) for p in jail.hide],
            "uid": user.uid,
            "limits": jail.limits.__dict__,
        }
        socket.send_fds(self._sock, [json.dumps(spec).encode()],
                        [to_worker_r, from_worker_w, out_fd])
        for fd in (to_worker_r, from_worker_w, out_fd):
            os.close(fd)
        pid = int(self._sock.recv(64))
        os.set_blocking(to_worker_w, False)
        return Worker(pid, to_worker_w, from_worker_r, user)

    def close(self) -> None:
        self._sock.close()
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def _zygote_loop(sock: socket.socket) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(sock, 1 << 16, 3)
        except OSError:
            return
        if not msg:
            return
        pid = os.fork()
        if pid == 0:
            sock.close()
            try:
                requests, replies, out_fd = fds
                _become_worker(json.loads(msg), requests, replies, out_fd)
            except BaseException as exc:  # noqa: BLE001 - the worker cannot go on: say why
                os.write(2, f"[autograder] the worker stopped: {exc!r}\n".encode())
            finally:
                os._exit(70)
        for fd in fds:
            os.close(fd)
        sock.send(str(pid).encode())


class Worker:
    """The grader's handle on one worker process."""

    def __init__(self, pid: int, requests: int, replies: int, user: SandboxUser):
        self.pid, self._requests, self._replies, self._user = pid, requests, replies, user
        self.alive = True

    def ask(self, message: dict[str, Any], timeout: float) -> Any:
        """Send a request and wait for the reply; kill the worker on any failure."""
        deadline = time.monotonic() + timeout
        try:
            channel.send(self._requests, message, deadline)
            return channel.receive(self._replies, deadline)
        except channel.ChannelTimeout as exc:
            self.kill()
            raise WorkerLost(f"no answer within {timeout:g} s") from exc
        except channel.ChannelError as exc:
            self.kill()
            raise WorkerLost(f"the worker process ended ({exc})") from exc

    def kill(self) -> None:
        """Kill the worker's whole process group and close the channel."""
        if not self.alive:
            return
        self.alive = False
        for target in (lambda: os.killpg(self.pid, signal.SIGKILL),
                       lambda: os.kill(self.pid, signal.SIGKILL)):
            try:
                target()
            except (ProcessLookupError, PermissionError):
                pass
        self._user.kill_all()  # whatever it spawned, even in a session of its own
        for fd in (self._requests, self._replies):
            os.close(fd)
        shutil.rmtree(worker_dir(self.pid), ignore_errors=True)


# ---------------------------------------------------------------- inside the worker


def worker_dir(pid: int) -> Path:
    """The worker's working directory (a private tmpfs inside its namespace, if it has one)."""
    return Path(f"/tmp/hw0-worker-{pid}")


def _become_worker(spec: dict[str, Any], requests: int, replies: int, out_fd: int) -> None:
    """Confine this fresh fork, then serve the grader. Runs only in the worker."""
    from autograder import worker  # already in memory: imported by the zygote
    os.setsid()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the zygote ignores it; students may wait()
    for sig in (signal.SIGPIPE, signal.SIGXFSZ):  # over-long writes fail instead of killing
        signal.signal(sig, signal.SIG_IGN)
    os.dup2(out_fd, 1)
    os.dup2(out_fd, 2)
    os.close(out_fd)
    keep = {requests, replies}
    for fd in range(3, 1024):
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass
    limits = Limits(**spec["limits"])
    uid = spec["uid"]
    source = Path(spec["student_file"])
    code = source.read_bytes()  # before the submission folder is hidden
    workdir = worker_dir(os.getpid())
    workdir.mkdir(mode=0o700)
    isolated = uid is not None and _isolate(workdir, [Path(p) for p in spec["hide"]], limits)
    (workdir / source.name).write_bytes(code)
    if uid is not None:
        for p in (workdir, workdir / source.name):
            os.chown(p, uid, uid)
    _set_limits(limits)
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    os.chdir(workdir)
    os.environ.clear()
    os.environ.update({
        "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(workdir), "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(workdir / ".matplotlib"),
        "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "PYTHONHASHSEED": "0", "HW0_SANDBOX": "namespaces" if isolated else "process",
    })
    sys.path[:] = [str(workdir)] + [p for p in sys.path if p and _is_system_path(p)]
    sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
    worker.serve(requests, replies)
    os._exit(0)


def _is_system_path(p: str) -> bool:
    return p.startswith((sys.base_prefix, sys.prefix)) or "site-packages" in p


def _set_limits(limits: Limits) -> None:
    mb = 1024 * 1024
    vm = _current_address_space()
    wanted = {
        resource.RLIMIT_CPU: limits.cpu_seconds,
        resource.RLIMIT_AS: vm + limits.extra_memory_mb * mb,
        resource.RLIMIT_FSIZE: limits.file_mb * mb,
        resource.RLIMIT_NOFILE: limits.open_files,
        resource.RLIMIT_CORE: 0,
    }
    if os.geteuid() == 0:
        wanted[resource.RLIMIT_NPROC] = limits.processes
    for which, value in wanted.items():
        _, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass  # e.g. macOS refuses some: the deadline still bounds the worker


def _current_address_space() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 4 * 1024**3


# ---------------------------------------------------------------- namespaces (Linux, root)

_libc = ctypes.CDLL(None, use_errno=True)


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    if _libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None,
                   flags, data.encode() if data else None) != 0:
        raise OSError(ctypes.get_errno(), f"mount {target}")


def _isolate(workdir: Path, hide: list[Path], limits: Limits) -> bool:
    """New mount and network namespaces: private tmpfs workdir, hidden paths, no network.
    Returns False (and changes nothing) where the kernel does not allow it."""
    if not sys.platform.startswith("linux") or _libc.unshare(_CLONE_NEWNS | _CLONE_NEWNET):
        return False
    _mount("none", "/", None, _MS_REC | _MS_PRIVATE, None)
    _expose_python()
    for path in hide:
        if path.is_dir():
            _mount("tmpfs", str(path), "tmpfs", _MS_RDONLY | _MS_NOSUID | _MS_NODEV,
                   "size=4k,mode=000")
        elif path.exists():
            _mount("/dev/null", str(path), None, _MS_BIND, None)
    _mount("tmpfs", str(workdir), "tmpfs", _MS_NOSUID | _MS_NODEV,
           f"size={limits.workdir_mb}m,mode=700")
    return True


def _expose_python() -> None:
    """Python may live under a directory the sandbox uid cannot enter (pyenv under /root):
    cover that directory with a tmpfs and bind the installation back into it."""
    needed = sorted({Path(p) for p in (sys.base_prefix, sys.prefix, *sys.path)
                     if p and Path(p).is_dir()}, key=lambda p: len(p.parts))
    roots: list[Path] = []
    for p in needed:
        if not any(p.is_relative_to(r) for r in roots):
            roots.append(p)
    by_closed_ancestor: dict[Path, list[Path]] = {}
    for p in roots:
        closed = next((a for a in reversed(p.parents)
                       if a != Path("/") and not os.stat(a).st_mode & stat.S_IXOTH), None)
        if closed is not None:
            by_closed_ancestor.setdefault(closed, []).append(p)
    for closed, paths in by_closed_ancestor.items():
        fds = {p: os.open(p, os.O_PATH | os.O_DIRECTORY) for p in paths}
        _mount("tmpfs", str(closed), "tmpfs", _MS_NOSUID | _MS_NODEV, "size=64k,mode=755")
        for p, fd in fds.items():
            p.mkdir(parents=True, exist_ok=True)
            for parent in list(p.parents):
                if parent.is_relative_to(closed):
                    os.chmod(parent, 0o755)
            _mount(f"/proc/self/fd/{fd}", str(p), None, _MS_BIND | _MS_REC, None)
            os.close(fd)
