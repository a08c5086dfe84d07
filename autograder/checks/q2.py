"""Q2: regularization from the augmentation perspective (hw0.py, part q2)."""

from __future__ import annotations

import numpy as np
from gradescope_utils.autograder_utils.decorators import number, tags, weight
from hypothesis import strategies as st

from autograder.checks import HW0_PY, assert_close, holds, likely_cause, precision, reference, uses
from autograder.engine.answers import BadAnswer, as_array, as_pair
from autograder.engine.student import Student

FILE = HW0_PY
# Solving a system with condition number up to ~1e6 loses about 6 of 16 digits; any sound
# method (solve, inv, lstsq, Cholesky, eigh) lands well inside 1e-6 relative.
RTOL = 1e-6


def spd(d: int, log10_cond: int, rng: np.random.Generator) -> np.ndarray:
    """A symmetric positive-definite d x d matrix with condition number 10**log10_cond."""
    q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    s = 10.0 ** rng.uniform(-1, 1) * np.logspace(0, -log10_cond, d)
    return (q * s) @ q.T


def ill_conditioned(n: int, d: int, decades: int, rng: np.random.Generator) -> np.ndarray:
    """An n x d X (n >= d) of full column rank whose singular values spread evenly over
    `decades` decades: condition number 10**decades."""
    u, _ = np.linalg.qr(rng.normal(size=(n, n)))
    v, _ = np.linalg.qr(rng.normal(size=(d, d)))
    s = 10.0 ** rng.uniform(-1, 1) * np.logspace(0, -decades, d)
    return (u[:, :d] * s) @ v.T


@st.composite
def ridge_problems(draw: st.DrawFn, full_column_rank: bool = False) -> dict:
    """X (n x d) with n < d, n = d or n > d (n = 0 included), y, and an SPD Sigma with
    condition number from 1 to 1e6. With full_column_rank, n >= d (for plain OLS). Last (so
    hypothesis shrinks away from it), an ill-conditioned X of full column rank (condition
    number 1e4 to 1e6, d >= 2) and a Sigma as weak as X's weakest direction (10**(2 decades)
    times an SPD of condition 1 to 1e6): there X^T X + Sigma^{-1}, and so [X; Gamma], are as
    ill-conditioned as X, the normal equations still agree with the reference to float64's
    rounding times the condition (precision.DOUBLE_RTOL), and a solver that truncates singular
    values below 1e-3 of the largest (lstsq's rcond=1e-3, a truncated SVD) is off by far
    more."""
    d = draw(st.integers(1, 5))
    choices = ["n=d", "n>d"] if full_column_rank else ["n=0", "n<d", "n=d", "n>d"]
    relation = draw(st.sampled_from([*choices, "ill-conditioned X"]))
    more = draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    log10_cond = draw(st.integers(0, 6))
    if relation == "ill-conditioned X":
        d, decades = max(d, 2), draw(st.integers(4, 6))
        X = ill_conditioned(d + more - 1, d, decades, rng)
        return {"X": X, "y": rng.normal(size=len(X)),
                "Sigma": spd(d, log10_cond, rng) * 10.0 ** (2 * decades)}
    n = {"n=0": 0, "n<d": max(d - 1, 0), "n=d": d, "n>d": d + more}[relation]
    return {
        "X": rng.normal(size=(n, d)),
        "y": rng.normal(size=n),
        "Sigma": spd(d, log10_cond, rng),
    }


def map_condition(p: dict, w: np.ndarray) -> float:
    """The condition number of the MAP estimate w: it is OLS on the augmented data [X; Gamma],
    [y; 0] (this question's point), whose Gram matrix is X^T X + Sigma^{-1} and whose
    ||y_hat|| is ||y||; plus that of X Sigma X^T + I, the system the Woodbury form solves (a
    correct method, docs/staff.md), the worse conditioned where the prior is weak against
    X's weakest direction (the ill-conditioned X)."""
    gram = p["X"].T @ p["X"] + np.linalg.inv(p["Sigma"])
    woodbury = p["X"] @ p["Sigma"] @ p["X"].T + np.eye(len(p["X"]))
    return precision.least_squares_condition(gram, w, float(np.linalg.norm(p["y"]))) + (
        precision.condition_number(woodbury) if len(p["X"]) else 0.0)


def gamma_condition(p: dict) -> float:
    """How far a Gamma that check 2.1 accepts can move the MAP estimate: E = Gamma^T Gamma -
    Sigma^{-1} of up to cond(Sigma) ||Sigma^{-1}|| (2.1's condition) moves w by
    (X^T X + Sigma^{-1})^{-1} E w."""
    inverse = np.linalg.inv(p["Sigma"])
    gram = p["X"].T @ p["X"] + inverse
    return precision.condition_number(p["Sigma"]) * np.linalg.norm(inverse, 2) \
        * np.linalg.norm(np.linalg.inv(gram), 2)


