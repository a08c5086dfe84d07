"""The tests' stamp: build-zip ships only a tree the test suite passed on.

A pytest session that runs the whole suite and passes writes the content hash of
autograder/ and reference/ (identity.content_hash, what results.json's extra_data records)
into build/tests-passed.json (gitignored). build-zip refuses a tree whose hash is not the
stamp's (an edit since the last passing run, or no run at all) unless given --force.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from autograder import identity

STAMP = Path(os.environ.get("HW0_TEST_STAMP", identity.PROJECT / "build" / "tests-passed.json"))


def write(passed: int) -> None:
    """Record that `passed` tests passed on the tree as it is now."""
    STAMP.parent.mkdir(parents=True, exist_ok=True)
    STAMP.write_text(json.dumps({"content": identity.content_hash(), "passed": passed}) + "\n")


def problem() -> str | None:
    """Why this tree is not known to pass the tests (None: the stamp matches it)."""
    content = identity.content_hash()
    try:
        stamped = json.loads(STAMP.read_text()).get("content")
    except (OSError, ValueError, AttributeError):
        return (f"no passing test run is recorded ({STAMP} is missing): run "
                "`.venv/bin/python -m pytest` first")
    if stamped != content:
        return (f"the tests last passed on content {stamped}, but autograder/ and reference/ "
                f"are now {content}: run `.venv/bin/python -m pytest` again")
    return None
