"""The sandbox's clean-up of what a worker left (engine/uids.py): nothing it cleans can break
it, and it never follows a link out of what it deletes; folder modes a killed grader left
locked are given back by the next one (engine/modes.py)."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from autograder import grade
from autograder.engine.uids import MAX_OPEN, lock_dir, remove_tree
from tests.test_submission import folder_chain


def test_a_thousand_deep_chain_a_wide_folder_and_links_are_deleted_links_not_followed(
        tmp_path: Path) -> None:
    """A 1,000-deep chain left in /tmp once broke the clean-up (RecursionError in
    shutil.rmtree): every later submission of the batch scored 0."""
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "hw0.py").write_text("x = 1\n")
    left = tmp_path / "left"
    left.mkdir()
    folder_chain(left, 1000, "bottom.txt")
    for i in range(300):
        (left / f"wide{i}").mkdir()
        (left / f"wide{i}" / "f").write_text("x")
    (left / "to_kept").symlink_to(kept)
    (left / "d" / "to_kept_file").symlink_to(kept / "hw0.py")
    os.mkfifo(left / "fifo")
    assert remove_tree(left) is True
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept"]  # no moved piece is left
    assert (kept / "hw0.py").read_text() == "x = 1\n"


def test_the_budget_bounds_the_work_and_says_what_is_left(tmp_path: Path) -> None:
    left = tmp_path / "left"
    left.mkdir()
    folder_chain(left, 3 * MAX_OPEN, "bottom.txt")
    assert remove_tree(left, budget=MAX_OPEN) is False
    assert remove_tree(left) is True
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".hw0-removing-")] == []
    for piece in tmp_path.iterdir():  # the pieces cut from the chain, found by name
        assert remove_tree(piece) is True
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="lock_down locks folders only as root")
def test_modes_a_killed_grader_locked_are_given_back_by_the_next_one(tmp_path: Path) -> None:
    """A grader OOM-killed (or failing in its exit) once left the project's folders at 700."""
    folder, other = tmp_path / "project", tmp_path / "other"
    for f in (folder, other):
        f.mkdir()
        f.chmod(0o755)
    pid = os.fork()
    if pid == 0:  # a grader that locks, then is killed before restore()
        grade.lock_folders([folder])
        os.kill(os.getpid(), signal.SIGKILL)
    os.waitpid(pid, 0)
    assert folder.stat().st_mode & 0o777 == 0o700
    assert grade.lock_folders([other]) == {other: 0o755}  # the next grader starts
    assert folder.stat().st_mode & 0o777 == 0o755
    grade.restore({other: 0o755})
    assert other.stat().st_mode & 0o777 == 0o755
    # Nothing of these folders is left to restore: this process's journal holds at most what
    # another grader in it (a test's, under xdist) has locked and not yet given back.
    journal = lock_dir() / f"modes-{os.getpid()}.json"
    left = json.loads(journal.read_text()) if journal.exists() else {}
    assert not {str(folder), str(other)} & set(left), left
    assert not list(lock_dir().glob(f"modes-{pid}.json"))  # the killed grader's, taken over
