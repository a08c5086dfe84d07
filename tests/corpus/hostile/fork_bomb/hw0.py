# A fork bomb of sleepers (capped at 300 so that even an unprotected machine survives it),
# then a correct function: the bomb must be stopped at once and every child killed.
import os
import time

import numpy as np

made = 0
try:
    for _ in range(300):
        if os.fork() == 0:
            while True:
                time.sleep(1)
        made += 1
except OSError as exc:
    print(f"fork_bomb: stopped after {made} processes: {exc}")


def max_stable_lr(F):
    return 2.0 / np.linalg.norm(F, 2) ** 2
