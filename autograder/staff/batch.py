"""Grading a whole class: Gradescope's export (folder or zip), in parallel, into one folder.

Each pool process starts its own `Grader` (zygote first, then the checks), so a batch
costs one torch import per core, not per submission. A submission that crashes or hangs
costs its own deadlines only; one whose grading fails outright is listed and the batch goes
on. A pool process that dies (killed at the memory limit) costs only the submissions it was
grading, which are graded again alone; the others never lose a mark. The export's layout
and metadata: export.py; what staff read afterwards: reports.py.
"""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.util
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from autograder import grade, identity, results
from autograder.grade import INTERNAL_ERROR, Grader
from autograder.staff import export, reports, shards
from autograder.staff.export import NotAnExport
from autograder.textsafe import clean, terminal

_grader: Grader | None = None
IN_FLIGHT = ".grading"  # in out/<submission>/ while a pool process grades it


def _start() -> None:
    """In each pool process: its grader, closed (zygote and workers waited for) at exit."""
    global _grader
    _grader = Grader()
    multiprocessing.util.Finalize(None, _grader.__exit__, exitpriority=10)


def _grade_one(folder: Path, root: Path, out: Path) -> dict[str, Any]:
    marker = out / folder.name / IN_FLIGHT  # if this process dies, the batch knows whose it was
    marker.touch()
    try:
        data = _grader.grade(folder, extra_hidden=[root, out]) if _zygote_alive() else None
    except Exception:  # noqa: BLE001 - listed, never stops the batch
        traceback.print_exc()
        data = results.results([], INTERNAL_ERROR, 0.0)
    if data is None or not _zygote_alive():
        # Killed at the memory limit (by the submission graded before, or this one): this
        # grade is not the student's work. The pool breaks and the batch grades it again alone.
        os._exit(70)
    results.write(out / folder.name / "results.json", data)
    marker.unlink()
    return data


def _zygote_alive() -> bool:
    """Whether this pool process's zygote (its child) still runs."""
    try:
        return os.waitpid(_grader.zygote.pid, os.WNOHANG)[0] == 0
    except ChildProcessError:
        return False


def run(source: Path, out: Path, jobs: int | None = None,
        only: list[str] | None = None,
        shard: tuple[int, int] | None = None) -> dict[str, dict[str, Any]]:
    """Grade the export at `source` (its folder or zip) into out/<submission>/results.json,
    with who submitted it in out/<submission>/submitters.json; `only` grades just those
    submission folders, `shard` (K, N) the K-th of N slices of them (shards.py). Then
    rebuild scores.csv, summary.md and the plots from everything in `out`. Returns
    submission folder -> results of those graded now. Raises NotAnExport when `source`
    holds no submission folders or `only` names one it lacks."""
    with export.opened(source) as root:
        chosen = _select(export.submissions(root), only)
        slice_note = ""
        if shard:
            total = len(chosen)
            chosen = shards.select(chosen, [s.folder.name for s in chosen], *shard)
            slice_note = f", slice {shard[0]} of {shard[1]} of the {total}"
        where = root if source.is_dir() else f"{source}, unzipped"
        print(f"export: {where} ({len(chosen)} submission folders to grade{slice_note})",
              file=sys.stderr)
        out.mkdir(parents=True, exist_ok=True)
        for s in chosen:
            who = {"submitters": [asdict(p) for p in s.submitters],
                   "created_at": s.created_at, "note": s.note}
            (out / s.folder.name).mkdir(exist_ok=True)
            (out / s.folder.name / reports.SUBMITTERS).write_text(json.dumps(who, indent=1))
        # Lock our folders once for the whole pool; the graders then find them locked.
        modes = grade.lock_down(grade.protected_paths(root, [out]))
        modes.update(grade.lock_folders([root, out]))  # other students' work
        try:
            graded = _grade_all([s.folder for s in chosen], root, out, jobs)
        finally:
            grade.restore(modes)
    reports.write(out)
    for line in identity.mixed(out):  # e.g. --only after the grader changed
        print(line, file=sys.stderr)
    return graded


