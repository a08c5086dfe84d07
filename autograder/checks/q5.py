"""Q5: learning the color organ (color_organ_learning.ipynb, parts q5a-q5i).

The notebook runs once in the worker (like Jupyter's Run All); its answer variables are read
as plain data and its functions are called through the channel with torch tensors. Where a
student supplies a piece of a computation (the loss of (e), the learning rates of (c)), the
grader runs the training itself, so the result it checks is one it computed. Tolerances: the
constants below; their evidence: docs/q5-evidence.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from gradescope_utils.autograder_utils.decorators import number, tags, weight

from autograder.checks import NOTEBOOK, Mismatch, uses
from autograder.checks import color_organ as co
from autograder.checks.circuits import (
    ONE_HOT,
    circuit_gradients,
    circuit_values,
    learned_from_leds,
    positive,
)

# BEGIN GRADER ONLY
from autograder.checks.q5_evidence import (  # noqa: F401 - declared for the staff tools
    DOCUMENTED_TOLERANCES,
    MUTATED,
    REFERENCE_PROPERTIES,
    REVIEWED_CORRECT,
    documented_margins,
    equivalence_sample,
)

# END GRADER ONLY
from autograder.engine.answers import BadAnswer, SubmissionError, as_array, as_float, as_pair
from autograder.engine.student import Student

FILE = NOTEBOOK
# Every Q5 tolerance, defined here only, from the evidence in docs/q5-evidence.md. The table
# of docs/staff.md is generated from them (`python -m autograder docs`), and
# tests/test_q5_tolerances.py fails when one rejects an approach the evidence calls correct.
TOLERANCE = 0.05  # relative: a resistor read off a slider (a)
CUTOFF_TOLERANCE = 0.01  # relative: the cutoff 1/(2 pi R C) of the student's own resistor (b)
MAGNITUDE_TOLERANCE = 0.01  # relative: the resistor learned from the magnitudes (c)
PLAIN_MSE_TOLERANCE = 0.02  # relative: the minimiser of plain MSE on binary data (d)
BINARY_TOLERANCE = 0.12  # relative: learned from binary LED data (e, f, i)
BANDPASS_TOLERANCE = 0.20  # relative: the band pass of (g) with any sound loss of (e)
CUTOFF_FACTOR = 1.45  # the Bode corners of (h): within this factor of the RC corners
INITS = (50.0, 150.0, 400.0, 800.0)  # ohm: where the grader starts its own training runs
PROBE_RESISTORS = (30.0, 60.0, 200.0, 1000.0)


def resistor(student: Student, name: str) -> float:
    """The student's resistor `name` (ohm), a positive number."""
    return positive(student.value(name), name)


def near(name: str, given: float, expected: float, tolerance: float = TOLERANCE) -> str:
    if abs(given - expected) > tolerance * expected:
        raise Mismatch(f"{name} = {given:.6g} is not within {tolerance:.0%} of {expected:.6g}.")
    return f"{given:.6g}, within {tolerance:.0%} of {expected:.6g}."


# ---------------------------------------------------------------- (a), (b)


@weight(1)
@number("5.1")
@tags("q5a")
def check_q5a(student: Student) -> str:
    """q5a_resistor: the low-pass resistor matching the desired transfer function"""
    return near("q5a_resistor", resistor(student, "q5a_resistor"), co.R_LP)


@weight(1)
@number("5.2")
@tags("q5b")
def check_q5b_resistor(student: Student) -> str:
    """q5b_resistor: lights the LEDs exactly as desired on FREQS"""
    r = resistor(student, "q5b_resistor")
    desired, predicted = co.leds(co.lowpass(co.FREQS, co.R_LP)), co.leds(co.lowpass(co.FREQS, r))
    wrong = torch.nonzero(desired != predicted).ravel()
    if len(wrong):
        freqs = ", ".join(f"{float(co.FREQS[i]):.4g} Hz" for i in wrong[:5])
        raise Mismatch(f"q5b_resistor = {r:.6g} lights {len(wrong)} LED(s) differently from the "
                       f"desired pattern, at {freqs}.")
    return f"{r:.6g} reproduces the desired LED pattern on all {len(co.FREQS)} frequencies."


