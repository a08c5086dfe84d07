"""Sandbox uids: an unprivileged uid of its own for each grader process (root only).

Workers run as the uid (engine/sandbox.py); when one ends, every process of the uid is
killed, what it left in the world-writable folders deleted and its System V IPC objects
removed, so nothing of one worker outlives it. Concurrent graders (batch -j) take different
slots, each held by a lock file in a folder only root may write.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import shutil
import signal
import stat
import time
from pathlib import Path

from autograder.engine.namespaces import WRITABLE_DIRS

UID_BASE = 61000  # sandbox uids: 61000 + slot, no passwd entry needed
SLOTS = 256


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
        locks = _lock_dir()
        for slot in range(SLOTS):
            try:
                fd = os.open(locks / f"{slot}.lock",
                             os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
            except OSError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            self._lock, self.uid = fd, UID_BASE + slot
            return
        raise RuntimeError("no free sandbox uid slot")

    def kill_all(self) -> None:
        """SIGKILL every process of the uid, from a helper that takes the uid (kill(-1)),
        until none is left (2 s at most); then delete what the uid left in the world-writable
        folders and its System V IPC objects (where it had no namespace of its own and no
        seccomp filter refused them), so nothing of one worker outlives it."""
        if self.uid is None:
            return
        give_up = time.monotonic() + 2.0
        while True:
            pid = os.fork()
            if pid == 0:
                try:
                    os.setgid(self.uid)
                    os.setuid(self.uid)
                    os.kill(-1, signal.SIGKILL)
                finally:
                    os._exit(0)
            os.waitpid(pid, 0)
            if not _has_processes(self.uid) or time.monotonic() > give_up:
                break
            time.sleep(0.005)
        _remove_owned(self.uid)
        remove_ipc(self.uid)


def _has_processes(uid: int) -> bool:
    """Whether a live (not zombie) process of `uid` exists; False where /proc is missing."""
    try:
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return False
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
            if int(fields["Uid"].split()[0]) == uid and not fields["State"].strip().startswith("Z"):
                return True
        except (OSError, KeyError, ValueError):
            continue
    return False


def _lock_dir() -> Path:
    """A folder only root may write, for the slots' lock files: no sandbox uid can plant a
    link or a lock there to take or block a slot."""
    for base in (Path("/run"), Path("/tmp")):
        folder = base / "hw0-sandbox"
        try:
            folder.mkdir(mode=0o755)
        except FileExistsError:
            pass
        except OSError:
            continue
        st = os.lstat(folder)
        if stat.S_ISDIR(st.st_mode) and st.st_uid == 0 and not st.st_mode & 0o022:
            return folder
    raise RuntimeError("no root-owned folder for the sandbox's lock files")


def _remove_owned(uid: int) -> None:
    """Delete the entries of the world-writable folders that belong to `uid` (links are
    removed, never followed)."""
    for top in WRITABLE_DIRS:
        try:
            entries = list(os.scandir(top))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                pass


# /proc/sysvipc/KIND lists the objects of the grader's IPC namespace; each is removed with
# its own call: shmctl(id, IPC_RMID, NULL), msgctl(id, IPC_RMID, NULL), semctl(id, 0, IPC_RMID).
_IPC_KINDS = {"shm": ("shmid", "shmctl"), "msg": ("msqid", "msgctl"), "sem": ("semid", "semctl")}
_IPC_RMID = 0


def remove_ipc(uid: int) -> int:
    """Remove the System V shared memory segments, message queues and semaphore sets that
    `uid` owns or created (root: the grader). Returns how many were removed; 0 where
    /proc/sysvipc is missing."""
    libc = ctypes.CDLL(None, use_errno=True)
    removed = 0
    for kind, (id_column, call) in _IPC_KINDS.items():
        try:
            header, *rows = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()
        except (OSError, ValueError):
            continue
        names = header.split()
        for row in rows:
            fields = dict(zip(names, row.split(), strict=False))
            try:
                owners = {int(fields["uid"]), int(fields["cuid"])}
                ident = int(fields[id_column])
            except (KeyError, ValueError):
                continue
            if uid in owners:
                args = (ident, 0, _IPC_RMID) if kind == "sem" else (ident, _IPC_RMID, None)
                removed += getattr(libc, call)(*args) == 0
    return removed
