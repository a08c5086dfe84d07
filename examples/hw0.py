"""EECS 182 Fall 2023, Homework 0: the structured answers the autograder grades.

Fill in every function and constant marked TODO. Proofs and derivations go on your written
PDF; this file holds what a computer can check. Arrays come in as float64 numpy arrays; you
may return numpy arrays, torch tensors, lists or Python floats. Shapes must match exactly.
Check your work with the kit's self-check:  python -m hw0_selfcheck
"""

import numpy as np

# ---------------------------------------------------------------- Q1: GD does not go nuts


def gd_step(F, y, w, eta):
    """One gradient-descent step on l(w) = 1/2 ||y - F w||^2: return w_t (shape (d,))
    from w_{t-1} = w, i.e. w - eta * F^T (F w - y)."""
    # BEGIN SOLUTION
    return w + eta * (F.T @ (F @ w - y))
    # END SOLUTION


def gd_iterates(F, y, eta, k):
    """All iterates of k GD steps from w_0 = 0: an array of shape (k+1, d), rows w_0..w_k."""
    # BEGIN SOLUTION
    w = np.zeros(F.shape[1])
    rows = [w]
    for _ in range(int(k)):
        w = gd_step(F, y, w, eta)
        rows.append(w)
    return np.array(rows)
    # END SOLUTION


def max_stable_lr(F):
    """The largest learning rate eta for which GD on this F cannot diverge (a float)."""
    # BEGIN SOLUTION
    alpha = np.linalg.norm(F, 2)
    return 2.0 / alpha**2
    # END SOLUTION


def step_growth_bound(F, y, eta):
    """The most ||w_t|| can exceed ||w_{t-1}|| in one step: eta * alpha * ||y||_2, where
    alpha is the largest singular value of F (a float)."""
    # BEGIN SOLUTION
    return eta * np.linalg.norm(F, 2) * np.linalg.norm(y)
    # END SOLUTION


def error_bound(F, y, eta, k, w_star):
    """The bound on ||w_k - w*||_2 after k steps: k * eta * alpha * ||y||_2 + ||w*||_2."""
    # BEGIN SOLUTION
    return k * step_growth_bound(F, y, eta) + np.linalg.norm(w_star)
    # END SOLUTION


# The closed interval (lo, hi) holding every eigenvalue of I - eta F^T F when GD cannot
# diverge.
# BEGIN SOLUTION
# TEMPLATE: Q1_EIG_RANGE = None  # TODO: a pair (lo, hi)
# Each eigenvalue is 1 - eta * sigma_i^2, and eta * sigma_i^2 ranges over [0, eta * alpha^2],
# which the stability condition eta <= 2 / alpha^2 caps at 2.
_ETA_SIGMA_SQ = (0.0, 2.0)
Q1_EIG_RANGE = (1.0 - _ETA_SIGMA_SQ[1], 1.0 - _ETA_SIGMA_SQ[0])
# END SOLUTION


# ---------------------------------------------------------------- Q2: ridge from augmentation


def gamma_from_sigma(Sigma):
    """Any d x d matrix Gamma with Gamma^T Gamma = Sigma^{-1} (Sigma is SPD)."""
    # BEGIN SOLUTION
    # Sigma^{-1} = L L^T (Cholesky), so Gamma = L^T has Gamma^T Gamma = Sigma^{-1}.
    return np.linalg.cholesky(np.linalg.inv(Sigma)).T
    # END SOLUTION


def augment(X, y, Gamma):
    """The augmented data: X_hat = [X; Gamma] of shape (n+d, d), y_hat = [y; 0] of shape
    (n+d,). Return the pair (X_hat, y_hat)."""
    # BEGIN SOLUTION
    d = X.shape[1]
    return np.vstack([X, Gamma]), np.concatenate([y, np.zeros(d)])
    # END SOLUTION


def ols(X, y):
    """The ordinary least-squares solution argmin_w ||y - X w||^2 for a full column rank X
    (shape (d,))."""
    # BEGIN SOLUTION
    return np.linalg.lstsq(X, y, rcond=None)[0]
    # END SOLUTION


def map_estimate(X, y, Sigma):
    """The MAP estimate (X^T X + Sigma^{-1})^{-1} X^T y (shape (d,))."""
    # BEGIN SOLUTION
    return np.linalg.solve(X.T @ X + Sigma, X.T @ y)
    # END SOLUTION


# ---------------------------------------------------------------- Q3: vector calculus
# Answers are strings in a small matrix language: names x, c (column vectors in R^n) and
# A (n x n); .T transposes; @ is the matrix product; * a scalar (or matrix) product; + - ( )
# and integers. The derivative of a scalar by a column vector is a ROW vector (1 x n); of a
# vector by a vector, the n x n Jacobian.

# BEGIN SOLUTION
# TEMPLATE: Q3A = None  # TODO: d/dx (x^T c), as a string such as "A @ x"
Q3A = "c.T"
# END SOLUTION
# BEGIN SOLUTION
# TEMPLATE: Q3B = None  # TODO: d/dx ||x||_2^2
Q3B = "2*x.T"
# END SOLUTION
# BEGIN SOLUTION
# TEMPLATE: Q3C = None  # TODO: d/dx (A x)
Q3C = "A"
# END SOLUTION
# BEGIN SOLUTION
# TEMPLATE: Q3D = None  # TODO: d/dx (x^T A x)
Q3D = "x.T @ (A + A.T)"
# END SOLUTION
# When does the Q3D derivative equal 2 x^T A? An equation in A, such as "A == 2*A".
# BEGIN SOLUTION
# TEMPLATE: Q3E = None  # TODO: the condition, as an equation with ==
Q3E = "A == A.T"
# END SOLUTION


