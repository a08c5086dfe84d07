"""Feedback that points at the root (issue 18): the score first, "Fix first" for a test built
on a wrong function, no direction a message does not know, a misconception named only when
the code shows it, arguments changed in place, resistors named.

Each test is built as students make the mistake: a hw0.py or notebook variant, graded by the
grader (one submission, graded once) or by the checks on `LocalStudent`."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from autograder import feedback
from autograder.checks.misconceptions import LIKELY
from autograder.engine.answers import modified_arguments
from autograder.engine.worker import Session
from autograder.mdtext import text_of
from tests.conftest import PROJECT
from tests.local_student import LocalStudent
from tests.test_feedback import CHECKS, REFERENCE, edit, outcome

IN_PLACE_GD_STEP = ("    return w - eta * (F.T @ (F @ w - y))",
                    "    w -= eta * (F.T @ (F @ w - y))\n    return w")
HP_RIGHT = "return x / torch.sqrt(1 + x ** 2)"
HP_WRONG = "return x / (1 + x ** 2)"  # the square root forgotten


def notebook_with(old: str, new: str) -> str:
    """The reference notebook with one change in a code cell."""
    nb = json.loads((PROJECT / "reference" / "color_organ_learning.ipynb").read_text())
    sources = ["".join(c["source"]) for c in nb["cells"]]
    assert sum(s.count(old) for s in sources) == 1, old
    for cell, source in zip(nb["cells"], sources, strict=True):
        cell["source"] = source.replace(old, new).splitlines(keepends=True)
    return json.dumps(nb, indent=1)


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A student whose gd_step updates w in place (and who prints), and whose
    evaluate_hp_circuit forgets the square root; graded once by the grader."""
    from autograder.grade import grade

    folder = tmp_path_factory.mktemp("root-causes")
    hw0 = 'print("checking my hw0")\n' + edit(REFERENCE, *IN_PLACE_GD_STEP)
    (folder / "hw0.py").write_text(hw0)
    (folder / "color_organ_learning.ipynb").write_text(notebook_with(HP_RIGHT, HP_WRONG))
    data = grade(folder)
    return {"output": data["output"],  # each test's output as text (mdtext.py)
            **{t["number"]: {**t, "output": text_of(t)} for t in data["tests"]}}


def test_the_output_opens_with_the_score_and_the_failed_tests(graded: dict) -> None:
    first, _, rest = graded["output"].partition("\n")
    failed = sorted((n for n, t in graded.items() if n != "output" and t["status"] == "failed"),
                    key=lambda n: tuple(map(int, n.split("."))))
    assert first.startswith(feedback.SCORE) and f"Failed: {', '.join(failed)}." in first
    assert "1.2" in failed and "5.13" in failed and "1.1" not in failed
    assert rest.index("Fix first: gd_step changes its argument w in place (see 1.1); 1.2 "
                      "builds on it.") \
        < rest.index("Fix first: evaluate_hp_circuit fails 5.10, 5.11; 5.12, 5.13") \
        < rest.index("Printed by hw0.py")
    assert "checking my hw0" in rest.split("Printed by hw0.py")[1]


def test_a_test_built_on_a_wrong_function_says_which_to_fix_first(graded: dict) -> None:
    """evaluate_bp_circuit calls a wrong evaluate_hp_circuit: 5.13-5.17 say "fix 5.10"."""
    said = {n: graded[n]["output"].splitlines()[0] for n in ("5.13", "5.14", "5.15", "5.16")}
    assert said["5.13"] == ("Fix first: evaluate_hp_circuit fails 5.10, 5.11, and "
                            "evaluate_bp_circuit calls it.")
    assert said["5.14"] == said["5.13"]
    assert said["5.15"].endswith("q5g_resistors was computed with it (through "
                                 "evaluate_bp_circuit).")
    assert graded["5.17"]["output"].startswith("Fix first: evaluate_hp_circuit fails 5.10")
    assert not graded["5.10"]["output"].startswith("Fix first")  # the root itself


def test_a_function_that_changes_its_argument_in_place_is_told_so(graded: dict) -> None:
    """gd_step does w -= ...: 1.1 passes and says so; 1.2 (rows all equal) says fix it."""
    assert graded["1.1"]["status"] == "passed"
    assert "Note: gd_step changes its argument w in place" in graded["1.1"]["output"]
    assert graded["1.2"]["output"].startswith(
        "Fix first: gd_step changes its argument w in place (see 1.1), and gd_iterates "
        "calls it.")


def test_the_band_pass_messages_name_each_resistor(graded: dict) -> None:
    assert "evaluate_bp_circuit at R_high=200, R_low=60 is wrong" in graded["5.13"]["output"]
    assert "d evaluate_bp_circuit / d R_high at R_high=200, R_low=60" in graded["5.14"]["output"]


