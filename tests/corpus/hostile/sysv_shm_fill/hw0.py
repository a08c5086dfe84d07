# issue 21's attack: a System V shared memory segment of 400 MB, filled, then detached. No
# process is charged for it (RLIMIT_AS counts only what is attached), and it outlives the
# worker. Then correct functions, which must still score.
import ctypes

import numpy as np

libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
IPC_PRIVATE, IPC_CREAT = 0, 0o1000
SIZE = 400 << 20
segment = libc.shmget(IPC_PRIVATE, ctypes.c_size_t(SIZE), IPC_CREAT | 0o600)
if segment < 0:
    print(f"sysv_shm_fill: shmget refused (errno {ctypes.get_errno()})")
else:
    address = libc.shmat(segment, None, 0)
    if address in (None, ctypes.c_void_p(-1).value):
        print(f"sysv_shm_fill: shmat refused (errno {ctypes.get_errno()})")
    else:
        ctypes.memset(address, 1, SIZE)
        libc.shmdt(ctypes.c_void_p(address))
        print("sysv_shm_fill: 400 MB filled and detached")


def gd_step(F, y, w, eta):
    return w - eta * F.T @ (F @ w - y)


def max_stable_lr(F):
    return 2.0 / np.linalg.norm(F, 2) ** 2
