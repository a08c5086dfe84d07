"""What staff read after a batch: scores.csv (one row per student), summary.md, two plots
(plots.py).

Everything is rebuilt from the files in the output folder (`<submission>/results.json` and
the `<submission>/submitters.json` batch writes beside it), so a regrade of a few
submissions (`batch --only`) merges into the class's reports, and `diff` reads the same.
A student (SID, else email) found in several submissions there (a resubmission regraded
into a copy of the output) counts once: their latest submission (`:created_at:`, then the
submission id) counts; summary.md lists the others as superseded, outside the statistics.
"""

from __future__ import annotations

import csv
import json
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from autograder.mdtext import as_text
from autograder.results import label
from autograder.staff import analytics, plots
from autograder.staff.analytics import (
    FILE_MISSING,
    attempted_parts,
    non_attempt,
    outcome,
    root_causes,
)
from autograder.textsafe import csv_cell, md_inline

SUBMITTERS = "submitters.json"
POINTS_POSSIBLE = "Points Possible"  # scores.csv's second row, as gradebooks write it


@dataclass
class Graded:
    """One graded submission: its folder name, results.json and who submitted it."""

    name: str
    results: dict[str, Any]
    submitters: list[dict[str, str]] = field(default_factory=list)
    created_at: str = ""
    note: str = ""

    @property
    def students(self) -> int:
        return max(1, len(self.submitters))


def load(out: Path) -> list[Graded]:
    """Every graded submission under `out`, sorted by folder name."""
    graded = []
    for path in sorted(out.glob("*/results.json")):
        identity = path.with_name(SUBMITTERS)
        who = json.loads(identity.read_text()) if identity.is_file() else {}
        data = as_text(json.loads(path.read_text(encoding="utf-8")))
        graded.append(Graded(path.parent.name, data,
                             who.get("submitters", []), who.get("created_at", ""),
                             who.get("note", f"no {SUBMITTERS}: identified by folder name")))
    return graded


def student_key(person: dict[str, str], submission: str) -> str:
    """Who a submitter is across submissions: SID, else email; one with neither (or a
    submission without submitters) is never matched with another submission."""
    return person.get("sid") or person.get("email") or f"{submission}:{person.get('name', '')}"


def _recency(g: Graded) -> tuple[float, int, str]:
    """Sorts a student's submissions oldest first: by :created_at:, then submission id."""
    try:
        when = datetime.fromisoformat(g.created_at).timestamp()
    except ValueError:  # no time in the metadata (or not one we can read)
        when = float("-inf")
    digits = re.sub(r"\D", "", g.name)
    return when, int(digits) if digits else -1, g.name


def latest(graded: list[Graded]) -> tuple[list[Graded], list[str]]:
    """One submission per student: each student's latest counts. Returns the submissions
    that count for someone, each with only the submitters it counts for (folder order
    kept), and a line per superseded (submission, student), oldest submission first."""
    mine: dict[str, list[tuple[Graded, dict[str, str]]]] = defaultdict(list)
    for g in graded:
        for person in g.submitters or [{}]:
            mine[student_key(person, g.name)].append((g, person))
    counts: dict[str, set[str]] = defaultdict(set)  # submission -> students it counts for
    superseded = []
    for key, theirs in mine.items():
        newest, _ = max(theirs, key=lambda entry: _recency(entry[0]))
        counts[newest.name].add(key)
        superseded += [(g.name, f"- {md_inline(g.name)}: {md_inline(_who(person))}, "
                                f"superseded by {md_inline(newest.name)}")
                       for g, person in theirs if g.name != newest.name]
    kept = [replace(g, submitters=[p for p in g.submitters if student_key(p, g.name)
                                   in counts[g.name]])
            for g in graded if g.name in counts]
    return kept, [line for _, line in sorted(superseded)]


def _who(person: dict[str, str]) -> str:
    name = person.get("name") or person.get("email") or "(no name)"
    return f"{name} (SID {person['sid']})" if person.get("sid") else name


def part_scores(data: dict[str, Any]) -> dict[str, float]:
    """Part id -> points scored (partial credit summed over the part's tests)."""
    scores: dict[str, float] = {}
    for t in data["tests"]:
        scores[t["tags"][0]] = scores.get(t["tags"][0], 0.0) + t["score"]
    return scores


