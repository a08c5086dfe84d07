"""verify's (f): each numeric tolerance the check modules declare, with the evidence on both
sides.

For each tolerance (a check module's `tolerances()`, checks/evidence.py), on the inputs its
checks draw (their own strategies, DRAWN examples, derandomised), one row: the largest error
of the correct approaches (the reference, the correct alternatives of misconceptions.py, and
the ones the tolerance documents: pinv, Woodbury, an SVD's alpha...), and the smallest error
of the nearest known-wrong variant (misconceptions.py's, of the same functions; a variant's
error is its largest over the inputs, what the check finds). The tolerance must lie between
them: at or above every correct error, below the nearest wrong one. The float64 row holds
the check's rtol (errors divided by how far float64's tolerance grows past it with the
condition number, precision.DOUBLE_RTOL); the float32 row holds the same approaches computed
in single precision to SINGLE_RTOL, errors per unit of the problem's condition number
(precision.py). Errors are measured as the check measures them (its scale, its transform:
Gamma^T Gamma for gamma_from_sigma). Everything runs here, in the trusted process: the
reference and the variants are our code. Tolerances are read when the rows are computed, so
a patched constant shows in its row.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from autograder.checks.evidence import FLOAT64_ONLY, Fn, Tolerance

DRAWN = 40  # inputs per tolerance, as many as a check draws
# A tolerance is tight when its nearest wrong variant is within this factor: a tolerance
# loosened this much lets a known-wrong answer through, and its row fails.
TIGHT = 10.0


def tolerances() -> list[Tolerance]:
    """Every tolerance the check modules declare (their `tolerances()`), in question order."""
    from autograder.checks import declared

    return [t for make in declared("tolerances") for t in make()]


def precision_only() -> frozenset[str]:
    """The known-wrong variants wrong only in float64 (a piece computed in float32, or a
    solver wrong only where float32 cannot solve at all), of every tolerance."""
    return frozenset(name for t in tolerances() for name in t.precision_only)


def _single(fn: Fn) -> Fn:
    """`fn` computed in float32: float inputs rounded to it (integer ones, labels or
    counts, kept as they are), the result kept in it."""

    def run(*args: Any) -> Any:
        cast = [a.astype(np.float32) if isinstance(a, np.ndarray) and a.dtype.kind == "f"
                else np.float32(a) if isinstance(a, float) else a for a in args]
        with np.errstate(all="ignore"):
            return np.asarray(fn(*cast), dtype=np.float32)

    return run


def approaches(t: Tolerance) -> tuple[dict[str, dict[str, Fn]], dict[str, dict[str, Fn]]]:
    """(correct, wrong): label -> function name -> callable, for t's functions."""
    from autograder.checks import reference
    from autograder.checks.anchors import NotApplicable
    from autograder.checks.misconceptions import MUTANTS, mutated

    def functions(module: Any) -> dict[str, Fn]:
        return {f: getattr(module, f) for f in t.functions}

    correct = {"reference": functions(reference()), **t.alternatives}
    wrong = {}
    for m in MUTANTS:
        if m.function in t.functions:
            try:
                module = mutated(m.name)
            except NotApplicable:  # the reference changed there: verify's (d) row says so
                continue
            (wrong if m.fails else correct)[m.name] = {m.function: getattr(module, m.function)}
    return correct, wrong


def largest_errors(t: Tolerance, chosen: dict[str, dict[str, Fn]], single: bool,
                   inputs: list[dict]) -> dict[str, float]:
    """Each approach's largest error over the inputs (per unit of condition in float32)."""
    found = {}
    for label, fns in chosen.items():
        if single and (label.startswith(FLOAT64_ONLY) or label in t.precision_only):
            continue
        worst = 0.0
        for function, fn in fns.items():
            for p in inputs:
                call = t.args(function, p)
                if call is None:
                    continue
                try:
                    given = (_single(fn) if single else fn)(*call)
                except Exception:  # noqa: BLE001 - a wrong variant may fail on an input
                    worst = float("inf")
                    continue
                error, condition = t.measure(function, given, p)
                worst = max(worst, error / _growth(t, single, condition))
        found[label] = worst
    return found


def _growth(t: Tolerance, single: bool, condition: float) -> float:
    """What an error is divided by before it meets its row's tolerance: the condition number
    in float32; in float64, how far the tolerance grows past rtol with it (DOUBLE_RTOL x
    condition / rtol, when above 1: Q2's ill-conditioned X)."""
    from autograder.checks import precision

    return condition if single else max(1.0, precision.DOUBLE_RTOL * condition / t.rtol())


@cache
def evidence(name: str, single: bool) -> tuple[str, float, str | None, float]:
    """(worst correct approach, its error, nearest wrong variant, its error) of the
    tolerance named `name`, on its drawn inputs; computed once per process (the tolerance
    itself is read by `margin`, so a patched constant is judged on the same evidence)."""
    from autograder.checks.props import draw_examples

    t = next(t for t in tolerances() if t.name == name)
    inputs = draw_examples(t.strategy(), DRAWN)
    correct, wrong = approaches(t)
    good = largest_errors(t, correct, single, inputs)
    bad = largest_errors(t, wrong, single, inputs)
    worst = max(good, key=good.get)
    nearest = min(bad, key=bad.get) if bad else None
    return worst, good[worst], nearest, bad[nearest] if nearest else float("inf")


def judged(what: str, worst: str, low: float, tol: float, nearest: str | None, high: float
           ) -> tuple[str, str, str, bool]:
    """One (f) row: correct <= tolerance < wrong <= TIGHT x tolerance, with both ratios (the
    worst correct error and the nearest wrong one, each over the tolerance)."""
    ok = low <= tol < high <= TIGHT * tol
    got = (f"correct {low:.1e} ({worst}) <= {tol:.0e} < {high:.1e} ({nearest or 'no variant'})"
           f"; ratios {low / tol:.1g} and {high / tol:.2g}" + ("" if ok else ": " + (
               "a correct approach fails" if low > tol else
               "the nearest wrong variant passes" if high <= tol else
               f"no wrong variant within {TIGHT:g}x: a tolerance {TIGHT:g}x looser passes")))
    return (f"(f) {what}", f"correct <= tolerance < wrong <= {TIGHT:g}x", got, ok)


def margin(t: Tolerance, single: bool) -> tuple[str, str, str, bool]:
    """One row: correct approaches' largest error <= tolerance < nearest wrong variant's,
    which lies within TIGHT times the tolerance."""
    from autograder.checks import precision

    worst, low, nearest, high = evidence(t.name, single)
    tol = precision.SINGLE_RTOL if single else t.rtol()
    what = f"{t.name}, {'float32 (error / condition)' if single else 'float64'}"
    return judged(what, worst, low, tol, nearest, high)


def documented_rows() -> list[tuple[str, str, str, bool]]:
    """(f) for tolerances held against documented approaches rather than drawn inputs (a
    check module's `documented_margins()`: Q5's, whose training runs are too slow to repeat
    here): each between the approaches it must admit and the nearest it must reject."""
    from autograder.checks import declared

    return [judged(*evidence) for margins in declared("documented_margins")
            for evidence in margins()]


def rows() -> list[tuple[str, str, str, bool]]:
    """(f): a float64 and a float32 row for each declared tolerance; one for each
    documented one."""
    return [margin(t, single) for t in tolerances()
            for single in (False, True)] + documented_rows()


if __name__ == "__main__":
    from autograder.staff.verify import table

    print(table(rows()))
