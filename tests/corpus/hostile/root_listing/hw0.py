# Looks at the machine around it: what the root holds, which folders of other users and other
# checkouts exist, what /etc and /dev hold, whose processes /proc shows. Prints it as JSON
# (root_listing: {...}) for tests/test_hostile_effects.py. Then a correct function.
import json
import os
import sys

import numpy as np


def listing(path):
    try:
        return sorted(os.listdir(path))
    except OSError as exc:
        return f"error {exc.errno}"


seen = {
    "/": listing("/"),
    "/etc": listing("/etc"),
    "/dev": listing("/dev"),
    "/home": listing("/home"),
    "/root": listing("/root"),
    "/work": listing("/work"),
    "/tmp": [n for n in listing("/tmp") if not n.startswith((".", "hw0-worker-"))],
    "/etc/passwd": os.access("/etc/passwd", os.R_OK),
    "pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
    "me": os.getpid(),
    "prefix": sys.prefix,
    "prefix_here": os.path.isdir(sys.prefix),
}
print("root_listing: " + json.dumps(seen))


def max_stable_lr(F):
    return 2.0 / np.linalg.norm(F, 2) ** 2