def student_gamma(student: Student, sigma: np.ndarray) -> np.ndarray:
    """The student's gamma_from_sigma(Sigma). Raised on an ill-conditioned Sigma, the feedback
    adds why single precision may: float32 keeps 7 digits, and inverting Sigma costs
    log10 cond(Sigma) of them (the float32 inverse need not even be positive definite)."""
    try:
        value = student.call("gamma_from_sigma", sigma)
    except BadAnswer as exc:
        cond = precision.condition_number(sigma)
        if cond < 1e4 or " raised " not in str(exc):  # only an exception of theirs
            raise
        raise BadAnswer(f"{exc} (Sigma's condition number here is "
                        f"{precision.short_number(cond)}: in single precision (float32, which "
                        "torch.Tensor gives) inverting it leaves barely a digit and need not "
                        "give a positive-definite matrix; compute in float64.)") from None
    d = len(sigma)
    return as_array(value, (d, d), "gamma_from_sigma(Sigma)")


@weight(1)
@number("2.1")
@tags("q2")
def check_gamma_from_sigma(student: Student) -> str:
    """gamma_from_sigma: a Gamma with Gamma^T Gamma = Sigma^{-1}"""

    def prop(p: dict) -> None:
        gamma = student_gamma(student, p["Sigma"])
        inverse = np.linalg.inv(p["Sigma"])
        # Inverting Sigma magnifies its float32 rounding by up to cond(Sigma).
        assert_close("Gamma^T Gamma (should be Sigma^{-1})", gamma.T @ gamma, inverse, RTOL,
                     condition=precision.condition_number(p["Sigma"]))

    return holds(ridge_problems(), prop, "Sigma", likely_cause(student, "gamma_from_sigma"))


@weight(1)
@number("2.2")
@tags("q2")
def check_augment(student: Student) -> str:
    """augment: X_hat = [X; Gamma] and y_hat = [y; 0]"""
    ref = reference()

    def prop(p: dict) -> None:
        (n, d), gamma = p["X"].shape, ref.gamma_from_sigma(p["Sigma"])
        given = as_pair(student.call("augment", p["X"], p["y"], gamma),
                        "augment(X, y, Gamma) (X_hat, y_hat)")
        x_hat = as_array(given[0], (n + d, d), "augment(X, y, Gamma)[0], X_hat,")
        y_hat = as_array(given[1], (n + d,), "augment(X, y, Gamma)[1], y_hat,")
        expected_x, expected_y = ref.augment(p["X"], p["y"], gamma)
        assert_close("X_hat", x_hat, expected_x, 1e-12)
        assert_close("y_hat", y_hat, expected_y, 1e-12)

    return holds(ridge_problems(), prop, "X, y, Sigma (Gamma = its inverse's Cholesky factor)",
                 likely_cause(student, "augment", lambda p: (
                     p["X"], p["y"], reference().gamma_from_sigma(p["Sigma"]))))


@weight(1)
@number("2.3")
@tags("q2")
def check_ols(student: Student) -> str:
    """ols: the least-squares solution for full column rank X"""
    ref = reference()

    def prop(p: dict) -> None:
        d = p["X"].shape[1]
        given = as_array(student.call("ols", p["X"], p["y"]), (d,), "ols(X, y)")
        expected = ref.ols(p["X"], p["y"])
        # A least-squares problem: cond(X)^2 and more as the fit leaves a residual.
        assert_close("ols(X, y)", given, expected, RTOL, condition=precision.
                     least_squares_condition(p["X"].T @ p["X"], expected, np.linalg.norm(p["y"])))

    return holds(ridge_problems(full_column_rank=True), prop, "X, y",
                 likely_cause(student, "ols"))


@weight(1)
@number("2.4")
@tags("q2")
def check_map_estimate(student: Student) -> str:
    """map_estimate: (X^T X + Sigma^{-1})^{-1} X^T y"""
    ref = reference()

    def prop(p: dict) -> None:
        d = p["X"].shape[1]
        given = as_array(student.call("map_estimate", p["X"], p["y"], p["Sigma"]), (d,),
                         "map_estimate(X, y, Sigma)")
        expected = ref.map_estimate(p["X"], p["y"], p["Sigma"])
        assert_close("map_estimate(X, y, Sigma)", given, expected, RTOL,
                     condition=map_condition(p, expected))

    return holds(ridge_problems(), prop, "X, y, Sigma", likely_cause(student, "map_estimate"))


@weight(1)
@number("2.5")
@uses("gamma_from_sigma", "augment", "ols")
@tags("q2")
def check_augmentation_is_ridge(student: Student) -> str:
    """OLS on the augmented data has the same solution as the MAP estimate (2)"""
    ref = reference()

    def prop(p: dict) -> None:
        (n, d), X, y = p["X"].shape, p["X"], p["y"]
        gamma = student_gamma(student, p["Sigma"])
        pair = as_pair(student.call("augment", X, y, gamma), "augment(X, y, Gamma)")
        x_hat = as_array(pair[0], (n + d, d), "X_hat")
        y_hat = as_array(pair[1], (n + d,), "y_hat")
        given = as_array(student.call("ols", x_hat, y_hat), (d,), "ols(X_hat, y_hat)")
        expected = ref.map_estimate(X, y, p["Sigma"])
        if any(precision.is_single(v) for v in (gamma, x_hat, y_hat)):
            given = given.astype(np.float32)  # single precision from the first piece on
        assert_close("ols(augment(X, y, gamma_from_sigma(Sigma)))", given, expected, RTOL,
                     condition=map_condition(p, expected) + gamma_condition(p))

    return holds(ridge_problems(), prop, "X, y, Sigma")


