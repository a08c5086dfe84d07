"""The precision policy: when a given number counts as equal to the expected one.

Every numeric check compares through `tolerance` and `difference`, so the policy lives here:

* On the scale of the answer: |given - expected| <= tolerance * scale, entry by entry, where
  the scale is the size of the expected answer (its largest entry), or a larger natural
  scale a check knows (the size of one gradient step, say). A small entry of a large answer
  is not held to digits its computation never had.
* Each check's own `rtol` is what rounding costs a correct float64 computation of it
  (1e-9 for a formula, 1e-6 for a solve with condition number up to 1e6).
* An answer the student computed in single precision (`is_single`) is allowed float32's
  rounding magnified by the condition number of the problem it solves: SINGLE_RTOL *
  condition, and no less than the float64 `rtol`. The contract accepts a correct method
  computed in float32, and Q2's inputs have condition numbers up to 1e6: float32's 2**-24
  times 1e6 is several percent, which no fixed tolerance can allow without letting wrong
  answers through on well-conditioned inputs. Each check passes the condition number of
  its own problem (`condition_number`, `least_squares_condition`; q2.py says which and why); a
  formula passes none (1). A float64 answer keeps the tight `rtol` whatever the
  conditioning up to DOUBLE_RTOL * condition: float64's own rounding magnified the same
  way, which only Q2's ill-conditioned X (condition of X 1e4 to 1e6, so of the least-squares
  problem 1e8 to 1e12 and more) reaches; there the handout's normal equations agree to it,
  and a solver that truncates small singular values is off by far more. Every known-wrong
  answer (misconceptions.py), also computed in float32, is still caught on the
  well-conditioned inputs of its check (tests/test_feedback.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder.engine.answers import Single

# float32 keeps 24 bits: a value rounded to it is off by at most 2**-24 (6e-8) of its size.
# A correct float32 computation of a problem with condition number c is off by a few times
# 6e-8 * c (measured on Q2: at most 9x for Gamma, 3x for the solves); 2e-6 (34x) leaves
# room for the entrywise scale (the largest entry, not the norm) and any sound method.
SINGLE_RTOL = 2e-6
# float64 keeps 53 bits (2**-53, 1.1e-16). The normal equations on Q2's ill-conditioned X are
# off by at most 0.8 * 2**-52 * condition (measured on 1,200 such X); 1e-14 (45 * 2**-52)
# leaves 60x room, and rcond=1e-3 truncation is still off by over 10 times it (at 1e6).
DOUBLE_RTOL = 1e-14
# A known-wrong variant is said to explain a wrong answer when they agree this closely
# (and it differs from the reference by more): misconceptions.py.
MATCH_RTOL = 1e-6
FLOAT16_BITS = 11  # significant bits of float16; float32 has 24


def is_single(value: Any) -> bool:
    """Whether the student gave this value in single precision: the worker said so (a
    float32 array, or a `Single` number), or, for float64 values (float32 rows stacked into
    a float64 array, a float32 tensor's .tolist()), every entry is a float32 number and at
    least one is neither a whole number nor short enough for float16's 11 bits. A float32
    computation's results use their 24 bits, save by coincidence; numbers a student types
    or counts (0, 1, -2.5, 1000) are whole or short, and a float64 computation essentially
    never lands on float32 numbers."""
    if isinstance(value, Single) or getattr(value, "dtype", None) == np.float32:
        return True
    if not isinstance(value, (float, np.ndarray)):
        return False
    array = np.asarray(value, dtype=float)
    if not array.size or not np.all(np.isfinite(array)):
        return False
    with np.errstate(over="ignore"):
        if not np.all(array.astype(np.float32) == array):
            return False
    mantissa = np.frexp(array)[0]  # in [0.5, 1): as many significant bits as the entry
    long = np.ldexp(mantissa, FLOAT16_BITS) % 1 != 0
    return bool(np.any(long & (array % 1 != 0)))


def tolerance(rtol: float, given: Any, condition: float = 1.0) -> float:
    """The check's own rtol, or the answer's precision's rounding (float32's for a
    single-precision answer, float64's otherwise) times the problem's condition number when
    that is more."""
    return max(rtol, (SINGLE_RTOL if is_single(given) else DOUBLE_RTOL) * condition)


def condition_number(matrix: np.ndarray) -> float:
    """The 2-norm condition number of a square matrix: a solve with it, or its inverse,
    magnifies relative rounding of the matrix by up to this much."""
    return float(np.linalg.cond(matrix))


def least_squares_condition(gram: np.ndarray, w: np.ndarray, y_norm: float) -> float:
    """The condition number of min ||y - X w|| over w, from X^T X (`gram`), the solution w
    and ||y||: with k = cond(X), k^2 (the normal equations' own) + 2k / cos(theta) +
    k^2 tan(theta), theta the angle between y and X w (Golub and Van Loan, Matrix
    Computations, Theorem 5.3.1): a residual the fit leaves behind makes the solution more
    sensitive. w = 0 (X^T y = 0 exactly): k^2, as every sound method returns 0 exactly."""
    k = float(np.sqrt(condition_number(gram)))
    fit = float(np.sqrt(max(w @ gram @ w, 0.0)))  # ||X w||
    if fit == 0:
        return k * k
    residual = np.sqrt(max(y_norm**2 - fit**2, 0.0))  # ||y - X w||, orthogonal to X w
    return k * k + 2 * k * y_norm / fit + k * k * residual / fit


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


def close(given: Any, expected: Any, rtol: float, scale: float | None = None,
          condition: float = 1.0) -> bool:
    """The policy's verdict: equal up to the tolerance for this given value."""
    return difference(given, expected, scale) <= tolerance(rtol, given, condition)


def allowed(rtol: float, given: Any, condition: float = 1.0) -> str:
    """The tolerance as feedback says it."""
    tol = tolerance(rtol, given, condition)
    if tol <= rtol:
        return short_number(tol)
    if not is_single(given):
        return (f"{short_number(tol)} (float64 rounding times this problem's condition "
                f"number, {short_number(condition)})")
    why = "float32 rounding" if condition <= 1 else \
        f"float32 rounding times this problem's condition number, {short_number(condition)}"
    return f"{short_number(tol)} (the answer is in single precision: {why})"


def short_number(number: float) -> str:
    """A tolerance or condition number as feedback writes it: 2e-6, 1e6."""
    return f"{number:.0e}".replace("e-0", "e-").replace("e+0", "e")
