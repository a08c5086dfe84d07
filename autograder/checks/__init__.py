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
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from hypothesis import strategies as st

from autograder.checks import fixtures, precision
from autograder.checks.policy import policy
from autograder.checks.props import (
    Failure,
    Mismatch,
    draw_examples,
    first_failure,
    smallest_failure,
)

HW0_PY = "hw0.py"
DIAGNOSIS_INPUTS = 4  # drawn inputs a likely cause must also explain (misconceptions.py)
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
    uses: tuple[str, ...] = ()  # student functions its answer builds on (`uses`)


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
                visibility=shown, kit=kit, run=fn, uses=getattr(fn, "__uses__", ())))
    return found


def uses(*functions: str) -> Callable[[Callable[..., str]], Callable[..., str]]:
    """Declare the student functions a check's answer builds on: the function it tests
    calls them, or the answer it reads was computed with them. When both fail, its feedback
    says which to fix first (autograder/feedback.py)."""
    def mark(fn: Callable[..., str]) -> Callable[..., str]:
        fn.__uses__ = functions
        return fn

    return mark


def questions() -> tuple[types.ModuleType, ...]:
    """The check modules, one per question: the only list of the questions. Everything else
    (all_checks, and verify, margins, mutate and the tests) reads them from here."""
    from autograder.checks import q1, q2, q3, q4, q5, q6

    return (q1, q2, q3, q4, q5, q6)


def all_checks() -> list[Check]:
    """Every check of the homework, sorted by number."""
    checks = [c for m in questions() for c in collect(m)]
    return sorted(checks, key=lambda c: tuple(int(x) for x in c.number.split(".")))


def declared(name: str) -> list[Any]:
    """What each check module declares under `name`, in question order (modules that
    declare nothing left out): the grader-only declarations of docs/staff.md's recipe,
    TOLERANCES, REFERENCE_PROPERTIES, MUTATED and SAMPLE (checks/evidence.py)."""
    return [getattr(m, name) for m in questions() if hasattr(m, name)]


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
    from autograder.checks.misconceptions import REFERENCE_DIR

    spec = importlib.util.spec_from_file_location("hw0_reference", REFERENCE_DIR / HW0_PY)
    module = importlib.util.module_from_spec(spec)
    writes, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no reference/__pycache__
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = writes
    return module
# KIT: def reference_module() -> types.ModuleType:
# KIT:     raise LookupError("the kit has no reference: its recorded outputs are not loaded")
# END GRADER ONLY


# ---------------------------------------------------------------- comparing and explaining

MAX_SHOWN = 60  # entries of an array printed in full; a larger one is summarised


def show(value: Any) -> str:
    """A value as Python that rebuilds it exactly (full float64 precision), so a student can
    paste it; an array larger than MAX_SHOWN entries is summarised as numpy prints it (its
    corners, 6 decimals), and says so."""
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
        corners = np.array2string(array, max_line_width=88, precision=6, separator=", ",
                                  threshold=0, edgeitems=3, prefix="    ")
        return (f"an array of shape {array.shape}, too large to print in full; "
                f"in short:\n    {corners}")
    if array.ndim == 2:  # one row a line, as a student would type it
        body = "[" + ",\n          ".join(repr(row) for row in array.tolist()) + "]"
    else:
        body = repr(array.tolist())
    shape = f"  # shape {array.shape}"
    return f"np.array({body}){shape}"


def where_largest(given: Any, expected: Any) -> str:
    """Where two arrays of one shape differ most: the index and both entries there, which a
    summary of a large array would not show ("" for a number or differing shapes)."""
    given_a, expected_a = np.asarray(given, dtype=float), np.asarray(expected, dtype=float)
    if given_a.shape != expected_a.shape or given_a.ndim == 0 or given_a.size == 0:
        return ""
    at = np.unravel_index(np.argmax(np.abs(given_a - expected_a)), given_a.shape)
    index = ", ".join(str(int(i)) for i in at)
    return (f"\n  largest difference at [{index}]: expected {float(expected_a[at])!r}, "
            f"given {float(given_a[at])!r}")


