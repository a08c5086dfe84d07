"""Finding the two files in a submission folder, however Gradescope or a student nested them."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from autograder.checks import HW0_PY, NOTEBOOK
from autograder.engine.jail import BESIDE_FILES, read_beside, write_beside
from autograder.textsafe import one_line

IGNORED_DIRS = {"__MACOSX", "__pycache__", "site-packages", "node_modules"}
MAX_FILES = 5000
MAX_DEPTH = 20  # folders below the upload's: deeper ones are not searched (said when missed)
MAX_ENTRIES = 50_000  # names looked at in all: a tree of a million empty folders costs little
# What a name in the upload can be besides a file or a folder (lstat's kinds; links never followed).
ODD_KINDS = ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
             (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))


def _ignored(folder: Path) -> bool:
    """Folders that hold no student file: macOS litter, caches, hidden folders (.git,
    .ipynb_checkpoints, .venv) and any Python environment (a venv made beside the files, as
    the student kit's README has students do, holds tens of thousands of files)."""
    return (folder.name in IGNORED_DIRS or folder.name.startswith(".")
            or (folder / "pyvenv.cfg").is_file())


@dataclass
class Scan:
    """What a walk of an upload found: its regular files in a stable order, the names that
    are something else (path -> what it is: "a symbolic link", ...), and whether folders
    were left unsearched (deeper than MAX_DEPTH, or past MAX_ENTRIES names)."""

    files: list[Path] = field(default_factory=list)
    odd: dict[Path, str] = field(default_factory=dict)
    cut: bool = False


def scan(root: Path) -> Scan:
    """Walk `root` without recursion and without following a link: at most MAX_FILES files,
    MAX_DEPTH folders deep, MAX_ENTRIES names in all; ignored folders are not entered."""
    found, seen = Scan(), 0
    stack = [(root, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        subfolders = []
        for entry in entries:
            seen += 1
            if seen > MAX_ENTRIES:
                found.cut = True
                return found
            path = Path(entry.path)
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError:
                continue
            if stat.S_ISDIR(mode):
                if _ignored(path):
                    continue
                if depth >= MAX_DEPTH:
                    found.cut = True
                else:
                    subfolders.append((path, depth + 1))
            elif stat.S_ISREG(mode):
                if not entry.name.startswith("._"):
                    found.files.append(path)
                    if len(found.files) >= MAX_FILES:
                        return found
            else:
                found.odd[path] = next((k for test, k in ODD_KINDS if test(mode)), "not a file")
        stack += reversed(subfolders)  # depth first, in name order: os.walk's order
    return found


def _files(root: Path) -> list[Path]:
    """The files under `root` that could be a student's (scan)."""
    return scan(root).files


def beside(path: Path) -> list[Path]:
    """The other files in `path`'s folder and its subfolders (a helper module the notebook
    imports, a data file it reads), relative to that folder: what a kernel started there
    sees. Bounded by jail.BESIDE_FILES; ignored folders (caches, venvs) are left out."""
    folder = path.parent
    return [p.relative_to(folder) for p in _files(folder) if p != path][:BESIDE_FILES]


def stage(found: Found, root: Path, into: Path) -> dict[str, Path | None]:
    """Copy each found file, and the files beside it (`beside`, bounded as read_beside is),
    into `into` (a folder of the grader's, e.g. root-only) in the upload's layout; return the
    copies by expected name. Read once, links never followed, before any student code runs:
    the grader then reads only these, so code that swaps its own upload's files for links
    (in a folder the sandbox uid can write) gains nothing. A file that cannot be read, or
    became something else meanwhile, is treated as missing."""
    copies: dict[str, Path | None] = {}
    for name, path in found.files.items():
        copies[name] = None
        if path is None:
            continue
        copy = into / path.relative_to(root)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            with os.fdopen(fd, "rb") as f:
                if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                    continue
                data = f.read()
        except OSError:
            continue
        copy.parent.mkdir(parents=True, exist_ok=True)
        if not copy.exists():  # the other file's `beside` may have copied it already
            copy.write_bytes(data)
        write_beside(copy.parent, read_beside(path.parent, beside(path)))
        copies[name] = copy
    return copies


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


def find(root: Path, *names: str) -> Found:
    """Look under `root` (any depth) for `names` (default: hw0.py and the notebook)."""
    walk = scan(root)
    candidates = walk.files
    found = Found(files={})
    for expected in names or (HW0_PY, NOTEBOOK):
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
            found.notes.append(_missing(expected, root, walk))
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


def _missing(expected: str, root: Path, walk: Scan) -> str:
    """Why `expected` was not found, naming what the upload holds instead: the same name as
    a link, a pipe or a device (never followed or read), a zip (never unpacked), folders too
    deep to search."""
    text = f"{expected} was not found in your submission: its parts score 0."
    near = _near_miss(expected)
    for path, kind in walk.odd.items():
        if near.fullmatch(path.name):
            rel = one_line(str(path.relative_to(root)))  # the student's to name
            return (f"{expected} was not graded: {rel} in your submission is {kind}, not a "
                    f"file, so it was not read and its parts score 0. Upload the file itself.")
    zips = [one_line(str(p.relative_to(root))) for p in walk.files if p.suffix.lower() == ".zip"]
    if zips:
        text += (f" Your submission holds {', '.join(zips[:3])}: a zip inside the upload is "
                 f"not unpacked; upload {expected} itself.")
    if walk.cut:
        text += (f" Folders nested more than {MAX_DEPTH} deep, or past the first "
                 f"{MAX_ENTRIES:,} names, were not searched.")
    return f"{text} {hand_in(expected)}"
