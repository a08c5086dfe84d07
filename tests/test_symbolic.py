"""Tests for autograder.checks.symbolic: the Q3/Q4 answer languages, read without eval."""

from __future__ import annotations

import ast
import string
import time
from pathlib import Path

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sympy.matrices import MatrixBase

from autograder.checks import symbolic
from autograder.checks.symbolic import (
    MAX_LENGTH,
    ParseError,
    parse_condition,
    parse_matrix_expr,
    parse_scalar_expr,
    shape_name,
)


def matrix_symbols(n: int) -> dict[str, sympy.Matrix]:
    return {
        "x": sympy.Matrix(n, 1, lambda i, _: sympy.Symbol(f"x{i}")),
        "c": sympy.Matrix(n, 1, lambda i, _: sympy.Symbol(f"c{i}")),
        "A": sympy.Matrix(n, n, lambda i, j: sympy.Symbol(f"a{i}{j}")),
    }


W, B, X, Y, PHI = sympy.symbols("w b x y phi")
SCALARS = {"w": W, "b": B, "x": X, "y": Y, "phi": PHI}


def is_zero_matrix(m: MatrixBase) -> bool:
    return all(sympy.expand(entry) == 0 for entry in m)


def same(a, b) -> bool:
    if isinstance(a, MatrixBase) or isinstance(b, MatrixBase):
        return (isinstance(a, MatrixBase) and isinstance(b, MatrixBase)
                and a.shape == b.shape and is_zero_matrix(a - b))
    return sympy.simplify(a - b) == 0


# -- equivalent forms ---------------------------------------------------------------------

EQUIVALENT = {
    "q3a": ["c.T", "(c).T", "+c.T", "(c + c - c).T", "1*c.T"],
    "q3b": ["2*x.T", "(2*x).T", "x.T*2", "x.T + x.T", "(x + x).T", "-(-2)*x.T", "2**1*x.T"],
    "q3c": ["A", "(A.T).T", "A.T.T", "2*A - A", "A + 0*A.T"],
    "q3d": ["x.T @ (A + A.T)", "x.T@A + x.T@A.T", "(A@x + A.T@x).T", "(A@x).T + x.T@A",
            "x.T*(A + A.T)", "((A + A.T).T@x).T", "  x.T @ A\n + x.T @ A.T"],
}


def true_derivative(part: str, s: dict[str, sympy.Matrix]) -> sympy.Matrix:
    x, c, a = s["x"], s["c"], s["A"]
    f = {"q3a": x.T * c, "q3b": x.T * x, "q3c": a * x, "q3d": x.T * a * x}[part]
    return f.jacobian(x)


@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize("part", sorted(EQUIVALENT))
def test_equivalent_forms_agree_with_the_derivative(part: str, n: int) -> None:
    s = matrix_symbols(n)
    expected = true_derivative(part, s)
    for text in EQUIVALENT[part]:
        got = parse_matrix_expr(text, s)
        assert same(got, expected), (text, got, expected)


@pytest.mark.parametrize("n", [2, 3])
def test_condition_sides_in_either_order(n: int) -> None:
    s = matrix_symbols(n)
    l1, r1 = parse_condition("A.T == A", s)
    l2, r2 = parse_condition("A == A.T", s)
    l3, r3 = parse_condition("A - A.T == 0", s)
    assert is_zero_matrix((l1 - r1) + (l2 - r2))
    assert is_zero_matrix((l2 - r2) - (l3 - r3))
    assert r3.shape == (n, n) and is_zero_matrix(r3)
    symmetric = {s["A"][i, j]: s["A"][j, i] for i in range(n) for j in range(n) if i > j}
    assert is_zero_matrix((l1 - r1).subs(symmetric))
    assert not is_zero_matrix(l1 - r1)


