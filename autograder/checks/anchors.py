"""Where a known-wrong variant's change goes: a top-level function or assignment of the
reference (its anchor) and a piece of that anchor's syntax tree, not its exact text.

A variant's `old` is Python (an expression, or statements); it is found by its syntax tree
inside the anchor, so a reference reformatted, re-commented or edited elsewhere still takes
it, and `new` is spliced in its place. When the anchor is gone, or the piece is no longer
exactly once in it (the reference was rewritten there), `NotApplicable` names the variant,
the anchor and the file: verify prints it as a failed row, never drops it.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator

SHOWN = 60  # characters of `old` quoted in a NotApplicable message


class NotApplicable(ValueError):
    """A variant's piece is not exactly once in its anchor (or the anchor is gone)."""


def _pattern(snippet: str) -> ast.expr | list[ast.stmt]:
    """`snippet` parsed: one expression, or a run of statements."""
    body = ast.parse(textwrap.dedent(snippet).strip("\n")).body
    return body[0].value if len(body) == 1 and isinstance(body[0], ast.Expr) else body


def _names(node: ast.stmt) -> list[str]:
    """What a top-level statement defines: a function's name or its assignment's targets."""
    if isinstance(node, ast.FunctionDef | ast.ClassDef):
        return [node.name]
    targets = node.targets if isinstance(node, ast.Assign) else (
        [node.target] if isinstance(node, ast.AnnAssign) else [])
    return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]


def _runs(anchor: ast.stmt, length: int) -> Iterator[list[ast.stmt]]:
    """Every run of `length` consecutive statements in the anchor (the anchor itself too)."""
    lists = [[anchor]] + [value for node in ast.walk(anchor)
                          for field in ("body", "orelse", "finalbody")
                          if isinstance(value := getattr(node, field, None), list)]
    for statements in lists:
        for i in range(len(statements) - length + 1):
            yield statements[i:i + length]


def spans(anchor: ast.stmt, old: str) -> list[tuple[ast.AST, ast.AST]]:
    """(first, last) node of each place `old`'s syntax tree occurs in the anchor."""
    pattern = _pattern(old)
    if isinstance(pattern, ast.expr):
        wanted = ast.dump(pattern)
        return [(n, n) for n in ast.walk(anchor)
                if isinstance(n, ast.expr) and ast.dump(n) == wanted]
    wanted_run = [ast.dump(s) for s in pattern]
    return [(run[0], run[-1]) for run in _runs(anchor, len(pattern))
            if [ast.dump(s) for s in run] == wanted_run]


def _offset(lines: list[str], line: int, column: int) -> int:
    """The character offset of ast's (1-based line, UTF-8 byte column) in the joined lines."""
    before = sum(len(text) for text in lines[:line - 1])
    return before + len(lines[line - 1].encode("utf-8")[:column].decode("utf-8"))


def find(tree: ast.Module, at: str) -> list[ast.stmt]:
    """The top-level statements of the module that define `at`."""
    return [node for node in tree.body if at in _names(node)]


def splice(text: str, anchor: ast.stmt, old: str, new: str, where: str) -> str:
    """`text` with `old` (once in `anchor`, by syntax tree) replaced by `new`, re-indented
    to its place. Raises NotApplicable (naming `where`) unless `old` is there exactly once."""
    found = spans(anchor, old)
    if len(found) != 1:
        shown = " ".join(old.split())
        shown = shown if len(shown) <= SHOWN else shown[:SHOWN] + "..."
        raise NotApplicable(f"`{shown}` is {'not' if not found else f'{len(found)} times'} "
                            f"in {where}")
    first, last = found[0]
    lines = text.splitlines(keepends=True)
    start = _offset(lines, first.lineno, first.col_offset)
    end = _offset(lines, last.end_lineno, last.end_col_offset)
    indent = " " * (start - _offset(lines, first.lineno, 0))
    replacement = textwrap.dedent(new).strip("\n").replace("\n", "\n" + indent)
    return text[:start] + replacement + text[end:]
