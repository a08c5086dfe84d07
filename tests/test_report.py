"""report.py, the self-check's text: Gradescope's order (what to fix about the whole
submission first, the student's printed output last, capped), numbers shown beside names,
and the exit status scripts read."""

from __future__ import annotations

import numpy as np
import pytest

from autograder import report, results

COMPILE = ("hw0.py does not compile: SyntaxError at line 2: invalid syntax. Nothing in hw0.py "
           "could be graded until it compiles: fix that line and run the file once yourself.")
SEE_TOP = "hw0.py does not compile (line 2), so nothing in it could be graded: see the top."


def graded(output: str, *passed: bool) -> dict:
    tests = [results.test_entry(f"1.{i}", f"check {i}", "q1", float(ok), 1.0,
                                "" if ok else SEE_TOP, "visible")
             for i, ok in enumerate(passed, start=1)]
    return results.results(tests, output, 0.0)


def test_what_to_fix_about_the_submission_comes_first_and_printed_output_last() -> None:
    spam = b"spam\n" * 600
    printed = (f"Printed by hw0.py:\n{results.printed(spam, len(spam))}\n\n"
               "Printed by the notebook:\nq5a_resistor = 200.0")
    out = report.table(graded(f"{COMPILE}\n\n{printed}", False, True))
    assert out.index("hw0.py does not compile: SyntaxError") < out.index("FIX 1.1 check 1") \
        < out.index("== 1.1 check 1") < out.index("Printed by hw0.py") \
        < out.index("1 of 2 public checks pass")
    # each file's output as the grader cut it: hw0.py's cut, and the notebook's after it
    assert out.count("spam") == 400 and "(cut here: 3,000 bytes were printed in all)" in out
    assert out.index("(cut here") < out.index("Printed by the notebook") \
        < out.index("q5a_resistor = 200.0")


def test_rows_show_the_number_gradescope_shows_beside_the_name() -> None:
    data = graded("", False, True)
    assert [t["name"] for t in data["tests"]] == ["check 1", "check 2"]  # no number twice
    out = report.table(data)
    assert "FIX 1.1 check 1" in out and "ok 1.2 check 2" in out
    assert out.startswith("check ")  # no notes: the table comes first


def test_the_total_counts_only_what_was_checked_in_full() -> None:
    """A form-only row passes for a well-formed wrong answer: it may not swell the total."""
    data = graded("", True, True, False)
    out = " ".join(report.table(data, form_only=frozenset({"1.2"}), hidden=2).split())
    assert "checked here in full 1 / 2" in out
    assert "form 1.2 check 2 q1 ? / 1" in out  # no point shown for a value not checked
    assert out.endswith("1 of 2 public checks pass in full; fix the rest. 1 more answer was "
                        "checked for form only: well-formed; Gradescope will check their "
                        "values. Gradescope also runs 2 more checks.")
    # "all pass" never stands without the form-only answers Gradescope still checks
    assert report.last_line(2, 2, 3, 3).endswith(
        "3 more answers were checked for form only: all are well-formed; Gradescope will "
        "check their values.")
    assert report.last_line(3, 3) == "All 3 public checks pass. Gradescope runs the same checks."


def test_the_exit_status_says_whether_every_check_passed() -> None:
    assert report.exit_status(graded("", True, True)) == 0
    assert report.exit_status(graded("", True, False)) == 1
    assert report.exit_status(graded("")) == 1  # nothing ran: not a pass


LONG_TITLE = ("map_estimate: the MAP estimate (X^T X + Sigma^{-1})^{-1} X^T y on inputs where "
              "each term of the formula matters, compared entrywise with the expected one")


def failing(example: dict) -> dict:
    """A results dict with one failed check whose text is the checks' own (checks.explain):
    a message, the smallest failing input as Python, the expected and given values."""
    from autograder.checks import explain, show
    from autograder.checks.props import Failure

    text = explain(Failure(example, "map_estimate is wrong (largest difference 0.5 of the "
                           "answer's size; allowed 1e-06).\n  expected: "
                           f"{show(np.array([0.25, -1.5]))}\n  given:    "
                           f"{show(np.array([0.75, -1.0]))}"), "X, y, Sigma")
    text += "\nLikely cause: Sigma is used where its inverse belongs."
    tests = [results.test_entry("2.4", LONG_TITLE, "q2", 0.0, 1.0, text, "visible")]
    return results.results(tests, "", 0.0)


@pytest.mark.parametrize("width", [40, 80, 200])
def test_a_failing_input_pastes_into_python_at_any_width(width: int) -> None:
    """The smallest failing input is printed as code: never wrapped nor cut, not indented,
    so the block pasted into Python rebuilds the input exactly; the description is whole;
    wrapped prose keeps its indentation."""
    example = {"X": np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.5], [0.1, 0.2, 0.30000000000000004]]),
               "y": np.array([1.0, -2.0, 3.0]), "Sigma": np.eye(3) * 1e-3}
    out = report.table(failing(example), width=width)
    lines = out.split("\n")
    start = next(i for i, line in enumerate(lines) if "Smallest failing input" in line) + 1
    end = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("Likely"))
    block = "\n".join(lines[start:end])
    namespace: dict = {}
    exec(compile(block, "<pasted>", "exec"), {"np": np}, namespace)  # as pasted, undedented
    assert sorted(namespace) == ["Sigma", "X", "y"], block
    for name, value in example.items():
        assert np.array_equal(namespace[name], value), (name, block)
    from reference.hw0 import map_estimate

    assert map_estimate(**namespace).shape == (3,)  # the function called with the block
    assert LONG_TITLE in " ".join(out.split()) and "…" not in out  # nothing cut
    heading = next(i for i, line in enumerate(lines) if line.startswith("== 2.4"))
    reason = [line for line in lines[heading + 1:start - 1] if line.strip()]
    assert reason and all(line.startswith(report.INDENT) for line in reason), out
    row = lines[1:next(i for i, line in enumerate(lines) if line.startswith("checked here"))]
    assert row[0].startswith("FIX 2.4 map_estimate")
    assert all(line.startswith("    ") for line in row[1:]), out  # under the description
    if width < 80:
        assert max(len(line) for line in lines[start:end]) > width  # longer: not wrapped
    prose = [line for line in lines[:start] if "np.array" not in line]  # values aside
    assert max(len(line.rstrip()) for line in prose) <= width  # prose fits the width


def test_the_terminal_report_takes_the_terminals_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """$COLUMNS (else the terminal's own size): no longer capped at 80 columns."""
    for columns in (123, 200):
        monkeypatch.setenv("COLUMNS", str(columns))
        assert report.console().width == columns
