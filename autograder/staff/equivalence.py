"""The dense sample `mutate` runs each mutant on in-process (mutants of our own reference
are our code), to set aside equivalent mutants and to audit the likely causes named.

A mutant is equivalent when every output (value, exception type, and for the notebook's
torch functions the gradient with respect to each tensor argument) equals the reference's
within 1e-12 of its size on the whole sample:

The sample is what the check modules declare (`equivalence_sample()`, checks/evidence.py):
inputs at the edges their checks draw around (shapes, zeros, singular and ill-conditioned
matrices, kinks, a tensor that requires its gradient), and a constant by name, as it is.
Runs in a spawned process (`outputs`): the parent, which forks the graders, never imports
torch or the reference.
"""

from __future__ import annotations

import ast
import json
import types
import warnings
from functools import cache
from typing import Any

import numpy as np

from autograder.checks import HW0_PY

EQUAL_RTOL = 1e-12


@cache
def sample(file: str) -> list[tuple[str, tuple]]:
    """The (function, arguments) pairs of the dense sample for a file, from its check
    modules; arguments None: a constant, read as it is."""
    from autograder.checks import questions

    return [call for m in questions() if m.FILE == file and hasattr(m, "equivalence_sample")
            for call in m.equivalence_sample()]


def load(file: str, text: str) -> dict[str, Any]:
    """The namespace of a (mutated) reference: hw0.py run whole; of the notebook, its set-up
    cell and the definitions of the functions its sample calls (running it whole means
    training)."""
    module = types.ModuleType("hw0_mutant")
    if file == HW0_PY:
        exec(compile(text, "hw0_mutant.py", "exec"), module.__dict__)  # noqa: S102
        return module.__dict__
    cells = ["".join(c["source"]) for c in json.loads(text)["cells"] if c["cell_type"] == "code"]
    exec(compile(cells[0], "setup", "exec"), module.__dict__)  # noqa: S102
    called = {function for function, _ in sample(file)}
    for source in cells[1:]:
        defs = [n for n in ast.parse(source).body
                if isinstance(n, ast.FunctionDef) and n.name in called]
        exec(compile(ast.Module(defs, []), "cell", "exec"), module.__dict__)  # noqa: S102
    return module.__dict__


def _plain(value: Any) -> Any:
    """A value as comparable data: arrays, numbers, lists, or a type name."""
    if hasattr(value, "detach"):
        value = value.detach().numpy()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray | float | int | np.generic):
        return np.asarray(value)
    return repr(value) if isinstance(value, str | dict | type(None)) else type(value).__name__


def _fresh(arg: Any) -> Any:
    if hasattr(arg, "detach"):
        return arg.detach().clone().requires_grad_(arg.requires_grad)
    return arg.copy() if hasattr(arg, "copy") else arg


def call(namespace: dict[str, Any], function: str, args: tuple) -> Any:
    """One output: the value, and the gradient of its sum with respect to each tensor
    argument that requires one ("no gradient" where none flows); or the exception's type."""
    args = tuple(_fresh(a) for a in args)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            value = namespace[function](*args)
            grads = []
            wanted = [a for a in args if getattr(a, "requires_grad", False)]
            if wanted:
                import torch

                if getattr(value, "grad_fn", None) is None:
                    grads = ["no gradient"]
                else:
                    found = torch.autograd.grad(value.sum(), wanted, allow_unused=True)
                    grads = [_plain(g) if g is not None else "unused" for g in found]
            return [_plain(value), *grads]
    except Exception as exc:  # noqa: BLE001 - a mutant may raise where the reference does not
        return f"raises {type(exc).__name__}"


def same(a: Any, b: Any) -> bool:
    """Equal within EQUAL_RTOL of the size (shapes, NaN places, exceptions alike)."""
    if isinstance(a, list) or isinstance(b, list):
        return (isinstance(a, list) and isinstance(b, list) and len(a) == len(b)
                and all(map(same, a, b)))
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    if a.shape != b.shape:
        return False
    finite = np.isfinite(b)
    scale = float(np.max(np.abs(b[finite]), initial=0.0))
    return bool(np.array_equal(np.isfinite(a), finite)
                and np.array_equal(a[~finite], b[~finite], equal_nan=True)
                and np.all(np.abs(a[finite] - b[finite]) <= EQUAL_RTOL * scale))


def outputs(file: str, text: str) -> list[Any]:
    """The outputs of a (mutated) reference on the whole sample, and its constants."""
    try:
        namespace = load(file, text)
    except Exception as exc:  # noqa: BLE001 - a mutant may fail at import
        return [f"raises {type(exc).__name__} on import"]
    return [_plain(namespace.get(f)) if args is None else call(namespace, f, args)
            for f, args in sample(file)]


def equivalent(file: str, text: str, reference_text: str) -> bool:
    """Whether a mutant's outputs equal the reference's on the whole sample."""
    return same(outputs(file, text), _reference_outputs(file, reference_text))


@cache
def _reference_outputs(file: str, text: str) -> list[Any]:
    return outputs(file, text)

