"""The report as a notebook shows it: an HTML table, and plain text where HTML is not shown.

`Report` is what `check()` displays (IPython.display): Jupyter, JupyterLab, VS Code and
Colab render its `_repr_html_`, a frontend without HTML its plain text. Neither holds a
terminal code. The HTML has one table row per check, each description whole, and each
failed check's reason under it: prose wraps with the page, code (a smallest failing input,
the values under it: report.code_lines) sits in a `<pre>` that never wraps, so that it
pastes into Python. Every text is escaped (html.escape): a student's value or printed
output is shown, never read as markup. The plain text is the terminal report without
colour (report.table), each check's row on one line.
"""

from __future__ import annotations

from html import escape
from typing import Any

from autograder import report
from autograder.mdtext import text_of
from autograder.results import label

COLOURS = {"ok": "#1a7f37", "FIX": "#cf222e", "form": "#9a6700"}  # readable on light and dark
PROSE = "white-space: pre-wrap; font-family: inherit; margin: 0.2em 0"
CODE = "white-space: pre; overflow-x: auto; margin: 0.2em 0 0.2em 1.5em"
CELL = "text-align: left; padding: 0.1em 0.8em 0.1em 0; vertical-align: top"


class Report:
    """One self-check's report; IPython shows it as HTML, else as text."""

    def __init__(self, data: dict[str, Any], form_only: frozenset[str] = frozenset(),
                 hidden: int = 0, checked: str = ""):
        self.data, self.form_only, self.hidden, self.checked = data, form_only, hidden, checked

    def __repr__(self) -> str:
        """The text report, wide enough that each check's row is one line."""
        rows = report.table_rows(self.data["tests"], self.form_only)
        width = max([report.WIDTH] + [len(f"{mark} {name}") + 20 for mark, name, _, _ in rows])
        return report.table(self.data, self.form_only, self.hidden, self.checked,
                            width).rstrip()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def _repr_html_(self) -> str:
        tests = self.data["tests"]
        notes, printed = report.split_output(self.data.get("output") or "")
        html = ([f'<pre style="{PROSE}; font-weight: bold">{escape(self.checked)}</pre>']
                if self.checked else [])  # its lines kept: the folder, then each file
        html += [f'<pre style="{PROSE}">{escape(notes)}</pre>'] if notes else []
        html.append('<table style="border-collapse: collapse; margin: 0.5em 0">')
        html.append("<tr>" + "".join(f'<th style="{CELL}">{h}</th>' for h in
                                     ("", "check", "part", "score")) + "</tr>")
        for mark, name, part, score in report.table_rows(tests, self.form_only):
            html.append(f'<tr><td style="{CELL}; color: {COLOURS[mark]}; font-weight: bold">'
                        f'{mark}</td><td style="{CELL}">{escape(name)}</td>'
                        f'<td style="{CELL}">{escape(part)}</td>'
                        f'<td style="{CELL}; text-align: right; white-space: nowrap">'
                        f"{escape(score)}</td></tr>")
        html.append(f'<tr><td></td><td style="{CELL}"><b>checked here in full</b></td><td></td>'
                    f'<td style="{CELL}; text-align: right; white-space: nowrap"><b>'
                    f"{report.full_total(tests, self.form_only)}</b></td></tr></table>")
        if any(t["number"] in self.form_only for t in tests):
            html.append(f'<p style="opacity: 0.7">{escape(report.FORM_LEGEND)}</p>')
        failed = [t for t in tests if t["status"] != "passed"]
        if failed:
            html.append("<p><b>What to fix</b></p>")
        for t in failed:
            html.append(f'<p style="color: {COLOURS["FIX"]}; margin-bottom: 0.2em"><b>'
                        f"{escape(label(t))}</b></p>")
            html += _blocks(text_of(t))
        if printed:
            html.append(f'<pre style="{PROSE}; opacity: 0.7">{escape(printed)}</pre>')
        html.append(f"<p><b>{escape(report.closing(tests, self.form_only, self.hidden))}"
                    "</b></p>")
        return '<div class="hw0-selfcheck">' + "\n".join(html) + "</div>"


def _blocks(text: str) -> list[str]:
    """A failed check's text: runs of prose (wrapping) and of code (never wrapping)."""
    runs: list[tuple[bool, list[str]]] = []
    for line, kind in report.code_lines(text):
        code = kind != report.PROSE
        if runs and runs[-1][0] == code:
            runs[-1][1].append(line)
        else:
            runs.append((code, [line]))
    return [f'<pre style="{CODE if code else PROSE}">{escape(chr(10).join(lines))}</pre>'
            for code, lines in runs]
