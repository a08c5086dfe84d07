"""Q3: vector calculus (hw0.py, parts q3a-q3e), checked exactly with sympy.

Each answer is a string in the contract's matrix language, read by `symbolic` (never
evaluated). For n = 1, 2, 3, 4 with fully symbolic x, c and A, it must equal, entry by
entry, the derivative sympy computes from the definition: exact, not sampled.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from functools import cache

import sympy
from gradescope_utils.autograder_utils.decorators import number, tags, weight
from sympy.matrices import MatrixBase

from autograder.checks import HW0_PY, Mismatch
from autograder.checks.symbolic import ParseError, parse_condition, parse_matrix_expr, shape_name
from autograder.engine.answers import as_string
from autograder.engine.student import Student

FILE = HW0_PY
SIZES = (2, 3, 4, 1)  # n = 2 first: shapes differ there, and the feedback stays short


@cache
def variables(n: int) -> dict[str, sympy.Matrix]:
    """Column vectors x, c and the matrix A, every entry its own symbol."""
    return {
        "x": sympy.Matrix(n, 1, lambda i, _: sympy.Symbol(f"x{i + 1}")),
        "c": sympy.Matrix(n, 1, lambda i, _: sympy.Symbol(f"c{i + 1}")),
        "A": sympy.Matrix(n, n, lambda i, j: sympy.Symbol(f"a{i + 1}{j + 1}")),
    }


def gradient(f: sympy.Expr, x: sympy.Matrix) -> sympy.Matrix:
    """d f / d x of a scalar by a column vector: the ROW [df/dx_1, ..., df/dx_n]."""
    return sympy.Matrix([[sympy.diff(f, xi) for xi in x]])


def jacobian(v: sympy.Matrix, x: sympy.Matrix) -> sympy.Matrix:
    """d v / d x of a vector by a vector: entry (i, j) is d v_i / d x_j."""
    return sympy.Matrix(v.shape[0], x.shape[0], lambda i, j: sympy.diff(v[i], x[j]))


DERIVATIVES: dict[str, tuple[str, Callable[[dict], sympy.Matrix]]] = {
    "Q3A": ("d/dx (x^T c)", lambda s: gradient((s["x"].T * s["c"])[0], s["x"])),
    "Q3B": ("d/dx ||x||^2", lambda s: gradient((s["x"].T * s["x"])[0], s["x"])),
    "Q3C": ("d/dx (A x)", lambda s: jacobian(s["A"] * s["x"], s["x"])),
    "Q3D": ("d/dx (x^T A x)", lambda s: gradient((s["x"].T * s["A"] * s["x"])[0], s["x"])),
}


def _as_matrix(value: sympy.Basic | MatrixBase, shape: tuple[int, int]) -> sympy.Matrix:
    """A number stands for that number in a 1x1 answer only."""
    if isinstance(value, MatrixBase):
        return value
    if shape == (1, 1):
        return sympy.Matrix([[value]])
    raise Mismatch(f"a number ({value}) was given where a {shape_name(shape, 3)} matrix of "
                   "derivatives is expected.")


def is_zero(m: sympy.Matrix) -> bool:
    return all(sympy.expand(e) == 0 for e in m)


def diagnose(given: sympy.Matrix, expected: sympy.Matrix) -> str:
    """Name the mistake when it is a common one."""
    if is_zero(given + expected):
        return "The sign is wrong"
    if given.shape == expected.shape and given.shape[0] == given.shape[1] \
            and is_zero(given - expected.T):
        return "This is the transpose of the derivative (a missing or extra .T)"
    return "The entries differ"


def check_derivative(student: Student, name: str) -> str:
    what, derivative = DERIVATIVES[name]
    text = as_string(student.value(name), name)
    for n in SIZES:
        symbols = variables(n)
        expected = derivative(symbols)
        try:
            given = _as_matrix(parse_matrix_expr(text, symbols), expected.shape)
        except ParseError as exc:
            raise Mismatch(f"{name} = {text!r} could not be read (n = {n}): {exc}") from None
        if given.shape != expected.shape:
            raise Mismatch(
                f"{name} = {text!r} has shape {shape_name(given.shape, n)} for n = {n}; "
                f"{what} is {shape_name(expected.shape, n)}"
                + (" (the derivative of a scalar by a column vector is a row)"
                   if expected.shape[0] == 1 else "") + "."
                + (" It is the transpose of the right answer."
                   if given.shape == expected.T.shape and is_zero(given.T - expected) else ""))
        if not is_zero(given - expected):
            raise Mismatch(f"{name} = {text!r} is not {what}. {diagnose(given, expected)}: "
                           f"for n = {n},\n  expected: {expected.tolist()}\n"
                           f"  given:    {given.tolist()}")
    return f"Equal to {what}, entry by entry, for n = 1 to 4."


@weight(1)
@number("3.1")
@tags("q3a")
def check_q3a(student: Student) -> str:
    """Q3A: d/dx (x^T c)"""
    return check_derivative(student, "Q3A")


@weight(1)
@number("3.2")
@tags("q3b")
def check_q3b(student: Student) -> str:
    """Q3B: d/dx ||x||_2^2"""
    return check_derivative(student, "Q3B")


@weight(1)
@number("3.3")
@tags("q3c")
def check_q3c(student: Student) -> str:
    """Q3C: d/dx (A x)"""
    return check_derivative(student, "Q3C")


@weight(1)
@number("3.4")
@tags("q3d")
def check_q3d(student: Student) -> str:
    """Q3D: d/dx (x^T A x)"""
    return check_derivative(student, "Q3D")


# BEGIN GRADER ONLY
# Q3E's feedback shows a matrix where the condition goes wrong, never what the condition is.
def symmetric(n: int) -> sympy.Matrix:
    """A general symmetric n x n matrix: a_ij = a_ji."""
    return sympy.Matrix(n, n, lambda i, j: sympy.Symbol(f"a{min(i, j) + 1}{max(i, j) + 1}"))


def symmetric_examples(n: int, count: int = 60) -> list[sympy.Matrix]:
    """Integer matrices with a_ij = a_ji (entries -2 to 2, drawn with a fixed seed): where
    the two derivatives are equal."""
    rng = random.Random(n)
    examples = []
    for _ in range(count):
        upper = {(i, j): rng.randint(-2, 2) for i in range(n) for j in range(i, n)}
        examples.append(sympy.Matrix(n, n, lambda i, j, u=upper: u[min(i, j), max(i, j)]))
    return examples


# Every non-symmetric 2 x 2 matrix with entries in {-1, 0, 1}: the condition must fail on each.
NON_SYMMETRIC = [sympy.Matrix(2, 2, list(e)) for e in itertools.product((-1, 0, 1), repeat=4)
                 if e[1] != e[2]]
EQUAL = "x^T (A + A^T) and 2 x^T A are equal"


def holds(text: str, n: int, a: sympy.Matrix) -> bool:
    """Whether the condition is true for this A (for every x and c)."""
    lhs, rhs = parse_condition(text, {**variables(n), "A": a})
    diff = lhs - rhs
    return is_zero(diff if isinstance(diff, MatrixBase) else sympy.Matrix([[diff]]))


def false_where_equal(text: str, n: int) -> str:
    """The feedback for a condition that fails somewhere the two derivatives are equal:
    an integer A where it does, when one of the examples shows it."""
    for a in symmetric_examples(n):
        if not holds(text, n, a):
            return (f"Q3E = {text!r} is false for A = {a.tolist()}, yet there {EQUAL} (for "
                    "every x): the condition must be true wherever they are equal.")
    return (f"Q3E = {text!r} is false for some A (n = {n}) for which {EQUAL}: the condition "
            "must be true wherever they are equal.")
# END GRADER ONLY


@weight(1)
@number("3.5")
@tags("q3e")
def check_q3e(student: Student) -> str:
    """Q3E: when x^T (A + A^T) equals 2 x^T A"""
    text = as_string(student.value("Q3E"), "Q3E")
    try:
        parse_condition(text, variables(2))
    except ParseError as exc:
        raise Mismatch(f"Q3E = {text!r} could not be read: {exc}") from None
    # BEGIN GRADER ONLY
    for n in (2, 3):
        try:
            where_equal, always = holds(text, n, symmetric(n)), holds(text, n, variables(n)["A"])
        except ParseError as exc:
            raise Mismatch(f"Q3E = {text!r} could not be read: {exc}") from None
        if not where_equal:
            raise Mismatch(false_where_equal(text, n))
        if always:
            raise Mismatch(f"Q3E = {text!r} holds for every A (n = {n}), so it is no "
                           "condition: for some A the two derivatives differ, and there it "
                           "must be false.")
    for a in NON_SYMMETRIC:
        if holds(text, 2, a):
            raise Mismatch(f"Q3E = {text!r} holds for A = {a.tolist()} too, where "
                           "x^T (A + A^T) and 2 x^T A differ: it must be false there.")
    return (f"True wherever {EQUAL} (n = 2, 3), and false for each of the "
            f"{len(NON_SYMMETRIC)} 2 x 2 matrices with entries in -1, 0, 1 where they differ.")
    # KIT: from autograder.checks import form_only
    # KIT: return form_only("Q3E reads as an equation in x, c and A")
    # END GRADER ONLY


# BEGIN GRADER ONLY
REFERENCE_PROPERTIES = ("tests/test_q3_q4_checks.py",)  # for verify's (a) (checks/evidence.py)
# END GRADER ONLY
