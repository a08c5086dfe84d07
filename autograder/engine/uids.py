"""Sandbox uids: an unprivileged uid of its own for each grader process (root only).

Workers run as the uid (engine/sandbox.py); when one ends, every process of the uid is
killed, what it left in the world-writable folders deleted and its System V IPC objects
removed, so nothing of one worker outlives it. Concurrent graders (batch -j) take different
slots, each held by a lock file in a folder only root may write.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import secrets
import signal
import stat
import time
from pathlib import Path

from autograder.engine.namespaces import WRITABLE_DIRS

UID_BASE = 61000  # sandbox uids: 61000 + slot, no passwd entry needed
SLOTS = 256
# What the clean-up deletes of one worker's leftovers: entries in all, folders held open.
REMOVE_BUDGET = 200_000
MAX_OPEN = 64


class SandboxUser:
    """An unprivileged uid reserved for this grader process (root only).

    Each concurrent grader takes its own slot with a lock file, so killing every process of
    the uid (`kill_all`) never touches another grader's worker.
    """

    def __init__(self, slot: int | None = None) -> None:
        """Take the first free slot (or `slot`, if free; else no uid is reserved)."""
        self._lock = None
        self.uid: int | None = None
        # Whether no process of the uid can exist: `kill_all` saw none left, and no worker was
        # started since (`started`). Unknown for a new slot: a grader that died may have left one.
        self._clean = False
        if os.geteuid() != 0:
            return
        for n in range(SLOTS) if slot is None else [slot]:
            if (fd := _take(n)) is not None:
                self._lock, self.uid = fd, UID_BASE + n
                return
        if slot is None:
            raise RuntimeError("no free sandbox uid slot")

    def release(self) -> None:
        """Give the slot back (a process that ends gives it back anyway)."""
        if self._lock is not None:
            os.close(self._lock)
            self._lock, self.uid = None, None

    def started(self) -> None:
        """A worker is being started under the uid: the next `kill_all` has work to do."""
        self._clean = False

    def kill_all(self) -> None:
        """SIGKILL every process of the uid, from a helper that takes the uid (kill(-1)),
        until none is left (2 s at most); then delete what the uid left in the world-writable
        folders and its System V IPC objects (where it had no namespace of its own and no
        seccomp filter refused them), so nothing of one worker outlives it. Nothing to do
        when the last one left none and no worker started since (a grade asks at every
        worker's end, at its own end and at the grader's: each a fork of the grader)."""
        if self.uid is None or self._clean:
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
            left = _has_processes(self.uid)
            if not left or time.monotonic() > give_up:
                break
            time.sleep(0.005)
        removed = _remove_owned(self.uid)
        remove_ipc(self.uid)
        self._clean = not left and removed


def reclaim() -> None:
    """Clean up after grader processes that died without doing it (the OOM killer ends a
    grader, never its `kill_all`): for every slot that was used and no live grader holds,
    `kill_all` its uid, so what one submission left cannot break the next grader."""
    if os.geteuid() != 0:
        return
    for lock in sorted(lock_dir().glob("*.lock")):
        if lock.stem.isdigit() and int(lock.stem) < SLOTS:
            user = SandboxUser(int(lock.stem))
            user.kill_all()
            user.release()


def _take(slot: int) -> int | None:
    """The locked lock file of `slot` (None: another grader holds it, or it cannot be made)."""
    try:
        fd = os.open(lock_dir() / f"{slot}.lock",
                     os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


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


def lock_dir() -> Path:
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


def _remove_owned(uid: int) -> bool:
    """Delete the entries of the world-writable folders that belong to `uid` (links are
    removed, never followed; folders by remove_tree, which no depth or width breaks).
    False: some are left (past remove_tree's budget, or one that could not be removed)."""
    done = True
    for top in WRITABLE_DIRS:
        try:
            entries = list(os.scandir(top))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
            except OSError:  # gone already
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    done = remove_tree(Path(entry.path)) and done
                else:
                    os.unlink(entry.path)
            except OSError:
                done = False
    return done


def remove_tree(path: Path, budget: int = REMOVE_BUDGET) -> bool:
    """Delete `path` and everything under it without recursion and without following a link
    (every step through a descriptor, O_NOFOLLOW): at most MAX_OPEN folders are held open,
    a deeper folder is moved up beside `path` and deleted after it, so a chain of any depth
    costs as much as a wide folder. Gives up after `budget` entries (False: some are left)."""
    left = [budget]
    parent = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        todo = [path.name]  # names in `parent` to delete
        while todo and left[0] > 0:
            _remove_at(parent, todo.pop(), todo, left)
        return not todo and left[0] > 0
    finally:
        os.close(parent)


def _remove_at(parent: int, name: str, todo: list[str], left: list[int]) -> None:
    """remove_tree's work on one entry of `parent`; folders too deep go to `todo`."""
    frames: list[tuple[int, str, list[str]]] = []  # open folder, its name, subfolders left
    try:
        if (fd := _open_folder(parent, name)) is None:
            with contextlib.suppress(OSError):
                os.unlink(name, dir_fd=parent)
            left[0] -= 1
            return
        frames.append((fd, name, _clear(fd, left)))
        while frames and left[0] > 0:
            fd, name, subfolders = frames[-1]
            if subfolders:
                child = subfolders.pop()
                if len(frames) >= MAX_OPEN:  # cut the chain: finish it from `parent`
                    moved = f".hw0-removing-{secrets.token_hex(8)}"
                    with contextlib.suppress(OSError):
                        os.rename(child, moved, src_dir_fd=fd, dst_dir_fd=parent)
                        todo.append(moved)
                elif (child_fd := _open_folder(fd, child)) is not None:
                    frames.append((child_fd, child, _clear(child_fd, left)))
                continue
            frames.pop()
            os.close(fd)
            with contextlib.suppress(OSError):
                os.rmdir(name, dir_fd=frames[-1][0] if frames else parent)
            left[0] -= 1
    finally:
        for fd, _, _ in frames:
            os.close(fd)


def _open_folder(parent: int, name: str) -> int | None:
    """A descriptor of the folder `name` in `parent`; None when it is not a folder (a link
    to one included) or is gone."""
    try:
        return os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=parent)
    except OSError:
        return None


def _clear(fd: int, left: list[int]) -> list[str]:
    """Unlink everything in the open folder `fd` but its subfolders; return their names."""
    subfolders = []
    try:
        entries = os.scandir(fd)
    except OSError:
        return subfolders
    with entries:
        for entry in entries:
            if left[0] <= 0:
                break
            try:
                if entry.is_dir(follow_symlinks=False):
                    subfolders.append(entry.name)
                else:
                    os.unlink(entry.name, dir_fd=fd)
                    left[0] -= 1
            except OSError:
                pass
    return subfolders


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
