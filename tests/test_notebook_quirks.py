"""Notebooks as Jupyter, Colab and VS Code save them (tests/corpus/notebooks/quirks.py),
graded in one `python -m autograder batch` run: each loses exactly the Q5 parts it names,
shows the note it names, and never moves a hw0.py part. Then the notebook reader and the
IPython kernel directly, on what a batch cannot see."""

from __future__ import annotations

import json
import re
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from autograder.engine import notebook, worker
from autograder.staff.verify import lost_parts
from tests.conftest import PROJECT, hw0_parts, run_cli
from tests.corpus.notebooks.quirks import CELL_SECONDS, QUIRKS, reference

HW0_PARTS = hw0_parts()  # q1 ... q6
pytestmark = pytest.mark.slow(240)  # the batch of every quirk (graded)


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    root = tmp_path_factory.mktemp("quirks")
    for quirk in QUIRKS:
        quirk.write(root / quirk.name)
    out = tmp_path_factory.mktemp("quirks-results")
    done = run_cli("batch", root, "-o", out, env={"HW0_CELL_SECONDS": str(CELL_SECONDS)})
    assert done.returncode == 0, done.stderr[-3000:]
    return {p.parent.name: json.loads(p.read_text()) for p in out.glob("*/results.json")}


@pytest.mark.parametrize("quirk", QUIRKS, ids=lambda q: q.name)
def test_quirk_scores_exactly_and_says_why(graded: dict, quirk) -> None:  # noqa: ANN001
    results = graded[quirk.name]
    lost = lost_parts(results)
    assert lost - HW0_PARTS == set(quirk.loses), results["output"][:3000]
    # hw0.py's parts: all kept beside the reference, all lost when broken or not there
    assert lost & HW0_PARTS == (set() if quirk.beside_hw0 and not quirk.hw0 else HW0_PARTS)
    for test in results["tests"]:  # a lost part is lost entirely, a kept one in full
        assert test["score"] in (0, test["max_score"]), test
    for phrase in quirk.says:
        assert phrase in results["output"], (phrase, results["output"][:3000])
    tests = {t["number"]: t["output"] for t in results["tests"]}
    for number, phrase in quirk.test_says.items():
        assert phrase in tests[number], tests[number]
    assert "Traceback" not in json.dumps(results)


def test_a_notebook_that_times_itself_grades_the_same_twice(graded: dict,
                                                           tmp_path: Path) -> None:
    """%time, %timeit and tqdm print rates and times that differ on every run, and an
    unseeded random.random() a different number."""
    quirk = next(q for q in QUIRKS if q.name == "timings_and_progress_bars")
    quirk.write(tmp_path / "again")
    out = tmp_path / "again.json"
    done = run_cli("grade", tmp_path / "again", "-o", out,
                   env={"HW0_CELL_SECONDS": str(CELL_SECONDS)})
    assert done.returncode == 0, done.stderr[-2000:]
    again, first = json.loads(out.read_text()), graded[quirk.name]
    assert {**again, "execution_time": 0} == {**first, "execution_time": 0}
    assert "warm" in first["output"] and "it/s" not in first["output"]
    assert "draw 0." in first["output"]


def test_the_kits_own_cells_leave_no_note(graded: dict) -> None:
    """Full marks (test_quirk_scores_exactly_and_says_why) and not a word about them."""
    output = graded["kit_install_first_and_check_last"]["output"]
    assert "hw0_selfcheck" not in output and "hw0-kit" not in output, output[:3000]
    assert "skipped" not in output and "installs nothing" not in output, output[:3000]


def test_each_problem_is_said_once_at_the_top(graded: dict) -> None:
    broken = graded["hw0_does_not_compile"]
    assert broken["output"].count("does not compile") == 1
    hw0_tests = [t["output"] for t in broken["tests"] if t["tags"][0] in HW0_PARTS]
    assert all(len(out) < 200 and "does not compile" in out for out in hw0_tests), hw0_tests
    stray = graded["stray_assert_in_the_middle"]
    assert stray["output"].count("AssertionError") == 1
    assert all("AssertionError" not in t["output"] for t in stray["tests"])


def test_what_to_fix_comes_before_what_was_printed(graded: dict) -> None:
    output = graded["input_call"]["output"]
    assert output.index("input() cannot be answered") < output.index("Printed by")


# ---------------------------------------------------------------- reading and the kernel


