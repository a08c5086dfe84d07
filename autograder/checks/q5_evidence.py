"""What q5.py declares for the staff tools (checks/evidence.py), kept apart so that q5.py
stays one job long; grader only (q5.py imports it in a GRADER ONLY block).

Q5's single-criterion tolerances are held against documented approaches (values recorded in
docs/q5-evidence.md from training runs too slow to repeat in verify, tested approach by
approach in tests/test_q5_tolerances.py) rather than against drawn inputs.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

REFERENCE_PROPERTIES = ("tests/test_q5_reference.py",)
MUTATED = {"loss_fn_binary": "q5e", "evaluate_hp_circuit": "q5f", "evaluate_bp_circuit": "q5g"}
# Survivors of `mutate` a TA has read and found right, another correct answer rather than a
# slip: (function changed, text the mutation replaced) -> why it is right.
REVIEWED_CORRECT = {
    ("loss_fn_binary", "50.0"): "the logistic loss's sharpness: any slope steep enough to "
    "separate on from off trains to 200 ohm (the contract: a logistic loss around the "
    "threshold must pass)",
}
# The single-criterion relative tolerances: (constant of q5.py, test, answer as the evidence
# names it). Q5's either-or tolerances (BINARY_TOLERANCE, BANDPASS_TOLERANCE, CUTOFF_FACTOR:
# within the tolerance or lighting the LEDs as desired) are held approach by approach there.
DOCUMENTED_TOLERANCES = (("TOLERANCE", "5.1", "q5a_resistor"),
                         ("CUTOFF_TOLERANCE", "5.3", "q5b"),
                         ("MAGNITUDE_TOLERANCE", "5.4", "q5c_resistor"),
                         ("PLAIN_MSE_TOLERANCE", "5.7", "q5d_resistor"))
# Known-wrong variants' values the evidence does not record: each scales the reference's
# answer (docs/q5-evidence.md: q5a 200.000 ohm, q5b 191.91 ohm with its cutoff, q5c 200.00066
# ohm, q5d 332.0009 ohm); verify's (d) proves the checks reject them.
DOCUMENTED_VARIANTS = {"q5a_resistor": [("q5a_twenty_percent_off", "(240.0)")],
                       "q5b": [("q5b_cutoff_five_percent_off", "(191.91, 870.79)")],
                       "q5c_resistor": [("q5c_two_percent_off", "(204.00067)")],
                       "q5d_resistor": [("q5d_ten_percent_off", "(365.201)")]}


def deviation(answer: str, values: str) -> float:
    """The relative deviation a Q5 check measures for a recorded answer: from 200 ohm (a, c),
    from the resistor's own cutoff (b), from plain MSE's minimiser (d)."""
    from autograder.checks import color_organ as co

    numbers = [float(x) for x in values.strip("()").split(",")]
    expected = {"q5a_resistor": co.R_LP, "q5c_resistor": co.R_LP,
                "q5b": co.cutoff(numbers[0]) if answer == "q5b" else 0.0,
                "q5d_resistor": co.plain_mse_minimiser() if answer == "q5d_resistor" else 0.0}
    return abs(numbers[-1] - expected[answer]) / expected[answer]


def documented_margins() -> list[tuple[str, str, float, float, str, float]]:
    """(what, worst correct approach, its deviation, tolerance, nearest wrong, its deviation)
    of each single-criterion tolerance, for verify's (f) (staff/margins.py judges them)."""
    from autograder.checks import q5
    from tests.test_q5_tolerances import CORRECT, WRONG

    found = []
    for constant, test, answer in DOCUMENTED_TOLERANCES:
        good = {a: deviation(answer, v) for name, a, v in CORRECT if name == answer}
        bad = {a: deviation(answer, v) for name, a, v in WRONG if name == answer}
        bad |= {a: deviation(answer, v) for a, v in DOCUMENTED_VARIANTS.get(answer, [])}
        worst, nearest = max(good, key=good.get), min(bad, key=bad.get)
        found.append((f"Q5 {constant} ({test}), documented approaches", worst, good[worst],
                      getattr(q5, constant), nearest, bad[nearest]))
    return found


def equivalence_sample() -> list[tuple[str, tuple | None]]:
    """The 100 FREQS, a numpy array, one float and frequency 0; R 60, 200 and a tensor that
    requires its gradient; C 1e-6 and 2e-6; loss_fn_binary on predictions 0..1 (the LED
    threshold exactly among them), flat and (3, n), with targets mixed, all 0 and all 1."""
    import torch

    freqs = [torch.logspace(1, 5, 100), np.logspace(1, 5, 7), 1000.0, torch.tensor([0.0, 5.0])]
    calls: list[tuple[str, Any]] = []
    for f in freqs:
        for C in (1e-6, 2e-6):
            for R in (60.0, 200.0, torch.tensor(150.0, requires_grad=True)):
                calls += [("evaluate_lp_circuit", (f, R, C)), ("evaluate_hp_circuit", (f, R, C))]
            trained = (torch.tensor(300.0, requires_grad=True),
                       torch.tensor(40.0, requires_grad=True))
            for high, low in ((200.0, 60.0), (60.0, 200.0), trained):
                calls.append(("evaluate_bp_circuit", (f, high, low, C)))
    threshold = 1 / math.sqrt(2)
    pred = torch.cat([torch.linspace(0.0, 1.0, 11), torch.tensor([threshold])])
    mixed = (torch.arange(12) % 3 == 0).double()
    for target in (mixed, torch.zeros(12), torch.ones(12)):
        calls.append(("loss_fn_binary", (pred.clone().requires_grad_(True), target)))
    grid = torch.linspace(0.0, 1.0, 30).reshape(3, 10)
    calls.append(("loss_fn_binary", (grid.clone().requires_grad_(True),
                                     torch.eye(3).repeat_interleave(4, dim=1)[:, :10])))
    return calls
