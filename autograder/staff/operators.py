"""Mutation operators for `python -m autograder mutate`: the slips students make with numpy
and torch, and generic arithmetic, comparison and constant changes.

Each operator looks at one expression node of the reference's abstract syntax tree and
proposes replacements for it (the slips model the handout's questions: another norm order, a
`.T` dropped, arguments swapped, `@` for `*`, a square or a 2 pi forgotten, one iteration
too many or too few, `sum` for `mean`, numpy where torch must follow the gradient, ...).
`mutants` splices each replacement into the source text, in parentheses, so the rest of the
file (comments, solution markers) stays as it is.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass

Proposal = tuple[str, ast.expr]  # operator name, the replacing expression

SLIPS = ("norm_order", "transpose_dropped", "args_swapped", "matmul_for_mul", "mul_for_matmul",
         "square_forgotten", "square_added", "iteration_off_by_one", "sum_for_mean",
         "two_pi_forgotten", "inverse_forgotten", "sqrt_forgotten", "relu_forgotten", "zeros_ones",
         "numpy_for_torch", "sign_flipped", "index_off_by_one")
GENERIC = ("arithmetic", "comparison", "constant")
OPERATORS = SLIPS + GENERIC

_ARITHMETIC = {ast.Add: [ast.Sub], ast.Sub: [ast.Add], ast.Mult: [ast.Div], ast.Div: [ast.Mult],
               ast.Pow: [ast.Mult], ast.FloorDiv: [ast.Div], ast.Mod: [ast.Mult]}
_COMPARISON = {ast.Gt: [ast.GtE, ast.Lt], ast.GtE: [ast.Gt, ast.Lt], ast.Lt: [ast.LtE, ast.Gt],
               ast.LtE: [ast.Lt, ast.Gt], ast.Eq: [ast.NotEq], ast.NotEq: [ast.Eq]}
_NON_COMMUTATIVE = (ast.Sub, ast.Div, ast.MatMult, ast.Pow)
_NORM_ORDERS = {"matrix": [None, 1, "inf", -2, "'nuc'"], "vector": [1, "inf"]}
_SUM_MEAN = {"sum": "mean", "mean": "sum"}
_TORCH_AS_NUMPY = ("sqrt", "exp", "log", "mean", "sum", "maximum", "abs")


@dataclass(frozen=True)
class Mutation:
    """One mutant: the operator, the changed text's place, and the one-line diff."""

    operator: str
    line: int  # 1-based, in the mutated text
    before: str
    after: str
    text: str  # the whole mutated source

    @property
    def diff(self) -> str:
        return f"{self.before}  ->  {self.after}"


def _parse(expr: str) -> ast.expr:
    return ast.parse(expr, mode="eval").body


def _dotted(node: ast.AST) -> str:
    """`np.linalg.norm` for an attribute chain, "" for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def _call_name(node: ast.AST) -> str:
    return _dotted(node.func).rsplit(".", 1)[-1] if isinstance(node, ast.Call) else ""


def _is_pi(node: ast.AST) -> bool:
    return _dotted(node) in ("math.pi", "np.pi", "torch.pi")


def _is_const(node: ast.AST, value: float) -> bool:
    return (isinstance(node, ast.Constant) and isinstance(node.value, int | float)
            and not isinstance(node.value, bool) and node.value == value)


def _with(node: ast.expr, **changes: object) -> ast.expr:
    new = copy.deepcopy(node)
    for key, value in changes.items():
        setattr(new, key, value)
    return new


# ---------------------------------------------------------------- the slips


def norm_order(node: ast.expr) -> Iterator[ast.expr]:
    """np.linalg.norm(F, 2) -> Frobenius, 1, inf, smallest singular value, nuclear;
    np.linalg.norm(y) -> the 1- or inf-norm."""
    if _call_name(node) != "norm" or not node.args:
        return
    if len(node.args) >= 2 or node.keywords:
        orders = _NORM_ORDERS["matrix"]
    else:
        orders = _NORM_ORDERS["vector"]
    for order in orders:
        args = [node.args[0]] + ([] if order is None else [_parse(
            "np.inf" if order == "inf" else str(order))])
        yield _with(node, args=args, keywords=[])


def transpose_dropped(node: ast.expr) -> Iterator[ast.expr]:
    if isinstance(node, ast.Attribute) and node.attr == "T":
        yield node.value


def args_swapped(node: ast.expr) -> Iterator[ast.expr]:
    """Two neighbouring positional arguments swapped; the operands of -, /, @, ** swapped."""
    if isinstance(node, ast.Call):
        for i in range(len(node.args) - 1):
            a, b = node.args[i], node.args[i + 1]
            if ast.dump(a) != ast.dump(b) and not isinstance(a, ast.Starred | ast.Constant):
                args = list(node.args)
                args[i], args[i + 1] = b, a
                yield _with(node, args=args)
    if isinstance(node, ast.BinOp) and isinstance(node.op, _NON_COMMUTATIVE):
        yield _with(node, left=node.right, right=node.left)


def matmul_for_mul(node: ast.expr) -> Iterator[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        yield _with(node, op=ast.MatMult())


def mul_for_matmul(node: ast.expr) -> Iterator[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
        yield _with(node, op=ast.Mult())


def square_forgotten(node: ast.expr) -> Iterator[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow) and _is_const(node.right, 2):
        yield node.left


def square_added(node: ast.expr) -> Iterator[ast.expr]:
    """||y|| -> ||y||^2: a norm squared where the bound has it plain."""
    if _call_name(node) == "norm":
        yield ast.BinOp(node, ast.Pow(), ast.Constant(2))


def iteration_off_by_one(node: ast.expr) -> Iterator[ast.expr]:
    """range(k) -> range(k + 1), range(k - 1)."""
    if _call_name(node) == "range" and len(node.args) == 1:
        for op in (ast.Add(), ast.Sub()):
            yield _with(node, args=[ast.BinOp(node.args[0], op, ast.Constant(1))])


def sum_for_mean(node: ast.expr) -> Iterator[ast.expr]:
    """.mean() <-> .sum(); a torch loss's reduction="sum" for its default mean."""
    if isinstance(node, ast.Call) and _call_name(node) in _SUM_MEAN:
        func = _with(node.func, attr=_SUM_MEAN[_call_name(node)]) if isinstance(
            node.func, ast.Attribute) else None
        if func is not None:
            yield _with(node, func=func)
    if _dotted(getattr(node, "func", None)).startswith("torch.nn.functional.") and not any(
            k.arg == "reduction" for k in node.keywords):
        yield _with(node, keywords=[*node.keywords,
                                    ast.keyword("reduction", ast.Constant("sum"))])


