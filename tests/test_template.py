"""student_template/ is generated from reference/ and never stale."""

from __future__ import annotations

import ast

import pytest

from autograder.checks import reference
from autograder.staff import template

CONTRACT_NAMES = {
    "gd_step", "gd_iterates", "max_stable_lr", "step_growth_bound", "error_bound",
    "Q1_EIG_RANGE", "gamma_from_sigma", "augment", "ols", "map_estimate",
    "Q3A", "Q3B", "Q3C", "Q3D", "Q3E", "Q4A_ELBOW", "Q4A_DL_DPHI", "Q4A_DL_DW", "Q4A_DL_DB",
    "Q4B", "elbows", "sgd_new_elbows", "Q6_SOURCES", "Q6_COLLABORATORS", "Q6_HOURS",
}


def test_template_is_not_stale() -> None:
    assert template.stale() == [], "run: python -m autograder template"


def test_template_keeps_every_contract_name_and_gives_no_answer_away() -> None:
    tree = ast.parse((template.TEMPLATE / "hw0.py").read_text())
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    assigned = {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets
                if isinstance(t, ast.Name)}
    assert CONTRACT_NAMES <= defined | assigned
    for fn in (n for n in tree.body if isinstance(n, ast.FunctionDef)):
        assert ast.get_docstring(fn), fn.name
        body = fn.body[1:]
        assert len(body) == 1 and isinstance(body[0], ast.Raise), fn.name
    text = (template.TEMPLATE / "hw0.py").read_text()
    answers = [getattr(reference(), n) for n in CONTRACT_NAMES if n.startswith("Q3")]
    answers += [reference().Q4A_ELBOW, reference().Q4A_DL_DW["active"]]
    assert "simulate_q4b" not in text
    for answer in answers:
        assert repr(answer) not in text and f'"{answer}"' not in text, answer


def test_markers_replace_blocks_and_refuse_unbalanced_ones() -> None:
    source = "def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION\n" \
             "# BEGIN SOLUTION\n# TEMPLATE: X = None\nX = 2\n# END SOLUTION\n"
    assert template.strip_code(source) == \
        'def f():\n    raise NotImplementedError("TODO")\nX = None\n'
    with pytest.raises(template.MarkerError):
        template.strip_code("# BEGIN SOLUTION\nx = 1\n")
    with pytest.raises(template.MarkerError):
        template.strip_code("# END SOLUTION\n")
