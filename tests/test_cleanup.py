"""The sandbox's clean-up of what a worker left (engine/uids.py): nothing it cleans can break
it, and it never follows a link out of what it deletes."""

from __future__ import annotations

import os
from pathlib import Path

from autograder.engine.uids import MAX_OPEN, remove_tree
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
