"""Messages that blame the right line (issue 22, item 4): "Fix first" only for a function
that returned wrong values, never for one that is not written yet nor for an answer still
None; what cut a gradient named; sizes said as a TA says them.

The checks run on `LocalStudent` (tests/local_student.py) through the grader's own
`run_check` and `scored`, so each variant costs milliseconds."""

from __future__ import annotations

import pytest

from autograder.grade import run_check, scored
from autograder.mdtext import text_of
from tests.local_student import LocalStudent
from tests.test_feedback import CHECKS
from tests.test_feedback_roots import CIRCUITS

NOTEBOOK = "color_organ_learning.ipynb"
HP_NO_GRADIENT = '''
import math
import torch


def evaluate_lp_circuit(freqs, R, C):
    x = 2 * math.pi * freqs * R * C
    return 1 / torch.sqrt(1 + x ** 2)


def evaluate_hp_circuit(freqs, R, C):
    R = torch.tensor(R)
    x = 2 * math.pi * freqs * R * C
    return x / torch.sqrt(1 + x ** 2)
'''
BP_CALLS_HP = '''
def evaluate_bp_circuit(freqs, R_high, R_low, C):
    return evaluate_hp_circuit(freqs, R_high, C) * evaluate_lp_circuit(freqs, R_low, C)
'''
BP_NOT_IMPLEMENTED = '''
def evaluate_bp_circuit(freqs, R_high, R_low, C):
    raise NotImplementedError("TODO")
'''
BP_RETURNS_NONE = '''
def evaluate_bp_circuit(freqs, R_high, R_low, C):
    hp = evaluate_hp_circuit(freqs, R_high, C)
'''


def graded(source: str, numbers: tuple[str, ...]) -> dict[str, str]:
    """Check number -> its output, as scored() gives it (Fix first lines included)."""
    student = LocalStudent(source, "color_organ_learning.py")
    student.graded = True
    checks = [CHECKS[n] for n in numbers]
    tests, _ = scored(checks, {c.number: run_check(c, student) for c in checks},
                      {NOTEBOOK: student})
    return {t["number"]: text_of(t) for t in tests}


@pytest.mark.parametrize("bp", [BP_NOT_IMPLEMENTED, BP_RETURNS_NONE],
                         ids=["raises NotImplementedError", "returns None"])
def test_no_fix_first_for_a_function_not_written_yet(bp: str) -> None:
    """The wrong high pass is not what a band pass that is not written yet should fix."""
    out = graded(CIRCUITS + bp, ("5.10", "5.11", "5.13", "5.14"))
    assert "Fix first" not in out["5.13"] and "Fix first" not in out["5.14"], out["5.13"]
    said = graded(CIRCUITS + BP_CALLS_HP, ("5.10", "5.11", "5.13", "5.14"))["5.13"]
    assert said.startswith("Fix first: evaluate_hp_circuit fails 5.10, 5.11")  # written: told


def test_no_fix_first_for_an_answer_still_none() -> None:
    source = CIRCUITS + BP_CALLS_HP + "\nq5h_cutoffs = None\n"
    out = graded(source, ("5.10", "5.11", "5.13", "5.16"))
    assert out["5.13"].startswith("Fix first")
    assert "Fix first" not in out["5.16"] and "still None" in out["5.16"]


def test_no_fix_first_blames_a_function_that_is_not_written_yet() -> None:
    """The high pass not written: the band pass that calls it fails on its own; nothing
    says "evaluate_hp_circuit fails 5.10" as though its values were wrong."""
    source = CIRCUITS.replace("    x = 2 * math.pi * freqs * R * C\n    return x / (1 + x ** 2)",
                              '    raise NotImplementedError("TODO")') + BP_CALLS_HP
    assert "NotImplementedError" in source
    out = graded(source, ("5.10", "5.11", "5.13"))
    assert "not implemented" in out["5.10"]
    assert not any("Fix first" in text for text in out.values()), out


def test_what_cut_the_gradient_is_named() -> None:
    """`R = torch.tensor(R)` copies R out of the graph: the message quotes that line and
    says why, rather than "use torch operations" (which R = torch.tensor(R) seems to be)."""
    out = graded(HP_NO_GRADIENT, ("5.10", "5.11"))
    assert "Fix first" not in out["5.10"] and "Right at" in out["5.10"]  # values are right
    assert ("In evaluate_hp_circuit, `R = torch.tensor(R)` is what cut it: torch.tensor() of "
            "a tensor copies it out of the graph") in out["5.11"], out["5.11"]


