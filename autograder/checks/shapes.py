"""Likely causes from the shape of the error, for wrong answers the misconceptions table
does not list (Q1, Q2, Q4's hw0.py functions).

When no known-wrong variant explains a wrong answer (misconceptions.matching), the relation
between the student's answer and the expected one may still say what went wrong: it is the
expected answer times a constant (2, 1/2, -1, 2 pi, alpha = the largest singular value of
F, alpha^2, eta, ...), its transpose, the expected answer with a block of rows left as zeros,
or what one step more or fewer gives. A shape is named only when it explains every failing
input the diagnosis saw (the smallest failing one and the drawn ones on which the answer is
wrong too), never where the answer is right: the expected answer is not itself of that shape
(a symmetric matrix is its own transpose, a zero answer is any multiple of itself). It uses
the answers the diagnosis already has: no call to the student. Grader only (the kit has no
reference). Never for a function whose check shows no expected value (FORM rows of
policy.py: 1.3 max_stable_lr, 4.13 elbows, 4.14 sgd_new_elbows): a factor and the student's
own value would give the answer away.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.checks import precision, reference

Explain = Callable[[dict[str, Any], Any, Any], set[str]]  # (arguments, given, expected)
ANSWER_NOT_SHOWN = ("max_stable_lr", "elbows", "sgd_new_elbows")
_FIXED = {"2": 2.0, "1/2": 0.5, "-1": -1.0, "-2": -2.0, "2 pi": 2 * math.pi,
          "1/(2 pi)": 1 / (2 * math.pi), "pi": math.pi}


def _close(given: Any, expected: Any) -> bool:
    """Equal within the table's matching tolerance (float32 rounding for a float32 answer)."""
    try:
        off = precision.difference(given, expected)
    except (TypeError, ValueError):
        return False
    return off <= precision.tolerance(precision.MATCH_RTOL, given)


def _arrays(value: Any) -> list[np.ndarray] | None:
    """A plain answer as float arrays: one, or one per element of a pair."""
    items = value if isinstance(value, list | tuple) else [value]
    try:
        return [np.asarray(v, dtype=float) for v in items]
    except (TypeError, ValueError):
        return None


def _factors(args: dict[str, Any]) -> dict[str, float]:
    """The constants a slip multiplies by: fixed ones, and alpha (the largest singular value
    of F), alpha^2, their inverses, and eta when the function takes them."""
    found = dict(_FIXED)
    if isinstance(args.get("F"), np.ndarray) and args["F"].ndim == 2 and args["F"].size:
        alpha = float(np.linalg.norm(args["F"], 2))
        if alpha > 0:
            found |= {"alpha (the largest singular value of F)": alpha,
                      "alpha^2": alpha**2, "1/alpha": 1 / alpha, "1/alpha^2": 1 / alpha**2}
    if isinstance(args.get("eta"), float) and args["eta"] > 0:
        found |= {"eta": args["eta"], "1/eta": 1 / args["eta"]}
    return found


def _factor_causes(args: dict[str, Any], given: Any, expected: Any) -> set[str]:
    """Each named constant c with given = c * expected (expected not zero; c not 1)."""
    g, e = _arrays(given), _arrays(expected)
    if g is None or e is None or len(g) != len(e) or any(
            a.shape != b.shape for a, b in zip(g, e, strict=True)):
        return set()
    if precision.scale_of(e[0] if len(e) == 1 else np.concatenate([x.ravel() for x in e])) == 0:
        return set()
    return {f"your answer is the expected one times {name}: look for a factor too many or "
            "too few (a constant, a norm or a square)."
            for name, c in _factors(args).items()
            if not _close(expected, [c * x for x in e] if len(e) > 1 else c * e[0])
            and _close(given, [c * x for x in e] if len(e) > 1 else c * e[0])}


def _transpose_causes(args: dict[str, Any], given: Any, expected: Any) -> set[str]:
    g, e = _arrays(given), _arrays(expected)
    if g is None or e is None or len(g) != 1 or len(e) != 1 or e[0].ndim != 2:
        return set()
    if g[0].shape != e[0].T.shape or _close(e[0], e[0].T) or not _close(g[0], e[0].T):
        return set()
    return {"your answer is the transpose of the expected matrix: a .T left out or one too "
            "many (which side of the product does each factor go?)."}


def _zero_rows_causes(args: dict[str, Any], given: Any, expected: Any) -> set[str]:
    """The answer equals the expected one except a block of whole rows it left as zeros."""
    g, e = _arrays(given), _arrays(expected)
    if g is None or e is None or len(g) != len(e):
        return set()
    found = set()
    for which, (a, b) in enumerate(zip(g, e, strict=True)):
        if a.shape != b.shape or a.ndim != 2 or _close(a, b):
            continue
        tol = precision.tolerance(precision.MATCH_RTOL, a) * max(precision.scale_of(b), 1e-300)
        rows = np.flatnonzero(np.any(np.abs(a - b) > tol, axis=1))
        if not (rows.size and np.all(a[rows] == 0) and rows[-1] - rows[0] + 1 == len(rows)):
            return set()
        part = f"of the {('first', 'second')[which]} array you return " if len(g) > 1 else ""
        found.add(f"the last rows {part}are zeros where the expected answer has a block "
                  "of nonzero values: a block left as zeros (np.zeros where a matrix "
                  "belongs)." if rows[-1] == a.shape[0] - 1 else
                  f"a block of rows {part}is zeros where the expected answer has nonzero "
                  "values: a block left as zeros (np.zeros where a matrix belongs).")
    return found if len(found) == 1 else set()


def _step_causes(function: str) -> Explain:
    def causes(args: dict[str, Any], given: Any, expected: Any) -> set[str]:
        from autograder.engine.worker import to_plain  # as the student's answer arrives

        k = args.get("k")
        if not isinstance(k, int) or isinstance(k, bool):
            return set()
        found = set()
        for shift, word, sign in ((1, "more", "+"), (-1, "fewer", "-")):
            if k + shift < 0:
                continue
            moved = dict(args, k=k + shift)
            value = to_plain(getattr(reference(), function)(*moved.values()))
            if not _close(expected, value) and _close(given, value):
                found.add(f"your answer is what one step {word} gives (k {sign} 1 steps): "
                          "check where the count of steps starts and ends.")
        return found
    return causes


def shape_causes(function: str, call: tuple, given: Any, expected: Any) -> set[str]:
    """Every shape of error that explains one failing input: the call's arguments, the
    student's answer and the reference's."""
    if function in ANSWER_NOT_SHOWN:
        return set()
    names = list(inspect.signature(getattr(reference(), function)).parameters)
    args = dict(zip(names, call, strict=False))
    kinds: list[Explain] = [_factor_causes, _transpose_causes, _zero_rows_causes,
                            _step_causes(function)]
    found: set[str] = set()
    with np.errstate(all="ignore"):  # an infinite elbow, say: it explains nothing
        for kind in kinds:
            try:
                found |= kind(args, given, expected)
            except Exception:  # noqa: BLE001 - a diagnosis never costs the check its verdict
                continue
    return found


def shape_cause(function: str, calls: list[tuple], given: list[Any],
                expected: list[Any]) -> str | None:
    """The one shape of error that explains every failing input (`shape_causes` of each
    call with the student's and the reference's answer there). None when no shape, or more
    than one, explains them all."""
    causes: set[str] | None = None
    for call, g, e in zip(calls, given, expected, strict=True):
        found = shape_causes(function, call, g, e)
        causes = found if causes is None else causes & found
        if not causes:
            return None
    return causes.pop() if causes and len(causes) == 1 else None
