"""Gradescope's results.json: building it, bounding it, writing it safely.

Bounds, whatever a submission prints, returns or raises: each test's output is at most
MAX_TEST_OUTPUT characters and the top-level output MAX_TOP_OUTPUT; the whole file, as
written, stays under MAX_BYTES (Gradescope cuts a results.json near 100,000 bytes, and a cut
file is no results at all): when the outputs together would pass it, the longest are
shortened, each to the same length, until it fits. Every text is cleaned once, here: ANSI
escape sequences removed, a carriage return rewriting its line as a terminal shows it, and
any other control character or lone surrogate replaced by U+FFFD (textsafe.clean), so the
file is valid UTF-8 JSON.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from autograder import mdtext, textsafe

MAX_TEST_OUTPUT = 4000  # characters
MAX_TOP_OUTPUT = 8000
MAX_BYTES = 95_000  # the whole results.json, under Gradescope's 100,000 with room to spare

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]")
# The repr IPython prints for an interact() widget where no browser shows it: noise, not output.
_WIDGET = re.compile(r"^\w+\(children=\(.*\n?", re.MULTILINE)
PRINTED_SHOWN = 2000  # characters of what a student's file printed, in the top-level output
PRINTED_READ = 65_536  # bytes read of it


def clean(text: str) -> str:
    """Text without terminal escape sequences; a carriage return rewrites its line, as on a
    terminal (progress bars such as tqdm's): each line keeps what was written after its last
    one; any other control character (newline and tab aside) or lone surrogate is U+FFFD."""
    text = _ANSI.sub("", text.replace("\r\n", "\n"))
    lines = (line.rstrip("\r").rsplit("\r", 1)[-1] for line in text.split("\n"))
    return textsafe.clean("\n".join(lines))


def cap(text: str, limit: int) -> str:
    """Text no longer than `limit`, saying so when it was cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 40] + f"\n... ({len(text) - limit + 40} more characters cut)"


def printed(raw: bytes, size: int) -> str:
    """What a student's file printed, as the feedback shows it: `raw` (the first bytes of the
    output file, `size` bytes in all) decoded (a broken UTF-8 sequence, or one cut at the
    end, as U+FFFD), cleaned (`clean`), without interact() widget reprs, cut at PRINTED_SHOWN
    characters with a line saying how much was printed in all."""
    text = _WIDGET.sub("", clean(raw.decode("utf-8", "replace"))).strip()
    if len(text) <= PRINTED_SHOWN and size <= len(raw):
        return text
    return text[:PRINTED_SHOWN] + f"\n... (cut here: {size:,} bytes were printed in all)"


def test_entry(number: str, title: str, part: str, score: float, max_score: float,
               output: str, visibility: str) -> dict[str, Any]:
    """One test. Its name is the title alone: Gradescope shows "number) name". A failed
    test's feedback goes in Markdown where it has shapes that read better so (mdtext.py)."""
    output = cap(clean(output), MAX_TEST_OUTPUT)
    md = mdtext.to_md(output) if score < max_score else None
    md = md if md and len(md) <= MAX_TEST_OUTPUT else None
    return {
        "name": title,
        "number": number,
        "score": score,
        "max_score": max_score,
        "status": "passed" if score >= max_score else "failed",
        "output": md or output,
        "output_format": "md" if md else "text",
        "tags": [part],
        "visibility": visibility,
    }


def label(test: dict[str, Any]) -> str:
    """A test as people read it outside Gradescope: "1.1 gd_step ..." (number, then name)."""
    return f"{test['number']} {test['name']}"


def results(tests: list[dict[str, Any]], output: str, execution_time: float,
            extra_data: dict[str, Any] | None = None) -> dict[str, Any]:
    data = {
        "score": round(sum(t["score"] for t in tests), 6),
        "execution_time": round(execution_time, 3),
        "output": cap(clean(output), MAX_TOP_OUTPUT),
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
    if extra_data:
        data["extra_data"] = extra_data
    return fit(data)


def size(data: dict[str, Any]) -> int:
    """Bytes of the file `write` makes of `data`."""
    return len(json.dumps(data, indent=2).encode()) + 1


def fit(data: dict[str, Any], limit: int = MAX_BYTES) -> dict[str, Any]:
    """`data` with the longest outputs cut to one common length, the largest that keeps the
    file under `limit` bytes. Lengths are counted as written (json escapes a non-ASCII
    character as up to 12 bytes), so the bound holds whatever the text."""
    texts = [data, *data["tests"]]
    lengths = [_encoded(t["output"]) for t in texts]
    budget = limit - (size(data) - sum(lengths)) - 100  # 100: a margin
    if sum(lengths) <= budget:
        return data
    lo, hi = 0, max(lengths)  # the largest common cut c with sum(min(length, c)) <= budget
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if sum(min(n, mid) for n in lengths) <= budget else (lo, mid - 1)
    for text, n in zip(texts, lengths, strict=True):
        if n > lo:
            text["output"] = _cut_to_bytes(text["output"], lo,
                                           text.get("output_format") == "md")
    return data


def _encoded(text: str) -> int:
    return len(json.dumps(text)) - 2


def _cut_to_bytes(text: str, limit: int, markdown: bool = False) -> str:
    """The longest prefix of `text` taking at most `limit` bytes in JSON, noted as cut. In
    Markdown a code block the cut leaves open is closed before the note, which would
    otherwise read as code."""
    note = "\n... (cut: the results are limited in size)"
    used, end = 0, 0
    budget = max(limit - _encoded(note), 0)
    for end, ch in enumerate(text):  # noqa: B007 - end is the cut's position
        used += _encoded(ch)
        if used > budget:
            break
    else:
        return text
    kept = text[:end]
    if markdown and (bar := mdtext.open_fence(kept)):
        kept = kept[: max(len(kept) - len(bar) - 1, 0)]  # room for the closing fence
        bar = mdtext.open_fence(kept)
        kept += f"\n{bar}" if bar else ""
    return kept + note


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
