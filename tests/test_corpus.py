"""The grader against the reference, the template, hostile submissions and odd layouts
(one batch run; the known-wrong mutants are graded by verify: test_verify.py)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import jsonschema
import pytest

from autograder.staff.verify import lost_parts
from tests.conftest import (
    HOSTILE,
    HOSTILE_CASES,
    HOSTILE_GRADED,
    hw0_parts,
    part_scores,
    sandbox_survivors,
    schema,
)

HW0_PARTS = hw0_parts()  # q1 ... q6

SCHEMA = schema()


def test_every_results_json_is_valid(corpus: dict) -> None:
    graded = {k: v for k, v in corpus.items() if not k.startswith("_")}
    assert len(graded) == 4 + len(HOSTILE_GRADED)
    for results in graded.values():
        jsonschema.validate(results, SCHEMA)
        assert results["score"] == pytest.approx(sum(t["score"] for t in results["tests"]))


def test_reference_scores_full_marks(corpus: dict) -> None:
    results = corpus["reference"]
    assert [t["name"] for t in results["tests"] if t["status"] != "passed"] == []
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) > 0


def test_template_scores_zero_and_says_not_implemented(corpus: dict) -> None:
    results = corpus["template"]
    assert results["score"] == 0
    for t in results["tests"]:
        if t["tags"][0] in HW0_PARTS:
            assert "not implemented yet" in t["output"] or "still None" in t["output"], t
        assert "Traceback" not in t["output"]


@pytest.mark.parametrize("case", HOSTILE_CASES)
def test_hostile_submission_gains_nothing(corpus: dict, case: str) -> None:
    expect = json.loads((HOSTILE / case / "expect.json").read_text())
    if expect.get("root_only") and os.geteuid() != 0:
        pytest.skip("this defence needs the grader to run as root, as on Gradescope")
    results = corpus[f"hostile-{case}"]
    jsonschema.validate(results, SCHEMA)
    scores = part_scores(results)
    assert {p: s for p, s in scores.items() if s} == expect["scores"], expect["attack"]


def test_results_untouched_after_the_workers_are_gone(corpus: dict) -> None:
    """A daemon in the corpus sleeps 2 s, then rewrites every results.json it can reach."""
    out: Path = corpus["_out"]
    before = {p: p.read_bytes() for p in out.glob("*/results.json")}
    time.sleep(3)
    assert {p: p.read_bytes() for p in out.glob("*/results.json")} == before


@pytest.mark.skipif(os.geteuid() != 0, reason="sandbox uids exist only when grading as root")
def test_no_sandbox_process_survives(corpus: dict) -> None:
    assert corpus["reference"]
    assert sandbox_survivors() == []


def test_nested_near_miss_is_graded_with_a_note(corpus: dict) -> None:
    results = corpus["layout-nested-near-miss"]
    assert not lost_parts(results) & HW0_PARTS
    assert "please name it exactly hw0.py" in results["output"]


def test_empty_submission_names_both_files(corpus: dict) -> None:
    results = corpus["layout-empty"]
    assert results["score"] == 0
    assert "hw0.py was not found" in results["output"]
    assert "color_organ_learning.ipynb was not found" in results["output"]
