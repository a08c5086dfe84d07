"""`python -m autograder mutate`: the operators make the slips they name, only in solution
code; equivalent mutants are set aside by a sample that holds the ReLU's kink; and the fast
slice (one mutant per operator per part) is graded and killed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from autograder.checks import HW0_PY, NOTEBOOK, all_checks
from autograder.staff import equivalence, mutate, operators, template
from tests.conftest import run_cli

# Every part mutate declares a mutated region for, each a part of the checks.
PARTS = {*mutate.parts(HW0_PY).values(), *mutate.parts(NOTEBOOK).values()}


@pytest.fixture(scope="module")
def generated() -> list[mutate.Mutant]:
    return mutate.generate()


def test_each_student_slip_is_made(generated: list[mutate.Mutant]) -> None:
    made = {(m.file, m.mutation.operator) for m in generated}
    for slip in ("norm_order", "transpose_dropped", "args_swapped", "matmul_for_mul",
                 "mul_for_matmul", "square_forgotten", "iteration_off_by_one",
                 "inverse_forgotten", "relu_forgotten", "zeros_ones"):
        assert (HW0_PY, slip) in made
    for slip in ("sum_for_mean", "two_pi_forgotten", "numpy_for_torch", "sqrt_forgotten"):
        assert (NOTEBOOK, slip) in made
    assert {m.part for m in generated} == PARTS <= {c.part for c in all_checks()}


def test_mutants_change_solution_code_only(generated: list[mutate.Mutant]) -> None:
    """Each mutant's student template is the reference's: nothing outside the solution
    blocks changed."""
    expected = {HW0_PY: template.strip_code((mutate.REFERENCE / HW0_PY).read_text()),
                NOTEBOOK: template.strip_notebook((mutate.REFERENCE / NOTEBOOK).read_text())}
    strip = {HW0_PY: template.strip_code, NOTEBOOK: template.strip_notebook}
    outside = [m.line for m in generated if strip[m.file](m.text) != expected[m.file]]
    assert outside == []


def test_a_mutation_outside_every_solution_block_is_not_made() -> None:
    text = "def f(x):\n    return x + 1\n# BEGIN SOLUTION\ny = 2 * 3\n# END SOLUTION\n"
    lines = [(b, e) for b, e in mutate.solution_lines(text)]
    made = [m for m in operators.mutants(text, lambda n: any(
        b <= n.lineno <= e for b, e in lines))]
    assert made and all(m.line == 4 for m in made)


def _replaced(old: str, new: str) -> str:
    text = (mutate.REFERENCE / HW0_PY).read_text()
    assert text.count(old) == 1
    return text.replace(old, new)


def test_equivalence_sets_aside_a_commuted_product_but_not_the_kink() -> None:
    reference = (mutate.REFERENCE / HW0_PY).read_text()
    commuted = _replaced("W2 @ np.maximum(z, 0.0)", "np.maximum(z, 0.0) @ W2")
    kink = _replaced("active = z > 0", "active = z >= 0")  # the ReLU's gradient at 0
    assert equivalence.equivalent(HW0_PY, commuted, reference)
    assert not equivalence.equivalent(HW0_PY, kink, reference)


@pytest.mark.slow(160)
def test_the_fast_slice_is_graded_and_killed(tmp_path: Path) -> None:
    """One mutant per operator per part of hw0.py, one per part of the notebook: every one
    loses a point (exit status 0, no survivor)."""
    done = run_cli("mutate", "--fast", "-j", "2",
                   env={"HW0_DATASHEET_RECORD": str(tmp_path / "record.json")})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    rows = {line.split()[0]: line.split()[1:] for line in done.stdout.splitlines()
            if re.match(r"(q\d\w*|all) +\d", line)}
    assert set(rows) == PARTS | {"all"}
    mutants, killed, equivalent, correct, survived = map(int, rows["all"])
    assert mutants == killed > 20 and equivalent == correct == survived == 0
    recorded = json.loads((tmp_path / "record.json").read_text())["mutate"]
    assert recorded["fast"] and set(recorded["parts"]) == PARTS
    # The kit, on its recorded inputs, fails each killed hw0.py mutant on its full rows too.
    agree = re.search(r"^kit agrees: (\d+)/(\d+)$", done.stdout, re.MULTILINE)
    assert agree and agree[1] == agree[2] and int(agree[2]) > 10, done.stdout[-3000:]


def test_only_a_reviewed_correct_alternative_is_accepted() -> None:
    """The loss's sharpness is another right answer (REVIEWED_CORRECT); no other mutant of the
    notebook's functions, nor of hw0.py, is excused from being killed."""
    made = mutate.generate()
    excused = [m for m in made if mutate.accepted(m)]
    assert excused and all(m.target == "loss_fn_binary" and m.mutation.before == "50.0"
                           for m in excused)
