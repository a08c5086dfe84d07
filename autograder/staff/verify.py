"""`python -m autograder verify`: the proof a TA runs before release.

(a) the reference satisfies its own properties (the pytest files named below);
(b) the reference scores full marks; (c) the template scores 0;
(d) every known-wrong mutant (autograder/checks/misconceptions.py) loses exactly the parts it
    declares, with the feedback it declares, and every correct alternative keeps full marks
    (a mutant that no longer applies to the reference is a failed row, named);
(e) two gradings of the same submission give the same results.json (execution_time aside).
Exit status 0 only when every line says ok.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from autograder.mdtext import text_of
from autograder.staff import batch

PROJECT = Path(__file__).resolve().parents[2]
REFERENCE_PROPERTIES = ["tests/test_reference_q1q2.py", "tests/test_q3_q4_checks.py",
                        "tests/test_q5_reference.py"]
FILES = ("hw0.py", "color_organ_learning.ipynb")


def load_mutants(path: Path) -> list[Any]:
    spec = importlib.util.spec_from_file_location("hw0_mutants", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module.MUTANTS


def _copy(source_dir: Path, dest: Path, replace: dict[str, str] | None = None) -> None:
    dest.mkdir(parents=True)
    for name in FILES:
        if (source_dir / name).exists():
            (dest / name).write_bytes((source_dir / name).read_bytes())
    for name, text in (replace or {}).items():
        (dest / name).write_text(text, encoding="utf-8")


def lost_parts(data: dict[str, Any]) -> set[str]:
    full: dict[str, bool] = {}
    for t in data["tests"]:
        full[t["tags"][0]] = full.get(t["tags"][0], True) and t["score"] >= t["max_score"]
    return {part for part, ok in full.items() if not ok}


Row = tuple[str, str, str, bool]  # check, expected, got, ok


def reference_properties(paths: list[str], cwd: Path = PROJECT) -> Row:
    """(a): pytest on the reference's property tests. Our own -q only: the project's addopts
    (also -q) would make it -qq, which prints no summary line."""
    done = subprocess.run([sys.executable, "-m", "pytest", "-o", "addopts=", "-q",
                           "-p", "no:cacheprovider", *paths], cwd=cwd, capture_output=True,
                          text=True)
    counts = re.findall(r"\d+ (?:passed|failed|errors?)[^\n]*", done.stdout)
    if counts:
        got = counts[-1]
    else:
        tail = (done.stdout + done.stderr).strip().splitlines() or ["no output"]
        got = f"pytest exited {done.returncode} without a summary: {tail[-1][:100]}"
    return ("(a) reference properties", "all pass", got, done.returncode == 0)


def prepare_mutants(mutants: list[Any], root: Path) -> tuple[list[Any], list[Row]]:
    """Write each mutant's submission under root/mutant-<name>. Returns the mutants written
    and a failed row for each one that cannot be made (its `old` text is not exactly once
    in the reference, say), so that verify reports it instead of stopping."""
    made, rows = [], []
    for m in mutants:
        try:
            text = m.apply()
        except (ValueError, LookupError, OSError) as exc:
            reason = " ".join(str(exc).split())[:160]
            rows.append((f"(d) {m.name}", " ".join(sorted(m.loses)) or "(none)",
                         f"mutant not applied: {reason}", False))
            continue
        _copy(PROJECT / "reference", root / f"mutant-{m.name}", {m.file: text})
        made.append(m)
    return made, rows


def mutant_row(m: Any, data: dict[str, Any]) -> Row:
    """(d): the parts the mutant lost against those it declares, and, for a wrong one,
    whether its failed tests' feedback holds the phrase it declares (named when not)."""
    lost = lost_parts(data)
    feedback = "\n".join(text_of(t) for t in data["tests"] if t["status"] == "failed")
    said = m.says in feedback if m.loses else True
    got = (" ".join(sorted(lost)) or "(none)") + ("" if said else
                                                   f'; feedback lacks "{m.says}"')
    return (f"(d) {m.name}", " ".join(sorted(m.loses)) or "(none)", got,
            lost == set(m.loses) and said)


def verify(mutants_file: Path | None = None, jobs: int | None = None) -> bool:
    """Print one row per claim; True when every row is ok. `mutants_file`: a file defining
    MUTANTS (default: the misconception library)."""
    if mutants_file is None:
        from autograder.checks.misconceptions import MUTANTS as mutants_list
    else:
        mutants_list = load_mutants(mutants_file)
    properties = [p for p in REFERENCE_PROPERTIES if (PROJECT / p).exists()]
    rows = [reference_properties(properties)]

    with tempfile.TemporaryDirectory(prefix="hw0-verify-") as tmp:
        root, out = Path(tmp) / "submissions", Path(tmp) / "results"
        _copy(PROJECT / "reference", root / "reference")
        _copy(PROJECT / "reference", root / "reference-again")
        _copy(PROJECT / "student_template", root / "template")
        mutants, broken = prepare_mutants(mutants_list, root)
        graded = batch.run(root, out, jobs)

    ref = graded["reference"]
    top = sum(t["max_score"] for t in ref["tests"])
    rows.append(("(b) reference", f"{top:g}/{top:g}", f"{ref['score']:g}/{top:g}",
                 ref["score"] == top > 0))
    rows.append(("(c) template", f"0/{top:g}", f"{graded['template']['score']:g}/{top:g}",
                 graded["template"]["score"] == 0))
    rows += broken + [mutant_row(m, graded[f"mutant-{m.name}"]) for m in mutants]
    same = _without_time(ref) == _without_time(graded["reference-again"])
    rows.append(("(e) same results twice", "identical", "identical" if same else "differ", same))
    print(table(rows))
    failed = sum(not ok for *_, ok in rows)
    print(f"\n{len(rows) - failed} ok, {failed} failed")
    return failed == 0


def _without_time(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "execution_time"}


def table(rows: list[Row]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    head = ("check", "expected (parts lost)", "got")
    widths = [max(w, len(h)) for w, h in zip(widths, head, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + "  ok"
    out = [line, "-" * len(line)]
    for r in rows:
        cells = "  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True))
        out.append(f"{cells}  {'ok' if r[3] else 'FAILED'}")
    return "\n".join(out)
