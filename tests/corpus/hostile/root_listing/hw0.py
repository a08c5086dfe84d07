# Looks at the machine around it: what the root holds, which folders of other users and other
# checkouts exist, what /etc and /dev hold, whose processes /proc shows. Prints it as JSON
# (root_listing: {...}, each list cut short: the grader keeps 2,000 bytes of what is printed)
# for tests/test_sandbox_allowlist.py and tests/test_hostile_effects.py. Then a correct
# function.
import json
import os
import sys

import numpy as np


def listing(path):
    try:
        return sorted(os.listdir(path))[:24]
    except OSError as exc:
        return f"error {exc.errno}"


seen = {
    "/": listing("/"),
    "/etc": listing("/etc"),
    "/dev": listing("/dev"),
    "/home": listing("/home"),
    "/root": listing("/root"),
    "/work": listing("/work"),
    "/tmp": [n for n in os.listdir("/tmp") if not n.startswith((".", "hw0-worker-"))][:6],
    "/etc/passwd": os.access("/etc/passwd", os.R_OK),
    "pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit())[:8],
    "me": os.getpid(),
    "prefix": sys.prefix,
    "prefix_here": os.path.isdir(sys.prefix),
}
print("root_listing: " + json.dumps(seen, separators=(",", ":")))


def max_stable_lr(F):
    return 2.0 / np.linalg.norm(F, 2) ** 2
