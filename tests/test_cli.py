"""The commands of the contract, run as Gradescope, a student and a TA would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from autograder.checks import all_checks
from tests.conftest import PROJECT, copy_reference, run_cli

pytestmark = pytest.mark.slow(50)  # the CLI end to end: grade twice, check, run_autograder


def without_time(results: dict) -> dict:
    return {k: v for k, v in results.items() if k != "execution_time"}


def test_grading_twice_gives_the_same_results(tmp_path: Path, corpus: dict) -> None:
    out = tmp_path / "again.json"
    done = run_cli("grade", PROJECT / "reference", "-o", out)
    assert done.returncode == 0, done.stderr[-2000:]
    assert without_time(json.loads(out.read_text())) == without_time(corpus["reference"])


def test_test_names_do_not_repeat_their_number(corpus: dict) -> None:
    """Gradescope shows "number) name": the name is the title alone."""
    tests = corpus["reference"]["tests"]
    assert tests[0]["number"] == "1.1" and tests[0]["name"].startswith("gd_step")
    assert not [t["name"] for t in tests if t["name"].startswith(t["number"])]


def test_run_autograder_honours_autograder_root(tmp_path: Path) -> None:
    copy_reference(tmp_path / "submission" / "nested folder")
    (tmp_path / "submission" / "nested folder" / "hw0.py").write_text(
        (PROJECT / "reference" / "hw0.py").read_text().replace("2.0 / alpha**2", "1.0 / alpha**2"))
    done = subprocess.run([str(PROJECT / "run_autograder")], capture_output=True, text=True,
                          env={**os.environ, "AUTOGRADER_ROOT": str(tmp_path)}, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((tmp_path / "results" / "results.json").read_text())
    failed = {t["number"] for t in results["tests"] if t["status"] == "failed"}
    assert "1.3" in failed and not any(n.startswith("2.") for n in failed)


def test_check_prints_a_table_a_student_can_read(tmp_path: Path) -> None:
    shutil.copy(PROJECT / "student_template" / "hw0.py", tmp_path / "hw0.py")
    done = run_cli("check", tmp_path)
    assert done.returncode == 1, done.stderr[-2000:]  # checks fail: scripts can tell
    assert "FIX 1.1 gd_step" in done.stdout
    assert "gd_step is not implemented yet" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_check_exits_0_only_when_every_public_check_passes() -> None:
    done = run_cli("check", PROJECT / "reference")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert f"All {len(all_checks())} public checks pass" in done.stdout.splitlines()[-1]


def test_check_says_what_to_fix_about_the_whole_file_above_the_table(tmp_path: Path) -> None:
    """A failed check says "see the top of the feedback": the top says it, as on Gradescope."""
    (tmp_path / "hw0.py").write_text("import numpy as np\ndef gd_step(:\n    pass\n")
    done = run_cli("check", tmp_path)
    assert done.returncode == 1, done.stderr[-2000:]
    out = " ".join(done.stdout.split())  # rich wraps at 80 columns
    assert "see the top of the feedback" in out
    table = out.index("FIX 1.1 gd_step")
    assert out.index("hw0.py does not compile") < table
    assert out.index("color_organ_learning.ipynb was not found") < table


def test_a_missing_folder_is_a_clear_message(tmp_path: Path) -> None:
    done = run_cli("check", tmp_path / "nope")
    assert done.returncode == 2 and "is not a folder" in done.stderr
