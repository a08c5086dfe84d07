"""What a check module declares, beside its checks, for the staff tools (docs/staff.md,
"Adding or changing a question"); the grader's only: a module declares these inside its
`# BEGIN GRADER ONLY` block, so the student kit neither ships nor imports them.

* `tolerances()`: a `Tolerance` for each numeric tolerance, with how its checks measure an
  answer's error and the documented correct approaches (verify's (f), staff/margins.py);
* `REFERENCE_PROPERTIES`: the pytest files proving the reference's own properties (verify's (a));
* `MUTATED`: the reference's functions and constants `mutate` changes, with their part;
  `REVIEWED_CORRECT`: its survivors a TA has read and found right, with why;
* `equivalence_sample()`: the (function, arguments) calls on which a mutant equal to the
  reference is set aside as equivalent; arguments None: a constant, compared as it is;
* `documented_margins()`: tolerances held against documented approaches' recorded values
  rather than drawn inputs (Q5's, whose training is too slow to repeat in verify).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

FLOAT64_ONLY = "float64: "  # the label of an approach with no float32 form
Fn = Callable[..., Any]


@dataclass(frozen=True)
class Tolerance:
    """One tolerance and how its checks measure an answer's error."""

    name: str  # e.g. "Q1 RTOL (1.1 1.2)"
    constant: tuple[Any, str]  # (check module, name): read when the row is computed
    strategy: Callable[[], Any]
    functions: tuple[str, ...]
    args: Callable[[str, dict], tuple | None]  # None: the check never asks this input
    # (function, given value, input) -> (difference as the check measures it, condition)
    measure: Callable[[str, Any, dict], tuple[float, float]]
    alternatives: dict[str, dict[str, Fn]]  # documented correct approaches, by label
    # Known-wrong variants wrong only in float64 (a piece computed in float32): in float32
    # throughout they are the reference in single precision, so float32 rows leave them out.
    precision_only: frozenset[str] = frozenset()

    def rtol(self) -> float:
        """The constant's value now (a test may patch it)."""
        return getattr(*self.constant)


def difference(given: Any, expected: Any, scale: float | None = None) -> float:
    """precision.difference, inf where the answer cannot be compared (a wrong shape or type)."""
    from autograder.checks import precision

    try:
        return precision.difference(given, expected, scale)
    except (TypeError, ValueError):
        return float("inf")
