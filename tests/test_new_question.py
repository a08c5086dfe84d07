"""The full `verify`, run once, in a copy of the project to which docs/staff.md's recipe
added the issue's Q7 (`softmax_xent_grad(logits, y)`: integer labels, a tolerance, 2 points;
tests/new_question.py): it proves this project's own questions, which the copy holds
unchanged, and the new one, which must appear in every row (reference properties, reference,
template, kill matrix, margins). Then the copy's `mutate --part q7`, a slice of its suite
whose lists come from the checks, its docs, build-zip and build-kit. Nothing but the files
the recipe names is edited: every other list of questions must come from the checks."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from autograder.checks import all_checks, declared
from autograder.checks.misconceptions import MUTANTS, _difference
from autograder.staff import margins
from tests.conftest import Q7Copy
from tests.new_question import CHECK, cli

FUNCTION = "softmax_xent_grad"
POINTS = float(re.search(r"@weight\((\d+)\)", CHECK)[1])
TOP = sum(c.max_score for c in all_checks()) + POINTS  # the copy's full marks


def rows_of(stdout: str, kind: str) -> dict[str, str]:
    """verify's rows of one kind ("(d)", "(f)"...) by their check column's second word."""
    return {line.split()[1]: line for line in stdout.splitlines() if line.startswith(kind + " ")}


def test_nan_answers_compare_alike_so_a_nan_variant_can_be_named() -> None:
    nan = float("nan")
    assert _difference(nan, nan) == 0 and _difference([nan, 1.0], [nan, 1.0]) == 0
    assert _difference(np.array([nan, 2.0]), np.array([nan, 2.0])) == 0
    assert math.isinf(_difference(1.0, nan)) and math.isinf(_difference(nan, 1.0))
    assert math.isinf(_difference(np.array([nan, 2.0]), np.array([1.0, 2.0])))
    assert _difference(1.0, 1.0) == 0 and math.isinf(_difference(None, nan))


@pytest.mark.slow(330)  # with q7_copy: the recipe and the copy's full verify
def test_verify_passes_and_lists_every_mutant(q7_copy: Q7Copy) -> None:
    done = q7_copy.verify
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    rows = rows_of(done.stdout, "(d)")
    added = {name for name in rows if name.startswith(FUNCTION + "_")}
    # every variant of this project, and Q7's; no "(d) test N" row: every test killed
    assert set(rows) == {m.name for m in MUTANTS} | added and added
    assert all(line.endswith(" ok") for line in rows.values())
    assert "(e) same results twice" in done.stdout and " 0 failed" in done.stdout
    assert "kill matrix: " in done.stdout
    assert q7_copy.record["verify"]["failed"] == 0
    margin_rows = [line for line in done.stdout.splitlines() if line.startswith("(f) ")]
    for t in margins.tolerances():  # a float64 and a float32 row each, and Q7's two
        assert sum(line.startswith(f"(f) {t.name}, ") for line in margin_rows) == 2, t.name
    documented = [row for rows in declared("documented_margins") for row in rows()]
    assert len(margin_rows) == 2 * (len(margins.tolerances()) + 1) + len(documented)


@pytest.mark.slow(330)  # q7_copy's, then mutate --part q7, a suite slice, the builds
def test_a_question_added_by_the_recipe_is_graded_verified_and_shipped(
        q7_copy: Q7Copy, tmp_path: Path) -> None:
    copy, verified = q7_copy.project, q7_copy.verify.stdout
    # 1. the template: the function, not its answer
    template = (copy / "student_template" / "hw0.py").read_text(encoding="utf-8")
    assert f"def {FUNCTION}(logits, y):" in template and "np.exp(z)" not in template
    # 7. verify: Q7 in every row
    assert "tests/test_q7_reference.py" in subprocess.run(
        [sys.executable, "-c", "from autograder.staff import verify\n"
         "print(verify.reference_property_files())"], cwd=copy, capture_output=True,
        text=True, check=True).stdout
    assert rows_of(verified, "(a)")["reference"].endswith(" ok")
    assert f"{TOP:g}/{TOP:g}" in rows_of(verified, "(b)")["reference"]
    assert f"0/{TOP:g}" in rows_of(verified, "(c)")["template"]
    q7 = {name: line for name, line in rows_of(verified, "(d)").items()
          if name.startswith(FUNCTION + "_")}
    wrong = {name for name, line in q7.items() if line.split()[2] == "7.1"}
    assert wrong and wrong != set(q7) and all(line.endswith(" ok") for line in q7.values())
    assert f"x {len(all_checks()) + 1} tests" in verified
    assert q7_copy.record["verify"]["parts"]["q7"] == {"variants": len(wrong),
                                                       "held": len(wrong)}
    q7_margins = [line for line in verified.splitlines() if line.startswith("(f) Q7 RTOL")]
    assert len(q7_margins) == 2 and all(line.endswith(" ok") for line in q7_margins)
    # 6. the docs: the Scoring table regenerated from the checks
    staff = (copy / "docs" / "staff.md").read_text(encoding="utf-8")
    assert f"| q7 | 7.1: {FUNCTION} | {POINTS:g} | {POINTS:g} |" in staff
    assert f"| total | {len(all_checks()) + 1} tests | | {TOP:g} |" in staff
    assert "up to date" in cli(copy, "docs", "--check")
    # mutate, Q7's functions only: every mutant killed, equivalent or reviewed correct
    mutated = cli(copy, "mutate", "--only", "hw0.py", "--part", "q7", "-j", "2")
    head, row = (line.split() for line in mutated.splitlines()
                 if re.match(r"(part|q7) ", line))
    counts = dict(zip(head[1:], map(int, row[1:]), strict=True))
    assert counts["mutants"] > 0 and counts["survived"] == 0, mutated[-3000:]
    agree = re.search(r"kit agrees: (\d+)/(\d+)", mutated)
    assert agree and agree[1] == agree[2], mutated[-3000:]
    # the copy's tests that read their lists from the checks (Q7's variants among them)
    slice_ = subprocess.run(
        [sys.executable, "-m", "pytest", "-o", "addopts=", "-v", "-p", "no:cacheprovider",
         f"--basetemp={tmp_path / 'slice'}", "tests/test_cli.py", "tests/test_feedback.py",
         "-k", "every_public_check or known_mistake or correct_alternatives_get_no"],
        cwd=copy, capture_output=True, text=True, timeout=900)
    assert slice_.returncode == 0, slice_.stdout[-3000:]
    passed = re.findall(r"::(\w+)\[(\w+)[\]-].* PASSED", slice_.stdout)
    assert {(test, name) for test, name in passed if name.startswith(FUNCTION)} >= {
        (f"test_each_known_mistake_{how}", name) for name in q7 if "off_by" not in name
        and name in wrong for how in ("is_named_in_its_failing_test", "fails_also_in_float32")}
    assert "test_check_exits_0_only_when_every_public_check_passes PASSED" in slice_.stdout
    # the builds carry the new check; the kit records the reference on public inputs.
    # --force: build-zip wants a passing run of the copy's whole suite, which is not run here
    cli(copy, "build-zip", "-o", tmp_path / "autograder.zip", "--force")
    with zipfile.ZipFile(tmp_path / "autograder.zip") as z:
        assert "autograder/checks/q7.py" in z.namelist()
    cli(copy, "build-kit", "-o", tmp_path / "kit.zip")
    with zipfile.ZipFile(tmp_path / "kit.zip") as z:
        names = z.namelist()
        recorded = json.loads(z.read("hw0/hw0_selfcheck/kit/fixtures.json"))["outputs"]
        kit_template = z.read("hw0/hw0.py").decode()
        kit_check = z.read(next(n for n in names if n.endswith("checks/q7.py"))).decode()
    assert any(key.startswith(f"{FUNCTION}:") for key in recorded)
    assert f"def {FUNCTION}(logits, y):" in kit_template and "np.exp(z)" not in kit_template
    assert "def check_softmax_xent_grad" in kit_check
    assert "tolerances" not in kit_check and "autograd" not in kit_check  # grader only
    print(f"recipe and full verify in {q7_copy.seconds:.0f} s")
