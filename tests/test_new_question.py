"""docs/staff.md's recipe for a new question, followed step by step in a copy of the project:
a toy Q7 (one hw0.py function, one check, a known-wrong variant whose answer is NaN and a
correct alternative) through template, docs, verify, build-zip and build-kit. Nothing else
of the project is edited: every list of questions must come from the checks."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from autograder.checks.misconceptions import _difference
from tests.conftest import PROJECT

ANSWER = '''

def q7_mean(x):
    """Q7 (toy): the mean of the entries of x (a nonempty 1-D array)."""
    # BEGIN SOLUTION
    return float(np.mean(x))
    # END SOLUTION
'''
CHECK = '''"""Q7 (toy): the mean (hw0.py, part q7)."""

from __future__ import annotations

import numpy as np
from gradescope_utils.autograder_utils.decorators import number, tags, weight
from hypothesis import strategies as st

from autograder.checks import HW0_PY, assert_close, holds, likely_cause, reference
from autograder.engine.answers import as_float
from autograder.engine.student import Student

FILE = HW0_PY
VECTORS = st.fixed_dictionaries({"x": st.lists(st.floats(-1e3, 1e3), min_size=1,
                                               max_size=6).map(np.array)})


@weight(1)
@number("7.1")
@tags("q7")
def check_q7_mean(student: Student) -> str:
    """q7_mean: the mean of the entries of x"""
    ref = reference()

    def prop(p: dict) -> None:
        given = as_float(student.call("q7_mean", p["x"]), "q7_mean(x)")
        assert_close("q7_mean(x)", given, ref.q7_mean(p["x"]), 1e-9)

    return holds(VECTORS, prop, "x", likely_cause(student, "q7_mean"))
'''
MUTANTS = '''
MUTANTS += [
    _hw0("q7_mean_of_empty_slice", "return float(np.mean(x))",
         "return float(np.mean(x[len(x):]))", "7.1",
         cause="this is what the mean of an empty slice gives (NaN): x[len(x):] is empty.",
         at="q7_mean"),
    _hw0("q7_mean_by_sum", "return float(np.mean(x))", "return float(np.sum(x) / len(x))",
         at="q7_mean"),
]
'''
ONLY_Q7 = '''from autograder.checks.misconceptions import MUTANTS as ALL

MUTANTS = [m for m in ALL if m.name.startswith("q7")]
'''


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == count, f"{path}: {old!r} is not {count} times there"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_nan_answers_compare_alike_so_a_nan_variant_can_be_named() -> None:
    nan = float("nan")
    assert _difference(nan, nan) == 0 and _difference([nan, 1.0], [nan, 1.0]) == 0
    assert _difference(np.array([nan, 2.0]), np.array([nan, 2.0])) == 0
    assert math.isinf(_difference(1.0, nan)) and math.isinf(_difference(nan, 1.0))
    assert math.isinf(_difference(np.array([nan, 2.0]), np.array([1.0, 2.0])))
    assert _difference(1.0, 1.0) == 0 and math.isinf(_difference(None, nan))


@pytest.mark.slow(60)
def test_a_question_added_by_the_recipe_is_graded_verified_and_shipped(tmp_path: Path
                                                                       ) -> None:
    copy = tmp_path / "project"
    shutil.copytree(PROJECT, copy, ignore=shutil.ignore_patterns(
        ".venv", ".git", "__pycache__", "*.egg-info", ".hypothesis", ".ruff_cache", "*.zip"))
    started = time.monotonic()

    def cli(*args: object) -> str:
        done = subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], cwd=copy,
                              capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, (args, done.stdout[-3000:], done.stderr[-3000:])
        return done.stdout

    # 1. the answer, and the template from it
    reference = copy / "reference" / "hw0.py"
    reference.write_text(reference.read_text(encoding="utf-8") + ANSWER, encoding="utf-8")
    cli("template")
    template = (copy / "student_template" / "hw0.py").read_text(encoding="utf-8")
    assert 'def q7_mean(x):' in template and "np.mean(x)" not in template
    # 2. the check, registered in all_checks
    (copy / "autograder" / "checks" / "q7.py").write_text(CHECK, encoding="utf-8")
    edit(copy / "autograder" / "checks" / "__init__.py", "q1, q2, q3, q4, q5, q6",
         "q1, q2, q3, q4, q5, q6, q7", count=2)
    # 3. its policy row
    edit(copy / "autograder" / "checks" / "policy.py", '    "6.1": (FULL, VISIBLE),',
         '    "6.1": (FULL, VISIBLE),\n    "7.1": (FULL, VISIBLE),')
    # 4. known-wrong and correct variants; verify them (only them, while working)
    misconceptions = copy / "autograder" / "checks" / "misconceptions.py"
    misconceptions.write_text(misconceptions.read_text(encoding="utf-8") + MUTANTS,
                              encoding="utf-8")
    (tmp_path / "q7_mutants.py").write_text(ONLY_Q7, encoding="utf-8")
    verified = cli("verify", "--mutants", tmp_path / "q7_mutants.py")
    rows = {line.split()[0] + " " + line.split()[1]: line for line in verified.splitlines()
            if line.startswith("(")}
    assert "45/45" in rows["(b) reference"] and "0/45" in rows["(c) template"]
    assert rows["(d) q7_mean_of_empty_slice"].split()[-3:] == ["7.1", "7.1", "ok"]
    assert rows["(d) q7_mean_by_sum"].endswith("ok")  # (none) lost
    assert verified.rstrip().endswith("0 failed")
    # 5. the docs: the Scoring table regenerated from the checks
    cli("docs")
    staff = (copy / "docs" / "staff.md").read_text(encoding="utf-8")
    assert "| q7 | 7.1: q7_mean | 1 | 1 |" in staff and "| total | 49 tests | | 45 |" in staff
    assert "up to date" in cli("docs", "--check")
    # 6. the builds carry the new check; the kit records the reference on public inputs
    cli("build-zip", "-o", tmp_path / "autograder.zip", "--force")  # the copy's tests: not run
    with zipfile.ZipFile(tmp_path / "autograder.zip") as z:
        assert "autograder/checks/q7.py" in z.namelist()
    cli("build-kit", "-o", tmp_path / "kit.zip")
    with zipfile.ZipFile(tmp_path / "kit.zip") as z:
        names = z.namelist()
        recorded = json.loads(z.read("hw0/hw0_selfcheck/kit/fixtures.json"))["outputs"]
        kit_template = z.read("hw0/hw0.py").decode()
    assert any(n.endswith("checks/q7.py") for n in names)
    assert any(key.startswith("q7_mean:") for key in recorded)
    assert "def q7_mean(x):" in kit_template and "np.mean(x)" not in kit_template
    print(f"recipe followed in {time.monotonic() - started:.0f} s")
