"""A failed test's feedback as Markdown for Gradescope, and back to the text it came from.

Gradescope renders a test's output as Markdown when its `output_format` is "md". Our checks
write plain text with a few fixed shapes (checks/__init__.py): a smallest failing input of
Python lines, "expected:" against "given:", a "Likely cause:" line. `to_md` turns those into
a fenced code block (to paste into Python), a small table, a line of its own with a bold
label; every other line goes through textsafe.md_inline (it renders as itself), and no HTML
is written, so a sanitizer has nothing to strip. `to_text` gives the text back exactly for
the terminal report, batch's summary and verify (`text_of` picks by output_format).
"""

from __future__ import annotations

import re
from typing import Any

from autograder.textsafe import md_block, md_inline

LABELS = ("Likely cause:", "Note:", "Fix first:")  # lines that stand on their own, in bold
INPUT = re.compile(r"^Smallest failing input \(.*\):$")
EXPECTED, GIVEN = "  expected: ", "  given:    "
LARGEST = re.compile(r"^  largest difference at (\[[^\]]*\]): expected (\S+), given (\S+)$")
ROW = re.compile(r"^\| (.*?) \| `(.*)` \| `(.*)` \|$")
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
TABLE_HEAD = "| | expected | given |\n|---|---|---|"


def unescape(line: str) -> str:
    return _UNESCAPE.sub(r"\1", line)


def open_fence(markdown: str) -> str | None:
    """The fence of the code block `markdown` leaves open (it was cut inside one), or None."""
    bar = None
    for line in markdown.split("\n"):
        run = re.match(r"`{3,}", line)
        if bar is None and run:
            bar = run[0]
        elif bar is not None and run and line.rstrip() == run[0] and len(run[0]) >= len(bar):
            bar = None
    return bar


def _comparison(lines: list[str], start: int) -> tuple[str, int] | None:
    """The block at `start` ("largest difference" line, then expected and given) as Markdown,
    and the index after it; None when no comparison starts there. Values of one line go in
    a small table; arrays printed over several lines in a code block under it."""
    i, largest = start, LARGEST.match(lines[start])
    i += bool(largest)
    if i >= len(lines) or not lines[i].startswith(EXPECTED):
        return None
    end = i + 1
    while end < len(lines) and lines[end].startswith("    ") and not lines[end].startswith(GIVEN):
        end += 1
    if end >= len(lines) or not lines[end].startswith(GIVEN):
        return None
    after = end + 1
    while after < len(lines) and lines[after].startswith("    "):
        after += 1
    rows = []
    if largest and not any("`" in c or "|" in c for c in largest.groups()):
        rows.append(f"| largest difference at {largest[1]} | `{largest[2]}` | `{largest[3]}` |")
    elif largest:
        return md_block(lines[start:after]), after
    expected, given = lines[i][len(EXPECTED):], lines[end][len(GIVEN):]
    if end == i + 1 and after == end + 1 and not any("`" in c or "|" in c
                                                      for c in (expected, given)):
        rows.append(f"| answer | `{expected}` | `{given}` |")
        return "\n".join([TABLE_HEAD, *rows]), after
    arrays = md_block(lines[i:after])
    return ("\n".join([TABLE_HEAD, *rows]) + "\n\n" + arrays if rows else arrays), after


def to_md(text: str) -> str | None:
    """`text` as Markdown, or None when it has none of the shapes above (as plain text it
    reads as well)."""
    lines, blocks, i, shaped = text.split("\n"), [], 0, False
    while i < len(lines):
        line = lines[i]
        compared = _comparison(lines, i) if line.startswith("  ") else None
        if compared:
            block, i = compared
            blocks.append(block)
            shaped = True
            continue
        if INPUT.match(line):
            end = i + 1
            while end < len(lines) and not lines[end].startswith(LABELS):
                end += 1
            blocks += [f"**{md_inline(line)}**", md_block(lines[i + 1:end], "python")]
            i, shaped = end, True
            continue
        label = next((lab for lab in LABELS if line.startswith(lab + " ")), None)
        if label:
            blocks.append(f"**{md_inline(label)}** {md_inline(line[len(label) + 1:])}")
            shaped = True
        elif line.startswith(" ") or not line.strip():  # kept as it is: whitespace matters
            end = i + 1
            while end < len(lines) and (lines[end].startswith(" ") or not lines[end].strip()) \
                    and not (lines[end].startswith("  ") and _comparison(lines, end)):
                end += 1
            blocks.append(md_block(lines[i:end]))
            i = end
            continue
        else:
            blocks.append(md_inline(line))
        i += 1
    return "\n\n".join(blocks) if shaped else None


def to_text(md: str) -> str:
    """The text `to_md` was given."""
    lines, out, i = md.split("\n"), [], 0
    while i < len(lines):
        line = lines[i]
        bar = re.match(r"^(`{3,})", line)
        if bar:
            end = lines.index(bar[1], i + 1) if bar[1] in lines[i + 1:] else len(lines)
            out += lines[i + 1:end]
            i = end + 1
        elif line == TABLE_HEAD.split("\n")[0]:
            i += 2
            while i < len(lines) and ROW.match(lines[i]):
                label, expected, given = ROW.match(lines[i]).groups()
                out += ([f"  {label}: expected {expected}, given {given}"] if label != "answer"
                        else [EXPECTED + expected, GIVEN + given])
                i += 1
        elif line:
            out.append(unescape(re.sub(r"(?<!\\)\*\*", "", line)))
            i += 1
        else:
            i += 1
    return "\n".join(out)


def text_of(test: dict[str, Any]) -> str:
    """A results.json test's output as plain text, whichever format it was written in."""
    return to_text(test["output"]) if test.get("output_format") == "md" else test["output"]


def as_text(data: dict[str, Any]) -> dict[str, Any]:
    """A results dict with every test's output as plain text (for staff's reports)."""
    for test in data.get("tests", []):
        if test.get("output_format") == "md":
            test["output"], test["output_format"] = to_text(test.get("output", "")), "text"
    return data
