"""Known-wrong answers, named: the misconceptions library (and the known-right variants).

Each `Mutant` is the reference with one textual change. `verify` grades every one and checks
it loses exactly the parts it declares (`loses`), with the feedback it declares (`says`); a
correct alternative (`loses` empty) must keep full marks. A mutant of an hw0.py function
also carries `cause`, what a TA would say about it; when a numeric check fails, `likely_cause`
runs the mutated reference (here, in the grader: it is our code) on the smallest failing
input and, when exactly one mutant gives the student's value there and the reference does
not, adds "Likely cause: ..." to the feedback. Nothing matches: the shape of the error may
still name a cause (shapes.py); otherwise nothing is said.
"""

from __future__ import annotations

import ast
import inspect
import json
import time
import types
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from autograder.checks import HW0_PY, NOTEBOOK, anchors, precision, reference
from autograder.checks.shapes import shape_cause
from autograder.engine.answers import SubmissionError
from autograder.engine.student import Student

LIKELY = "Likely cause: "
MATCH_ANSWER = 1e-6  # a student's value this close to the reference's is right there
# The diagnosis asks the student again, on the file's time budget: only a fast function is
# diagnosed (a wrong answer costs its own check, never the budget of the checks after it).
DIAGNOSIS_CALL_SECONDS, DIAGNOSIS_SLOW_SECONDS = 1.0, 0.2
REFERENCE_DIR = Path(__file__).resolve().parents[2] / "reference"


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str
    old: str  # Python: an expression or statements, found by syntax tree in `at`
    new: str
    fails: frozenset[str]  # the test numbers it fails ("1.4", "5.8"): the claim verify proves
    says: str = ""
    cause: str = ""  # a TA's sentence, for a mutant of an hw0.py function
    at: str = ""  # its anchor: the top-level function or assigned name the change is in

    @property
    def loses(self) -> frozenset[str]:
        """The parts (q1, q5c, ...) of the tests it fails."""
        return frozenset(part_of(number) for number in self.fails)

    def apply(self, text: str | None = None) -> str:
        """The mutated file's text (of `text`, default the reference's): `old` replaced by
        `new` inside the anchor `at` (anchors.py; in a notebook, the code cell defining `at`).
        Raises NotApplicable, naming the variant and its anchor, when the file no longer
        holds `old` exactly once there."""
        if text is None:
            text = (REFERENCE_DIR / self.file).read_text(encoding="utf-8")
        if not self.file.endswith(".ipynb"):
            return self._splice([text])[0]
        nb = json.loads(text)
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        sources = self._splice(["".join(c["source"]) for c in code])
        for cell, source in zip(code, sources, strict=True):
            cell["source"] = source.splitlines(keepends=True)
        return json.dumps(nb, indent=1)

    def _splice(self, texts: list[str]) -> list[str]:
        """`texts` (the file, or its code cells) with the change made in the one defining
        `at`."""
        where = f"{self.at or '(no anchor)'} of {self.file}"
        found = []
        for i, text in enumerate(texts):
            try:
                tree = ast.parse(text)
            except SyntaxError:  # a notebook cell with a magic defines nothing we anchor to
                continue
            found += [(i, node) for node in anchors.find(tree, self.at)]
        if len(found) != 1:
            raise anchors.NotApplicable(
                f"variant {self.name}: {where} is {'not' if not found else 'defined twice'} "
                "there: re-anchor the variant (at=) or drop it")
        i, anchor = found[0]
        try:
            changed = anchors.splice(texts[i], anchor, self.old, self.new, where)
            ast.parse(changed)
        except SyntaxError as exc:
            raise anchors.NotApplicable(f"variant {self.name}: its old or new text in {where} "
                                        f"is not Python ({exc.msg})") from None
        except anchors.NotApplicable as exc:
            raise anchors.NotApplicable(f"variant {self.name}: {exc}: the reference changed "
                                        "there; re-anchor the variant (old) or drop it") from None
        return texts[:i] + [changed] + texts[i + 1:]

    @property
    def function(self) -> str | None:
        """The hw0.py function the change is in (None for a constant, upper-case, or the
        notebook)."""
        return self.at if self.file == HW0_PY and not self.at.isupper() else None


@cache
def part_of(number: str) -> str:
    """The part a test number belongs to: "4.13" -> "q4c"."""
    from autograder.checks import all_checks

    return next(c.part for c in all_checks() if c.number == number)


