"""The policy table (checks/policy.py), the markers it relies on, the generated names
table, and the kit's import closure: fast, no kit built."""

from __future__ import annotations

import ast

import numpy as np
import pytest

from autograder.checks import all_checks, collect, q4, q6, reference
from autograder.checks.policy import GRADESCOPE_CHOICES, KIT_CHOICES, POLICY
from autograder.staff import buildkit, names
from autograder.staff.template import GRADER_ONLY, strip_code

LINUX_ONLY = {"fcntl", "resource", "ctypes", "termios", "pwd", "grp"}


def test_the_table_names_every_check_and_nothing_else() -> None:
    assert sorted(POLICY) == sorted(c.number for c in all_checks())
    assert all(k in KIT_CHOICES and v in GRADESCOPE_CHOICES for k, v in POLICY.values())


def test_a_check_missing_from_the_table_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(POLICY, "6.1")
    with pytest.raises(ValueError, match="6.1 is not in"):
        collect(q6)


def test_visibility_comes_from_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(POLICY, "6.1", ("full", "after_due_date"))
    assert [c.visibility for c in collect(q6)] == ["after_due_date"]


def test_grader_only_blocks_are_replaced_by_their_kit_lines() -> None:
    source = ("def f(x):\n    y = x\n    # BEGIN GRADER ONLY\n    return secret(y)\n"
              "    # KIT: return form(y)\n    # END GRADER ONLY\n# BEGIN GRADER ONLY\n"
              "def secret(y):\n    return -y\n# END GRADER ONLY\n")
    assert strip_code(source, GRADER_ONLY) == "def f(x):\n    y = x\n    return form(y)\n"


def test_form_checks_lose_their_full_part_in_the_kit() -> None:
    """Each module with a FORM check has GRADER ONLY blocks, and what ships of it never
    reads an answer of the reference (only its functions, replayed)."""
    for module in {c.run.__module__ for c in all_checks() if POLICY[c.number][0] == "form"}:
        stripped = buildkit.kit_source(module)
        assert stripped != buildkit.module_path(module).read_text(), module
        for node in ast.walk(ast.parse(stripped)):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Call) \
                    and getattr(node.value.func, "id", "") == "reference":
                assert not node.attr.isupper() and not node.attr.startswith("Q"), node.attr


def test_the_kit_imports_nothing_linux_only_and_no_reference() -> None:
    modules = buildkit.closure()
    assert "autograder.engine.sandbox" not in modules
    assert not any(m.startswith("autograder.staff") for m in modules)
    for name in modules:
        tree = ast.parse(buildkit.kit_source(name))
        top = {a.name.split(".")[0] for node in tree.body if isinstance(node, ast.Import)
               for a in node.names}
        top |= {(node.module or "").split(".")[0] for node in tree.body
                if isinstance(node, ast.ImportFrom)}
        assert not top & (LINUX_ONLY | {"reference"}), name


def test_students_doc_lists_the_names_generated_from_the_reference() -> None:
    assert names.DOCS.read_text() == names.docs_text(), "run: python -m autograder template"
    table = names.table()
    for name in ("gd_step(F, y, w, eta)", "Q1_EIG_RANGE", "loss_fn_binary(pred, target)",
                 "q5i_resistors", "Q6_HOURS"):
        assert f"`{name}`" in table


def test_recorded_elbows_agree_with_autograd() -> None:
    """The kit replays the reference's elbows; on the handout's network they must be what
    one SGD step by torch autograd gives."""
    ref, rng = reference(), np.random.default_rng(0)
    for d in (1, 3, 16):
        W1 = rng.choice([-1.0, 1.0], d) * rng.uniform(0.1, 3.0, d)
        b, W2 = rng.normal(size=d), rng.normal(size=d)
        x, y, lr = float(rng.normal()), float(rng.normal()), 1e-3
        w1, b1 = q4.autograd_step(W1, b, W2, x, y, lr)
        np.testing.assert_allclose(ref.sgd_new_elbows(W1, b, W2, x, y, lr), -b1 / w1, rtol=1e-9)
        np.testing.assert_allclose(ref.elbows(W1, b), -b / W1, rtol=1e-12)