@pytest.mark.parametrize("data, says", [
    (b'{"cells": ' + b"[" * 200_000 + b"]" * 200_000 + b"}", "nested far deeper"),
    (b"", "is empty"),
    (b"{not json", "is not JSON"),
    (b'{"a": 1}', "JSON but not a notebook"),
    (b"  <html><body>Jupyter</body></html>", "web page (HTML)"),
    # JSON, but not a valid notebook (issue 21): once a TypeError, 8 "errors of its own"
    (b'{"cells": {"a": 1}, "nbformat": 4}', "not a valid notebook: at cells, {'a': 1} is not "
                                            "of type 'array'"),
    (b'{"cells": 7}', "not a valid notebook: at cells, 7 is not of type 'array'"),
    (b'{"cells": "print(1)"}', "not a valid notebook: at cells, 'print(1)' is not of type"),
    (b'{"cells": [1]}', "not a valid notebook: at cells[0], 1 is not of type"),
    (b'{"cells": [{"cell_type": "code", "source": [3]}]}', "not a valid notebook: at cells[0]"),
])
def test_a_file_that_is_not_a_notebook_says_what_it_is(data: bytes, says: str) -> None:
    with pytest.raises(notebook.NotANotebook, match=re.escape(says)):
        notebook.parse(data, "color_organ_learning.ipynb")


def test_stripped_keeps_every_cell_number_and_no_output() -> None:
    nb = reference()
    nb["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x" * 999}]
    cells = notebook.parse(json.dumps(nb).encode(), "n.ipynb")
    again = notebook.parse(notebook.stripped(cells), "n.ipynb")
    assert again == cells and len(again) == len(nb["cells"])
    assert b"x" * 999 not in notebook.stripped(cells)


def test_a_cell_is_named_as_the_student_sees_it() -> None:
    """In [n] as Jupyter shows it after Restart & Run All: the n-th code cell that is not
    blank (markdown, raw and blank cells have no number)."""
    cells = notebook.counted([
        notebook.Cell(1, "markdown", "# (c)"), notebook.Cell(2, "code", "import math"),
        notebook.Cell(3, "code", "  \n"), notebook.Cell(4, "raw", "x"),
        notebook.Cell(5, "code", "# BEGIN SOLUTION\n\nbinary_lp = (desired_lp >= 0.7)\n"),
        notebook.Cell(6, "code", "for i in range(10):\n    pass")])
    assert [c.count for c in cells] == [None, 1, None, None, 2, 3]
    assert cells[4].where(6) == "In [2] (the cell that starts `binary_lp = ...`), line 6"
    assert cells[5].where() == "In [3] (the cell that starts `for i in range(10):`)"


