# 200 MB of printing at import and 50 MB more on every call of a (correct) function: output
# is capped, printing fails fast past the cap, and grading goes on.
import sys

import numpy as np

LINE = "x" * (1 << 20)
printed = 0
for _ in range(200):
    try:
        print(LINE)
        sys.stderr.write(LINE)
        printed += 1
    except OSError:
        pass


def gd_step(F, y, w, eta):
    for _ in range(50):
        try:
            print(LINE)
        except OSError:
            pass
    return w - eta * (F.T @ (F @ w - y))


def max_stable_lr(F):
    return 2.0 / np.linalg.norm(F, 2) ** 2
