"""Finding the two files in a submission folder, however Gradescope or a student nested them."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from autograder.checks import HW0_PY, NOTEBOOK
from autograder.engine.jail import BESIDE_FILES
from autograder.textsafe import one_line

IGNORED_DIRS = {"__MACOSX", "__pycache__", "site-packages", "node_modules"}
MAX_FILES = 5000


def _ignored(folder: Path) -> bool:
    """Folders that hold no student file: macOS litter, caches, hidden folders (.git,
    .ipynb_checkpoints, .venv) and any Python environment (a venv made beside the files, as
    the student kit's README has students do, holds tens of thousands of files)."""
    return (folder.name in IGNORED_DIRS or folder.name.startswith(".")
            or (folder / "pyvenv.cfg").is_file())


def _files(root: Path) -> list[Path]:
    """The files under `root` that could be a student's, in a stable order, at most
    MAX_FILES; ignored folders are not entered at all."""
    found: list[Path] = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not _ignored(Path(folder, d)))
        for name in sorted(names):
            path = Path(folder, name)
            if not name.startswith("._") and path.is_file() and not path.is_symlink():
                found.append(path)
                if len(found) >= MAX_FILES:
                    return found
    return found


def beside(path: Path) -> list[Path]:
    """The other files in `path`'s folder and its subfolders (a helper module the notebook
    imports, a data file it reads), relative to that folder: what a kernel started there
    sees. Bounded by jail.BESIDE_FILES; ignored folders (caches, venvs) are left out."""
    folder = path.parent
    return [p.relative_to(folder) for p in _files(folder) if p != path][:BESIDE_FILES]


def hand_in(name: str) -> str:
    """What to do about a missing file. "Upload" is Gradescope's word; a check on the
    student's computer (the kit, `python -m autograder check`) has them save it."""
    from autograder.grade import in_gradescope  # grade imports this module

    where = "to Gradescope" if in_gradescope() else "in the folder checked"
    return f"{'Upload' if in_gradescope() else 'Save'} a file named exactly {name} {where}."


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


def find(root: Path, *names: str, named: Path | None = None) -> Found:
    """Look under `root` (any depth) for `names` (default: hw0.py and the notebook).
    `named`: a file the student named (the kit's `python -m hw0_selfcheck FILE`), graded as
    the expected file of its kind, whatever else the folder holds."""
    candidates = _files(root)
    found = Found(files={})
    for expected in names or (HW0_PY, NOTEBOOK):
        if named is not None and named.suffix.lower() == Path(expected).suffix:
            found.files[expected] = named
            continue
        exact = [p for p in candidates if p.name == expected]
        near = [p for p in candidates if _near_miss(expected).fullmatch(p.name)]
        # No such name, but exactly one file of the kind: surely the one meant.
        only = [p for p in candidates if p.suffix.lower() == Path(expected).suffix]
        only = only if len(only) == 1 and not (exact or near) else []
        chosen = min(exact or near or only, key=lambda p: (len(p.parts), str(p)), default=None)
        found.files[expected] = chosen
        # Paths are the student's to name: each on one line, so none starts a line of feedback.
        rel = one_line(str(chosen.relative_to(root))) if chosen else None
        if chosen is None:
            found.notes.append(f"{expected} was not found in your submission: its parts score 0. "
                               f"{hand_in(expected)}")
        elif chosen.name != expected:
            found.notes.append(f"Graded {rel} as {expected}; please name it exactly {expected} "
                               "next time.")
        # Every other candidate is named, a copy's name too (Colab's "Copy of ..."): the one
        # the student worked in may be the one not graded.
        others = [one_line(str(p.relative_to(root))) for p in near if p != chosen]
        if chosen is not None and others:
            listed = ", ".join(others[:5]) + (f" and {len(others) - 5} more"
                                             if len(others) > 5 else "")
            found.notes.append(f"Several files could be {expected}: graded {rel}, not "
                               f"{listed} (a file named exactly {expected} comes first, then "
                               "the one in the folder nearest the top, then the first by "
                               "name). If you meant another, keep only that one, named "
                               f"exactly {expected}.")
    return found
