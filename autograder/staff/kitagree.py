"""The kit agrees with Gradescope: its recorded inputs fail every hw0.py mutant the grader
kills, on every test the kit runs in full.

Choosing (`chosen_inputs`, called by build-kit): for each property check the kit runs in full
(policy FULL), its candidates are the grader's own drawn inputs (fixtures.candidates). Every
hw0.py mutant of the check's part (mutate's generated ones and the known-wrong variants of
misconceptions.py) runs on every candidate, in this process (our own code, as
misconceptions.py runs its variants), its answers taking the channel's path
(staff/local.py). A greedy cover then takes the candidate that fails the most mutants not yet
failed, until every mutant that fails some candidate fails a chosen one, and fills up to
fixtures.EXAMPLES with the smallest of the rest. Only inputs are chosen: the kit still ships
the reference's outputs of its full checks only (fixtures.py), never of a FORM one.

Measuring (`agreement`, after mutate has graded): each killed hw0.py mutant is checked as the
kit checks it (the recorded inputs and outputs replayed) on every kit-FULL test the grader
failed it on; it agrees when the kit fails all of them. This runs in spawned processes
(recording the kit's inputs and outputs as build-kit does first): mutate's own forks its
graders and must not load torch or the checks.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from autograder.checks import HW0_PY


def full_checks() -> list[Any]:
    """The hw0.py checks the kit runs in full."""
    from autograder.checks import all_checks
    from autograder.checks.policy import FULL

    return [c for c in all_checks() if c.file == HW0_PY and c.kit == FULL]


class _Probe:
    """fixtures.active while one check runs on one mutant: which candidates of each of its
    properties the mutant fails (the check itself then sees no inputs)."""

    def __init__(self, drawn: dict[str, list[Any]]):
        self.drawn, self.failed = drawn, {}

    def examples(self, strategy: Any, prop: Callable[[Any], None]) -> list[Any]:
        from autograder.checks import fixtures

        key = fixtures.prop_key(prop)
        if key not in self.drawn:
            self.drawn[key] = fixtures.candidates(strategy)
        self.failed[key] = {i for i, example in enumerate(self.drawn[key])
                            if _fails(lambda e=example: prop(e))}
        return []

    def reference(self) -> Any:
        from autograder.checks import reference_module

        return reference_module()


def _fails(run: Callable[[], Any]) -> bool:
    """Whether a check (or one input of its property) fails: the student's answer is wrong,
    malformed or raised; anything else raised is ours and propagates."""
    from autograder.checks.props import Mismatch
    from autograder.engine.answers import SubmissionError

    try:
        run()
    except (Mismatch, SubmissionError):
        return True
    return False


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """A mutant's numpy warnings (divide by zero, ...) are no news in staff's output."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def cover(failing: list[set[int]], sizes: list[int], count: int) -> list[int]:
    """Greedy set cover: candidate indices such that each non-empty set of `failing` holds
    one, each pick the one in most sets not yet covered (the smaller on a tie), topped up to
    `count` with the smallest of the rest; smallest first."""
    left, chosen = [s for s in failing if s], []
    while left:
        best = max(range(len(sizes)), key=lambda i: (sum(i in s for s in left), -sizes[i], -i))
        chosen.append(best)
        left = [s for s in left if best not in s]
    rest = sorted((i for i in range(len(sizes)) if i not in chosen), key=lambda i: (sizes[i], i))
    chosen += rest[: max(0, count - len(chosen))]
    return sorted(chosen, key=lambda i: (sizes[i], i))


def _mutants() -> list[tuple[str, str]]:
    """(the function changed, the hw0.py text) of mutate's mutants and of misconceptions'
    known-wrong variants."""
    from autograder.checks.misconceptions import MUTANTS
    from autograder.staff import mutate

    return [(m.target, m.text) for m in mutate.generate((HW0_PY,))] + [
        (m.function, m.apply()) for m in MUTANTS if m.file == HW0_PY and m.fails]


