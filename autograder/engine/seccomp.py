"""The worker's seccomp filter (Linux): no socket but AF_UNIX, no new process (threads are
fine), no io_uring, no 32-bit calls; no System V IPC, POSIX message queue, keyring or memfd
(state that would outlive the worker, memory charged to no process), with no_new_privs.
engine/sandbox.py installs it in a fresh worker after the namespaces and the uid."""

from __future__ import annotations

import ctypes
import errno
import os
import sys

_libc = ctypes.CDLL(None, use_errno=True)
_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
_SYSCALL = {
    "x86_64": {"socket": 41, "clone": 56, "fork": 57, "vfork": 58, "clone3": 435,
               "io_uring_setup": 425},
    "aarch64": {"socket": 198, "clone": 220, "clone3": 435, "io_uring_setup": 425},
}
# Refused with EPERM: System V IPC and POSIX message queues (objects that outlive their
# process, and a shared memory segment filled then detached is charged to no process's
# limit), keyrings (the uid's keyring outlives every process), memfd (memory outside RLIMIT_AS
# and the private tmpfs's size). Numbers from each arch's unistd.h.
REFUSED = {
    "x86_64": {"shmget": 29, "shmat": 30, "shmctl": 31, "semget": 64, "semop": 65,
               "semctl": 66, "shmdt": 67, "msgget": 68, "msgsnd": 69, "msgrcv": 70,
               "msgctl": 71, "semtimedop": 220, "mq_open": 240, "mq_unlink": 241,
               "mq_timedsend": 242, "mq_timedreceive": 243, "mq_notify": 244,
               "mq_getsetattr": 245, "add_key": 248, "request_key": 249, "keyctl": 250,
               "memfd_create": 319, "memfd_secret": 447},
    "aarch64": {"mq_open": 180, "mq_unlink": 181, "mq_timedsend": 182, "mq_timedreceive": 183,
                "mq_notify": 184, "mq_getsetattr": 185, "msgget": 186, "msgctl": 187,
                "msgrcv": 188, "msgsnd": 189, "semget": 190, "semctl": 191,
                "semtimedop": 192, "semop": 193, "shmget": 194, "shmctl": 195, "shmat": 196,
                "shmdt": 197, "add_key": 217, "request_key": 218, "keyctl": 219,
                "memfd_create": 279, "memfd_secret": 447},
}
_AF_UNIX, _CLONE_THREAD, _X32_SYSCALL_BIT = 1, 0x00010000, 0x40000000
_LD_ABS, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06  # BPF opcodes (32-bit words)
_KILL_PROCESS, _ALLOW = 0x80000000, 0x7FFF0000
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2


def _fail(code: int) -> tuple[int, int, int, int]:
    return (_RET, 0, 0, 0x00050000 | code)  # SECCOMP_RET_ERRNO


def program(machine: str) -> list[tuple[int, int, int, int]]:
    """Classic BPF over seccomp_data (nr at 0, arch at 4, args[0] low word at 16), as
    (code, jump if true, jump if false, k): another arch is killed (no 32-bit calls); x32
    calls fail; socket() of any family but AF_UNIX fails with EACCES; clone() without
    CLONE_THREAD, fork and vfork fail with EPERM; clone3 and io_uring_setup with ENOSYS
    (glibc then makes threads with clone; io_uring could open sockets behind the filter);
    the REFUSED calls with EPERM."""
    nr = _SYSCALL[machine]
    prog = [(_LD_ABS, 0, 0, 4), (_JEQ, 1, 0, _AUDIT_ARCH[machine]), (_RET, 0, 0, _KILL_PROCESS),
            (_LD_ABS, 0, 0, 0)]
    if machine == "x86_64":
        prog += [(_JGE, 0, 1, _X32_SYSCALL_BIT), _fail(errno.ENOSYS)]
    prog += [(_JEQ, 0, 4, nr["socket"]), (_LD_ABS, 0, 0, 16), (_JEQ, 0, 1, _AF_UNIX),
             (_RET, 0, 0, _ALLOW), _fail(errno.EACCES)]
    prog += [(_JEQ, 0, 4, nr["clone"]), (_LD_ABS, 0, 0, 16), (_JSET, 0, 1, _CLONE_THREAD),
             (_RET, 0, 0, _ALLOW), _fail(errno.EPERM)]
    for name, code in (("clone3", errno.ENOSYS), ("io_uring_setup", errno.ENOSYS),
                       ("fork", errno.EPERM), ("vfork", errno.EPERM)):
        if name in nr:
            prog += [(_JEQ, 0, 1, nr[name]), _fail(code)]
    for number in sorted(REFUSED[machine].values()):
        prog += [(_JEQ, 0, 1, number), _fail(errno.EPERM)]
    return prog + [(_RET, 0, 0, _ALLOW)]


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
                ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def deny_network_and_processes() -> bool:
    """Install the seccomp filter (with no_new_privs: no setuid binary gains anything): no
    network, no new process, none of the REFUSED calls.
    False where the platform or the kernel has no seccomp."""
    machine = os.uname().machine
    if not sys.platform.startswith("linux") or machine not in _SYSCALL:
        return False
    rules = program(machine)
    fprog = _SockFprog(len(rules), (_SockFilter * len(rules))(*(_SockFilter(*r) for r in rules)))
    ulong = ctypes.c_ulong
    if _libc.prctl(_PR_SET_NO_NEW_PRIVS, ulong(1), ulong(0), ulong(0), ulong(0)) != 0:
        return False
    return _libc.prctl(_PR_SET_SECCOMP, ulong(_SECCOMP_MODE_FILTER), ctypes.byref(fprog),
                       ulong(0), ulong(0)) == 0
