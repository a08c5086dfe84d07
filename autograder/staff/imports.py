"""Which of our modules a module needs, found by following its `import` statements.

build-kit (the student kit) and build-zip (Gradescope's upload) each ship exactly the
closure of their entry points: every `autograder` module imported at any depth, lazy
imports inside functions included, `if TYPE_CHECKING:` imports not. Each says what source
is followed: build-kit the kit's copy (GRADER ONLY blocks stripped), build-zip the full
source, which is what Gradescope runs.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def module_path(name: str) -> Path:
    """The file of an `autograder...` module or package."""
    path = PROJECT / Path(*name.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def full_source(name: str) -> str:
    """A module's source as it is in the repository."""
    return module_path(name).read_text(encoding="utf-8")


def imported(source: str) -> set[str]:
    """The `autograder` modules a source imports, anywhere but under `if TYPE_CHECKING:`."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "autograder")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "autograder":
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names
                         if module_path(f"{node.module}.{a.name}").is_file())
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return found


def closure(entries: Iterable[str],
            source: Callable[[str], str] = full_source) -> list[str]:
    """Every module the entries need, with the packages that hold them, sorted.
    `source(name)`: the text of a module as it will ship."""
    todo, seen = list(entries), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]
        todo += sorted(imported(source(name)))
    return sorted(seen)
