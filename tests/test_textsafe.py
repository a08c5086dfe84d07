"""Student text is data wherever it lands (issue 21, item 5): Gradescope's Markdown and text,
summary.md, the terminal and scores.csv (autograder/textsafe.py).

Tested by rendering: Markdown goes through a CommonMark renderer (markdown-it-py, tables and
strikethrough on, raw HTML on so that any would show) and every element the grader did not
write is looked for; the terminal report is rendered by rich with colours on. The hostile
submission (tests/corpus/hostile/markup_in_text) raises, prints and answers with markup,
links, an image beacon, forged grader labels and table rows, rich markup, terminal escape
codes, a formula and lone surrogates; batch grades it beside the reference, for students
whose Gradescope names are a formula and a lone surrogate.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from autograder import results
from autograder.engine import channel
from autograder.engine.answers import read_reply
from autograder.mdtext import LABELS, to_md, to_text
from autograder.textsafe import csv_cell, md_block, md_inline, one_line, terminal
from tests.conftest import HOSTILE, PROJECT, run_cli

pytestmark = pytest.mark.slow(40)  # a batch of hostile names and texts

RENDER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
# Elements the grader never writes from student text (nor, in summary.md, at all).
FOREIGN = {"html_block", "html_inline", "image", "link_open", "em_open", "s_open",
           "heading_open", "blockquote_open", "hr", "bullet_list_open", "ordered_list_open",
           "code_block", "softbreak", "hardbreak"}
HOSTILE_TEXTS = [
    "**Likely cause:** a forged label", "Fix first: nothing", "[regrade form](https://e.x/r)",
    "<img src=https://e.x/b.png>", "![i](https://e.x/i.png)", "&amp; &#60; &lt;", "# heading",
    "1. item", "1) item", "- item", "  + item", "* item", "> quote", "| a | b |", "---", "===",
    "`code`", "``` fence", "~~struck~~", "<https://e.x>", "https://e.x/path", "www.e.x",
    "staff@e.x", "mailto:staff@e.x", "\\*not bold\\*", "_under_", "***", "[ref]: https://e.x",
    "<!-- comment -->", "snake_case_word __dunder__ a_ _b",
    "line one\nLikely cause: line two\r\n# three\rfour", "trailing  ",
    "\x1b[2J\x00\x07\x7f\x85", "\udc80\ud800", "a\u2028b", "[bold]rich[/bold]", "=1+1",
]
FORGED_CAUSE = "forged cause"  # the hostile case's own "Likely cause:" (LIKELY_CAUSE's name)


def tokens(md: str) -> list:
    """Every token of `md` as markdown-it parses it, inline children included."""
    found = []
    for token in RENDER.parse(md):
        found += [token, *(token.children or [])]
    return found


def shown(md: str) -> str:
    """The text a reader sees of `md` (text and code contents, in order)."""
    return "".join(t.content for t in tokens(md)
                   if t.type in ("text", "code_inline", "fence", "code_block"))


# ---------------------------------------------------------------- the functions themselves


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_md_inline_renders_as_the_literal_text_and_nothing_else(text: str) -> None:
    md = f"said: {md_inline(text)} :end"
    found = tokens(md)
    assert [t.type for t in found if t.nesting != 0 or t.type == "inline"] == \
        ["paragraph_open", "inline", "paragraph_close"], md
    assert {t.type for t in found} <= {"paragraph_open", "inline", "text", "paragraph_close"}
    assert shown(md) == f"said: {one_line(text)} :end"
    # GitHub's extended autolinks start at "www.", "://" and an email's "@": all broken.
    assert not re.search(r"(?<!\\)(://|@)|www\.", md, re.IGNORECASE), md
    assert "\n" not in md and md == md.encode("utf-8").decode("utf-8")


def test_md_inline_starts_no_block_wherever_it_stands_on_a_line() -> None:
    for text in HOSTILE_TEXTS:
        for md in (md_inline(text), f"| {md_inline(text)} | x |"):
            kinds = {t.type for t in tokens(md)}
            assert not kinds & FOREIGN - {"code_block"}, (text, md)


def test_a_code_block_holds_any_text_verbatim() -> None:
    lines = ["```", "````python", "x = `y`", "<img src=x>", "\x1b[2J \udc80"]
    md = md_block(lines, "python")
    blocks = [t for t in tokens(md) if t.type == "fence"]
    assert len(blocks) == 1 and len(RENDER.parse(md)) == 1
    assert blocks[0].content == "\n".join([*lines[:4], "\ufffd[2J \ufffd"]) + "\n"


def test_one_line_keeps_a_student_line_from_starting_a_line_of_feedback() -> None:
    assert one_line("a\nLikely cause: b\r\nc\rd") == "a ⏎ Likely cause: b ⏎ c ⏎ d"
    assert one_line("x" * 50, 10) == "xxxxxxx..."
    assert one_line("\x1b[31m\udc80") == "\ufffd[31m\ufffd"


def test_csv_cells_that_would_be_formulas_are_neutralised_as_owasp_says() -> None:
    for cell in ("=HYPERLINK(\"https://e.x\",\"x\")", "+1", "-1+2", "@SUM(A1)", "\tx"):
        assert csv_cell(cell).startswith("'"), cell
    assert csv_cell("\r=1") == "\ufffd=1"  # a carriage return is cleaned: no formula left
    assert csv_cell("Ada \udc80") == "Ada \ufffd"
    assert [csv_cell(v) for v in ("Ada", "3031000001", 2.5, -1.0)] == \
        ["Ada", "3031000001", 2.5, -1.0]


def test_terminal_text_is_never_rich_markup_nor_an_escape_sequence() -> None:
    from rich.console import Console

    out = io.StringIO()
    Console(file=out, force_terminal=True, color_system="truecolor", width=200).print(
        terminal("[bold red]x[/bold red] \x1b[2J\x1b]0;title\x07 :smile:"))
    assert "[bold red]x[/bold red]" in out.getvalue()
    assert "\x1b[2J" not in out.getvalue() and "\x1b]0" not in out.getvalue()


# ---------------------------------------------------------------- where student text enters


def test_a_lone_surrogate_from_the_worker_arrives_as_u_fffd() -> None:
    sent = b'{"error": {"type": "E\\udc80", "message": "bad \\ud800 text", "k\\udfff": 1}}'
    got = channel.loads(sent)
    assert got == {"error": {"type": "E\ufffd", "message": "bad \ufffd text", "k\ufffd": 1}}
    with pytest.raises(Exception) as raised:
        read_reply(got, "gd_step(...)", str)
    assert str(raised.value) == "gd_step(...) raised E\ufffd: bad \ufffd text."


def test_a_students_message_on_many_lines_forges_no_grader_label() -> None:
    reply = {"error": {"type": "ValueError", "line": "line 3\n# heading",
                       "message": "x\nLikely cause: forged cause: y\nFix first: z"}}
    with pytest.raises(Exception) as raised:
        read_reply(reply, "gd_step(...)", str)
    text = f"{raised.value}\nSmallest failing input (F):\nF = 1.0\nLikely cause: sign: ours"
    md = to_md(text)
    strong = [t for t in tokens(md) if t.type == "strong_open"]
    assert len(strong) == 2  # "Smallest failing input (F):" and the grader's own cause
    assert to_text(md) == text and [line for line in text.split("\n")
                                     if line.startswith(LABELS)] == ["Likely cause: sign: ours"]


def test_a_notebook_cells_error_and_notes_are_quoted_on_one_line() -> None:
    from autograder.engine.problems import problem
    from autograder.engine.student import _expect_cell, _expect_errors

    forged = {"type": "E\n# heading", "line": "cell 2\n**Likely cause:** x", "compiles": True,
              "message": "m\nLikely cause: forged cause: y\n\udc80", "cell": 2}
    error, notes = _expect_cell({"ok": {"error": forged, "notes": [forged]}})
    said = [problem("color_organ_learning.ipynb", error, notebook_cell=True),
            problem("hw0.py", _expect_errors({"errors": [forged]})[0])]
    for text in said:
        assert "\n" not in text and "Likely cause: forged cause: y ⏎ \ufffd" in text, text
    assert notes[0]["message"] == "m ⏎ Likely cause: forged cause: y ⏎ \ufffd"


def test_results_json_is_valid_utf8_whatever_the_student_wrote(tmp_path: Path) -> None:
    entry = results.test_entry("1.1", "t", "q1", 0, 1, "given: 'a\udc80b'\x00", "visible")
    data = results.results([entry], "Printed by hw0.py:\n\udc80\x1b[2J\x00", 1.0)
    results.write(tmp_path / "results.json", data)
    raw = (tmp_path / "results.json").read_bytes()
    assert not re.search(rb"\\u(d[89a-f]|00[01]|007f)", raw, re.IGNORECASE), raw
    assert "\ufffd" in json.loads(raw.decode("utf-8"))["output"]


# ---------------------------------------------------------------- end to end: batch


METADATA = """\
submission_1:
  :submitters:
  - :name: '=HYPERLINK("https://evil.example/x","Open me")'
    :sid: '-3031000001'
    :email: '@evil.example'
  :created_at: 2023-09-12 17:57:01.946484000 -07:00
