"""Limits stated as the student lives them (issue 22, item 5): the message names the limit
that fired, in its unit, and the notebook's total is the one that fired when it did.

The limits are shortened here (the grader reads them when it runs, so monkeypatch reaches
them): a cell may compute 2 CPU-s, the notebook 3 CPU-s in all, on a notebook of cells that
spin for 1.5 CPU-s each, so every cell fits the cell limit and the total runs out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder.engine import clock, student
from autograder.engine.notebook import in_cells

NOTEBOOK = "color_organ_learning.ipynb"
CELLS = [("markdown", "# Q5"),
         ("code", "import time\n\n\ndef spin(seconds):\n    start = time.process_time()\n"
                  "    while time.process_time() - start < seconds:\n        pass"),
         ("code", "spin(1.5)\nq5a_resistor = 200.0"),
         ("code", ""),
         ("code", "spin(1.5)\nq5b_resistor = 200.0"),
         ("code", "q5c_resistor = 200.0")]


def write_notebook(folder: Path) -> None:
    cells = [{"cell_type": kind, "metadata": {}, "source": source,
              **({"outputs": [], "execution_count": None} if kind == "code" else {})}
             for kind, source in CELLS]
    (folder / NOTEBOOK).write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5,
                                               "metadata": {}, "cells": cells}))


@pytest.fixture(scope="module")
def total_ran_out(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from autograder.grade import grade

    folder = tmp_path_factory.mktemp("total")
    write_notebook(folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "WALL_FACTOR", 50.0)  # a crowded test machine: CPU limits only
        patch.setattr(student, "CELL_TIMEOUT", 2.0)
        patch.setattr(student, "CELL_LIMIT", 2.0)
        patch.setitem(student.LOAD_TIMEOUT, ".ipynb", 3.0)
        patch.setattr(student, "NOTEBOOK_LIMIT", 3.0)
        return grade(folder, files=[NOTEBOOK])


def test_the_message_names_the_total_when_the_total_fired(total_ran_out: dict) -> None:
    """Every cell fits the cell limit: the notebook's total stopped the second spin, and
    the message says so (it said the cell limit before), in CPU time."""
    output = total_ran_out["output"]
    assert ("In [3] (the cell that starts `spin(1.5)`) was stopped and the cells after it "
            "were not run: the notebook computed for more than 3 s of CPU time in all, the "
            "limit of the whole notebook") in output, output
    assert "the limit of one cell" not in output
    tests = {t["number"]: t for t in total_ran_out["tests"]}
    assert tests["5.1"]["status"] == "passed"  # q5a: its cell ran before the total ran out
    assert "In [3]" in tests["5.2"]["output"]  # q5b: points at the cell that was stopped
    assert "Fix first" not in output  # the functions never defined returned nothing wrong


def test_a_call_limit_says_its_unit() -> None:
    """"10 s of computing" that took 24 s on the clock: the message says CPU time, and a
    backstop on the clock says it counts the clock."""
    cpu = clock.Deadline(pid=1, cpu=10.0)
    cpu.measured, cpu.used_cpu, cpu._read = True, 10.0, lambda: None
    assert cpu.expired() and "10 s of computing (CPU time" in cpu.reason
    busy = clock.Deadline(pid=1, cpu=10.0)
    busy._read, busy._start = (lambda: None), busy._start - 51
    busy.measured, busy.used_cpu = True, 9.0
    assert busy.expired() and busy.reason.startswith("no answer within 50 s on the clock")


def test_a_warning_names_the_cell_as_jupyter_does(monkeypatch) -> None:  # noqa: ANN001
    """IPython names a cell's code `<ipython-input-n-...>`, with n its In [n]; markdown and
    blank cells have none, so n is the n-th code cell that is not blank, as in Jupyter."""
    import sys
    import warnings

    from autograder.engine import notebook

    monkeypatch.setattr(sys, "stdin", sys.stdin)
    cells = [notebook.Cell(1, "markdown", "# title"), notebook.Cell(2, "code", "import warnings"),
             notebook.Cell(3, "code", ""), notebook.Cell(4, "code", "x = 1"),
             notebook.Cell(5, "code", "warnings.warn('careful')")]
    kernel = notebook.Kernel(cells, {})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert [kernel.run(n, None) for n in (2, 3, 4, 5)] == [None] * 4
    [warned] = caught
    assert warned.filename.startswith("<ipython-input-3-"), warned.filename
    printed = warnings.formatwarning(warned.message, warned.category, warned.filename,
                                     warned.lineno)
    assert in_cells(printed).startswith("In [3]:1: UserWarning: careful")


def test_what_the_finder_says_of_a_missing_file_reaches_every_test(tmp_path: Path) -> None:
    """The finder's note (it names a zip or a link in the upload) is what each of the
    file's tests says, not a bare "not found"."""
    import zipfile

    from autograder.grade import grade
    from autograder.mdtext import text_of

    (tmp_path / "hw0.py").write_text("x = 1\n")
    with zipfile.ZipFile(tmp_path / "notebook.zip", "w") as packed:
        packed.writestr(NOTEBOOK, "{}")
    data = grade(tmp_path)
    note = next(p for p in data["output"].split("\n\n") if p.startswith(f"{NOTEBOOK} was not"))
    tests = [text_of(t) for t in data["tests"] if t["tags"][0].startswith("q5")]
    assert tests and all(t == note for t in tests), (note, tests[0])


@pytest.mark.parametrize("message, says, not_says", [
    ("still running after 60 s of computing: interrupted",
     "it computed for more than 60 s of CPU time, the limit of one cell", "too busy"),
    ("still running after 330 s on the clock, busy: interrupted",
     "after 300 s on the clock: the computer was too busy", "computed for more than"),
    ("still running after 165 s waiting: interrupted",
     "was still waiting (sleeping, or for input that never comes) after more than 150 s on the "
     "clock", "computed for more than"),
])
def test_a_stopped_cell_is_told_in_the_unit_that_stopped_it(message: str, says: str,
                                                            not_says: str) -> None:
    """A cell on a crowded machine reached the clock's cap, not 60 s of computing: it was
    told "computed for more than 60 s of CPU time"."""
    from autograder.engine.problems import problem

    said = problem(NOTEBOOK, {"type": "TimeLimit", "line": "In [2] (the cell that starts "
                                                          "`spin(1.5)`)", "message": message},
                   True)
    assert says in said and not_says not in said, said
