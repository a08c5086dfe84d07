"""The grader and the kit on Python 3.10, Gradescope's Ubuntu 22.04 Python (issue 16).

A 3.10 venv with requirements.txt's 3.10 pins but torch (the torch wheel on this machine's
disk is for 3.11 only) and the test tools: every module of the package compiles on 3.10,
and the tests that need no torch pass there. The venv is made once per lock content, in
the user's cache (minutes from PyPI; then reused): skipped, with the reason, where no
Python 3.10 is found.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from autograder.staff.lock import LOCK, pinned
from tests.conftest import PROJECT

TORCH_FREE = ["tests/test_channel.py", "tests/test_submission.py", "tests/test_report.py"]
TEST_TOOLS = ["pytest", "jsonschema"]


def python310() -> str | None:
    """A Python 3.10 that runs: pyenv's own 3.10 install, or python3.10 on PATH. pyenv's
    shim on PATH fails unless 3.10 is a selected version (seen: exit 127, "pyenv: python3.10:
    command not found"), so each candidate is run before it is chosen."""
    candidates = sorted(glob.glob(str(Path.home() / ".pyenv/versions/3.10*/bin/python3.10")),
                        reverse=True) + [shutil.which("python3.10") or ""]
    for python in filter(None, candidates):
        probe = subprocess.run([python, "-c", "import sys; print(sys.version_info[:2])"],
                               capture_output=True, text=True, timeout=60)
        if probe.returncode == 0 and probe.stdout.strip() == "(3, 10)":
            return python
    return None


def venv310(python: str) -> Path:
    """The cached venv for the lock's 3.10 pins (made when missing)."""
    wanted = [f"{n}=={v}" for n, v in sorted(pinned(LOCK.read_text(), "3.10").items())
              if n != "torch"] + TEST_TOOLS
    key = hashlib.sha256("\n".join(wanted).encode()).hexdigest()[:12]
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "hw0-autograder"
    venv = cache / f"py310-{key}"
    if not (venv / "ready").exists():
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([python, "-m", "venv", venv], check=True)
        subprocess.run([venv / "bin/python", "-m", "pip", "install", "-q", *wanted],
                       check=True, timeout=1200)
        (venv / "ready").touch()
    return venv


@pytest.fixture(scope="module")
def py310() -> Path:
    python = python310()
    if python is None:
        pytest.skip("no Python 3.10 on this machine (python3.10 on PATH or in ~/.pyenv)")
    return venv310(python) / "bin" / "python"


@pytest.mark.slow(60)  # py310: minutes from PyPI when not cached yet
def test_the_torch_free_tests_pass_on_python_310(py310: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    env.pop("VIRTUAL_ENV", None)
    version = subprocess.run([py310, "-c", "import sys; print(sys.version_info[:2])"],
                             capture_output=True, text=True, check=True).stdout
    assert version.strip() == "(3, 10)"
    compiled = subprocess.run([py310, "-m", "compileall", "-q", "autograder"], cwd=PROJECT,
                              capture_output=True, text=True, env=env)
    assert compiled.returncode == 0, compiled.stdout[-2000:]
    # -o addopts=: pyproject's xdist options need pytest-xdist, which the 3.10 venv has not
    done = subprocess.run([py310, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=",
                           *TORCH_FREE],
                          cwd=PROJECT, capture_output=True, text=True, env=env, timeout=600)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr
    print("Python 3.10:", summary)
    assert done.returncode == 0 and " passed" in summary and "failed" not in summary, \
        done.stdout[-3000:] + done.stderr[-2000:]
