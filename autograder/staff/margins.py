"""verify's (f): each numeric tolerance of Q1, Q2 and Q4 with the evidence on both sides.

For each tolerance, on the inputs its checks draw (their own strategies, DRAWN examples,
derandomised), one row: the largest error of the correct approaches (the reference, the
correct alternatives of misconceptions.py, and the documented ones below: normal equations,
pinv, Woodbury, eigen-decomposition and inverse-Cholesky Gammas, an SVD's alpha), and the
smallest error of the nearest known-wrong variant (misconceptions.py's, of the same
functions; a variant's error is its largest over the inputs, what the check finds). The
tolerance must lie between them: at or above every correct error, below the nearest wrong
one. The float64 row holds the check's rtol (errors divided by how far float64's tolerance
grows past it with the condition number, precision.DOUBLE_RTOL); the float32 row holds the
same approaches computed in single precision to SINGLE_RTOL, errors per unit of the
problem's condition number (precision.py). Errors are measured as the check measures them
(its scale, its transform: Gamma^T Gamma for gamma_from_sigma). Everything runs here, in the
trusted process: the reference and the variants are our code. Tolerances are read when the
rows are computed, so a patched constant shows in its row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

DRAWN = 40  # inputs per tolerance, as many as a check draws
# Variants wrong only in float64 (a piece computed in float32): in float32 throughout they are
# the reference in single precision, so the float32 rows leave them out. So is a solver that
# truncates small singular values: it is wrong only on an X too ill-conditioned (1e4 to 1e6)
# for float32 to solve at all (there a float32 answer is allowed percents).
PRECISION_ONLY = frozenset({"gd_step_gradient_in_float32", "step_growth_alpha_in_float32",
                            "ols_truncates_small_singular_values",
                            "gd_step_eta_off_by_4e_9", "map_estimate_off_by_4e_6",
                            "elbows_off_by_4e_8"})
FLOAT64_ONLY = "float64: "  # the label of an approach with no float32 form
# A tolerance is tight when its nearest wrong variant is within this factor: a tolerance
# loosened this much lets a known-wrong answer through, and its row fails.
TIGHT = 10.0
Fn = Callable[..., Any]


@dataclass(frozen=True)
class Tolerance:
    """One tolerance and how its checks measure an answer's error."""

    name: str  # e.g. "Q1 RTOL (1.1 1.2)"
    constant: tuple[Any, str]  # (check module, name): read when the row is computed
    strategy: Callable[[], Any]
    functions: tuple[str, ...]
    args: Callable[[str, dict], tuple | None]  # None: the check never asks this input
    # (function, given value, input) -> (difference as the check measures it, condition)
    measure: Callable[[str, Any, dict], tuple[float, float]]
    alternatives: dict[str, dict[str, Fn]]  # documented correct approaches, by label

    def rtol(self) -> float:
        """The constant's value now (a test may patch it)."""
        return getattr(*self.constant)


def _q1() -> Tolerance:
    from autograder.checks import q1

    ref = q1.reference

    def args(function: str, p: dict) -> tuple:
        return {"gd_step": (p["F"], p["y"], p["w"], p["eta"]),
                "gd_iterates": (p["F"], p["y"], p["eta"], p["k"])}[function]

    def measure(function: str, given: Any, p: dict) -> tuple[float, float]:
        scale = q1.step_scale(p) if function == "gd_step" else q1.iterates_scale(p)
        return _difference(given, getattr(ref(), function)(*args(function, p)), scale), 1.0

    return Tolerance("Q1 RTOL (1.1 1.2)", (q1, "RTOL"), q1.gd_problems,
                     ("gd_step", "gd_iterates"), args, measure, {})


