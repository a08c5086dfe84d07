"""Grading a whole class: every submission folder under a directory, in parallel.

Each pool process starts its own `Grader` (zygote first, then the checks), so a batch
costs one torch import per core, not per submission. A submission that crashes or hangs
costs its own deadlines only; one whose grading fails outright is listed and the batch goes
on. Gradescope's "Export Submissions" layout (one `submission_<id>/` folder each, next to
`submission_metadata.yml`) is such a directory.
"""

from __future__ import annotations

import csv
import multiprocessing
import multiprocessing.util
import os
import statistics
import sys
import traceback
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from autograder import results
from autograder.grade import INTERNAL_ERROR, Grader

_grader: Grader | None = None


def submissions(root: Path) -> list[Path]:
    """The submission folders directly under `root`, sorted by name."""
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def _start() -> None:
    """In each pool process: its grader, closed (zygote and workers waited for) at exit."""
    global _grader
    _grader = Grader()
    multiprocessing.util.Finalize(None, _grader.__exit__, exitpriority=10)


def _grade_one(folder: Path, root: Path, out: Path) -> dict[str, Any]:
    try:
        data = _grader.grade(folder, extra_hidden=[root, out])
    except Exception:  # noqa: BLE001 - listed, never stops the batch
        traceback.print_exc()
        data = results.results([], INTERNAL_ERROR, 0.0)
    results.write(out / folder.name / "results.json", data)
    return data


def run(root: Path, out: Path, jobs: int | None = None) -> dict[str, dict[str, Any]]:
    """Grade every submission folder under `root` into out/<folder>/results.json, then write
    scores.csv, summary.md and the plots. Returns folder name -> results."""
    folders = submissions(root)
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(folders) or 1))
    graded: dict[str, dict[str, Any]] = {}
    pending, attempts = list(folders), Counter()
    while pending:
        # fork: the pool processes start from this one, which has not loaded the checks
        with ProcessPoolExecutor(jobs, multiprocessing.get_context("fork"),
                                 initializer=_start) as pool:
            futures = {pool.submit(_grade_one, f, root, out): f for f in pending}
            try:
                for future in as_completed(futures):
                    folder = futures[future]
                    graded[folder.name] = future.result()
                    pending.remove(folder)
                    _progress(len(graded), len(folders), folder.name, graded[folder.name])
            except BrokenProcessPool:
                # A grader process died: never a student's doing (their code runs in
                # workers), so retry the unfinished once, then list them as not graded.
                attempts.update(pending)
                for folder in [f for f in pending if attempts[f] >= 2]:
                    graded[folder.name] = results.results([], INTERNAL_ERROR, 0.0)
                    results.write(out / folder.name / "results.json", graded[folder.name])
                    pending.remove(folder)
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    write_reports(graded, out)
    return graded


def _progress(done: int, total: int, name: str, data: dict[str, Any]) -> None:
    width = 30
    bar = "#" * (width * done // total) + "-" * (width - width * done // total)
    top = sum(t["max_score"] for t in data["tests"])
    line = f"[{bar}] {done}/{total}  {name}: {data['score']:g}/{top:g}"
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K" + line)
    else:
        sys.stderr.write(line + "\n")
    sys.stderr.flush()


# ---------------------------------------------------------------- reports


def part_scores(data: dict[str, Any]) -> dict[str, float]:
    scores: dict[str, float] = {}
    for t in data["tests"]:
        scores[t["tags"][0]] = scores.get(t["tags"][0], 0.0) + t["score"]
    return scores


def write_reports(graded: dict[str, dict[str, Any]], out: Path) -> None:
    """scores.csv (one row per submission), summary.md and two PNG plots."""
    out.mkdir(parents=True, exist_ok=True)
    parts = sorted({t["tags"][0] for d in graded.values() for t in d["tests"]},
                   key=lambda p: (p[1], p))
    with open(out / "scores.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["submission", "total", *parts])
        for name, data in sorted(graded.items()):
            scores = part_scores(data)
            writer.writerow([name, data["score"], *(scores.get(p, 0.0) for p in parts)])
    (out / "summary.md").write_text(summary(graded, parts))
    plots(graded, parts, out)


def summary(graded: dict[str, dict[str, Any]], parts: list[str]) -> str:
    totals = [d["score"] for d in graded.values()]
    lines = [f"# Batch summary: {len(graded)} submissions", ""]
    if totals:
        lines += [f"Total: mean {statistics.mean(totals):.2f}, median "
                  f"{statistics.median(totals):.2f}, min {min(totals):g}, max {max(totals):g}",
                  ""]
    lines += ["| part | mean | median | full marks |", "| --- | --- | --- | --- |"]
    for part in parts:
        scores = [part_scores(d).get(part, 0.0) for d in graded.values()]
        top = max((sum(t["max_score"] for t in d["tests"] if t["tags"][0] == part)
                   for d in graded.values()), default=0)
        full = sum(s >= top for s in scores)
        lines.append(f"| {part} | {statistics.mean(scores):.2f} | "
                     f"{statistics.median(scores):.2f} | {full}/{len(scores)} |")
    failures = Counter(f"{t['number']}: {t['output'].splitlines()[0][:120] if t['output'] else ''}"
                       for d in graded.values() for t in d["tests"] if t["status"] == "failed")
    lines += ["", "## Commonest failure messages", ""]
    lines += [f"- {count} x {message}" for message, count in failures.most_common(15)]
    broken = [n for n, d in graded.items() if not d["tests"]]
    if broken:
        lines += ["", "## Not graded (the grader failed; see its log)", ""]
        lines += [f"- {n}" for n in broken]
    return "\n".join(lines) + "\n"


def plots(graded: dict[str, dict[str, Any]], parts: list[str], out: Path) -> None:
    """totals.png (histogram of totals) and pass_rate.png (full marks per part)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    totals = [d["score"] for d in graded.values()]
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.hist(totals, bins=min(30, max(5, len(totals) // 2)), color="#3b6ea5", edgecolor="white")
    ax.set_xlabel("total score")
    ax.set_ylabel("submissions")
    ax.set_title(f"Totals over {len(totals)} submissions")
    fig.tight_layout()
    fig.savefig(out / "totals.png", dpi=120)
    plt.close(fig)

    rates = []
    for part in parts:
        full = 0
        for d in graded.values():
            tests = [t for t in d["tests"] if t["tags"][0] == part]
            full += bool(tests) and all(t["status"] == "passed" for t in tests)
        rates.append(100 * full / max(len(graded), 1))
    fig, ax = plt.subplots(figsize=(max(7, 0.45 * len(parts)), 4))
    ax.bar(parts, rates, color="#5a9e6f")
    ax.set_ylim(0, 100)
    ax.set_ylabel("% with full marks")
    ax.set_title("Pass rate per part")
    ax.tick_params(axis="x", rotation=60)
    fig.tight_layout()
    fig.savefig(out / "pass_rate.png", dpi=120)
    plt.close(fig)
