"""docs/staff.md's recipe for a new question, followed in a copy of the project: the
issue's Q7, `softmax_xent_grad(logits, y)` (2 points), the gradient of the mean softmax
cross-entropy over a batch with respect to the logits, with integer labels, a tolerance, a
known-wrong variant near it and a correct alternative. Each step edits the files the recipe
names, and nothing else: every other list of questions must come from the checks.
(tests/test_new_question.py runs it; not a test file itself.)"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli

ANSWER = '''

def softmax_xent_grad(logits, y):
    """Q7: the gradient of the mean softmax cross-entropy over the batch with respect to
    logits (n, k), for integer labels y (n,) in [0, k); shape (n, k)."""
    # BEGIN SOLUTION
    n = logits.shape[0]
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z)
    p = p / p.sum(axis=1, keepdims=True)
    p[np.arange(n), y] -= 1.0
    return p / n
    # END SOLUTION
'''
CHECK = '''"""Q7: the gradient of the mean softmax cross-entropy (hw0.py, part q7)."""

from __future__ import annotations

import numpy as np
from gradescope_utils.autograder_utils.decorators import number, tags, weight
from hypothesis import strategies as st

from autograder.checks import HW0_PY, assert_close, holds, likely_cause, reference
from autograder.engine.answers import as_array
from autograder.engine.student import Student

FILE = HW0_PY
RTOL = 1e-9  # rounding only: a softmax and a subtraction, each entry of order 1/n


@st.composite
def batches(draw: st.DrawFn) -> dict:
    """logits (n, k), 1 to 5 rows of 2 to 5 classes, of sizes 0.1 to 100, shifted by 0 or
    +-1000 (where exp overflows unless the row's maximum is taken out first); labels y (n,)
    integers in [0, k)."""
    n, k = draw(st.integers(1, 5)), draw(st.integers(2, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    size, shift = 10.0 ** draw(st.integers(-1, 2)), draw(st.sampled_from([0.0, 1e3, -1e3]))
    return {"logits": rng.normal(size=(n, k)) * size + shift,
            "y": rng.integers(0, k, size=n)}


def condition(p: dict, expected: np.ndarray) -> float:
    """How much rounding the logits moves the answer, relative to float32\'s rounding: a
    logit of size c rounds by c times it, and so does the exponent of its softmax; and a
    probability near 1 is known to that rounding only, which the answer (p - 1) / n of a
    batch classified right with confidence magnifies by 1 / (n times its largest entry)."""
    size = max(1.0, float(np.max(np.abs(p["logits"]))))
    return size / max(len(p["y"]) * float(np.max(np.abs(expected))), 1e-300)


@weight(2)
@number("7.1")
@tags("q7")
def check_softmax_xent_grad(student: Student) -> str:
    """softmax_xent_grad: the gradient of the mean softmax cross-entropy"""
    ref = reference()

    def prop(p: dict) -> None:
        shape = p["logits"].shape
        given = as_array(student.call("softmax_xent_grad", p["logits"], p["y"]), shape,
                         "softmax_xent_grad(logits, y)")
        expected = ref.softmax_xent_grad(p["logits"], p["y"])
        assert_close("softmax_xent_grad(logits, y)", given, expected, RTOL,
                     condition=condition(p, expected))

    return holds(batches(), prop, "logits, y", likely_cause(student, "softmax_xent_grad"))


# BEGIN GRADER ONLY
# What the staff tools read (checks/evidence.py; docs/staff.md, "Adding or changing a question").
REFERENCE_PROPERTIES = ("tests/test_q7_reference.py",)
MUTATED = {"softmax_xent_grad": "q7"}


def tolerances() -> list:  # of evidence.Tolerance
    """RTOL as 7.1 measures it, with torch autograd of the mean cross-entropy as a correct
    approach."""
    import sys

    from autograder.checks.evidence import FLOAT64_ONLY, Tolerance, difference

    def args(function: str, p: dict) -> tuple:
        return (p["logits"], p["y"])

    def measure(function: str, given: object, p: dict) -> tuple[float, float]:
        expected = reference().softmax_xent_grad(*args(function, p))
        return difference(given, expected), condition(p, expected)

    def by_autograd(logits: np.ndarray, y: np.ndarray) -> np.ndarray:
        import torch

        z = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
        torch.nn.functional.cross_entropy(z, torch.tensor(y)).backward()
        return z.grad.numpy()

    return [Tolerance("Q7 RTOL (7.1)", (sys.modules[__name__], "RTOL"), batches,
                      ("softmax_xent_grad",), args, measure,
                      {FLOAT64_ONLY + "torch autograd": {"softmax_xent_grad": by_autograd}},
                      frozenset({"softmax_xent_grad_off_by_4e_9"}))]


def equivalence_sample() -> list[tuple[str, tuple | None]]:
    """One row and several, two classes and five, logits 0, equal, far apart and shifted by
    1000, labels first, last and mixed."""
    rng = np.random.default_rng(187)
    calls: list[tuple[str, tuple | None]] = []
    for logits in (np.zeros((1, 2)), rng.normal(size=(3, 5)), rng.normal(size=(4, 2)) * 30,
                   rng.normal(size=(3, 3)) + 1e3, np.full((2, 4), -7.0)):
        n, k = logits.shape
        for y in (np.zeros(n, dtype=int), np.full(n, k - 1), np.arange(n) % k):
            calls.append(("softmax_xent_grad", (logits, y)))
    return calls
# END GRADER ONLY
'''
MUTANTS = '''
MUTANTS += [
    _hw0("softmax_xent_grad_sum_not_mean", "return p / n", "return p", "7.1",
         cause="this is what the gradient of the summed loss gives: the loss is the mean "
         "over the batch, so each row is divided by n.", at="softmax_xent_grad"),
    _hw0("softmax_xent_grad_label_not_subtracted", "p[np.arange(n), y] -= 1.0",
         "p[np.arange(n), y] -= 0.0", "7.1",
         cause="this is what the gradient of the log-sum-exp alone gives: the true class's "
         "logit also enters the loss, so 1 comes off its probability.", at="softmax_xent_grad"),
    # near the tolerance (verify's (f)): a hair above it in float64, and above float32's
    _hw0("softmax_xent_grad_off_by_4e_9", "return p / n", "return p / n * (1 + 4e-9)", "7.1",
         "allowed 1e-9", at="softmax_xent_grad"),
    _hw0("softmax_xent_grad_off_by_1e_5", "return p / n", "return p / n * (1 + 1e-5)", "7.1",
         "allowed 1e-9", at="softmax_xent_grad"),
    # correct: the probabilities through log-sum-exp
    _hw0("softmax_xent_grad_by_log_sum_exp", "p = p / p.sum(axis=1, keepdims=True)",
         "p = np.exp(z - np.log(np.sum(np.exp(z), axis=1, keepdims=True)))",
         at="softmax_xent_grad"),
]
'''
PROPERTIES = '''"""The reference's own properties for Q7: each row of the gradient sums to 0, it is
torch autograd's, and it does not change when a row's logits shift by a constant."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import given, settings

from autograder.checks import reference
from autograder.checks.q7 import batches

SETTINGS = settings(max_examples=100, derandomize=True, database=None, deadline=None)


@SETTINGS
@given(batches())
def test_rows_sum_to_zero_and_match_autograd(p: dict) -> None:
    grad = reference().softmax_xent_grad(p["logits"], p["y"])
    assert np.allclose(grad.sum(axis=1), 0.0, atol=1e-15)
    z = torch.tensor(p["logits"], requires_grad=True)
    torch.nn.functional.cross_entropy(z, torch.tensor(p["y"])).backward()
    assert np.allclose(grad, z.grad.numpy(), rtol=1e-9, atol=1e-12 / len(p["y"]))


@SETTINGS
@given(batches())
def test_a_constant_shift_of_a_row_changes_nothing(p: dict) -> None:
    ref = reference()
    shifted = p["logits"] + np.arange(len(p["y"]))[:, None] * 3.0
    assert np.allclose(ref.softmax_xent_grad(shifted, p["y"]),
                       ref.softmax_xent_grad(p["logits"], p["y"]), rtol=1e-9, atol=1e-12)
'''


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace `old`, which must be in the file exactly `count` times."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == count, f"{path}: {old!r} is not {count} times there"
    path.write_text(text.replace(old, new), encoding="utf-8")


def cli(copy: Path, *args: object, timeout: float = 1200) -> str:
    """`python -m autograder ARGS` in the copy; its output, asserting exit status 0."""
    done = run_cli(*args, cwd=copy, timeout=timeout)
    assert done.returncode == 0, (args, done.stdout[-3000:], done.stderr[-3000:])
    return done.stdout


def add_q7(copy: Path) -> None:
    """The recipe's steps 1 to 6 in `copy` (docs/staff.md, "Adding or changing a question")."""
    checks = copy / "autograder" / "checks"
    # 1. the answer, and the template from it
    reference = copy / "reference" / "hw0.py"
    reference.write_text(reference.read_text(encoding="utf-8") + ANSWER, encoding="utf-8")
    cli(copy, "template")
    # 2, 3. the check module with its declarations, registered in questions(); the
    # reference-property file it declares
    (checks / "q7.py").write_text(CHECK, encoding="utf-8")
    edit(checks / "__init__.py", "q1, q2, q3, q4, q5, q6", "q1, q2, q3, q4, q5, q6, q7", count=2)
    (copy / "tests" / "test_q7_reference.py").write_text(PROPERTIES, encoding="utf-8")
    # 4. its policy row
    edit(checks / "policy.py", '    "6.1": (FULL, VISIBLE),',
         '    "6.1": (FULL, VISIBLE),\n    "7.1": (FULL, VISIBLE),')
    # 5. known-wrong and correct variants
    misconceptions = checks / "misconceptions.py"
    misconceptions.write_text(misconceptions.read_text(encoding="utf-8") + MUTANTS,
                              encoding="utf-8")
    # 6. the Scoring table, regenerated from the checks
    cli(copy, "docs")
