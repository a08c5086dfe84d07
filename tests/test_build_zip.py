"""build-zip: the zip Gradescope takes, set up and run in a fake /autograder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import jsonschema

from tests.conftest import PROJECT, run_cli
from tests.test_corpus import SCHEMA


def test_the_zip_sets_up_and_grades_in_a_fake_autograder_root(tmp_path: Path) -> None:
    archive = tmp_path / "autograder.zip"
    assert run_cli("build-zip", "-o", archive).returncode == 0
    names = zipfile.ZipFile(archive).namelist()
    assert {"setup.sh", "run_autograder", "requirements.txt", "reference/hw0.py"} <= set(names)
    assert not any(n.startswith(("tests/", "student_template/")) for n in names)

    root = tmp_path / "autograder"
    zipfile.ZipFile(archive).extractall(root / "source")
    for script in ("setup.sh", "run_autograder"):
        os.chmod(root / "source" / script, 0o755)
    # A fresh venv that sees this one's packages: setup.sh's pip steps then resolve offline.
    subprocess.run([sys.executable, "-m", "venv", tmp_path / "venv"], check=True)
    site = next((tmp_path / "venv" / "lib").glob("python3*/site-packages"))
    (site / "dev.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    python = str(tmp_path / "venv" / "bin" / "python")
    env = {**os.environ, "PYTHON": python, "TORCH_INDEX_URL": "", "AUTOGRADER_ROOT": str(root)}
    setup = subprocess.run(["bash", "setup.sh"], cwd=root / "source", env=env,
                           capture_output=True, text=True, timeout=600)
    assert setup.returncode == 0, setup.stdout[-2000:] + setup.stderr[-2000:]
    assert "Successfully installed hw0-autograder" in setup.stdout
    if os.geteuid() == 0:
        assert (root / "source" / "reference").stat().st_mode & 0o777 == 0o700
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")

    def grade(hw0: str) -> dict:
        shutil.rmtree(root / "submission", ignore_errors=True)
        (root / "submission").mkdir()
        (root / "submission" / "hw0.py").write_text(hw0)
        done = subprocess.run([str(root / "run_autograder")], env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        results = json.loads((root / "results" / "results.json").read_text())
        jsonschema.validate(results, SCHEMA)
        return results

    reference = (PROJECT / "reference" / "hw0.py").read_text()
    right = grade(reference)
    assert all(t["status"] == "passed" for t in right["tests"]
               if not t["tags"][0].startswith("q5"))  # no notebook in this submission
    wrong = grade(reference.replace("return -b / W1", "return b / W1"))
    failed = {t["tags"][0] for t in wrong["tests"] if t["status"] == "failed"}
    assert "q4c" in failed and "q1" not in failed
