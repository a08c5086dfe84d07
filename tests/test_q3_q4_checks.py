"""The Q3, Q4(a,b) and Q6 checks on answers given directly (no worker: the channel and the
sandbox are tested elsewhere). Equivalent forms score; each known mistake is named."""

from __future__ import annotations

import time

import pytest

from autograder.checks import Mismatch, q3, q4, q6, reference
from autograder.engine.answers import SubmissionError

ref = reference()


class Answers:
    """Stands in for a Student whose hw0.py defines exactly these values."""

    def __init__(self, **values: object):
        self.values = values

    def value(self, name: str) -> object:
        if name not in self.values:
            raise SubmissionError(f"{name} is not defined")
        return self.values[name]


Q3_CHECKS = {"Q3A": q3.check_q3a, "Q3B": q3.check_q3b, "Q3C": q3.check_q3c,
             "Q3D": q3.check_q3d, "Q3E": q3.check_q3e}

EQUIVALENT = [
    ("Q3A", "c.T"), ("Q3A", "(c).T"), ("Q3A", "1*c.T + 0*x.T"),
    ("Q3B", "(2*x).T"), ("Q3B", "x.T*2"), ("Q3B", "x.T + x.T"), ("Q3B", "(x + x).T"),
    ("Q3C", "(A.T).T"), ("Q3C", "2*A - A"),
    ("Q3D", "x.T@A + x.T@A.T"), ("Q3D", "(A@x + A.T@x).T"), ("Q3D", "x.T @ A + (A @ x).T"),
    ("Q3D", "((A + A.T) @ x).T"),
    ("Q3E", "A.T == A"), ("Q3E", "A - A.T == 0"), ("Q3E", "2*A == A + A.T"),
    ("Q3E", "x.T@A == x.T@A.T"),
]

WRONG = [
    ("Q3A", "c", "has shape (n,1) for n = 2; d/dx (x^T c) is (1,n)"),
    ("Q3A", "x.T", "The entries differ"),
    ("Q3B", "x.T", "The entries differ"),
    ("Q3B", "-2*x.T", "The sign is wrong"),
    ("Q3B", "2*x", "(the derivative of a scalar by a column vector is a row)"),
    ("Q3C", "A.T", "transpose of the derivative"),
    ("Q3C", "x.T @ A", "has shape (1,n)"),
    ("Q3D", "2*x.T @ A", "The entries differ"),
    ("Q3D", "(A + A.T) @ x", "It is the transpose of the right answer"),
    ("Q3D", "-x.T@(A + A.T)", "The sign is wrong"),
    ("Q3D", "x.T @", "could not be read"),
    ("Q3D", "__import__('os').system('true')", "could not be read"),
    ("Q3E", "A == A", "holds for every A"),
    ("Q3E", "A == -A.T", "is false for A = [[-2, -2], [-2, -2]], yet there"),
    ("Q3E", "A@A == A.T@A.T", "holds for A = [[-1, -1], [0, 1]] too, where"),
    ("Q3E", "A is symmetric", "could not be read"),
]


@pytest.mark.parametrize("name, text", EQUIVALENT)
def test_algebraically_equal_forms_score(name: str, text: str) -> None:
    assert Q3_CHECKS[name](Answers(**{name: text}))


@pytest.mark.parametrize("name, text, says", WRONG)
def test_wrong_forms_are_named(name: str, text: str, says: str) -> None:
    with pytest.raises(Mismatch, match=None) as caught:
        Q3_CHECKS[name](Answers(**{name: text}))
    assert says in str(caught.value)


def test_the_reference_q3_answers_are_the_derivatives_sympy_computes() -> None:
    for name, check in Q3_CHECKS.items():
        assert check(Answers(**{name: getattr(ref, name)}))


def test_a_string_built_to_hang_sympy_is_refused_at_once() -> None:
    for text in ("(A@A@A@A@A@A@A@A@x).T", "2**2**2**99*x.T", "(" * 5000 + "x" + ")" * 5000):
        started = time.monotonic()
        with pytest.raises(Mismatch, match="could not be read"):
            q3.check_q3a(Answers(Q3A=text))
        assert time.monotonic() - started < 2


Q4A = dict(Q4A_ELBOW=ref.Q4A_ELBOW, Q4A_DL_DPHI=ref.Q4A_DL_DPHI, Q4A_DL_DW=ref.Q4A_DL_DW,
           Q4A_DL_DB=ref.Q4A_DL_DB)
