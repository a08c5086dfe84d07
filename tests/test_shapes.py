"""Likely causes from the error's shape (autograder/checks/shapes.py): named for a constant
factor, a transpose, a block of zeros and one step more or fewer; never for correct work."""

from __future__ import annotations

import types

import numpy as np
import pytest

from autograder.checks import HW0_PY, reference
from autograder.checks.misconceptions import MUTANTS
from autograder.checks.shapes import shape_cause, shape_causes
from autograder.engine.worker import to_plain
from autograder.staff import buildkit, equivalence
from autograder.staff.audit import diagnosed


def _run(namespace: object, function: str, args: tuple) -> object:
    return to_plain(getattr(namespace, function)(*(equivalence._fresh(a) for a in args)))


def _correct_variants() -> list[tuple[str, types.ModuleType]]:
    """The reference and the table's correct alternatives."""
    found = [("reference", reference())]
    for m in MUTANTS:
        if m.file == HW0_PY and not m.loses:
            module = types.ModuleType(m.name)
            exec(compile(m.apply(), m.name, "exec"), module.__dict__)  # noqa: S102
            found.append((m.name, module))
    return found


@pytest.mark.parametrize("single", [False, True], ids=["float64", "float32"])
def test_correct_work_never_gets_a_shape_cause(single: bool) -> None:
    """Every input of the dense sample, every correct variant, in float64 and float32."""
    named = []
    for name, module in _correct_variants():
        for function, args in equivalence.sample(HW0_PY):
            if function not in diagnosed():
                continue
            with np.errstate(all="ignore"):
                try:
                    given, expected = _run(module, function, args), _run(reference(), function,
                                                                          args)
                except Exception:  # noqa: BLE001 - an input one of them cannot take (empty F)
                    continue
            if single:
                given = [np.asarray(g, dtype=np.float32) for g in given] if isinstance(
                    given, list) else np.asarray(given, dtype=np.float32)
            found = shape_causes(function, args, given, expected)
            if found:
                named.append((name, function, found))
    assert named == []


def _inputs() -> dict[str, tuple]:
    rng = np.random.default_rng(7)
    F, y = rng.normal(size=(4, 3)), rng.normal(size=4)
    sigma = np.diag([1.0, 2.0, 4.0]) + 0.3
    return {"F": (F, y, 0.05), "iterates": (F, y, 0.05, 3), "sigma": (sigma,),
            "augment": (rng.normal(size=(5, 3)), rng.normal(size=5),
                        reference().gamma_from_sigma(sigma))}


def test_a_constant_factor_is_named_with_its_constant() -> None:
    args = _inputs()["F"]
    expected = reference().step_growth_bound(*args)
    alpha = np.linalg.norm(args[0], 2)
    assert "times 2:" in shape_cause("step_growth_bound", [args], [2 * expected], [expected])
    assert "times alpha " in shape_cause("step_growth_bound", [args], [alpha * expected],
                                         [expected])
    assert "times -1:" in shape_cause("step_growth_bound", [args], [-expected], [expected])
    assert shape_cause("step_growth_bound", [args], [1.37 * expected], [expected]) is None


def test_a_transpose_a_block_of_zeros_and_a_step_more_are_named() -> None:
    ref, inputs = reference(), _inputs()
    gamma = to_plain(ref.gamma_from_sigma(*inputs["sigma"]))
    assert "transpose" in shape_cause("gamma_from_sigma", [inputs["sigma"]],
                                      [np.asarray(gamma).T], [gamma])
    x_hat, y_hat = ref.augment(*inputs["augment"])
    zeroed = x_hat.copy()
    zeroed[5:] = 0.0  # zeros where Gamma belongs
    assert "are zeros" in shape_cause("augment", [inputs["augment"]],
                                      [to_plain((zeroed, y_hat))], [to_plain((x_hat, y_hat))])
    more = dict(zip("F y eta k".split(), inputs["iterates"], strict=True), k=4)
    assert "one step more" in shape_cause(
        "gd_iterates", [inputs["iterates"]], [to_plain(ref.gd_iterates(*more.values()))],
        [to_plain(ref.gd_iterates(*inputs["iterates"]))])


def test_a_shape_must_explain_every_failing_input() -> None:
    """Twice the answer on one input and three times it on another: no one factor."""
    args = _inputs()["F"]
    other = (args[0] * 2, args[1], args[2])
    e1, e2 = (reference().step_growth_bound(*a) for a in (args, other))
    assert shape_cause("step_growth_bound", [args, other], [2 * e1, 3 * e2], [e1, e2]) is None
    assert "times 2:" in shape_cause("step_growth_bound", [args, other], [2 * e1, 2 * e2],
                                     [e1, e2])


def test_the_kit_does_not_ship_shapes() -> None:
    assert "autograder.checks.shapes" not in buildkit.closure()


def test_no_shape_where_the_check_shows_no_expected_value() -> None:
    """max_stable_lr's check (1.3, FORM) never shows the answer: "times 1/2" would."""
    F = _inputs()["F"][0]
    expected = reference().max_stable_lr(F)
    assert shape_cause("max_stable_lr", [(F,)], [expected / 2], [expected]) is None
    assert "times 1/2:" in shape_cause("step_growth_bound", [_inputs()["F"]],
                                       [reference().step_growth_bound(*_inputs()["F"]) / 2],
                                       [reference().step_growth_bound(*_inputs()["F"])])


def test_a_nan_answer_is_not_diagnosed_and_raises_nothing() -> None:
    """A NaN entry is no row "off by more than the tolerance" (NaN compares false), yet the
    answer is not close: the zero-block diagnosis once indexed an empty list of rows."""
    from autograder.checks.shapes import _zero_rows_causes

    given = np.array([[np.nan, 1.0], [2.0, 3.0]])
    assert _zero_rows_causes({}, given, np.array([[0.5, 1.0], [2.0, 3.0]])) == set()
    zeros = np.array([[1.0, 1.0], [0.0, 0.0]])  # the last row left as zeros: still named
    assert _zero_rows_causes({}, zeros, np.array([[1.0, 1.0], [2.0, 3.0]]))


def test_the_audit_reads_a_likely_cause_in_markdown_feedback() -> None:
    """Failed tests go to Gradescope as Markdown ("**Likely cause:** ..."): the audit of
    `mutate` must still find the cause, or its rate reads 0%."""
    from autograder import results
    from autograder.staff.audit import causes_named

    output = ("gd_step(F, y, w, eta) is wrong (largest difference 2 of the answer's size; "
              "allowed 1e-9).\n  expected: 1.0\n  given:    3.0\n"
              "Smallest failing input (F, y, w, eta):\nF = 1.0\n"
              "Likely cause: the step goes uphill.")
    test = results.test_entry("1.1", "gd_step: one step", "q1", 0.0, 1.0, output, "visible")
    assert test["output_format"] == "md"
    assert causes_named({"tests": [test]}) == {"the step goes uphill."}