def two_pi_forgotten(node: ast.expr) -> Iterator[ast.expr]:
    """2 * math.pi * f -> f (the angular frequency for the frequency), or 2 * x -> x."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult)):
        return
    for keep, drop in ((node.right, node.left), (node.left, node.right)):
        if _is_pi(drop) or _is_const(drop, 2):
            yield keep
        if (isinstance(drop, ast.BinOp) and isinstance(drop.op, ast.Mult)
                and _is_const(drop.left, 2) and _is_pi(drop.right)):
            yield keep


def inverse_forgotten(node: ast.expr) -> Iterator[ast.expr]:
    if _call_name(node) in ("inv", "pinv") and len(node.args) == 1:
        yield node.args[0]


def sqrt_forgotten(node: ast.expr) -> Iterator[ast.expr]:
    if _call_name(node) == "sqrt" and len(node.args) == 1:
        yield node.args[0]


def relu_forgotten(node: ast.expr) -> Iterator[ast.expr]:
    """np.maximum(z, 0) -> z: the ReLU left out."""
    if _call_name(node) in ("maximum", "relu") and node.args:
        yield node.args[0]


def zeros_ones(node: ast.expr) -> Iterator[ast.expr]:
    swap = {"zeros": "ones", "ones": "zeros", "zeros_like": "ones_like", "ones_like": "zeros_like"}
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
            node.func.attr in swap):
        yield _with(node, func=_with(node.func, attr=swap[node.func.attr]))


def numpy_for_torch(node: ast.expr) -> Iterator[ast.expr]:
    """torch.sqrt(x) -> np.sqrt(x): the gradient no longer flows (Q5)."""
    if _dotted(getattr(node, "func", None)) in {f"torch.{n}" for n in _TORCH_AS_NUMPY}:
        yield _with(node, func=_parse(f"np.{node.func.attr}"))


def sign_flipped(node: ast.expr) -> Iterator[ast.expr]:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        yield node.operand


def index_off_by_one(node: ast.expr) -> Iterator[ast.expr]:
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(
            node.slice.value, int) and not isinstance(node.slice.value, bool):
        yield _with(node, slice=ast.Constant(node.slice.value + 1))


# ---------------------------------------------------------------- generic


def arithmetic(node: ast.expr) -> Iterator[ast.expr]:
    if isinstance(node, ast.BinOp):
        for op in _ARITHMETIC.get(type(node.op), []):
            yield _with(node, op=op())


def comparison(node: ast.expr) -> Iterator[ast.expr]:
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        for op in _COMPARISON.get(type(node.ops[0]), []):
            yield _with(node, ops=[op()])


def constant(node: ast.expr) -> Iterator[ast.expr]:
    """A number c -> c + 1 and, unless it is 0 already, 0."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(
            node.value, bool):
        yield ast.Constant(node.value + 1)
        if node.value != 0:
            yield ast.Constant(type(node.value)(0))


_BY_NAME: dict[str, Callable[[ast.expr], Iterator[ast.expr]]] = {
    name: globals()[name] for name in OPERATORS}


def proposals(node: ast.expr) -> Iterator[Proposal]:
    for name, operator in _BY_NAME.items():
        for replacement in operator(node):
            yield name, replacement


def _offsets(text: str) -> list[int]:
    """The byte offset where each line starts (ast columns count UTF-8 bytes)."""
    starts, at = [0], 0
    for line in text.encode("utf-8").splitlines(keepends=True):
        at += len(line)
        starts.append(at)
    return starts


def mutants(text: str, inside: Callable[[ast.expr], bool]) -> Iterator[Mutation]:
    """Every mutant of the Python source `text` at the expressions `inside` accepts (their
    place in the file: solution code of a student-facing function, say). Mutants whose text
    equals the original, or another mutant's, are left out; each is valid Python."""
    tree = ast.parse(text)
    data, starts = text.encode("utf-8"), _offsets(text)
    seen = {text}
    for node in ast.walk(tree):
        if not isinstance(node, ast.expr) or isinstance(getattr(node, "ctx", None), ast.Store) \
                or isinstance(node, ast.JoinedStr | ast.FormattedValue) or not inside(node):
            continue
        begin = starts[node.lineno - 1] + node.col_offset
        end = starts[node.end_lineno - 1] + node.end_col_offset
        before = data[begin:end].decode("utf-8")
        for name, replacement in proposals(node):
            after = ast.unparse(replacement)
            mutated = (data[:begin] + f"({after})".encode() + data[end:]).decode("utf-8")
            if mutated in seen or ast.unparse(ast.parse(mutated)) == ast.unparse(tree):
                continue
            seen.add(mutated)
            yield Mutation(name, node.lineno, " ".join(before.split()), after, mutated)
