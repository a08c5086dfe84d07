"""Q3 and Q4 symbolic answers: student text read into sympy objects, never evaluated.

Students answer the derivative questions as short strings (`"x.T @ (A + A.T)"`, `"w*x + b"`).
The text is read with `ast.parse(text, mode="eval")`; only a whitelist of node types is
accepted, and each accepted node is turned into sympy objects by hand. Nothing the student
typed reaches `eval`, `exec`, `sympify` or sympy's own string parser.

Two languages:

* matrix language (Q3, `parse_matrix_expr`, `parse_condition`): names bound by the caller to
  sympy matrices, `.T`, `@`, `*` (scalar product, or matrix product as in sympy), binary and
  unary `+ -`, parentheses, whole numbers, and `**` with an exponent 0..8 on numbers and 1x1
  matrices only;
* scalar language (Q4, `parse_scalar_expr`): names bound to sympy symbols, `+ - * /`, unary
  `+ -`, parentheses, whole and decimal numbers (read as exact rationals), and `**` with an
  exponent -8..8.

Bounds, so that no text can make the grader slow (each is checked before sympy is used):

* the text is a `str` of at most `MAX_LENGTH` characters, printable ASCII (tabs and newlines
  are read as spaces);
* brackets nest at most `MAX_BRACKET_DEPTH` deep (counted before `ast.parse`);
* the tree has at most `MAX_NODES` expression nodes and is at most `MAX_TREE_DEPTH` deep;
* number literals are at most `MAX_INT` in size; decimal exponents (`1e-3`) at most
  `MAX_DECIMAL_EXPONENT`;
* exponents after `**` are written-out whole numbers, |e| <= `MAX_EXPONENT` (so `2**2**2**99`
  is refused before anything is computed), and a power of a number may not exceed `MAX_BITS`
  bits;
* the polynomial degree (symbols counted as degree 1, `/` and negative powers counted like
  products) is at most `MATRIX_MAX_DEGREE` in the matrix language and `SCALAR_MAX_DEGREE` in
  the scalar language. Correct Q3 answers have degree <= 2; the cap keeps a caller's later
  `expand` of the answer affordable (a degree-4 product of 4x4 symbolic matrices already
  takes seconds to expand, degree 8 minutes).

Every failure is a `ParseError` whose message is a sentence for the student.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NoReturn

import sympy
from sympy.matrices import MatrixBase

__all__ = [
    "ParseError",
    "parse_condition",
    "parse_matrix_expr",
    "parse_scalar_expr",
    "shape_name",
]

MAX_LENGTH = 500
MAX_BRACKET_DEPTH = 50
MAX_TREE_DEPTH = 100
MAX_NODES = 300
MAX_INT = 10**6
MAX_EXPONENT = 8
MAX_DECIMAL_EXPONENT = 30
MAX_BITS = 4000
MATRIX_MAX_DEGREE = 4
SCALAR_MAX_DEGREE = 8

class ParseError(ValueError):
    """Student text that is not in the answer language.

    `str(e)` is a sentence for the student: what was not understood and where (column, the
    offending fragment). `column` (1-based) and `fragment` are also kept as attributes, or
    None when the whole text is at fault.
    """

    def __init__(self, message: str, column: int | None = None, fragment: str | None = None):
        super().__init__(message)
        self.column = column
        self.fragment = fragment


def shape_name(shape: tuple[int, int], n: int) -> str:
    """Name a shape in terms of n: (n,1) -> "(n,1)", (1,n) -> "(1,n)", (1,1) -> "(1,1)".

    A size equal to n is written "n" when n >= 2; with n == 1 every size is written "1".
    """
    rows, cols = shape

    def one(size: int) -> str:
        return "n" if size == n and n >= 2 else str(size)

    return f"({one(rows)},{one(cols)})"


@dataclass(frozen=True)
class _Language:
    matrices: bool
    decimals: bool
    division: bool
    negative_exponents: bool
    max_degree: int
    what: str  # for messages: "the matrix answer language"


_MATRIX = _Language(matrices=True, decimals=False, division=False, negative_exponents=False,
                    max_degree=MATRIX_MAX_DEGREE, what="the matrix answer language")
_SCALAR = _Language(matrices=False, decimals=True, division=True, negative_exponents=True,
                    max_degree=SCALAR_MAX_DEGREE, what="the answer language")

_CONSTRUCTS: dict[type, str] = {
    ast.Call: "function calls are",
    ast.Subscript: "indexing with [...] is",
    ast.Slice: "slices are",
    ast.List: "lists [...] are",
    ast.Tuple: "tuples (values separated by commas) are",
    ast.Set: "sets {...} are",
    ast.Dict: "dictionaries {...} are",
    ast.Lambda: "lambda functions are",
    ast.IfExp: "conditional expressions (... if ... else ...) are",
    ast.JoinedStr: "f-strings are",
    ast.FormattedValue: "f-strings are",
    ast.NamedExpr: "assignments with := are",
    ast.BoolOp: "'and' and 'or' are",
    ast.ListComp: "comprehensions are",
    ast.SetComp: "comprehensions are",
    ast.DictComp: "comprehensions are",
    ast.GeneratorExp: "generator expressions are",
    ast.Await: "'await' is",
    ast.Yield: "'yield' is",
    ast.YieldFrom: "'yield' is",
    ast.Starred: "starred expressions (*...) are",
    ast.Compare: "comparisons (==, <, ...) are",
}

_OPERATORS: dict[type, str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.MatMult: "@", ast.Div: "/", ast.Pow: "**",
    ast.FloorDiv: "//", ast.Mod: "%", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|",
    ast.BitXor: "^", ast.BitAnd: "&",
}

_DECIMAL = re.compile(r"(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")


def _prepare(text: object) -> tuple[str, int]:
    """Check the raw text; return it without leading blanks, and how many were dropped."""
    if not isinstance(text, str):
        raise ParseError(f"the answer must be a string of text, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ParseError(f"the answer is {len(text)} characters long; at most {MAX_LENGTH} "
                         "are accepted")
    depth = 0
    for i, ch in enumerate(text):
        if ch in "\t\n\r":
            continue
        if not " " <= ch <= "~":
            raise ParseError(f"At column {i + 1}: the character {ch!r} (U+{ord(ch):04X}) is not "
                             "part of the answer language; type plain ASCII (for example - for "
                             "minus, * for times).", i + 1, ch)
        if ch in "([{":
            depth += 1
            if depth > MAX_BRACKET_DEPTH:
                raise ParseError(f"At column {i + 1}: brackets are nested more than "
                                 f"{MAX_BRACKET_DEPTH} deep.", i + 1, ch)
        elif ch in ")]}":
            depth = max(depth - 1, 0)
    text = text.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    stripped = text.lstrip(" ")
    if not stripped.strip(" "):
        raise ParseError("the answer is empty")
    return stripped, len(text) - len(stripped)


_NUMBER_THEN_NAME = re.compile(r"(\d+)\s*([A-Za-z_][\w.]*)")


def _syntax_hint(source: str, at: int, msg: str) -> str:
    """Python's complaint about a syntax error, as advice for the usual slips: a number
    written against a name (2x), two terms side by side (A x), a quote for a transpose (c')."""
    if "'" in source[max(at - 1, 0):at + 2] and "string literal" in msg:
        name = source[:source.index("'")].strip().split(" ")[-1] or "c"
        return f"' is not transpose here: write {name}.T"
    joined = _NUMBER_THEN_NAME.search(source, max(at - 20, 0))
    if "decimal literal" in msg and joined:
        return (f"a number and a name side by side need a * between them: write "
                f"{joined.group(1)}*{joined.group(2)}")
    before = source[:at].rstrip()
    if before and (before[-1].isalnum() or before[-1] in ")_") and source[at:at + 1] \
            and (source[at].isalnum() or source[at] in "(_"):
        return "two terms stand side by side: put an operator such as * between them"
    return msg.split(". Perhaps")[0]


def _parse(text: object) -> tuple[ast.expr, str, int]:
    """Bounded `ast.parse` of the text; returns the expression node, the text, column shift."""
    source, shift = _prepare(text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source, mode="eval")
    except SyntaxError as e:
        msg = (e.msg or "invalid syntax").rstrip(".")
        if not e.offset or e.offset > len(source):
            col = len(source) + 1 + shift
            raise ParseError(f"At column {col} (end of text): the answer stops in the middle of "
                             f"a formula ({msg}).", col, "") from None
        col = e.offset
        fragment = source[col - 1:col + 19].rstrip()
        msg = _syntax_hint(source, col - 1, msg)
        if fragment.startswith("=") and not fragment.startswith("=="):
            msg += "; write an equation with =="
        raise ParseError(f"At column {col + shift} (`{fragment}`): {msg}.", col + shift,
                         fragment) from None
    except (ValueError, RecursionError, MemoryError, OverflowError):
        raise ParseError("it is not a formula in the answer language") from None
    body = tree.body
    # Size and depth of the tree, iteratively (before any recursive walk).
    count, deepest = 0, 0
    stack: list[tuple[ast.AST, int]] = [(body, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.expr):
            count += 1
            deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    if count > MAX_NODES:
        raise ParseError(f"the answer is too long: more than {MAX_NODES} names, numbers and "
                         "operations")
    if deepest > MAX_TREE_DEPTH:
        raise ParseError(f"the answer is nested too deeply (more than {MAX_TREE_DEPTH} levels "
                         "of operations)")
    return body, source, shift


class _Reader:
    """Checks a parsed tree against one language and builds the sympy value."""

    def __init__(self, source: str, shift: int, symbols: Mapping[str, Any], lang: _Language):
        self.source = source
        self.shift = shift
        self.symbols = dict(symbols)
        self.lang = lang
        sizes = [max(v.shape) for v in self.symbols.values() if isinstance(v, MatrixBase)]
        self.n = max(sizes, default=1)

    # -- messages -------------------------------------------------------------------------

    def fail(self, node: ast.AST, what: str) -> NoReturn:
        col = getattr(node, "col_offset", 0) + 1 + self.shift
        fragment = ast.get_source_segment(self.source, node) or ""
        if len(fragment) > 40:
            fragment = fragment[:37] + "..."
        raise ParseError(f"At column {col} (`{fragment}`): {what}.", col, fragment)

    def shape(self, value: MatrixBase | sympy.Expr) -> str:
        return shape_name(value.shape, self.n)

    def names(self) -> str:
        return ", ".join(self.symbols) or "(none)"

    # -- whitelist --------------------------------------------------------------------------

    def check(self, node: ast.AST) -> None:
        """Refuse any construct outside the language, outermost and leftmost first."""
        lang = self.lang
        if isinstance(node, ast.Name):
            if node.id not in self.symbols:
                self.fail(node, f"unknown name '{node.id}'; use {self.names()}")
        elif isinstance(node, ast.Constant):
            self.check_constant(node)
        elif isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                self.fail(node, f"'not' is not part of {lang.what}")
            if isinstance(node.op, ast.Invert):
                self.fail(node, f"'~' is not part of {lang.what}")
            self.check(node.operand)
        elif isinstance(node, ast.BinOp):
            op = type(node.op)
            allowed = {ast.Add, ast.Sub, ast.Mult, ast.Pow}
            if lang.matrices:
                allowed.add(ast.MatMult)
            if lang.division:
                allowed.add(ast.Div)
            if op not in allowed:
                symbol = _OPERATORS.get(op, "?")
                if op is ast.BitXor and isinstance(node.right, ast.Name) \
                        and node.right.id == "T":
                    base = ast.get_source_segment(self.source, node.left) or "c"
                    if not isinstance(node.left, (ast.Name, ast.Attribute)):
                        base = f"({base})"
                    self.fail(node, f"^ is not transpose here: write {base}.T")
                hint = ("; write powers with **" + (" and a transpose with .T"
                                                    if lang.matrices else "")
                        if op is ast.BitXor else "")
                self.fail(node, f"the operator '{symbol}' is not part of {lang.what}{hint}")
            self.check(node.left)
            if op is ast.Pow:
                self.exponent(node.right)
            else:
                self.check(node.right)
        elif isinstance(node, ast.Attribute):
            if not lang.matrices:
                self.fail(node, f"attributes such as '.{node.attr}' are not part of {lang.what}")
            if node.attr != "T":
                self.fail(node, f"'.{node.attr}' is not part of {lang.what}; the only "
                                "attribute is .T (transpose)")
            self.check(node.value)
        elif isinstance(node, ast.Call):
            hint = ""
            if isinstance(node.func, ast.Name) and node.func.id in self.symbols:
                hint = f"; write just '{node.func.id}'"
            elif isinstance(node.func, ast.Constant):
                hint = "; a number before ( multiplies only with a * between them, as in 2*(x)"
            self.fail(node, f"function calls are not part of {lang.what}{hint}")
        else:
            construct = _CONSTRUCTS.get(type(node), f"'{type(node).__name__}' expressions are")
            self.fail(node, f"{construct} not part of {lang.what}")

    def check_constant(self, node: ast.Constant) -> None:
        value = node.value
        lang = self.lang
        if type(value) is int:
            if value > MAX_INT:
                self.fail(node, f"the number is too large (at most {MAX_INT})")
        elif type(value) is float:
            if not lang.decimals:
                self.fail(node, f"decimal numbers are not part of {lang.what}; use whole numbers")
            self.decimal(node)
        elif isinstance(value, complex):
            self.fail(node, f"imaginary numbers are not part of {lang.what}")
        elif isinstance(value, (str, bytes)):
            self.fail(node, f"text in quotes is not part of {lang.what}")
        else:
            self.fail(node, f"'{value!r}' is not part of {lang.what}")

    def decimal(self, node: ast.Constant) -> sympy.Rational:
        """The exact value of a decimal literal, read from its source text."""
        text = (ast.get_source_segment(self.source, node) or "").replace("_", "")
        match = _DECIMAL.fullmatch(text)
        if not match:
            self.fail(node, "could not read this number")
        whole, frac, exp = match.group(1), match.group(2) or "", match.group(3) or "0"
        if len(exp.lstrip("+-")) > 3 or abs(int(exp)) > MAX_DECIMAL_EXPONENT:
            self.fail(node, f"the number's exponent is out of range (at most "
                            f"{MAX_DECIMAL_EXPONENT})")
        value = Fraction(int(whole + frac or "0"), 10 ** len(frac)) * Fraction(10) ** int(exp)
        if abs(value) > MAX_INT:
            self.fail(node, f"the number is too large (at most {MAX_INT})")
        return sympy.Rational(value.numerator, value.denominator)

    def exponent(self, node: ast.expr) -> int:
        lo = -MAX_EXPONENT if self.lang.negative_exponents else 0
        inner, sign = node, 1
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner, sign = node.operand, (-1 if isinstance(node.op, ast.USub) else 1)
        if isinstance(inner, ast.Constant) and type(inner.value) is int:
            e = sign * inner.value
            if lo <= e <= MAX_EXPONENT:
                return e
        self.fail(node, f"the exponent after ** must be a whole number from {lo} to "
                        f"{MAX_EXPONENT}, written out")

    # -- evaluation -------------------------------------------------------------------------

    def value(self, node: ast.expr) -> tuple[MatrixBase | sympy.Expr, int]:
        """The sympy value of a checked node and an upper bound on its polynomial degree."""
        if isinstance(node, ast.Name):
            value = self.symbols[node.id]
            return (value.copy() if isinstance(value, MatrixBase) else value), 1
        if isinstance(node, ast.Constant):
            if type(node.value) is int:
                return sympy.Integer(node.value), 0
            return self.decimal(node), 0
        if isinstance(node, ast.UnaryOp):
            operand, degree = self.value(node.operand)
            return (-operand if isinstance(node.op, ast.USub) else operand), degree
        if isinstance(node, ast.Attribute):
            operand, degree = self.value(node.value)
            if not isinstance(operand, MatrixBase):
                self.fail(node, ".T transposes a matrix; here it is applied to a number")
            return operand.T, degree
        if isinstance(node, ast.BinOp):
            return self.binop(node)
        self.fail(node, f"this is not part of {self.lang.what}")  # unreachable after check()

    def binop(self, node: ast.BinOp) -> tuple[MatrixBase | sympy.Expr, int]:
        left, dl = self.value(node.left)
        op = node.op
        if isinstance(op, ast.Pow):
            return self.power(node, left, dl, self.exponent(node.right))
        right, dr = self.value(node.right)
        lm, rm = isinstance(left, MatrixBase), isinstance(right, MatrixBase)
        if isinstance(op, (ast.Add, ast.Sub)):
            verb = "add" if isinstance(op, ast.Add) else "subtract"
            if lm and rm and left.shape != right.shape:
                pair = (f"{self.shape(left)} and {self.shape(right)}" if verb == "add"
                        else f"{self.shape(right)} from {self.shape(left)}")
                self.fail(node, f"cannot {verb} {pair}")
            if lm != rm:
                matrix = left if lm else right
                self.fail(node, f"cannot {verb} a number and a {self.shape(matrix)} matrix")
            result = left + right if isinstance(op, ast.Add) else left - right
            return result, self.bounded(node, max(dl, dr))
        if isinstance(op, (ast.Mult, ast.MatMult)):
            symbol = "*" if isinstance(op, ast.Mult) else "@"
            if isinstance(op, ast.MatMult) and not (lm and rm):
                self.fail(node, "@ multiplies two matrices; use * to multiply by a number")
            if lm and rm and left.shape[1] != right.shape[0]:
                inner = shape_name((left.shape[1], right.shape[0]), self.n)[1:-1].split(",")
                self.fail(node, f"cannot multiply {self.shape(left)} {symbol} "
                                f"{self.shape(right)}: the inner sizes {inner[0]} and "
                                f"{inner[1]} differ")
            return left * right, self.bounded(node, dl + dr)
        # Division (scalar language only, so both sides are scalars).
        if right == 0:
            self.fail(node, "division by zero")
        return left / right, self.bounded(node, dl + dr)

    def power(self, node: ast.BinOp, base: MatrixBase | sympy.Expr, degree: int,
              e: int) -> tuple[MatrixBase | sympy.Expr, int]:
        if isinstance(base, MatrixBase):
            if base.shape != (1, 1):
                self.fail(node, f"** applies to numbers only, not to a {self.shape(base)} "
                                "matrix")
        elif base.is_Rational:
            bits = max(abs(base.p).bit_length(), base.q.bit_length())
            if bits * abs(e) > MAX_BITS:
                self.fail(node, "the number is too large")
            if base == 0 and e < 0:
                self.fail(node, "division by zero")
        elif base == 0 and e < 0:
            self.fail(node, "division by zero")
        return base**e, self.bounded(node, degree * abs(e))

    def bounded(self, node: ast.AST, degree: int) -> int:
        if degree > self.lang.max_degree:
            self.fail(node, f"the expression is too complicated: its degree is above "
                            f"{self.lang.max_degree}")
        return degree

    def read(self, node: ast.expr) -> MatrixBase | sympy.Expr:
        self.check(node)
        try:
            value, _ = self.value(node)
        except (RecursionError, MemoryError):
            raise ParseError("the answer is too complicated to read") from None
        return value


def parse_matrix_expr(text: str, symbols: Mapping[str, sympy.Matrix]) -> sympy.Matrix | sympy.Expr:
    """Read a Q3 answer in the matrix language into a sympy Matrix (or Integer for a number).

    `symbols` binds the names (x -> n x 1, c -> n x 1, A -> n x n matrices of symbols). A 1x1
    result stays a 1x1 Matrix. Shape errors name both shapes in terms of n, e.g.
    "cannot add (n,1) and (1,n)". Anything else outside the language raises ParseError.
    """
    body, source, shift = _parse(text)
    reader = _Reader(source, shift, symbols, _MATRIX)
    if isinstance(body, ast.Compare):
        reader.fail(body, "comparisons (==) are not part of an expression; only the Q3E "
                          "condition is an equation")
    return reader.read(body)


def parse_condition(
    text: str, symbols: Mapping[str, sympy.Matrix]
) -> tuple[sympy.Matrix | sympy.Expr, sympy.Matrix | sympy.Expr]:
    """Read a Q3E condition `LHS == RHS` (exactly one `==`) in the matrix language.

    Returns (lhs, rhs) with equal shapes; a plain 0 on one side stands for the zero matrix of
    the other side's shape (so `A - 2*A == 0` works).
    """
    body, source, shift = _parse(text)
    reader = _Reader(source, shift, symbols, _MATRIX)
    if not isinstance(body, ast.Compare):
        reader.fail(body, "the answer must be an equation 'LHS == RHS'")
    if len(body.ops) != 1:
        reader.fail(body, "the answer must be one equation with exactly one '=='")
    if not isinstance(body.ops[0], ast.Eq):
        reader.fail(body, "the condition must be written with '=='")
    lhs = reader.read(body.left)
    rhs = reader.read(body.comparators[0])
    lm, rm = isinstance(lhs, MatrixBase), isinstance(rhs, MatrixBase)
    if lm and rm and lhs.shape != rhs.shape:
        reader.fail(body, f"the two sides have different shapes: {reader.shape(lhs)} and "
                          f"{reader.shape(rhs)}")
    if lm != rm:
        number, matrix = (rhs, lhs) if lm else (lhs, rhs)
        if number != 0:
            reader.fail(body, f"cannot compare a number with a {reader.shape(matrix)} matrix "
                              "(only 0 may stand for a zero matrix)")
        zero = sympy.zeros(*matrix.shape)
        lhs, rhs = (lhs, zero) if lm else (zero, rhs)
    return lhs, rhs


def parse_scalar_expr(text: str, symbols: Mapping[str, sympy.Symbol]) -> sympy.Expr:
    """Read a Q4 answer in the scalar language into a sympy expression.

    `symbols` binds the names (w b x y phi -> sympy Symbols). Decimal literals become exact
    Rationals (`0.5` -> 1/2). Function calls, attributes and subscripts raise ParseError.
    """
    body, source, shift = _parse(text)
    reader = _Reader(source, shift, symbols, _SCALAR)
    return reader.read(body)