def test_result_types() -> None:
    s = matrix_symbols(2)
    inner = parse_matrix_expr("x.T @ c", s)
    assert isinstance(inner, MatrixBase) and inner.shape == (1, 1)
    number = parse_matrix_expr("2 + 3*4", s)
    assert isinstance(number, sympy.Integer) and number == 14
    a = parse_matrix_expr("A", s)
    assert a == s["A"] and a is not s["A"]
    assert parse_matrix_expr("(x.T @ x)**2", s).shape == (1, 1)


def test_shape_name() -> None:
    assert shape_name((3, 1), 3) == "(n,1)"
    assert shape_name((1, 3), 3) == "(1,n)"
    assert shape_name((3, 3), 3) == "(n,n)"
    assert shape_name((1, 1), 3) == "(1,1)"
    assert shape_name((2, 1), 2) == "(n,1)"
    assert shape_name((1, 1), 1) == "(1,1)"


# -- shape errors -------------------------------------------------------------------------

SHAPE_ERRORS = [
    ("x + x.T", "cannot add (n,1) and (1,n)"),
    ("x - x.T", "cannot subtract (1,n) from (n,1)"),
    ("A + x", "cannot add (n,n) and (n,1)"),
    ("x @ x", "cannot multiply (n,1) @ (n,1)"),
    ("A @ x.T", "cannot multiply (n,n) @ (1,n)"),
    ("x * A", "cannot multiply (n,1) * (n,n)"),
    ("x.T @ A + x", "cannot add (1,n) and (n,1)"),
    ("1 + x", "cannot add a number and a (n,1) matrix"),
    ("x**2", "not to a (n,1) matrix"),
    ("2 @ x", "use * to multiply by a number"),
]


@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize(("text", "message"), SHAPE_ERRORS)
def test_shape_errors_name_the_shapes(text: str, message: str, n: int) -> None:
    with pytest.raises(ParseError) as info:
        parse_matrix_expr(text, matrix_symbols(n))
    assert message in str(info.value)


def test_condition_shape_errors() -> None:
    s = matrix_symbols(3)
    with pytest.raises(ParseError, match=r"different shapes: \(n,1\) and \(n,n\)"):
        parse_condition("x == A", s)
    with pytest.raises(ParseError, match=r"only 0 may stand for a zero matrix"):
        parse_condition("A == 1", s)


# -- rejections ---------------------------------------------------------------------------

REJECTED = [
    ("__import__('os')", "function calls are not part"),
    ("x.__class__", "'.__class__' is not part"),
    ("lambda: 1", "lambda functions are not part"),
    ("[x]", "lists [...] are not part"),
    ("x[0]", "indexing with [...] is not part"),
    ("open('f')", "function calls are not part"),
    ("2**2**2**99", "exponent after ** must be a whole number from 0 to 8"),
    ("(" * 10000 + "x" + ")" * 10000, "at most 500"),
    ("(" * 60 + "x" + ")" * 60, "nested more than 50 deep"),
    ("A" + ".T" * 200, "nested too deeply"),
    ("A" + ".T" * 300, "at most 500"),
    ("x + " * 150 + "x", "at most 500"),
    ("x+" * 200 + "x", "more than 300"),
    ("x if x else c", "conditional expressions"),
    ("x.shape", "'.shape' is not part"),
    ("f'{x}'", "f-strings are not part"),
    ("1e999", "decimal numbers are not part"),
    ("0.5*x", "decimal numbers are not part"),
    ("(y := x)", "assignments with := are not part"),
    ("z", "unknown name 'z'; use x, c, A"),
    ("x / 2", "'/' is not part"),
    ("2^3", "write powers with **"),
    ("x, c", "tuples"),
    ("'x'", "text in quotes"),
    ("True", "'True' is not part"),
    ("x and c", "'and' and 'or'"),
    ("~x", "'~' is not part"),
    ("1000001*x", "too large"),
    ("(x.T @ x)**9", "from 0 to 8"),
    ("(x.T @ x)**-1", "from 0 to 8"),
    ("x.T @ A @ A @ A @ x", "degree is above 4"),
    ("(2).T", ".T transposes a matrix"),
    ("A == A.T", "comparisons (==) are not part of an expression"),
    ("x\x00", "'\\x00'"),
    ("x \u2212 c", "U+2212"),
    ("2x", "need a * between them: write 2*x"),
    ("x +", "end of text"),
    ("", "empty"),
    ("   ", "empty"),
]


