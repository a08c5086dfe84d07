"""`python -m autograder diff OLD_OUT NEW_OUT`: whose scores a regrade changed.

Both folders are batch outputs (reports.py reads them). Students are matched by SID (else
email, else the submission folder, for exports without metadata), each with the submission
that counts for them (their latest: reports.latest); every part whose score changed is
listed, one line per student and part, then the total. A student whose counted submission
changed (a resubmission regraded) is named in a note, whether or not their score changed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from autograder import identity
from autograder.staff import reports
from autograder.textsafe import clean


def _students(out: Path) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Student key -> their scores.csv row, and the part ids, for the batch output `out`."""
    graded, _ = reports.latest(reports.load(out))
    parts = list(reports.part_maxima(graded))
    rows = reports.rows(graded, parts)
    return {reports.student_key(row, row["submission"]): row for row in rows}, parts


def changes(old: Path, new: Path) -> tuple[list[tuple[str, str, float, float]], list[str]]:
    """(student, part, old score, new score) for every changed part score (part "total"
    last per student), and notes on students whose counted submission changed and on
    students found in one output only."""
    (before, old_parts), (after, new_parts) = _students(old), _students(new)
    parts = list(dict.fromkeys([*old_parts, *new_parts]))
    found = []
    for key in sorted(before.keys() & after.keys()):
        a, b = before[key], after[key]
        who = _label(b)
        found += [(who, part, a.get(part, 0.0), b.get(part, 0.0)) for part in parts
                  if a.get(part, 0.0) != b.get(part, 0.0)]
        if a["total"] != b["total"]:
            found.append((who, "total", a["total"], b["total"]))
    notes = [f"counted submission changed: {_label(after[k])}, was {before[k]['submission']}"
             for k in sorted(before.keys() & after.keys())
             if before[k]["submission"] != after[k]["submission"]]
    notes += [f"only in {old}: {_label(before[k])}" for k in sorted(before.keys() - after.keys())]
    notes += [f"only in {new}: {_label(after[k])}" for k in sorted(after.keys() - before.keys())]
    return found, notes


def _label(row: dict[str, Any]) -> str:
    name = row["name"] or row["email"] or "(no name)"
    sid = f"SID {row['sid']}, " if row["sid"] else ""
    return clean(f"{name} ({sid}{row['submission']})")  # the student's: no terminal codes


def main(old: Path, new: Path) -> int:
    """Print the changes; 0 whether or not anything changed, 2 when a folder holds no
    batch results."""
    for out in (old, new):
        if not any(out.glob("*/results.json")):
            print(f"{out} holds no batch results (<submission>/results.json).", file=sys.stderr)
            return 2
    old_graders, new_graders = identity.graders(old), identity.graders(new)
    if old_graders.keys() != new_graders.keys():  # first: it may explain every change below
        print(f"OLD and NEW were graded by different graders.\n  OLD {old}: "
              + "; ".join(old_graders) + f"\n  NEW {new}: " + "; ".join(new_graders))
    found, notes = changes(old, new)
    students = {who for who, *_ in found}
    print(f"{len(students)} student(s) with changed scores." if found
          else "No score changed.")
    if found:
        width = max(len(who) for who, *_ in found)
        print(f"{'student'.ljust(width)}  {'part':6} {'old':>6} {'new':>6}")
        for who, part, a, b in found:
            print(f"{who.ljust(width)}  {part:6} {a:>6g} {b:>6g}")
    for note in notes:
        print(note)
    return 0
