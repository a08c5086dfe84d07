"""The trust boundary: sandboxed worker processes that run student code.

The grader forks a *zygote* before it loads any check or reference: a process holding
only numpy, torch, matplotlib and IPython's shell, already imported. Each worker is forked
from it, so starting or replacing one costs milliseconds instead of a torch import, and
nothing of the grader's is in its memory. A worker, before it touches student code:

- leaves the grader's session and process group (setsid);
- when the grader is root: enters its own mount, network and IPC namespaces where the
  kernel allows it and pivots into a root of its own, an allow-list (no network at all; the
  Python runtime and its libraries read-only, two files of /etc, five devices, a /proc that
  shows only its own processes, one small private tmpfs behind /tmp, its working directory
  and the other world-writable folders; nothing else of the machine exists there), and
  switches to an unprivileged uid of its own (engine/uids.py; engine/namespaces.py);
- takes rlimits: CPU seconds, address space, processes, file size, open files, no core;
- on Linux, a seccomp filter: no socket but AF_UNIX, no new process (threads are fine),
  no io_uring, no System V IPC, POSIX message queue, keyring or memfd, no_new_privs
  (engine/seccomp.py);
- gets a scrubbed environment, its stdout/stderr into a capped file, and a private working
  directory with a copy of the student file it runs and read-only copies of the other files
  uploaded beside it (a helper module, a data file; bounded, jail.py), as Jupyter started in
  the notebook's folder would see them: never the reference, the checks or the results.

What each layer stops, and what is left where one is missing: docs/security.md.

It talks to the grader over two pipes with the plain-data channel (channel.py).
"""

from __future__ import annotations

import gc
import json
import os
import resource
import secrets
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from autograder import BLAS_ENV
from autograder.engine import channel, clock, namespaces, seccomp
from autograder.engine.jail import (  # noqa: F401 - Jail, WorkerLost re-exported
    Jail,
    Limits,
    WorkerLost,
    read_beside,
    write_beside,
)
from autograder.engine.uids import SandboxUser

# tests: "namespaces,seccomp" simulates a machine without those layers
DISABLE_ENV = "HW0_SANDBOX_DISABLE"
T = TypeVar("T")


