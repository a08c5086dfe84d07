"""`python -m autograder mutate`: mutation analysis, the proof that the checks catch slips.

Makes mutants of the reference's student-facing code (the solution blocks of the functions
and constants the check modules declare as MUTATED, checks/evidence.py) with operators.py,
sets aside those equivalent to the reference on a dense
sample (equivalence.py, in spawned processes), grades the others in parallel with the batch
engine (one grader, one zygote, per core; an hw0.py mutant is graded alone, without the
notebook), and prints per part: mutants, killed, equivalent, survived, and each survivor's
one-line diff, then "kit agrees: N/M": of the M killed hw0.py mutants that fail a test the
kit runs in full, the N its recorded inputs fail there too (kitagree.py). Exit status 1 when
a survivor is not equivalent or the kit misses one. The whole analysis also
reports how often the feedback of a killed hw0.py mutant the misconceptions table does not
list names a likely cause, and whether each named cause is true of the mutant (audit.py).
"""

from __future__ import annotations

import ast
import json
import multiprocessing
import tempfile
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder.checks import HW0_PY, NOTEBOOK
from autograder.staff import batch, operators
from autograder.staff.operators import Mutation

PROJECT = Path(__file__).resolve().parents[2]
REFERENCE = PROJECT / "reference"
FILES = (HW0_PY, NOTEBOOK)


def parts(file: str) -> dict[str, str]:
    """The part of each function or constant of `file` that mutate changes, as the check
    modules of that file declare them (MUTATED, checks/evidence.py)."""
    from autograder.checks import questions

    return {name: part for m in questions() if m.FILE == file
            for name, part in getattr(m, "MUTATED", {}).items()}


@dataclass(frozen=True)
class Mutant:
    name: str  # a folder name: file, number, operator
    file: str
    where: str  # "hw0.py:18", or "color_organ_learning.ipynb cell 25:7"
    target: str  # the function or constant changed
    part: str
    mutation: Mutation
    text: str  # the whole mutated file

    @property
    def line(self) -> str:
        """The one-line diff, with where it is."""
        return f"{self.where} {self.target} [{self.mutation.operator}] {self.mutation.diff}"


def solution_lines(text: str) -> list[tuple[int, int]]:
    """The (first, last) 1-based lines of each `# BEGIN SOLUTION` .. `# END SOLUTION`."""
    blocks, start = [], None
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() == "# BEGIN SOLUTION":
            start = number
        elif line.strip() == "# END SOLUTION" and start is not None:
            blocks.append((start, number))
            start = None
    return blocks


def _regions(text: str, parts: dict[str, str]) -> list[tuple[str, int, int]]:
    """(target, first, last line) of each top-level function or assignment in `parts`."""
    found = []
    for node in ast.parse(text).body:
        names = [node.name] if isinstance(node, ast.FunctionDef) else [
            t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)]
        found += [(n, node.lineno, node.end_lineno) for n in names if n in parts]
    return found


def _mutants_of(text: str, parts: dict[str, str]) -> Iterator[tuple[str, Mutation]]:
    """Mutations of `text` inside both a solution block and a target's region."""
    blocks, regions = solution_lines(text), _regions(text, parts)

    def target(node: ast.expr) -> str | None:
        for name, first, last in regions:
            if first <= node.lineno and node.end_lineno <= last and any(
                    b <= node.lineno and node.end_lineno <= e for b, e in blocks):
                return name
        return None

    for m in operators.mutants(text, lambda node: target(node) is not None):
        yield next(name for name, first, last in regions if first <= m.line <= last), m


def generate(files: tuple[str, ...] = FILES) -> list[Mutant]:
    """Every mutant of the reference's student-facing code, hw0.py's then the notebook's."""
    made: list[Mutant] = []
    if HW0_PY in files:
        text = (REFERENCE / HW0_PY).read_text(encoding="utf-8")
        targets = parts(HW0_PY)
        for target, m in _mutants_of(text, targets):
            made.append(Mutant(f"hw0-{len(made):04d}-{m.operator}", HW0_PY,
                               f"{HW0_PY}:{m.line}", target, targets[target], m, m.text))
    if NOTEBOOK in files:
        nb = json.loads((REFERENCE / NOTEBOOK).read_text(encoding="utf-8"))
        targets = parts(NOTEBOOK)
        for index, cell in enumerate(nb["cells"]):
            source = "".join(cell["source"])
            if cell["cell_type"] != "code" or not _regions(source, targets):
                continue
            for target, m in _mutants_of(source, targets):
                cells = [dict(c) for c in nb["cells"]]
                cells[index]["source"] = m.text.splitlines(keepends=True)
                made.append(Mutant(f"nb-{len(made):04d}-{m.operator}", NOTEBOOK,
                                   f"{NOTEBOOK} cell {index}:{m.line}", target,
                                   targets[target], m,
                                   json.dumps({**nb, "cells": cells}, indent=1)))
    return made


