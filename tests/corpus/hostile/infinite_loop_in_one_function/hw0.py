import numpy as np


def gd_step(F, y, w, eta):
    while True:  # hangs: only this part may be lost
        pass


def gd_iterates(F, y, eta, k):
    w = np.zeros(F.shape[1])
    rows = [w]
    for _ in range(k):
        w = w - eta * (F.T @ (F @ w - y))
        rows.append(w)
    return np.array(rows)


def max_stable_lr(F):
    return 2.0 / np.linalg.norm(F, 2) ** 2


def step_growth_bound(F, y, eta):
    return eta * np.linalg.norm(F, 2) * np.linalg.norm(y)


def error_bound(F, y, eta, k, w_star):
    return k * step_growth_bound(F, y, eta) + np.linalg.norm(w_star)


Q1_EIG_RANGE = (-1.0, 1.0)
