"""student_template/ is generated from reference/ by solution markers; never edit it by hand.

In code (hw0.py and notebook code cells), the lines from `# BEGIN SOLUTION` to
`# END SOLUTION` are replaced by the block's `# TEMPLATE: ` lines, uncommented, or, when
it has none, by `raise NotImplementedError("TODO")` at the block's indentation. In notebook
markdown, `<!-- BEGIN SOLUTION -->` ... `<!-- END SOLUTION -->` is dropped. Notebook
outputs and execution counts are cleared.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from autograder.checks import HW0_PY, NOTEBOOK

PROJECT = Path(__file__).resolve().parents[2]
REFERENCE, TEMPLATE = PROJECT / "reference", PROJECT / "student_template"
FILES = (HW0_PY, NOTEBOOK)
_MD_SOLUTION = re.compile(r"<!-- BEGIN SOLUTION -->.*?<!-- END SOLUTION -->\n?", re.DOTALL)


class MarkerError(ValueError):
    """Unbalanced markers."""


@dataclass(frozen=True)
class Markers:
    """A kind of block: `# BEGIN name` ... `# END name`, replaced by its lines that start
    with `keep` (uncommented), or by `empty` when it has none."""

    name: str
    keep: str
    empty: str


SOLUTION = Markers("SOLUTION", "# TEMPLATE: ", 'raise NotImplementedError("TODO")')
# The checks' full versions of what the student kit checks for form only (policy.py), and
# anything else that would give an answer away: stripped by staff/buildkit.py.
GRADER_ONLY = Markers("GRADER ONLY", "# KIT: ", "")


def strip_code(source: str, markers: Markers = SOLUTION) -> str:
    """Replace each block of Python source by its replacement lines."""
    begin, end = f"# BEGIN {markers.name}", f"# END {markers.name}"
    out: list[str] = []
    block: list[str] | None = None
    indent = ""
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        stripped = line.strip()
        if stripped == begin:
            if block is not None:
                raise MarkerError(f"line {number}: {begin} inside a block")
            block, indent = [], line[: len(line) - len(line.lstrip())]
        elif stripped == end:
            if block is None:
                raise MarkerError(f"line {number}: {end} without BEGIN")
            out.extend(block or ([f"{indent}{markers.empty}\n"] if markers.empty else []))
            block = None
        elif block is not None:
            if stripped.startswith(markers.keep):
                block.append(indent + stripped[len(markers.keep):] + "\n")
        else:
            out.append(line)
    if block is not None:
        raise MarkerError(f"a {markers.name} block is never closed")
    return "".join(out)


def strip_notebook(text: str) -> str:
    """The student notebook: solution blocks replaced, outputs cleared."""
    nb = json.loads(text)
    for cell in nb["cells"]:
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell["cell_type"] == "code":
            source = strip_code(source)
            cell["outputs"], cell["execution_count"] = [], None
        elif cell["cell_type"] == "markdown":
            source = _MD_SOLUTION.sub("", source)
        cell["source"] = source.splitlines(keepends=True)
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def generated() -> dict[str, str]:
    """The template's files as they should be, from the reference."""
    files = {}
    for name in FILES:
        path = REFERENCE / name
        if path.exists():
            text = path.read_text(encoding="utf-8")
            files[name] = strip_notebook(text) if name.endswith(".ipynb") else strip_code(text)
    return files


def stale() -> list[str]:
    """Names of template files that differ from what the reference generates."""
    return [name for name, text in generated().items()
            if not (TEMPLATE / name).exists()
            or (TEMPLATE / name).read_text(encoding="utf-8") != text]


def main(check: bool = False) -> int:
    """Regenerate (or, with check, report on) what comes from the reference: the template
    and the names-and-signatures table of docs/students.md (staff/names.py)."""
    from autograder.staff import names as names_doc

    docs = names_doc.docs_text()
    docs_stale = names_doc.DOCS.read_text(encoding="utf-8") != docs
    if check:
        names = stale() + (["docs/students.md"] if docs_stale else [])
        print("stale: " + ", ".join(names) if names
              else "student_template/ and docs/students.md are up to date.")
        return 1 if names else 0
    TEMPLATE.mkdir(exist_ok=True)
    for name, text in generated().items():
        (TEMPLATE / name).write_text(text, encoding="utf-8")
        print(f"wrote student_template/{name}")
    if docs_stale:
        names_doc.DOCS.write_text(docs, encoding="utf-8")
        print("wrote docs/students.md (names and signatures)")
    return 0