@pytest.mark.parametrize("line, said", [
    ("    x = 2 * math.pi * freqs * R.detach() * C", "`x = 2 * math.pi * freqs * R.detach() * C`"
                                                    " is what cut it: detach()"),
    ("    x = 2 * math.pi * freqs * float(R) * C", "float() turns it into a plain Python number"),
    ("    x = np.asarray(2 * math.pi * freqs * R * C)", "numpy works on plain numbers"),
])
def test_each_kind_of_cut_is_named(line: str, said: str) -> None:
    from autograder.checks.cuts import what_cut

    source = HP_NO_GRADIENT.replace("    R = torch.tensor(R)\n    x = 2 * math.pi * freqs * R * C",
                                    line)
    assert line in source
    assert said in what_cut([source], "evaluate_hp_circuit", "R")
    assert what_cut([CIRCUITS], "evaluate_hp_circuit", "R") == ""  # torch all the way


def test_a_size_is_said_as_a_ta_says_it() -> None:
    from autograder.checks import Mismatch, assert_close

    with pytest.raises(Mismatch) as magnitudes:
        assert_close("evaluate_hp_circuit at R=30", [0.5, 0.2], [0.5, 0.74], 1e-9, 1.0)
    assert "(largest difference 0.54; allowed 1e-9)" in str(magnitudes.value)
    with pytest.raises(Mismatch) as gradient:
        assert_close("d f / d R", [0.001, 0.0], [0.002, 0.0], 1e-8, 0.002)
    assert ("(largest difference 0.001, where the largest expected entry is 0.002; allowed "
            "1e-8 of that)") in str(gradient.value)
    assert "times 1," not in str(magnitudes.value) + str(gradient.value)


def test_one_public_check_is_one() -> None:
    from autograder.report import last_line

    assert last_line(1, 1).startswith("The 1 public check passes.")
    assert last_line(2, 2).startswith("All 2 public checks pass.")


COURSE_TRAIN = ("import torch\n\n\ndef train(R, predict):\n    loss = predict().sum()\n"
                "    return torch.autograd.grad(loss, [R])")
STUDENT_HP = ("def evaluate_hp_circuit(freqs, R, C):\n    R = torch.tensor(R)\n"
              "    return freqs * R * C")
TRAINS = ("R_hp = torch.tensor(50.0, requires_grad=True)\n"
          "train(R_hp, lambda: evaluate_hp_circuit(torch.ones(3), R_hp, 1e-6))")


def test_an_error_in_the_course_code_names_the_students_function(tmp_path,  # noqa: ANN001
                                                                 monkeypatch) -> None:  # noqa: ANN001
    """autograd.grad raises in the course's `train` (its cell is not the student's): the
    message names train() and the line of the student's function that cut the graph."""
    import sys

    from autograder.engine import notebook
    from autograder.engine.student import Student

    monkeypatch.setattr(sys, "stdin", sys.stdin)
    cells = notebook.counted([notebook.Cell(1, "markdown", "# (f)"),
                              notebook.Cell(2, "code", COURSE_TRAIN),
                              notebook.Cell(3, "code", STUDENT_HP),
                              notebook.Cell(4, "code", TRAINS)])
    kernel = notebook.Kernel(cells, {})
    errors = [kernel.run(n, None) for n in (2, 3, 4)]
    assert errors[:2] == [None, None] and errors[2]["line"] == (
        "In [3] (the cell that starts `R_hp = ...`), line 2, in train(), In [1] (the cell "
        "that starts `import torch`), line 6")
    student = Student(tmp_path / NOTEBOOK, NOTEBOOK, None, None, [], tmp_path)
    student._cells, student.load_errors = {c.number: c for c in cells}, [errors[2]]
    [problem] = student.problems()
    assert "raised RuntimeError" in problem and ("No gradient came back through your code. In "
                                                 "evaluate_hp_circuit, `R = torch.tensor(R)` is "
                                                 "what cut it") in problem, problem


