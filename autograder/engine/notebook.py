"""Run a notebook's code cells in order, as Jupyter's "Run All" in a fresh kernel would.

A notebook is JSON: no nbformat (its jsonschema import alone costs seconds here). IPython
magics and shell escapes are dropped, matplotlib draws to nowhere, ipywidgets is an inert
stub when it is not installed. A cell that raises is reported; the cells after it do not
run, and every name defined before it is kept.
"""

from __future__ import annotations

import json
import sys
import traceback
import types
from pathlib import Path
from typing import Any


def code_cells(path: str | Path) -> list[str]:
    """The source of each code cell, magics and shell escapes commented out."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        cells.append("\n".join(_neutralise(line) for line in source.splitlines()))
    return cells


def _neutralise(line: str) -> str:
    stripped = line.lstrip()
    if stripped.startswith(("%", "!")):
        return line[: len(line) - len(stripped)] + "pass  # " + stripped
    return line


def run(path: str | Path, namespace: dict[str, Any]) -> list[dict[str, Any]]:
    """Execute the cells into `namespace`; return the cell error, if any, as plain data."""
    install_stubs()
    namespace.setdefault("__name__", "__main__")
    for number, source in enumerate(code_cells(path), start=1):
        filename = f"<cell {number}>"
        try:
            exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - sandboxed
        except BaseException as exc:  # noqa: BLE001 - SystemExit too: a cell error
            line = None
            for frame in traceback.extract_tb(exc.__traceback__):
                if frame.filename == filename:
                    line = f"cell {number} line {frame.lineno}"
            message = str(exc) if not isinstance(exc, SystemExit) else f"exit {exc.code!r}"
            return [{"type": type(exc).__name__, "message": message[:500], "line": line,
                     "cell": number}]
    return []


class _Inert:
    """Accepts any construction, attribute or call, and does nothing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __call__(self, *args: Any, **kwargs: Any) -> _Inert:
        return self

    def __getattr__(self, name: str) -> _Inert:
        return _Inert()


def _interact(*args: Any, **kwargs: Any) -> Any:
    """ipywidgets.interact without a kernel: never calls the function back."""
    if args and callable(args[0]):
        return args[0]
    return lambda f: f


def _stub_attribute(name: str) -> type[_Inert]:
    """Any widget class is inert; dunders stay missing (inspect and torch look for them)."""
    if name.startswith("__"):
        raise AttributeError(name)
    return _Inert


def install_stubs() -> None:
    """Headless stand-ins: matplotlib's Agg backend and, if absent, ipywidgets."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        plt.show = lambda *a, **k: None
    except ImportError:
        pass
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        stub = types.ModuleType("ipywidgets")
        stub.__getattr__ = _stub_attribute  # type: ignore[attr-defined]
        stub.interact = stub.interact_manual = _interact  # type: ignore[attr-defined]
        stub.interactive = _Inert  # type: ignore[attr-defined]
        stub.widgets = stub  # type: ignore[attr-defined]
        sys.modules["ipywidgets"] = stub
        sys.modules["ipywidgets.widgets"] = stub