@pytest.mark.parametrize(("text", "message"), REJECTED, ids=lambda v: repr(v)[:30])
def test_rejections_name_the_construct(text: str, message: str) -> None:
    start = time.perf_counter()
    with pytest.raises(ParseError) as info:
        parse_matrix_expr(text, matrix_symbols(3))
    assert time.perf_counter() - start < 0.5
    assert message in str(info.value)


def test_error_carries_column_and_fragment() -> None:
    s = matrix_symbols(2)
    with pytest.raises(ParseError) as info:
        parse_matrix_expr("x + z", s)
    assert info.value.column == 5 and info.value.fragment == "z"
    assert "column 5" in str(info.value)
    with pytest.raises(ParseError) as info:
        parse_matrix_expr("   open(1)", s)
    assert info.value.column == 4 and "open(1)" in str(info.value)
    with pytest.raises(ParseError) as info:
        parse_matrix_expr("x + (x.T @ A).shape", s)
    assert info.value.column == 5


@pytest.mark.parametrize("text", ["A", "A == A == A.T", "A < A.T", "A = A.T", "A.T == A[0]"])
def test_condition_rejections(text: str) -> None:
    with pytest.raises(ParseError):
        parse_condition(text, matrix_symbols(2))


@pytest.mark.parametrize("value", [None, 5, 2.5, b"x", ["x"], sympy.Symbol("x")])
def test_non_string_input(value: object) -> None:
    for parse, names in ((parse_matrix_expr, matrix_symbols(2)),
                         (parse_condition, matrix_symbols(2)),
                         (parse_scalar_expr, SCALARS)):
        with pytest.raises(ParseError, match="must be a string"):
            parse(value, names)  # type: ignore[arg-type]


