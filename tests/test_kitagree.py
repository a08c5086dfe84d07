"""The kit agrees with Gradescope (staff/kitagree.py): its recorded inputs are a cover of the
mutants the grader's inputs fail, and the slips the kit used to pass (an error_bound with the
Frobenius norm or an alpha 100x off, a truncating ols) fail on them. mutate's own agreement
over every killed mutant: tests/test_mutate.py."""

from __future__ import annotations

import pytest

from autograder.checks import Mismatch, all_checks, fixtures, reference_module
from autograder.checks.misconceptions import MUTANTS
from autograder.engine.answers import SubmissionError
from autograder.staff import kitagree
from autograder.staff.local import LocalStudent

CHECKS = {c.number: c for c in all_checks()}


def test_the_cover_fails_every_mutant_some_input_fails_and_tops_up_smallest_first() -> None:
    sizes = [5, 1, 9, 3, 2]
    failing = [{2}, {2, 3}, {0, 3}, set(), {4}]
    chosen = kitagree.cover(failing, sizes, 4)
    assert all(s & set(chosen) for s in failing if s)
    assert chosen == [1, 4, 3, 2]  # 3, 2 and 4 cover; 1, the smallest, tops up; by size
    assert kitagree.cover([{0}, {1}], [1, 1, 1], 1) == [0, 1]  # a cover is never cut


def kit_fails(name: str, number: str, chosen: dict | None) -> bool:
    """Whether the kit's check fails the variant, its inputs recorded with `chosen`."""
    recording = fixtures.Recording(reference_module(), chosen=chosen)
    fixtures.active = recording
    try:
        CHECKS[number].run(LocalStudent(next(m for m in MUTANTS if m.name == name).apply()))
    except (Mismatch, SubmissionError):
        return True
    finally:
        fixtures.active = None
    return False


@pytest.fixture(scope="module")
def chosen() -> dict:
    return kitagree.chosen_inputs()


@pytest.mark.parametrize("name, number", [
    ("error_bound_frobenius", "1.5"), ("error_bound_alpha_100x", "1.5"),
    ("ols_truncates_small_singular_values", "2.3"),
    ("ols_truncates_small_singular_values", "2.5")])
def test_the_kits_chosen_inputs_fail_the_slips_it_used_to_pass(
        chosen: dict, name: str, number: str) -> None:
    assert kit_fails(name, number, chosen)
