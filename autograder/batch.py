"""Grading a whole folder of submissions (one subfolder each, as Gradescope exports them)."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Any

from autograder import results
from autograder.grade import INTERNAL_ERROR, Grader


def submissions(root: Path) -> list[Path]:
    """The submission folders directly under `root`, sorted by name."""
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def run(root: Path, out: Path) -> dict[str, dict[str, Any]]:
    """Grade every submission folder under `root` into out/<folder>/results.json.

    One failure of the grader on one submission is recorded for it and the batch goes on.
    """
    graded: dict[str, dict[str, Any]] = {}
    with Grader() as grader:
        folders = submissions(root)
        for i, folder in enumerate(folders, start=1):
            print(f"[{i}/{len(folders)}] {folder.name}", file=sys.stderr, flush=True)
            try:
                data = grader.grade(folder, extra_hidden=[root, out])
            except Exception:  # noqa: BLE001 - listed, never stops the batch
                traceback.print_exc()
                data = results.results([], INTERNAL_ERROR, 0.0)
            results.write(out / folder.name / "results.json", data)
            graded[folder.name] = data
    return graded
