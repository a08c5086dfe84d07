"""What the student reads about a file as a whole: its load and cell errors as the top of
the feedback says them (`problem`), and which names a notebook cell sets (`assigned`,
`defines`: its source read, never run)."""

from __future__ import annotations

import re
from typing import Any

from autograder.engine import clock, notebook
from autograder.engine.answers import sentence

ENVIRONMENT = ("The grading environment has Python's standard library, "
               + ", ".join(notebook.ENVIRONMENT[:-1]) + f" and {notebook.ENVIRONMENT[-1]} only "
               "(no network, nothing can be installed): use those instead.")


def assigned(source: str) -> set[str]:
    """The names a cell's source sets at its top level or in its blocks (`x = ...`, `x +=
    ...`, `def x`, `class x`, `for x in ...`), not a function's locals; IPython's magic and
    shell lines left out. Empty when it does not parse. The source is read, never run."""
    import ast

    try:
        tree = ast.parse(re.sub(r"^[ \t]*[%!].*$", "", source, flags=re.M))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    names, todo = set(), list(tree.body)
    while todo:  # statements at the top level or in its blocks, not in a def's body
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        targets = (node.targets if isinstance(node, ast.Assign)
                   else [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign,
                                                           ast.For)) else [])
        names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        todo += [child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt)]
    return names


def defines(name: str) -> re.Pattern[str]:
    """A line of source that defines `name`: `def name`, `class name`, `name = ...`, `x, name
    = ...` (the source is read, never run)."""
    return re.compile(rf"^[ \t]*(def|class)[ \t]+{re.escape(name)}\b|"
                      rf"^[^#\n]*\b{re.escape(name)}\b[^=\n]*(?<![=!<>])=(?!=)", re.M)


def line_of(error: dict[str, Any]) -> str:
    """Where an error was, as the worker located it."""
    return str(error.get("line") or "its first lines")


def problem(name: str, e: dict[str, Any], notebook_cell: bool = False) -> str:
    """One load or cell error as the top of the feedback says it, each limit in its unit
    (the limits are read from student.py when it is called: tests shorten them)."""
    from autograder.engine.student import CELL_TIMEOUT, LOAD_TIMEOUT

    kind, where = e.get("type"), e.get("line")
    message = str(e.get("message", "")).rstrip(". ")
    if e.get("compiles") is False:
        return (f"{name} does not compile: {kind} at {line_of(e)}: {sentence(message)} Nothing in "
                f"{name} could be graded until it compiles: fix that line and run the file "
                "once yourself.")
    if kind == "NotANotebook":
        return str(message)
    if kind == "TimeLimit" and "waiting" in message:
        return (f"{name}: {where} was still waiting (sleeping, or for input that never "
                f"comes) after more than {CELL_TIMEOUT * clock.WALL_FACTOR:g} s on the clock "
                "and was stopped, as Jupyter's stop button stops a cell; the cells after it "
                "still ran. Do not wait in a cell.")
    if kind == "TimeLimit" and "busy" in message:
        return (f"{name}: {where} was stopped, as Jupyter's stop button stops a cell, after "
                f"{2 * CELL_TIMEOUT * clock.WALL_FACTOR:g} s on the clock: the computer was too "
                f"busy to give it its {CELL_TIMEOUT:g} s of computing in that time. The cells "
                "after it still ran. Check again when the computer is less busy.")
    if kind == "TimeLimit":
        return (f"{name}: {where} was stopped, as Jupyter's stop button stops a cell: it "
                f"computed for more than {CELL_TIMEOUT:g} s of CPU time, the limit of one "
                "cell (time spent computing, the same on any computer; on the clock it is "
                "longer on a busy one). The cells after it still ran. Make it finish sooner "
                "(fewer steps or a smaller search).")
    if kind == "CellLost":
        return (f"{name}: {where} could not be interrupted or ended the notebook "
                f"({message}); only the cells before it were graded. Make it finish sooner, "
                "and do not exit or kill the process from a cell.")
    if kind == "NotebookTime":
        done = "was stopped and" if message == "stopped" else "and"
        return (f"{name}: {where} {done} the cells after it were not run: the notebook "
                f"computed for more than {LOAD_TIMEOUT['.ipynb']:g} s of CPU time in all, the "
                f"limit of the whole notebook (every cell together; one cell may take "
                f"{CELL_TIMEOUT:g} s). Make slow cells faster: what they would have defined "
                "is missing.")
    if notebook_cell:
        text = f"{name}: {where or 'a cell'} raised {kind}: {sentence(message)}"
        after = "The cells after it still ran; what it would have defined is missing."
    else:
        text = f"Running {name} raised {kind}{f' at {where}' if where else ''}: {sentence(message)}"
        after = "What was defined before that line was graded."
    return " ".join([text, after] if kind != "ModuleNotFoundError" else [text, ENVIRONMENT])
