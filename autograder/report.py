"""Results as a person reads them in a terminal (the student's self-check)."""

from __future__ import annotations

import sys
import textwrap
from typing import Any


def progress(step: str) -> None:
    """One line that rewrites itself while the checks run (only on a terminal)."""
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K  checking " + step[:70])
        sys.stderr.flush()


def table(data: dict[str, Any]) -> str:
    """A score table, then what to fix for each failed test."""
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K")
    tests = data["tests"]
    rows = [f"{'test':<58} {'part':<5} {'score':>9}", "-" * 74]
    for t in tests:
        mark = "ok " if t["status"] == "passed" else "FIX"
        rows.append(f"{mark} {t['name'][:54]:<54} {t['tags'][0]:<5} "
                    f"{t['score']:>4g} / {t['max_score']:<3g}")
    total = sum(t["max_score"] for t in tests)
    rows += ["-" * 74, f"{'public tests total':<64} {data['score']:>4g} / {total:g}"]
    failed = [t for t in tests if t["status"] != "passed"]
    if data.get("output"):
        rows += ["", data["output"]]
    for t in failed:
        rows += ["", f"== {t['name']}", textwrap.indent(t["output"], "   ")]
    if not failed:
        rows += ["", "Every public test passes. Hidden tests may still run on Gradescope."]
    return "\n".join(rows)
