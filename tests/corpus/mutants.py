"""Known-wrong and known-good submissions, made from the reference by one textual change.

Each mutant names the part ids it must lose (empty: a correct alternative that must keep
full marks) and a phrase its feedback must contain. Made from the reference, they stay in
step with it; `Mutant.apply` fails loudly when the reference no longer holds `old`.
"""

from __future__ import annotations

import json
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
        """The mutated file's text (for a notebook, `old` is sought in the cells' source)."""
        text = (REFERENCE / self.file).read_text(encoding="utf-8")
        if not self.file.endswith(".ipynb"):
            return self._replace(text)
        nb = json.loads(text)
        sources = ["".join(c["source"]) for c in nb["cells"]]
        self._replace("\n".join(sources))  # exactly once across all cells
        for cell, source in zip(nb["cells"], sources, strict=True):
            if self.old in source:
                cell["source"] = source.replace(self.old, self.new).splitlines(keepends=True)
        return json.dumps(nb, indent=1)

    def _replace(self, text: str) -> str:
        if text.count(self.old) != 1:
            raise ValueError(f"mutant {self.name}: {self.old!r} is not once in {self.file}")
        return text.replace(self.old, self.new)


def _nb(name: str, old: str, new: str, loses: str = "", says: str = "") -> Mutant:
    return Mutant(name, "color_organ_learning.ipynb", old, new, frozenset(loses.split()), says)


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
    # ---- Q5 (the notebook): wrong. Later cells build on earlier ones, as in the handout, so a
    # broken piece also costs the parts that train with it.
    _nb("q5a_typed_in", "q5a_resistor = float(R_fine[mse_to_desired(R_fine).argmin()])",
        "q5a_resistor = 100.0", "q5a", "not within 5% of 200"),
    _nb("q5b_cutoff_in_radians", "q5b_cutoff = 1 / (2 * math.pi * q5b_resistor * C)",
        "q5b_cutoff = 1 / (q5b_resistor * C)", "q5b", "q5b_cutoff"),
    _nb("q5c_converging_lr_as_diverging", "q5c_lr_diverges = min(", "q5c_lr_diverges = 1e5 or min(",
        "q5c", "does not end diverged"),
    _nb("q5d_claims_the_desired_resistor", "q5d_resistor = lp_circuit_d.R.item()",
        "q5d_resistor = 200.0", "q5d", "q5d_resistor"),
    _nb("q5e_plain_mse", "return torch.nn.functional.binary_cross_entropy_with_logits(logits, "
        "target)", "return torch.mean((pred - target) ** 2)", "q5e q5f q5g q5i",
        "lands near 332"),
    _nb("q5f_numpy_high_pass", "    x = 2 * math.pi * freqs * R * C\n    return x / torch.sqrt(1 + x ** 2)",
        "    x = np.asarray(2 * math.pi * freqs * R * C, dtype=float)\n"
        "    return torch.as_tensor(x / np.sqrt(1 + x ** 2))", "q5f q5g q5i",
        "no gradient flows"),
    _nb("q5g_stages_swapped", "return evaluate_hp_circuit(freqs, R_high, C) * "
        "evaluate_lp_circuit(freqs, R_low, C)", "return evaluate_hp_circuit(freqs, R_low, C) * "
        "evaluate_lp_circuit(freqs, R_high, C)", "q5g q5h q5i", "evaluate_bp_circuit at R"),
    _nb("q5h_corners_swapped", "q5h_cutoffs = (float(f_low_fit), float(f_high_fit))",
        "q5h_cutoffs = (float(f_high_fit), float(f_low_fit))", "q5h", "f_low must be the lower"),
    _nb("q5i_forgets_the_band_pass", 'q5i_resistors = {"lp": organ.lp.R.item(), "hp": '
        'organ.hp.R.item(),', 'q5i_resistors = {"lp": organ.lp.R.item(), "hp": 200.0,',
        "q5i", "q5i_resistors"),
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
