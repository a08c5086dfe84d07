"""Feedback a student can act on (issue 11): single precision passes, known mistakes are
named, failing inputs paste back into Python, messages read right, results.json is bounded.

The checks run here on `LocalStudent` (tests/local_student.py): the same replies, channel
and validators as the sandbox, in this process, so every variant costs milliseconds.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from autograder import results
from autograder.checks import (
    HW0_PY,
    Mismatch,
    all_checks,
    assert_close,
    precision,
    reference_module,
    show,
)
from autograder.checks.misconceptions import LIKELY, MUTANTS, diagnose
from autograder.engine.answers import SubmissionError
from autograder.mdtext import text_of
from autograder.staff.margins import precision_only
from tests.conftest import PROJECT
from tests.local_student import LocalStudent

pytestmark = pytest.mark.slow(60)  # the known-wrong variants graded

REFERENCE = (PROJECT / "reference" / "hw0.py").read_text()
CHECKS = {c.number: c for c in all_checks()}
# From the checks: each hw0.py test of a reference function (its title's contract name), and
# the tests that call the functions without being one's own (2.5: augmentation is ridge).
_HW0_CHECKS = [c for c in all_checks() if c.file == HW0_PY]
NUMERIC = {c.title.split(":")[0]: c.number for c in _HW0_CHECKS
           if callable(getattr(reference_module(), c.title.split(":")[0], None))}
HW0_NUMERIC = [*NUMERIC.values(), *(c.number for c in _HW0_CHECKS
                                    if c.uses and c.number not in NUMERIC.values())]


def outcome(student: LocalStudent, number: str) -> tuple[bool, str]:
    """(passed, feedback) of one check."""
    try:
        return True, CHECKS[number].run(student)
    except (Mismatch, SubmissionError) as exc:
        return False, str(exc)


def edit(source: str, old: str, new: str) -> str:
    assert source.count(old) == 1, old
    return source.replace(old, new)


# ---------------------------------------------------------------- single precision

# Every numeric function returning float32 at once: each result cast on the way out.
ALL_FLOAT32 = REFERENCE + '''
def _float32(fn):
    def cast(*args):
        out = fn(*args)
        if isinstance(out, tuple):
            return tuple(np.asarray(v, dtype=np.float32) for v in out)
        return np.asarray(out, dtype=np.float32)
    return cast


for _name in ("gd_step", "gd_iterates", "max_stable_lr", "step_growth_bound", "error_bound",
              "gamma_from_sigma", "augment", "ols", "map_estimate", "elbows",
              "sgd_new_elbows"):
    globals()[_name] = _float32(globals()[_name])
'''

# As students write it: one function at a time, with numpy or torch.
ONE_AT_A_TIME = {
    "gd_step": ("return w - eta * (F.T @ (F @ w - y))",
                "return (w - eta * (F.T @ (F @ w - y))).astype(np.float32)"),
    "gd_iterates": ("return np.array(rows)", "return np.array(rows, dtype=np.float32)"),
    "max_stable_lr": ("return 2.0 / alpha**2", "return np.float32(2.0 / alpha**2)"),
    "step_growth_bound": ("return eta * np.linalg.norm(F, 2) * np.linalg.norm(y)",
                          "return torch.tensor(eta * np.linalg.norm(F, 2) * np.linalg.norm(y),"
                          " dtype=torch.float32)"),
    "error_bound": ("return k * step_growth_bound(F, y, eta) + np.linalg.norm(w_star)",
                    "return np.float32(k * step_growth_bound(F, y, eta) "
                    "+ np.linalg.norm(w_star))"),
    "gamma_from_sigma": ("return np.linalg.cholesky(np.linalg.inv(Sigma)).T",
                         "return torch.linalg.cholesky(torch.linalg.inv(torch.tensor(Sigma)))"
                         ".T.float()"),
    "augment": ("return np.vstack([X, Gamma]), np.concatenate([y, np.zeros(d)])",
                "return (np.vstack([X, Gamma]).astype(np.float32),"
                " np.concatenate([y, np.zeros(d)]).astype(np.float32))"),
    "ols": ("return np.linalg.lstsq(X, y, rcond=None)[0]",
            "return np.linalg.lstsq(X, y, rcond=None)[0].astype(np.float32)"),
    "map_estimate": ("return np.linalg.solve(X.T @ X + np.linalg.inv(Sigma), X.T @ y)",
                     "return np.linalg.solve(X.T @ X + np.linalg.inv(Sigma), X.T @ y)"
                     ".astype(np.float32)"),
    "elbows": ("return -b / W1", "return -torch.tensor(b, dtype=torch.float32)"
               " / torch.tensor(W1, dtype=torch.float32)"),
    "sgd_new_elbows": ("return -(b - lr * dl_dz) / (W1 - lr * dl_dz * x)",
                       "return (-(b - lr * dl_dz) / (W1 - lr * dl_dz * x)).astype(np.float32)"),
}


# Computed in float32 throughout, as a student casting the inputs would: every array and float
# argument cast with .astype(np.float32) (np.float32 for a number), zeros made in float32.
INPUTS_FLOAT32 = '''

def _inputs32(fn):
    def run(*args):
        return fn(*(np.float32(a) if isinstance(a, float) else
                    a.astype(np.float32) if isinstance(a, np.ndarray) else a for a in args))
    return run


for _name in ("gd_step", "gd_iterates", "max_stable_lr", "step_growth_bound", "error_bound",
              "gamma_from_sigma", "augment", "ols", "map_estimate", "elbows",
              "sgd_new_elbows"):
    globals()[_name] = _inputs32(globals()[_name])
'''


def computed_in_float32(source: str) -> str:
    """The hw0.py source with every numeric function computing in float32 from its inputs."""
    source = source.replace("np.zeros(F.shape[1])", "np.zeros(F.shape[1], dtype=np.float32)")
    return source.replace("np.zeros(d)", "np.zeros(d, dtype=np.float32)") + INPUTS_FLOAT32


# Q2 in torch float32 (torch.Tensor makes float32), a sound method each: Gamma = L^{-1} for
# Sigma = L L^T, so Gamma^T Gamma = L^{-T} L^{-1} = Sigma^{-1}; OLS by the normal equations.
# (Inverting first, cholesky(inv(Sigma)), is not sound in float32: at cond(Sigma) = 1e6 the
# float32 inverse is off by several percent and need not be positive definite; torch then
# raises on one of the drawn inputs, and no tolerance can grade a raise.)
TORCH_Q2 = '''
import torch


def f32(a):  # float32 whatever torch's default dtype is
    return torch.as_tensor(a, dtype=torch.float32)


def gamma_from_sigma(Sigma):
    return torch.linalg.inv(torch.linalg.cholesky(f32(Sigma)))


def augment(X, y, Gamma):
    X, y, G = f32(X), f32(y), f32(Gamma)
    return torch.cat([X, G]), torch.cat([y, torch.zeros(G.shape[0], dtype=torch.float32)])


def ols(X, y):  # a least-squares solver: float32 normal equations (condition squared,
    X, y = f32(X), f32(y)  # 1e8 to 1e12 on Q2's ill-conditioned X) are singular in float32
    return torch.linalg.lstsq(X, y[:, None]).solution[:, 0]


def map_estimate(X, y, Sigma):
    X, y, S = f32(X), f32(y), f32(Sigma)
    return torch.linalg.solve(X.T @ X + torch.linalg.inv(S), X.T @ y)
'''
Q2 = ["2.1", "2.2", "2.3", "2.4", "2.5"]


@pytest.mark.parametrize("source", [computed_in_float32(REFERENCE), REFERENCE + TORCH_Q2],
                         ids=["numpy", "torch"])
def test_q2_computed_in_float32_scores_full_marks(source: str) -> None:
    """The contract: a correct method computed in single precision passes, though Sigma's
    condition number reaches 1e6 (the tolerance grows with it: precision.py)."""
    student = LocalStudent(source)
    failed = {n: text for n in Q2 for ok, text in [outcome(student, n)] if not ok}
    assert not failed, failed


def test_a_float32_gamma_that_raises_on_an_ill_conditioned_sigma_is_told_why() -> None:
    """cholesky(inv(Sigma)) in float32: whether the inverse of a Sigma of condition number
    1e6 stays positive definite depends on the CPU's LAPACK code path, so whether torch raises
    does too. The case is built to raise on every CPU: the float32 inverse is made as rounding
    may leave it (its smallest eigenvalue below zero), then torch's cholesky raises its own
    error; the feedback says why."""
    raises = TORCH_Q2.replace(
        "torch.linalg.inv(torch.linalg.cholesky(f32(Sigma)))",
        "torch.linalg.cholesky(_rounded_inverse(Sigma)).T") + _ROUNDED_INVERSE
    passed, text = outcome(LocalStudent(REFERENCE + raises), "2.1")
    assert not passed and "raised" in text and "compute in float64" in text
    assert re.search(r"condition number here is [\d.]+e[5-9]", text), text


# What float32 rounding may do to Sigma^{-1} once cond(Sigma) passes 1e5 (about 1/sqrt of
# float32's epsilon squared): leave its smallest eigenvalue below zero. Deterministic: the
# sign flip, not the CPU's rounding, decides.
_ROUNDED_INVERSE = '''

def _rounded_inverse(Sigma):
    values, vectors = np.linalg.eigh(np.linalg.inv(np.asarray(Sigma, dtype=np.float64)))
    if np.linalg.cond(Sigma) > 1e5:
        values[0] = -values[0]
    return f32((vectors * values) @ vectors.T)
'''


def test_a_float32_gamma_either_passes_or_is_told_why_on_any_cpu() -> None:
    """The same method left to the CPU's own float32 rounding: a pass within the tolerance
    that grows with Sigma's condition number, or a failure that says why; never an
    unexplained loss."""
    unsound = TORCH_Q2.replace("torch.linalg.inv(torch.linalg.cholesky(f32(Sigma)))",
                               "torch.linalg.cholesky(torch.linalg.inv(f32(Sigma))).T")
    passed, text = outcome(LocalStudent(REFERENCE + unsound), "2.1")
    assert passed or ("condition number here is" in text and "compute in float64" in text), text


def test_every_numeric_function_computed_in_float32_scores_full_marks() -> None:
    student = LocalStudent(computed_in_float32(REFERENCE))
    failed = {n: text for n in HW0_NUMERIC for ok, text in [outcome(student, n)] if not ok}
    assert not failed, failed


def test_every_numeric_answer_in_float32_at_once_scores_full_marks() -> None:
    student = LocalStudent(ALL_FLOAT32)
    failed = {n: text for n in HW0_NUMERIC for ok, text in [outcome(student, n)] if not ok}
    assert not failed, failed


@pytest.mark.parametrize("function", ONE_AT_A_TIME)
def test_one_float32_function_keeps_every_numeric_check(function: str) -> None:
    old, new = ONE_AT_A_TIME[function]
    source = edit(edit(REFERENCE, old, new), "import numpy as np", "import numpy as np\n"
                  "import torch")
    student = LocalStudent(source)
    failed = {n: text for n in HW0_NUMERIC for ok, text in [outcome(student, n)] if not ok}
    assert not failed, failed


CIRCUITS_FLOAT32 = '''
import math
import torch


def evaluate_lp_circuit(freqs, R, C):
    x = 2 * math.pi * torch.as_tensor(freqs) * torch.as_tensor(R) * C
    return 1 / torch.sqrt(1 + x ** 2)


def evaluate_hp_circuit(freqs, R, C):
    x = 2 * math.pi * torch.as_tensor(freqs).float() * torch.as_tensor(R) * C
    return x / torch.sqrt(1 + x ** 2)


def evaluate_bp_circuit(freqs, R_high, R_low, C):
    return (evaluate_hp_circuit(freqs, R_high, C) * evaluate_lp_circuit(freqs, R_low, C)).float()
'''


@pytest.mark.parametrize("number", ["5.10", "5.11", "5.13", "5.14"])
def test_the_notebooks_circuits_in_float32_score(number: str) -> None:
    """evaluate_hp_circuit computes in float32 (its freqs cast), evaluate_bp_circuit casts."""
    student = LocalStudent(CIRCUITS_FLOAT32, "color_organ_learning.py")
    passed, text = outcome(student, number)
    assert passed, text


def test_single_precision_loosens_no_further_than_float32_rounding() -> None:
    expected = np.array([1.0, -2.0])
    off = expected * (1 + 3 * precision.SINGLE_RTOL)
    assert not precision.close(off.astype(np.float32), expected, 1e-9)
    assert precision.close(expected.astype(np.float32), expected, 1e-9)
    assert not precision.close(expected + 1e-7, expected, 1e-9)  # float64: tight


def test_the_tolerance_grows_with_the_condition_number_by_the_answers_own_rounding() -> None:
    expected = np.array([1.0, -2.0])
    off = expected * (1 + 1e-3)
    assert precision.close(off.astype(np.float32), expected, 1e-6, condition=1e3)
    assert not precision.close(off.astype(np.float32), expected, 1e-6, condition=10.0)
    assert not precision.close(off, expected, 1e-6, condition=1e6)  # float64: tight
    assert "condition number, 1e3" in precision.allowed(1e-6, off.astype(np.float32), 1e3)
    # float64 only where its own rounding times the condition passes the check's rtol (Q2's
    # ill-conditioned X): 1e-14 x 1e12.
    assert precision.close(off, expected, 1e-6, condition=1e12)
    assert not precision.close(off, expected, 1e-6, condition=1e10)
    assert "float64 rounding" in precision.allowed(1e-6, off, 1e12)


def test_the_least_squares_condition_grows_with_the_residual() -> None:
    """cond(X)^2 + 2 cond(X) for a consistent system; more as y leaves the range of X."""
    X = np.array([[1.0, 0.0], [0.0, 1e-2], [0.0, 0.0]])
    w = np.ones(2)
    fit = float(np.linalg.norm(X @ w))
    consistent = precision.least_squares_condition(X.T @ X, w, fit)
    off_range = precision.least_squares_condition(X.T @ X, w, float(np.hypot(fit, 10.0)))
    assert consistent == pytest.approx(1e4 + 2e2)
    assert off_range == pytest.approx(1e4 + 2e2 * np.hypot(fit, 10.0) / fit + 1e4 * 10.0 / fit)
    assert off_range > 10 * consistent


@pytest.mark.parametrize("value, single", [
    (np.array([0.0, 1.0]), False),  # typed in: Q1_EIG_RANGE = (0, 1)
    (np.array([-1.0, 1.0]), False), (1.0, False), (np.array([0.5, -2.25, 1000.0]), False),
    (np.array([3.0, 100001.0]), False),  # whole numbers, however many bits
    (np.float32(0.1).item(), True),  # a float32 tensor's .item() or .tolist()
    (np.array([0.0, 1.0, np.float32(1 / 3)], dtype=float), True),  # float32 rows stacked
    (np.array([0.1, 1.0]), False),  # float64 arithmetic
    (np.array([1.0], dtype=np.float32), True),  # the worker says so
])
def test_an_answer_is_single_precision_only_when_it_was_computed_so(value, single: bool) -> None:  # noqa: ANN001
    assert precision.is_single(value) is single


def test_a_typed_in_pair_is_not_described_as_single_precision() -> None:
    source = edit(REFERENCE, "Q1_EIG_RANGE = (1.0 - _ETA_SIGMA_SQ[1], 1.0 - _ETA_SIGMA_SQ[0])",
                  "Q1_EIG_RANGE = (0, 1)")
    passed, text = outcome(LocalStudent(source), "1.6")
    assert not passed and "single precision" not in text
    given = np.array([0.0, 1.0])  # what the worker makes of (0, 1)
    assert not precision.is_single(given) and precision.allowed(1e-9, given) == "1e-9"


def test_the_drawn_learning_rates_do_not_show_max_stable_lr() -> None:
    """The kit ships drawn inputs of Q1 (fixtures.py): eta alpha^2 must not be 2 (or 2 times a
    round fraction), which is max_stable_lr's answer; the grader still draws etas within 10%
    of the largest stable one."""
    from autograder.checks.props import draw_examples
    from autograder.checks.q1 import gd_problems

    ratios = np.array([p["eta"] * np.linalg.norm(p["F"], 2) ** 2 / 2
                       for p in draw_examples(gd_problems(), 40)])
    assert np.all(ratios <= 1) and ratios.max() > 0.9
    round_ones = np.array([1.0, 0.5, 0.99, 0.1, 1e-3])
    assert np.min(np.abs(ratios[:, None] / round_ones - 1)) > 1e-6


# ---------------------------------------------------------------- misconceptions

NAMED = [m for m in MUTANTS if m.cause]


@pytest.mark.parametrize("mutant", NAMED, ids=lambda m: m.name)
def test_each_known_mistake_is_named_in_its_failing_test(mutant) -> None:  # noqa: ANN001
    passed, text = outcome(LocalStudent(mutant.apply()), NUMERIC[mutant.function])
    assert not passed
    assert LIKELY + mutant.cause in text, text
    assert text.count(LIKELY) == 1


@pytest.mark.parametrize("how", ["cast", "computed"])
@pytest.mark.parametrize("mutant", [m for m in NAMED if m.name not in precision_only()],
                         ids=lambda m: m.name)
def test_each_known_mistake_fails_also_in_float32(mutant, how: str) -> None:  # noqa: ANN001
    """Cast to float32 on the way out, or computed in float32 throughout: the tolerance grows
    with the conditioning, but a well-conditioned input among those drawn still catches it
    (not a mistake seen only where float32 cannot solve at all: margins.precision_only())."""
    source = mutant.apply()
    source = source + ALL_FLOAT32[len(REFERENCE):] if how == "cast" else \
        computed_in_float32(source)
    passed, text = outcome(LocalStudent(source), NUMERIC[mutant.function])
    assert not passed, text


@pytest.mark.parametrize("wrong", [
    ("return w - eta * (F.T @ (F @ w - y))", "return w - 0.5 * eta * (F.T @ (F @ w - y))",
     "1.1"),
    ("return 2.0 / alpha**2", "return 3.0 / alpha**2", "1.3"),
    ("return -b / W1", "return -b / W1 + 0.01", "4.13"),
    ("np.linalg.cholesky(np.linalg.inv(Sigma)).T", "np.eye(len(Sigma))", "2.1"),
])
def test_a_wrong_answer_no_mistake_explains_gets_no_diagnosis(wrong: tuple) -> None:
    old, new, number = wrong
    passed, text = outcome(LocalStudent(edit(REFERENCE, old, new)), number)
    assert not passed and LIKELY not in text


def test_a_misconception_that_matches_one_input_by_chance_is_not_named() -> None:
    """-b/|W1| and b/W1 agree wherever W1 < 0: the smallest failing input alone (one unit,
    W1 < 0) would name the sign mistake; the other drawn inputs where the answer is wrong
    must agree too."""
    source = edit(REFERENCE, "return -b / W1", "return -b / np.abs(W1)")
    passed, text = outcome(LocalStudent(source), "4.13")
    assert not passed and LIKELY not in text
    passed, text = outcome(LocalStudent(edit(REFERENCE, "return -b / W1", "return b / W1")),
                           "4.13")
    assert not passed and LIKELY + "this is what b / W1 gives" in text


def test_correct_alternatives_get_no_diagnosis() -> None:
    for m in (m for m in MUTANTS if not m.loses and m.file == "hw0.py"):
        student = LocalStudent(m.apply())
        for number in HW0_NUMERIC:
            passed, text = outcome(student, number)
            assert passed, (m.name, text)


def test_a_mistake_that_coincides_with_the_reference_there_is_not_named() -> None:
    """error_bound without ||w*|| is right where w* = 0: nothing may be blamed there."""
    F, y = np.eye(2), np.array([1.0, 2.0])
    args = (F, y, 0.5, 3, np.zeros(2))
    assert diagnose("error_bound", args, 4.0) is None
    right = 3 * 0.5 * np.linalg.norm(y)
    assert diagnose("error_bound", args, right) is None
    assert diagnose("error_bound", (F, y, 0.5, 3, np.ones(2)), right).startswith(LIKELY)


# ---------------------------------------------------------------- pasteable inputs


@pytest.mark.parametrize("array", [
    np.random.default_rng(0).normal(size=(3, 2)), np.zeros((0, 1)), np.zeros((0,)),
    np.array(2.5), np.array([1e-300, -1.7976931348623157e308, 0.1]),
])
def test_an_array_is_shown_as_python_that_rebuilds_it_exactly(array: np.ndarray) -> None:
    text = show(array)
    rebuilt = eval(text.split("  #")[0], {"np": np})  # noqa: S307 - our own output
    assert rebuilt.shape == array.shape and np.array_equal(rebuilt, array)


def test_a_large_array_is_summarised_and_says_so() -> None:
    text = show(np.ones((30, 30)))
    assert "too large to print in full" in text and "(30, 30)" in text and len(text) < 400
    flat = show(np.linspace(0, 1, 100) / 3)
    assert "row" not in flat and "..." in flat and "0.333333" in flat and len(flat) < 200


def test_a_failed_comparison_says_where_the_largest_difference_is() -> None:
    expected = np.linspace(0.0, 1.0, 100)
    given = expected.copy()
    given[37] += 1e-3
    with pytest.raises(Mismatch) as failed:
        assert_close("evaluate_hp_circuit at R = 60", given, expected, 1e-9, 1.0)
    text = str(failed.value)
    at = f"at [37]: expected {float(expected[37])!r}, given {float(given[37])!r}"
    assert "largest difference " + at in text
    assert text.count("too large to print in full") == 2


def test_a_wrong_circuit_names_the_frequency_index_it_is_most_wrong_at() -> None:
    """5.10 on 100 frequencies: the index of the worst entry, with both values."""
    source = CIRCUITS_FLOAT32.replace("return x / torch.sqrt(1 + x ** 2)",
                                      "return x / torch.sqrt(2 + x ** 2)")
    passed, text = outcome(LocalStudent(source, "color_organ_learning.py"), "5.10")
    assert not passed and re.search(r"largest difference at \[\d+\]: expected ", text), text


def test_the_smallest_failing_input_pastes_back_even_when_x_is_empty() -> None:
    """A map_estimate wrong only for n = 0: the input shown rebuilds X of shape (0, d)."""
    source = edit(REFERENCE, "    return np.linalg.solve(X.T @ X + np.linalg.inv(Sigma), X.T @ y)",
                  "    if len(X) == 0:\n        return np.ones(X.shape[1])\n"
                  "    return np.linalg.solve(X.T @ X + np.linalg.inv(Sigma), X.T @ y)")
    passed, text = outcome(LocalStudent(source), "2.4")
    assert not passed
    pasted = text.split("Smallest failing input (X, y, Sigma):\n")[1]
    names: dict = {"np": np}
    exec(pasted, names)  # noqa: S102 - our own feedback
    assert names["X"].shape[0] == 0 and names["y"].shape == (0,)
    assert "np.zeros((0, " in pasted


def test_the_failing_input_is_listed_in_the_order_of_the_signature() -> None:
    """The kit's recorded inputs come back from JSON with their keys sorted: the feedback
    still lists them as the function takes them (gd_step(F, y, w, eta))."""
    from autograder.checks import explain
    from autograder.checks.props import Failure

    example = {"F": np.ones((1, 1)), "eta": 0.5, "w": np.zeros(1), "y": np.ones(1)}
    text = explain(Failure(example, "gd_step(...) is wrong."), "F, y, w, eta")
    assert [line.split(" =")[0] for line in text.splitlines()[2:]] == ["F", "y", "w", "eta"]


# ---------------------------------------------------------------- wording

WRONG_SUBMISSIONS = {
    "types": {"Q3A": 0, "Q3B": "2x.T", "Q3C": "A^T", "Q3D": "x.T A", "Q3E": "c'",
              "Q4A_ELBOW": 0.5, "Q4A_DL_DW": {"active": "(phi - y)*x", "inactive": 0},
              "Q4B": {"i": {"slope": 0, "elbow": "unchanged"}}, "Q6_SOURCES": "none",
              "Q6_COLLABORATORS": "none",
              "Q6_HOURS": "six"},
}
FUNCTIONS_GONE_WRONG = '''
def gd_step(F, y, w, eta):
    raise ValueError("shapes do not match.")

def gd_iterates(F, y, eta, k):
    return "not yet"

def max_stable_lr(F):
    return None

def step_growth_bound(F, y, eta):
    return [1.0, 2.0]

def error_bound(F, y, eta, k, w_star):
    return {"bound": 1.0}

def gamma_from_sigma(Sigma):
    return np.full(Sigma.shape, np.nan)

def augment(X, y, Gamma):
    return X

def ols(X, y):
    return object()

def elbows(W1, b):
    return [W1, b[:1]]
'''
# Python's own wording, or ours gone wrong, that a student should never read.
INTERNAL = ["Traceback", "NoneType", "worker", "<class", "<object", "object at 0x",
            "decimal literal", "forgot a comma", "np.float64(", "dtype=", "Flaky",
            "hypothesis", "__", "unexpected"]


def feedback_of_wrong_submissions() -> list[str]:
    answers = "\n".join(f"{k} = {v!r}" for k, v in WRONG_SUBMISSIONS["types"].items())
    students = [LocalStudent("import numpy as np\n" + answers + FUNCTIONS_GONE_WRONG),
                LocalStudent("import numpy as np\n")]
    return [text for s in students for c in all_checks() if c.file == "hw0.py"
            for ok, text in [outcome(s, c.number)] if not ok]


def test_no_message_has_a_doubled_period_or_python_internals() -> None:
    texts = feedback_of_wrong_submissions()
    assert len(texts) >= 30
    bad = [(phrase, text) for text in texts for phrase in INTERNAL if phrase in text]
    assert not bad, bad
    doubled = [text for text in texts if re.search(r"(?<!\.)\.\.(?!\.)|\.\s+\.", text)]
    assert not doubled, doubled


def test_the_usual_slips_are_named_as_a_student_would_say_them() -> None:
    texts = "\n".join(feedback_of_wrong_submissions())
    for said in ['Q3A is an int (0); a string such as "0" was expected',
                 "^ is not transpose here: write A.T", "write 2*x.T",
                 "' is not transpose here: write c.T", "two terms stand side by side",
                 "Q4A_DL_DW['inactive'] is an int (0)", "Q6_HOURS is a string ('six')",
                 "gd_step(...) raised ValueError at hw0.py line 14: shapes do not match.\n",
                 'Q4B["i"]["slope"] = 0 is not one of']:
        assert said in texts, said


# ---------------------------------------------------------------- results.json bounds


def test_results_stay_under_the_size_bound_and_free_of_control_characters() -> None:
    noisy = ("\U0001F600 \x00\x1b[31mred\x1b[0m \x07" + "x" * 290) * 20
    tests = [results.test_entry(f"{i}.1", "title", "q1", 0, 1, noisy, "visible")
             for i in range(60)]
    data = results.results(tests, noisy * 10, 12.5)
    assert results.size(data) < 100_000
    text = json.dumps(data)
    assert not re.search(r"\\u00(0[0-8]|1[0-9a-f]|7f)|\\u001b", text)
    assert all("cut" in t["output"] for t in data["tests"])


def test_a_carriage_return_rewrites_its_line_as_a_terminal_shows_it() -> None:
    bar = "  0%|          | 0/50\r 50%|#####     | 25/50\r100%|##########| 50/50\n"
    assert results.clean("start\r\n" + bar + "done\r") == "start\n100%|##########| 50/50\ndone"


def test_printed_output_is_shown_as_a_person_reads_it_and_says_where_it_was_cut() -> None:
    widget = "interactive(children=(FloatSlider(value=100.0, description='R'), Output()), " \
             "_dom_classes=('widget-interact',))\n"
    raw = ("\x1b[2K" + widget + "q5a_resistor = 200.0\n" + "\u00e9" * 3000).encode()
    cut = raw[:1200]  # a read that ends inside a two-byte character
    shown = results.printed(cut, len(raw))
    assert shown.startswith("q5a_resistor = 200.0\n")  # no widget repr, no terminal codes
    assert "children=(" not in shown and "[2K" not in shown
    assert shown.endswith(f"(cut here: {len(raw):,} bytes were printed in all)")
    long = results.printed(raw, len(raw))
    assert len(long.split("\n... ")[0]) == results.PRINTED_SHOWN
    assert results.printed(b"hello\n", 6) == "hello"  # whole and short: as it was


def test_a_message_that_ends_in_a_question_keeps_one_mark() -> None:
    from autograder.engine.problems import problem

    said = problem("hw0.py", {"type": "SyntaxError", "line": "line 38", "compiles": False,
                               "message": "Missing parentheses. Did you mean print(...)?"})
    assert "print(...)? Nothing in hw0.py" in said and "?." not in said


def test_a_flooding_submission_still_writes_results_under_the_bound(tmp_path) -> None:  # noqa: ANN001
    from autograder.grade import grade

    long = "\\x1b[2J\\x00" + "y" * 400
    names = [*NUMERIC, "Q1_EIG_RANGE", "Q3A", "Q3B", "Q3C", "Q3D", "Q3E", "Q4A_ELBOW"]
    body = "".join(f"def {n}(*a):\n    raise RuntimeError('{long}' * 3)\n" for n in NUMERIC)
    body += "".join(f"{n} = '{long}' * 3\n" for n in names if n not in NUMERIC)
    (tmp_path / "hw0.py").write_text(f"print('\\x1b[31m' + 'z' * 10**6)\n{body}")
    data = grade(tmp_path)
    assert results.size(data) < 100_000
    assert "\x1b" not in json.dumps(data, ensure_ascii=False)
    first = next(t for t in data["tests"] if t["number"] == "1.1")
    assert text_of(first).startswith("gd_step(...) raised RuntimeError")


@pytest.mark.parametrize("value, single", [
    (np.float32(0.1), True), (np.ones(2, dtype=np.float32), True),
    ((np.ones(2), np.ones(2, dtype=np.float32)), True), (np.ones(2), False), (0.1, False),
    (3, False), ({"a": np.ones(1)}, False),
])
def test_the_worker_says_when_an_answer_is_single_precision(value, single: bool) -> None:  # noqa: ANN001
    from autograder.engine.worker import answer

    assert answer(value).get("single", False) is single


def test_a_difference_on_the_checks_own_scale_is_not_called_the_answers_size() -> None:
    """gd_step is judged on the size of a whole step: a given value 9 times the answer away was
    once reported as "0.77 of the answer's size", which reads as nearly right."""
    from autograder.checks import assert_close
    from autograder.checks.props import Mismatch

    expected, given = np.array([0.6256, 0.1]), np.array([-5.2757, 0.1])
    with pytest.raises(Mismatch) as caught:
        assert_close("gd_step(F, y, w, eta)", given, expected, 1e-9, scale=7.7,
                     scale_is="||w|| plus one step's size")
    message = str(caught.value)
    assert "of the answer's size" not in message
    assert "largest difference 5.9, where ||w|| plus one step's size is 7.7; allowed" in message
    with pytest.raises(Mismatch) as caught:  # no scale of its own: the answer's size
        assert_close("ols(X, y)", given, expected, 1e-9)
    assert "largest difference 9.4 of the answer's size" in str(caught.value)
