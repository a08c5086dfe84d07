"""IPython magics that work differently while grading (engine/notebook.py registers them).

- What the sandbox forbids, shell commands and package installs (`%pip`, `%%bash`, ...), is a
  no-op that leaves a note naming the cell: never a lost answer.
- `%time`, `%%time`, `%timeit` and `%%timeit` run their code once and print no timing: a
  timing differs on every run, and grading the same notebook twice must give the same
  results.json (what the student printed is part of it).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import Any

SHELL_MAGICS = {"line": ("pip", "conda", "mamba", "micromamba", "uv", "system", "sx", "sc",
                         "edit"),
                "cell": ("bash", "sh", "script", "perl", "ruby", "python", "python2",
                         "python3", "pypy", "system", "sx")}
INSTALLERS = ("pip", "conda", "mamba", "micromamba", "uv")
# %timeit's options: -n N, -r N, -p N (with or without a space), -t, -c, -q, -o
_TIMEIT_OPTIONS = re.compile(r"\s*(?:(?:-[nrp]\s*\d+|-[tcqo])(?:\s+|$))*")


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