submission_2:
  :submitters:
  - :name: "Mallory \\udc80 <img src=x> [bold]x[/bold] **Likely cause:** y"
    :sid: '3031000002'
    :email: m@example.edu
  :created_at: 2023-09-12 18:00:00.000000000 -07:00
"""


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """`batch` over an export of the hostile submission (a formula for a name) and the
    reference (a lone surrogate and markup in its student's name)."""
    root = tmp_path_factory.mktemp("export")
    top = root / "assignment_1_export"
    (top / "submission_1").mkdir(parents=True)
    shutil.copy(HOSTILE / "markup_in_text" / "hw0.py", top / "submission_1" / "hw0.py")
    (top / "submission_2").mkdir()
    shutil.copy(PROJECT / "reference" / "hw0.py", top / "submission_2" / "hw0.py")
    (top / "submission_metadata.yml").write_text(METADATA)
    out = root / "out"
    done = run_cli("batch", top, "-o", out)
    assert done.returncode == 0, done.stderr[-3000:]
    return {"out": out, "stderr": done.stderr,
            "hostile": json.loads((out / "submission_1" / "results.json").read_text())}


def test_batch_writes_the_reports_and_a_safe_csv_for_hostile_names(batch: dict) -> None:
    from autograder.staff import reports

    out = batch["out"]
    assert {p.name for p in out.iterdir()} >= {"scores.csv", "summary.md", "totals.png",
                                                "parts.png"}
    raw = (out / "scores.csv").read_bytes()
    points, *rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert points["name"] == reports.POINTS_POSSIBLE
    assert [r["name"] for r in rows] == [
        "'=HYPERLINK(\"https://evil.example/x\",\"Open me\")",
        "Mallory \ufffd <img src=x> [bold]x[/bold] **Likely cause:** y"]
    assert rows[0]["sid"] == "'-3031000001" and rows[0]["email"] == "'@evil.example"
    assert float(rows[1]["total"]) > 0 and float(rows[0]["total"]) == 0
    for row in rows:
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values())


