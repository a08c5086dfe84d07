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


# ---------------------------------------------------------------- Q3: vector calculus
# Answers are strings in a small matrix language: names x, c (column vectors in R^n) and
# A (n x n); .T transposes; @ is the matrix product; * a scalar (or matrix) product; + - ( )
# and integers. The derivative of a scalar by a column vector is a ROW vector (1 x n); of a
# vector by a vector, the n x n Jacobian.

Q3A = None  # TODO: d/dx (x^T c), as a string such as "A @ x"
Q3B = None  # TODO: d/dx ||x||_2^2
Q3C = None  # TODO: d/dx (A x)
Q3D = None  # TODO: d/dx (x^T A x)
# When does the Q3D derivative equal 2 x^T A? An equation in A, such as "A == 2*A".
Q3E = None  # TODO: the condition, as an equation with ==


# ---------------------------------------------------------------- Q4: ReLU elbow under SGD
# Q4(a): strings in the symbols w b x y phi (phi stands for phi(x)). "active" is the region
# w*x + b > 0; "inactive" the rest, where the ReLU's gradient is 0.

Q4A_ELBOW = None  # TODO: the elbow e, as a string
Q4A_DL_DPHI = None  # TODO: dl/dphi, as a string
Q4A_DL_DW = {"active": None, "inactive": None}  # TODO: dl/dw in each region
Q4A_DL_DB = {"active": None, "inactive": None}  # TODO: dl/db in each region

# Q4(b): for each case of the handout (phi(x) - y = 1 throughout), what one SGD step does to
# the slope ("increases", "decreases", "unchanged") and to the elbow ("moves_left",
# "moves_right", "unchanged", or "depends" when it can go either way within the case).
Q4B_CASES = {
    "i": "phi(x) = 0",
    "ii": "w > 0, x > 0, phi(x) > 0",
    "iii": "w > 0, x < 0, phi(x) > 0",
    "iv": "w < 0, x > 0, phi(x) > 0",
}
Q4B = {case: {"slope": None, "elbow": None} for case in Q4B_CASES}  # TODO: each case's slope and elbow words


def elbows(W1, b):
    """Q4(c): the elbow e_i of each hidden ReLU of f(x) = W2 relu(W1 x + b), shape (d,)."""
    raise NotImplementedError("TODO")


def sgd_new_elbows(W1, b, W2, x, y, lr):
    """Q4(d): the elbows e'_i after one SGD step with learning rate lr on the single sample
    (x, y), loss 1/2 (f(x) - y)^2; W1, b, W2 have shape (d,). Return shape (d,)."""
    raise NotImplementedError("TODO")


# ---------------------------------------------------------------- Q6: process

Q6_SOURCES = None  # TODO: the sources you used (or "none")
Q6_COLLABORATORS = None  # TODO: names and student IDs (or "none")
Q6_HOURS = None  # TODO: roughly how many hours, a number
