"""Feedback that reads well on Gradescope (issue 18): a failed test's output in Markdown where
it has shapes (an input to paste, expected against given, a likely cause), rendered by a
CommonMark renderer with raw HTML off, as a sanitizer would leave it; and the exact text back
for the terminal report, batch's reports and verify."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt  # rich's own Markdown parser (CommonMark)

from autograder import results
from autograder.checks.misconceptions import LIKELY, MUTANTS
from autograder.mdtext import as_text, text_of, to_md, to_text
from autograder.report import table
from tests.local_student import LocalStudent
from tests.test_feedback import NUMERIC, feedback_of_wrong_submissions, outcome

RENDER = MarkdownIt("commonmark", {"html": True}).enable("table")  # HTML on: none may appear
MARKUP = {"html_block", "html_inline", "em_open", "strong_open", "heading_open", "link_open",
          "image", "bullet_list_open", "ordered_list_open", "blockquote_open", "hr"}


@pytest.fixture(scope="module")
def messages() -> list[str]:
    """Failed tests' feedback as the checks write it: wrong types and values everywhere, and
    every named known mistake."""
    texts = feedback_of_wrong_submissions()
    texts += [outcome(LocalStudent(m.apply()), NUMERIC[m.function])[1]
              for m in MUTANTS if m.cause]
    return texts


def tokens(md: str) -> list:
    found = []
    for token in RENDER.parse(md):
        found += [token, *(token.children or [])]
    return found


def test_every_message_comes_back_exactly_as_text(messages: list[str]) -> None:
    shaped = [m for m in messages if to_md(m) is not None]
    assert len(shaped) >= 20
    assert [to_text(to_md(m)) for m in shaped] == shaped


def test_a_known_mistake_renders_as_a_table_a_code_block_and_a_cause_line() -> None:
    mutant = next(m for m in MUTANTS if m.name == "gd_step_ascends")
    md = to_md(outcome(LocalStudent(mutant.apply()), "1.1")[1])
    html = RENDER.render(md)
    assert "<table>" in html and "<th>expected</th>" in html and "<th>given</th>" in html
    assert "<td>answer</td>\n<td><code>np.array([" in html  # both values, one row
    assert '<code class="language-python">F = np.array(' in html  # pasteable as it stands
    assert f"<p><strong>{LIKELY.strip()}</strong> this is what w + eta F^T" in html
    assert not {t.type for t in tokens(md)} & (MARKUP - {"strong_open"})


def test_student_text_renders_as_itself_never_as_markup_or_html() -> None:
    """A student's own string, echoed in a message, with everything Markdown and HTML use."""
    said = ("Q3B = '<script>alert(1)</script> *x* _y_ [a](b) ![i](j) `c` | ~~s~~ &amp; \\\\'"
            " is not transpose here:")
    text = f"# {said}\n1. - + {said}\nLikely cause: {said}\nSmallest failing input (x):\nx = 1"
    md = to_md(text)
    assert {t.type for t in tokens(md)} & MARKUP == {"strong_open"}  # our bold labels only
    assert to_text(md) == text
    shown = "".join(t.content for t in tokens(md) if t.type == "text")
    assert "<script>alert(1)</script> *x* _y_ [a](b) ![i](j)" in shown and "&amp;" in shown


def test_only_failed_tests_with_shapes_go_out_in_markdown() -> None:
    shaped = "f(x) is wrong.\n  expected: 1.0\n  given:    2.0"
    entry = results.test_entry("1.1", "t", "q1", 0, 1, shaped, "visible")
    assert entry["output_format"] == "md" and "| answer | `1.0` | `2.0` |" in entry["output"]
    assert results.test_entry("1.1", "t", "q1", 1, 1, shaped, "visible")["output_format"] == "text"
    plain = results.test_entry("1.1", "t", "q1", 0, 1, "q5a_resistor is wrong.", "visible")
    assert plain["output_format"] == "text" and plain["output"] == "q5a_resistor is wrong."


def test_the_terminal_report_and_staff_reports_read_it_as_text() -> None:
    text = "d_f(x) is wrong.\n  expected: 1.0\n  given:    2.0\nLikely cause: a * b"
    data = {"output": "", "tests": [results.test_entry("1.1", "f", "q1", 0, 1, text, "visible")]}
    assert data["tests"][0]["output_format"] == "md"
    report = table(data)
    assert "d_f(x) is wrong." in report and "Likely cause: a * b" in report
    assert "\\_" not in report and "|" not in report.split("What to fix")[1]
    assert text_of(data["tests"][0]) == text
    before = dict(data["tests"][0])
    assert as_text(data)["tests"][0] == {**before, "output": text, "output_format": "text"}


def test_a_cut_to_fit_the_size_bound_closes_the_code_block_it_falls_in() -> None:
    """results.json's size bound cuts the longest outputs: the note saying so must read as a
    line of its own on Gradescope, not as the end of the code to paste."""
    rows = "\n".join(f"    [{i}.0, {i}.5, {i}.25]," for i in range(90))
    text = f"f(x) is wrong.\nSmallest failing input (x):\nx = np.array([\n{rows}\n])"
    tests = [results.test_entry(f"1.{i}", "t", "q1", 0, 1, text, "visible") for i in range(40)]
    assert {t["output_format"] for t in tests} == {"md"}
    data = results.results(tests, "", 0.0)
    assert results.size(data) < 100_000
    for test in data["tests"]:
        md = test["output"]
        assert "(cut: the results are limited in size)" in md
        last = [t for t in RENDER.parse(md) if t.type in ("fence", "inline")][-1]
        assert last.type == "inline" and "cut: the results" in last.content, md[-300:]
