# Cancels alarms and timers, ignores or blocks every catchable signal, then hangs in C code
# (a regular expression that backtracks for ever): only SIGKILL can stop it.
import re
import signal

import numpy as np

signal.alarm(0)
signal.setitimer(signal.ITIMER_REAL, 0)
for sig in signal.valid_signals():
    try:
        signal.signal(sig, signal.SIG_IGN)
    except (OSError, ValueError, RuntimeError):
        pass
signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())


def gd_step(F, y, w, eta):
    re.match(r"(a+)+$", "a" * 64 + "b")  # exponential backtracking, never checks signals
    return w


def max_stable_lr(F):
    signal.alarm(0)
    return 2.0 / np.linalg.norm(F, 2) ** 2
