# Memory outside the address-space limit and the private tmpfs: a memfd grown to 400 MB and
# written, kept open (and, for the worker's life, charged to no limit of its own). Then
# correct functions, which must still score.
import errno
import os

import numpy as np

CHUNK = b"\1" * (8 << 20)
try:
    fd = os.memfd_create("hw0-hostile-memfd")
except OSError as exc:
    print(f"memfd_fill: memfd_create refused ({errno.errorcode.get(exc.errno, exc.errno)})")
else:
    written = 0
    try:
        for _ in range(50):
            os.write(fd, CHUNK)
            written += 8
    except OSError as exc:
        print(f"memfd_fill: stopped at {written} MB ({errno.errorcode.get(exc.errno)})")
    print(f"memfd_fill: {written} MB written")


def gd_step(F, y, w, eta):
    return w - eta * F.T @ (F @ w - y)


def max_stable_lr(F):
    return 2.0 / np.linalg.norm(F, 2) ** 2