def fast_slice(mutants: list[Mutant], jobs: int | None) -> list[Mutant]:
    """The test suite's slice: of hw0.py, the first mutant that is not equivalent of each
    operator in each part; of the notebook, whose every grading runs its trainings (ten
    times an hw0.py grading), the first of each part, slips before generic operators.
    Only the candidates are tested for equivalence, a few rounds at most."""
    order = {name: i for i, name in enumerate(operators.OPERATORS)}
    queues: dict[tuple[str, str], list[Mutant]] = {}
    for m in sorted(mutants, key=lambda m: (m.file != HW0_PY, order[m.mutation.operator])):
        key = (m.part, m.mutation.operator if m.file == HW0_PY else "")
        queues.setdefault(key, []).append(m)
    chosen: list[Mutant] = []
    while queues:
        heads = [queue.pop(0) for queue in queues.values()]
        equivalent = set_aside(heads, jobs)
        chosen += [m for m in heads if m.name not in equivalent]
        done = {(m.part, m.mutation.operator if m.file == HW0_PY else "") for m in chosen}
        queues = {k: q for k, q in queues.items() if q and k not in done}
    return sorted(chosen, key=lambda m: m.name)


def _is_equivalent(file: str, text: str) -> bool:
    from autograder.staff import equivalence

    return equivalence.equivalent(file, text, (REFERENCE / file).read_text(encoding="utf-8"))


def set_aside(mutants: list[Mutant], jobs: int | None) -> set[str]:
    """The names of the mutants equivalent to the reference (equivalence.py), computed in
    spawned processes: this one forks the graders and must not load torch or the checks."""
    if not mutants:
        return set()
    with ProcessPoolExecutor(jobs, multiprocessing.get_context("spawn")) as pool:
        verdicts = pool.map(_is_equivalent, [m.file for m in mutants],
                            [m.text for m in mutants], chunksize=8)
        return {m.name for m, eq in zip(mutants, verdicts, strict=True) if eq}


def grade(mutants: list[Mutant], jobs: int | None) -> dict[str, dict[str, Any]]:
    """Grade each mutant, its one file alone (an hw0.py mutant never runs the notebook),
    with the reference's files graded the same way; results by folder name."""
    with tempfile.TemporaryDirectory(prefix="hw0-mutate-") as tmp:
        root = Path(tmp) / "submissions"
        for file in sorted({m.file for m in mutants}):
            (root / reference_of(file)).mkdir(parents=True)
            (root / reference_of(file) / file).write_bytes((REFERENCE / file).read_bytes())
        for m in mutants:
            (root / m.name).mkdir(parents=True)
            (root / m.name / m.file).write_text(m.text, encoding="utf-8")
        return batch.run(root, Path(tmp) / "results", jobs)


def killed(data: dict[str, Any], reference: dict[str, Any]) -> bool:
    """Whether a mutant lost a point the reference of its file keeps (a file graded alone
    scores 0 on the other file's tests)."""
    full = {t["number"] for t in reference["tests"] if t["score"] >= t["max_score"]}
    return any(t["score"] < t["max_score"] for t in data["tests"] if t["number"] in full)


def _numbers(file: str) -> set[str]:
    """The test numbers of a file's checks."""
    from autograder.checks import all_checks

    return {c.number for c in all_checks() if c.file == file}


def accepted(m: Mutant) -> str | None:
    """Why a surviving mutant is a correct alternative (a check module's REVIEWED_CORRECT:
    (function changed, text the mutation replaced) -> why it is right), or None."""
    from autograder.checks import declared

    reviewed = {key: why for table in declared("REVIEWED_CORRECT") for key, why in table.items()}
    return reviewed.get((m.target, m.mutation.before))


def reference_of(file: str) -> str:
    return f"reference-{file}"


