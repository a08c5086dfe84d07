"""`python -m autograder verify`: the proof a TA runs before release.

(a) the reference satisfies its own properties (the pytest files named below);
(b) the reference scores full marks; (c) the template scores 0;
(d) every known-wrong mutant (autograder/checks/misconceptions.py) loses exactly the parts it
    declares, with the feedback it declares, and every correct alternative keeps full marks;
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


def verify(mutants_file: Path | None, jobs: int | None = None) -> bool:
    rows: list[tuple[str, str, str, bool]] = []
    properties = [p for p in REFERENCE_PROPERTIES if (PROJECT / p).exists()]
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           *properties], cwd=PROJECT, capture_output=True, text=True)
    counts = re.findall(r"\d+ (?:passed|failed|error)[^\n]*", done.stdout)
    last = counts[-1] if counts else "pytest printed no summary"
    rows.append(("(a) reference properties", "all pass", last, done.returncode == 0))

    if mutants_file is None:
        from autograder.checks.misconceptions import MUTANTS as mutants
    else:
        mutants = load_mutants(mutants_file)
    with tempfile.TemporaryDirectory(prefix="hw0-verify-") as tmp:
        root, out = Path(tmp) / "submissions", Path(tmp) / "results"
        _copy(PROJECT / "reference", root / "reference")
        _copy(PROJECT / "reference", root / "reference-again")
        _copy(PROJECT / "student_template", root / "template")
        for m in mutants:
            _copy(PROJECT / "reference", root / f"mutant-{m.name}", {m.file: m.apply()})
        graded = batch.run(root, out, jobs)

    ref = graded["reference"]
    top = sum(t["max_score"] for t in ref["tests"])
    rows.append(("(b) reference", f"{top:g}/{top:g}", f"{ref['score']:g}/{top:g}",
                 ref["score"] == top > 0))
    rows.append(("(c) template", f"0/{top:g}", f"{graded['template']['score']:g}/{top:g}",
                 graded["template"]["score"] == 0))
    for m in mutants:
        data = graded[f"mutant-{m.name}"]
        lost = lost_parts(data)
        feedback = "\n".join(t["output"] for t in data["tests"] if t["status"] == "failed")
        said = m.says in feedback if m.loses else True
        rows.append((f"(d) {m.name}", " ".join(sorted(m.loses)) or "(none)",
                     (" ".join(sorted(lost)) or "(none)") + ("" if said else " [message?]"),
                     lost == set(m.loses) and said))
    same = _without_time(ref) == _without_time(graded["reference-again"])
    rows.append(("(e) same results twice", "identical", "identical" if same else "differ", same))
    print(table(rows))
    failed = sum(not ok for *_, ok in rows)
    print(f"\n{len(rows) - failed} ok, {failed} failed")
    return failed == 0


def _without_time(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "execution_time"}


def table(rows: list[tuple[str, str, str, bool]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    head = ("check", "expected (parts lost)", "got")
    widths = [max(w, len(h)) for w, h in zip(widths, head, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + "  ok"
    out = [line, "-" * len(line)]
    for r in rows:
        cells = "  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True))
        out.append(f"{cells}  {'ok' if r[3] else 'FAILED'}")
    return "\n".join(out)
