"""Uploads students really make, each the reference with one change, graded in one
`python -m autograder batch` run: each scores full marks. One test per kind (issue 16):

- the notebook's extension in another case: the finder gives the file its role;
- a notebook that imports a module, and reads a data file, uploaded beside it;
- a notebook that leaves torch's and numpy's global state changed after its answers;
- a circuit that mixes a float32 stage into a float64 answer (checked locally below).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from autograder.staff.verify import lost_parts
from tests.conftest import PROJECT, run_cli
from tests.corpus.notebooks.quirks import append, edit, reference

HELPER = '''"""The student's own helper module, uploaded beside the notebook."""
import json
import math

import torch

SETTINGS = json.load(open("filter_settings.json"))  # a data file, read from the kernel's folder


def evaluate_hp_circuit(freqs, R, C):
    freqs = torch.as_tensor(freqs)
    R = torch.as_tensor(R)
    x = SETTINGS["two_pi"] * freqs * R * C
    return x / torch.sqrt(1 + x ** 2)
'''
HP_CELL = "def evaluate_hp_circuit(freqs, R, C):"
HP_BODY = """    freqs = torch.as_tensor(freqs)
    R = torch.as_tensor(R)
    x = 2 * math.pi * freqs * R * C
    return x / torch.sqrt(1 + x ** 2)
"""
TORCH_STATE = """# Inference only from here on, and faster floats
torch.set_grad_enabled(False)
torch.set_default_dtype(torch.float32)
torch.autograd.set_detect_anomaly(True)
torch.set_num_threads(2)
torch.use_deterministic_algorithms(True)
torch.set_flush_denormal(True)
np.seterr(all="raise")
import warnings

pytestmark = pytest.mark.slow(60)  # every upload kind graded in one batch
warnings.simplefilter("error")  # every warning an exception, the grader's own included
"""
BP_CELL = "def evaluate_bp_circuit(freqs, R_high, R_low, C):"
BP_MIXED = ("evaluate_hp_circuit(freqs, R_high, C).float() "
            "* evaluate_lp_circuit(freqs, R_low, C)")
BP_REFERENCE = "evaluate_hp_circuit(freqs, R_high, C) * evaluate_lp_circuit(freqs, R_low, C)"


def _write(folder: Path, nb: dict, name: str = "color_organ_learning.ipynb",
           extra: dict[str, str] | None = None) -> None:
    folder.mkdir(parents=True)
    shutil.copy(PROJECT / "reference" / "hw0.py", folder / "hw0.py")
    (folder / name).write_text(json.dumps(nb, indent=1))
    for rel, text in (extra or {}).items():
        (folder / rel).write_text(text)


def _helper_module(nb: dict) -> dict:
    nb = edit(HP_CELL, HP_BODY, "    return my_evaluate_hp_circuit(freqs, R, C)\n")(nb)
    return edit(HP_CELL, HP_CELL, "from my_filters import evaluate_hp_circuit as "
                                  "my_evaluate_hp_circuit\n\n\n" + HP_CELL)(nb)


UPLOADS = {
    "extension_case": lambda root: _write(root, reference(), "color_organ_learning.Ipynb"),
    "module_beside": lambda root: _write(
        root, _helper_module(reference()),
        extra={"my_filters.py": HELPER, "filter_settings.json": '{"two_pi": 6.283185307179586}'}),
    "torch_state_left": lambda root: _write(root, append(TORCH_STATE)(reference())),
    "mixed_precision": lambda root: _write(root, edit(BP_CELL, BP_REFERENCE, BP_MIXED)(
        reference())),
}


# Known-wrong work of the same kinds keeps losing exactly its parts: the stages swapped
# (misconceptions.py's q5g_stages_swapped), mixed with a float32 stage.
WRONG = {
    "mixed_precision_stages_swapped": (lambda root: _write(root, edit(
        BP_CELL, BP_REFERENCE, BP_MIXED.replace("R_high", "R_x").replace("R_low", "R_high")
        .replace("R_x", "R_low"))(reference())), {"q5g", "q5h", "q5i"}),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    root = tmp_path_factory.mktemp("uploads")
    for name, write in UPLOADS.items():
        write(root / name)
    for name, (write, _) in WRONG.items():
        write(root / name)
    out = tmp_path_factory.mktemp("uploads-results")
    done = run_cli("batch", root, "-o", out)
    assert done.returncode == 0, done.stderr[-3000:]
    graded = {p.parent.name: json.loads(p.read_text()) for p in out.glob("*/results.json")}
    return {**graded, "_out": out}


@pytest.mark.parametrize("upload", sorted(UPLOADS))
def test_a_correct_upload_of_each_kind_scores_full_marks(graded: dict, upload: str) -> None:
    results = graded[upload]
    assert lost_parts(results) == set(), results["output"][:3000]
    assert results["score"] == sum(t["max_score"] for t in results["tests"])
    assert "Traceback" not in json.dumps(results)


def test_a_notebook_named_in_another_case_is_run_as_a_notebook(graded: dict) -> None:
    output = graded["extension_case"]["output"]
    assert "Graded color_organ_learning.Ipynb as color_organ_learning.ipynb" in output
    assert "NameError" not in output


@pytest.mark.parametrize("upload", sorted(WRONG))
def test_wrong_work_of_those_kinds_still_loses_its_parts(graded: dict, upload: str) -> None:
    assert lost_parts(graded[upload]) == WRONG[upload][1], graded[upload]["output"][:2000]


def test_results_name_the_grader_and_staff_tools_notice_another(graded: dict, tmp_path: Path,
                                                               capsys) -> None:  # noqa: ANN001
    """extra_data["grader"]: this grader's version, content hash and packages, the same in
    every results.json of one grader; diff says first when OLD and NEW come from different
    graders, and a batch output mixing graders is named."""
    from autograder import identity
    from autograder.staff import diff

    assert {json.dumps(graded[u]["extra_data"]) for u in UPLOADS} == {
        json.dumps({"grader": identity.grader()})}
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(graded["_out"], old)
    shutil.copytree(graded["_out"], new)
    assert identity.mixed(new) == []
    diff.main(old, new)
    assert "different graders" not in capsys.readouterr().out
    changed = new / "module_beside" / "results.json"
    data = json.loads(changed.read_text())
    data["extra_data"]["grader"]["packages"]["numpy"] = "0.0.1"
    changed.write_text(json.dumps(data))
    diff.main(old, new)
    said = capsys.readouterr().out
    assert said.startswith("OLD and NEW were graded by different graders."), said
    assert "numpy 0.0.1" in said
    warning = identity.mixed(new)
    assert "holds results from 2 different graders" in warning[0], warning
