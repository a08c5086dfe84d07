"""docs/datasheet.md: generated from what verify and mutate recorded, and never stale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder.checks.misconceptions import MUTANTS
from autograder.staff import datasheet
from tests.conftest import run_cli


def test_the_published_datasheet_is_the_record_of_this_tree() -> None:
    done = run_cli("datasheet", "--check")
    assert done.returncode == 0, done.stdout + done.stderr
    whole = json.loads(datasheet.RECORD.read_text())
    assert whole["verify"]["failed"] == 0 and whole["mutate"]["parts"]
    page = datasheet.PAGE.read_text()
    assert "| q1 |" in page and "ratios" in page


@pytest.fixture
def record_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(datasheet, "RECORD", tmp_path / "datasheet.json")
    monkeypatch.setattr(datasheet, "PAGE", tmp_path / "datasheet.md")
    return tmp_path


def test_a_stale_record_or_page_is_named(record_in: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture) -> None:
    rows = [("(d) gd_step_ascends", "1.1 1.2", "1.1 1.2", True),
            ("(d) gd_step_expanded", "(none)", "(none)", True),
            ("(d) q4c_sign", "4.13", "(none); passes 4.13", False),
            ("(f) Q1 RTOL (1.1 1.2), float64", "", "correct ...; ratios 2e-07 and 2.3", True)]
    datasheet.record("verify", datasheet.verify_data(MUTANTS, rows))
    datasheet.record("mutate", {"fast": True, "parts": {"q1": {"mutants": 3, "killed": 3}}})
    assert datasheet.main(check=True) == 1  # the page is missing
    assert "is not the record's page" in capsys.readouterr().out
    assert datasheet.main() == 0 and datasheet.main(check=True) == 0
    capsys.readouterr()
    parts = json.loads(datasheet.RECORD.read_text())["verify"]["parts"]
    assert parts["q1"]["held"] >= 1 and parts["q4c"]["variants"] > parts["q4c"]["held"]
    page = datasheet.PAGE.read_text()
    assert "| Q1 RTOL (1.1 1.2), float64 | correct ...; ratios 2e-07 and 2.3 |" in page
    assert "mutate --fast" in page and "not measured by this mutate" in page
    # the checks or the reference changed since verify and mutate measured them
    monkeypatch.setattr(datasheet, "content", lambda: "0123456789abcdef")
    assert datasheet.main(check=True) == 1
    out = capsys.readouterr().out
    assert "verify measured checks and reference" in out and "now 0123456789abcdef" in out
    assert "run `python -m autograder mutate` again" in out


def test_the_kit_agreement_column_appears_when_mutate_measured_it(record_in: Path) -> None:
    datasheet.record("mutate", {"fast": False, "parts": {
        "q1": {"mutants": 3, "killed": 3, "kit agrees": "3/3"}}})
    page = datasheet.render(json.loads(datasheet.RECORD.read_text()))
    assert "| part | mutants | killed | equivalent | correct | survived | kit agrees |" in page
    assert "| q1 | 3 | 3 | 0 | 0 | 0 | 3/3 |" in page
