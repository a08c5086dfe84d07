# Fills every folder it may write: its own, /tmp, /var/tmp, /dev/shm, /run/lock (4 MB files,
# at most 80 MB each, so that an unprotected machine survives), plus one 100 MB file and a
# sentinel each. Then a correct function.
import errno
import os

import numpy as np

CHUNK = b"\0" * (4 << 20)
report = []
for folder in (".", "/tmp", "/var/tmp", "/dev/shm", "/run/lock"):
    written, error = 0, "none"
    try:
        with open(os.path.join(folder, "hw0-hostile-escaped-disk_filler"), "w") as f:
            f.write("escaped")
        for i in range(20):
            with open(os.path.join(folder, f"hw0-hostile-fill-{i}"), "wb") as f:
                f.write(CHUNK)
            written += 4
    except OSError as exc:
        error = errno.errorcode.get(exc.errno, str(exc.errno))
    report.append(f"{folder}: {written} MB ({error})")
try:
    with open("big", "wb") as f:
        for _ in range(25):
            f.write(CHUNK)
    report.append("100 MB file: written")
except OSError as exc:
    report.append(f"100 MB file: {errno.errorcode.get(exc.errno, exc.errno)}")
print("disk_filler:", "; ".join(report))


def max_stable_lr(F):
    return 2.0 / np.linalg.norm(F, 2) ** 2
