"""How well "Likely cause: ..." names what is wrong with mutants the table does not list.

For each killed hw0.py mutant that is not one of misconceptions.py's MUTANTS, `mutate` reads
the causes its feedback names and checks each one against the mutant itself, in a spawned
process (it is our code): a cause is right when, for one of the diagnosed functions, it
explains the mutant's answer on every input of the dense sample (equivalence.py) where that
answer is wrong, by the same rules as the grader (misconceptions.matching, then
shapes.shape_causes). The rate is the share of those mutants whose feedback names a right
cause and no wrong one.
"""

from __future__ import annotations

import ast
import multiprocessing
import re
import warnings
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from typing import Any

import numpy as np

from autograder.checks import HW0_PY

_CAUSE = re.compile(r"^Likely cause: (.+)$", re.MULTILINE)


@cache
def diagnosed() -> frozenset[str]:
    """The hw0.py functions whose checks are named for them (a title's contract name), from
    the checks: a new question's function is audited without a list to edit."""
    from autograder.checks import all_checks, reference

    names = {c.title.split(":")[0] for c in all_checks() if c.file == HW0_PY}
    return frozenset(n for n in names if callable(getattr(reference(), n, None)))


def _normal(text: str) -> str:
    return ast.dump(ast.parse(text))


def listed() -> set[str]:
    """The hw0.py mutants of the misconceptions table, as normalised syntax trees."""
    from autograder.checks.misconceptions import MUTANTS

    return {_normal(m.apply()) for m in MUTANTS if m.file == HW0_PY}


def causes_named(data: dict[str, Any]) -> set[str]:
    """The likely causes the failed tests' feedback names (read as text: a failed test's
    output may be Markdown)."""
    from autograder.mdtext import text_of

    return {c for t in data["tests"] if t["status"] == "failed"
            for c in _CAUSE.findall(text_of(t))}


def true_causes(text: str, causes: list[str]) -> list[bool]:
    """Which of `causes` the mutant with source `text` shows on the dense sample."""
    from autograder.checks import reference
    from autograder.checks.misconceptions import matching
    from autograder.checks.shapes import shape_causes
    from autograder.engine.worker import to_plain
    from autograder.staff import equivalence

    warnings.simplefilter("ignore")  # a mutant divides by zero: this process is ours alone
    np.seterr(all="ignore")
    try:
        namespace = equivalence.load(HW0_PY, text)
    except Exception:  # noqa: BLE001 - a mutant that fails on import: no cause fits it
        return [False for _ in causes]
    by_function: dict[str, list[set[str]]] = {}
    for function, args in equivalence.sample(HW0_PY):
        if function not in diagnosed():
            continue
        try:
            given = to_plain(namespace[function](*(equivalence._fresh(a) for a in args)))
            expected = to_plain(getattr(reference(), function)(*(equivalence._fresh(a)
                                                                  for a in args)))
        except Exception:  # noqa: BLE001 - an input the mutant or reference cannot take
            continue
        if equivalence.same(given, expected) or not _finite(given) or not _finite(expected):
            continue  # right here, or an infinite elbow: no factor or block to speak of
        try:
            found = matching(function, args, given) | shape_causes(function, args, given,
                                                                   expected)
        except Exception:  # noqa: BLE001 - a degenerate input no rule applies to
            found = set()
        by_function.setdefault(function, []).append(found)
    return [any(seen and all(c in s for s in seen) for seen in by_function.values())
            for c in causes]


def _finite(value: Any) -> bool:
    try:
        return all(np.all(np.isfinite(np.asarray(v, dtype=float)))
                   for v in (value if isinstance(value, list) else [value]))
    except (TypeError, ValueError):
        return False


def report(mutants: list[Any], equivalent: set[str], graded: dict[str, dict[str, Any]],
           jobs: int | None) -> str:
    """The likely-cause rate on the killed hw0.py mutants the table does not list."""
    from autograder.staff.mutate import killed, reference_of

    table, reference = listed(), graded.get(reference_of(HW0_PY))
    chosen = [m for m in mutants if m.file == HW0_PY and m.name in graded
              and m.name not in equivalent and _normal(m.text) not in table
              and killed(graded[m.name], reference)]
    named = [sorted(causes_named(graded[m.name])) for m in chosen]
    with ProcessPoolExecutor(jobs, multiprocessing.get_context("spawn")) as pool:
        verdicts = list(pool.map(true_causes, [m.text for m in chosen], named))
    count = Counter()
    wrong_lines = []
    for m, causes, right in zip(chosen, named, verdicts, strict=True):
        if not causes:
            count["none"] += 1
        elif all(right):
            count["right"] += 1
        else:
            count["wrong"] += 1
            wrong_lines += [f"  {m.line}: {c}" for c, ok in zip(causes, right, strict=True)
                            if not ok]
    total = max(len(chosen), 1)
    lines = [f"likely causes on the {len(chosen)} killed hw0.py mutants the table does not "
             f"list: {count['right']} name a right cause and no wrong one "
             f"({count['right'] / total:.0%}), {count['wrong']} a wrong one, "
             f"{count['none']} none"]
    if wrong_lines:
        lines += ["wrong causes named:", *wrong_lines]
    return "\n".join(lines)