def test_the_kernel_writes_no_history_and_names_each_skipped_command(tmp_path: Path,
                                                                     monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(sys, "stdin", sys.stdin)  # the kernel replaces it: put it back after
    cells = [notebook.Cell(1, "markdown", "# title"),
             notebook.Cell(2, "code", "x = !echo hi\n%system echo hi\ny = 1"),
             notebook.Cell(3, "code", "%%script bash\necho hi > made_by_bash.txt"),
             notebook.Cell(4, "code", "%conda install seaborn\nz = y + 1")]
    session = worker.Session()
    session.names = {}
    session.kernel = notebook.Kernel(cells, session.names)
    assert [session.cell(n, None)["error"] for n in (2, 3, 4)] == [None, None, None]
    assert session.names["z"] == 2 and list(session.names["x"]) == []
    assert [n["cell"] for n in session.kernel.notes] == [2, 2, 3, 4]  # each skip, once
    assert not (tmp_path / "made_by_bash.txt").exists()
    assert not list(tmp_path.rglob("*.sqlite")) and not (tmp_path / ".ipython").exists()
    assert session.kernel.shell.history_manager.hist_file == ":memory:"


def test_timing_magics_run_once_and_print_nothing_that_changes(monkeypatch,  # noqa: ANN001
                                                             capfd) -> None:  # noqa: ANN001
    """Two gradings of one notebook must agree: %time, %timeit and tqdm print no timing."""
    monkeypatch.setattr(sys, "stdin", sys.stdin)
    import tqdm.std

    monkeypatch.setenv("TQDM_DISABLE", "")  # the kernel sets both; monkeypatch puts them back
    monkeypatch.setattr(tqdm.std.tqdm, "__init__", tqdm.std.tqdm.__init__)
    cells = [notebook.Cell(1, "code", "from tqdm import tqdm\nfor i in tqdm(range(3)):\n"
                                      "    pass\ncalls = []"),
             notebook.Cell(2, "code", "%%time\nx = sum(range(10))"),
             notebook.Cell(3, "code", "y = %time sum(range(4))\n"
                                      "%timeit -n 3 -r 2 calls.append(1)\n"
                                      "!pip install foo\n%pip install bar"),
             notebook.Cell(4, "code", "%%timeit -n1 w = 2\nv = w * 3"),
             notebook.Cell(5, "code", "%time undefined_name")]
    session = worker.Session()
    session.kernel = notebook.Kernel(cells, session.names)
    errors = [session.cell(n, None)["error"] for n in range(1, 6)]
    assert errors[:4] == [None] * 4 and errors[4]["type"] == "NameError"
    assert errors[4]["line"].startswith("In [5] ")
    assert {k: session.names[k] for k in ("x", "y", "v", "calls")} == \
        {"x": 45, "y": 6, "v": 6, "calls": [1]}  # each timed statement ran once
    printed = capfd.readouterr()
    assert "time" not in (printed.out + printed.err).lower(), printed
    assert "it/s" not in printed.err
    assert [n["message"][:12] for n in session.kernel.notes] == [
        "the shell co", "`%pip instal"]  # both skips of cell 3, each named


def test_a_name_never_defined_points_at_the_failing_cell_that_defines_it(tmp_path: Path) -> None:
    from autograder.engine.student import Student

    cells = notebook.counted([
        notebook.Cell(1, "code", "import math"),
        notebook.Cell(2, "code", "desired_hp = hp_of(60.0)\nq5f_resistor = 1.0"),
        notebook.Cell(3, "code", "desired_bp = bp_of(200.0)\nq5g_resistors = (1.0, 2.0)")])
    student = Student(tmp_path / "color_organ_learning.ipynb", "color_organ_learning.ipynb",
                      None, None, [], tmp_path)  # no worker: only the pointing is tested
    student._cells = {c.number: c for c in cells}
    student.load_errors = [{"type": "NameError", "cell": n, "line": cells[n - 1].where(1)}
                           for n in (2, 3)]
    assert "In [3] (the cell that starts `desired_bp = ...`)" in student._missing("q5g_resistors")
    assert "In [2]" in student._missing("q5i_resistors")  # defined nowhere: the first error


def test_a_call_into_a_cell_function_names_that_cell(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(sys, "stdin", sys.stdin)
    cells = [notebook.Cell(1, "code", "import math\n"),
             notebook.Cell(2, "code", "def f(x):\n    return math.log(x)\n")]
    session = worker.Session()
    session.kernel = notebook.Kernel(cells, session.names)
    for n in (1, 2):
        session.cell(n, None)
    with pytest.raises(ValueError) as raised:
        session.call("f", [-1.0])
    assert session.describe(raised.value)["line"] == \
        "In [2] (the cell that starts `def f(x):`), line 2"


@pytest.mark.parametrize("line, says", [
    ('name = input("Your name: ")', "input() cannot be answered while grading"),
    ('print "x"', "Missing parentheses"),
    ("import seaborn", "No module named 'seaborn'"),
])
def test_hw0_load_errors_say_what_happened(tmp_path: Path, monkeypatch, line: str,  # noqa: ANN001
                                           says: str) -> None:
    monkeypatch.setattr(sys, "stdin", sys.stdin)
    (tmp_path / "hw0.py").write_text(f"x = 1\n{line}\ny = 2\n")
    session = worker.Session()
    error, = session.load(str(tmp_path / "hw0.py"))["errors"]
    assert says in error["message"] and "line 2" in error["line"]
    compiles = error.get("compiles", True)
    assert session.names.get("x") == (1 if compiles else None)  # what ran before is kept


def test_the_students_guide_lists_the_grading_environment() -> None:
    """docs/students.md names every package a notebook may import, with the range
    pyproject.toml requires (so the list cannot drift from the image; requirements.txt pins
    the exact versions within it per Python: tests/test_lock.py)."""
    from autograder.staff.lock import runtime_requirements

    guide = (PROJECT / "docs" / "students.md").read_text()
    section = guide.split("## The grading environment", 1)[1].split("\n## ", 1)[0]
    requirements = "\n".join(runtime_requirements())
    for package in notebook.ENVIRONMENT:
        pin = re.search(rf"^{package.lower()}\s*([=><]=\s*[\w.]+)", requirements, re.M | re.I)
        assert pin, f"{package} is not in requirements.txt"
        assert f"| {package} | `{pin.group(1).replace(' ', '')}` |" in section, package
        version(package)  # installed here, as in the image


def test_the_kits_own_cells_run_silently_and_leave_no_module_behind(monkeypatch) -> None:  # noqa: ANN001
    """The kit's README advises `!pip install hw0-kit.zip` first and `check()` last: while
    grading (hw0_selfcheck not installed) both do nothing, raise nothing and leave no note;
    the stand-in module is gone after the cell."""
    monkeypatch.setattr(sys, "stdin", sys.stdin)
    monkeypatch.delitem(sys.modules, "hw0_selfcheck", raising=False)
    cells = [notebook.Cell(1, "code", "!pip install -q /content/hw0-kit.zip\n"
                                      "%pip install hw0-kit.zip"),
             notebook.Cell(2, "code", "x = 1"),
             notebook.Cell(3, "code", "from hw0_selfcheck import check\ncheck()"),
             notebook.Cell(4, "code", "import hw0_selfcheck\nhw0_selfcheck.check('q5e')\n"
                                      "check('hw0.py')\n!python -m hw0_selfcheck .\ny = x + 1"),
             notebook.Cell(5, "code", "!echo hi")]
    session = worker.Session()
    session.kernel = notebook.Kernel(cells, session.names)
    assert [session.cell(n, None)["error"] for n in range(1, 6)] == [None] * 5
    assert session.names["y"] == 2
    assert [n["cell"] for n in session.kernel.notes] == [5]  # another command is still named
    assert "hw0_selfcheck" not in sys.modules