def test_a_value_set_again_names_the_cell_that_set_it_last(tmp_path) -> None:  # noqa: ANN001
    from autograder.engine import notebook
    from autograder.engine.student import Student

    cells = notebook.counted([
        notebook.Cell(1, "code", "%matplotlib inline\nq5e_resistor = 200.0"),
        notebook.Cell(2, "code", 'print("q5e_resistor =", q5e_resistor)'),  # reads it only
        notebook.Cell(3, "code", "def f(q5e_resistor):\n    q5e_resistor = 1"),  # a local
        notebook.Cell(4, "code", "for q5e_resistor in (1.0, 2.0):\n    pass")])
    student = Student(tmp_path / NOTEBOOK, NOTEBOOK, None, None, [], tmp_path)
    student._cells = {c.number: c for c in cells}
    assert student.set_again("q5e_resistor") == (
        "Note: q5e_resistor is set in In [1] and set again in In [4] (the cell that starts "
        "`for q5e_resistor in (1.0, 2.0):`): the notebook runs top to bottom, so the value "
        "graded is the one that last cell gives it.")
    assert student.set_again("f") == ""


def test_a_name_whose_cell_raised_in_the_kernel_says_so(tmp_path) -> None:  # noqa: ANN001
    from autograder.kit.live import LiveStudent

    names = {"In": ["", "import torch", "q5e_resistor = train()\nprint(q5e_resistor)"]}
    live = LiveStudent(names, None, tmp_path)
    assert live._missing("q5e_resistor").startswith(
        "q5e_resistor is not defined in this kernel, though In [2] sets it: that cell stopped "
        "with an error")
    assert "run the cell that defines it" in live._missing("q5f_resistor")  # never ran


@pytest.mark.parametrize("what, says", [
    ("q7", "HW0 has no part q7"), ("q2", "Part q2 is in hw0.py"), ("7.1", "HW0 has no check 7.1"),
    ("1.3", "Check 1.3 is about hw0.py")])
def test_check_names_only_parts_that_exist(what: str, says: str) -> None:
    from autograder.kit.check import _selector

    assert _selector(what).startswith(says)
    assert callable(_selector("q5e")) and callable(_selector("5.8"))


def test_printed_output_shows_no_path_of_the_graders(tmp_path) -> None:  # noqa: ANN001
    """A warning whose frame is the worker's (the student's function called by it) names
    the call, not the kit's or the grader's own file and line."""
    from autograder.grade import _printed_output

    (tmp_path / "output-ipynb-1.txt").write_text(
        "hello\n/home/s/.venv/lib/python3.12/site-packages/hw0_selfcheck/engine/worker.py:102:"
        " UserWarning: To copy construct from a tensor, ...\n"
        "  out = func(*args, **(kwargs or {}))\n"
        "<ipython-input-7-0a1b2c3d4e5f>:2: UserWarning: careful\n  warnings.warn('careful')\n")
    [printed] = _printed_output(tmp_path)
    assert "hw0_selfcheck" not in printed and "func(*args" not in printed
    assert "In a call from the grader: UserWarning: To copy construct from a tensor" in printed
    assert "In [7]:2: UserWarning: careful" in printed


def test_naming_one_file_grades_that_file_and_warns_of_no_other(tmp_path) -> None:  # noqa: ANN001
    """`python -m hw0_selfcheck "hw0 (1).py"` beside hw0.py: that file, and no "Several
    files could be hw0.py" (the student said which)."""
    from autograder.engine.submission import find

    for name in ("hw0.py", "hw0 (1).py", NOTEBOOK):
        (tmp_path / name).write_text("x = 1\n")
    assert any("Several files could be hw0.py" in n for n in find(tmp_path).notes)
    for name in ("hw0 (1).py", "hw0.py"):
        found = find(tmp_path, "hw0.py", named=tmp_path / name)
        assert found.files == {"hw0.py": tmp_path / name} and found.notes == []


def test_check_knows_a_question_added_to_the_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kit's check() once listed hw0.py's questions itself ("12346"): a Q7 added by the
    recipe was "HW0 has no part q7" in the student's notebook."""
    from types import SimpleNamespace

    import autograder.checks as checks
    from autograder.kit.check import _selector

    before = checks.all_checks()
    added = SimpleNamespace(number="7.1", file=checks.HW0_PY, part="q7")
    monkeypatch.setattr(checks, "all_checks", lambda: [*before, added])
    assert _selector("q7").startswith("Part q7 is in hw0.py")
    assert _selector("7.1").startswith("Check 7.1 is about hw0.py")
    assert "q6, q7 in hw0.py" in _selector("q8")
