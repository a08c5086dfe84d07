"""The precision policy: when a given number counts as equal to the expected one.

Every numeric check compares through `tolerance` and `difference`, so the policy lives here:

* On the scale of the answer: |given - expected| <= tolerance * scale, entry by entry, where
  the scale is the size of the expected answer (its largest entry), or a larger natural
  scale a check knows (the size of one gradient step, say). A small entry of a large answer
  is not held to digits its computation never had.
* Each check's own `rtol` is what rounding costs a correct float64 computation of it
  (1e-9 for a formula, 1e-6 for a solve with condition number up to 1e6).
* An answer the student returned in single precision (a float32 array or tensor, which the
  worker reports, or float64 holding only float32 numbers, as float32 rows stacked into a
  float64 array) is allowed float32's rounding as well,
  `SINGLE_RTOL`, and no more: the contract accepts float32 from functions, and a correct
  value cast to float32 is off by up to 6e-8 of its size. The flag can only loosen a check
  to SINGLE_RTOL; every known-wrong answer (autograder/checks/misconceptions.py) is off by
  far more than that (tests/test_feedback.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder.engine.student import Single

# float32 keeps 24 bits: a value rounded to it is off by at most 2**-24 (6e-8) of its size;
# a few single-precision operations after the last float64 one cost a few times that.
SINGLE_RTOL = 2e-6
# A known-wrong variant is said to explain a wrong answer when they agree this closely
# (and it differs from the reference by more): misconceptions.py.
MATCH_RTOL = 1e-6


def is_single(value: Any) -> bool:
    """Whether the student gave this value in single precision: the worker said so (a
    float32 array, or a `Single` number), or every entry is a float32 number, as when float32
    rows were stacked into a float64 array (a float64 computation essentially never gives
    that)."""
    if isinstance(value, Single) or getattr(value, "dtype", None) == np.float32:
        return True
    if not isinstance(value, (float, np.ndarray)):
        return False
    array = np.asarray(value, dtype=float)
    with np.errstate(over="ignore"):
        return bool(array.size and np.all(array.astype(np.float32) == array))


def tolerance(rtol: float, given: Any) -> float:
    """The check's own rtol, widened to float32's rounding for a single-precision answer."""
    return max(rtol, SINGLE_RTOL) if is_single(given) else rtol


def scale_of(expected: Any) -> float:
    """The size of an answer: its largest entry in absolute value (0 for an empty one)."""
    return float(np.max(np.abs(np.asarray(expected, dtype=float)), initial=0.0))


def difference(given: Any, expected: Any, scale: float | None = None) -> float:
    """The largest entrywise |given - expected|, relative to `scale` (default: the expected
    answer's size); inf when the shapes differ."""
    given_a, expected_a = np.asarray(given, dtype=float), np.asarray(expected, dtype=float)
    if given_a.shape != expected_a.shape:
        return float("inf")
    scale = scale_of(expected_a) if scale is None else scale
    largest = float(np.max(np.abs(given_a - expected_a), initial=0.0))
    return largest / max(scale, 1e-300) if largest else 0.0


def close(given: Any, expected: Any, rtol: float, scale: float | None = None) -> bool:
    """The policy's verdict: equal up to the tolerance for this given value."""
    return difference(given, expected, scale) <= tolerance(rtol, given)


def allowed(rtol: float, given: Any) -> str:
    """The tolerance as feedback says it."""
    tol = tolerance(rtol, given)
    text = f"{tol:.0e}".replace("e-0", "e-")
    return text + (" (the answer is in single precision: float32 rounding allowed)"
                   if tol > rtol else "")
