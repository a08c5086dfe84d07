"""`python -m autograder verify`: the proof a TA runs before release.

(a) the reference satisfies its own properties (the pytest files the check modules
    declare: REFERENCE_PROPERTIES, checks/evidence.py);
(b) the reference scores full marks (else one row per cause; the variants' rows leave out the
    tests the reference fails); (c) the template scores 0;
(d) the kill matrix: every known-wrong variant (autograder/checks/misconceptions.py) fails
    exactly the tests it declares, by number, with the feedback it declares; every correct
    alternative fails none; every test fails at least one known-wrong variant (a test no
    variant fails could stop checking unseen: a named failed row). A variant that no longer
    applies to the reference (its piece is gone from its anchor: anchors.py) is a failed
    row, one per anchor, naming each such variant;
(e) two gradings of the same submission give the same results.json (execution_time aside);
(f) each numeric tolerance lies between the correct approaches' largest error and the
    nearest known-wrong variant's smallest (margins.py).
Each row names what differs (tests, phrases, pytest ids). Failed rows print first. Exit
status 0 only when every row says ok.

A variant of one file is graded with that file alone (the other file's tests are not its
claim, and a variant of hw0.py then never runs the notebook): its row compares the tests of
its own file.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from autograder.mdtext import text_of
from autograder.staff import batch

PROJECT = Path(__file__).resolve().parents[2]
FILES = ("hw0.py", "color_organ_learning.ipynb")
NAMED = 8  # ids, tests or phrases a row names before it says "and N more"

Row = tuple[str, str, str, bool]  # check, expected, got, ok


def load_mutants(path: Path) -> list[Any]:
    spec = importlib.util.spec_from_file_location("hw0_mutants", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module.MUTANTS


def _copy(source_dir: Path, dest: Path, replace: dict[str, str] | None = None,
          files: Iterable[str] = FILES) -> None:
    dest.mkdir(parents=True)
    for name in files:
        if (source_dir / name).exists():
            (dest / name).write_bytes((source_dir / name).read_bytes())
    for name, text in (replace or {}).items():
        (dest / name).write_text(text, encoding="utf-8")


def names(items: Iterable[str], none: str = "(none)") -> str:
    """Up to NAMED items, space-separated, then "and N more"."""
    items = list(items)
    shown = " ".join(items[:NAMED]) or none
    return shown + (f" and {len(items) - NAMED} more" if len(items) > NAMED else "")


def by_number(numbers: Iterable[str]) -> list[str]:
    """Test numbers in the order of the results: 1.2 before 1.10."""
    return sorted(numbers, key=lambda n: tuple(int(x) for x in n.split(".")))


def failed_tests(data: dict[str, Any], file: str | None = None) -> set[str]:
    """The numbers of the tests that lost points (of `file`'s checks only, when given)."""
    from autograder.checks import all_checks

    of_file = {c.number for c in all_checks() if file is None or c.file == file}
    return {t["number"] for t in data["tests"]
            if t["number"] in of_file and t["score"] < t["max_score"]}


def lost_parts(data: dict[str, Any]) -> set[str]:
    """The parts (q1, q5c, ...) in which a results.json lost points."""
    from autograder.checks.misconceptions import part_of

    return {part_of(number) for number in failed_tests(data)}


def reference_property_files() -> list[str]:
    """The pytest files the check modules declare as their reference's properties, each
    once, in question order."""
    from autograder.checks import declared

    return list(dict.fromkeys(path for paths in declared("REFERENCE_PROPERTIES")
                              for path in paths))


def reference_properties(paths: list[str], cwd: Path = PROJECT) -> Row:
    """(a): pytest on the reference's property tests, naming the ids that failed. Our own -q
    only: the project's addopts (also -q) would make it -qq, which prints no summary line."""
    done = subprocess.run([sys.executable, "-m", "pytest", "-o", "addopts=", "-q", "-rfE",
                           "-p", "no:cacheprovider", *paths], cwd=cwd, capture_output=True,
                          text=True)
    counts = re.findall(r"\d+ (?:passed|failed|errors?)[^\n]*", done.stdout)
    if counts:
        got = counts[-1]
        failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", done.stdout, re.MULTILINE)
        if failed:
            got += ": " + names(failed)
    else:
        tail = (done.stdout + done.stderr).strip().splitlines() or ["no output"]
        got = f"pytest exited {done.returncode} without a summary: {tail[-1][:100]}"
    return ("(a) reference properties", "all pass", got, done.returncode == 0)


def prepare_mutants(mutants: list[Any], root: Path) -> tuple[list[Any], list[Row]]:
    """Write each mutant's file, alone, under root/mutant-<name>. Returns the mutants written
    and, for the ones that cannot be made (their `old` is no longer once in their anchor,
    anchors.py), one failed row per anchor naming each of its variants and the tests only
    they failed, so that verify reports them instead of stopping or dropping them."""
    made, gone = [], {}
    for m in mutants:
        try:
            text = m.apply()
        except (ValueError, LookupError, OSError) as exc:
            gone.setdefault(m.at or m.file, []).append((m, " ".join(str(exc).split())))
            continue
        _copy(PROJECT / "reference", root / f"mutant-{m.name}", {m.file: text}, files=())
        made.append(m)
    still = {n for m in made for n in m.fails}
    rows = []
    for at, lost in gone.items():
        orphaned = {n for m, _ in lost for n in m.fails} - still
        rows.append((f"(d) variants of {at}", names(by_number({n for m, _ in lost
                                                               for n in m.fails})),
                     f"{len(lost)} not applied: " + "; ".join(reason for _, reason in lost)
                     + (f"; so no variant fails {names(by_number(orphaned))}" if orphaned
                        else ""), False))
    return made, rows


def mutant_row(m: Any, data: dict[str, Any], reference_fails: frozenset[str] = frozenset()
               ) -> Row:
    """(d): the tests of its file the variant failed against those it declares, naming the
    ones missing (it passed them) and the extra ones, and for a wrong variant whether its
    failed tests' feedback holds the phrase it declares. Tests the reference itself fails
    (`reference_fails`) are its (b) row's, not repeated here."""
    failed = failed_tests(data, m.file) - (reference_fails - m.fails)
    feedback = "\n".join(text_of(t) for t in data["tests"] if t["number"] in failed)
    said = m.says in feedback if failed & set(m.fails) else True  # else: it says "passes"
    missing, extra = set(m.fails) - failed, failed - set(m.fails)
    got = names(by_number(failed))
    if missing:
        got += f"; passes {names(by_number(missing))}"
    if extra:
        got += f"; also fails {names(by_number(extra))}"
    if not said:
        got += f'; feedback lacks "{m.says}"'
    return (f"(d) {m.name}", names(by_number(m.fails)), got, not missing and not extra and said)


def unkilled_rows(mutants: list[Any], graded: dict[str, dict[str, Any]],
                  questions: set[str] | None = None, unmade: Iterable[Any] = ()) -> list[Row]:
    """(d): a failed row for each test (of `questions` only, when given: "1", "7") that no
    known-wrong variant fails (as graded); a test only `unmade` variants fail is their row's
    (prepare_mutants)."""
    from autograder.checks import all_checks

    killed: set[str] = {n for m in unmade for n in m.fails}
    for m in mutants:
        if m.fails and f"mutant-{m.name}" in graded:
            killed |= failed_tests(graded[f"mutant-{m.name}"], m.file)
    return [(f"(d) test {c.number}", "fails >= 1 known-wrong variant",
             f"no variant fails it: {c.title[:60]}", False)
            for c in all_checks() if c.number not in killed
            and (questions is None or c.number.split(".")[0] in questions)]


def matrix_summary(mutants: list[Any], graded: dict[str, dict[str, Any]]) -> str:
    """One line: variants x tests, and how many variants fail each test, at the least."""
    from autograder.checks import all_checks

    kills = {c.number: 0 for c in all_checks()}
    for m in mutants:
        if m.fails and f"mutant-{m.name}" in graded:
            for n in failed_tests(graded[f"mutant-{m.name}"], m.file):
                kills[n] += 1
    wrong = sum(bool(m.fails) for m in mutants)
    fewest = min(kills.values(), default=0)
    at = [n for n, k in kills.items() if k == fewest]
    return (f"kill matrix: {wrong} known-wrong and {len(mutants) - wrong} correct variants x "
            f"{len(kills)} tests; fewest variants failing a test: {fewest} ({names(at)})")


def grade(mutants: list[Any], jobs: int | None = None, with_reference: bool = False
          ) -> tuple[list[Any], list[Row], dict[str, dict[str, Any]]]:
    """Grade the variants (each its file alone) in one parallel batch, with the reference
    twice and the template when asked. Returns the variants graded, a failed row for each
    one that could not be made, and submission folder -> results."""
    with tempfile.TemporaryDirectory(prefix="hw0-verify-") as tmp:
        root, out = Path(tmp) / "submissions", Path(tmp) / "results"
        root.mkdir()
        if with_reference:
            _copy(PROJECT / "reference", root / "reference")
            _copy(PROJECT / "reference", root / "reference-again")
            _copy(PROJECT / "student_template", root / "template")
        made, broken = prepare_mutants(mutants, root)
        return made, broken, batch.run(root, out, jobs)


def kill_rows(mutants: list[Any], graded: dict[str, dict[str, Any]],
              questions: set[str] | None = None, unmade: Iterable[Any] = (),
              reference_fails: frozenset[str] = frozenset()) -> list[Row]:
    """(d): a row per variant, and a failed row per test (of `questions`) that no known-wrong
    variant fails (`unmade` ones aside: their own row names them)."""
    return ([mutant_row(m, graded[f"mutant-{m.name}"], reference_fails) for m in mutants]
            + unkilled_rows(mutants, graded, questions, unmade))


def reference_rows(ref: dict[str, Any]) -> list[Row]:
    """(b): full marks, or one failed row per reference function whose tests it fails,
    naming them (every variant of that file fails them too: their rows leave them out)."""
    from autograder.checks import all_checks

    top = sum(t["max_score"] for t in ref["tests"])
    score = sum(t["score"] for t in ref["tests"])
    failed = failed_tests(ref)
    if not failed and score == top > 0:
        return [("(b) reference", f"{top:g}/{top:g}", f"{score:g}/{top:g}", True)]
    causes: dict[str, set[str]] = {}
    for c in all_checks():
        if c.number in failed:
            cause = " ".join(c.uses) or c.title.split(":")[0]
            causes.setdefault(cause, set()).add(c.number)
    return [(f"(b) reference: {cause}", "passes its tests", f"{score:g}/{top:g}; fails "
             f"{names(by_number(numbers))} (so does every variant of its file: left out of "
             "their rows)", False) for cause, numbers in causes.items()] or [
        ("(b) reference", f"{top:g}/{top:g}", f"{score:g}/{top:g}", False)]


def verify(mutants_file: Path | None = None, jobs: int | None = None) -> bool:
    """Print one row per claim, failed rows first; True when every row is ok.
    `mutants_file`: a file defining MUTANTS (default: the misconception library)."""
    from autograder.staff import margins

    if mutants_file is None:
        from autograder.checks.misconceptions import MUTANTS as mutants_list
    else:
        mutants_list = load_mutants(mutants_file)
    rows = [reference_properties(reference_property_files())]
    mutants, broken, graded = grade(mutants_list, jobs, with_reference=True)

    ref, template = graded["reference"], graded["template"]
    top = sum(t["max_score"] for t in ref["tests"])
    rows += reference_rows(ref)
    scored = [t["number"] for t in template["tests"] if t["score"] > 0]
    rows.append(("(c) template", f"0/{top:g}", f"{template['score']:g}/{top:g}"
                 + (f"; scores on {names(scored)}" if scored else ""), not scored))
    # A partial MUTANTS file (a question being added) proves the questions it covers.
    covered = None if mutants_file is None else {
        n.split(".")[0] for m in mutants_list for n in m.fails}
    made = {m.name for m in mutants}
    rows += broken + kill_rows(mutants, graded, covered,
                               [m for m in mutants_list if m.name not in made],
                               frozenset(failed_tests(ref)))
    again = {t["number"]: t for t in graded["reference-again"]["tests"]}
    differ = [t["number"] for t in ref["tests"] if again.get(t["number"]) != t]
    same = _without_time(ref) == _without_time(graded["reference-again"])
    rows.append(("(e) same results twice", "identical", "identical" if same else
                 f"differ: {names(differ, 'top-level fields')}", same))
    rows += margins.rows()
    print(matrix_summary(mutants, graded))
    print(table(rows))
    failed = sum(not ok for *_, ok in rows)
    print(f"\n{len(rows) - failed} ok, {failed} failed")
    if mutants_file is None:  # the whole library: what the datasheet publishes
        from autograder.staff import datasheet

        datasheet.record("verify", datasheet.verify_data(mutants_list, rows))
    return failed == 0


def _without_time(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "execution_time"}


def table(rows: list[Row]) -> str:
    """The rows as columns, failed rows first (in their order), then the rest."""
    rows = [r for r in rows if not r[3]] + [r for r in rows if r[3]]
    head = ("check", "expected", "got")
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(head)]
    line = "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + "  ok"
    out = [line, "-" * len(line)]
    for r in rows:
        cells = "  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True))
        out.append(f"{cells}  {'ok' if r[3] else 'FAILED'}")
    return "\n".join(out)