# ---------------------------------------------------------------- Q4: ReLU elbow under SGD
# Q4(a): strings in the symbols w b x y phi (phi stands for phi(x)). "active" is the region
# w*x + b > 0; "inactive" the rest, where the ReLU's gradient is 0.

# BEGIN SOLUTION
# TEMPLATE: Q4A_ELBOW = None  # TODO: the elbow e, as a string
Q4A_ELBOW = "-b/w"
# END SOLUTION
# BEGIN SOLUTION
# TEMPLATE: Q4A_DL_DPHI = None  # TODO: dl/dphi, as a string
Q4A_DL_DPHI = "phi - y"
# END SOLUTION
# BEGIN SOLUTION
# TEMPLATE: Q4A_DL_DW = {"active": None, "inactive": None}  # TODO: dl/dw in each region
Q4A_DL_DW = {"active": "(phi - y)*x", "inactive": "0"}
# END SOLUTION
# BEGIN SOLUTION
# TEMPLATE: Q4A_DL_DB = {"active": None, "inactive": None}  # TODO: dl/db in each region
Q4A_DL_DB = {"active": "phi - y", "inactive": "0"}
# END SOLUTION

# Q4(b): for each case of the handout (phi(x) - y = 1 throughout), what one SGD step does to
# the slope ("increases", "decreases", "unchanged") and to the elbow ("moves_left",
# "moves_right", "unchanged", or "depends" when it can go either way within the case).
Q4B_CASES = {
    "i": "phi(x) = 0",
    "ii": "w > 0, x > 0, phi(x) > 0",
    "iii": "w > 0, x < 0, phi(x) > 0",
    "iv": "w < 0, x > 0, phi(x) > 0",
}
# BEGIN SOLUTION
# TEMPLATE: Q4B = {case: {"slope": None, "elbow": None} for case in Q4B_CASES}  # TODO: each case's slope and elbow words


def _relu_sgd_step(w, b, x, y, lr):
    """One SGD step on l = 1/2 (relu(w x + b) - y)^2 (the ReLU's gradient at 0 is 0)."""
    active = w * x + b > 0
    dl_dphi = np.where(active, w * x + b, 0.0) - y
    return w - lr * dl_dphi * active * x, b - lr * dl_dphi * active


def _sample_case(case, rng, size):
    """Points (w, b, x, y) of one case of Q4(b), with phi(x) - y = 1."""
    sign_w = {"i": 1.0, "ii": 1.0, "iii": 1.0, "iv": -1.0}[case]
    sign_x = {"i": 1.0, "ii": 1.0, "iii": -1.0, "iv": 1.0}[case]
    w = sign_w * rng.uniform(0.1, 3.0, size)
    x = sign_x * rng.uniform(0.1, 3.0, size)
    if case == "i":
        w = rng.choice([-1.0, 1.0], size) * w
        b = -w * x - rng.uniform(0.0, 3.0, size)  # w x + b <= 0
    else:
        b = -w * x + rng.uniform(0.01, 3.0, size)  # w x + b > 0
    phi = np.maximum(w * x + b, 0.0)
    return w, b, x, phi - 1.0


def _direction(before, after, names):
    """The name of the change: unchanged, one direction, or depends (both occur)."""
    change = np.sign(np.round(after - before, 12))
    seen = {names[int(s) + 1] for s in change}
    return seen.pop() if len(seen) == 1 else "depends"


def simulate_q4b(samples=4000, lr=1e-4, seed=182):
    """The Q4(b) key, by simulation: one small SGD step at many points of each case."""
    rng = np.random.default_rng(seed)
    key = {}
    for case in Q4B_CASES:
        w, b, x, y = _sample_case(case, rng, samples)
        w2, b2 = _relu_sgd_step(w, b, x, y, lr)
        key[case] = {
            "slope": _direction(w, w2, ["decreases", "unchanged", "increases"]),
            "elbow": _direction(-b / w, -b2 / w2, ["moves_left", "unchanged", "moves_right"]),
        }
    return key


Q4B = simulate_q4b()
# END SOLUTION


def elbows(W1, b):
    """Q4(c): the elbow e_i of each hidden ReLU of f(x) = W2 relu(W1 x + b), shape (d,)."""
    # BEGIN SOLUTION
    return b / W1
    # END SOLUTION


def sgd_new_elbows(W1, b, W2, x, y, lr):
    """Q4(d): the elbows e'_i after one SGD step with learning rate lr on the single sample
    (x, y), loss 1/2 (f(x) - y)^2; W1, b, W2 have shape (d,). Return shape (d,)."""
    # BEGIN SOLUTION
    z = W1 * x + b
    active = z > 0
    residual = W2 @ np.maximum(z, 0.0) - y
    dl_dz = residual * W2 * active
    return -(b - lr * dl_dz) / (W1 - lr * dl_dz * x)
    # END SOLUTION


# ---------------------------------------------------------------- Q6: process

# BEGIN SOLUTION
# TEMPLATE: Q6_SOURCES = None  # TODO: the sources you used (or "none")
# TEMPLATE: Q6_COLLABORATORS = None  # TODO: names and student IDs (or "none")
# TEMPLATE: Q6_HOURS = None  # TODO: roughly how many hours, a number
Q6_SOURCES = "The handout, lecture notes, the PyTorch documentation."
Q6_COLLABORATORS = "none"
Q6_HOURS = 6.0
# END SOLUTION