def table(mutants: list[Mutant], equivalent: set[str], graded: dict[str, dict[str, Any]]
          ) -> tuple[str, list[Mutant], dict[str, Counter]]:
    """The per-part table, the survivors that are neither equivalent nor a reviewed
    correct alternative (CORRECT: counted as `correct`), and the table's counts by part."""
    count: dict[str, Counter] = {}
    survivors = []
    for m in mutants:
        row = count.setdefault(m.part, Counter())
        row["mutants"] += 1
        if m.name in equivalent:
            row["equivalent"] += 1
        elif killed(graded[m.name], graded[reference_of(m.file)]):
            row["killed"] += 1
        elif accepted(m):
            row["correct"] += 1
        else:
            row["survived"] += 1
            survivors.append(m)
    head = ["part", "mutants", "killed", "equivalent", "correct", "survived"]
    rows = [[part] + [str(c[h]) for h in head[1:]] for part, c in sorted(count.items())]
    rows.append(["all"] + [str(sum(c[h] for c in count.values())) for h in head[1:]])
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in
                       enumerate(zip(r, widths, strict=True))) for r in [head, *rows]]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines), survivors, count


def run(jobs: int | None = None, files: tuple[str, ...] = FILES,
        fast: bool = False, audit_causes: bool = True, only: tuple[str, ...] = ()) -> int:
    """The whole analysis (the fast slice: one mutant per operator per part; `only`: the
    mutants of these parts, a question being added). Prints the table; exit status 1 on a
    survivor that is not equivalent or a killed hw0.py mutant the kit passes, 2 when the
    reference itself loses points."""
    mutants = [m for m in generate(files) if not only or m.part in only]
    if not mutants:
        print(f"no mutants: no function of {', '.join(only or files)} is declared MUTATED")
        return 1
    per_file = ", ".join(f"{f}: {sum(m.file == f for m in mutants)}" for f in files)
    print(f"{len(mutants)} mutants ({per_file}); setting aside equivalent ones", flush=True)
    if fast:
        mutants, equivalent = fast_slice(mutants, jobs), set()
        print(f"the fast slice: {len(mutants)} of them, none equivalent", flush=True)
    else:
        equivalent = set_aside(mutants, jobs)
    graded = grade([m for m in mutants if m.name not in equivalent], jobs)
    broken = [f for f in files if any(
        t["score"] < t["max_score"] for t in graded[reference_of(f)]["tests"]
        if t["number"] in _numbers(f))]
    if broken:
        print(f"the reference loses points on {', '.join(broken)}: fix that first (verify).")
        return 2
    text, survivors, count = table(mutants, equivalent, graded)
    print(text)
    right = [m for m in mutants if m.name not in equivalent and m not in survivors
             and not killed(graded[m.name], graded[reference_of(m.file)])]
    if right:
        print(f"\nsurvivors that are correct alternatives ({len(right)}):")
        print("\n".join(f"  {m.part}: {m.line}: {accepted(m)}" for m in right))
    if survivors:
        print(f"\nsurvivors that are not equivalent ({len(survivors)}):")
        print("\n".join(f"  {m.part}: {m.line}" for m in survivors))
    if audit_causes and not fast:
        from autograder.staff import audit

        print("\n" + audit.report(mutants, equivalent, graded, jobs))
    agrees = True
    if HW0_PY in files:  # every killed hw0.py mutant fails the kit's full rows it failed
        from autograder.staff import kitagree

        rows = kitagree.killed_rows(mutants, graded, graded[reference_of(HW0_PY)])
        counted, lines = kitagree.agreement(rows, jobs)
        print(f"\nkit agrees: {len(counted) - len(lines)}/{len(counted)}"
              + "".join(f"\n  {line}" for line in lines))
        agrees = not lines
        part = {m.name: m.part for m in mutants}
        for p in {part[name] for name in counted}:  # per part, for the datasheet
            mine = [name for name in counted if part[name] == p]
            wrong = sum(line.startswith(f"{name}:") for name in mine for line in lines)
            count[p]["kit agrees"] = f"{len(mine) - wrong}/{len(mine)}"
    if files == FILES and not only:  # every mutant: what the datasheet publishes
        from autograder.staff import datasheet

        datasheet.record("mutate", {"fast": fast, "parts": {p: dict(c) for p, c in
                                                            sorted(count.items())}})
    return 1 if survivors or not agrees else 0