def test_the_hostile_feedback_renders_only_what_the_grader_wrote(batch: dict) -> None:
    data = batch["hostile"]
    md = [t for t in data["tests"] if t["output_format"] == "md"]
    assert md and data["score"] == 0
    for test in data["tests"]:
        text = test["output"]
        assert "\x1b" not in text and not re.search("[\ud800-\udfff\x00-\x08]", text)
        if test["output_format"] != "md":
            continue
        found = tokens(text)
        assert not {t.type for t in found} & FOREIGN, (test["number"], text)
        for i, t in enumerate(found):  # bold only around the grader's own labels
            if t.type == "strong_open":
                label = found[i + 1].content
                assert label in LABELS or label.startswith("Smallest failing input ("), text
        cells = [t.content for t in found if t.type == "inline" and FORGED_CAUSE in t.content]
        assert all(not c.startswith(("Likely cause", "**")) for c in cells), cells
    said = next(t for t in data["tests"] if t["number"] == "1.1")["output"]
    assert "regrade form" in shown(said) and "<img src=" in shown(said)  # shown, as text


def test_the_terminal_report_shows_the_hostile_text_as_text(batch: dict) -> None:
    from rich.console import Console

    from autograder.report import report

    out = io.StringIO()
    Console(file=out, force_terminal=True, color_system="truecolor", width=80).print(
        report(batch["hostile"]))
    printed = out.getvalue()
    assert "[bold red]rich markup[/bold red]" in printed and "[bold]printed markup" in printed
    assert not re.search(r"\x1b\[2J|\x1b\]|\x07|\x00", printed)


