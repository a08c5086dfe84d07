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
    raise NotImplementedError("TODO")


def gd_iterates(F, y, eta, k):
    """All iterates of k GD steps from w_0 = 0: an array of shape (k+1, d), rows w_0..w_k."""
    raise NotImplementedError("TODO")


def max_stable_lr(F):
    """The largest learning rate eta for which GD on this F cannot diverge (a float)."""
    raise NotImplementedError("TODO")


def step_growth_bound(F, y, eta):
    """The most ||w_t|| can exceed ||w_{t-1}|| in one step: eta * alpha * ||y||_2, where
    alpha is the largest singular value of F (a float)."""
    raise NotImplementedError("TODO")


def error_bound(F, y, eta, k, w_star):
    """The bound on ||w_k - w*||_2 after k steps: k * eta * alpha * ||y||_2 + ||w*||_2."""
    raise NotImplementedError("TODO")


# The closed interval (lo, hi) holding every eigenvalue of I - eta F^T F when GD cannot
# diverge.
Q1_EIG_RANGE = None  # TODO: a pair (lo, hi)


# ---------------------------------------------------------------- Q2: ridge from augmentation


def gamma_from_sigma(Sigma):
    """Any d x d matrix Gamma with Gamma^T Gamma = Sigma^{-1} (Sigma is SPD)."""
    raise NotImplementedError("TODO")


def augment(X, y, Gamma):
    """The augmented data: X_hat = [X; Gamma] of shape (n+d, d), y_hat = [y; 0] of shape
    (n+d,). Return the pair (X_hat, y_hat)."""
    raise NotImplementedError("TODO")


def ols(X, y):
    """The ordinary least-squares solution argmin_w ||y - X w||^2 for a full column rank X
    (shape (d,))."""
    raise NotImplementedError("TODO")


def map_estimate(X, y, Sigma):
    """The MAP estimate (X^T X + Sigma^{-1})^{-1} X^T y (shape (d,))."""
    raise NotImplementedError("TODO")
