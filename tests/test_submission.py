"""Finding the two files in an upload or a student's folder (engine/submission.py)."""

from __future__ import annotations

import os
import socket
import time
import zipfile
from pathlib import Path

from autograder.engine.submission import MAX_DEPTH, MAX_FILES, beside, find
from autograder.engine.uids import remove_tree


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


def test_several_candidates_name_the_one_graded_and_the_ones_left(tmp_path: Path) -> None:
    """A student who kept an old copy in a subfolder reads which one was graded and which
    were not, so they can tell whether it was the one they meant."""
    (tmp_path / "old").mkdir()
    for path in ("hw0.py", "old/hw0.py", "old/HW0 (1).py"):
        (tmp_path / path).write_text("x = 1\n")
    found = find(tmp_path, "hw0.py")
    assert found.files["hw0.py"] == tmp_path / "hw0.py"
    note = next(n for n in found.notes if n.startswith("Several files could be hw0.py"))
    assert "graded hw0.py, not old/HW0 (1).py, old/hw0.py (" in note


def test_a_colab_copy_beside_the_exact_name_is_named_though_not_graded(tmp_path: Path) -> None:
    """The untouched template under the exact name and the solved notebook as Colab's "Copy
    of ...": the exact name is graded, and the note says the copy was not, so a student who
    lost Q5 sees why (it was graded silently, and every Q5 part said "still None")."""
    for name in ("color_organ_learning.ipynb", "Copy of color_organ_learning.ipynb"):
        (tmp_path / name).write_text("{}")
    found = find(tmp_path, "color_organ_learning.ipynb")
    assert found.files["color_organ_learning.ipynb"] == tmp_path / "color_organ_learning.ipynb"
    assert any("not Copy of color_organ_learning.ipynb" in n for n in found.notes), found.notes


def test_a_tie_at_one_depth_is_broken_by_name_and_says_so(tmp_path: Path) -> None:
    for path in ("b/hw0.py", "a/hw0.py"):
        (tmp_path / path).parent.mkdir()
        (tmp_path / path).write_text("x = 1\n")
    found = find(tmp_path, "hw0.py")
    assert found.files["hw0.py"] == tmp_path / "a" / "hw0.py"
    note = next(n for n in found.notes if n.startswith("Several files"))
    assert "graded a/hw0.py, not b/hw0.py" in note and "then the first by name" in note


def folder_chain(top: Path, depth: int, file: str) -> None:
    """`depth` nested folders named d under `top` (past PATH_MAX: made through descriptors),
    `file` ("{}") in the deepest."""
    fd = os.open(top, os.O_RDONLY)
    for _ in range(depth):
        os.mkdir("d", dir_fd=fd)
        fd, old = os.open("d", os.O_RDONLY, dir_fd=fd), fd
        os.close(old)
    os.close(os.open(file, os.O_WRONLY | os.O_CREAT, dir_fd=fd))
    os.close(fd)


def test_a_thousand_nested_folders_are_searched_without_recursion_to_a_bound(
        tmp_path: Path) -> None:
    """A chain of ~1,000 empty folders once raised RecursionError in the search (os.walk
    recursed) and results.json held no tests at all."""
    (tmp_path / "hw0.py").write_text("x = 1\n")
    (tmp_path / "deep").mkdir()
    folder_chain(tmp_path / "deep", 1000, "color_organ_learning.ipynb")
    found = find(tmp_path)
    assert found.files == {"hw0.py": tmp_path / "hw0.py", "color_organ_learning.ipynb": None}
    assert [n for n in found.notes if f"more than {MAX_DEPTH} deep" in n
            and n.startswith("color_organ_learning.ipynb was not found")]
    folder_chain(tmp_path, MAX_DEPTH, "color_organ_learning.ipynb")  # at the bound: found
    assert find(tmp_path).files["color_organ_learning.ipynb"] == (
        tmp_path / ("d/" * MAX_DEPTH) / "color_organ_learning.ipynb")
    remove_tree(tmp_path / "deep")  # pytest's own clean-up recurses


def test_links_pipes_and_sockets_are_named_never_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.py"
    secret.write_text("ANSWER = 42\n")
    upload = tmp_path / "upload"
    upload.mkdir()
    (upload / "hw0.py").symlink_to(secret)
    (upload / "linked").symlink_to(tmp_path, target_is_directory=True)  # a link to a folder
    os.mkfifo(upload / "color_organ_learning.ipynb")
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(upload / "helper.py"))
        found = find(upload)
        assert found.files == {"hw0.py": None, "color_organ_learning.ipynb": None}
        hw0, nb = found.notes
        assert "hw0.py in your submission is a symbolic link" in hw0
        assert "Upload the file itself" in hw0
        assert "color_organ_learning.ipynb in your submission is a named pipe (FIFO)" in nb
        (upload / "notebook.ipynb").write_text("{}")
        assert beside(upload / "notebook.ipynb") == []  # no link, pipe or socket is offered


def test_a_zip_in_the_upload_is_named_where_the_file_is_missing(tmp_path: Path) -> None:
    (tmp_path / "hw0.py").write_text("x = 1\n")
    with zipfile.ZipFile(tmp_path / "HW0 submission.zip", "w") as z:
        z.writestr("color_organ_learning.ipynb", "{}")
    (note,) = find(tmp_path).notes
    assert note.startswith("color_organ_learning.ipynb was not found")
    assert "HW0 submission.zip: a zip inside the upload is not unpacked" in note
