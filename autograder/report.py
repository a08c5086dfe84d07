"""Results as a person reads them in a terminal: the self-check's table, with rich.

Colour on a terminal, plain text when piped (a notebook's `!python -m hw0_selfcheck`);
80 columns at most. In Gradescope's order: first what to fix about the whole submission
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
from pathlib import Path
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from autograder.feedback import SCORE
from autograder.mdtext import text_of
from autograder.results import label
from autograder.textsafe import terminal

WIDTH = 80
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
    notes, printed = _split(data.get("output") or "")
    parts: list[Any] = [Text(checked + "\n", style="bold")] if checked else []
    parts += [terminal(notes + "\n")] if notes else []  # student text: textsafe.terminal
    rows = Table(box=None, pad_edge=False, show_edge=False, expand=False, padding=(0, 1))
    rows.add_column("check", overflow="ellipsis", no_wrap=True, max_width=WIDTH - 20)
    rows.add_column("part", no_wrap=True, min_width=4)
    rows.add_column("score", justify="right", no_wrap=True, min_width=9)  # "0.5 / 0.5"
    for t in tests:
        passed = t["status"] == "passed"
        mark = ("form" if t["number"] in form_only else "ok") if passed else "FIX"
        style = "red" if not passed else ("yellow" if mark == "form" else "green")
        # a well-formed answer earns nothing here: its points are Gradescope's to give
        score = "?" if mark == "form" else f"{t['score']:g}"
        rows.add_row(Text(f"{mark} {label(t)}", style=style), t["tags"][0],
                     f"{score} / {t['max_score']:g}")
    full = [t for t in tests if t["number"] not in form_only]
    rows.add_row(Text("checked here in full", style="bold"), "",
                 Text(f"{sum(t['score'] for t in full):g} / "
                      f"{sum(t['max_score'] for t in full):g}", style="bold"))
    parts.append(rows)
    if any(t["number"] in form_only for t in tests):
        parts.append(Text(FORM_LEGEND, style="dim"))
    failed = [t for t in tests if t["status"] != "passed"]
    if failed:
        parts.append(Text("\nWhat to fix", style="bold"))
    for t in failed:
        parts += [Text(f"\n== {label(t)}", style="bold red"),
                  terminal(textwrap.indent(text_of(t), "   "))]
    if printed:  # each file's, cut where the grader cut it (results.printed)
        parts.append(terminal("\n" + printed, style="dim"))
    form = [t for t in tests if t["number"] in form_only]
    ok = sum(t["status"] == "passed" for t in full), sum(t["status"] == "passed" for t in form)
    parts.append(Text("\n" + last_line(ok[0], len(full), ok[1], len(form), hidden),
                      style="bold green" if not failed else "bold"))
    return Group(*parts)


def exit_status(data: dict[str, Any]) -> int:
    """The self-check's exit status, for scripts: 0 when every check ran and passed, else 1
    (2, a usage error, is argparse's)."""
    return 0 if data["tests"] and all(t["status"] == "passed" for t in data["tests"]) else 1


def last_line(passed: int, total: int, well_formed: int = 0, forms: int = 0,
              hidden: int = 0) -> str:
    """What a pass means: the checks run here in full, the answers checked for form only
    (their values are Gradescope's), and the checks only Gradescope runs."""
    done = (f"All {total} public checks pass" if passed == total
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
    return (f"Checked {kernel}: the notebook's answers and functions as defined now (not the "
            f"saved file). {other}: check('{other}').")


def nothing_found(folder: Path, wanted: list[str]) -> Text:
    """The one message for a folder that holds none of the files looked for."""
    missing = (f"neither {' nor '.join(wanted)} is there" if len(wanted) > 1
               else f"{wanted[0]} is not there")
    return Text(f"Nothing to check in {folder}: {missing} (nor in a folder under it). Give "
                "the folder that holds your files (python -m hw0_selfcheck FOLDER), or save "
                "them there with exactly these names.")


def _split(output: str) -> tuple[str, str]:
    """grade.py's top-level output: notes (files found, load errors, what to fix first), then
    what was printed. Its opening score line is left out: the table says it."""
    if output.startswith(SCORE):
        output = output.partition("\n\n")[2]
    match = _PRINTED.search(output)
    if match is None:
        return output.strip(), ""
    return output[: match.start()].strip(), output[match.start():].strip()


def console(file: Any = None) -> Console:
    """Colour on a terminal, none when piped; never wider than WIDTH."""
    width = min(WIDTH, shutil.get_terminal_size((WIDTH, 24)).columns)
    return Console(file=file, width=width, highlight=False, soft_wrap=False)


def show(data: dict[str, Any], form_only: frozenset[str] = frozenset(),
         hidden: int = 0, checked: str = "") -> None:
    """Print the report to stdout."""
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K")
    console().print(report(data, form_only, hidden, checked))


def table(data: dict[str, Any], form_only: frozenset[str] = frozenset(),
          hidden: int = 0) -> str:
    """The report as plain text (what a pipe gets)."""
    out = io.StringIO()
    Console(file=out, width=WIDTH, color_system=None, highlight=False,
            soft_wrap=False).print(report(data, form_only, hidden))
    return out.getvalue()