def _q1_bounds() -> Tolerance:
    from autograder.checks import q1

    def args(function: str, p: dict) -> tuple:
        return {"max_stable_lr": (p["F"],), "step_growth_bound": (p["F"], p["y"], p["eta"]),
                "error_bound": (p["F"], p["y"], p["eta"], p["k"], p["w_star"])}[function]

    def measure(function: str, given: Any, p: dict) -> tuple[float, float]:
        return _difference(given, getattr(q1.reference(), function)(*args(function, p))), 1.0

    def alpha_svd(F: np.ndarray) -> float:
        return float(np.linalg.svd(F, compute_uv=False)[0])

    def alpha_eig(F: np.ndarray) -> float:
        return float(np.sqrt(np.linalg.eigvalsh(F.T @ F)[-1]))

    return Tolerance(
        "Q1 BOUND_RTOL (1.3 1.4 1.5)", (q1, "BOUND_RTOL"), q1.gd_problems,
        ("max_stable_lr", "step_growth_bound", "error_bound"), args, measure,
        {"alpha from eigvalsh(F^T F)": {
            "max_stable_lr": lambda F: 2.0 / alpha_eig(F) ** 2,
            "step_growth_bound": lambda F, y, eta: eta * alpha_eig(F) * np.linalg.norm(y)},
         "alpha from svd": {
            "step_growth_bound": lambda F, y, eta: eta * alpha_svd(F) * np.linalg.norm(y),
            "error_bound": lambda F, y, eta, k, w_star: k * eta * alpha_svd(F)
            * np.linalg.norm(y) + np.linalg.norm(w_star)}})


def _q2() -> Tolerance:
    from autograder.checks import precision, q2

    def args(function: str, p: dict) -> tuple:
        if function == "ols" and p["X"].shape[0] < p["X"].shape[1]:
            return None  # 2.3 draws full column rank X only
        return {"gamma_from_sigma": (p["Sigma"],), "ols": (p["X"], p["y"]),
                "map_estimate": (p["X"], p["y"], p["Sigma"])}[function]

    def measure(function: str, given: Any, p: dict) -> tuple[float, float]:
        ref = q2.reference()
        if function == "gamma_from_sigma":
            gamma = np.asarray(given, dtype=float)
            if gamma.shape != p["Sigma"].shape:
                return float("inf"), 1.0
            return (_difference(gamma.T @ gamma, np.linalg.inv(p["Sigma"])),
                    precision.condition_number(p["Sigma"]))
        expected = getattr(ref, function)(*args(function, p))
        if function == "ols":
            return _difference(given, expected), precision.least_squares_condition(
                p["X"].T @ p["X"], expected, float(np.linalg.norm(p["y"])))
        return _difference(given, expected), q2.map_condition(p, expected)

    def woodbury(X: np.ndarray, y: np.ndarray, Sigma: np.ndarray) -> np.ndarray:
        return Sigma @ X.T @ np.linalg.solve(X @ Sigma @ X.T + np.eye(len(X)), y)

    return Tolerance(
        "Q2 RTOL (2.1 2.3 2.4)", (q2, "RTOL"), q2.ridge_problems,
        ("gamma_from_sigma", "ols", "map_estimate"), args, measure,
        {"pinv": {"ols": lambda X, y: np.linalg.pinv(X) @ y},
         "Woodbury": {"map_estimate": woodbury},
         "inverse Cholesky factor": {
            "gamma_from_sigma": lambda Sigma: np.linalg.inv(np.linalg.cholesky(Sigma))}})


def _q4() -> Tolerance:
    from autograder.checks import q4

    def args(function: str, p: dict) -> tuple:
        if function == "elbows":
            return (p["W1"], p["b"])
        return (p["W1"], p["b"], p["W2"], p["x"], p["y"], p["lr"])

    def measure(function: str, given: Any, p: dict) -> tuple[float, float]:
        return _difference(given, getattr(q4.reference(), function)(*args(function, p))), 1.0

    def by_autograd(W1: Any, b: Any, W2: Any, x: Any, y: Any, lr: Any) -> np.ndarray:
        w1, b1 = q4.autograd_step(W1, b, W2, float(x), float(y), float(lr))
        return -b1 / w1

    return Tolerance("Q4 ELBOW_RTOL (4.13 4.14)", (q4, "ELBOW_RTOL"), q4.networks,
                     ("elbows", "sgd_new_elbows"), args, measure,
                     {FLOAT64_ONLY + "torch autograd": {"sgd_new_elbows": by_autograd}})


TOLERANCES: tuple[Callable[[], Tolerance], ...] = (_q1, _q1_bounds, _q2, _q4)


