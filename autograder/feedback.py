"""Feedback that points at the root: what a failed test builds on, and the opening lines.

A check declares the student functions its answer builds on (`uses` in checks/__init__.py:
evaluate_bp_circuit calls evaluate_hp_circuit, q5g_resistors was trained with
evaluate_bp_circuit). When a check fails on a value the student gave and something it builds
on is wrong too (its own check failed on the values it returned, or it changes an argument
in place), its feedback opens with "Fix first: ...",
naming the deepest such function and its check. A function the grader calls directly is
believed to call the one it builds on only when the student's source says so (`refers`,
the source parsed, never run). The top-level output opens with the score and the failed
tests by number, then what to fix first.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from typing import Any

FIX_FIRST = "Fix first: "
SCORE = "Score: "
IN_PLACE = "changes its argument"


def in_place_note(function: str, arguments: Iterable[str]) -> str:
    """What a student reads when their function changed the arrays it was given."""
    names = ", ".join(sorted(arguments))
    return (f"Note: {function} {IN_PLACE} {names} in place (w -= ..., w[...] = ..., or an "
            "in-place numpy or torch operation): code that calls it and keeps "
            f"{names} finds it changed. Compute a new array instead (w = w - ...).")


def summary(tests: list[dict[str, Any]]) -> str:
    """The first line of the top-level output: the score and the failed tests by number."""
    got = sum(t["score"] for t in tests)
    total = sum(t["max_score"] for t in tests)
    failed = [t["number"] for t in tests if t["status"] != "passed"]
    line = f"{SCORE}{got:g} / {total:g}."
    return line + (f" Failed: {', '.join(failed)}." if failed else " Every test passed.")


def definitions(sources: list[str]) -> dict[str, ast.FunctionDef]:
    """The functions the student's source defines at the top level (the last definition of
    a name wins, as when the file or notebook runs); sources that do not parse (a cell with
    IPython magics, a broken file) are left out."""
    found: dict[str, ast.FunctionDef] = {}
    for source in sources:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found[node.name] = node
    return found


def refers(function: ast.FunctionDef, name: str) -> bool:
    """Whether the body of `function` uses the name `name` (a call, or a reference)."""
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(function))


def roots(checks: list[Any], failed: set[str],
          modified: dict[str, set[str]], sources: dict[str, list[str]],
          unfinished: set[str] = frozenset()) -> dict[str, tuple[str, str]]:
    """Check number -> (the root, its "Fix first: ..." line), for each failed check that
    builds on a function that is wrong (its check failed on the values it returned) or
    changes its arguments in place.

    `failed`: the numbers of the failed checks; `modified`: function -> the arguments it
    changed in place (from the worker's replies); `sources`: file -> the student's source
    (the file, or the notebook's code cells); `unfinished`: the failed checks whose answer
    is not there yet (not implemented, None, returned None). Such a check is told nothing
    about what it builds on (its own answer is what is missing), and a function that only
    fails those returned no wrong values to fix first."""
    tested: dict[str, list[str]] = {}  # function -> the checks that test it
    for c in checks:
        tested.setdefault(c.title.split(":")[0].strip(), []).append(c.number)
    by_number = {c.number: c for c in checks}
    defined = {file: definitions(texts) for file, texts in sources.items()}

    def problem(name: str) -> str | None:
        """How `name` is wrong on its own checks, or None."""
        wrong = [n for n in tested.get(name, []) if n in failed and n not in unfinished]
        if wrong:
            return f"fails {', '.join(wrong)}"
        if modified.get(name):
            where = tested.get(name, [])
            see = f" (see {where[0]})" if where else ""
            return f"{IN_PLACE} {', '.join(sorted(modified[name]))} in place{see}"
        return None

    def builds_on(check: Any) -> list[str]:
        """The functions `check` builds on that it really calls (see the module docstring)."""
        subject = check.title.split(":")[0].strip()
        own = defined.get(check.file, {}).get(subject)
        return [n for n in check.uses if own is None or refers(own, n)]

    def deepest(name: str, seen: frozenset[str]) -> tuple[str, list[str]] | None:
        """The deepest wrong function under `name` (itself included) and the chain above it."""
        for number in tested.get(name, []):
            for below in builds_on(by_number[number]) if number in by_number else []:
                if below not in seen and problem(below):
                    found = deepest(below, seen | {below})
                    if found:
                        return found[0], [name, *found[1]]
        return (name, []) if problem(name) else None

    lines = {}
    for c in checks:
        if c.number not in failed or c.number in unfinished:
            continue
        for name in builds_on(c):
            found = deepest(name, frozenset({name}))
            if found is None:
                continue
            root, chain = found
            subject = c.title.split(":")[0].strip()
            if subject in defined.get(c.file, {}):
                relation = f"{subject} calls it"
            elif re.fullmatch(r"[A-Za-z_]\w*", subject):
                relation = f"{subject} was computed with it"
            else:
                relation = "this check uses it"
            through = f" (through {', '.join(chain)})" if chain else ""
            said = f"{root} {problem(root)}"
            lines[c.number] = (said, f"{FIX_FIRST}{said}, and {relation}{through}.")
            break
    return lines


def fix_first(lines: dict[str, tuple[str, str]]) -> list[str]:
    """The top-level output's "what to fix first" from `roots`: each root once, with the
    failed tests that build on it."""
    grouped: dict[str, list[str]] = {}
    for number, (root, _) in lines.items():
        grouped.setdefault(root, []).append(number)
    return [f"{FIX_FIRST}{root}; {', '.join(numbers)} "
            f"{'builds' if len(numbers) == 1 else 'build'} on it."
            for root, numbers in grouped.items()]
