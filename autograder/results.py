"""Gradescope's results.json: building it, capping it, writing it safely."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

MAX_TEST_OUTPUT = 4000  # characters; Gradescope truncates the whole file near 100,000
MAX_TOP_OUTPUT = 8000


def cap(text: str, limit: int) -> str:
    """Text no longer than `limit`, saying so when it was cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 40] + f"\n... ({len(text) - limit + 40} more characters cut)"


def test_entry(number: str, title: str, part: str, score: float, max_score: float,
               output: str, visibility: str) -> dict[str, Any]:
    return {
        "name": f"{number} {title}",
        "number": number,
        "score": score,
        "max_score": max_score,
        "status": "passed" if score >= max_score else "failed",
        "output": cap(output, MAX_TEST_OUTPUT),
        "output_format": "text",
        "tags": [part],
        "visibility": visibility,
    }


def results(tests: list[dict[str, Any]], output: str, execution_time: float) -> dict[str, Any]:
    return {
        "score": round(sum(t["score"] for t in tests), 6),
        "execution_time": round(execution_time, 3),
        "output": cap(output, MAX_TOP_OUTPUT),
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def write(path: Path, data: dict[str, Any]) -> None:
    """Write atomically: a temporary file in the same folder, then a rename over the target
    (a symlink planted at the target is replaced, never followed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".results-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