@weight(1)
@number("5.3")
@tags("q5b")
def check_q5b_cutoff(student: Student) -> str:
    """q5b_cutoff: the cutoff frequency 1/(2 pi R C) of that resistor"""
    r, f = resistor(student, "q5b_resistor"), as_float(student.value("q5b_cutoff"), "q5b_cutoff")
    return near("q5b_cutoff", f, co.cutoff(r), CUTOFF_TOLERANCE)


# ---------------------------------------------------------------- (c)


def train_lowpass(lr: float, r0: float, steps: int = 1000) -> str:
    """The training loop of (c), with the notebook's stopping rules: gradient descent on R
    with MSE against the desired magnitudes (torch.autograd.grad). Returns "converged" (loss
    <= 1e-14 or |dL/dR| <= 1e-9), "diverged" (a non-finite value, R leaving (0, inf), or a
    final loss above the initial one) or "max_steps"."""
    target = co.lowpass(co.FREQS, co.R_LP)
    r = torch.tensor(r0, dtype=torch.float64, requires_grad=True)
    first = None
    for _ in range(steps + 1):
        loss = co.mse(co.lowpass(co.FREQS, r), target)
        (grad,) = torch.autograd.grad(loss, r)
        value, slope, at = float(loss.detach()), float(grad), float(r.detach())
        first = value if first is None else first
        if not (math.isfinite(value) and math.isfinite(slope)) or at <= 0:
            return "diverged"
        if value <= 1e-14 or abs(slope) <= 1e-9:
            return "converged"
        with torch.no_grad():
            r -= lr * grad
    return "diverged" if value > first else "max_steps"


def runs(lr: float) -> dict[float, str]:
    """How the loop of (c) ends from each of the grader's initial resistors."""
    return {r0: train_lowpass(lr, r0) for r0 in INITS}


@weight(1)
@number("5.4")
@tags("q5c")
def check_q5c_resistor(student: Student) -> str:
    """q5c_resistor: learned from the transfer function's magnitudes"""
    return near("q5c_resistor", resistor(student, "q5c_resistor"), co.R_LP, MAGNITUDE_TOLERANCE)


@weight(1)
@number("5.5")
@tags("q5c")
def check_q5c_lr_diverges(student: Student) -> str:
    """q5c_lr_diverges: a learning rate at which training diverges"""
    return check_learning_rate(student, "q5c_lr_diverges", "diverged")


@weight(1)
@number("5.6")
@tags("q5c")
def check_q5c_lr_converges(student: Student) -> str:
    """q5c_lr_converges: a learning rate at which training converges"""
    return check_learning_rate(student, "q5c_lr_converges", "converged")


def check_learning_rate(student: Student, name: str, wanted: str) -> str:
    """The grader runs the loop of (c) at the student's rate from every start in INITS;
    each run must end `wanted` ("diverged" or "converged"). The kit runs it in full: it is
    the notebook's own loop, which shows the student the same at any rate they try."""
    lr = as_float(student.value(name), name)
    if lr <= 0:
        raise Mismatch(f"{name} = {lr:g}: a learning rate is a positive number.")
    ends = runs(lr)
    if any(status != wanted for status in ends.values()):
        raise Mismatch(f"With lr = {lr:g} the training loop of (c) (1000 steps at most) does "
                       f"not end {wanted} from every start: "
                       + ", ".join(f"R0 = {r:g}: {s}" for r, s in ends.items()) + ".")
    return f"lr = {lr:g}: {wanted} from R0 = {', '.join(f'{r:g}' for r in INITS)}."


# ---------------------------------------------------------------- (d), (e)


