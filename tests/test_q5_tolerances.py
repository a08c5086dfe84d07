"""Q5's tolerances against their evidence: every approach docs/q5-evidence.md calls correct
passes, every one it names wrong fails (a test per approach, named after it), the evidence's
proposals are the tolerances in force, and docs/staff.md's table is generated from them.

The answers are the values the evidence records (each must appear in that page), checked by
the grader's own check functions; the training behind them is in tests/corpus/q5_alternatives.py
(minutes) and, for a few, live in tests/test_q5_reference.py.
"""

from __future__ import annotations

import pytest

from autograder.checks import Mismatch, q5
from autograder.staff import docs
from tests.conftest import PROJECT

EVIDENCE = (PROJECT / "docs" / "q5-evidence.md").read_text(encoding="utf-8")


class Answers:
    """What the checks read of a student: answer variables only."""

    def __init__(self, **values: object):
        self.values = values

    def value(self, name: str) -> object:
        return self.values[name]


def _resistors(name: str, text: str) -> Answers:
    numbers = [float(x) for x in text.strip("()").split(",")]
    if name == "q5i_resistors":
        return Answers(q5i_resistors=dict(zip(("lp", "hp", "bp_high", "bp_low"), numbers,
                                              strict=True)))
    if name in ("q5g_resistors", "q5h_cutoffs"):
        return Answers(**{name: numbers})
    if name == "q5b":
        return Answers(q5b_resistor=numbers[0], q5b_cutoff=numbers[1])
    return Answers(**{name: numbers[0]})


CHECKS = {"q5a_resistor": q5.check_q5a, "q5b": q5.check_q5b_cutoff,
          "q5c_resistor": q5.check_q5c_resistor, "q5d_resistor": q5.check_q5d,
          "q5e_resistor": q5.check_q5e, "q5f_resistor": q5.check_q5f,
          "q5g_resistors": q5.check_q5g, "q5h_cutoffs": q5.check_q5h,
          "q5i_resistors": q5.check_q5i}

# (answer, approach as docs/q5-evidence.md names it, the value it records there)
CORRECT = [
    ("q5a_resistor", "q5a: GD least squares from 50", "199.9994"),
    ("q5a_resistor", "q5a: GD least squares from 150", "200.0006"),
    ("q5a_resistor", "q5a: -3 dB point of the sampled curve", "200.02"),
    ("q5a_resistor", "q5a: q5b's LED midpoint", "191.91"),
    ("q5b", "q5b: midpoint of the matching interval", "(191.91, 829.3)"),
    ("q5b", "q5b: cutoff at the geometric middle", "(191.70, 830.2)"),
    ("q5b", "q5b: interval end 183.0", "(183.0, 869.7)"),
    ("q5b", "q5b: interval end 200.8", "(200.8, 792.6)"),
    ("q5c_resistor", "q5c: every converged run", "200.00066"),
    ("q5c_resistor", "q5c: stopping at loss <= 1e-6", "201.11"),
    ("q5d_resistor", "q5d: GD from 150", "331.9982"),
    ("q5d_resistor", "q5d: sum instead of mean", "331.9996"),
    ("q5e_resistor", "q5e: logistic k = 5", "211.6"),
    ("q5e_resistor", "q5e: shifted MSE 1 - 1/sqrt 2", "193.5"),
    ("q5e_resistor", "q5e: squared hinge, first of the interval", "183.00"),
    ("q5e_resistor", "q5e: squared hinge, last of the interval", "200.8"),
    ("q5f_resistor", "q5f: logistic k = 5", "56.85"),
    ("q5f_resistor", "q5f: shifted MSE 0.2805", "60.42"),
    ("q5f_resistor", "q5f: top of the LED interval", "65.76"),
    ("q5g_resistors", "q5g: shifted MSE 0.2805 (the (e) loss reused)", "(177.7, 68.91)"),
    ("q5g_resistors", "q5g: shifted MSE 1 - 1/sqrt 2", "(183.5, 66.85)"),
    ("q5g_resistors", "q5g: logistic k = 10", "(189.9, 63.38)"),
    ("q5g_resistors", "q5g: squared hinge", "(206.8, 63.86)"),
    ("q5g_resistors", "q5g: squared hinge from (150, 45)", "(188.4, 58.18)"),
    ("q5h_cutoffs", "q5h: reference GD", "(840.54, 2483.27)"),
    ("q5h_cutoffs", "q5h: Adam, L1 in dB", "(803.2, 2617)"),
    ("q5h_cutoffs", "q5h: Adam with a free passband gain", "(571.1, 3670)"),
    ("q5h_cutoffs", "q5h: Adam with free gain and free slopes", "(633.9, 3265)"),
    ("q5h_cutoffs", "q5h: -3 dB crossings of the data", "(892.9, 2364)"),
    ("q5h_cutoffs", "q5h: corners of (g)'s resistors", "(797.0, 2641)"),
    ("q5i_resistors", "q5i: shifted MSE 0.2805", "(200.0, 60.42, 195.0, 62.76)"),
    ("q5i_resistors", "q5i: shifted MSE 1 - 1/sqrt 2", "(193.5, 62.49, 201.2, 60.94)"),
    ("q5i_resistors", "q5i: logistic k = 10", "(194.5, 61.86, 206.0, 58.42)"),
    ("q5i_resistors", "q5i: logistic k = 20", "(191.8, 62.74, 214.0, 56.24)"),
    ("q5i_resistors", "q5i: logistic k = 200", "(191.7, 62.79, 209.9, 57.33)"),
]
WRONG = [
    ("q5a_resistor", "q5a: q5d's plain-MSE answer", "332.0"),
    ("q5b", "q5b: cutoff 1/(R C), without 2 pi", "(191.91, 5210.7)"),
    ("q5d_resistor", "q5d: the fixed loss of (e)", "191.7"),
    ("q5e_resistor", "q5e: plain MSE (the tug of war)", "332.00"),
    ("q5e_resistor", "q5e: shifted MSE 0.2 (badly tuned)", "240.45"),
    ("q5e_resistor", "q5e: shifted MSE 0.35 (badly tuned)", "161.80"),
    ("q5f_resistor", "q5f: plain MSE", "36.25"),
    ("q5f_resistor", "q5f: shifted MSE 0.2", "50.16"),
    ("q5f_resistor", "q5f: shifted MSE 0.35", "74.98"),
    ("q5g_resistors", "q5g: plain MSE", "(100.8, 119.3)"),
    ("q5g_resistors", "q5g: swapped stage resistors", "(60.26, 199.7)"),
    ("q5g_resistors", "q5g: shifted MSE 0.2", "(147.7, 82.24)"),
    ("q5g_resistors", "q5g: logistic k = 5", "(158.4, 75.86)"),
    ("q5h_cutoffs", "q5h: half-power band edges", "(530.3, 3980)"),
    ("q5h_cutoffs", "q5h: swapped corners", "(2483, 840.5)"),
    ("q5i_resistors", "q5i: logistic k = 5", "(211.6, 56.85, 176.6, 68.07)"),
    ("q5i_resistors", "q5i: shifted MSE 0.2", "(240.4, 50.16, 163.2, 74.39)"),
    ("q5i_resistors", "q5i: band row not one-hot, shifted MSE", "(200.0, 60.42, 177.7, 68.91)"),
]


