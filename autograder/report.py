"""Results as a person reads them in a terminal: the self-check's table, with rich.

Colour on a terminal, plain text when piped (a notebook's `!python -m hw0_selfcheck`), at
the terminal's own width (80 columns when piped). Nothing is cut: a description too long
for its column wraps inside it, a wrapped line keeps its line's indentation, and code (a
smallest failing input, the values under it) is never wrapped, so that it pastes into
Python. In Gradescope's order: first what to fix about the whole submission
(results.json's top-level notes: a missing or renamed file, a file that does not compile, a
notebook cell error; a failed check may say "see the top of the feedback"), then the table
and each failed check's reason, then what each file printed (as the grader cut it, each
file's own); the last line says what a pass means. Used by `python -m autograder check`
and by the student kit (`python -m hw0_selfcheck`).
"""

from __future__ import annotations

import io
import re
import shutil
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rich.console import Console, ConsoleOptions, Group
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from autograder.feedback import SCORE
from autograder.mdtext import INPUT, LABELS, text_of
from autograder.results import label
from autograder.textsafe import clean

WIDTH = 80  # when the output is not a terminal
INDENT = "   "  # a failed check's reason, under its heading
PROSE, CODE, INPUT_LINE = "prose", "code", "input"  # kinds of a check's lines (code_lines)
_PRINTED = re.compile(r"^Printed by ", re.MULTILINE)  # grade.py's heading of printed output
FORM_LEGEND = ("form = the answer is well-formed (type, parses, allowed choice); its value, "
               "and so its score (?), is checked on Gradescope only.")


def progress(step: str) -> None:
    """One line that rewrites itself while the checks run (only on a terminal)."""
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K  checking " + step[:70])
        sys.stderr.flush()


def report(data: dict[str, Any], form_only: frozenset[str] = frozenset(),
           hidden: int = 0, checked: str = "") -> Group:
    """The whole report of a results dict. `form_only`: numbers of the checks run here for
    form only (their values are checked on Gradescope); `hidden`: how many checks Gradescope
    runs that are not here at all; `checked`: what was checked, first (checked_files). The
    total counts only what was checked in full."""
    tests = data["tests"]
    notes, printed = split_output(data.get("output") or "")
    # the header names folders and files: never wrapped, so a long path copies whole
    parts: list[Any] = [Lines(checked + "\n", style="bold", wrap=False)] if checked else []
    parts += [Lines(notes + "\n")] if notes else []
    rows = Table(box=None, pad_edge=False, show_edge=False, expand=False, padding=(0, 1))
    rows.add_column("check", overflow="fold")
    rows.add_column("part", no_wrap=True, min_width=4)
    rows.add_column("score", justify="right", no_wrap=True, min_width=9)  # "0.5 / 0.5"
    for mark, name, part, score in table_rows(tests, form_only):
        style = {"FIX": "red", "form": "yellow", "ok": "green"}[mark]
        rows.add_row(Lines(f"{mark} {name}", style=style, hang=len(mark) + 1), part, score)
    rows.add_row(Text("checked here in full", style="bold"), "",
                 Text(full_total(tests, form_only), style="bold"))
    parts.append(rows)
    if any(t["number"] in form_only for t in tests):
        parts.append(Lines(FORM_LEGEND, style="dim"))
    failed = [t for t in tests if t["status"] != "passed"]
    if failed:
        parts.append(Text("\nWhat to fix", style="bold"))
    for t in failed:
        parts += [Lines(f"\n== {label(t)}", style="bold red", hang=3), Lines(text_of(t), INDENT)]
    if printed:  # each file's, cut where the grader cut it (results.printed)
        parts.append(Lines("\n" + printed, style="dim"))
    parts.append(Lines("\n" + closing(tests, form_only, hidden),
                       style="bold green" if not failed else "bold"))
    return Group(*parts)


def table_rows(tests: list[dict[str, Any]],
               form_only: frozenset[str]) -> Iterator[tuple[str, str, str, str]]:
    """Each check's row: mark (ok, FIX or form), its number and name, part, score."""
    for t in tests:
        passed = t["status"] == "passed"
        mark = ("form" if t["number"] in form_only else "ok") if passed else "FIX"
        # a well-formed answer earns nothing here: its points are Gradescope's to give
        score = "?" if mark == "form" else f"{t['score']:g}"
        yield mark, label(t), t["tags"][0], f"{score} / {t['max_score']:g}"


def full_total(tests: list[dict[str, Any]], form_only: frozenset[str]) -> str:
    """The score of the checks made here in full: "7.5 / 9"."""
    full = [t for t in tests if t["number"] not in form_only]
    return f"{sum(t['score'] for t in full):g} / {sum(t['max_score'] for t in full):g}"


def closing(tests: list[dict[str, Any]], form_only: frozenset[str], hidden: int) -> str:
    """The report's last line (last_line) for these tests."""
    full = [t for t in tests if t["number"] not in form_only]
    form = [t for t in tests if t["number"] in form_only]
    ok = sum(t["status"] == "passed" for t in full), sum(t["status"] == "passed" for t in form)
    return last_line(ok[0], len(full), ok[1], len(form), hidden)


def code_lines(text: str) -> Iterator[tuple[str, str]]:
    """Each line of a check's text and its kind: INPUT, a line of a smallest failing input
    (up to a "Likely cause:" or such label), to paste into Python as it stands; CODE, an
    indented line (values, as mdtext.to_md fences them), kept as it is; else PROSE."""
    inputs = False
    for line in text.split("\n"):
        if INPUT.match(line):
            inputs = True
            yield line, PROSE
            continue
        inputs = inputs and not line.startswith(LABELS) and bool(line.strip())
        yield line, INPUT_LINE if inputs else CODE if line.startswith(" ") else PROSE


