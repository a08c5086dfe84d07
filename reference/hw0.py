"""EECS 182 Fall 2023, Homework 0: the structured answers the autograder grades.

Fill in every function and constant marked TODO. Proofs and derivations go on your written
PDF; this file holds what a computer can check. Arrays come in as float64 numpy arrays; you
may return numpy arrays, torch tensors, lists or Python floats. Shapes must match exactly.
Check your work with:  python -m autograder check
"""

import numpy as np

# ---------------------------------------------------------------- Q1: GD does not go nuts


def gd_step(F, y, w, eta):
    """One gradient-descent step on l(w) = 1/2 ||y - F w||^2: return w_t (shape (d,))
    from w_{t-1} = w, i.e. w - eta * F^T (F w - y)."""
    # BEGIN SOLUTION
    return w - eta * (F.T @ (F @ w - y))
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
    return np.linalg.solve(X.T @ X + np.linalg.inv(Sigma), X.T @ y)
    # END SOLUTION
