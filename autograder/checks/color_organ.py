"""The Q5 circuits on the contract's fixed setup, in the trusted grader (torch, float64).

The student notebook is standalone, so it carries its own copy of these formulas; a test
(tests/test_q5_reference.py) holds the reference notebook's functions and answers to these.
The student kit ships them without `plain_mse_minimiser`, which computes the answer of (d).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

C = 1e-6  # farad
FREQS = torch.logspace(1, 5, 100, dtype=torch.float64)  # 10 Hz .. 100 kHz
R_LP, R_HP, R_BP_HIGH, R_BP_LOW = 200.0, 60.0, 200.0, 60.0  # ohm: the desired circuits
THRESHOLD = 1 / math.sqrt(2)  # an LED is on where the magnitude is at least this


def lowpass(freqs: torch.Tensor, R: torch.Tensor | float) -> torch.Tensor:
    """|H_lp| = 1 / sqrt(1 + (2 pi f R C)^2)."""
    return 1 / torch.sqrt(1 + (2 * math.pi * freqs * R * C) ** 2)


def highpass(freqs: torch.Tensor, R: torch.Tensor | float) -> torch.Tensor:
    """|H_hp| = (2 pi f R C) / sqrt(1 + (2 pi f R C)^2)."""
    wrc = 2 * math.pi * freqs * R * C
    return wrc / torch.sqrt(1 + wrc**2)


def bandpass(freqs: torch.Tensor, r_high: torch.Tensor | float,
             r_low: torch.Tensor | float) -> torch.Tensor:
    """A high-pass stage (r_high) buffered into a low-pass stage (r_low): magnitudes multiply."""
    return highpass(freqs, r_high) * lowpass(freqs, r_low)


def leds(magnitude: torch.Tensor) -> torch.Tensor:
    """1.0 where the LED is on, 0.0 where it is off."""
    return (magnitude >= THRESHOLD).to(torch.float64)


def cutoff(R: float) -> float:
    """The corner frequency 1 / (2 pi R C) of a first-order RC stage, in Hz."""
    return 1 / (2 * math.pi * R * C)


def mse(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return torch.mean((pred - target) ** 2)


# BEGIN GRADER ONLY
def plain_mse_minimiser() -> float:
    """Q5(d): where MSE against the low pass's binary LED data is smallest, on a fine grid
    then refined: the tug of war between the on and the off samples."""
    target = leds(lowpass(FREQS, R_LP))

    def best(grid: torch.Tensor) -> float:
        losses = torch.mean((lowpass(FREQS[None, :], grid[:, None]) - target) ** 2, dim=1)
        return float(grid[int(torch.argmin(losses))])

    coarse = best(torch.linspace(1.0, 2000.0, 20_000, dtype=torch.float64))
    return best(torch.linspace(coarse - 0.2, coarse + 0.2, 4001, dtype=torch.float64))
# END GRADER ONLY


def descend(loss_and_grad: Callable[[float], tuple[float, float]], r0: float,
            steps: int = 150) -> float:
    """Minimise a loss of one resistance by descent on log R: a step against the gradient's
    sign, doubled after each success and halved until the loss does not rise. Scale-free,
    so it suits any student loss whatever its units; returns the final R."""
    theta = math.log(r0)
    value, grad = loss_and_grad(math.exp(theta))
    step = 1.0
    for _ in range(steps):
        g = grad * math.exp(theta)  # d loss / d log R
        if not np.isfinite(g) or abs(g) < 1e-14:
            break
        step = min(step * 2, 1.0)
        while step > 1e-8:
            candidate = theta - step * math.copysign(1.0, g)
            new_value, new_grad = loss_and_grad(math.exp(candidate))
            if np.isfinite(new_value) and new_value <= value:
                theta, value, grad = candidate, new_value, new_grad
                break
            step /= 2
        else:
            break
    return math.exp(theta)
