"""Q5: the reference notebook against the grader's model and the analytic circuit, and the
tolerances against correct alternatives and the named wrong approaches
(tests/corpus/q5_alternatives.py; numbers in docs/q5-evidence.md)."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
import torch

from autograder.checks import Mismatch, q5
from autograder.checks import color_organ as co
from autograder.checks.misconceptions import MUTANTS
from autograder.engine import notebook
from tests.conftest import PROJECT
from tests.corpus import q5_alternatives as alt

pytestmark = pytest.mark.slow(60)  # the reference notebook's trainings, and numpy variants graded

NOTEBOOK = PROJECT / "reference" / "color_organ_learning.ipynb"


@pytest.fixture(scope="module")
def ref() -> dict:
    """The reference notebook, run top to bottom in this process (it is our own code)."""
    namespace: dict = {}
    assert notebook.run(NOTEBOOK, namespace) == []
    return namespace


class Answers:
    def __init__(self, **values: object):
        self.values = values

    def value(self, name: str) -> object:
        return self.values[name]


def test_the_graders_circuits_are_the_notebooks(ref: dict) -> None:
    for r in (30.0, 60.0, 200.0, 1000.0):
        assert torch.allclose(ref["evaluate_lp_circuit"](co.FREQS, r, co.C),
                              co.lowpass(co.FREQS, r))
        assert torch.allclose(ref["evaluate_hp_circuit"](co.FREQS, r, co.C),
                              co.highpass(co.FREQS, r))
    for rh, rl in q5.BP_PROBES:
        assert torch.allclose(ref["evaluate_bp_circuit"](co.FREQS, rh, rl, co.C),
                              co.bandpass(co.FREQS, rh, rl))
    assert torch.equal(ref["FREQS"], co.FREQS) and ref["C"] == co.C


def test_the_reference_answers_agree_with_the_analytic_circuit(ref: dict) -> None:
    assert ref["q5a_resistor"] == pytest.approx(co.R_LP, rel=1e-3)
    assert ref["q5b_cutoff"] == pytest.approx(co.cutoff(ref["q5b_resistor"]), rel=1e-12)
    assert torch.equal(co.leds(co.lowpass(co.FREQS, ref["q5b_resistor"])),
                       co.leds(co.lowpass(co.FREQS, co.R_LP)))
    assert ref["q5c_resistor"] == pytest.approx(co.R_LP, rel=1e-4)
    assert ref["q5d_resistor"] == pytest.approx(co.plain_mse_minimiser(), rel=1e-3)
    f_low, f_high = ref["q5h_cutoffs"]
    assert "within" in q5.corner("f_low", f_low, co.cutoff(co.R_BP_HIGH))
    assert "within" in q5.corner("f_high", f_high, co.cutoff(co.R_BP_LOW))
    for check in (q5.check_q5e, q5.check_q5f, q5.check_q5g, q5.check_q5i):
        assert "lights every LED" in check(Answers(**{k: _plain(v) for k, v in ref.items()
                                                      if k.startswith("q5")}))


def _plain(value: object) -> object:
    if isinstance(value, tuple):
        return list(value)
    return value


@pytest.mark.parametrize("lr", [1e5, 1e6, 1e7])
def test_the_graders_loop_judges_learning_rates_as_the_notebooks_does(ref: dict, lr: float) -> None:
    for r0 in q5.INITS:
        circuit = ref["LowPassCircuit"](R=r0)
        history = ref["train"](list(circuit.parameters()), lambda c=circuit: c(ref["FREQS"]),
                               ref["desired_lp"], ref["mse_loss"], lr=lr, max_steps=1000)
        assert history["status"] == q5.train_lowpass(lr, r0), (lr, r0)


def torch_loss(loss_fn) -> q5.LossOnPred:  # noqa: ANN001
    target = co.leds(co.lowpass(co.FREQS, co.R_LP))

    def loss_on_pred(pred: torch.Tensor) -> tuple[float, torch.Tensor]:
        p = pred.clone().requires_grad_(True)
        loss = loss_fn(p, target)
        (grad,) = torch.autograd.grad(loss, p)
        return float(loss.detach()), grad

    return loss_on_pred


@pytest.mark.parametrize("loss_fn", [alt.loss_shifted_mse_calibrated, alt.loss_logistic_50,
                                     alt.loss_logistic(20.0)], ids=lambda f: f.__name__)
def test_q5e_training_accepts_correct_losses(loss_fn) -> None:  # noqa: ANN001
    learned = q5.lands_near_200(torch_loss(loss_fn))
    assert all(abs(r - co.R_LP) < 0.1 * co.R_LP for r in learned.values())


def test_q5e_training_rejects_plain_mse_the_tug_of_war() -> None:
    with pytest.raises(Mismatch, match="lands far from 200 ohm") as caught:
        q5.lands_near_200(torch_loss(alt.loss_plain_mse))
    assert "near 332" not in str(caught.value)  # (d)'s answer is not named


@pytest.mark.parametrize("fit", [
    alt.bode_lsq_grid, lambda: alt.bode_adam("l1", steps=1500),
    lambda: alt.bode_adam(gain=True), lambda: alt.bode_adam(slopes=True, steps=3000),
    alt.bode_threshold_crossings], ids=["lsq", "l1", "free gain", "free slopes", "-3dB"])
def test_q5h_accepts_any_reasonable_bode_fit(fit) -> None:  # noqa: ANN001
    assert "within" in q5.check_q5h(Answers(q5h_cutoffs=list(fit())))


def test_q5h_rejects_swapped_or_missing_corners() -> None:
    f_low, f_high = alt.bode_lsq_grid()
    with pytest.raises(Mismatch, match="f_low must be the lower.*swap them"):
        q5.check_q5h(Answers(q5h_cutoffs=[f_high, f_low]))
    # a broken band pass whose fit put both corners at one place is not told to swap them
    with pytest.raises(Mismatch, match="found no pass band") as caught:
        q5.check_q5h(Answers(q5h_cutoffs=[f_high * 3, f_low]))
    assert "swap" not in str(caught.value)
    single = alt.bode_single_relu()
    for missing in ([10.0, single], [single, 1e5], [530.0, 3980.0]):  # last: half-power edges
        with pytest.raises(Mismatch, match="not within a factor"):
            q5.check_q5h(Answers(q5h_cutoffs=missing))
    assert math.isfinite(single)


@pytest.mark.parametrize("name", ["q5f_numpy_high_pass", "q5f_numpy_only_high_pass"])
def test_a_numpy_high_pass_keeps_the_value_tests_and_loses_the_gradient_tests(
        tmp_path: Path, name: str) -> None:
    """Called as the notebook calls it (C a Python float), numpy on every argument computes
    the right values: 5.10, and 5.13 for the band pass built on it; no gradient flows."""
    from autograder.grade import grade

    mutant = next(m for m in MUTANTS if m.name == name)
    (tmp_path / mutant.file).write_text(mutant.apply())
    shutil.copy(PROJECT / "reference" / "hw0.py", tmp_path / "hw0.py")
    status = {t["number"]: t["status"] for t in grade(tmp_path)["tests"]}
    assert status["5.10"] == status["5.13"] == "passed"
    assert status["5.11"] == status["5.14"] == "failed"


@pytest.mark.parametrize("pair, passes", [
    ((199.687, 60.264), True),   # the reference: logistic loss
    ((177.7, 68.9), True),       # shifted-target MSE of (e) reused in (g): 15% off, accepted
    ((100.8, 119.3), False),     # plain MSE: the tug of war
    ((60.3, 199.7), False),      # the stages swapped
])
def test_q5g_tolerance_follows_the_evidence(pair: tuple, passes: bool) -> None:
    answers = Answers(q5g_resistors=list(pair))
    if passes:
        assert q5.check_q5g(answers)
    else:
        with pytest.raises(Mismatch):
            q5.check_q5g(answers)


@pytest.mark.parametrize("answer", [
    {"q5i_resistors": {"lp": -200.0, "hp": 60.0, "bp_high": 200.0, "bp_low": 60.0}},
    {"q5g_resistors": [200.0, -60.0]},
    {"q5f_resistor": -60.0},
], ids=["5.17 lp", "5.15 R_low", "5.12"])
def test_a_negative_resistor_is_refused_though_it_lights_the_same_leds(answer: dict) -> None:
    """|H_lp| is even in R: -200 ohm lights the low pass's LEDs as 200 does."""
    check = {"q5i_resistors": q5.check_q5i, "q5g_resistors": q5.check_q5g,
             "q5f_resistor": q5.check_q5f}[next(iter(answer))]
    with pytest.raises(Mismatch, match="a resistance must be positive"):
        check(Answers(**answer))