# BEGIN GRADER ONLY
# What the staff tools read (checks/evidence.py; docs/staff.md, "Adding or changing a question").
REFERENCE_PROPERTIES = ("tests/test_reference_q1q2.py",)
MUTATED = {name: "q2" for name in ("gamma_from_sigma", "augment", "ols", "map_estimate")}


def tolerances() -> list:  # of evidence.Tolerance
    """RTOL as 2.1, 2.3 and 2.4 measure it (Gamma^T Gamma for gamma_from_sigma; the
    condition-scaled tolerance for ols and map_estimate), with pinv, Woodbury and an inverse
    Cholesky factor as correct approaches."""
    import sys

    from autograder.checks.evidence import Tolerance, difference

    def args(function: str, p: dict) -> tuple | None:
        if function == "ols" and p["X"].shape[0] < p["X"].shape[1]:
            return None  # 2.3 draws full column rank X only
        return {"gamma_from_sigma": (p["Sigma"],), "ols": (p["X"], p["y"]),
                "map_estimate": (p["X"], p["y"], p["Sigma"])}[function]

    def measure(function: str, given: object, p: dict) -> tuple[float, float]:
        if function == "gamma_from_sigma":
            gamma = np.asarray(given, dtype=float)
            if gamma.shape != p["Sigma"].shape:
                return float("inf"), 1.0
            return (difference(gamma.T @ gamma, np.linalg.inv(p["Sigma"])),
                    precision.condition_number(p["Sigma"]))
        expected = getattr(reference(), function)(*args(function, p))
        if function == "ols":
            return difference(given, expected), precision.least_squares_condition(
                p["X"].T @ p["X"], expected, float(np.linalg.norm(p["y"])))
        return difference(given, expected), map_condition(p, expected)

    def woodbury(X: np.ndarray, y: np.ndarray, Sigma: np.ndarray) -> np.ndarray:
        return Sigma @ X.T @ np.linalg.solve(X @ Sigma @ X.T + np.eye(len(X)), y)

    return [Tolerance(
        "Q2 RTOL (2.1 2.3 2.4)", (sys.modules[__name__], "RTOL"), ridge_problems,
        ("gamma_from_sigma", "ols", "map_estimate"), args, measure,
        {"pinv": {"ols": lambda X, y: np.linalg.pinv(X) @ y},
         "Woodbury": {"map_estimate": woodbury},
         "inverse Cholesky factor": {
            "gamma_from_sigma": lambda Sigma: np.linalg.inv(np.linalg.cholesky(Sigma))}},
        # a truncating solver is wrong only where float32 cannot solve at all (X of
        # condition 1e4 to 1e6: a float32 answer is allowed percents there)
        frozenset({"ols_truncates_small_singular_values", "map_estimate_off_by_4e_6"}))]


def _spd_of(rng: np.random.Generator, d: int, condition: float) -> np.ndarray:
    q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    return q @ np.diag(np.geomspace(1.0, 1.0 / condition, d)) @ q.T


def equivalence_sample() -> list[tuple[str, tuple | None]]:
    """Sigma the identity, diagonal, random SPD, ill-conditioned SPD (3x3) and 1x1; X 5x3,
    3x3 (square), zeros (2x3) and 1x1 (with its Sigma); y random and zero; Gamma the
    reference's and a random matrix."""
    rng = np.random.default_rng(183)
    sigmas = [np.eye(3), np.diag([1.0, 4.0, 9.0]), _spd_of(rng, 3, 10.0), _spd_of(rng, 3, 1e6)]
    designs = [rng.normal(size=(5, 3)), rng.normal(size=(3, 3)), np.zeros((2, 3))]
    cases = [(X, S) for S in sigmas for X in designs] + [(np.array([[1.5]]), np.array([[2.0]]))]
    calls: list[tuple[str, tuple | None]] = []
    for X, S in cases:
        gamma = np.linalg.cholesky(np.linalg.inv(S)).T
        calls.append(("gamma_from_sigma", (S,)))
        for y in (rng.normal(size=X.shape[0]), np.zeros(X.shape[0])):
            for G in (gamma, rng.normal(size=S.shape)):
                calls.append(("augment", (X, y, G)))
            calls.append(("map_estimate", (X, y, S)))
            if np.linalg.matrix_rank(X) == X.shape[1]:
                calls.append(("ols", (X, y)))
    return calls
# END GRADER ONLY
