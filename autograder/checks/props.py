"""Property checks with hypothesis, run in the trusted grader process.

`smallest_failure` draws inputs, calls the property (which asks the student's worker and
compares with the reference), and when the property fails returns the smallest failing
input hypothesis could shrink to, with the property's own explanation. Settings are
derandomised and database-free, so two gradings of one submission agree. The student kit
has fixed inputs instead (fixtures.py): `first_failure` tries them in order.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Hypothesis caches the constants of the modules it finds loaded in `./.hypothesis/` (the
# working directory: the grader's own folder). Grading writes nothing into our folders, so
# its storage is a temporary folder, removed at exit (staff may set their own).
if "HYPOTHESIS_STORAGE_DIRECTORY" not in os.environ:
    _STORAGE = tempfile.TemporaryDirectory(prefix="hw0-hypothesis-")
    os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = _STORAGE.name

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from autograder.engine.answers import BadAnswer, SubmissionError, unfinished  # noqa: E402


def _strategy_constants_only() -> bool:
    """Make what hypothesis draws depend on the strategy alone. Since 6.131 it mixes in, 5% of
    the time, constants read from the source of every *local* module loaded (ours, and the
    reference), and which are loaded differs between `grade` (Gradescope), `batch`, `verify`
    and `build-kit`, and grows as checks import their helpers: the same submission would be
    tested on other inputs depending on where it was graded. Hypothesis has no setting for
    it; its internal hook is replaced by an empty pool (tests/test_drawn_inputs.py fails if
    a release moves it). False where this hypothesis has no such hook (older releases)."""
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover - a hypothesis without providers
        return False
    if not hasattr(providers, "_get_local_constants"):
        return False
    empty = providers.Constants()
    providers._get_local_constants = lambda: empty
    return True


STRATEGY_CONSTANTS_ONLY = _strategy_constants_only()


class Mismatch(AssertionError):
    """The property does not hold for this input; str() says expected vs given. `unfinished`:
    the answer was not there (None) rather than wrong (answers.unfinished)."""

    unfinished = False


class _Abort(BaseException):
    """Not an Exception, so hypothesis does not shrink it: stop at once (a hang, a crash)."""

    def __init__(self, error: SubmissionError):
        super().__init__(str(error))
        self.error = error


@dataclass
class Failure:
    example: Any
    message: str
    unfinished: bool = False  # the function returned None (answers.unfinished)


def smallest_failure(strategy: st.SearchStrategy, prop: Callable[[Any], None],
                     max_examples: int = 40) -> Failure | None:
    """Run `prop` on examples drawn from `strategy`; return the minimal failure or None.

    `prop` raises Mismatch when the answer is wrong; a BadAnswer (malformed, or raised on
    this input) counts the same. Any other SubmissionError (the function is missing, not
    implemented, hangs or crashes) ends the search at once and propagates: shrinking would
    only repeat it.
    """
    last: list[Failure] = []

    @settings(max_examples=max_examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.shrink],
              report_multiple_bugs=False, print_blob=False)
    @given(strategy)
    def run(example: Any) -> None:
        try:
            prop(example)
        except Mismatch as exc:
            last.append(Failure(example, str(exc)))
            raise
        except BadAnswer as exc:
            last.append(Failure(example, str(exc), unfinished(exc)))
            raise Mismatch(str(exc)) from None
        except SubmissionError as exc:
            raise _Abort(exc) from None

    try:
        run()
    except _Abort as abort:
        raise abort.error from None
    except Exception:  # Mismatch, or hypothesis' Flaky when the student is not deterministic
        if last:
            return last[-1]
        raise
    return None



def first_failure(examples: list[Any], prop: Callable[[Any], None]) -> Failure | None:
    """The first of `examples` (smallest first) on which `prop` fails, with the same rules
    as `smallest_failure`: a Mismatch or a BadAnswer is a failure, any other SubmissionError
    propagates."""
    for example in examples:
        try:
            prop(example)
        except (Mismatch, BadAnswer) as exc:
            return Failure(example, str(exc), unfinished(exc))
    return None


def draw_examples(strategy: st.SearchStrategy, count: int) -> list[Any]:
    """`count` examples of `strategy`, the same on every run (build-kit records them)."""
    drawn: list[Any] = []

    @settings(max_examples=count, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    @given(strategy)
    def run(example: Any) -> None:
        drawn.append(example)

    run()
    return drawn