def _select(found: list[export.Submission], only: list[str] | None) -> list[export.Submission]:
    if not only:
        return found
    by_name = {s.folder.name: s for s in found}
    wanted = [name if name in by_name else f"submission_{name}" for name in only]
    unknown = [name for name, w in zip(only, wanted, strict=True) if w not in by_name]
    if unknown:
        raise NotAnExport(f"not in the export: {', '.join(unknown)} (give submission folder "
                          "names, e.g. submission_123).")
    return [by_name[w] for w in dict.fromkeys(wanted)]


def _grade_all(folders: list[Path], root: Path, out: Path,
               jobs: int | None) -> dict[str, dict[str, Any]]:
    """Grade `folders` in a pool of `jobs` processes. When a pool process dies (the memory
    limit's OOM killer, a grader fault), only the submissions it was grading are suspects:
    each is graded again alone in a pool of its own (twice at most, then written as the
    grader's error); the others go on in a new pool. No score comes from another's failure."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(folders)))
    graded: dict[str, dict[str, Any]] = {}
    with progress(len(folders)) as advance:
        queue = list(folders)
        while queue:
            suspects = _pool(queue, jobs, root, out, graded, advance)
            queue = [f for f in queue if f.name not in graded and f not in suspects]
            for folder in suspects:
                for _ in range(2):
                    if not _pool([folder], 1, root, out, graded, advance):
                        break
                else:
                    graded[folder.name] = results.results([], INTERNAL_ERROR, 0.0)
                    results.write(out / folder.name / "results.json", graded[folder.name])
                    advance(folder.name, graded[folder.name])
    return graded


def _pool(folders: list[Path], jobs: int, root: Path, out: Path,
          graded: dict[str, dict[str, Any]],
          advance: Callable[[str, dict[str, Any]], None]) -> list[Path]:
    """Grade `folders` in one pool into `graded`; return [] when it finished, else the
    submissions its processes were grading when one died (all left, if none was)."""
    # fork: the pool processes start from this one, which has not loaded the checks
    with ProcessPoolExecutor(jobs, multiprocessing.get_context("fork"),
                             initializer=_start) as pool:
        futures = {pool.submit(_grade_one, f, root, out): f for f in folders}
        try:
            for future in as_completed(futures):
                folder = futures[future]
                graded[folder.name] = future.result()
                advance(folder.name, graded[folder.name])
            return []
        except BrokenProcessPool:
            pass
    # The pool is gone: what the dead grader's submission left running or stored (processes,
    # files, memory) is cleaned up before the next pool starts, as that grader would have.
    from autograder.engine.uids import reclaim

    reclaim()
    left = [f for f in folders if f.name not in graded]
    flying = [f for f in left if (out / f.name / IN_FLIGHT).exists()]
    for f in flying:
        (out / f.name / IN_FLIGHT).unlink()
    return flying or left


@contextmanager
def progress(total: int) -> Iterator[Callable[[str, dict[str, Any]], None]]:
    """A rich progress bar on a terminal; one plain line per submission when piped."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    console = Console(stderr=True)
    if not console.is_terminal:
        done = 0

        def line(name: str, data: dict[str, Any]) -> None:
            nonlocal done
            done += 1
            print(clean(f"{done}/{total} {name}: {_score(data)}"), file=sys.stderr, flush=True)

        yield line
        return
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("grading", total=total)

        def advance(name: str, data: dict[str, Any]) -> None:
            bar.console.print(terminal(f"{name}: {_score(data)}"))  # a name is not markup
            bar.advance(task)

        yield advance


def _score(data: dict[str, Any]) -> str:
    return f"{data['score']:g}/{sum(t['max_score'] for t in data['tests']):g}"
