"""Gradescope shows every test's feedback at once, so for an answer the student must find
(the FORM rows of checks/policy.py) the feedback says what is wrong with the student's own
value on the input shown, and never the expected value nor words that state the answer.

Each FORM check gets wrong answers as students write them; its message, with the student's
own text taken out, must hold none of the answer's words or values.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from autograder.checks import Mismatch, all_checks, q1, q3, q4, q5, reference
from autograder.checks import color_organ as co
from autograder.checks.policy import FORM, POLICY
from autograder.engine.answers import SubmissionError
from tests.conftest import PROJECT
from tests.local_student import LocalStudent

ref = reference()
CHECKS = {c.number: c for c in all_checks()}
# Words that would state an answer (or name its fix) in any of these checks.
WORDS = ["expected", "symmetric", "transpose", "A.T", "a_ij = a_ji", "-b/w", "-b / w",
         "-(b/w)", "crosses 0", "2 / ", "2/", "2.0 /", "ReLU mask", "sign", "332", "331.9"]
Q4A = dict(Q4A_ELBOW=ref.Q4A_ELBOW, Q4A_DL_DPHI=ref.Q4A_DL_DPHI, Q4A_DL_DW=ref.Q4A_DL_DW,
           Q4A_DL_DB=ref.Q4A_DL_DB)


class Answers:
    def __init__(self, **values: object):
        self.values = values

    def value(self, name: str) -> object:
        return self.values[name]


def message(number: str, student: object, *own: str) -> str:
    """The feedback of a failing check, with the student's own text taken out."""
    with pytest.raises((Mismatch, SubmissionError)) as caught:
        CHECKS[number].run(student)
    text = str(caught.value)
    for mine in own:
        text = text.replace(mine, "<own>")
    return text


def leaks(text: str, *values: str) -> list[str]:
    return [w for w in [*WORDS, *values] if w in text]


def test_every_form_check_is_covered_here() -> None:
    covered = {"1.3", "1.6", "3.5", "4.1", "4.2", "4.3", "4.4", "4.13", "4.14", "5.7"}
    covered |= {c.number for c in all_checks() if c.part == "q4b"}
    assert covered == {n for n, (kit, _) in POLICY.items() if kit == FORM}


@pytest.mark.parametrize("old, new", [
    ("return 2.0 / alpha**2", "return 1.0 / alpha**2"),
    ("return 2.0 / alpha**2", "return 3.0 / alpha**2"),
    ("return 2.0 / alpha**2", "return 2.0 / alpha"),
    ("alpha = np.linalg.norm(F, 2)", "alpha = np.linalg.norm(F)"),
])
def test_max_stable_lr_shows_the_students_rate_and_f_not_the_right_rate(old: str,
                                                                       new: str) -> None:
    source = (PROJECT / "reference" / "hw0.py").read_text()
    text = message("1.3", LocalStudent(source.replace(old, new)))
    F = eval(re.search(r"^F = (.*?)  # shape", text, re.S | re.M)[1], {"np": np})  # noqa: S307
    right = float(ref.max_stable_lr(F))
    verdict = text.split("\nSmallest failing input")[0]  # then F, then a Likely cause line
    own = re.fullmatch(r"max_stable_lr\(F\) = (\S+) is wrong for this F: the answer is the "
                       r"rate at which gradient descent on F passes from never diverging to "
                       r"possibly diverging\. This message is the same whichever side of it "
                       r"your value lies on\.", verdict)[1]
    numbers = [float(n) for n in re.findall(r"\d+\.?\d*(?:e[-+]?\d+)?",
                                            verdict.replace(own, ""))]
    assert not [n for n in numbers if np.isclose(n, right, rtol=1e-3)]
    assert not leaks(text, "too large", "too small")


