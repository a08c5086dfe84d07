"""A class graded on several machines: `batch --shard K/N` grades the K-th of N slices of
the export, `merge` joins the slices' output folders into one.

The slices are deterministic and depend on the export alone: submissions sorted by their
id (the digits of `submission_<id>`, then the folder name), the K-th slice taking every
N-th from the K-th on, so every machine that reads the same export grades a disjoint slice
of about the same size, and the N slices together are the whole export. The merged folder
holds every slice's `<submission>/` folders; its scores.csv, summary.md and plots are
rebuilt from them (reports.write), so they are what one batch of the whole export writes.
"""

from __future__ import annotations

import filecmp
import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from autograder.staff.export import NotAnExport

T = TypeVar("T")
SPEC = re.compile(r"(\d+)/(\d+)")


def parse(spec: str) -> tuple[int, int]:
    """"K/N" -> (K, N), 1 <= K <= N. Raises ValueError saying what to give otherwise."""
    match = SPEC.fullmatch(spec.strip())
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise ValueError(f"--shard {spec!r}: give K/N with 1 <= K <= N, e.g. 2/8 for the "
                         "second of eight slices (a scheduler's 0-based index is K - 1).")
    return int(match.group(1)), int(match.group(2))


def submission_order(name: str) -> tuple[int, str]:
    """Sort key of a submission folder: its numeric id, then its name."""
    digits = re.sub(r"\D", "", name)
    return int(digits) if digits else -1, name


def select(items: Sequence[T], names: Sequence[str], k: int, n: int) -> list[T]:
    """The K-th of N slices of `items` (each named by `names`, a submission folder name)."""
    order = sorted(range(len(items)), key=lambda i: submission_order(names[i]))
    return [items[i] for i in sorted(order[k - 1::n])]


def merge(outs: Sequence[Path], into: Path) -> list[str]:
    """Copy every `<submission>/` folder of the batch outputs `outs` into `into`. Returns
    the submission folder names copied. Raises NotAnExport when an output holds no graded
    submission, or when two outputs hold the same submission with different results (a
    submission graded twice by different graders: regrade it, don't pick one)."""
    copied: dict[str, Path] = {}
    for out in outs:
        found = sorted(p.parent for p in out.glob("*/results.json"))
        if not found:
            raise NotAnExport(f"{out} holds no graded submission (<submission>/results.json)"
                              ": give the output folders of `batch --shard`.")
        for folder in found:
            if folder.name in copied:
                if not _same(copied[folder.name], folder):
                    raise NotAnExport(f"{folder.name} is in {copied[folder.name].parent} and "
                                      f"in {out} with different results: regrade it with "
                                      "`batch --only` rather than pick one.")
                continue
            copied[folder.name] = folder
            shutil.copytree(folder, into / folder.name, dirs_exist_ok=True)
    return sorted(copied)


def _same(a: Path, b: Path) -> bool:
    files = sorted(p.name for p in a.iterdir())
    return files == sorted(p.name for p in b.iterdir()) and all(
        filecmp.cmp(a / f, b / f, shallow=False) for f in files if f != "results.json"
    ) and _without_time(a / "results.json") == _without_time(b / "results.json")


def _without_time(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("execution_time", None)
    return data