Q4A_CHECKS = [q4.check_elbow, q4.check_dl_dphi, q4.check_dl_dw, q4.check_dl_db]


@pytest.mark.parametrize("change", [
    {"Q4A_ELBOW": "-(b/w)"}, {"Q4A_ELBOW": "(0 - b)/w"}, {"Q4A_ELBOW": "-b*w**-1"},
    {"Q4A_DL_DW": {"active": "x*(phi - y)", "inactive": "0*x"}},
    {"Q4A_DL_DW": {"active": "(w*x + b - y)*x", "inactive": "0"}},
    {"Q4A_DL_DB": {"active": "0.5*2*(phi - y)", "inactive": "0"}},
])
def test_q4a_equivalent_forms_score(change: dict) -> None:
    answers = Answers(**{**Q4A, **change})
    assert all(check(answers) for check in Q4A_CHECKS)


@pytest.mark.parametrize("change, says", [
    ({"Q4A_ELBOW": "b/w"}, "for w = 2, b = 1 it gives x = 0.5, and phi does not turn"),
    ({"Q4A_ELBOW": "-b/2"}, "for w = 3, b = -2 it gives x = 1.0"),  # right at w = 2
    ({"Q4A_ELBOW": "-b/w + x"}, "that w and b alone fix"),
    ({"Q4A_DL_DPHI": "w*x + b - y"}, "wrong in the inactive region"),
    ({"Q4A_DL_DW": {"active": "(phi - y)*x", "inactive": "(phi - y)*x"}},
     "the answer gives 2.7931"),
    ({"Q4A_DL_DW": {"active": "(phi - y)", "inactive": "0"}}, "wrong in the active region"),
    ({"Q4A_DL_DB": {"active": "y - phi", "inactive": "0"}}, "wrong in the active region"),
    ({"Q4A_DL_DB": {"active": "phi - y"}}, "keys 'active' and 'inactive'"),
])
def test_q4a_mistakes_are_named(change: dict, says: str) -> None:
    answers = Answers(**{**Q4A, **change})
    messages = []
    for check in Q4A_CHECKS:
        try:
            check(answers)
        except Mismatch as exc:
            messages.append(str(exc))
    assert len(messages) == 1 and says in messages[0]


def test_q4a_reference_agrees_with_autograd_at_sampled_points() -> None:
    for region in q4.REGIONS:
        for p in q4.sample_points(region):
            active = p["w"] * p["x"] + p["b"] > 0
            assert (region == "active") == active
            assert p["dl_dphi"] == pytest.approx(p["phi"] - p["y"])
            assert p["dl_dw"] == pytest.approx((p["phi"] - p["y"]) * p["x"] if active else 0)
            assert p["dl_db"] == pytest.approx((p["phi"] - p["y"]) if active else 0)


def test_q4b_each_sub_answer_is_graded_on_its_own() -> None:
    key = ref.Q4B
    answers = Answers(Q4B={**key, "iii": {"slope": "decreases", "elbow": key["iii"]["elbow"]}})
    checks = [v for k, v in vars(q4).items() if k.startswith("check_q4b_")]
    assert len(checks) == 8
    failed = []
    for check in checks:
        try:
            check(answers)
        except Mismatch:
            failed.append(check.__doc__)
    assert failed == ["Q4B case (iii): the slope"]


def test_q4b_refuses_words_outside_the_vocabulary() -> None:
    answers = Answers(Q4B={**ref.Q4B, "i": {"slope": "same", "elbow": "unchanged"}})
    with pytest.raises(Mismatch, match="not one of increases, decreases, unchanged"):
        q4.check_q4b_i_slope(answers)


@pytest.mark.parametrize("values, says", [
    ({"Q6_SOURCES": "", "Q6_COLLABORATORS": "none", "Q6_HOURS": 3.0}, "Q6_SOURCES is empty"),
    ({"Q6_SOURCES": "notes", "Q6_COLLABORATORS": "none", "Q6_HOURS": 0.0}, "plausible"),
    ({"Q6_SOURCES": "notes", "Q6_COLLABORATORS": "none", "Q6_HOURS": 500.0}, "plausible"),
])
def test_q6_is_a_completeness_check(values: dict, says: str) -> None:
    with pytest.raises(Mismatch, match=says):
        q6.check_process(Answers(**values))
    assert q6.check_process(Answers(Q6_SOURCES="notes", Q6_COLLABORATORS="Ann",
                                    Q6_HOURS=4.0))