@pytest.mark.parametrize("given", [(0.0, 1.0), (-2.0, 2.0), (-1.0, 0.5), (0.5, 1.0)])
def test_eig_range_shows_the_students_interval_only(given: tuple) -> None:
    text = message("1.6", Answers(Q1_EIG_RANGE=np.array(given)), str(given))
    assert "<own> is not the tightest closed interval" in text
    assert not leaks(text, "-1", "1.0", "lo is", "hi is")


@pytest.mark.parametrize("condition", ["A == A", "A == -A.T", "A@A == A.T@A.T", "A == 0",
                                       "x.T@A == 0", "A + A.T == 0", "A == A.T@A"])
def test_q3e_names_a_matrix_not_the_condition(condition: str) -> None:
    text = message("3.5", Answers(Q3E=condition), repr(condition))
    assert "A = [[" in text or "holds for every A" in text
    assert not leaks(text, "A == A.T", "A^T == A", "a12 = a21")


@pytest.mark.parametrize("elbow", ["b/w", "-b/2", "-b/w + x", "1/(w - 2)", "b", "-w/b",
                                   "w*b"])
def test_q4a_elbow_shows_what_the_answer_gives_not_the_elbow(elbow: str) -> None:
    text = message("4.1", Answers(**{**Q4A, "Q4A_ELBOW": elbow}), repr(elbow))
    right = [repr(-b / w) for w, b in q4.ELBOW_POINTS]
    assert not leaks(text, *right, "w x + b = 0", "= 0 there")


@pytest.mark.parametrize("name, wrong", [
    ("Q4A_DL_DPHI", "w*x + b - y"), ("Q4A_DL_DPHI", "y - phi"), ("Q4A_DL_DPHI", "phi"),
    ("Q4A_DL_DW", {"active": "(phi - y)*x", "inactive": "(phi - y)*x"}),
    ("Q4A_DL_DW", {"active": "-(phi - y)*x", "inactive": "0"}),
    ("Q4A_DL_DW", {"active": "(phi - y)", "inactive": "0"}),
    ("Q4A_DL_DB", {"active": "y - phi", "inactive": "0"}),
    ("Q4A_DL_DB", {"active": "phi - y", "inactive": "1"}),
    ("Q4A_DL_DB", {"active": "phi - y", "inactive": "phi - y"}),
])
def test_q4a_derivatives_show_a_point_and_the_students_value(name: str, wrong: object) -> None:
    number = {"Q4A_DL_DPHI": "4.2", "Q4A_DL_DW": "4.3", "Q4A_DL_DB": "4.4"}[name]
    texts = list(wrong.values()) if isinstance(wrong, dict) else [wrong]
    text = message(number, Answers(**{**Q4A, name: wrong}), *(repr(t) for t in texts))
    right = ref.Q4A_DL_DPHI if name == "Q4A_DL_DPHI" else ref.Q4A_DL_DW["active"]
    assert "the answer gives" in text
    assert not leaks(text, right, "phi - y", "(phi - y)*x")
    # autograd's value at the point shown, with phi and y there, would state the derivative
    assert "autograd disagrees" in text and "autograd gives" not in text
    point = dict(re.findall(r"(\w+) = (-?[\d.]+)", text.split(" at ", 1)[1]))
    p = q4.autograd_point(*(float(point[k]) for k in ("w", "b", "x", "y")))
    own = re.search(r"the answer gives (\S+),", text)[1]
    shown = [float(n) for n in re.findall(r"-?\d+\.\d+", text.replace(own, ""))]
    asked = p[{"4.2": "dl_dphi", "4.3": "dl_dw", "4.4": "dl_db"}[number]]
    assert asked == 0 or not [n for n in shown if np.isclose(n, asked, rtol=1e-4)], text