@weight(1)
@number("5.7")
@tags("q5d")
def check_q5d(student: Student) -> str:
    """q5d_resistor: what plain MSE on the binary LED data learns (the tug of war)"""
    r = resistor(student, "q5d_resistor")
    # BEGIN GRADER ONLY
    expected = co.plain_mse_minimiser()
    if abs(r - expected) > PLAIN_MSE_TOLERANCE * expected:
        raise Mismatch(f"q5d_resistor = {r:.6g} is not within {PLAIN_MSE_TOLERANCE:.0%} of "
                       "where mse_loss against the binary LED data is smallest: train the "
                       "low pass on binary_lp with mse_loss until it converges and report "
                       "its R.")  # never the value: finding it is the question
    return f"{r:.6g}: where plain MSE on the binary LED data is smallest."
    # KIT: from autograder.checks import form_only
    # KIT: return form_only("q5d_resistor is a positive number")
    # END GRADER ONLY


LossOnPred = Callable[[torch.Tensor], tuple[float, torch.Tensor]]


def train_with_loss(loss_on_pred: LossOnPred, r0: float) -> float:
    """The low pass trained on its binary LED data by the grader's own loop (co.descend):
    the grader computes the predictions and dpred/dR; `loss_on_pred` gives only the loss of
    the predictions and its gradient with respect to them. Returns the final R."""

    def loss_and_grad(r_value: float) -> tuple[float, float]:
        r = torch.tensor(r_value, dtype=torch.float64, requires_grad=True)
        pred = co.lowpass(co.FREQS, r)
        loss, d_pred = loss_on_pred(pred.detach())
        (d_r,) = torch.autograd.grad(pred, r, grad_outputs=d_pred)
        return loss, float(d_r)

    return co.descend(loss_and_grad, r0)


def students_loss(student: Student) -> LossOnPred:
    """loss_fn_binary, evaluated in the worker: value and gradient with respect to pred."""
    target = co.leds(co.lowpass(co.FREQS, co.R_LP)).numpy()

    def loss_on_pred(pred: torch.Tensor) -> tuple[float, torch.Tensor]:
        value, grads = student.call_with_grad("loss_fn_binary", pred.numpy(), target,
                                              tensors=(0, 1), wrt=[0])
        loss = as_float(value, "loss_fn_binary(pred, target)")
        if grads is None or grads[0] is None:
            raise BadAnswer("loss_fn_binary(pred, target) returned no gradient with respect "
                            "to pred: compute it with torch operations on pred.")
        d_pred = as_array(grads[0], (len(target),),
                          "the gradient of loss_fn_binary with respect to pred")
        return loss, torch.from_numpy(d_pred)

    return loss_on_pred


def lands_near_200(loss_on_pred: LossOnPred) -> dict[float, float]:
    """Train from each of INITS; raise Mismatch unless every run lights the LEDs as desired
    (or lands within BINARY_TOLERANCE of 200 ohm). Returns R0 -> final R."""
    learned = {r0: train_with_loss(loss_on_pred, r0) for r0 in INITS}
    desired = co.leds(co.lowpass(co.FREQS, co.R_LP))
    try:
        for r in learned.values():
            learned_from_leds("R", [r], [co.R_LP], co.leds(co.lowpass(co.FREQS, r)), desired,
                              BINARY_TOLERANCE)
    except Mismatch:
        raise Mismatch("Trained by the grader with loss_fn_binary on the binary LED data, the "
                       "low pass lands at R = " + ", ".join(
                           f"{r:.4g} ohm (from R0 = {r0:g})" for r0, r in learned.items())
                       + ": not all light the LEDs as desired or lie within "
                       f"{BINARY_TOLERANCE:.0%} of 200 ohm." + plain_mse_cause(loss_on_pred)) \
            from None
    return learned


