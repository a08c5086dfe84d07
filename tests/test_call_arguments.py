"""Student functions are called with their arguments as the student's own code passes them:
the grader names the arguments that become float64 torch tensors (and those that require
grad); the worker checks that request and converts nothing else (C stays a Python float)."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.checks import Mismatch, all_checks, fixtures
from autograder.engine import channel
from autograder.engine.answers import SubmissionError
from autograder.engine.worker import Session, reply_to
from tests.local_student import LocalStudent

CHECKS = {c.number: c for c in all_checks()}
PROBE = '''
import numpy as np
import torch


def probe(freqs, R, C):
    """What each argument arrived as."""
    return [isinstance(freqs, torch.Tensor) and freqs.dtype == torch.float64,
            isinstance(R, torch.Tensor) and R.dtype == torch.float64, bool(
                isinstance(R, torch.Tensor) and R.requires_grad), type(C) is float,
            isinstance(freqs, np.ndarray)]
'''
# The tester's high pass: numpy on every argument, as a student may write it.
NUMPY_ONLY = '''
import math

import numpy as np
import torch


def evaluate_lp_circuit(freqs, R, C):
    x = 2 * math.pi * torch.as_tensor(freqs) * torch.as_tensor(R) * C
    return 1 / torch.sqrt(1 + x ** 2)


def evaluate_hp_circuit(freqs, R, C):
    x = 2 * np.pi * np.asarray(freqs) * np.asarray(R) * C
    return torch.as_tensor(x / np.sqrt(1 + x ** 2))


def evaluate_bp_circuit(freqs, R_high, R_low, C):
    return evaluate_hp_circuit(freqs, R_high, C) * evaluate_lp_circuit(freqs, R_low, C)
'''


@pytest.fixture
def session(tmp_path) -> Session:  # noqa: ANN001
    (tmp_path / "probe.py").write_text(PROBE)
    session = Session()
    assert session.load(str(tmp_path / "probe.py"))["errors"] == []
    return session


def test_only_the_named_arguments_become_tensors(session: Session) -> None:
    args = [np.ones(3), 200.0, 1e-6]
    assert session.call("probe", args, None, [0, 1])["ok"] == [True, True, False, True, False]
    assert session.call("probe", args)["ok"] == [False, False, False, True, True]


def test_only_the_arguments_in_wrt_require_grad(session: Session) -> None:
    reply = session.call("probe", [np.ones(3), 200.0, 1e-6], [1], [0, 1])
    assert reply["ok"] == {"value": [True, True, True, True, False], "grads": None}


def test_integer_arguments_arrive_as_integers_and_come_back_so(tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "labels.py").write_text(
        "import numpy as np\nimport torch\n\n\n"
        "def pick(logits, y, k):\n"
        "    kinds = [str(y.dtype), type(k).__name__]\n"
        "    return kinds, logits[torch.arange(len(y)), y] * k, y\n")
    session = Session()
    assert session.load(str(tmp_path / "labels.py"))["errors"] == []
    logits, y = np.arange(6.0).reshape(2, 3), np.array([2, 0])
    kinds, picked, back = session.call("pick", [logits, y, 3], None, [0, 1])["ok"]
    assert kinds == ["torch.int64", "int"] and picked.tolist() == [6.0, 9.0]
    assert back.dtype == np.int64 and back.tolist() == [2, 0]
    # An integer has no gradient: asking for one is the grader's mistake, not the student's.
    reply = reply_to(session, {"op": "call", "name": "pick", "args": [logits, y, 3],
                               "tensors": [0, 1], "wrt": [1], "id": 1})
    assert reply["error"]["type"] == "Protocol"


def test_an_integer_label_array_reaches_the_reference_and_the_student_as_integers(
        session: Session) -> None:
    session.names["kind"] = lambda y, k: [str(y.dtype), type(k).__name__]
    y = np.array([1, 0, 2], dtype=np.int32)
    request = channel.loads(channel.dumps({"op": "call", "name": "kind", "args": [y, 2]}))
    assert reply_to(session, request)["ok"] == ["int64", "int"]
    # The kit's recorded inputs, which its checks hand the recorded reference, keep it too.
    example = fixtures.from_data(fixtures.to_data({"y": y, "k": 2}))
    assert example["y"].dtype == np.int64 and type(example["k"]) is int


@pytest.mark.parametrize("tensors, wrt", [
    ([1, 1], None), ([3], None), ([True], None), (["0"], None), (0, None), ([2], None),
    ([0], [1]), ([0], "0"),
], ids=["twice", "no such argument", "a bool", "a string", "not a list", "the string C",
        "wrt not a tensor", "wrt not a list"])
def test_a_malformed_request_is_a_protocol_error_and_calls_nothing(
        session: Session, tensors: object, wrt: object) -> None:
    session.names["probe"] = lambda *a: pytest.fail("called")
    reply = reply_to(session, {"op": "call", "name": "probe", "args": [np.ones(3), 2.0, "C"],
                               "tensors": tensors, "wrt": wrt, "id": 7})
    assert reply["error"]["type"] == "Protocol" and reply["id"] == 7


@pytest.mark.parametrize("number, passes", [("5.10", True), ("5.13", True), ("5.11", False),
                                            ("5.14", False)])
def test_a_numpy_only_high_pass_keeps_its_values_and_loses_its_gradients(
        number: str, passes: bool) -> None:
    student = LocalStudent(NUMPY_ONLY, "color_organ_learning.py")
    try:
        text, passed = CHECKS[number].run(student), True
    except (Mismatch, SubmissionError) as exc:
        text, passed = str(exc), False
    assert passed == passes, text
    if not passes:
        assert "no gradient flows" in text and "Tensor that requires grad" in text