@pytest.mark.parametrize("number, old, new", [
    ("4.13", "return -b / W1", "return b / W1"),
    ("4.13", "return -b / W1", "return -W1 / b"),
    ("4.14", "dl_dz = residual * W2 * active", "dl_dz = residual * W2"),
    ("4.14", "return -(b - lr * dl_dz)", "return (b - lr * dl_dz)"),
])
def test_elbows_show_the_students_values_never_the_networks(number: str, old: str,
                                                            new: str) -> None:
    """Q4(c)/(d)'s expected elbows on an input would state Q4A_ELBOW's formula."""
    source = (PROJECT / "reference" / "hw0.py").read_text()
    text = message(number, LocalStudent(source.replace(old, new)))
    example = dict(re.findall(r"^(\w+) = (.*?)(?:  # shape.*)?$", text.split(
        "Smallest failing input")[1], re.M))
    args = {k: eval(v, {"np": np}) for k, v in example.items()}  # noqa: S307
    function = {"4.13": ref.elbows, "4.14": ref.sgd_new_elbows}[number]
    names = ["W1", "b"] if number == "4.13" else ["W1", "b", "W2", "x", "y", "lr"]
    right = np.ravel(function(*(np.asarray(args[n], dtype=float) for n in names)))
    given = text.split("given: ")[1].split("\n")[0]
    shown = [float(n) for n in re.findall(r"-?\d+\.\d+(?:e[-+]?\d+)?",
                                          text.replace(given, ""))]
    # A unit exactly at the ReLU's kink (W1_i x + b_i = 0) has its elbow at x, which the
    # input states: showing x there gives nothing away.
    kink = np.asarray(args["W1"]) * args.get("x", np.nan) + np.asarray(args["b"]) == 0
    for elbow in right[~kink] if number == "4.14" else right:
        assert not [n for n in shown if np.isclose(n, elbow, rtol=1e-6)], text
    assert "expected" not in text


@pytest.mark.parametrize("case", sorted(ref.Q4B))
@pytest.mark.parametrize("what", ["slope", "elbow"])
def test_q4b_never_names_the_right_word(case: str, what: str) -> None:
    key = ref.Q4B[case][what]
    number = next(c.number for c in all_checks() if c.title == f"Q4B case ({case}): the {what}")
    for wrong in (w for w in (q4.SLOPES if what == "slope" else q4.ELBOWS) if w != key):
        answers = {**ref.Q4B, case: {**ref.Q4B[case], what: wrong}}
        text = message(number, Answers(Q4B=answers), repr(wrong))
        assert not leaks(text, key)


@pytest.mark.parametrize("name, lr, others", [
    ("q5c_lr_diverges", 1e5, ["1e+07", "1e+08", "10000000"]),
    ("q5c_lr_converges", 1e7, ["1e+05", "1e+06", "100000"]),
])
def test_q5c_learning_rates_show_only_how_the_students_rate_ends(name: str, lr: float,
                                                                 others: list) -> None:
    number = "5.5" if name == "q5c_lr_diverges" else "5.6"
    text = message(number, Answers(**{name: lr}), f"lr = {lr:g}")
    assert "from every start" in text
    assert not leaks(text, *others)


@pytest.mark.parametrize("resistor", [200.0, 500.0, 300.0])
def test_q5d_never_shows_where_plain_mse_lands(resistor: float) -> None:
    text = message("5.7", Answers(q5d_resistor=resistor), f"{resistor:.6g}")
    right = co.plain_mse_minimiser()
    assert not leaks(text, f"{right:.6g}", f"{right:.4g}", f"{right:.0f}")
    assert q5.check_q5d(Answers(q5d_resistor=right * 1.01))


def test_the_kit_ships_these_checks_form_only_and_no_q5d_answer() -> None:
    """What the kit ships of each is form only (buildkit strips the comparison)."""
    from autograder.staff import buildkit

    for module in (q1, q3, q4, q5):
        shipped = buildkit.kit_source(module.__name__)
        assert "form_only(" in shipped
    assert "def plain_mse_minimiser" not in buildkit.kit_source("autograder.checks.color_organ")
    assert "plain_mse_minimiser()" not in buildkit.kit_source("autograder.checks.q5")