UNRECORDED = {"(191.91, 5210.7)"}  # a slip the evidence names in words: 829.3 Hz x 2 pi


def _documented(values: str) -> None:
    if values in UNRECORDED:
        return
    for number in values.strip("()").split(", "):
        assert number in EVIDENCE, f"{number} is not in docs/q5-evidence.md"


@pytest.mark.parametrize("answer, approach, values", CORRECT, ids=[a for _, a, _ in CORRECT])
def test_a_tolerance_admits_every_correct_approach(answer: str, approach: str,
                                                   values: str) -> None:
    _documented(values)
    try:
        CHECKS[answer](_resistors(answer, values))
    except Mismatch as exc:
        pytest.fail(f"{approach} = {values}, correct in docs/q5-evidence.md, is rejected: "
                    f"{exc} Widen the tolerance or update the evidence.")


@pytest.mark.parametrize("answer, approach, values", WRONG, ids=[a for _, a, _ in WRONG])
def test_a_tolerance_rejects_every_named_wrong_approach(answer: str, approach: str,
                                                        values: str) -> None:
    _documented(values)
    with pytest.raises(Mismatch):
        CHECKS[answer](_resistors(answer, values))
        pytest.fail(f"{approach} = {values}, wrong, passes: the tolerance is too loose.")


PROPOSALS = {  # constant -> the proposal docs/q5-evidence.md makes for it
    "TOLERANCE": "**Proposal: within {} % of 200",
    "CUTOFF_TOLERANCE": "**the cutoff within {} % of 1/(2 pi R C)",
    "MAGNITUDE_TOLERANCE": "`q5c_resistor`: **within {} % of 200**",
    "PLAIN_MSE_TOLERANCE": "**Proposal: within {} % of 332**",
    "BINARY_TOLERANCE": "**Proposal q5e: within {} % of 200",
    "BANDPASS_TOLERANCE": "**Proposal: each resistor within {} % of (200, 60)**",
}


@pytest.mark.parametrize("constant", PROPOSALS)
def test_the_evidence_proposes_the_tolerance_in_force(constant: str) -> None:
    phrase = PROPOSALS[constant].format(f"{100 * getattr(q5, constant):g}")
    assert phrase in EVIDENCE, (f"q5.{constant} = {getattr(q5, constant)} but "
                                "docs/q5-evidence.md proposes otherwise: say there what was "
                                "adopted and why.")


def test_the_evidence_proposes_the_cutoff_factor_in_force() -> None:
    assert f"each corner within a factor {q5.CUTOFF_FACTOR:g} of the analytic one" in EVIDENCE


def test_the_staff_docs_table_is_generated_from_the_tolerances() -> None:
    text = docs.STAFF.read_text(encoding="utf-8")
    assert docs.render(text) == text, "docs/staff.md is stale: run `python -m autograder docs`"
    assert f"within {100 * q5.TOLERANCE:g}% of 200" in docs.q5_table()


def test_a_changed_tolerance_changes_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    text = docs.STAFF.read_text(encoding="utf-8")
    monkeypatch.setattr(q5, "TOLERANCE", 0.03)
    assert "within 3% of 200" in docs.render(text) != text
