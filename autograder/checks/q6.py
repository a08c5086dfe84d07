"""Q6: homework process and study group (hw0.py, part q6): a completeness check only."""

from __future__ import annotations

from gradescope_utils.autograder_utils.decorators import number, tags, weight

from autograder.checks import HW0_PY, Mismatch
from autograder.engine.answers import as_float, as_string
from autograder.engine.student import Student

FILE = HW0_PY


@weight(1)
@number("6.1")
@tags("q6")
def check_process(student: Student) -> str:
    """Q6: sources, collaborators and hours filled in"""
    for name in ("Q6_SOURCES", "Q6_COLLABORATORS"):
        if not as_string(student.value(name), name).strip():
            raise Mismatch(f'{name} is empty: write what applies (or "none").')
    hours = as_float(student.value("Q6_HOURS"), "Q6_HOURS")
    if not 0 < hours < 200:
        raise Mismatch(f"Q6_HOURS = {hours:g} is not a plausible number of hours (0 to 200).")
    return "Filled in."
