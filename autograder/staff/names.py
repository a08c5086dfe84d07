"""The names and signatures a student must provide, generated from the reference.

Functions: their signature and docstring (the template ships the same docstrings). Answer
constants: the TODO of their `# TEMPLATE: ` placeholder, after the comment just above their
solution block. From the notebook: its functions with a solution block and its `q5`
answers. The table goes into docs/students.md (between the markers below, rewritten by
`python -m autograder template`) and into the kit's README, so neither drifts from the
reference; tests/test_kit_policy.py fails when docs/students.md is stale.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from autograder.staff.template import PROJECT, REFERENCE

DOCS = PROJECT / "docs" / "students.md"
README = Path(__file__).with_name("kit_README.md")
BEGIN = "<!-- BEGIN GENERATED: names (python -m autograder template) -->"
END = "<!-- END GENERATED: names -->"
_PLACEHOLDER = re.compile(r"#\s*TEMPLATE:\s*(\w+)\s*=.*?#\s*TODO:?\s*(.*)$")


def _comment_above(lines: list[str], index: int) -> str:
    """The comment lines right above line `index` (a `# BEGIN SOLUTION`), joined."""
    above = []
    while index > 0 and lines[index - 1].lstrip().startswith("#") \
            and "SOLUTION" not in lines[index - 1]:
        index -= 1
        above.insert(0, lines[index].strip().lstrip("#").strip())
    return " ".join(above)


def entries(source: str, keep_answer: str = "") -> list[tuple[str, str]]:
    """(name or signature, what it is) for each function with a solution block and each
    placeholder answer (whose name starts with `keep_answer`), in source order."""
    found: list[tuple[int, str, str]] = []
    for node in ast.parse(source).body:
        segment = ast.get_source_segment(source, node) or ""
        if isinstance(node, ast.FunctionDef) and "# BEGIN SOLUTION" in segment \
                and not node.name.startswith("_"):
            args = ", ".join(a.arg for a in node.args.args)
            doc = " ".join((ast.get_docstring(node) or "").split())
            found.append((node.lineno, f"`{node.name}({args})`", doc))
    lines = source.splitlines()
    for number, line in enumerate(lines):
        match = _PLACEHOLDER.search(line)
        if match and match.group(1).startswith(keep_answer):
            begin = max(i for i in range(number) if lines[i].strip() == "# BEGIN SOLUTION")
            above, todo = _comment_above(lines, begin), match.group(2)
            what = f"{above} ({todo})" if above and todo else above or todo
            found.append((number + 1, f"`{match.group(1)}`", what))
    return [(name, what) for _, name, what in sorted(found)]


def table() -> str:
    """The markdown table of every name, hw0.py first, then the notebook."""
    rows = [("hw0.py", e) for e in entries((REFERENCE / "hw0.py").read_text(encoding="utf-8"))]
    nb = json.loads((REFERENCE / "color_organ_learning.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            rows += [("notebook", e) for e in entries(source, keep_answer="q5")]
    out = ["| file | name | what |", "| --- | --- | --- |"]
    for file, (name, what) in rows:
        escaped = what.replace("|", r"\|")  # ||x|| inside a table cell
        out.append(f"| {file} | {name} | {escaped} |")
    return "\n".join(out)


def section() -> str:
    return f"{BEGIN}\n{table()}\n{END}"


def docs_text() -> str:
    """docs/students.md with its generated section brought up to date."""
    text = DOCS.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + section() + text[end:]


def kit_readme() -> str:
    """The kit's README.md: kit_README.md with the table filled in."""
    return README.read_text(encoding="utf-8").replace("{names}", table())