def _nb(name: str, old: str, new: str, fails: str = "", says: str = "", *, at: str) -> Mutant:
    """A notebook mutant, in the code cell defining `at`."""
    return Mutant(name, NOTEBOOK, old, new, frozenset(fails.split()), says, at=at)


def _hw0(name: str, old: str, new: str, fails: str = "", says: str = "",
         cause: str = "", *, at: str) -> Mutant:
    """An hw0.py mutant of the function or constant `at`; one with a `cause` must name it in
    its feedback. `fails`: the numbers of the tests it fails, space-separated."""
    return Mutant(name, HW0_PY, old, new, frozenset(fails.split()),
                  says or (LIKELY + cause if cause else ""), cause, at)


FROBENIUS = ("this is what the Frobenius norm of F gives: for a matrix, np.linalg.norm(F) is "
             "the Frobenius norm and np.linalg.norm(F, 2) the largest singular value.")

RIDGE = "np.linalg.solve(X.T @ X + np.linalg.inv(Sigma), X.T @ y)"  # map_estimate's answer

MUTANTS = [
    # ---- Q1: wrong
    _hw0("gd_step_ascends", "return w - eta * (F.T @ (F @ w - y))",
         "return w + eta * (F.T @ (F @ w - y))", "1.1 1.2",
         cause="this is what w + eta F^T (F w - y) gives: the step goes uphill; check the "
         "sign of the gradient step.", at="gd_step"),
    _hw0("gd_step_no_transpose", "return w - eta * (F.T @ (F @ w - y))",
         "return w - eta * (F @ (F @ w - y))", "1.1 1.2",
         cause="this is what w - eta F (F w - y) gives: F is not transposed; check the "
         "gradient of 1/2 ||y - F w||^2 with respect to w.", at="gd_step"),
    _hw0("gd_iterates_without_w0", "rows = [w]", "rows = []", "1.2",
         cause="this is what leaving out the starting row gives: the rows are w_0 = 0, w_1, "
         "..., w_k, k + 1 of them.", at="gd_iterates"),
    _hw0("max_stable_lr_one_over", "return 2.0 / alpha**2", "return 1.0 / alpha**2", "1.3",
         cause="this is what 1 / sigma_max(F)^2 gives; redo the condition the eigenvalues "
         "of I - eta F^T F must meet.", at="max_stable_lr"),
    _hw0("max_stable_lr_frobenius", "alpha = np.linalg.norm(F, 2)",
         "alpha = np.linalg.norm(F)", "1.3",
         cause=FROBENIUS, at="max_stable_lr"),
    _hw0("step_growth_sigma_min", "return eta * np.linalg.norm(F, 2) * np.linalg.norm(y)",
         "return eta * np.linalg.norm(F, -2) * np.linalg.norm(y)", "1.4 1.5",
         cause="this is what the smallest singular value of F gives (np.linalg.norm(F, -2)); "
         "the bound uses alpha, the largest.", at="step_growth_bound"),
    _hw0("error_bound_forgets_w_star",
         "k * step_growth_bound(F, y, eta) + np.linalg.norm(w_star)",
         "k * step_growth_bound(F, y, eta)", "1.5",
         cause="this is what leaving out the ||w*|| term gives: w_0 = 0 already starts "
         "||w*|| away from w*.", at="error_bound"),
    _hw0("eig_range_zero_to_one",
         "Q1_EIG_RANGE = (1.0 - _ETA_SIGMA_SQ[1], 1.0 - _ETA_SIGMA_SQ[0])",
         "Q1_EIG_RANGE = (0.0, 1.0)", "1.6", "Q1_EIG_RANGE", at="Q1_EIG_RANGE"),
    _hw0("step_growth_frobenius", "return eta * np.linalg.norm(F, 2) * np.linalg.norm(y)",
         "return eta * np.linalg.norm(F) * np.linalg.norm(y)", "1.4 1.5",
         cause=FROBENIUS, at="step_growth_bound"),
    _hw0("gd_iterates_lags_a_step", "        w = gd_step(F, y, w, eta)\n        rows.append(w)",
         "        rows.append(w)\n        w = gd_step(F, y, w, eta)", "1.2",
         cause="this is what appending w before the step gives: row t must be w_t, after t "
         "steps.", at="gd_iterates"),
    # Near the tolerances: a float64 answer with a piece computed in float32 (torch.Tensor(F)
    # is float32) is off by float32's rounding, ~1e-7, which only a float32 answer may be. No
    # cause: in float32 throughout they are right (a float32 answer is allowed its rounding).
    _hw0("gd_step_gradient_in_float32", "return w - eta * (F.T @ (F @ w - y))",
         "return w - eta * (F.T @ (F @ w - y)).astype(np.float32)", "1.1 1.2", "allowed 1e-9",
         at="gd_step"),
    _hw0("step_growth_alpha_in_float32", "return eta * np.linalg.norm(F, 2) * np.linalg.norm(y)",
         "return eta * np.linalg.norm(F.astype(np.float32), 2) * np.linalg.norm(y)", "1.4 1.5",
         "allowed 1e-8", at="step_growth_bound"),
    _hw0("gd_step_elementwise", "return w - eta * (F.T @ (F @ w - y))",
         "return w - eta * (F.T * (F @ w - y))", "1.1 1.2", "shape", at="gd_step"),
    _hw0("max_stable_lr_forgets_square", "return 2.0 / alpha**2", "return 2.0 / alpha", "1.3",
         cause="this is what a rate proportional to 1 / sigma_max(F) gives; redo the "
         "condition the eigenvalues of I - eta F^T F must meet.", at="max_stable_lr"),
    _hw0("error_bound_one_step_fewer", "k * step_growth_bound(F, y, eta)",
         "(k - 1) * step_growth_bound(F, y, eta)", "1.5", cause="this is what k - 1 steps "
         "give: after k steps the iterate has grown k times at most.", at="error_bound"),
    _hw0("error_bound_frobenius", "k * step_growth_bound(F, y, eta)",
         "k * eta * np.linalg.norm(F) * np.linalg.norm(y)", "1.5", cause=FROBENIUS,
         at="error_bound"),
    _hw0("error_bound_alpha_100x", "k * step_growth_bound(F, y, eta)",
         "k * eta * 100 * np.linalg.norm(F, 2) * np.linalg.norm(y)", "1.5",
         "error_bound(F, y, eta, k, w_star) is wrong", at="error_bound"),
    # Near each tolerance of Q1, Q2 and Q4 (verify's (f): a tolerance loosened 10-fold must let
    # one through): an answer scaled by a hair, a little above the float64 tolerance
    # (PRECISION_ONLY in margins.py: in float32 the hair is lost in rounding), and a little
    # above float32's allowance (SINGLE_RTOL per unit of condition). No cause: nobody writes
    # these; they pin the tolerances.
    _hw0("gd_step_eta_off_by_4e_9", "eta * (F.T @ (F @ w - y))",
         "eta * (1 + 4e-9) * (F.T @ (F @ w - y))", "1.1 1.2", "allowed 1e-9", at="gd_step"),
    _hw0("gd_step_eta_off_by_1e_5", "eta * (F.T @ (F @ w - y))",
         "eta * (1 + 1e-5) * (F.T @ (F @ w - y))", "1.1 1.2", "allowed 1e-9", at="gd_step"),
    _hw0("max_stable_lr_off_by_1e_5", "2.0 / alpha**2", "2.0 / alpha**2 * (1 + 1e-5)", "1.3",
         "is wrong for this F", at="max_stable_lr"),
    # ---- Q2: wrong
    _hw0("gamma_from_sigma_not_inverted", "np.linalg.cholesky(np.linalg.inv(Sigma)).T",
         "np.linalg.cholesky(Sigma).T", "2.1 2.5",
         cause="this is what a Cholesky factor of Sigma gives: Gamma^T Gamma must be "
         "Sigma^{-1}, the inverse.", at="gamma_from_sigma"),
    _hw0("gamma_from_sigma_untransposed", "np.linalg.cholesky(np.linalg.inv(Sigma)).T",
         "np.linalg.cholesky(np.linalg.inv(Sigma))", "2.1 2.5",
         cause="this is what the Cholesky factor L of Sigma^{-1} gives as it is: "
         "np.linalg.cholesky returns L with L L^T = Sigma^{-1}, and L^T L is a different "
         "matrix.", at="gamma_from_sigma"),
    _hw0("augment_pads_with_ones", "np.concatenate([y, np.zeros(d)])",
         "np.concatenate([y, np.ones(d)])", "2.2 2.5",
         cause="this is what padding y with ones gives: y_hat = [y; 0] is padded with zeros.",
         at="augment"),
    _hw0("augment_column_y_hat", "np.concatenate([y, np.zeros(d)])",
         "np.concatenate([y, np.zeros(d)])[:, None]", "2.2 2.5",
         cause="this is what a column y_hat of shape (n+d, 1) gives: y_hat is flat, shape "
         "(n+d,).", at="augment"),
    _hw0("ols_forgets_inverse", "return np.linalg.lstsq(X, y, rcond=None)[0]",
         "return X.T @ y", "2.3 2.5",
         cause="this is what X^T y gives: the normal equations X^T X w = X^T y still have to "
         "be solved for w.", at="ols"),
    _hw0("ols_truncates_small_singular_values", "return np.linalg.lstsq(X, y, rcond=None)[0]",
         "return np.linalg.lstsq(X, y, rcond=1e-3)[0]", "2.3 2.5",
         cause="this is what dropping the singular values of X below 1e-3 of the largest "
         "gives (np.linalg.lstsq's rcond=1e-3, or a truncated SVD): X has full column rank, "
         "and its small singular values carry the largest part of the solution.", at="ols"),
    _hw0("map_estimate_sigma_not_inverted", "X.T @ X + np.linalg.inv(Sigma)", "X.T @ X + Sigma",
         "2.4", cause="this is what X^T X + Sigma gives: the prior adds Sigma^{-1}, the "
         "inverse.", at="map_estimate"),
    _hw0("map_estimate_off_by_4e_6", RIDGE, f"{RIDGE} * (1 + 4e-6)", "2.4", "allowed 1e-6",
         at="map_estimate"),
    _hw0("map_estimate_off_by_1e_4", RIDGE, f"{RIDGE} * (1 + 1e-4)", "2.4", "allowed 1e-6",
         at="map_estimate"),
    _hw0("elbows_off_by_4e_8", "-b / W1", "-b / W1 * (1 + 4e-8)", "4.13",
         "elbows that are not this network's", at="elbows"),
    _hw0("elbows_off_by_1e_5", "-b / W1", "-b / W1 * (1 + 1e-5)", "4.13",
         "elbows that are not this network's", at="elbows"),
    # ---- Q3, Q4, Q6: wrong (more wrong answers, checked one by one: tests/test_q3_q4_checks.py)
    _hw0("q3a_column", 'Q3A = "c.T"', 'Q3A = "c"', "3.1", "(the derivative of a scalar by a "
         "column vector is a row)", at="Q3A"),
    _hw0("q3d_forgets_a_transpose", 'Q3D = "x.T @ (A + A.T)"', 'Q3D = "2 * x.T @ A"', "3.4",
         "The entries differ", at="Q3D"),
    _hw0("q3e_always_true", 'Q3E = "A == A.T"', 'Q3E = "A == A"', "3.5", "holds for every A",
         at="Q3E"),
    _hw0("q4a_dw_without_relu_mask", '"0"', '"(phi - y)*x"', "4.3", "wrong in the inactive region",
         at="Q4A_DL_DW"),
    _hw0("q4b_elbow_of_case_ii_is_not_right", "Q4B = simulate_q4b()",
         'Q4B = {**simulate_q4b(), "ii": {"slope": "decreases", "elbow": "moves_right"}}',
         "4.8", "case (ii)", at="Q4B"),
    _hw0("q4c_sign", "return -b / W1", "return b / W1", "4.13",
         cause="this is what b / W1 gives: work out again the x at which unit i turns on.",
         at="elbows"),
    _hw0("q4d_without_relu_mask", "dl_dz = residual * W2 * active", "dl_dz = residual * W2",
         "4.14", cause="this is what leaving out the ReLU mask gives: a unit with "
         "W1_i x + b_i <= 0 passes no gradient, so its elbow does not move.", at="sgd_new_elbows"),
    _hw0("q6_no_collaborators", 'Q6_COLLABORATORS = "none"', 'Q6_COLLABORATORS = " "', "6.1",
         "Q6_COLLABORATORS is empty", at="Q6_COLLABORATORS"),
    _hw0("q3b_column", 'Q3B = "2*x.T"', 'Q3B = "2*x"', "3.2", "is a row", at="Q3B"),
    _hw0("q3c_transposed", 'Q3C = "A"', 'Q3C = "A.T"', "3.3", "the transpose of the derivative",
         at="Q3C"),
    _hw0("q4a_elbow_sign", 'Q4A_ELBOW = "-b/w"', 'Q4A_ELBOW = "b/w"', "4.1", "is not the elbow",
         at="Q4A_ELBOW"),
    _hw0("q4a_dl_dphi_sign", 'Q4A_DL_DPHI = "phi - y"', 'Q4A_DL_DPHI = "y - phi"', "4.2",
         "is wrong in the", at="Q4A_DL_DPHI"),
    _hw0("q4a_db_without_relu_mask", 'Q4A_DL_DB = {"active": "phi - y", "inactive": "0"}',
         'Q4A_DL_DB = {"active": "phi - y", "inactive": "phi - y"}', "4.4",
         "wrong in the inactive region", at="Q4A_DL_DB"),
    _hw0("q4b_dead_relu_learns", "    active = w * x + b > 0\n",
         "    active = w * x + b > -np.inf\n", "4.5 4.6", "case (i)", at="_relu_sgd_step"),
    _hw0("q4b_simulates_ascent", "return w - lr * dl_dphi * active * x, b - lr * dl_dphi * active",
         "return w + lr * dl_dphi * active * x, b + lr * dl_dphi * active",
         "4.7 4.9 4.10 4.11 4.12", "case (ii)", at="_relu_sgd_step"),
    _hw0("q4d_elementwise_residual", "residual = W2 @ np.maximum(z, 0.0) - y",
         "residual = W2 * np.maximum(z, 0.0) - y", "4.14",
         cause="this is what W2 * relu(z) gives, one residual per unit: f(x) = W2 relu(W1 x "
         "+ b) sums over the units (W2 @ relu(z)), and every unit sees that one residual.",
         at="sgd_new_elbows"),
    _hw0("q4d_relu_gradient_one_at_zero", "active = z > 0", "active = z >= 0", "4.14",
         cause="this is what a ReLU gradient of 1 at 0 gives: the handout's ReLU has gradient "
         "0 at 0, so a unit with W1_i x + b_i = 0 exactly passes no gradient.",
         at="sgd_new_elbows"),
    # ---- Q5 (the notebook): wrong. Later cells build on earlier ones, as in the handout, so a
    # broken piece also costs the parts that train with it.
    _nb("q5a_typed_in", "q5a_resistor = float(R_fine[mse_to_desired(R_fine).argmin()])",
        "q5a_resistor = 100.0", "5.1", "not within 5% of 200", at="q5a_resistor"),
    _nb("q5b_cutoff_in_radians", "q5b_cutoff = 1 / (2 * math.pi * q5b_resistor * C)",
        "q5b_cutoff = 1 / (q5b_resistor * C)", "5.3", "q5b_cutoff", at="q5b_cutoff"),
    _nb("q5c_converging_lr_as_diverging", "min", "1e5 or min", "5.5", "does not end diverged",
        at="q5c_lr_diverges"),
    _nb("q5d_claims_the_desired_resistor", "q5d_resistor = lp_circuit_d.R.item()",
        "q5d_resistor = 200.0", "5.7", "q5d_resistor", at="q5d_resistor"),
    _nb("q5e_plain_mse", "return torch.nn.functional.binary_cross_entropy_with_logits(logits, "
        "target)", "return torch.mean((pred - target) ** 2)", "5.8 5.9 5.12 5.15 5.17",
        "lands far from 200 ohm", at="loss_fn_binary"),
    _nb("q5f_numpy_high_pass",
        "    x = 2 * math.pi * freqs * R * C\n    return x / torch.sqrt(1 + x ** 2)",
        "    x = np.asarray(2 * math.pi * freqs * R * C, dtype=float)\n"
        "    return torch.as_tensor(x / np.sqrt(1 + x ** 2))", "5.11 5.12 5.14 5.15 5.17",
        "no gradient flows", at="evaluate_hp_circuit"),
    _nb("q5f_numpy_only_high_pass",  # numpy on every argument: C stays a float, as in the notebook
        "    x = 2 * math.pi * freqs * R * C\n    return x / torch.sqrt(1 + x ** 2)",
        "    x = 2 * np.pi * np.asarray(freqs) * np.asarray(R) * C\n"
        "    return torch.as_tensor(x / np.sqrt(1 + x ** 2))", "5.11 5.12 5.14 5.15 5.17",
        "no gradient flows", at="evaluate_hp_circuit"),
    _nb("q5g_stages_swapped", "return evaluate_hp_circuit(freqs, R_high, C) * "
        "evaluate_lp_circuit(freqs, R_low, C)", "return evaluate_hp_circuit(freqs, R_low, C) * "
        "evaluate_lp_circuit(freqs, R_high, C)", "5.13 5.14 5.15 5.16 5.17",
        "evaluate_bp_circuit at R", at="evaluate_bp_circuit"),
    _nb("q5h_corners_swapped", "q5h_cutoffs = (float(f_low_fit), float(f_high_fit))",
        "q5h_cutoffs = (float(f_high_fit), float(f_low_fit))", "5.16", "f_low must be the lower",
        at="q5h_cutoffs"),
    _nb("q5i_forgets_the_band_pass", "organ.hp.R.item()", "200.0", "5.17", "q5i_resistors",
        at="q5i_resistors"),
    _nb("q5b_just_outside_the_interval",
        "q5b_resistor = float((R_matching.min() + R_matching.max()) / 2)",
        "q5b_resistor = float(R_matching.max()) + 1.0", "5.2", "q5b_resistor", at="q5b_resistor"),
    _nb("q5c_two_percent_off", "q5c_resistor = lp_circuit.R.item()",  # just past 1%
        "q5c_resistor = 1.02 * lp_circuit.R.item()", "5.4", "not within 1% of 200",
        at="q5c_resistor"),
    _nb("q5c_converging_lr_diverges", "min", "q5c_lr_diverges or min", "5.6",
        "does not end converged", at="q5c_lr_converges"),
    _nb("q5f_forgets_two_pi",
        "    x = 2 * math.pi * freqs * R * C\n    return x / torch.sqrt(1 + x ** 2)",
        "    x = freqs * R * C\n    return x / torch.sqrt(1 + x ** 2)",
        "5.10 5.11 5.13 5.14 5.15 5.16 5.17", "evaluate_hp_circuit", at="evaluate_hp_circuit"),
    # Near Q5's single-criterion tolerances (margins.Q5_VARIANTS records their values): each
    # answer scaled just past its tolerance, within 10 times it.
    _nb("q5a_twenty_percent_off", "float(R_fine[mse_to_desired(R_fine).argmin()])",
        "1.2 * float(R_fine[mse_to_desired(R_fine).argmin()])", "5.1",
        "not within 5% of 200", at="q5a_resistor"),
    _nb("q5b_cutoff_five_percent_off", "1 / (2 * math.pi * q5b_resistor * C)",
        "1.05 / (2 * math.pi * q5b_resistor * C)", "5.3", "q5b_cutoff", at="q5b_cutoff"),
    _nb("q5d_ten_percent_off", "lp_circuit_d.R.item()", "1.1 * lp_circuit_d.R.item()", "5.7",
        "q5d_resistor", at="q5d_resistor"),
    # ---- correct alternatives: must keep full marks
    _hw0("gd_step_expanded", "return w - eta * (F.T @ (F @ w - y))",
         "return w - eta * F.T @ F @ w + eta * F.T @ y", at="gd_step"),
    _hw0("max_stable_lr_from_svd", "alpha = np.linalg.norm(F, 2)",
         "alpha = np.linalg.svd(F, compute_uv=False)[0]", at="max_stable_lr"),
    _hw0("gamma_from_eigh", "np.linalg.cholesky(np.linalg.inv(Sigma)).T",
         "(lambda e, v: (v / np.sqrt(e)) @ v.T)(*np.linalg.eigh(Sigma))", at="gamma_from_sigma"),
    _hw0("ols_normal_equations", "return np.linalg.lstsq(X, y, rcond=None)[0]",
         "return np.linalg.solve(X.T @ X, X.T @ y)", at="ols"),
    _hw0("q3_and_q4_other_forms", 'Q3D = "x.T @ (A + A.T)"',
         'Q3D = "(A@x + A.T@x).T"\nQ3A, Q3E, Q4A_ELBOW = "(c).T", "A.T == A", "-(b/w)"', at="Q3D"),
    _hw0("map_estimate_with_inv", "np.linalg.solve(X.T @ X + np.linalg.inv(Sigma), X.T @ y)",
         "np.linalg.inv(X.T @ X + np.linalg.inv(Sigma)) @ X.T @ y", at="map_estimate"),
]


