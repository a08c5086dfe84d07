"""What the worker accepts as an answer (the contract's list) and what it refuses."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder.engine.worker import NotPlainData, to_plain


@pytest.mark.parametrize("value, expected", [
    (3, 3), (2.5, 2.5), (np.float32(1.5), 1.5), (np.int64(4), 4),
    (np.array(2.0), np.array(2.0)), (torch.tensor(2.0, requires_grad=True) * 1, np.array(2.0)),
    (torch.ones(2, dtype=torch.float32), np.ones(2)),
    ([[1, 2], [3, 4]], np.array([[1, 2], [3, 4]])),
    ((1.0, 2.0), np.array([1.0, 2.0])), (np.ones(3, dtype=np.float32), np.ones(3)),
])
def test_numbers_in_every_form_become_plain(value, expected) -> None:
    got = to_plain(value)
    if isinstance(expected, (int, float)):  # a whole number stays an int: "an int (0)"
        assert type(got) is type(expected) and got == expected
    else:
        assert isinstance(got, np.ndarray) and got.dtype == np.float64
        assert np.array_equal(got, expected)


class PretendsToBeANumber:
    def __float__(self):
        return 1.0

    def __array__(self, dtype=None, copy=None):
        return np.ones(2)


@pytest.mark.parametrize("value", [PretendsToBeANumber(), np.array(["a"]), {1, 2},
                                   np.array([1 + 2j]), object()])
def test_objects_that_only_pretend_are_refused(value) -> None:
    with pytest.raises(NotPlainData):
        to_plain(value)


def test_ragged_lists_stay_lists_for_the_grader_to_name() -> None:
    got = to_plain([np.zeros((2, 2)), np.zeros(2)])
    assert isinstance(got, list) and len(got) == 2


def test_a_forked_process_starts_while_stdin_is_the_graders_no_input() -> None:
    """multiprocessing closes sys.stdin in each child: with NoInput in place (a notebook ran in
    this process) the child died at start, and a process pool with it."""
    import multiprocessing
    import sys

    from autograder.engine.notebook import NoInput

    saved, sys.stdin = sys.stdin, NoInput()
    try:
        child = multiprocessing.get_context("fork").Process(target=int)
        child.start()
        child.join(30)
    finally:
        sys.stdin = saved
    assert child.exitcode == 0
