"""The checks, one module per question, and what they share.

A check is a function taking the `Student` for its file. It returns a short sentence when
the answer is right and raises `Mismatch` or `SubmissionError` (whose text the student
reads) when it is not. gradescope-utils' decorators give it its weight, number and part
tag, exactly as they would on a unittest method; our runner (grade.py) reads them, because
student code must run in the sandbox, not inside unittest. Where it ships in the student
kit and what Gradescope shows of it: the table in policy.py.
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

from autograder.checks import fixtures
from autograder.checks.policy import policy
from autograder.checks.props import Failure, Mismatch, first_failure, smallest_failure

HW0_PY = "hw0.py"
NOTEBOOK = "color_organ_learning.ipynb"


@dataclass(frozen=True)
class Check:
    """One line of results.json."""

    number: str
    title: str
    part: str
    max_score: float
    file: str
    visibility: str  # on Gradescope: visible, after_due_date or hidden (policy.py)
    kit: str  # in the student kit: full, form or none (policy.py)
    run: Callable[..., str]


def collect(module: types.ModuleType) -> list[Check]:
    """The decorated check functions of a module, in the order they are defined, with their
    row of the policy table."""
    found = []
    for fn in vars(module).values():
        if callable(fn) and hasattr(fn, "__number__") and hasattr(fn, "__weight__"):
            kit, shown = policy(fn.__number__)
            found.append(Check(
                number=fn.__number__, title=(fn.__doc__ or fn.__name__).strip().splitlines()[0],
                part=fn.__tags__[0], max_score=float(fn.__weight__), file=module.FILE,
                visibility=shown, kit=kit, run=fn))
    return found


def all_checks() -> list[Check]:
    """Every check of the homework, sorted by number."""
    from autograder.checks import q1, q2, q3, q4, q5, q6

    checks = [c for m in (q1, q2, q3, q4, q5, q6) for c in collect(m)]
    return sorted(checks, key=lambda c: tuple(int(x) for x in c.number.split(".")))


def reference() -> types.ModuleType:
    """The reference hw0.py, imported in the trusted process (it is our code); while
    build-kit records, and in the student kit, its recorded stand-in (fixtures.py)."""
    if fixtures.active is not None:
        return fixtures.active.reference()
    return reference_module()


# BEGIN GRADER ONLY
@cache
def reference_module() -> types.ModuleType:
    """reference/hw0.py itself."""
    path = Path(__file__).resolve().parents[2] / "reference" / HW0_PY
    spec = importlib.util.spec_from_file_location("hw0_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
# KIT: def reference_module() -> types.ModuleType:
# KIT:     raise LookupError("the kit has no reference: its recorded outputs are not loaded")
# END GRADER ONLY


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
    """Check a property on drawn inputs (in the student kit, on its recorded public inputs):
    the verdict for a passing check, or a Mismatch carrying the smallest failing input."""
    if fixtures.active is None:
        failure, tried = smallest_failure(strategy, prop, examples), f"{examples} generated"
    else:
        inputs = fixtures.active.examples(strategy, prop)
        failure, tried = first_failure(inputs, prop), f"{len(inputs)} public"
    if failure is not None:
        raise Mismatch(explain(failure, names))
    return f"Right on {tried} inputs."


def form_only(what: str) -> str:
    """The verdict of a check the student kit makes for form only (policy.py)."""
    return f"Well-formed: {what}. Its value is checked on Gradescope only."


__all__ = ["holds", "Check", "Mismatch", "all_checks", "assert_close", "collect", "explain",
           "form_only", "reference", "show", "HW0_PY", "NOTEBOOK"]