CIRCUITS = '''
import math
import torch


def evaluate_lp_circuit(freqs, R, C):
    x = 2 * math.pi * freqs * R * C
    return 1 / torch.sqrt(1 + x ** 2)


def evaluate_hp_circuit(freqs, R, C):
    x = 2 * math.pi * freqs * R * C
    return x / (1 + x ** 2)
'''
BP_CALLS_HP = '''
def evaluate_bp_circuit(freqs, R_high, R_low, C):
    return evaluate_hp_circuit(freqs, R_high, C) * evaluate_lp_circuit(freqs, R_low, C)
'''
BP_OWN_FORMULA = '''
def evaluate_bp_circuit(freqs, R_high, R_low, C):
    x, z = 2 * math.pi * freqs * R_high * C, 2 * math.pi * freqs * R_low * C
    return x / torch.sqrt(1 + x ** 2) / (1 + z ** 2)
'''


def roots_of(source: str) -> dict[str, tuple[str, str]]:
    student = LocalStudent(source, "color_organ_learning.py")
    ran = [CHECKS[n] for n in ("5.10", "5.11", "5.13", "5.14")]
    failed = {c.number for c in ran if not outcome(student, c.number)[0]}
    assert {"5.10", "5.13"} <= failed
    return feedback.roots(ran, failed, student.modified,
                          {"color_organ_learning.ipynb": student.sources()})


def test_fix_first_only_when_the_wrong_function_is_really_called() -> None:
    """A wrong band pass with its own formula does not call the wrong high pass: nothing
    points at 5.10; the same band pass calling it does."""
    assert "5.13" in roots_of(CIRCUITS + BP_CALLS_HP)
    assert roots_of(CIRCUITS + BP_OWN_FORMULA) == {}


@pytest.mark.parametrize("factor", ["20.0", "0.2"])  # ten times too large, too small
def test_max_stable_lr_message_implies_no_direction(factor: str) -> None:
    passed, text = outcome(LocalStudent(edit(REFERENCE, "return 2.0 / alpha**2",
                                             f"return {factor} / alpha**2")), "1.3")
    first = re.sub(r"= \S+ is", "= # is", text.splitlines()[0])
    assert not passed
    assert first == ("max_stable_lr(F) = # is wrong for this F: the answer is the rate at which "
                     "gradient descent on F passes from never diverging to possibly diverging. "
                     "This message is the same whichever side of it your value lies on.")
    assert not re.search(r"\b(largest|smallest|larger|smaller|too|above|below)\b", text)


LOSS = ("import math\nimport torch\nLED_THRESHOLD = 1 / math.sqrt(2)\n\n\n"
        "def loss_fn_binary(pred, target):\n    {}\n")


@pytest.mark.parametrize("body, plain_mse", [
    ("return torch.mean((pred - target) ** 2)", True),
    ("return ((pred - target) ** 2).sum()", True),  # MSE up to a constant: the same pull
    ("return torch.nn.functional.binary_cross_entropy(pred.clamp(1e-6, 1 - 1e-6), target)",
     False),
])
def test_plain_mse_is_named_only_when_the_loss_is_plain_mse(body: str, plain_mse: bool) -> None:
    passed, text = outcome(LocalStudent(LOSS.format(body), "color_organ_learning.py"), "5.8")
    assert not passed and "lands at R = " in text
    assert (LIKELY + "loss_fn_binary is plain MSE" in text) is plain_mse
    assert ("MSE" in text) is plain_mse, text


def test_the_worker_names_an_argument_changed_in_place() -> None:
    session = Session()
    session.names.update(step=lambda F, w: w.__isub__(F @ w),
                         scale=lambda freqs, R: R.mul_(2) * freqs, pure=lambda F, w: w - F @ w)
    F, w = np.eye(2), np.ones(2)
    assert session.call("step", [F, w])["modified"] == ["w"]
    assert "modified" not in session.call("pure", [F, w])
    assert session.call("scale", [np.ones(3), 2.0], tensors=[0, 1])["modified"] == ["R"]


@pytest.mark.parametrize("reply, names", [
    ({"ok": 1.0, "modified": ["w"]}, ["w"]),
    ({"ok": 1.0, "modified": ["w; rm -rf", 5, "argument 3", "x" * 41]}, ["argument 3"]),
    ({"ok": 1.0, "modified": ["w"] * 11}, []), ({"ok": 1.0, "modified": "w"}, []),
    ({"ok": 1.0}, []),
])
def test_the_grader_validates_the_names_it_is_sent(reply: dict, names: list) -> None:
    assert modified_arguments(reply) == names


def test_the_score_line_is_left_out_of_the_terminal_report() -> None:
    from autograder.report import split_output

    notes, printed = split_output(
        "Score: 1 / 2. Failed: 1.2.\n\nFix first: x\n\nPrinted by hw0.py:\nhi")
    assert notes == "Fix first: x" and printed.startswith("Printed by")


def test_a_copy_of_the_reference_gets_no_fix_first(tmp_path: Path) -> None:
    """hw0.py alone, right: every hw0.py test passes and nothing points at a root."""
    from autograder.grade import grade

    shutil.copy(PROJECT / "reference" / "hw0.py", tmp_path / "hw0.py")
    data = grade(tmp_path)
    hw0 = [t for t in data["tests"] if t["tags"][0] in ("q1", "q2", "q3a", "q4a")]
    assert all(t["status"] == "passed" for t in hw0)
    assert "Fix first" not in json.dumps(data) and "in place" not in json.dumps(data)