def _difference(given: Any, expected: Any, scale: float | None = None) -> float:
    from autograder.checks import precision

    try:
        return precision.difference(given, expected, scale)
    except (TypeError, ValueError):
        return float("inf")


def _single(fn: Fn) -> Fn:
    """`fn` computed in float32: float inputs rounded to it, the result kept in it."""

    def run(*args: Any) -> Any:
        cast = [a.astype(np.float32) if isinstance(a, np.ndarray) else
                np.float32(a) if isinstance(a, float) else a for a in args]
        with np.errstate(all="ignore"):
            return np.asarray(fn(*cast), dtype=np.float32)

    return run


def approaches(t: Tolerance) -> tuple[dict[str, dict[str, Fn]], dict[str, dict[str, Fn]]]:
    """(correct, wrong): label -> function name -> callable, for t's functions."""
    from autograder.checks import reference
    from autograder.checks.anchors import NotApplicable
    from autograder.checks.misconceptions import MUTANTS, mutated

    def functions(module: Any) -> dict[str, Fn]:
        return {f: getattr(module, f) for f in t.functions}

    correct = {"reference": functions(reference()), **t.alternatives}
    wrong = {}
    for m in MUTANTS:
        if m.function in t.functions:
            try:
                module = mutated(m.name)
            except NotApplicable:  # the reference changed there: verify's (d) row says so
                continue
            (wrong if m.fails else correct)[m.name] = {m.function: getattr(module, m.function)}
    return correct, wrong


def largest_errors(t: Tolerance, chosen: dict[str, dict[str, Fn]], single: bool,
                   inputs: list[dict]) -> dict[str, float]:
    """Each approach's largest error over the inputs (per unit of condition in float32)."""
    found = {}
    for label, fns in chosen.items():
        if single and (label.startswith(FLOAT64_ONLY) or label in PRECISION_ONLY):
            continue
        worst = 0.0
        for function, fn in fns.items():
            for p in inputs:
                call = t.args(function, p)
                if call is None:
                    continue
                try:
                    given = (_single(fn) if single else fn)(*call)
                except Exception:  # noqa: BLE001 - a wrong variant may fail on an input
                    worst = float("inf")
                    continue
                error, condition = t.measure(function, given, p)
                worst = max(worst, error / _growth(t, single, condition))
        found[label] = worst
    return found


def _growth(t: Tolerance, single: bool, condition: float) -> float:
    """What an error is divided by before it meets its row's tolerance: the condition number
    in float32; in float64, how far the tolerance grows past rtol with it (DOUBLE_RTOL x
    condition / rtol, when above 1: Q2's ill-conditioned X)."""
    from autograder.checks import precision

    return condition if single else max(1.0, precision.DOUBLE_RTOL * condition / t.rtol())


@cache
def evidence(name: str, single: bool) -> tuple[str, float, str | None, float]:
    """(worst correct approach, its error, nearest wrong variant, its error) of the
    tolerance named `name`, on its drawn inputs; computed once per process (the tolerance
    itself is read by `margin`, so a patched constant is judged on the same evidence)."""
    from autograder.checks.props import draw_examples

    t = next(t for t in (make() for make in TOLERANCES) if t.name == name)
    inputs = draw_examples(t.strategy(), DRAWN)
    correct, wrong = approaches(t)
    good = largest_errors(t, correct, single, inputs)
    bad = largest_errors(t, wrong, single, inputs)
    worst = max(good, key=good.get)
    nearest = min(bad, key=bad.get) if bad else None
    return worst, good[worst], nearest, bad[nearest] if nearest else float("inf")


def judged(what: str, worst: str, low: float, tol: float, nearest: str | None, high: float
           ) -> tuple[str, str, str, bool]:
    """One (f) row: correct <= tolerance < wrong <= TIGHT x tolerance, with both ratios (the
    worst correct error and the nearest wrong one, each over the tolerance)."""
    ok = low <= tol < high <= TIGHT * tol
    got = (f"correct {low:.1e} ({worst}) <= {tol:.0e} < {high:.1e} ({nearest or 'no variant'})"
           f"; ratios {low / tol:.1g} and {high / tol:.2g}" + ("" if ok else ": " + (
               "a correct approach fails" if low > tol else
               "the nearest wrong variant passes" if high <= tol else
               f"no wrong variant within {TIGHT:g}x: a tolerance {TIGHT:g}x looser passes")))
    return (f"(f) {what}", f"correct <= tolerance < wrong <= {TIGHT:g}x", got, ok)


