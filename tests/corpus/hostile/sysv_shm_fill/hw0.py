# issue 21's attack: 400 MB of System V shared memory, filled, then detached. No process is
# charged for it (RLIMIT_AS counts only what is attached, so it goes 100 MB at a time) and it
# outlives the worker. Then correct functions, which must still score.
import ctypes

import numpy as np

libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
IPC_PRIVATE, IPC_CREAT, FAILED = 0, 0o1000, ctypes.c_void_p(-1).value
SIZE = 100 << 20
filled = 0
for _ in range(4):
    segment = libc.shmget(IPC_PRIVATE, ctypes.c_size_t(SIZE), IPC_CREAT | 0o600)
    if segment < 0:
        print(f"sysv_shm_fill: shmget refused (errno {ctypes.get_errno()})")
        break
    address = libc.shmat(segment, None, 0)
    if address in (None, FAILED):
        print(f"sysv_shm_fill: shmat refused (errno {ctypes.get_errno()})")
        break
    ctypes.memset(address, 1, SIZE)
    libc.shmdt(ctypes.c_void_p(address))
    filled += 100
print(f"sysv_shm_fill: {filled} MB filled and detached")


def gd_step(F, y, w, eta):
    return w - eta * F.T @ (F @ w - y)


def max_stable_lr(F):
    return 2.0 / np.linalg.norm(F, 2) ** 2
