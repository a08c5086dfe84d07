"""Shared fixtures: the whole corpus graded once, by the real CLI, in one batch run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
HOSTILE = PROJECT / "tests" / "corpus" / "hostile"
HOSTILE_CASES = sorted(p.name for p in HOSTILE.iterdir() if (p / "expect.json").exists())
FILES = ("hw0.py", "color_organ_learning.ipynb")


def run_cli(*args: object, env: dict[str, str] | None = None,
            timeout: float = 900) -> subprocess.CompletedProcess:
    """python -m autograder ARGS, as a user would run it."""
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], cwd=PROJECT,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def part_scores(results: dict) -> dict[str, float]:
    """Total score per part id."""
    scores: dict[str, float] = {}
    for t in results["tests"]:
        scores[t["tags"][0]] = scores.get(t["tags"][0], 0.0) + t["score"]
    return scores


def part_max(results: dict) -> dict[str, float]:
    scores: dict[str, float] = {}
    for t in results["tests"]:
        scores[t["tags"][0]] = scores.get(t["tags"][0], 0.0) + t["max_score"]
    return scores


def copy_reference(dest: Path, source: Path = PROJECT / "reference") -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        if (source / name).exists():
            shutil.copy(source / name, dest / name)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """name -> results.json of: reference, template, every hostile case and a few odd
    layouts, graded by `python -m autograder batch` in one run. (The mutants are graded by
    `python -m autograder verify`: tests/test_verify.py.)"""
    root = tmp_path_factory.mktemp("submissions")
    copy_reference(root / "reference")
    copy_reference(root / "template", PROJECT / "student_template")
    for name in HOSTILE_CASES:
        shutil.copytree(HOSTILE / name, root / f"hostile-{name}",
                        ignore=shutil.ignore_patterns("expect.json"))
    nested = root / "layout-nested-near-miss" / "my work" / "hw0"
    nested.mkdir(parents=True)
    shutil.copy(PROJECT / "reference" / "hw0.py", nested / "HW0 (1).py")
    (root / "layout-nested-near-miss" / "__MACOSX").mkdir()
    (root / "layout-nested-near-miss" / "__MACOSX" / "hw0.py").write_text("raise SystemExit")
    (root / "layout-empty").mkdir()
    out = tmp_path_factory.mktemp("results")
    started = time.monotonic()
    done = run_cli("batch", root, "-o", out)
    assert done.returncode == 0, done.stderr[-3000:]
    graded = {p.parent.name: json.loads(p.read_text()) for p in out.glob("*/results.json")}
    graded["_seconds"] = time.monotonic() - started
    graded["_out"] = out
    return graded
