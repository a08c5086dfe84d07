"""IPython magics that work differently while grading (engine/notebook.py registers them).

- What the sandbox forbids, shell commands and package installs (`%pip`, `%%bash`, ...), is a
  no-op that leaves a note naming the cell: never a lost answer.
- `%time`, `%%time`, `%timeit` and `%%timeit` run their code once and print no timing: a
  timing differs on every run, and grading the same notebook twice must give the same
  results.json (what the student printed is part of it).
- The kit's self-check, which its README advises as a notebook's last cell (`from
  hw0_selfcheck import check; check()`), and its install (`!pip install hw0-kit.zip`) do
  nothing and leave no note: part of the notebook's life, not a mistake. Its `check()` would
  start a checker inside the one running the notebook, and on Gradescope the kit is not
  installed (the import must not stop the cell).
"""

from __future__ import annotations

import ast
import contextlib
import re
import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

SHELL_MAGICS = {"line": ("pip", "conda", "mamba", "micromamba", "uv", "system", "sx", "sc",
                         "edit"),
                "cell": ("bash", "sh", "script", "perl", "ruby", "python", "python2",
                         "python3", "pypy", "system", "sx")}
INSTALLERS = ("pip", "conda", "mamba", "micromamba", "uv")
# %timeit's options: -n N, -r N, -p N (with or without a space), -t, -c, -q, -o
_TIMEIT_OPTIONS = re.compile(r"\s*(?:(?:-[nrp]\s*\d+|-[tcqo])(?:\s+|$))*")
SELF_CHECK = "hw0_selfcheck"  # the kit's package (staff/buildkit.py's PACKAGE)
# A shell command or install of the kit: `!python -m hw0_selfcheck`, `%pip install hw0-kit.zip`
KIT_COMMAND = re.compile(r"\bhw0[_-]selfcheck\b|\bhw0-kit\b")


def register(shell: Any, note: Callable[[str], None]) -> None:
    """Put the grading versions of these magics into `shell`; `note(text)` reports a skip."""
    for kind, names in SHELL_MAGICS.items():
        for name in names:
            shell.register_magic_function(_skip(name, kind, note), kind, name)
    shell.register_magic_function(_time_once(shell), "line_cell", "time")
    shell.register_magic_function(_timeit_once(shell), "line_cell", "timeit")


def _skip(name: str, kind: str, note: Callable[[str], None]) -> Callable[..., None]:
    sign = "%" if kind == "line" else "%%"

    def skip(line: str = "", cell: str | None = None) -> None:
        if KIT_COMMAND.search(line):
            return
        what = "installs nothing" if name in INSTALLERS else "was skipped"
        command = f"{sign}{name} {line.strip()[:60]}".strip()
        note(f"`{command}` {what}: shell commands and package installs cannot run while "
             "grading")

    return skip


def run_once(shell: Any, source: str) -> Any:
    """Run `source` (IPython syntax) in the notebook's namespace; the value of its last line
    when that is an expression, as `%time f()` gives it."""
    tree = ast.parse(shell.transform_cell(source))
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    namespace = shell.user_ns
    exec(compile(tree, "<timed code>", "exec"), namespace)  # noqa: S102 - in the worker
    if last is None:
        return None
    return eval(compile(ast.Expression(last.value), "<timed code>", "eval"), namespace)  # noqa: S307


def _time_once(shell: Any) -> Callable[..., Any]:
    def time(line: str = "", cell: str | None = None) -> Any:
        """%time / %%time while grading: the code, once, no timing printed."""
        return run_once(shell, line if cell is None else cell)

    return time


def _timeit_once(shell: Any) -> Callable[..., None]:
    def timeit(line: str = "", cell: str | None = None) -> None:
        """%timeit STATEMENT / %%timeit [SETUP] while grading: once, no timing printed."""
        rest = line[_TIMEIT_OPTIONS.match(line).end():]
        if cell is None:
            run_once(shell, rest)
            return
        if rest.strip():
            run_once(shell, rest)
        run_once(shell, cell)

    return timeit


def _skipped(*args: Any, **kwargs: Any) -> None:
    """The kit's check() while the notebook is graded or self-checked: nothing to do."""


@contextlib.contextmanager
def self_check_skipped() -> Iterator[None]:
    """While a cell runs, `from hw0_selfcheck import check` gives a check() that does
    nothing: inside the kit (this module is then the kit's own) its package's check is
    swapped; in the grader, where it is not installed, a stand-in module is importable. Both
    are undone after the cell, so nothing outside the notebook's cells sees them."""
    package = sys.modules.get(SELF_CHECK)
    stand_in = package is None
    if stand_in:
        package = sys.modules[SELF_CHECK] = types.ModuleType(SELF_CHECK)
        package.__all__ = ["check"]
    real = getattr(package, "check", None)
    package.check = _skipped
    try:
        yield
    finally:
        if stand_in:
            sys.modules.pop(SELF_CHECK, None)
        elif real is not None:
            package.check = real