def plain_mse_cause(loss_on_pred: LossOnPred) -> str:
    """"Likely cause: plain MSE" only when the student's loss is plain MSE, up to a constant
    factor (a sum, a 1/2): its values (from the worker) over mean((pred - target)^2) on the
    magnitudes of PROBE_RESISTORS are one positive number. A misconception is named only
    when the student's code shows it; "" otherwise (and in the kit, which names no causes)."""
    # BEGIN GRADER ONLY
    from autograder.checks.misconceptions import LIKELY

    target = co.leds(co.lowpass(co.FREQS, co.R_LP))
    preds = [co.lowpass(co.FREQS, r) for r in PROBE_RESISTORS]
    try:
        ratios = [loss_on_pred(pred)[0] / float(co.mse(pred, target)) for pred in preds]
    except SubmissionError:  # it failed on a probe: it shows nothing
        return ""
    if not (ratios[0] > 0 and all(abs(r - ratios[0]) <= 1e-6 * ratios[0] for r in ratios)):
        return ""
    return (f"\n{LIKELY}loss_fn_binary is plain MSE (its values are mean((pred - target)^2) "
            "times one constant): it pulls the off-LEDs' magnitudes all the way to 0, so the "
            "balance lands far from 200 ohm.")
    # KIT: return ""
    # END GRADER ONLY


@weight(1)
@number("5.8")
@tags("q5e")
def check_loss_fn_binary(student: Student) -> str:
    """loss_fn_binary: the grader trains with it on binary data and lands near 200 ohm"""
    learned = lands_near_200(students_loss(student))
    return "The grader's training lands at " + ", ".join(
        f"{r:.4g}" for r in learned.values()) + " ohm: the LEDs light as desired."


@weight(1)
@number("5.9")
@uses("loss_fn_binary")
@tags("q5e")
def check_q5e(student: Student) -> str:
    """q5e_resistor: learned from binary data with the adjusted loss"""
    r = resistor(student, "q5e_resistor")
    return learned_from_leds("q5e_resistor", [r], [co.R_LP], co.leds(co.lowpass(co.FREQS, r)),
                             co.leds(co.lowpass(co.FREQS, co.R_LP)), BINARY_TOLERANCE)


# ---------------------------------------------------------------- (f), (g)


@weight(1)
@number("5.10")
@tags("q5f")
def check_hp_values(student: Student) -> str:
    """evaluate_hp_circuit: the high-pass magnitudes"""
    for r in PROBE_RESISTORS:
        circuit_values(student, "evaluate_hp_circuit", co.highpass(co.FREQS, r), r)
    return f"Right at R = {', '.join(f'{r:g}' for r in PROBE_RESISTORS)} ohm."


@weight(1)
@number("5.11")
@tags("q5f")
def check_hp_gradient(student: Student) -> str:
    """evaluate_hp_circuit: autograd's d|H|/dR through it"""
    for r in PROBE_RESISTORS:
        circuit_gradients(student, "evaluate_hp_circuit", co.highpass, r)
    return "d|H_hp|/dR by autograd agrees with the reference."


@weight(1)
@number("5.12")
@uses("evaluate_hp_circuit", "loss_fn_binary")
@tags("q5f")
def check_q5f(student: Student) -> str:
    """q5f_resistor: the high pass learned from binary data"""
    r = resistor(student, "q5f_resistor")
    return learned_from_leds("q5f_resistor", [r], [co.R_HP], co.leds(co.highpass(co.FREQS, r)),
                             co.leds(co.highpass(co.FREQS, co.R_HP)), BINARY_TOLERANCE)


BP_PROBES = ((200.0, 60.0), (900.0, 900.0), (50.0, 300.0))


@weight(1)
@number("5.13")
@uses("evaluate_hp_circuit")
@tags("q5g")
def check_bp_values(student: Student) -> str:
    """evaluate_bp_circuit: the band-pass magnitudes"""
    for rh, rl in BP_PROBES:
        circuit_values(student, "evaluate_bp_circuit", co.bandpass(co.FREQS, rh, rl), rh, rl)
    return "Right at (R_high, R_low) = " + ", ".join(f"({a:g}, {b:g})" for a, b in BP_PROBES)


@weight(1)
@number("5.14")
@uses("evaluate_hp_circuit")
@tags("q5g")
def check_bp_gradients(student: Student) -> str:
    """evaluate_bp_circuit: autograd's gradients for both resistors"""
    for rh, rl in BP_PROBES:
        circuit_gradients(student, "evaluate_bp_circuit", co.bandpass, rh, rl)
    return "Both gradients by autograd agree with the reference."


