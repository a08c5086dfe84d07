"""Known-wrong and known-good submissions, made from the reference by one textual change.

Each mutant names the part ids it must lose (empty: a correct alternative that must keep
full marks) and a phrase its feedback must contain. Made from the reference, they stay in
step with it; `Mutant.apply` fails loudly when the reference no longer holds `old`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[2] / "reference"


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str
    old: str
    new: str
    loses: frozenset[str]
    says: str = ""

    def apply(self) -> str:
        text = (REFERENCE / self.file).read_text(encoding="utf-8")
        if text.count(self.old) != 1:
            raise ValueError(f"mutant {self.name}: {self.old!r} is not once in {self.file}")
        return text.replace(self.old, self.new)


def _hw0(name: str, old: str, new: str, loses: str = "", says: str = "") -> Mutant:
    return Mutant(name, "hw0.py", old, new, frozenset(loses.split()), says)


MUTANTS = [
    # ---- Q1: wrong
    _hw0("gd_step_ascends", "return w - eta * (F.T @ (F @ w - y))",
         "return w + eta * (F.T @ (F @ w - y))", "q1", "expected"),
    _hw0("gd_step_no_transpose", "return w - eta * (F.T @ (F @ w - y))",
         "return w - eta * (F @ (F @ w - y))", "q1", "Smallest failing input"),
    _hw0("gd_iterates_without_w0", "rows = [w]", "rows = []", "q1", "shape"),
    _hw0("max_stable_lr_one_over", "return 2.0 / alpha**2", "return 1.0 / alpha**2", "q1",
         "max_stable_lr(F) is wrong"),
    _hw0("max_stable_lr_frobenius", "alpha = np.linalg.norm(F, 2)",
         "alpha = np.linalg.norm(F)", "q1", "expected"),
    _hw0("step_growth_sigma_min", "return eta * np.linalg.norm(F, 2) * np.linalg.norm(y)",
         "return eta * np.linalg.norm(F, -2) * np.linalg.norm(y)", "q1", "expected"),
    _hw0("error_bound_forgets_w_star", "+ np.linalg.norm(w_star)", "", "q1", "not a bound"),
    _hw0("eig_range_zero_to_one",
         "Q1_EIG_RANGE = (1.0 - _ETA_SIGMA_SQ[1], 1.0 - _ETA_SIGMA_SQ[0])",
         "Q1_EIG_RANGE = (0.0, 1.0)", "q1", "Q1_EIG_RANGE"),
    # ---- Q2: wrong
    _hw0("gamma_from_sigma_not_inverted", "np.linalg.cholesky(np.linalg.inv(Sigma)).T",
         "np.linalg.cholesky(Sigma).T", "q2", "Gamma^T Gamma"),
    _hw0("gamma_from_sigma_untransposed", "np.linalg.cholesky(np.linalg.inv(Sigma)).T",
         "np.linalg.cholesky(np.linalg.inv(Sigma))", "q2", "Gamma^T Gamma"),
    _hw0("augment_pads_with_ones", "np.concatenate([y, np.zeros(d)])",
         "np.concatenate([y, np.ones(d)])", "q2", "y_hat is wrong"),
    _hw0("augment_column_y_hat", "np.concatenate([y, np.zeros(d)])",
         "np.concatenate([y, np.zeros(d)])[:, None]", "q2", "was expected"),
    _hw0("ols_forgets_inverse", "return np.linalg.lstsq(X, y, rcond=None)[0]",
         "return X.T @ y", "q2", "ols(X, y) is wrong"),
    _hw0("map_estimate_sigma_not_inverted", "X.T @ X + np.linalg.inv(Sigma)", "X.T @ X + Sigma",
         "q2", "map_estimate(X, y, Sigma) is wrong"),
    # ---- Q3, Q4, Q6: wrong (more wrong answers, checked one by one: tests/test_q3_q4_checks.py)
    _hw0("q3a_column", 'Q3A = "c.T"', 'Q3A = "c"', "q3a", "(the derivative of a scalar by a "
         "column vector is a row)"),
    _hw0("q3d_forgets_a_transpose", 'Q3D = "x.T @ (A + A.T)"', 'Q3D = "2 * x.T @ A"', "q3d",
         "The entries differ"),
    _hw0("q3e_always_true", 'Q3E = "A == A.T"', 'Q3E = "A == A"', "q3e", "holds for every A"),
    _hw0("q4a_dw_without_relu_mask", '"inactive": "0"}\n# END SOLUTION\n# BEGIN SOLUTION\n# '
         'TEMPLATE: Q4A_DL_DB', '"inactive": "(phi - y)*x"}\n# END SOLUTION\n# BEGIN SOLUTION'
         '\n# TEMPLATE: Q4A_DL_DB', "q4a", "missing ReLU mask"),
    _hw0("q4b_elbow_of_case_ii_is_not_right", "Q4B = simulate_q4b()",
         'Q4B = {**simulate_q4b(), "ii": {"slope": "decreases", "elbow": "moves_right"}}',
         "q4b", "case (ii)"),
    _hw0("q4c_sign", "return -b / W1", "return b / W1", "q4c", "elbows(W1, b) is wrong"),
    _hw0("q4d_without_relu_mask", "dl_dz = residual * W2 * active", "dl_dz = residual * W2",
         "q4d", "Smallest failing input"),
    _hw0("q6_no_collaborators", 'Q6_COLLABORATORS = "none"', 'Q6_COLLABORATORS = " "', "q6",
         "Q6_COLLABORATORS is empty"),
    # ---- correct alternatives: must keep full marks
    _hw0("gd_step_expanded", "return w - eta * (F.T @ (F @ w - y))",
         "return w - eta * F.T @ F @ w + eta * F.T @ y"),
    _hw0("max_stable_lr_from_svd", "alpha = np.linalg.norm(F, 2)",
         "alpha = np.linalg.svd(F, compute_uv=False)[0]"),
    _hw0("gamma_from_eigh", "np.linalg.cholesky(np.linalg.inv(Sigma)).T",
         "(lambda e, v: (v / np.sqrt(e)) @ v.T)(*np.linalg.eigh(Sigma))"),
    _hw0("ols_normal_equations", "return np.linalg.lstsq(X, y, rcond=None)[0]",
         "return np.linalg.solve(X.T @ X, X.T @ y)"),
    _hw0("q3_and_q4_other_forms", 'Q3D = "x.T @ (A + A.T)"',
         'Q3D = "(A@x + A.T@x).T"\nQ3A, Q3E, Q4A_ELBOW = "(c).T", "A.T == A", "-(b/w)"'),
    _hw0("map_estimate_with_inv", "np.linalg.solve(X.T @ X + np.linalg.inv(Sigma), X.T @ y)",
         "np.linalg.inv(X.T @ X + np.linalg.inv(Sigma)) @ X.T @ y"),
]