class Lines:
    """Text as the report prints it at the console's width: prose wrapped, each wrapped line
    indented as its line (plus `hang` for a line's continuation); code (code_lines) never
    wrapped nor cut, however narrow the console; a failing input's lines unindented."""

    def __init__(self, text: str, indent: str = "", style: str = "", hang: int = 0,
                 wrap: bool = True):
        # cleaned (textsafe.clean): student text prints no escape sequence; rich's Text
        # below prints it literally ("[bold]" is not markup)
        self.text, self.indent, self.style, self.hang = clean(text), indent, style, hang
        self.wrap = wrap  # False: every line printed whole, as code is

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        for line, kind in code_lines(self.text):
            if kind != PROSE or not line.strip() or not self.wrap:  # an input line unindented
                yield Text(("" if kind == INPUT_LINE else self.indent) + line,
                           style=self.style, no_wrap=True, overflow="ignore")
                continue
            lead = self.indent + line[:len(line) - len(line.lstrip())]
            width = max(options.max_width - len(lead), 10)
            for part in textwrap.wrap(line.strip(), width, subsequent_indent=" " * self.hang,
                                      break_long_words=False, break_on_hyphens=False):
                yield Text(lead + part, style=self.style, no_wrap=True, overflow="ignore")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        """For a table column: its longest word, and its longest line unwrapped."""
        lines = [self.indent + line for line in self.text.split("\n")]
        words = [len(word) for line in lines for word in line.split()]
        return Measurement(max(words, default=0) + len(self.indent),
                           max(len(line) for line in lines))


def exit_status(data: dict[str, Any]) -> int:
    """The self-check's exit status, for scripts: 0 when every check ran and passed, else 1
    (2, a usage error, is argparse's)."""
    return 0 if data["tests"] and all(t["status"] == "passed" for t in data["tests"]) else 1


def last_line(passed: int, total: int, well_formed: int = 0, forms: int = 0,
              hidden: int = 0) -> str:
    """What a pass means: the checks run here in full, the answers checked for form only
    (their values are Gradescope's), and the checks only Gradescope runs."""
    done = ("The 1 public check passes" if passed == total == 1
            else f"All {total} public checks pass" if passed == total
            else f"{passed} of {total} public checks pass")
    done += (" in full" if forms else "") + ("" if passed == total else "; fix the rest") + "."
    if forms:
        done += (f" {forms} more answers were checked for form only: " if forms > 1
                 else " 1 more answer was checked for form only: ")
        done += ("well-formed" if well_formed == forms == 1
                 else "all are well-formed" if well_formed == forms
                 else f"{well_formed} of {forms} are well-formed (fix the rest)")
        done += "; Gradescope will check their values."
    return done + (f" Gradescope also runs {hidden} more checks." if hidden
                   else " Gradescope runs the same checks." if not forms else "")


def checked_files(folder: Path, files: dict[str, Path | None], wanted: list[str],
                  left: list[str] | None = None) -> str:
    """The report's first lines: the folder and the files checked in it; `left`: the files
    not checked because one file was named (`python -m hw0_selfcheck hw0.py`)."""
    lines = [f"Checked {folder}"]
    for name in wanted:
        path = files.get(name)
        lines.append(f"  {name}: " + (str(path.relative_to(folder)) if path
                                      else "not there, not checked"))
    lines += [f"  {name}: not checked, as you named one file (give the folder to check both)"
              for name in left or []]
    return "\n".join(lines)


def checked_kernel(kernel: str, other: str) -> str:
    """The report's first lines in a notebook: the live kernel, and how to check the rest."""
    return (f"Checked {kernel}: the notebook's answers and functions as defined now\n"
            f"(not the saved file). {other}: check('{other}').")


def nothing_found(folder: Path, wanted: list[str]) -> Text:
    """The one message for a folder that holds none of the files looked for."""
    missing = (f"neither {' nor '.join(wanted)} is there" if len(wanted) > 1
               else f"{wanted[0]} is not there")
    return Text(f"Nothing to check in {folder}: {missing} (nor in a folder under it). Give "
                "the folder that holds your files (python -m hw0_selfcheck FOLDER), or save "
                "them there with exactly these names.")


def split_output(output: str) -> tuple[str, str]:
    """grade.py's top-level output: notes (files found, load errors, what to fix first), then
    what was printed. Its opening score line is left out: the table says it."""
    if output.startswith(SCORE):
        output = output.partition("\n\n")[2]
    match = _PRINTED.search(output)
    if match is None:
        return output.strip(), ""
    return output[: match.start()].strip(), output[match.start():].strip()


def console(file: Any = None) -> Console:
    """Colour on a terminal, none when piped; the terminal's width ($COLUMNS, else the
    terminal's own), WIDTH when there is none."""
    width = shutil.get_terminal_size((WIDTH, 24)).columns
    return Console(file=file, width=max(width, 20), highlight=False, soft_wrap=False)


def render(out: Console, group: Any) -> None:
    """Print the report; lines of code longer than the console stay whole (no crop)."""
    out.print(group, crop=False)


def show(data: dict[str, Any], form_only: frozenset[str] = frozenset(),
         hidden: int = 0, checked: str = "") -> None:
    """Print the report to stdout."""
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K")
    render(console(), report(data, form_only, hidden, checked))


def table(data: dict[str, Any], form_only: frozenset[str] = frozenset(),
          hidden: int = 0, checked: str = "", width: int = WIDTH) -> str:
    """The report as plain text (what a pipe gets), `width` columns wide."""
    out = io.StringIO()
    render(Console(file=out, width=width, color_system=None, highlight=False,
                   soft_wrap=False, force_jupyter=False),  # in a kernel too: into `out`
           report(data, form_only, hidden, checked))
    return out.getvalue()
