"""`python -m autograder verify`: passes on the real corpus, fails on a false claim."""

from __future__ import annotations

from pathlib import Path

from autograder.checks.misconceptions import MUTANTS, _hw0
from autograder.staff import verify
from tests.conftest import run_cli


def test_verify_passes_and_lists_every_mutant() -> None:
    done = run_cli("verify")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    rows = {line.split()[1]: line for line in done.stdout.splitlines()
            if line.startswith("(d) ")}
    assert set(rows) == {m.name for m in MUTANTS}
    assert all(line.endswith(" ok") for line in rows.values())
    assert "(e) same results twice" in done.stdout and " 0 failed" in done.stdout


def test_verify_fails_when_a_mutant_claims_the_wrong_part(tmp_path: Path) -> None:
    claims = tmp_path / "mutants.py"
    claims.write_text(
        "from autograder.checks.misconceptions import _hw0\n"
        "MUTANTS = [_hw0('claims_q2_but_breaks_q1', 'return 2.0 / alpha**2',\n"
        "                'return 1.0 / alpha**2', 'q2', 'is wrong for this F')]\n")
    done = run_cli("verify", "--mutants", claims)
    assert done.returncode == 1
    row = next(line for line in done.stdout.splitlines() if "claims_q2_but_breaks_q1" in line)
    assert row.endswith("FAILED") and " q1 " in row


def test_the_reference_properties_row_shows_pytests_summary_despite_addopts(
        tmp_path: Path) -> None:
    # The project's pyproject sets addopts = "-q"; with verify's own -q that made -qq, which
    # prints no summary line ("pytest printed no summary").
    (tmp_path / "pyproject.toml").write_text('[tool.pytest.ini_options]\naddopts = "-q"\n')
    (tmp_path / "test_one.py").write_text("def test_one():\n    assert True\n")
    (tmp_path / "test_two.py").write_text("def test_two():\n    assert False\n")
    check, _, got, ok = verify.reference_properties(["test_one.py"], cwd=tmp_path)
    assert check == "(a) reference properties" and got.startswith("1 passed") and ok
    _, _, got, ok = verify.reference_properties(["test_two.py"], cwd=tmp_path)
    assert got.startswith("1 failed") and not ok


def _failing(part: str, output: str) -> dict:
    return {"tests": [{"tags": [part], "score": 0.0, "max_score": 1.0, "status": "failed",
                       "output": output}]}


def test_a_missing_feedback_phrase_is_named() -> None:
    mutant = _hw0("says_something_else", "x", "y", "q1", "Smallest failing input")
    _, expected, got, ok = verify.mutant_row(mutant, _failing("q1", "gd_step is wrong."))
    assert (expected, ok) == ("q1", False)
    assert got == 'q1; feedback lacks "Smallest failing input"'
    _, _, got, ok = verify.mutant_row(mutant, _failing("q1", "Smallest failing input: ..."))
    assert (got, ok) == ("q1", True)


def test_a_mutant_that_no_longer_applies_is_a_named_failed_row(tmp_path: Path) -> None:
    claims = tmp_path / "mutants.py"
    claims.write_text(
        "from autograder.checks.misconceptions import _hw0\n"
        "MUTANTS = [_hw0('gone_from_the_reference', 'text the reference lacks', 'x', 'q1'),\n"
        "           _hw0('twice_in_the_reference', 'return', 'yield', 'q1'),\n"
        "           _hw0('still_applies', 'return 2.0 / alpha**2', 'return 1.0 / alpha**2',\n"
        "                'q1')]\n")
    made, rows = verify.prepare_mutants(verify.load_mutants(claims), tmp_path / "root")
    assert [m.name for m in made] == ["still_applies"]
    assert (tmp_path / "root" / "mutant-still_applies" / "hw0.py").is_file()
    assert [r[0] for r in rows] == ["(d) gone_from_the_reference", "(d) twice_in_the_reference"]
    assert all(r[2].startswith("mutant not applied: ") and not r[3] for r in rows)
    assert "not once in hw0.py" in rows[0][2]
    assert "mutant not applied" in verify.table(rows)
