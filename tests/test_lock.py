"""requirements.txt, the lock (autograder/staff/lock.py): it pins every runtime package to
the version installed here, and agrees with pyproject.toml's runtime dependencies."""

from __future__ import annotations

import re

import pytest
from packaging.requirements import Requirement

from autograder.staff import lock
from tests.conftest import PROJECT, run_cli


def _dependencies() -> list[Requirement]:
    tomllib = pytest.importorskip("tomllib")  # 3.11+: CI's Python
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    return [Requirement(r) for r in project["dependencies"]]


@pytest.mark.parametrize("python", ["3.10", "3.11"])
def test_every_runtime_dependency_is_pinned_within_its_range(python: str) -> None:
    pins = lock.pinned(lock.LOCK.read_text(), python)
    for req in _dependencies():
        name = re.sub(r"[-_.]+", "-", req.name).lower()
        assert name in pins, f"{req.name} is in pyproject.toml but not pinned for {python}"
        assert req.specifier.contains(pins[name], prereleases=True), \
            f"pyproject.toml wants {req}, requirements.txt pins {pins[name]} for {python}"


def test_this_environment_is_what_the_lock_pins() -> None:
    """The tests run with the lock's versions (the README's set-up installs from it); a
    package upgraded or added since the lock was made fails here: refresh it."""
    done = run_cli("lock", "--check", timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