def part_maxima(graded: list[Graded]) -> dict[str, float]:
    """Part id -> its points, in handout order (q1, q2, q3a ...)."""
    top: dict[str, float] = {}
    for g in graded:
        here: dict[str, float] = defaultdict(float)
        for t in g.results["tests"]:
            here[t["tags"][0]] += t["max_score"]
        for part, points in here.items():
            top[part] = max(top.get(part, 0.0), points)
    return dict(sorted(top.items(), key=lambda kv: (int(re.sub(r"\D", "", kv[0]) or 0), kv[0])))


def rows(graded: list[Graded], parts: list[str]) -> list[dict[str, Any]]:
    """One row per submitter (a group's members share their submission's scores); a
    submission without metadata gets one row under its folder name. Sorted by name, then
    SID, so a student keeps their place when a resubmission is regraded (CSV diffs stay
    small)."""
    out = []
    for g in graded:
        scores = part_scores(g.results)
        for person in g.submitters or [{}]:
            out.append({"name": person.get("name", ""), "sid": person.get("sid", ""),
                        "email": person.get("email", ""), "submission": g.name,
                        "created_at": g.created_at, "total": g.results["score"],
                        **{p: scores.get(p, 0.0) for p in parts}, "note": g.note})
    return sorted(out, key=lambda r: (r["name"].casefold(), r["sid"], r["email"],
                                      r["submission"]))


def write(out: Path) -> list[Graded]:
    """scores.csv, summary.md, totals.png and parts.png from everything graded in `out`,
    each student counted once (`latest`). Returns the submissions that count."""
    graded, superseded = latest(load(out))
    parts = part_maxima(graded)
    table = rows(graded, list(parts))
    # UTF-8 with a byte-order mark: Excel reads "José" right only with it; pandas and
    # csv (encoding="utf-8-sig") skip it.
    with open(out / "scores.csv", "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.DictWriter(f, ["name", "sid", "email", "submission", "created_at", "total",
                                    *parts, "note"])
        writer.writeheader()
        writer.writerow({"name": POINTS_POSSIBLE, "total": f"{sum(parts.values()):g}",
                         **{p: f"{points:g}" for p, points in parts.items()}})
        writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in table)
    (out / "summary.md").write_text(summary(graded, parts, superseded), encoding="utf-8")
    tried = attempts(graded)
    plots.write([g.results["score"] for g in tried], sum(parts.values()),
                shares(graded, parts), out, left_out=len(graded) - len(tried))
    return graded


def attempts(graded: list[Graded]) -> list[Graded]:
    """The submissions that attempted something (analytics.non_attempt)."""
    return [g for g in graded if non_attempt(g.results) is None]


# ---------------------------------------------------------------- what went wrong


FILE = r"(?P<file>[\w.() -]+\.(py|ipynb))"
PROBLEMS = (  # (label, pattern): matched against results.json's top output and test outputs
    ("missing {file}", FILE_MISSING),
    ("{file} does not compile", FILE + r" does not compile(: (?P<why>\w+ at line \d+))?"),
    ("{file} is not a notebook", FILE + r" (is (JSON but )?not a notebook|is a web page"
                                        r"|could not be (read as a notebook|opened))"),
    ("renamed file", r"please name it exactly|several files could be"),
    ("notebook cell error", r"^(?=.*(\bcell\b|In \[\d+\]))(?=.*(rais|error|exception)).*$"),
    ("hw0.py raised while running", r"^(?=.*hw0\.py)(?=.*raised).*while running"),
    ("timeout or crash", r"no answer within|used up its|did not finish|timed out|time limit"
                         r"|keeps crashing or hanging|worker process ended"),
    ("grader error", r"error of its own|autograder failed"),
)


