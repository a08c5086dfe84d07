"""The checks, one module per question, and what they share.

A check is a function taking the `Student` for its file. It returns a short sentence when
the answer is right and raises `Mismatch` or `SubmissionError` (whose text the student
reads) when it is not. gradescope-utils' decorators give it its weight, number, part tag
and visibility, exactly as they would on a unittest method; our runner (grade.py) reads
them, because student code must run in the sandbox, not inside unittest.
"""

from __future__ import annotations

import importlib.util
import re
import types
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import strategies as st

from autograder.checks import precision
from autograder.checks.props import Failure, Mismatch, smallest_failure

HW0_PY = "hw0.py"
NOTEBOOK = "color_organ_learning.ipynb"
REFERENCE_DIR = Path(__file__).resolve().parents[2] / "reference"


@dataclass(frozen=True)
class Check:
    """One line of results.json."""

    number: str
    title: str
    part: str
    max_score: float
    file: str
    visibility: str
    run: Callable[..., str]


def collect(module: types.ModuleType) -> list[Check]:
    """The decorated check functions of a module, in the order they are defined."""
    found = []
    for fn in vars(module).values():
        if callable(fn) and hasattr(fn, "__number__") and hasattr(fn, "__weight__"):
            found.append(Check(
                number=fn.__number__, title=(fn.__doc__ or fn.__name__).strip().splitlines()[0],
                part=fn.__tags__[0], max_score=float(fn.__weight__), file=module.FILE,
                visibility=getattr(fn, "__visibility__", "visible"), run=fn))
    return found


def all_checks() -> list[Check]:
    """Every check of the homework, sorted by number."""
    from autograder.checks import q1, q2, q3, q4, q5, q6

    checks = [c for m in (q1, q2, q3, q4, q5, q6) for c in collect(m)]
    return sorted(checks, key=lambda c: tuple(int(x) for x in c.number.split(".")))


@cache
def reference() -> types.ModuleType:
    """The reference hw0.py, imported in the trusted process (it is our code)."""
    spec = importlib.util.spec_from_file_location("hw0_reference", REFERENCE_DIR / HW0_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- comparing and explaining

MAX_SHOWN = 60  # entries of an array printed in full; a larger one is summarised


def show(value: Any) -> str:
    """A value as Python that rebuilds it exactly (full float64 precision), so a student can
    paste it; an array larger than MAX_SHOWN entries is summarised, and says so."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return repr(float(value))
    if not isinstance(value, np.ndarray):
        text = repr(value)
        return text if len(text) <= 1500 else text[:1500] + " ... (cut)"
    array = np.asarray(value, dtype=float)
    if array.size == 0:
        return f"np.zeros({array.shape})"
    if array.size > MAX_SHOWN:
        first = ", ".join(repr(float(v)) for v in array.ravel()[:8])
        return (f"(too large to print in full: an array of shape {array.shape}; "
                f"its first entries, row by row: {first}, ...)")
    if array.ndim == 2:  # one row a line, as a student would type it
        body = "[" + ",\n          ".join(repr(row) for row in array.tolist()) + "]"
    else:
        body = repr(array.tolist())
    shape = f"  # shape {array.shape}"
    return f"np.array({body}){shape}"


def assert_close(what: str, given: Any, expected: Any, rtol: float,
                 scale: float | None = None) -> None:
    """Raise Mismatch unless given equals expected under the precision policy (precision.py):
    |given - expected| <= tolerance * scale entrywise, where scale is the size of the
    expected answer unless the caller knows a better one."""
    if precision.close(given, expected, rtol, scale):
        return
    found = precision.difference(given, expected, scale)
    if np.isinf(found):
        gap = "the shapes differ"
    elif (precision.scale_of(expected) if scale is None else scale) == 0:
        gap = f"off by {precision.difference(given, expected, 1.0):.2g} where the answer is 0"
    else:
        gap = f"largest difference {found:.2g} of the answer's size; allowed " \
              + precision.allowed(rtol, given)
    raise Mismatch(f"{what} is wrong ({gap}).\n  expected: {show(expected)}\n"
                   f"  given:    {show(given)}")


def explain(failure: Failure, names: str) -> str:
    """The smallest failing input and what went wrong with it, as feedback: Python lines
    that rebuild the input."""
    inputs = "\n".join(f"{k} = {show(v)}" for k, v in failure.example.items()
                       if re.search(rf"\b{re.escape(k)}\b", names))
    return f"{failure.message}\nSmallest failing input ({names}):\n{inputs}"


def holds(strategy: st.SearchStrategy, prop: Callable[[dict], None], names: str,
          diagnose: Callable[[dict], str | None] | None = None, examples: int = 40) -> str:
    """Check a property on drawn inputs: the verdict for a passing check, or a Mismatch
    carrying the smallest failing input and, when `diagnose` recognises the answer on it, a
    "Likely cause:" line (misconceptions.py)."""
    failure = smallest_failure(strategy, prop, examples)
    if failure is not None:
        cause = diagnose(failure.example) if diagnose else None
        raise Mismatch(explain(failure, names) + (f"\n{cause}" if cause else ""))
    return f"Right on {examples} generated inputs."


__all__ = ["holds", "Check", "Mismatch", "all_checks", "assert_close", "collect", "explain",
           "reference", "show", "HW0_PY", "NOTEBOOK"]
