"""The dense sample `mutate` runs each mutant on in-process (mutants of our own reference
are our code), to set aside equivalent mutants and to audit the likely causes named.

A mutant is equivalent when every output (value, exception type, and for the notebook's
torch functions the gradient with respect to each tensor argument) equals the reference's
within 1e-12 of its size on the whole sample:

* Q1: F of shapes 4x3, 3x4, 3x3, 1x1, an ill-conditioned 4x3 (singular values 1 .. 1e-12, as the
  handout's), a rank-deficient 4x3 (two equal columns), all zeros (3x2) and empty (0x2);
  y and w random and zero; eta 0, 0.5/alpha^2 and 1.9/alpha^2; k 0, 1 and 3.
* Q2: Sigma the identity, diagonal, random SPD, ill-conditioned SPD (3x3) and 1x1; X 5x3,
  3x3 (square), zeros (2x3) and 1x1 (with its Sigma); y random and zero; Gamma the
  reference's and a random matrix.
* Q4: three units with the ReLU's kink exactly (W1 x + b = 0), x = 0, W2 = 0, a residual of
  0, lr 0 and 0.1, one unit, and a W1 entry 0 (an elbow at infinity).
* Q5: the 100 FREQS, a numpy array, one float and frequency 0; R 60, 200 and a tensor that
  requires its gradient; C 1e-6 and 2e-6; loss_fn_binary on predictions 0..1 (the LED
  threshold exactly among them), flat and (3, n), with targets mixed, all 0 and all 1.
Runs in a spawned process (`outputs`): the parent, which forks the graders, never imports
torch or the reference.
"""

from __future__ import annotations

import ast
import json
import math
import types
import warnings
from functools import cache
from typing import Any

import numpy as np

from autograder.checks import HW0_PY

HW0_CONSTANTS = ("Q1_EIG_RANGE",)
NOTEBOOK_FUNCTIONS = ("evaluate_lp_circuit", "evaluate_hp_circuit", "evaluate_bp_circuit",
                      "loss_fn_binary")
EQUAL_RTOL = 1e-12


def _q1() -> list[tuple[str, tuple]]:
    rng = np.random.default_rng(182)
    u, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    v, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    ill = u[:, :3] @ np.diag([1.0, 1e-6, 1e-12]) @ v
    deficient = rng.normal(size=(4, 3))
    deficient[:, 2] = deficient[:, 1]
    matrices = [rng.normal(size=(4, 3)), rng.normal(size=(3, 4)), rng.normal(size=(3, 3)),
                np.array([[2.0]]), ill, deficient, np.zeros((3, 2)), np.zeros((0, 2))]
    calls = []
    for F in matrices:
        n, d = F.shape
        alpha = np.linalg.norm(F, 2) if F.size else 1.0
        calls.append(("max_stable_lr", (F,)))
        for y in (rng.normal(size=n), np.zeros(n)):
            for eta in (0.0, 0.5 / max(alpha, 1e-3) ** 2, 1.9 / max(alpha, 1e-3) ** 2):
                calls.append(("step_growth_bound", (F, y, eta)))
                for w in (rng.normal(size=d), np.zeros(d)):
                    calls.append(("gd_step", (F, y, w, eta)))
                for k in (0, 1, 3):
                    calls.append(("gd_iterates", (F, y, eta, k)))
                    calls.append(("error_bound", (F, y, eta, k, rng.normal(size=d))))
    return calls


def _spd(rng: np.random.Generator, d: int, condition: float) -> np.ndarray:
    q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    return q @ np.diag(np.geomspace(1.0, 1.0 / condition, d)) @ q.T


def _q2() -> list[tuple[str, tuple]]:
    rng = np.random.default_rng(183)
    sigmas = [np.eye(3), np.diag([1.0, 4.0, 9.0]), _spd(rng, 3, 10.0), _spd(rng, 3, 1e6)]
    designs = [rng.normal(size=(5, 3)), rng.normal(size=(3, 3)), np.zeros((2, 3))]
    cases = [(X, S) for S in sigmas for X in designs] + [(np.array([[1.5]]), np.array([[2.0]]))]
    calls = []
    for X, S in cases:
        gamma = np.linalg.cholesky(np.linalg.inv(S)).T
        calls.append(("gamma_from_sigma", (S,)))
        for y in (rng.normal(size=X.shape[0]), np.zeros(X.shape[0])):
            for G in (gamma, rng.normal(size=S.shape)):
                calls.append(("augment", (X, y, G)))
            calls.append(("map_estimate", (X, y, S)))
            if np.linalg.matrix_rank(X) == X.shape[1]:
                calls.append(("ols", (X, y)))
    return calls


