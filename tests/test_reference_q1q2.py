"""The reference's own theorems (Q1, Q2), checked on the graders' input families.

The bounds are theorems: a counterexample here is a bug in the reference or in the check.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from autograder.checks import precision, reference
from autograder.checks.q1 import gd_problems
from autograder.checks.q2 import gamma_condition, map_condition, ridge_problems

ref = reference()
SETTINGS = settings(max_examples=150, derandomize=True, database=None, deadline=None)


@SETTINGS
@given(gd_problems())
def test_every_step_grows_the_norm_by_at_most_eta_alpha_y(p: dict) -> None:
    iterates = ref.gd_iterates(p["F"], p["y"], p["eta"], max(p["k"], 1))
    growth = ref.step_growth_bound(p["F"], p["y"], p["eta"])
    norms = np.linalg.norm(iterates, axis=1)
    assert np.all(norms[1:] <= norms[:-1] + growth * (1 + 1e-9) + 1e-300)


@SETTINGS
@given(gd_problems())
def test_the_error_after_k_steps_is_within_the_bound(p: dict) -> None:
    w_k = ref.gd_iterates(p["F"], p["y"], p["eta"], p["k"])[-1]
    bound = ref.error_bound(p["F"], p["y"], p["eta"], p["k"], p["w_star"])
    assert np.linalg.norm(w_k - p["w_star"]) <= bound * (1 + 1e-9)


@SETTINGS
@given(gd_problems())
def test_eigenvalues_of_the_gd_map_stay_in_q1_eig_range(p: dict) -> None:
    lo, hi = ref.Q1_EIG_RANGE
    for eta in (p["eta"], ref.max_stable_lr(p["F"])):
        d = p["F"].shape[1]
        eig = np.linalg.eigvalsh(np.eye(d) - eta * p["F"].T @ p["F"])
        assert np.all((eig >= lo - 1e-9) & (eig <= hi + 1e-9))


def test_q1_eig_range_is_tight() -> None:
    """At eta = 2/alpha^2 the top singular value gives -1; a tiny one gives nearly +1."""
    F = np.diag([3.0, 1e-8])
    eig = np.linalg.eigvalsh(np.eye(2) - ref.max_stable_lr(F) * F.T @ F)
    assert np.allclose([eig.min(), eig.max()], ref.Q1_EIG_RANGE, atol=1e-12)


def test_beyond_max_stable_lr_gd_diverges() -> None:
    F, y = np.diag([2.0, 0.5]), np.array([1.0, 1.0])
    eta = ref.max_stable_lr(F) * 1.05
    assert np.linalg.norm(ref.gd_iterates(F, y, eta, 400)[-1]) > 1e6


@SETTINGS
@given(ridge_problems())
def test_ols_on_augmented_data_is_the_map_estimate(p: dict) -> None:
    gamma = ref.gamma_from_sigma(p["Sigma"])
    assert np.allclose(gamma.T @ gamma, np.linalg.inv(p["Sigma"]), rtol=1e-8,
                       atol=1e-8 * np.abs(np.linalg.inv(p["Sigma"])).max())
    x_hat, y_hat = ref.augment(p["X"], p["y"], gamma)
    expected = ref.map_estimate(p["X"], p["y"], p["Sigma"])
    # To 1e-7 of the answer's size, or float64's rounding times the condition number where
    # that is more (the ill-conditioned X: precision.DOUBLE_RTOL), as check 2.5 compares.
    assert precision.close(ref.ols(x_hat, y_hat), expected, 1e-7,
                           condition=map_condition(p, expected) + gamma_condition(p))


@SETTINGS
@given(ridge_problems())
def test_the_map_estimate_minimises_the_tikhonov_objective(p: dict) -> None:
    """(2) is the argmin of ||y - Xw||^2 + w^T Sigma^{-1} w: its gradient vanishes there."""
    X, y, inv = p["X"], p["y"], np.linalg.inv(p["Sigma"])
    w = ref.map_estimate(X, y, p["Sigma"])
    gradient = X.T @ (X @ w - y) + inv @ w
    assert np.abs(gradient).max() <= 1e-6 * max(1.0, np.abs(X.T @ y).max(), np.abs(inv).max())