# ---------------------------------------------------------------- diagnosing a wrong answer


@cache
def mutated(name: str) -> types.ModuleType:
    """The reference hw0.py with one mutant's change, run in the grader (our own code)."""
    mutant = next(m for m in MUTANTS if m.name == name)
    module = types.ModuleType(f"hw0_{name}")
    exec(compile(mutant.apply(), f"hw0_{name}.py", "exec"), module.__dict__)  # noqa: S102
    return module


def _plain(value: Any) -> Any:
    """A value of our own code as the student's reaches the grader (worker.to_plain)."""
    from autograder.engine.worker import to_plain

    return to_plain(value)


def _difference(given: Any, value: Any) -> float:
    """The precision policy's relative difference, pairs and shapes included (inf: they
    differ in kind or shape)."""
    if isinstance(given, list) or isinstance(value, list):
        if not (isinstance(given, list) and isinstance(value, list)
                and len(given) == len(value)):
            return float("inf")
        return max(map(_difference, given, value), default=0.0)
    try:
        nan = [np.isnan(np.asarray(v, dtype=float)) if v is not None else np.False_
               for v in (given, value)]
        if nan[0].any() or nan[1].any():  # NaN compares false: alike where both are NaN
            if nan[0].shape != nan[1].shape or (nan[0] != nan[1]).any():
                return float("inf")
            given, value = np.where(nan[0], 0.0, given), np.where(nan[1], 0.0, value)
        return precision.difference(given, value)
    except (TypeError, ValueError):
        return float("inf")