def problems(data: dict[str, Any]) -> list[str]:
    """The kinds of trouble a results.json shows: PROBLEMS' labels in that order, {file}
    filled in, a file that does not compile with its error's kind and line. Read from
    robust phrases of its notes, not their exact wording; student output (what the files
    printed) is not read."""
    top = data.get("output", "").split("Printed by ")[0]
    texts = [top, *(t.get("output", "") for t in data.get("tests", []))]
    found: dict[str, str] = {}  # kind -> kind with its detail, the first one found
    for problem, pattern in PROBLEMS:
        for match in (re.search(pattern, text, re.IGNORECASE | re.MULTILINE) for text in texts):
            if not match:
                continue
            kind = problem.format(file=(match.groupdict().get("file") or "").strip())
            why = match.groupdict().get("why")
            if kind not in found or why and found[kind] == kind:
                found[kind] = f"{kind} ({why})" if why else kind
    if not data.get("tests") and "grader error" not in found:
        found["grader error"] = "grader error"
    return list(found.values())


# ---------------------------------------------------------------- summary.md


def summary(graded: list[Graded], parts: dict[str, float],
            superseded: Sequence[str] = ()) -> str:
    """summary.md of the submissions that count; `superseded`: `latest`'s lines. The
    statistics are over the submissions that attempted something; non-attempts are listed
    apart."""
    n = len(graded)
    students = sum(g.students for g in graded)
    tried = attempts(graded)
    totals = [g.results["score"] for g in tried]
    top = sum(parts.values())
    lines = [f"# Batch summary: {n} submissions, {students} students", "",
             _counts(graded, superseded), ""]
    if totals:
        lines += [f"Total (of {top:g}), over the {len(tried)} submissions that attempted "
                  f"something: mean {statistics.mean(totals):.2f}, median "
                  f"{statistics.median(totals):g}, min {min(totals):g}, max {max(totals):g}.",
                  ""]
    unnamed = [g.name for g in graded if not g.submitters]
    if unnamed:
        lines += [f"{len(unnamed)} submission(s) without submitters in the metadata are listed "
                  "under their folder name (see scores.csv's note column).", ""]
    if superseded:
        lines += ["## Superseded submissions (not counted)", "",
                  "Each student's latest submission counts (by :created_at:, then submission "
                  "id); these earlier ones no longer count for the student named, here or in "
                  "scores.csv.", "", *superseded, ""]
    lines += _non_attempts(graded)
    lines += _parts_table(graded, parts) + _tests_table(graded)
    causes = root_causes(tried, lambda t: bool(problems({"tests": [t]})))
    lines += _problems_section(graded) + _reteach(causes) + _messages(causes)
    return "\n".join(lines) + "\n"


def _counts(graded: list[Graded], superseded: Sequence[str]) -> str:
    """Why the statistics' count and scores.csv's rows differ: groups and resubmissions."""
    groups = [g for g in graded if len(g.submitters) > 1]
    text = (f"The statistics below are per submission, over the {len(graded)} that count; "
            f"scores.csv has {sum(g.students for g in graded)} rows, one per student")
    if groups:
        text += (f" (the {sum(g.students for g in groups)} members of {len(groups)} group "
                 "submission(s) each get a row with their group's scores)")
    if superseded:
        text += (f"; {len(superseded)} superseded submission(s) of a student (listed below) "
                 "are in neither")
    return text + "."


def _share(count: float, n: int) -> str:
    return f"{count:g}/{n} ({100 * count / n:.0f}%)" if n else "0/0"


def _non_attempts(graded: list[Graded]) -> list[str]:
    why = [(g.name, non_attempt(g.results)) for g in graded]
    why = [(name, kind) for name, kind in why if kind]
    if not why:
        return []
    counts = Counter(kind for _, kind in why)
    return ["## Non-attempts (left out of every statistic and plot below)", "",
            ", ".join(f"{kind}: {count}" for kind, count in sorted(counts.items())) + ".", "",
            *(f"- {name}: {kind}" for name, kind in why), ""]


