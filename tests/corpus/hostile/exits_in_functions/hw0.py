# Each wrong function ends its own worker a different way; the right ones must still score.
import os
import signal
import sys

import numpy as np


def gd_step(F, y, w, eta):
    os._exit(3)


def gd_iterates(F, y, eta, k):
    sys.exit(0)


def max_stable_lr(F):
    return 2.0 / np.linalg.norm(F, 2) ** 2


def step_growth_bound(F, y, eta):
    return eta * np.linalg.norm(F, 2) * np.linalg.norm(y)


def error_bound(F, y, eta, k, w_star):
    raise KeyboardInterrupt


Q1_EIG_RANGE = (-1.0, 1.0)


def gamma_from_sigma(Sigma):
    os.kill(os.getpid(), signal.SIGKILL)


def augment(X, y, Gamma):
    os.killpg(0, signal.SIGKILL)


def ols(X, y):
    return np.linalg.lstsq(X, y, rcond=None)[0]


def map_estimate(X, y, Sigma):
    signal.raise_signal(signal.SIGSEGV)