def _q4() -> list[tuple[str, tuple]]:
    rng = np.random.default_rng(184)
    kink = (np.array([1.0, -2.0, 0.5]), np.array([-2.0, 1.0, 0.3]))  # unit 0: 1*2 - 2 = 0
    nets = [kink, (rng.normal(size=3), rng.normal(size=3)), (np.array([0.7]), np.array([0.2])),
            (np.array([1.0, 0.0, -1.0]), np.array([0.5, 1.0, 0.5]))]
    calls = []
    for W1, b in nets:
        calls.append(("elbows", (W1, b)))
        for W2 in (rng.normal(size=W1.size), np.zeros(W1.size)):
            for x in (2.0, 0.0, -1.3):
                out = float(W2 @ np.maximum(W1 * x + b, 0.0))
                for y in (out + 1.0, out, -0.4):
                    for lr in (0.0, 0.1):
                        calls.append(("sgd_new_elbows", (W1, b, W2, x, y, lr)))
    return calls


def _q5() -> list[tuple[str, tuple]]:
    import torch

    freqs = [torch.logspace(1, 5, 100), np.logspace(1, 5, 7), 1000.0, torch.tensor([0.0, 5.0])]
    calls = []
    for f in freqs:
        for C in (1e-6, 2e-6):
            for R in (60.0, 200.0, torch.tensor(150.0, requires_grad=True)):
                calls += [("evaluate_lp_circuit", (f, R, C)), ("evaluate_hp_circuit", (f, R, C))]
            trained = (torch.tensor(300.0, requires_grad=True),
                       torch.tensor(40.0, requires_grad=True))
            for high, low in ((200.0, 60.0), (60.0, 200.0), trained):
                calls.append(("evaluate_bp_circuit", (f, high, low, C)))
    threshold = 1 / math.sqrt(2)
    pred = torch.cat([torch.linspace(0.0, 1.0, 11), torch.tensor([threshold])])
    mixed = (torch.arange(12) % 3 == 0).double()
    for target in (mixed, torch.zeros(12), torch.ones(12)):
        calls.append(("loss_fn_binary", (pred.clone().requires_grad_(True), target)))
    grid = torch.linspace(0.0, 1.0, 30).reshape(3, 10)
    calls.append(("loss_fn_binary", (grid.clone().requires_grad_(True),
                                     torch.eye(3).repeat_interleave(4, dim=1)[:, :10])))
    return calls


@cache
def sample(file: str) -> list[tuple[str, tuple]]:
    """The (function, arguments) pairs of the dense sample for a file."""
    return _q1() + _q2() + _q4() if file == HW0_PY else _q5()


def load(file: str, text: str) -> dict[str, Any]:
    """The namespace of a (mutated) reference: hw0.py run whole; of the notebook, its set-up
    cell and the definitions of NOTEBOOK_FUNCTIONS (running it whole means training)."""
    module = types.ModuleType("hw0_mutant")
    if file == HW0_PY:
        exec(compile(text, "hw0_mutant.py", "exec"), module.__dict__)  # noqa: S102
        return module.__dict__
    cells = ["".join(c["source"]) for c in json.loads(text)["cells"] if c["cell_type"] == "code"]
    exec(compile(cells[0], "setup", "exec"), module.__dict__)  # noqa: S102
    for source in cells[1:]:
        defs = [n for n in ast.parse(source).body
                if isinstance(n, ast.FunctionDef) and n.name in NOTEBOOK_FUNCTIONS]
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
    found = [call(namespace, f, args) for f, args in sample(file)]
    if file == HW0_PY:
        found += [_plain(namespace.get(name)) for name in HW0_CONSTANTS]
    return found


def equivalent(file: str, text: str, reference_text: str) -> bool:
    """Whether a mutant's outputs equal the reference's on the whole sample."""
    return same(outputs(file, text), _reference_outputs(file, reference_text))


@cache
def _reference_outputs(file: str, text: str) -> list[Any]:
    return outputs(file, text)