def _parts_table(graded: list[Graded], parts: dict[str, float]) -> list[str]:
    lines = ["## Parts (partial credit counted; over the submissions that attempted the part)",
             "", "| part | points | attempted | mean | mean % | full marks |",
             "| --- | --- | --- | --- | --- | --- |"]
    for part, points in parts.items():
        scores = [part_scores(g.results).get(part, 0.0) for g in graded
                  if part in attempted_parts(g.results)]
        if not scores:
            lines.append(f"| {part} | {points:g} | 0/{len(graded)} | - | - | - |")
            continue
        full = sum(s >= points for s in scores)
        lines.append(f"| {part} | {points:g} | {len(scores)}/{len(graded)} | "
                     f"{statistics.mean(scores):.2f} | "
                     f"{100 * statistics.mean(scores) / points:.0f}% | "
                     f"{_share(full, len(scores))} |")
    return lines + [""]


def _tests_table(graded: list[Graded]) -> list[str]:
    tests: dict[str, dict[str, Any]] = {}
    for g in graded:
        for t in g.results["tests"]:
            row = tests.setdefault(t["number"], Counter(name=label(t)))
            row[outcome(t)] += 1
    lines = ["## Tests", "", "| test | passed, of those who attempted it | not attempted | "
             "file missing or did not run |", "| --- | --- | --- | --- |"]
    for number in sorted(tests, key=_number_key):
        row = tests[number]
        lines.append(f"| {row['name']} | {_share(row['passed'], row['passed'] + row['failed'])}"
                     f" | {row['not attempted']} | {row['no file']} |")
    return lines + [""]


def _number_key(number: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", number))


def _problems_section(graded: list[Graded]) -> list[str]:
    found = [(g.name, problems(g.results)) for g in graded]
    found = [(name, kinds) for name, kinds in found if kinds]
    lines = ["## Submissions with problems", ""]
    if not found:
        return lines + ["None.", ""]
    counts = Counter(kind.split(" (")[0] for _, kinds in found for kind in kinds)
    lines.append(", ".join(f"{kind}: {count}" for kind, count in counts.most_common()) + ".")
    lines.append("")
    lines += [f"- {md_inline(name)}: {md_inline(', '.join(kinds))}" for name, kinds in found]
    return lines + [""]


def _reteach(causes: list[analytics.RootCause]) -> list[str]:
    """Students per root cause: the function their feedback says to fix first, with the
    misconception named about it, and the tests it cost them."""
    if not causes:
        return []
    lines = ["## What to reteach: root causes", "",
             "Each student counts once per function to fix first (their feedback's "
             "\"Fix first\", else the function the test checks), with the misconception "
             "named about that function and every test it cost them.", "",
             "| students | fix first | likely cause | tests it cost | points lost |",
             "| --- | --- | --- | --- | --- |"]
    lines += [f"| {rc.students} | {md_inline(rc.function)} | "
              f"{md_inline(rc.cause) if rc.cause else '(none named)'} | "
              f"{', '.join(sorted(rc.tests, key=_number_key))} | {rc.points_lost:g} |"
              for rc in causes]
    return lines + [""]


def _messages(causes: list[analytics.RootCause], per_cause: int = 3) -> list[str]:
    """Per root cause, its commonest failure messages as one student read each (messages
    that differ only in their numbers count together)."""
    lines = ["## Commonest failure messages, by root cause", "",
             "(Template placeholders and files missing or not run aside: see the tests table;"
             " problems aside: see the list above. Each message is quoted as one student read"
             " it; the count is of students whose message differed only in its numbers.)", ""]
    shown = [(rc, rc.commonest(per_cause)) for rc in causes]
    shown = [(rc, found) for rc, found in shown if found]
    if not shown:
        return lines + ["None.", ""]
    for rc, found in shown:
        lines.append(f"- {md_inline(rc.function)}" + (f" ({md_inline(rc.cause)})" if rc.cause
                                                       else ""))
        lines += [f"  - {count} x {md_inline(text)}" for count, text in found]
    return lines + [""]


# ---------------------------------------------------------------- plots


def shares(graded: list[Graded], parts: dict[str, float]) -> dict[str, tuple[float, float]]:
    """Part id -> (mean score, share with full marks), both in % (of its points, of the
    submissions that attempted the part)."""
    found = {}
    for p, points in parts.items():
        scores = [part_scores(g.results).get(p, 0.0) for g in graded
                  if p in attempted_parts(g.results)]
        n = max(len(scores), 1)
        found[p] = (100 * sum(scores) / (n * points), 100 * sum(s >= points for s in scores) / n)
    return found