@weight(1)
@number("5.15")
@uses("evaluate_bp_circuit", "loss_fn_binary")
@tags("q5g")
def check_q5g(student: Student) -> str:
    """q5g_resistors: (R_high, R_low) of the band pass learned from binary data"""
    pair = as_pair(student.value("q5g_resistors"), "q5g_resistors")
    high = positive(pair[0], "q5g_resistors[0] (R_high)")
    low = positive(pair[1], "q5g_resistors[1] (R_low)")
    return learned_from_leds("q5g_resistors", [high, low], [co.R_BP_HIGH, co.R_BP_LOW],
                             co.leds(co.bandpass(co.FREQS, high, low)),
                             co.leds(co.bandpass(co.FREQS, co.R_BP_HIGH, co.R_BP_LOW)),
                             BANDPASS_TOLERANCE)


# ---------------------------------------------------------------- (h), (i)


@weight(1)
@number("5.16")
@uses("evaluate_bp_circuit")
@tags("q5h")
def check_q5h(student: Student) -> str:
    """q5h_cutoffs: the two corners of the two-ReLU Bode fit of the band pass"""
    pair = as_pair(student.value("q5h_cutoffs"), "q5h_cutoffs")
    f_low = as_float(pair[0], "q5h_cutoffs[0] (f_low)")
    f_high = as_float(pair[1], "q5h_cutoffs[1] (f_high)")
    low, high = co.cutoff(co.R_BP_HIGH), co.cutoff(co.R_BP_LOW)
    if f_low >= f_high and _near(f_high, low) and _near(f_low, high):
        raise Mismatch(f"q5h_cutoffs = ({f_low:.4g}, {f_high:.4g}): f_low must be the lower "
                       "corner (the high-pass stage's), f_high the upper one: swap them.")
    if f_low >= f_high:
        raise Mismatch(f"q5h_cutoffs = ({f_low:.4g}, {f_high:.4g}): f_low is not below f_high, "
                       "so the fit found no pass band between them (a missing corner, or a "
                       "fit gone wrong: plot the fit over the band pass's magnitudes).")
    return corner("f_low", f_low, low) + " " + corner("f_high", f_high, high)


def _near(given: float, expected: float) -> bool:
    """A Bode corner is read on a log axis: within a factor CUTOFF_FACTOR either way."""
    return expected / CUTOFF_FACTOR <= given <= expected * CUTOFF_FACTOR


def corner(name: str, given: float, expected: float) -> str:
    """`name` = `given` Hz, checked against the RC corner `expected` Hz (`_near`)."""
    if not _near(given, expected):
        raise Mismatch(f"{name} = {given:.5g} Hz is not within a factor {CUTOFF_FACTOR:g} of "
                       f"the RC corner {expected:.5g} Hz (a missing corner, or a fit gone "
                       "wrong).")
    return f"{name} = {given:.5g} Hz, within a factor {CUTOFF_FACTOR:g} of {expected:.5g} Hz."


@weight(1)
@number("5.17")
@uses("evaluate_hp_circuit", "evaluate_bp_circuit", "loss_fn_binary")
@tags("q5i")
def check_q5i(student: Student) -> str:
    """q5i_resistors: the whole color organ trained on one-hot data"""
    value = student.value("q5i_resistors")
    expected = {"lp": co.R_LP, "hp": co.R_HP, "bp_high": co.R_BP_HIGH, "bp_low": co.R_BP_LOW}
    if not isinstance(value, dict) or set(value) != set(expected):
        raise Mismatch("q5i_resistors must be a dict with the keys lp, hp, bp_high, bp_low.")
    r = {k: positive(value[k], f"q5i_resistors[{k!r}]") for k in expected}
    lit = torch.stack([co.leds(co.lowpass(co.FREQS, r["lp"])),
                       co.leds(co.highpass(co.FREQS, r["hp"])),
                       co.leds(co.bandpass(co.FREQS, r["bp_high"], r["bp_low"]))])
    return learned_from_leds("q5i_resistors (lp, hp, bp_high, bp_low)", list(r.values()),
                             list(expected.values()), lit, ONE_HOT, BINARY_TOLERANCE)
