"""Q1: gradient descent doesn't go nuts with ill-conditioning (hw0.py, part q1)."""

from __future__ import annotations

import numpy as np
from gradescope_utils.autograder_utils.decorators import number, tags, weight
from hypothesis import strategies as st

from autograder.checks import (
    HW0_PY,
    Mismatch,
    assert_close,
    holds,
    likely_cause,
    precision,
    reference,
    show,
    uses,
)
from autograder.engine.answers import as_array, as_float
from autograder.engine.student import Student

FILE = HW0_PY
RTOL = 1e-9  # rounding only: every correct formula agrees far closer than this
BOUND_RTOL = 1e-8  # max_stable_lr and the bounds: a norm or an SVD rounds a little more


# Families of F: singular values within a factor 3 of each other (first: hypothesis shrinks
# towards it, so a failing input is shown there when one fails, where a wrong answer is
# plainly off), spread over 10 to 14 decades as the handout's (nearly rank one: there the
# Frobenius norm and the 2-norm agree to 1e-7, a difference that reads like rounding), the
# same with the smallest ones exactly 0 (rank-deficient), and y = 0 (nothing to fit).
FAMILIES = ("well-conditioned", "ill-conditioned", "rank-deficient", "zero y")


def singular_values(family: str, alpha: float, r: int, decades: int,
                    rng: np.random.Generator) -> np.ndarray:
    """r singular values of one family, largest alpha, descending."""
    if family == "ill-conditioned":
        return alpha * np.logspace(0, -decades, r)
    sigma = alpha * np.concatenate([[1.0], np.sort(rng.uniform(1 / 3, 1.0, r - 1))[::-1]])
    if family == "rank-deficient":
        sigma[max(1, r // 2):] = 0.0
    return sigma


@st.composite
def gd_problems(draw: st.DrawFn) -> dict:
    """Square and rectangular F (2 to 6 by 2 to 6) of one of FAMILIES (largest singular
    value alpha, 1e-6 to 1e6), y, a start w, a learning rate eta at which GD cannot diverge
    (up to 0.9 to 1 times the largest such), k and a w_star whose norm is within a factor
    100 of k eta alpha ||y||, the bound's other term (when that is not 0): each term of
    error_bound matters, so an alpha or a norm that is wrong shows in the sum."""
    family = draw(st.sampled_from(FAMILIES))
    n = draw(st.integers(2, 6))
    d = n if draw(st.booleans()) else draw(st.integers(2, 6))
    decades = draw(st.integers(10, 14))
    alpha = 10.0 ** draw(st.integers(-6, 6))
    eta_fraction = draw(st.sampled_from([1.0, 0.5, 0.99, 0.1, 1e-3]))
    k = draw(st.integers(0, 12))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    r = min(n, d)
    u, _ = np.linalg.qr(rng.normal(size=(n, n)))
    v, _ = np.linalg.qr(rng.normal(size=(d, d)))
    F = u[:, :r] @ np.diag(singular_values(family, alpha, r, decades, rng)) @ v[:, :r].T
    # BEGIN GRADER ONLY
    # Times a factor in (0.9, 1] of the example's own: the kit's recorded etas must not show
    # eta alpha^2 = 2 (max_stable_lr's answer); the grader still tries etas next to it.
    eta = eta_fraction * (1.0 - 0.1 * rng.random()) * 2.0 / np.linalg.norm(F, 2) ** 2
    # KIT: raise LookupError("the kit replays its recorded inputs; it draws none")
    # END GRADER ONLY
    y = np.zeros(n) if family == "zero y" else rng.normal(size=n) * 10.0 ** draw(
        st.integers(-2, 2))
    growth = k * eta * np.linalg.norm(F, 2) * np.linalg.norm(y)  # error_bound's first term
    w_star = rng.normal(size=d) / np.sqrt(d) * (growth or 1.0) * 10.0 ** draw(st.integers(-2, 2))
    return {"F": F, "y": y, "w": rng.normal(size=d), "eta": eta, "k": k, "w_star": w_star}


def _alpha(p: dict) -> float:
    return float(np.linalg.norm(p["F"], 2))


def step_scale(p: dict) -> float:
    """1.1's scale: ||w|| plus the size of one step, ||eta F^T (F w - y)|| at most."""
    return float(np.linalg.norm(p["w"]) + p["eta"] * _alpha(p) * (
        _alpha(p) * np.linalg.norm(p["w"]) + np.linalg.norm(p["y"])))


def iterates_scale(p: dict) -> float:
    """1.2's scale: 1 + k steps of at most the step growth bound each."""
    return 1.0 + p["k"] * reference().step_growth_bound(p["F"], p["y"], p["eta"])


@weight(1)
@number("1.1")
@tags("q1")
def check_gd_step(student: Student) -> str:
    """gd_step: one gradient-descent step w - eta F^T (F w - y)"""
    ref = reference()

    def prop(p: dict) -> None:
        d = p["F"].shape[1]
        given = as_array(student.call("gd_step", p["F"], p["y"], p["w"], p["eta"]), (d,),
                         "gd_step(F, y, w, eta)")
        assert_close("gd_step(F, y, w, eta)", given, ref.gd_step(p["F"], p["y"], p["w"], p["eta"]),
                     RTOL, step_scale(p), scale_is="||w|| plus one step's size")

    return holds(gd_problems(), prop, "F, y, w, eta", likely_cause(student, "gd_step"))


@weight(1)
@number("1.2")
@uses("gd_step")
@tags("q1")
def check_gd_iterates(student: Student) -> str:
    """gd_iterates: the rows w_0 = 0, w_1, ..., w_k"""
    ref = reference()

    def prop(p: dict) -> None:
        d, k = p["F"].shape[1], p["k"]
        given = as_array(student.call("gd_iterates", p["F"], p["y"], p["eta"], k), (k + 1, d),
                         "gd_iterates(F, y, eta, k)")
        assert_close("gd_iterates(F, y, eta, k)", given,
                     ref.gd_iterates(p["F"], p["y"], p["eta"], k), RTOL, iterates_scale(p),
                     scale_is="1 plus k steps' size")

    return holds(gd_problems(), prop, "F, y, eta, k", likely_cause(student, "gd_iterates"))


@weight(1)
@number("1.3")
@tags("q1")
def check_max_stable_lr(student: Student) -> str:
    """max_stable_lr: the largest eta for which GD on F cannot diverge"""
    F = np.array([[2.0, 0.0], [0.0, 0.5]])
    if as_float(student.call("max_stable_lr", F), "max_stable_lr(F)") <= 0:
        raise Mismatch(f"max_stable_lr(F) is not positive for F = {F.tolist()}: a learning "
                       "rate is a positive number.")
    # BEGIN GRADER ONLY
    ref = reference()

    def prop(p: dict) -> None:  # never the right rate, nor which way the answer is off
        given = as_float(student.call("max_stable_lr", p["F"]), "max_stable_lr(F)")
        if not precision.close(given, ref.max_stable_lr(p["F"]), BOUND_RTOL):
            raise Mismatch(f"max_stable_lr(F) = {show(given)} is wrong for this F: the "
                           "answer is the rate at which gradient descent on F passes from "
                           "never diverging to possibly diverging. This message is the same "
                           "whichever side of it your value lies on.")

    return holds(gd_problems(), prop, "F", likely_cause(student, "max_stable_lr"))
    # KIT: from autograder.checks import form_only
    # KIT: return form_only("max_stable_lr(F) returns a positive number")
    # END GRADER ONLY


@weight(1)
@number("1.4")
@tags("q1")
def check_step_growth_bound(student: Student) -> str:
    """step_growth_bound: ||w_t|| <= ||w_{t-1}|| + eta alpha ||y||, the growth eta alpha ||y||"""
    ref = reference()

    def prop(p: dict) -> None:
        given = as_float(student.call("step_growth_bound", p["F"], p["y"], p["eta"]),
                         "step_growth_bound(F, y, eta)")
        assert_close("step_growth_bound(F, y, eta)", given,
                     ref.step_growth_bound(p["F"], p["y"], p["eta"]), BOUND_RTOL)

    return holds(gd_problems(), prop, "F, y, eta", likely_cause(student, "step_growth_bound"))


@weight(1)
@number("1.5")
@uses("step_growth_bound")
@tags("q1")
def check_error_bound(student: Student) -> str:
    """error_bound: ||w_k - w*|| <= k eta alpha ||y|| + ||w*||, for any w*"""
    ref = reference()

    def prop(p: dict) -> None:
        args = (p["F"], p["y"], p["eta"], p["k"], p["w_star"])
        given = as_float(student.call("error_bound", *args), "error_bound(F, y, eta, k, w_star)")
        w_k = ref.gd_iterates(*args[:4])[-1]
        error = float(np.linalg.norm(w_k - p["w_star"]))
        if given < error * (1 - precision.tolerance(1e-12, given)):
            raise Mismatch(f"error_bound(F, y, eta, k, w_star) = {given!r} is smaller than the "
                           f"actual error ||w_k - w_star|| = {error!r}: it is not a bound.")
        assert_close("error_bound(F, y, eta, k, w_star)", given, ref.error_bound(*args), BOUND_RTOL)

    return holds(gd_problems(), prop, "F, y, eta, k, w_star", likely_cause(student, "error_bound"))


@weight(1)
@number("1.6")
@tags("q1")
def check_eig_range(student: Student) -> str:
    """Q1_EIG_RANGE: the closed interval holding every eigenvalue of I - eta F^T F"""
    given = as_array(student.value("Q1_EIG_RANGE"), (2,), "Q1_EIG_RANGE")
    if given[0] > given[1]:
        raise Mismatch(f"Q1_EIG_RANGE = {tuple(given.tolist())}: give (lo, hi) with lo <= hi.")
    # BEGIN GRADER ONLY
    expected = np.array(reference().Q1_EIG_RANGE, dtype=float)
    if not precision.close(given, expected, 1e-9, 1.0):  # never says which end is wrong
        raise Mismatch(f"Q1_EIG_RANGE = {tuple(given.tolist())} is not the tightest closed "
                       "interval that holds every eigenvalue of I - eta F^T F for every F and "
                       "every eta at which gradient descent cannot diverge.")
    return "Right: the tightest such interval."
    # KIT: from autograder.checks import form_only
    # KIT: return form_only("Q1_EIG_RANGE is a pair (lo, hi) with lo <= hi")
    # END GRADER ONLY


# BEGIN GRADER ONLY
# What the staff tools read (checks/evidence.py; docs/staff.md, "Adding or changing a question").
REFERENCE_PROPERTIES = ("tests/test_reference_q1q2.py",)
MUTATED = {name: "q1" for name in ("gd_step", "gd_iterates", "max_stable_lr",
                                   "step_growth_bound", "error_bound", "Q1_EIG_RANGE",
                                   "_ETA_SIGMA_SQ")}


def tolerances() -> list:  # of evidence.Tolerance
    """RTOL and BOUND_RTOL, measured as their checks measure (1.1 1.2; 1.3 1.4 1.5), with
    alpha from an SVD or eigvalsh(F^T F) as correct approaches."""
    import sys

    from autograder.checks.evidence import Tolerance, difference

    def args(function: str, p: dict) -> tuple:
        return {"gd_step": (p["F"], p["y"], p["w"], p["eta"]),
                "gd_iterates": (p["F"], p["y"], p["eta"], p["k"]),
                "max_stable_lr": (p["F"],), "step_growth_bound": (p["F"], p["y"], p["eta"]),
                "error_bound": (p["F"], p["y"], p["eta"], p["k"], p["w_star"])}[function]

    def measure(function: str, given: object, p: dict) -> tuple[float, float]:
        scale = {"gd_step": step_scale, "gd_iterates": iterates_scale}.get(function)
        expected = getattr(reference(), function)(*args(function, p))
        return difference(given, expected, scale(p) if scale else None), 1.0

    def alpha_svd(F: np.ndarray) -> float:
        return float(np.linalg.svd(F, compute_uv=False)[0])

    def alpha_eig(F: np.ndarray) -> float:
        return float(np.sqrt(np.linalg.eigvalsh(F.T @ F)[-1]))

    steps = Tolerance("Q1 RTOL (1.1 1.2)", (sys.modules[__name__], "RTOL"), gd_problems,
                      ("gd_step", "gd_iterates"), args, measure, {},
                      frozenset({"gd_step_gradient_in_float32", "gd_step_eta_off_by_4e_9"}))
    bounds = Tolerance(
        "Q1 BOUND_RTOL (1.3 1.4 1.5)", (sys.modules[__name__], "BOUND_RTOL"), gd_problems,
        ("max_stable_lr", "step_growth_bound", "error_bound"), args, measure,
        {"alpha from eigvalsh(F^T F)": {
            "max_stable_lr": lambda F: 2.0 / alpha_eig(F) ** 2,
            "step_growth_bound": lambda F, y, eta: eta * alpha_eig(F) * np.linalg.norm(y)},
         "alpha from svd": {
            "step_growth_bound": lambda F, y, eta: eta * alpha_svd(F) * np.linalg.norm(y),
            "error_bound": lambda F, y, eta, k, w_star: k * eta * alpha_svd(F)
            * np.linalg.norm(y) + np.linalg.norm(w_star)}},
        frozenset({"step_growth_alpha_in_float32"}))
    return [steps, bounds]


def equivalence_sample() -> list[tuple[str, tuple | None]]:
    """F of shapes 4x3, 3x4, 3x3, 1x1, an ill-conditioned 4x3 (singular values 1 .. 1e-12,
    as the handout's), a rank-deficient 4x3 (two equal columns), all zeros (3x2) and empty
    (0x2); y and w random and zero; eta 0, 0.5/alpha^2 and 1.9/alpha^2; k 0, 1 and 3; and
    Q1_EIG_RANGE itself."""
    rng = np.random.default_rng(182)
    u, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    v, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    ill = u[:, :3] @ np.diag([1.0, 1e-6, 1e-12]) @ v
    deficient = rng.normal(size=(4, 3))
    deficient[:, 2] = deficient[:, 1]
    matrices = [rng.normal(size=(4, 3)), rng.normal(size=(3, 4)), rng.normal(size=(3, 3)),
                np.array([[2.0]]), ill, deficient, np.zeros((3, 2)), np.zeros((0, 2))]
    calls: list[tuple[str, tuple | None]] = []
    for F in matrices:
        n, d = F.shape
        alpha = np.linalg.norm(F, 2) if F.size else 1.0
        calls.append(("max_stable_lr", (F,)))
        for y in (rng.normal(size=n), np.zeros(n)):
            for eta in (0.0, 0.5 / max(alpha, 1e-3) ** 2, 1.9 / max(alpha, 1e-3) ** 2):
                calls.append(("step_growth_bound", (F, y, eta)))
                for w in (rng.normal(size=d), np.zeros(d)):
                    calls.append(("gd_step", (F, y, w, eta)))
                for k in (0, 1, 3):
                    calls.append(("gd_iterates", (F, y, eta, k)))
                    calls.append(("error_bound", (F, y, eta, k, rng.normal(size=d))))
    return [*calls, ("Q1_EIG_RANGE", None)]
# END GRADER ONLY
