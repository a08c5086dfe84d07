"""Finding the two files in a submission folder, however Gradescope or a student nested them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from autograder.checks import HW0_PY, NOTEBOOK

IGNORED_DIRS = {"__MACOSX", ".ipynb_checkpoints", "__pycache__", ".git"}
MAX_FILES = 5000


@dataclass
class Found:
    """The file graded for each expected name (None: missing), and notes for the student."""

    files: dict[str, Path | None]
    notes: list[str] = field(default_factory=list)


def _near_miss(expected: str) -> re.Pattern[str]:
    """`HW0.py`, `hw0 (1).py`, `hw0-2.py`, `color_organ_learning (1).ipynb`, Colab's `Copy of
    color_organ_learning.ipynb`: the expected name up to case, with a copy prefix or suffix."""
    stem, suffix = expected.rsplit(".", 1)
    return re.compile(rf"(copy of\s+)?{re.escape(stem)}[\s_-]*(\(\d+\)|\d+|copy)?\.{suffix}",
                      re.IGNORECASE)


def find(root: Path) -> Found:
    """Look under `root` (any depth) for hw0.py and the notebook."""
    candidates: list[Path] = []
    for path in sorted(root.rglob("*")):
        if len(candidates) >= MAX_FILES:
            break
        rel = path.relative_to(root)
        if any(part in IGNORED_DIRS or part.startswith("._") for part in rel.parts):
            continue
        if path.is_file() and not path.is_symlink():
            candidates.append(path)
    found = Found(files={})
    for expected in (HW0_PY, NOTEBOOK):
        exact = [p for p in candidates if p.name == expected]
        near = [p for p in candidates if _near_miss(expected).fullmatch(p.name)]
        # No such name, but exactly one file of the kind: surely the one meant.
        only = [p for p in candidates if p.suffix.lower() == Path(expected).suffix]
        only = only if len(only) == 1 and not (exact or near) else []
        chosen = min(exact or near or only, key=lambda p: (len(p.parts), str(p)), default=None)
        found.files[expected] = chosen
        rel = chosen.relative_to(root) if chosen else None
        if chosen is None:
            found.notes.append(f"{expected} was not found in your submission: its parts score 0. "
                               f"Upload a file named exactly {expected}.")
        elif chosen.name != expected:
            found.notes.append(f"Graded {rel} as {expected}; please name it exactly {expected} "
                               "next time.")
        if len(exact or near) > 1:
            found.notes.append(f"Several files could be {expected}; graded {rel}.")
    return found