def tests_of(function: str, checks: list[Any]) -> list[Any]:
    """The checks a change to `function` can fail: those of it, and those that use it."""
    return [c for c in checks if c.title.split(":")[0] == function or function in c.uses]


def chosen_inputs() -> dict[str, list[int]]:
    """For each property of a kit-FULL hw0.py check (prop_key), the indices of the
    candidates the kit records (build-kit: `fixtures.Recording`'s `chosen`)."""
    from autograder.checks import fixtures
    from autograder.staff.local import LocalStudent

    checks = full_checks()
    drawn: dict[str, list[Any]] = {}
    failing: dict[str, list[set[int]]] = {}
    for function, text in _mutants():
        if not tests_of(function, checks):
            continue
        probe = _Probe(drawn)
        fixtures.active = probe
        try:
            with _quiet():
                student = LocalStudent(text)
                for check in tests_of(function, checks):
                    _fails(lambda c=check, s=student: c.run(s))
        finally:
            fixtures.active = None
        for key, failed in probe.failed.items():
            failing.setdefault(key, []).append(failed)
    return {key: cover(sets, [fixtures.size(e) for e in drawn[key]], fixtures.EXAMPLES)
            for key, sets in failing.items()}


def _kit_failures(data: dict[str, Any], mutants: dict[str, tuple[str, list[str]]]
                  ) -> dict[str, list[str]]:
    """For each mutant (name -> hw0.py text, test numbers), the tests the kit fails it on."""
    from autograder.checks import fixtures
    from autograder.staff.local import LocalStudent

    checks = {c.number: c for c in full_checks()}
    found = {}
    fixtures.active = fixtures.Replay(data)
    try:
        for name, (text, numbers) in mutants.items():
            with _quiet():
                student = LocalStudent(text)
                found[name] = [n for n in numbers
                               if _fails(lambda c=checks[n], s=student: c.run(s))]
    finally:
        fixtures.active = None
    return found


def _record() -> dict[str, Any]:
    from autograder.staff import buildkit

    return buildkit.record()


def agreement(killed: dict[str, tuple[str, list[str]]], jobs: int | None = None
              ) -> tuple[list[str], list[str]]:
    """(counted, lines): of the killed hw0.py mutants (name -> text, the kit-FULL test
    numbers the grader failed it on), the names of those with such a test (counted), and a
    line per one the kit's recorded inputs do not fail on every such test ("NAME: ...")."""
    counted = {name: m for name, m in killed.items() if m[1]}
    if not counted:
        return [], []
    names = sorted(counted)
    jobs = max(1, min(jobs or 1, len(names)))
    with ProcessPoolExecutor(jobs, multiprocessing.get_context("spawn")) as pool:
        data = pool.submit(_record).result()
        chunks = [{n: counted[n] for n in names[i::jobs]} for i in range(jobs)]
        found: dict[str, list[str]] = {}
        for part in pool.map(_kit_failures, [data] * jobs, chunks):
            found.update(part)
    lines = [f"{name}: the grader fails {', '.join(counted[name][1])}; the kit fails "
             f"{', '.join(found[name]) or 'none of them'}" for name in names
             if set(found[name]) != set(counted[name][1])]
    return names, lines


def killed_rows(mutants: list[Any], graded: dict[str, dict[str, Any]], reference: dict[str, Any]
                ) -> dict[str, tuple[str, list[str]]]:
    """For `agreement`: the graded hw0.py mutants (mutate.Mutant) the grader killed, each
    with its text and the kit-FULL tests it failed that the reference (`reference`, its
    results) passes."""
    from autograder.checks.policy import FULL, POLICY

    full = {t["number"] for t in reference["tests"] if t["score"] >= t["max_score"]
            and POLICY.get(t["number"], ("", ""))[0] == FULL}
    rows = {}
    for m in mutants:
        if m.file == HW0_PY and m.name in graded:
            failed = sorted(t["number"] for t in graded[m.name]["tests"]
                            if t["number"] in full and t["score"] < t["max_score"])
            rows[m.name] = (m.text, failed)
    return rows