def assert_close(what: str, given: Any, expected: Any, rtol: float,
                 scale: float | None = None, condition: float = 1.0,
                 scale_is: str = "the largest expected entry") -> None:
    """Raise Mismatch unless given equals expected under the precision policy (precision.py):
    |given - expected| <= tolerance * scale entrywise, where scale is the size of the
    expected answer unless the caller gives one (1: entries of order one, the difference is
    said as it is; any other is said as `scale_is`, what it measures), and the tolerance
    grows with the problem's `condition` number for a single-precision answer."""
    if precision.close(given, expected, rtol, scale, condition):
        return
    found = precision.difference(given, expected, scale)
    if np.isinf(found):
        gap = "the shapes differ"
    elif (precision.scale_of(expected) if scale is None else scale) == 0:
        gap = f"off by {precision.difference(given, expected, 1.0):.2g} where the answer is 0"
    elif scale is None:
        gap = f"largest difference {found:.2g} of the answer's size; allowed " \
              + precision.allowed(rtol, given, condition)
    elif scale == 1:  # entries of order 1 (magnitudes of a transfer function)
        gap = f"largest difference {found:.2g}; allowed " \
              + precision.allowed(rtol, given, condition)
    else:  # the check's own scale: say the difference, what the scale is, the share allowed
        gap = (f"largest difference {found * scale:.2g}, where {scale_is} is {scale:.2g}; "
               "allowed " + precision.allowed(rtol, given, condition) + " of that")
    raise Mismatch(f"{what} is wrong ({gap}).{where_largest(given, expected)}\n"
                   f"  expected: {show(expected)}\n  given:    {show(given)}")


def explain(failure: Failure, names: str) -> str:
    """The smallest failing input and what went wrong with it, as feedback: Python lines
    that rebuild the input, in the order `names` gives them (the function's signature)."""
    order = re.findall(r"\w+", names)
    inputs = "\n".join(f"{k} = {show(failure.example[k])}"
                       for k in sorted(set(failure.example) & set(order), key=order.index))
    return f"{failure.message}\nSmallest failing input ({names}):\n{inputs}"


def holds(strategy: st.SearchStrategy, prop: Callable[[dict], None], names: str,
          diagnose: Callable[[dict, list[dict]], str | None] | None = None,
          examples: int = 40) -> str:
    """Check a property on drawn inputs (in the student kit, on its recorded public inputs):
    the verdict for a passing check, or a Mismatch carrying the smallest failing input and,
    when `diagnose` recognises the answer on it and on DIAGNOSIS_INPUTS more, a "Likely
    cause:" line (misconceptions.py; the grader's only: the kit has no reference)."""
    if fixtures.active is None:
        failure, tried = smallest_failure(strategy, prop, examples), f"{examples} generated"
        cause = (diagnose(failure.example, draw_examples(strategy, DIAGNOSIS_INPUTS))
                 if failure is not None and diagnose else None)
    else:
        inputs = fixtures.active.examples(strategy, prop)
        failure, tried, cause = first_failure(inputs, prop), f"{len(inputs)} public", None
    if failure is not None:
        mismatch = Mismatch(explain(failure, names) + (f"\n{cause}" if cause else ""))
        mismatch.unfinished = failure.unfinished
        raise mismatch
    return f"Right on {tried} inputs."


def likely_cause(student: Any, function: str, args: Callable[[dict], tuple] | None = None
                 ) -> Callable[[dict, list[dict]], str | None] | None:
    """For `holds`: what names the misconception behind a wrong answer of `function`
    (misconceptions.likely_cause). None in the student kit, which has no reference to
    diagnose with, and while build-kit records it."""
    if fixtures.active is not None:
        return None
    # BEGIN GRADER ONLY
    from autograder.checks.misconceptions import likely_cause as diagnose

    return diagnose(student, function, args)
    # KIT: return None
    # END GRADER ONLY


def form_only(what: str) -> str:
    """The verdict of a check the student kit makes for form only (policy.py)."""
    return f"Well-formed: {what}. Its value is checked on Gradescope only."


__all__ = ["holds", "Check", "Mismatch", "all_checks", "assert_close", "collect", "explain",
           "declared", "form_only", "likely_cause", "questions", "reference", "show", "uses",
           "HW0_PY", "NOTEBOOK"]