class Zygote:
    """A clean process, forked early, that forks workers on request."""

    def __init__(self) -> None:
        settled(_preload)
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
        user.started()
        spec = {
            "student_file": str(jail.student_file),
            "hide": [str(p) for p in jail.hide],
            "home": str(jail.home) if jail.home else None,
            "beside": [str(p) for p in jail.beside],
            "uid": user.uid,
            "limits": jail.limits.__dict__,
            "disable": os.environ.get(DISABLE_ENV, "").split(","),
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


def _preload() -> None:
    """What every worker gets for free, imported before the fork; IPython's shell, the real
    widgets and the inline backend are what a notebook needs (notebook.py)."""
    import IPython.core.interactiveshell  # noqa: F401
    import IPython.core.profiledir  # noqa: F401
    import IPython.utils.text  # noqa: F401
    import ipywidgets  # noqa: F401
    import matplotlib
    import matplotlib_inline.backend_inline  # noqa: F401
    import numpy  # noqa: F401
    import torch

    from autograder.engine import worker  # noqa: F401 - the worker's code, before any hiding

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401 - and its font list, built once, not per notebook

    torch.set_num_threads(1)


def settled(load: Callable[[], T]) -> T:
    """`load()`, which imports large libraries (the zygote's, or the grader's checks), with
    Python's cyclic collector paused, then a freeze. Left on, the collector scans the
    hundreds of thousands of objects an import makes, all of which live for good, again and
    again while they load, and a collection after them scans them all once more (together
    about 0.5 CPU-s of a grade, a tenth of the grader's own); frozen, they are never scanned
    again, nor their pages written, which the zygote's workers share. What was garbage
    before is collected first (cheap: little is loaded yet); the imports' own garbage
    (about 1 MB) is frozen with them."""
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        value = load()
    finally:
        if enabled:
            gc.enable()
    gc.freeze()
    return value


def _zygote_loop(sock: socket.socket) -> None:
    """Fork a worker per request until the grader closes the socket. Workers are waited
    for (not left to the kernel), so their CPU time counts in the grader's own accounting."""
    while True:
        _reap()
        try:
            msg, fds, _, _ = socket.recv_fds(sock, 1 << 16, 3)
        except OSError:
            msg = b""
        if not msg:
            give_up = time.monotonic() + 2.0  # the grader has killed them; collect the last
            while _reap() and time.monotonic() < give_up:
                time.sleep(0.01)
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


def _reap() -> bool:
    """Collect finished workers; True while some are still running."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return False
        if pid == 0:
            return True


class Worker:
    """The grader's handle on one worker process."""

    def __init__(self, pid: int, requests: int, replies: int, user: SandboxUser):
        self.pid, self._requests, self._replies, self._user = pid, requests, replies, user
        self.alive = True

    def ask(self, message: dict[str, Any], deadline: clock.Deadline) -> Any:
        """Send a request and wait for the reply within `deadline` (the worker's CPU time,
        and the clock as a backstop); kill the worker on any failure.

        Each request carries a fresh random id that the reply must echo: a reply that
        student code queued in the pipe ahead of time can never answer a request."""
        request_id = secrets.token_hex(8)
        try:
            channel.send(self._requests, {**message, "id": request_id}, deadline.wall_end())
            if not deadline.wait(clock.readable(self._replies)):
                raise channel.ChannelTimeout(deadline.reason)
            reply = channel.receive(self._replies, deadline.wall_end())
        except channel.ChannelTimeout as exc:
            self.kill()
            raise WorkerLost(deadline.reason or f"no answer within {deadline.wall:g} s") from exc
        except channel.ChannelError as exc:
            self.kill()
            raise WorkerLost(f"the worker process ended ({exc})") from exc
        if not isinstance(reply, dict) or reply.pop("id", None) != request_id:
            self.kill()
            raise WorkerLost("the worker broke the protocol (a reply to no request)")
        return reply

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
        for workdir in worker_dirs(self.pid):  # not root: nobody else removes it
            shutil.rmtree(workdir, ignore_errors=True)


# ---------------------------------------------------------------- inside the worker


def worker_dirs(pid: int) -> list[Path]:
    """The working directory of worker `pid` in the real /tmp (none when it had a private
    /tmp): `hw0-worker-PID-RANDOM`, so no one can plant it in advance."""
    return [p for p in Path("/tmp").glob(f"hw0-worker-{pid}-*")
            if p.is_dir() and not p.is_symlink()]


def _become_worker(spec: dict[str, Any], requests: int, replies: int, out_fd: int) -> None:
    """Confine this fresh fork, then serve the grader. Runs only in the worker."""
    from autograder.engine import worker  # already in memory: imported by the zygote
    os.setsid()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the zygote ignores it; students may wait()
    for sig in (signal.SIGPIPE, signal.SIGXFSZ):  # over-long writes fail instead of killing
        signal.signal(sig, signal.SIG_IGN)
    os.dup2(out_fd, 1)
    os.dup2(out_fd, 2)
    os.close(out_fd)
    _close_fds_except({requests, replies})
    limits = Limits(**spec["limits"])
    uid, disabled = spec["uid"], set(spec["disable"])
    source = Path(spec["student_file"])
    code = source.read_bytes()  # before the submission folder is hidden
    home = Path(spec["home"]) if spec.get("home") else None
    others = read_beside(home, [Path(p) for p in spec.get("beside", [])])
    layers = ["process"]
    if uid is not None and "namespaces" not in disabled and namespaces.isolate(
            [Path(p) for p in spec["hide"]], limits):
        layers.append("namespaces")
    workdir = Path(tempfile.mkdtemp(prefix=f"hw0-worker-{os.getpid()}-", dir="/tmp"))
    (workdir / source.name).write_bytes(code)
    write_beside(workdir, others)  # root's where there is a uid: read-only to the worker
    if uid is not None:
        for p in (workdir, workdir / source.name):
            os.chown(p, uid, uid)
        layers.append("uid")
    _set_limits(limits)
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    if "seccomp" not in disabled and seccomp.deny_network_and_processes():
        layers.append("seccomp")
    os.chdir(workdir)
    os.environ.clear()
    os.environ.update({
        "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(workdir), "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(workdir / ".matplotlib"),
        "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "PYTHONHASHSEED": "0", "HW0_SANDBOX": ",".join(layers), **BLAS_ENV,
    })
    sys.path[:] = [str(workdir)] + [p for p in sys.path if p and namespaces.is_system_path(p)]
    sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
    worker.serve(requests, replies)
    os._exit(0)




def _close_fds_except(keep: set[int]) -> None:
    """Close every descriptor from 3 up except `keep` (Linux: close_range, cheap to the top)."""
    top = 1 << 20 if sys.platform.startswith("linux") else os.sysconf("SC_OPEN_MAX")
    low = 3
    for fd in sorted(keep):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, max(low, top))


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