def matching(function: str, args: tuple, given: Any) -> set[str]:
    """The causes of the known-wrong variants that give `given` on these arguments: within
    MATCH_RTOL (float32 rounding for a float32 answer), and a hundred times closer to the
    given value than the reference is (so a variant that coincides with the reference here
    is never blamed)."""
    expected = _plain(getattr(reference(), function)(*args))
    allowed = precision.tolerance(precision.MATCH_RTOL, given)
    causes = set()
    for m in (m for m in MUTANTS if m.cause):
        try:
            value = _plain(getattr(mutated(m.name), function)(*(_copy(a) for a in args)))
        except Exception:  # noqa: BLE001 - a wrong variant may well fail on this input
            continue
        off = _difference(given, value)
        if off <= allowed and 100 * off < _difference(expected, value):
            causes.add(m.cause)
    return causes


def diagnose(function: str, args: tuple, given: Any) -> str | None:
    """The "Likely cause: ..." line when exactly one known-wrong variant gives `given` on
    these arguments (`matching`); None otherwise."""
    causes = matching(function, args, given)
    return LIKELY + causes.pop() if len(causes) == 1 else None


def _copy(arg: Any) -> Any:
    return arg.copy() if hasattr(arg, "copy") else arg


def likely_cause(student: Student, function: str,
                 args: Callable[[dict], tuple] | None = None
                 ) -> Callable[[dict, list[dict]], str | None]:
    """For `holds`: given the smallest failing input and a few more drawn inputs, ask the
    student's `function` on each and name the misconception its answers match on the failing
    input and on every other input where it is wrong too (one input alone can coincide:
    -b/|W1| and b/W1 agree wherever W1 < 0). `args` builds the call's arguments from an input
    (default: the input's entries named like the function's parameters)."""
    if args is None:
        names = list(inspect.signature(getattr(reference(), function)).parameters)

        def args(example: dict) -> tuple:
            return tuple(example[n] for n in names)

    def cause(example: dict, others: list[dict] = ()) -> str | None:
        causes: set[str] | None = None
        wrong: list[tuple[tuple, Any, Any]] = []  # (call, given, expected): for shapes.py
        for number, each in enumerate([example, *others]):
            call = args(each)
            started = time.monotonic()
            try:
                given = student.call(function, *call, timeout=DIAGNOSIS_CALL_SECONDS)
            except SubmissionError:
                return None
            if time.monotonic() - started > DIAGNOSIS_SLOW_SECONDS:
                return None  # a slow function: the diagnosis must not eat the file's budget
            expected = _plain(getattr(reference(), function)(*(_copy(a) for a in call)))
            if number and not _difference(given, expected) > MATCH_ANSWER:
                continue  # right on this input: it tells nothing
            wrong.append((call, given, expected))
            found = matching(function, call, given)
            causes = found if causes is None else causes & found
        if causes and len(causes) == 1:
            return LIKELY + causes.pop()
        shape = shape_cause(function, *map(list, zip(*wrong, strict=True)))
        return LIKELY + shape if shape else None

    return cause