def margin(t: Tolerance, single: bool) -> tuple[str, str, str, bool]:
    """One row: correct approaches' largest error <= tolerance < nearest wrong variant's,
    which lies within TIGHT times the tolerance."""
    from autograder.checks import precision

    worst, low, nearest, high = evidence(t.name, single)
    tol = precision.SINGLE_RTOL if single else t.rtol()
    what = f"{t.name}, {'float32 (error / condition)' if single else 'float64'}"
    return judged(what, worst, low, tol, nearest, high)


# Q5's single-criterion relative tolerances: (constant, test, answer as the evidence names it)
Q5_TOLERANCES = (("TOLERANCE", "5.1", "q5a_resistor"), ("CUTOFF_TOLERANCE", "5.3", "q5b"),
                 ("MAGNITUDE_TOLERANCE", "5.4", "q5c_resistor"),
                 ("PLAIN_MSE_TOLERANCE", "5.7", "q5d_resistor"))
# Known-wrong variants' values the evidence does not record: each scales the reference's
# answer (docs/q5-evidence.md: q5a 200.000 ohm, q5b 191.91 ohm with its cutoff, q5c 200.00066
# ohm, q5d 332.0009 ohm); verify's (d) proves the checks reject them.
Q5_VARIANTS = {"q5a_resistor": [("q5a_twenty_percent_off", "(240.0)")],
               "q5b": [("q5b_cutoff_five_percent_off", "(191.91, 870.79)")],
               "q5c_resistor": [("q5c_two_percent_off", "(204.00067)")],
               "q5d_resistor": [("q5d_ten_percent_off", "(365.201)")]}


def q5_deviation(answer: str, values: str) -> float:
    """The relative deviation a Q5 check measures for a recorded answer: from 200 ohm (a, c),
    from the resistor's own cutoff (b), from plain MSE's minimiser (d)."""
    from autograder.checks import color_organ as co

    numbers = [float(x) for x in values.strip("()").split(",")]
    expected = {"q5a_resistor": co.R_LP, "q5c_resistor": co.R_LP,
                "q5b": co.cutoff(numbers[0]) if answer == "q5b" else 0.0,
                "q5d_resistor": co.plain_mse_minimiser() if answer == "q5d_resistor" else 0.0}
    return abs(numbers[-1] - expected[answer]) / expected[answer]


def q5_rows() -> list[tuple[str, str, str, bool]]:
    """(f) for Q5: each single-criterion tolerance between the documented approaches
    (tests/test_q5_tolerances.py, values recorded in docs/q5-evidence.md from training runs
    too slow to repeat here) that it must admit and the nearest it must reject. Q5's
    either-or tolerances (BINARY_TOLERANCE, BANDPASS_TOLERANCE, CUTOFF_FACTOR: within the
    tolerance or lighting the LEDs as desired) are held approach by approach there."""
    from autograder.checks import q5
    from tests.test_q5_tolerances import CORRECT, WRONG

    found = []
    for constant, test, answer in Q5_TOLERANCES:
        good = {a: q5_deviation(answer, v) for name, a, v in CORRECT if name == answer}
        bad = {a: q5_deviation(answer, v) for name, a, v in WRONG if name == answer}
        bad |= {a: q5_deviation(answer, v) for a, v in Q5_VARIANTS.get(answer, [])}
        tol = getattr(q5, constant)
        worst, nearest = max(good, key=good.get), min(bad, key=bad.get)
        found.append(judged(f"Q5 {constant} ({test}), documented approaches", worst,
                            good[worst], tol, nearest, bad[nearest]))
    return found


def rows() -> list[tuple[str, str, str, bool]]:
    """(f): a float64 and a float32 row for each tolerance of Q1, Q2, Q4; one for Q5's."""
    return [margin(make(), single) for make in TOLERANCES
            for single in (False, True)] + q5_rows()


if __name__ == "__main__":
    from autograder.staff.verify import table

    print(table(rows()))
