"""`python -m autograder example [--check]`: examples/, a bundled submission with mistakes.

The README's first command after the set-up grades it and prints what a student would see.
It is the reference with one known mistake in each of several questions, taken from the
misconceptions library (checks/misconceptions.py), so each is a mistake whose parts and
feedback `verify` already proves; never edited by hand (a test fails while it is stale).
"""

from __future__ import annotations

from autograder.checks import HW0_PY, NOTEBOOK
from autograder.checks.misconceptions import MUTANTS, Mutant
from autograder.staff.imports import PROJECT

FOLDER = PROJECT / "examples"
# One mistake in each of Q1, Q2, Q4 and Q5 (the parts each loses: misconceptions.py).
MISTAKES = ("gd_step_ascends", "map_estimate_sigma_not_inverted", "q4c_sign",
            "q5g_stages_swapped")


def mistakes() -> list[Mutant]:
    by_name = {m.name: m for m in MUTANTS}
    return [by_name[name] for name in MISTAKES]


def files() -> dict[str, str]:
    """examples/'s files: hw0.py with its mutants applied one after the other, the
    notebook with its own."""
    hw0 = (PROJECT / "reference" / HW0_PY).read_text(encoding="utf-8")
    notebook = None
    for mutant in mistakes():
        if mutant.file == NOTEBOOK:
            notebook = mutant.apply()
            continue
        hw0 = mutant.apply(hw0)
    return {HW0_PY: hw0, NOTEBOOK: notebook}


def main(check: bool = False) -> int:
    """Write examples/ (0), or with `check` say whether it is up to date (0) or stale (1)."""
    stale = [name for name, text in files().items()
             if not (FOLDER / name).is_file()
             or (FOLDER / name).read_text(encoding="utf-8") != text]
    if check:
        print("examples/ is stale: run `python -m autograder example`: " + ", ".join(stale)
              if stale else "examples/ is up to date.")
        return 1 if stale else 0
    FOLDER.mkdir(exist_ok=True)
    for name, text in files().items():
        (FOLDER / name).write_text(text, encoding="utf-8")
    print(f"wrote examples/: the reference with {', '.join(MISTAKES)}")
    return 0
