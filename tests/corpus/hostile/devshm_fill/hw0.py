# Memory as files: /dev/shm (a tmpfs, memory) filled in 8 MB files until refused, at most
# 96 MB (past the worker's 32 MB tmpfs and Docker's 64 MB /dev/shm, while a machine with a
# larger one survives it in the 768 MB box), left behind. Then correct functions, which must
# still score.
import errno
import os

import numpy as np

CHUNK = b"\1" * (8 << 20)
written, error = 0, "none"
try:
    for i in range(12):
        with open(f"/dev/shm/hw0-hostile-shm-{i}", "wb") as f:
            f.write(CHUNK)
        written += 8
except OSError as exc:
    error = errno.errorcode.get(exc.errno, str(exc.errno))
print(f"devshm_fill: {written} MB in /dev/shm ({error})")


def gd_step(F, y, w, eta):
    return w - eta * F.T @ (F @ w - y)


def max_stable_lr(F):
    return 2.0 / np.linalg.norm(F, 2) ** 2
