"""Finding the two files in an upload or a student's folder (engine/submission.py)."""

from __future__ import annotations

import time
from pathlib import Path

from autograder.engine.submission import MAX_FILES, find


def test_a_venv_beside_the_files_is_not_searched(tmp_path: Path) -> None:
    """The student kit's README makes a venv in the folder the check runs in: tens of
    thousands of files, sorted before hw0.py, once hid both files from the self-check."""
    (tmp_path / "hw0.py").write_text("x = 1\n")
    (tmp_path / "color_organ_learning.ipynb").write_text("{}")
    for venv in (tmp_path / ".venv", tmp_path / "env"):
        (venv / "lib").mkdir(parents=True)
        (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
        for i in range(MAX_FILES + 10):
            (venv / "lib" / f"m{i}.py").touch()
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "hw0-checkpoint.py").write_text("x = 2\n")
    started = time.monotonic()
    found = find(tmp_path)
    assert found.files == {"hw0.py": tmp_path / "hw0.py",
                           "color_organ_learning.ipynb": tmp_path / "color_organ_learning.ipynb"}
    assert found.notes == []
    assert time.monotonic() - started < 1.0  # the venvs were never walked


def test_files_nested_as_gradescope_or_a_zip_does_are_found(tmp_path: Path) -> None:
    nested = tmp_path / "my work" / "hw0"
    nested.mkdir(parents=True)
    (nested / "HW0 (1).py").write_text("x = 1\n")
    (tmp_path / "__MACOSX").mkdir()
    (tmp_path / "__MACOSX" / "hw0.py").write_text("raise SystemExit\n")
    found = find(tmp_path)
    assert found.files["hw0.py"] == nested / "HW0 (1).py"
    assert any("please name it exactly hw0.py" in n for n in found.notes)
