"""The sandbox's clean-up of what a worker left (engine/uids.py): nothing it cleans can break
it, and it never follows a link out of what it deletes; folder modes a killed grader left
locked are given back by the next one, and two graders on one machine give a folder back only
when both are done (engine/modes.py)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
from pathlib import Path

import pytest

from autograder import grade
from autograder.engine import uids
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


def _mode(folder: Path) -> int:
    return folder.stat().st_mode & 0o777


@pytest.mark.skipif(os.geteuid() != 0, reason="lock_down locks folders only as root")
@pytest.mark.parametrize("first_out", ["the other grader", "this grader"])
def test_two_graders_on_one_folder_give_it_back_only_when_both_are_done(
        tmp_path: Path, first_out: str) -> None:
    """CI once ran two gradings of one checkout at once (xdist): the first to end opened the
    project's folders while the other's student code still ran, and left the second's
    "before" at 700."""
    folder = tmp_path / "project"
    folder.mkdir()
    folder.chmod(0o755)
    (locked_r, locked_w), (release_r, release_w) = os.pipe(), os.pipe()
    pid = os.fork()
    if pid == 0:  # the other grader: locks, says so, ends when told (or when this one fails)
        os.close(release_w)
        changed = grade.lock_folders([folder])
        os.write(locked_w, b"x")
        os.read(release_r, 1)
        grade.restore(changed)
        os._exit(0)
    os.close(release_r)

    def other_ends() -> None:
        os.close(release_w)  # end of file: the other grader gives back and exits
        os.waitpid(pid, 0)

    try:
        os.read(locked_r, 1)
        assert _mode(folder) == 0o700
        mine = grade.lock_folders([folder])
        assert mine == {folder: 0o755}  # locked by a live grader: its mode, ours to give too
        if first_out == "the other grader":
            other_ends()
            assert _mode(folder) == 0o700  # this grader's student code still runs
            grade.restore(mine)
        else:
            grade.restore(mine)
            assert _mode(folder) == 0o700  # the other's still runs
            other_ends()
    finally:
        with contextlib.suppress(OSError):
            other_ends()
    assert _mode(folder) == 0o755
    assert not list(lock_dir().glob(f"modes-{pid}.json"))


@pytest.mark.skipif(os.geteuid() != 0, reason="lock_down locks folders only as root")
def test_a_lock_in_gradescopes_container_is_journaled_nowhere(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run_autograder in a test left its journal; another test's grader then took it for a
    killed grader's and opened the container's reference folder."""
    folder = tmp_path / "autograder" / "source" / "reference"
    folder.mkdir(parents=True)
    folder.chmod(0o755)
    monkeypatch.setattr(grade, "PROJECT_DIR", folder.parent)
    monkeypatch.setenv("AUTOGRADER_ROOT", str(tmp_path / "autograder"))
    pid = os.fork()
    if pid == 0:
        grade.lock_folders([folder])
        os._exit(0)
    os.waitpid(pid, 0)
    assert not list(lock_dir().glob(f"modes-{pid}.json"))
    monkeypatch.setenv("AUTOGRADER_ROOT", str(tmp_path / "elsewhere"))
    grade.restore(grade.lock_folders([tmp_path]))  # a grader elsewhere starts and ends
    assert _mode(folder) == 0o700


def _process_of(uid: int) -> int:
    """A sleeping process of `uid`, as a worker's child left behind would be."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgid(uid)
            os.setuid(uid)
            signal.pause()
        finally:
            os._exit(0)
    return pid


@pytest.mark.skipif(os.geteuid() != 0, reason="sandbox uids exist only as root")
def test_kill_all_works_after_each_worker_and_only_then(monkeypatch: pytest.MonkeyPatch) -> None:
    """A grade asked kill_all four times, each a fork of the grader (its CPU time): at each
    worker's end, at the grade's end and at the grader's. It works when the slot is new (a
    killed grader's leftovers: reclaim) or a worker started since, and while something is
    left; otherwise nothing of the uid can exist and it returns at once."""
    user = uids.SandboxUser()
    forks: list[int] = []
    real_fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or real_fork())
    try:
        leftover = _process_of(user.uid)  # before any worker of this grader: a dead one's
        user.kill_all()
        assert os.waitpid(leftover, 0)[1] == signal.SIGKILL
        forks.clear()
        user.kill_all()
        assert forks == []
        user.started()
        leftover = _process_of(user.uid)
        forks.clear()
        user.kill_all()
        assert os.waitpid(leftover, 0)[1] == signal.SIGKILL
        assert len(forks) == 1
        # what the clean-up could not delete is tried again by the next kill_all
        monkeypatch.setattr(uids, "_remove_owned", lambda uid: False)
        user.started()
        user.kill_all()
        user.kill_all()
        assert len(forks) == 3
    finally:
        user.release()
