"""A student's circuit against the handout's (Q5 f-i): resistances, the magnitudes and
autograd's gradients through the student's functions (called in the worker with the
notebook's arguments), and the LEDs a learned circuit lights. Used by checks/q5.py, which
holds the checks and their tolerances.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from autograder.checks import Mismatch, assert_close
from autograder.checks import color_organ as co
from autograder.checks.cuts import what_cut
from autograder.engine.answers import BadAnswer, as_array, as_float
from autograder.engine.student import Student


def positive(value: Any, name: str) -> float:
    """A resistance (ohm): a number above zero. A negative R lights the LEDs of a low pass
    as -R does (|H_lp| is even in R), so it is refused before the LEDs are compared."""
    number = as_float(value, name)
    if not number > 0:
        raise Mismatch(f"{name} = {number!r}: a resistance must be positive (in ohm, above 0).")
    return number


def learned_from_leds(name: str, given: list[float], nominal: list[float], lit: torch.Tensor,
                      target: torch.Tensor, tolerance: float) -> str:
    """Resistors learned from binary data: right when the circuit they make lights the LEDs
    exactly as its training target does on FREQS (all binary data can pin down), or, short of
    that, when each is within `tolerance` of the desired circuit's."""
    if bool(torch.equal(lit, target)):
        return f"{name} = {_show(given)} lights every LED as its training data asks."
    if all(abs(g - r) <= tolerance * r for g, r in zip(given, nominal, strict=True)):
        return f"{name} = {_show(given)}, within {tolerance:.0%} of {_show(nominal)}."
    wrong = int((lit != target).sum())
    raise Mismatch(f"{name} = {_show(given)} lights {wrong} LED(s) differently from its "
                   f"training data, and is not within {tolerance:.0%} of {_show(nominal)}.")


def _show(values: list[float]) -> str:
    return ", ".join(f"{v:.5g}" for v in values) if len(values) > 1 else f"{values[0]:.5g}"


ONE_HOT = torch.stack([co.leds(co.lowpass(co.FREQS, co.R_LP)),
                       co.leds(co.highpass(co.FREQS, co.R_HP))])
ONE_HOT = torch.cat([ONE_HOT, (1 - ONE_HOT.sum(dim=0, keepdim=True)).clamp(min=0)])


def circuit_args(resistors: tuple[float, ...]) -> tuple[tuple, tuple[int, ...]]:
    """A circuit function's arguments as the notebook passes them: freqs and the resistors
    float64 tensors, C a Python float; and the positions of the tensors."""
    return (co.FREQS.numpy(), *resistors, co.C), tuple(range(len(resistors) + 1))


RESISTORS = {"evaluate_hp_circuit": ("R",), "evaluate_bp_circuit": ("R_high", "R_low")}


def named(name: str, resistors: tuple[float, ...]) -> str:
    """The resistor arguments as the handout's signature names them: "R_high=200, R_low=60"."""
    return ", ".join(f"{n}={r:g}" for n, r in zip(RESISTORS[name], resistors, strict=True))


def circuit_values(student: Student, name: str, expected: torch.Tensor,
                   *resistors: float) -> None:
    """The student's function (no gradient asked) against the model."""
    args, tensors = circuit_args(resistors)
    at = named(name, resistors)
    given = as_array(student.call(name, *args, tensors=tensors), (len(co.FREQS),),
                     f"{name}(freqs, {at}, C)")
    assert_close(f"{name} at {at}", given, expected.detach().numpy(), 1e-9, 1.0)


def circuit_gradients(student: Student, name: str, model: Callable[..., torch.Tensor],
                      *resistors: float) -> None:
    """Autograd through the student's function (in the worker) against autograd through the
    reference model, for each resistor argument."""
    args, tensors = circuit_args(resistors)
    at = named(name, resistors)
    try:
        value, grads = student.call_with_grad(name, *args, tensors=tensors,
                                              wrt=list(tensors[1:]))
    except BadAnswer as exc:
        cut = what_cut(student.sources(), name, RESISTORS[name][0])
        raise Mismatch(f"{name}: no gradient flows to the resistors, since with R as a torch "
                       f"tensor that requires grad it fails: {exc}"
                       + (cut or " Use torch operations on R (not numpy, math or float()).")) \
            from None
    if value is None:  # not written yet: no gradient to speak of
        as_array(value, (len(co.FREQS),), f"{name}(freqs, {at}, C)")
    rs = tuple(torch.tensor(r, dtype=torch.float64) for r in resistors)
    expected = torch.autograd.functional.jacobian(lambda *r: model(co.FREQS, *r), rs)
    for wrt, want in zip(RESISTORS[name], expected, strict=True):
        given = None if grads is None else grads[RESISTORS[name].index(wrt)]
        if given is None:
            cut = what_cut(student.sources(), name, wrt)
            raise Mismatch(f"{name}: no gradient flows to its argument {wrt}."
                           + (cut or f" Use torch operations on {wrt}, not numpy or float()."))
        given = as_array(given, (len(co.FREQS),), f"d {name} / d {wrt}")
        assert_close(f"d {name} / d {wrt} at {at}", given, want.numpy(),
                     1e-8, float(want.abs().max()))
