"""Which grader produced a results.json: its version, a hash of its content, its packages.

Written into results.json's `extra_data` (Gradescope keeps it, students do not see it), so a
score can be traced to the grader and the image that gave it, and `batch` and `diff` can say
when two outputs come from different graders. The same on every grading by one grader: no
time, host or path in it.
"""

from __future__ import annotations

import hashlib
import platform
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import autograder

PROJECT = Path(autograder.__file__).resolve().parents[1]
HASHED = ("autograder", "reference")  # what decides a score: the checks and the answers
KEY_PACKAGES = ("numpy", "torch", "sympy", "hypothesis", "ipython")
# In Gradescope's zip: the content hash of the tree it was built from (build-zip writes it).
# The zip holds only the grade path of autograder/, whose own hash would differ from the
# checkout's: with this, Gradescope's results and a batch from that checkout name one grader.
BUILT_FROM = Path(autograder.__file__).with_name("built_from.txt")


def content_hash(root: Path = PROJECT, folders: tuple[str, ...] = HASHED) -> str:
    """sha256 (first 16 hex digits) over the relative path and bytes of every file under
    `folders`, caches left out: equal for two copies of the same tree, wherever they are."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted((root / folder).rglob("*")):
            if (path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
                    and path != BUILT_FROM):
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _version(package: str) -> str:
    try:
        return version(package).split("+")[0]
    except PackageNotFoundError:
        return "missing"


@cache
def grader() -> dict[str, Any]:
    """The grader's identity, as results.json's extra_data["grader"] carries it."""
    return {
        "version": autograder.__version__,
        "content": (BUILT_FROM.read_text(encoding="utf-8").strip() if BUILT_FROM.is_file()
                    else content_hash()),
        "python": platform.python_version(),
        "packages": {name: _version(name) for name in KEY_PACKAGES},
    }


def of(results: dict[str, Any]) -> dict[str, Any] | None:
    """The grader identity a results.json records (None: not recorded)."""
    extra = results.get("extra_data")
    return extra.get("grader") if isinstance(extra, dict) else None


def describe(ident: dict[str, Any] | None) -> str:
    """A grader identity in one line, for staff reports."""
    if not ident:
        return "unrecorded grader"
    packages = ", ".join(f"{k} {v}" for k, v in sorted(ident.get("packages", {}).items()))
    return (f"grader {ident.get('version')} content {ident.get('content')} "
            f"(Python {ident.get('python')}; {packages})")


def graders(out: Path) -> dict[str, list[str]]:
    """The graders behind a batch output: describe(identity) -> its submission folders."""
    import json

    found: dict[str, list[str]] = {}
    for path in sorted(out.glob("*/results.json")):
        try:
            ident = of(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, AttributeError):
            ident = None
        found.setdefault(describe(ident), []).append(path.parent.name)
    return found


def mixed(out: Path) -> list[str]:
    """Lines warning that a batch output holds results of more than one grader (a regrade
    with --only after a change), naming each grader and how many submissions it graded;
    none when one grader graded them all."""
    found = graders(out)
    if len(found) <= 1:
        return []
    lines = [f"Warning: {out} holds results from {len(found)} different graders:"]
    lines += [f"  {len(names)} submission(s), e.g. {names[0]}: {who}"
              for who, names in found.items()]
    return lines
