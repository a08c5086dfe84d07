"""build-zip: the zip Gradescope takes, set up and run in a fake /autograder; and the
permissions grading leaves behind, there and on a staff machine."""

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
import pytest

from autograder import grade as grading
from autograder import identity
from autograder.checks import NOTEBOOK
from autograder.staff import imports
from tests.conftest import PROJECT, run_cli
from tests.test_corpus import SCHEMA

pytestmark = pytest.mark.slow(50)  # the zip set up in a venv and graded twice


def readable_by_others(path: Path, top: Path) -> bool:
    """Whether a user outside the owner's group could read `path` if `top` were open to
    them (pytest's own tmp folder is not): every folder from `top` down searchable by
    others, the file readable by others."""
    folders = [p for p in path.parents if p.is_relative_to(top)]
    return (all(p.stat().st_mode & 0o001 for p in folders)
            and bool(path.stat().st_mode & 0o004))


def exposed(top: Path) -> list[Path]:
    """Copies of the checks or the reference under `top` that other users could read."""
    copies = [p for p in top.rglob("*.py") if p.parent.name in ("checks", "reference")]
    assert copies, f"no copy of the checks under {top} at all"
    return [p for p in copies if readable_by_others(p, top)]


def test_the_zip_sets_up_and_grades_in_a_fake_autograder_root(tmp_path: Path) -> None:
    archive = tmp_path / "autograder.zip"
    assert run_cli("build-zip", "-o", archive, "--force").returncode == 0
    names = zipfile.ZipFile(archive).namelist()
    # What grading reads, nothing else: no solved notebook, tests, template or docs ...
    assert [n for n in names if not n.startswith("autograder/")] == [
        "setup.sh", "run_autograder", "requirements.txt", "pyproject.toml", "reference/hw0.py"]
    # ... and of the package, __main__ and what its grade command imports at any depth, in
    # full (GRADER ONLY blocks too: the sandbox), never staff/, the kit or the terminal report.
    grading = {"autograder.__main__", *imports.closure(["autograder.grade", "autograder.results"])}
    assert sorted(n for n in names if n.startswith("autograder/")) == sorted(
        [*(imports.module_path(m).relative_to(PROJECT).as_posix() for m in grading),
         "autograder/built_from.txt"])
    assert {"autograder/engine/sandbox.py", "autograder/engine/worker.py",
            "autograder/checks/q1.py", "autograder/checks/q5.py",
            "autograder/checks/misconceptions.py"} <= set(names)
    assert not [n for n in names if n.startswith(("autograder/staff/", "autograder/kit/"))
                or n == "autograder/report.py"]

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
    # The package is run from source/, never installed: no copy in site-packages or build/.
    assert not list(site.glob("*autograder*")) and not (root / "source" / "build").exists()
    if os.geteuid() == 0:
        assert (root / "source" / "reference").stat().st_mode & 0o777 == 0o700
        assert exposed(tmp_path) == []
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    os.chmod(root / "source" / "reference", 0o755)  # grading must lock it for good here

    def grade(hw0: str, notebook: bool = False) -> dict:
        shutil.rmtree(root / "submission", ignore_errors=True)
        (root / "submission").mkdir()
        (root / "submission" / "hw0.py").write_text(hw0)
        if notebook:
            shutil.copy(PROJECT / "reference" / NOTEBOOK, root / "submission")
        done = subprocess.run([str(root / "run_autograder")], env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        results = json.loads((root / "results" / "results.json").read_text())
        jsonschema.validate(results, SCHEMA)
        return results

    reference = (PROJECT / "reference" / "hw0.py").read_text()
    right = grade(reference, notebook=True)
    assert [t["number"] for t in right["tests"] if t["status"] != "passed"] == []
    # The zip's results name the checkout it was built from, as a batch from it does.
    assert right["extra_data"]["grader"]["content"] == identity.grader()["content"]
    assert right["score"] == sum(t["max_score"] for t in right["tests"]) > 0
    wrong = grade(reference.replace("return -b / W1", "return b / W1"))
    failed = {t["tags"][0] for t in wrong["tests"] if t["status"] == "failed"}
    assert "q4c" in failed and "q1" not in failed
    if os.geteuid() == 0:  # Gradescope's container: locked for good, not restored
        assert (root / "source" / "reference").stat().st_mode & 0o777 == 0o700
        assert exposed(tmp_path) == []


def _modes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mode & 0o7777 for p in [folder, *folder.iterdir()]
            if p.is_dir()}


@pytest.mark.skipif(os.geteuid() != 0, reason="folders are locked down only as root")
@pytest.mark.alone  # another grading of this checkout meanwhile would hold them locked
def test_grade_on_a_staff_machine_leaves_folders_as_it_found_them(tmp_path: Path) -> None:
    # The student's folder inside the project, as when a TA grades the template in place.
    before = {"project": _modes(PROJECT), "template": _modes(PROJECT / "student_template")}
    done = run_cli("grade", PROJECT / "student_template", "-o", tmp_path / "results.json")
    assert done.returncode == 0, done.stderr[-2000:]
    after = {"project": _modes(PROJECT), "template": _modes(PROJECT / "student_template")}
    assert after == before


@pytest.mark.skipif(os.geteuid() != 0, reason="folders are locked down only as root")
def test_lock_down_is_undone_except_in_gradescopes_container(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "autograder" / "source"
    (source / "reference").mkdir(parents=True)
    os.chmod(source / "reference", 0o755)
    monkeypatch.setattr(grading, "PROJECT_DIR", source)
    monkeypatch.setenv("AUTOGRADER_ROOT", str(tmp_path / "elsewhere"))
    changed = grading.lock_down([source / "reference"])
    assert changed == {source / "reference": 0o755}
    assert (source / "reference").stat().st_mode & 0o777 == 0o700
    assert grading.lock_down([source / "reference"]) == {}  # already locked: not its to undo
    grading.restore(changed)
    assert (source / "reference").stat().st_mode & 0o777 == 0o755
    monkeypatch.setenv("AUTOGRADER_ROOT", str(tmp_path / "autograder"))  # run_autograder's
    assert grading.in_gradescope()
    grading.restore(grading.lock_down([source / "reference"]))
    assert (source / "reference").stat().st_mode & 0o777 == 0o700


def test_build_zip_refuses_a_tree_the_tests_did_not_pass_on(tmp_path: Path) -> None:
    """staff/stamp.py: no stamp, or a stamp of other content, refuses; the stamp of this
    content builds."""
    from autograder import identity

    archive, stamp = tmp_path / "a.zip", tmp_path / "stamp.json"
    env = {"HW0_TEST_STAMP": str(stamp)}
    for recorded in (None, "0123456789abcdef"):
        if recorded:
            stamp.write_text(json.dumps({"content": recorded, "passed": 1}))
        done = run_cli("build-zip", "-o", archive, env=env)
        assert done.returncode == 1 and "build-zip refused" in done.stderr, done.stderr
        assert not archive.exists()
    stamp.write_text(json.dumps({"content": identity.content_hash(), "passed": 1}))
    done = run_cli("build-zip", "-o", archive, env=env)
    assert done.returncode == 0 and archive.exists(), done.stderr
