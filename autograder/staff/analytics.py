"""What a class got wrong, read from the results.json files of a batch: who attempted what,
and the root cause of each failure, counted the way a TA reteaches.

- A *non-attempt* is a submission that gave nothing to grade: no test passed or failed on
  its merits (every test found the template's placeholder, or its file missing or not run).
  Non-attempts are reported apart and left out of the statistics, which would otherwise
  sink every part alike and hide what was hard.
- A part is *attempted* by a submission when one of its tests passed or failed on its
  merits; a part's mean and pass rates are over the submissions that attempted it.
- A failed test's *root* is the function its feedback says to fix first ("Fix first: NAME
  ..."), else the function or value the test checks: a student whose `gd_step` is wrong
  fails 1.2 too, but reteaching `gd_iterates` would not help them. Each student counts once
  per root cause, with every test it cost them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from autograder.feedback import FIX_FIRST

NOT_ATTEMPTED = ("not implemented yet", "still None")
# misconceptions.LIKELY, spelled out: importing autograder.checks here would load the checks
# into batch's parent, and so into every zygote and worker it forks (tests/test_class_reports)
LIKELY = "Likely cause: "
FILE_MISSING = r"(?P<file>[\w.() -]+\.(py|ipynb)) was not found in (your|the) submission"
FILE_NOT_RUN = (r"did not finish|keeps crashing or hanging|used up its|does not compile"
                r"|could not be (read as a notebook|opened)")  # the whole file: not run
ROOT = re.compile(r"^\s*" + re.escape(FIX_FIRST) + r"([A-Za-z_]\w*)", re.MULTILINE)
CAUSE = re.compile(r"^\s*" + re.escape(LIKELY) + r"(.+)$", re.MULTILINE)
NUMBER = re.compile(r"(?<![\w.])-?\d+(\.\d+)?(e[-+]?\d+)?(?!\w)")


def outcome(test: dict[str, Any]) -> str:
    """"passed", "no file" (missing, or it did not compile, load or finish running: the
    same note on every test of the file), "not attempted" (the template's placeholder) or
    "failed"."""
    if test["status"] == "passed":
        return "passed"
    if re.search(FILE_MISSING + "|" + FILE_NOT_RUN, test["output"], re.IGNORECASE):
        return "no file"
    if any(phrase in test["output"] for phrase in NOT_ATTEMPTED):
        return "not attempted"
    return "failed"


def on_merits(test: dict[str, Any]) -> bool:
    """The test passed or failed on what the student wrote (not a placeholder, not a file
    missing or not run)."""
    return outcome(test) in ("passed", "failed")


def non_attempt(data: dict[str, Any]) -> str | None:
    """Why a submission is a non-attempt ("nothing uploaded", "template untouched", "files
    that do not load or run"), or None when it attempted something."""
    kinds = {outcome(t) for t in data["tests"]}
    if not data["tests"] or kinds & {"passed", "failed"}:
        return None
    if "not attempted" in kinds:
        return "template untouched"
    if all(re.search(FILE_MISSING, t["output"], re.IGNORECASE) for t in data["tests"]):
        return "nothing uploaded"
    return "files that do not load or run"


def attempted_parts(data: dict[str, Any]) -> set[str]:
    """The parts (tags[0]) one of whose tests passed or failed on its merits."""
    return {t["tags"][0] for t in data["tests"] if on_merits(t)}


def subject(test: dict[str, Any]) -> str:
    """The function or value a test checks: its name up to the colon ("gd_step")."""
    return test["name"].split(":")[0].strip()


def root(test: dict[str, Any]) -> str:
    """The function to fix first for a failed test: the one its feedback names, else its
    own subject."""
    named = ROOT.search(test["output"])
    return named.group(1) if named else subject(test)


def own_cause(test: dict[str, Any]) -> str:
    """The misconception a failed test's feedback names about its own answer ("" if none).
    A test told to fix another function first names a symptom, not a cause: not read."""
    if ROOT.search(test["output"]):
        return ""
    named = CAUSE.search(test["output"])
    return named.group(1).split(":")[0].strip() if named else ""


def message(output: str) -> str:
    """A failed test's message as the student read it: its first line that is not a note,
    a likely cause or a fix-first line, cut at 160 characters."""
    lines = [line.strip() for line in output.splitlines()
             if line.strip() and not line.lstrip().startswith(("Note:", LIKELY, FIX_FIRST))]
    first = lines[0] if lines else "(no message)"
    return first if len(first) <= 160 else first[:159] + "…"


def same_message(text: str) -> str:
    """What two messages share when they differ only in their numbers (a grouping key,
    never shown)."""
    return NUMBER.sub("#", text)


@dataclass
class RootCause:
    """Students whose feedback says to fix `function` first (or whose test of it failed on
    its own), with the misconception named about it ("" when none was)."""

    function: str
    cause: str
    students: int = 0
    tests: set[str] = field(default_factory=set)
    points_lost: float = 0.0
    messages: Counter = field(default_factory=Counter)  # grouping key -> students
    example: dict[str, str] = field(default_factory=dict)  # key -> the first message seen

    def add_message(self, text: str, students: int) -> None:
        key = same_message(text)
        self.example.setdefault(key, text)
        self.messages[key] += students

    def commonest(self, most: int) -> list[tuple[int, str]]:
        """(students, message as one of them read it), the commonest first."""
        ranked = sorted(self.messages.items(), key=lambda kv: (-kv[1], kv[0]))
        return [(count, self.example[key]) for key, count in ranked[:most]]


def root_causes(graded: list[Any], is_problem: Any) -> list[RootCause]:
    """Root causes over the submissions `graded` (reports.Graded), most students first.
    Each submission counts its students once per (function, cause); the tests a cause
    cost them are the failed tests with that root. `is_problem(test)`: a failure listed
    among the problems (a timeout, a crash), whose message is left to that list."""
    found: dict[tuple[str, str], RootCause] = {}
    for g in graded:
        failed = [t for t in g.results["tests"] if outcome(t) == "failed"]
        causes: dict[str, str] = {}  # root -> the cause its own failed tests name
        for t in failed:
            if subject(t) == root(t) and own_cause(t):
                causes.setdefault(subject(t), own_cause(t))
        mine: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for t in failed:
            mine[(root(t), causes.get(root(t), ""))].append(t)
        for key, tests in mine.items():
            rc = found.setdefault(key, RootCause(*key))
            rc.students += g.students
            rc.tests |= {t["number"] for t in tests}
            rc.points_lost += g.students * sum(t["max_score"] - t["score"] for t in tests)
            for t in tests:
                if subject(t) == key[0] and not is_problem(t):
                    rc.add_message(message(t["output"]), g.students)
    return sorted(found.values(), key=lambda rc: (-rc.students, rc.function, rc.cause))
