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


def show(value: Any) -> str:
    """A value as the student should read it: full precision, bounded length."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=17, max_line_width=100, threshold=60)
    else:
        text = repr(value)
    return text if len(text) <= 1500 else text[:1500] + " ..."


def assert_close(what: str, given: Any, expected: Any, rtol: float,
                 scale: float | None = None) -> None:
    """Raise Mismatch unless |given - expected| <= rtol * scale entrywise, where scale is
    the size of the expected answer unless the caller knows a better one."""
    given_a, expected_a = np.asarray(given, float), np.asarray(expected, float)
    if scale is None:
        scale = float(np.max(np.abs(expected_a), initial=0.0))
    if given_a.shape != expected_a.shape or not np.all(
            np.abs(given_a - expected_a) <= rtol * max(scale, 1e-300)):
        raise Mismatch(f"{what} is wrong.\n  expected: {show(expected)}\n  given:    "
                       f"{show(given)}\n  (entries may differ by {rtol:g} relative)")


def explain(failure: Failure, names: str) -> str:
    """The smallest failing input and what went wrong with it, as feedback."""
    inputs = "\n".join(f"  {k} = {show(v)}" for k, v in failure.example.items()
                       if re.search(rf"\b{re.escape(k)}\b", names))
    return f"{failure.message}\nSmallest failing input ({names}):\n{inputs}"


def holds(strategy: st.SearchStrategy, prop: Callable[[dict], None], names: str,
          examples: int = 40) -> str:
    """Check a property on drawn inputs: the verdict for a passing check, or a Mismatch
    carrying the smallest failing input."""
    failure = smallest_failure(strategy, prop, examples)
    if failure is not None:
        raise Mismatch(explain(failure, names))
    return f"Right on {examples} generated inputs."


__all__ = ["holds", "Check", "Mismatch", "all_checks", "assert_close", "collect", "explain",
           "reference", "show", "HW0_PY", "NOTEBOOK"]