def test_the_terminal_report_cleans_even_a_results_dict_it_did_not_make() -> None:
    """A results.json read from disk (`python -m autograder report`, the kit) was not
    necessarily cleaned by results.py: the report cleans what it prints itself."""
    from autograder.report import table

    raw = "\x1b[2J\x1b]0;title\x07 [bold]x[/bold] \udc80"
    data = {"output": f"Score: 0 / 1.\n\n{raw}\n\nPrinted by hw0.py:\n{raw}", "tests": [
        {"number": "1.1", "name": "gd_step", "tags": ["q1"], "score": 0.0, "max_score": 1.0,
         "status": "failed", "output": raw, "output_format": "text"}]}
    printed = table(data)
    assert printed.count("[bold]x[/bold]") == 3 and printed.count("\ufffd") >= 9
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]", printed), printed


def test_summary_md_has_no_row_link_or_image_a_student_wrote(batch: dict) -> None:
    summary = (batch["out"] / "summary.md").read_text(encoding="utf-8")
    found = tokens(summary)
    assert not {t.type for t in found} & (FOREIGN - {"heading_open", "bullet_list_open"})
    headings = [found[i + 1].content for i, t in enumerate(found) if t.type == "heading_open"]
    assert all(not re.search("heading|Likely|HYPERLINK", h) for h in headings), headings
    body = [row for table in table_rows(summary) for row in table[1:]]
    assert body and not any(FORGED_CAUSE in cell or "forged reteach" in cell
                            for row in body for cell in row)
    reteach = [table for table in table_rows(summary) if table[0][1] == "fix first"]
    subjects = {t["name"].split(":")[0].strip() for t in batch["hostile"]["tests"]}
    assert reteach and all(row[1] in subjects and FORGED_CAUSE not in row[2]
                           for row in reteach[0][1:])  # the grader's roots, no forged cause


def table_rows(md: str) -> list[list[list[str]]]:
    """Each table of `md` as its rows (the header first), each row its cells' text."""
    tables: list[list[list[str]]] = []
    inside = False
    for t in RENDER.parse(md):
        if t.type in ("table_open", "table_close"):
            inside = t.type == "table_open"
            tables += [[]] if inside else []
        elif inside and t.type == "tr_open":
            tables[-1].append([])
        elif inside and t.type == "inline":
            tables[-1][-1].append(t.content)
    return tables


def test_summary_md_shows_names_and_messages_as_text() -> None:
    from autograder.staff import reports

    forged = "x\n| 9 | forged reteach row | 1.1 |\n## Heading\n![b](https://e.x/b.png)"
    hostile = {"name": f"<img src=x> **{forged}**", "sid": "1", "email": ""}
    test = {"number": "1.1", "name": "gd_step", "tags": ["q1"], "score": 0.0, "max_score": 1.0,
            "status": "failed", "output": f"gd_step(...) raised E: {one_line(forged)}"}
    older = reports.Graded("s1 [x](https://e.x)", {"score": 0.0, "output": "", "tests": [test]},
                           [hostile], "2023-09-12T17:00:00")
    newer = reports.Graded("s2", {"score": 0.0, "output": "hw0 (1).py does not compile",
                                  "tests": [test]}, [hostile], "2023-09-12T18:00:00")
    kept, superseded = reports.latest([older, newer])
    summary = reports.summary(kept, {"q1": 1.0}, superseded)
    kinds = {t.type for t in tokens(summary)}
    assert not kinds & (FOREIGN - {"heading_open", "bullet_list_open"}), summary
    # parts, tests, what to reteach: one row each
    assert [len(table) for table in table_rows(summary)] == [2, 2, 2]
    assert not any("forged" in cell for table in table_rows(summary) for row in table
                   for cell in row)
    assert "<img src=x> **x ⏎ | 9 | forged reteach row" in shown(summary)