def test_module_never_evaluates_text() -> None:
    tree = ast.parse(Path(symbolic.__file__).read_text())
    banned = {"eval", "exec", "sympify", "parse_expr", "S", "__import__"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                assert func.id not in banned | {"compile"}, ast.dump(node)
            elif isinstance(func, ast.Attribute):
                assert func.attr not in banned, ast.dump(node)


# -- scalar language ----------------------------------------------------------------------

SCALAR_CASES = [
    ("-b/w", -B / W),
    ("phi - y", PHI - Y),
    ("(phi - y)*x", (PHI - Y) * X),
    ("0", sympy.Integer(0)),
    ("x*(phi-y)", (PHI - Y) * X),
    ("0.5*2*(phi-y)", PHI - Y),
    ("-1*b/w", -B / W),
    ("b/(-w)", -B / W),
    ("(phi-y)*x**1", (PHI - Y) * X),
    ("phi*x - y*x", (PHI - Y) * X),
    ("w**-1*(-b)", -B / W),
    ("0.1", sympy.Rational(1, 10)),
    ("1_000.5", sympy.Rational(2001, 2)),
    (".25e1", sympy.Rational(5, 2)),
    ("2.5e-3", sympy.Rational(1, 400)),
]


@pytest.mark.parametrize(("text", "expected"), SCALAR_CASES)
def test_scalar_language(text: str, expected: sympy.Expr) -> None:
    got = parse_scalar_expr(text, SCALARS)
    assert isinstance(got, sympy.Expr)
    assert sympy.simplify(got - expected) == 0


def test_decimals_are_exact() -> None:
    got = parse_scalar_expr("0.1 + 0.2", SCALARS)
    assert got == sympy.Rational(3, 10) and got.is_Rational


SCALAR_REJECTED = [
    ("phi(x) - y", "write just 'phi'"),
    ("max(0, w*x + b)", "function calls are not part"),
    ("x.T", "attributes such as '.T' are not part"),
    ("x[0]", "indexing"),
    ("x @ w", "'@' is not part"),
    ("z", "unknown name 'z'; use w, b, x, y, phi"),
    ("x/0", "division by zero"),
    ("w/(b - b)", "division by zero"),
    ("0**-1", "division by zero"),
    ("x**9", "from -8 to 8"),
    ("x**0.5", "from -8 to 8"),
    ("x**y", "from -8 to 8"),
    ("2**2**2**99", "from -8 to 8"),
    ("w**8*b", "degree is above 8"),
    ("(((2**8)**8)**8)**8", "too large"),
    ("1e-999999999", "exponent is out of range"),
    ("1e7", "too large"),
    ("1j", "imaginary"),
    ("x == y", "comparisons"),
]


@pytest.mark.parametrize(("text", "message"), SCALAR_REJECTED)
def test_scalar_rejections(text: str, message: str) -> None:
    start = time.perf_counter()
    with pytest.raises(ParseError) as info:
        parse_scalar_expr(text, SCALARS)
    assert time.perf_counter() - start < 0.5
    assert message in str(info.value)


# -- fuzzing ------------------------------------------------------------------------------

FUZZ_SYMBOLS = matrix_symbols(3)
TOKENS = [
    "x", "c", "A", "w", "b", "y", "phi", "z", ".T", ".", "T", "@", "*", "**", "+", "-", "/",
    "(", ")", "[", "]", ",", "==", "=", ":", "0", "1", "2", "8", "9", "99", "10**6", "0.5",
    "1e999", "e", " ", "\n", "lambda", "if", "else", "'", '"', "__class__", "_", "~", "^",
]


def _each_call_returns_or_raises_parse_error(text: str) -> None:
    for parse, names in ((parse_matrix_expr, FUZZ_SYMBOLS), (parse_condition, FUZZ_SYMBOLS),
                         (parse_scalar_expr, SCALARS)):
        start = time.perf_counter()
        try:
            parse(text, names)
        except ParseError as e:
            assert str(e)
        elapsed = time.perf_counter() - start
        assert elapsed < 1.0, (parse.__name__, text, elapsed)


FUZZ = settings(derandomize=True, max_examples=300, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.one_of(st.text(), st.text(alphabet=string.printable, max_size=MAX_LENGTH + 20)))
def test_fuzz_arbitrary_text(text: str) -> None:
    _each_call_returns_or_raises_parse_error(text)


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=60).map("".join))
def test_fuzz_language_tokens(text: str) -> None:
    _each_call_returns_or_raises_parse_error(text)


def _grammar(names: list[str], ops: list[str], transpose: bool) -> st.SearchStrategy[str]:
    leaves = st.sampled_from([*names, "0", "1", "2", "7", "0.5"])

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        binary = st.tuples(inner, st.sampled_from(ops), inner)
        forms = [
            binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            inner.map(lambda e: f"-{e}"),
            st.tuples(inner, st.integers(-9, 9)).map(lambda t: f"({t[0]})**{t[1]}"),
        ]
        if transpose:
            forms.append(inner.map(lambda e: f"({e}).T" if e[-1].isdigit() else f"{e}.T"))
        return st.one_of(forms)

    expr = st.recursive(leaves, extend, max_leaves=30)
    return st.one_of(expr, st.tuples(expr, expr).map(lambda t: f"{t[0]} == {t[1]}"))


@FUZZ
@given(_grammar(["x", "c", "A", "x", "c", "A", "y"], ["+", "-", "*", "@", "+", "@"], True))
def test_fuzz_matrix_grammar(text: str) -> None:
    _each_call_returns_or_raises_parse_error(text)


@FUZZ
@given(_grammar(["w", "b", "x", "y", "phi", "c"], ["+", "-", "*", "/"], False))
def test_fuzz_scalar_grammar(text: str) -> None:
    _each_call_returns_or_raises_parse_error(text)
