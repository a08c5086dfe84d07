"""`python -m autograder verify`: passes on the real corpus, fails on a false claim."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.checks import all_checks, q1, q2, q5
from autograder.checks.misconceptions import MUTANTS, _hw0
from autograder.staff import margins, verify
from tests.conftest import run_cli


@pytest.mark.slow(230)
def test_verify_passes_and_lists_every_mutant() -> None:
    done = run_cli("verify")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    rows = {line.split()[1]: line for line in done.stdout.splitlines()
            if line.startswith("(d) ")}
    assert set(rows) == {m.name for m in MUTANTS}  # no "(d) test N" row: every test killed
    assert all(line.endswith(" ok") for line in rows.values())
    assert "(e) same results twice" in done.stdout and " 0 failed" in done.stdout
    assert "kill matrix: " in done.stdout
    assert sum(line.startswith("(f) ") for line in done.stdout.splitlines()) == 2 * len(
        margins.TOLERANCES) + len(margins.Q5_TOLERANCES)


def test_verify_fails_when_a_mutant_claims_the_wrong_part(tmp_path: Path) -> None:
    claims = tmp_path / "mutants.py"
    claims.write_text(
        "from autograder.checks.misconceptions import _hw0\n"
        "MUTANTS = [_hw0('claims_2_4_but_breaks_1_3', 'return 2.0 / alpha**2',\n"
        "                'return 1.0 / alpha**2', '2.4', 'is wrong for this F')]\n")
    done = run_cli("verify", "--mutants", claims)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    row = next(line for line in lines if "claims_2_4_but_breaks_1_3" in line)
    assert row.endswith("FAILED") and "passes 2.4; also fails 1.3" in row
    # the tests of the question it claims that no variant fails are named, failed rows first
    assert any(line.startswith("(d) test 2.1 ") and line.endswith("FAILED") for line in lines)
    assert not any(line.startswith("(d) test 4.14 ") for line in lines)  # not its question
    first_ok = next(i for i, line in enumerate(lines)
                    if line.startswith("(") and line.endswith("  ok"))
    assert all(not line.endswith("FAILED") for line in lines[first_ok:])


def test_the_reference_properties_row_shows_pytests_summary_despite_addopts(
        tmp_path: Path) -> None:
    # The project's pyproject sets addopts = "-q"; with verify's own -q that made -qq, which
    # prints no summary line ("pytest printed no summary").
    (tmp_path / "pyproject.toml").write_text('[tool.pytest.ini_options]\naddopts = "-q"\n')
    (tmp_path / "test_one.py").write_text("def test_one():\n    assert True\n")
    (tmp_path / "test_two.py").write_text("def test_two():\n    assert False\n")
    check, _, got, ok = verify.reference_properties(["test_one.py"], cwd=tmp_path)
    assert check == "(a) reference properties" and got.startswith("1 passed") and ok
    _, _, got, ok = verify.reference_properties(["test_one.py", "test_two.py"], cwd=tmp_path)
    assert got.startswith("1 failed") and not ok
    assert got.endswith(": test_two.py::test_two")  # issue 18: which test, not only counts


def _results(failed: dict[str, str]) -> dict:
    """Results of every test, those in `failed` (number -> output) failed."""
    return {"tests": [{"number": c.number, "tags": [c.part], "max_score": c.max_score,
                       "score": 0.0 if c.number in failed else c.max_score,
                       "status": "failed" if c.number in failed else "passed",
                       "output": failed.get(c.number, "Right.")} for c in all_checks()]}


def test_a_missing_feedback_phrase_is_named() -> None:
    mutant = _hw0("says_something_else", "x", "y", "1.1", "Smallest failing input")
    _, expected, got, ok = verify.mutant_row(mutant, _results({"1.1": "gd_step is wrong."}))
    assert (expected, ok) == ("1.1", False)
    assert got == '1.1; feedback lacks "Smallest failing input"'
    _, _, got, ok = verify.mutant_row(mutant, _results({"1.1": "Smallest failing input: ..."}))
    assert (got, ok) == ("1.1", True)


def test_a_row_names_the_tests_that_differ_from_the_claim() -> None:
    mutant = _hw0("claims_two", "x", "y", "1.4 1.5")
    _, expected, got, ok = verify.mutant_row(mutant, _results({"1.5": "", "1.10": ""}))
    assert (expected, ok) == ("1.4 1.5", False)
    assert got == "1.5; passes 1.4"  # 1.10 is no test; the notebook's are not its claim
    _, _, got, ok = verify.mutant_row(mutant, _results({"1.4": "", "1.5": "", "2.1": "",
                                                         "5.4": ""}))
    assert (got, ok) == ("1.4 1.5 2.1; also fails 2.1", False)


def test_a_test_no_variant_fails_is_a_named_failed_row() -> None:
    mutant = _hw0("kills_1_4", "x", "y", "1.4")
    rows = verify.unkilled_rows([mutant], {"mutant-kills_1_4": _results({"1.4": ""})})
    numbers = [r[0].split()[-1] for r in rows]
    assert "1.4" not in numbers and {"1.1", "3.2", "4.14", "5.4"} <= set(numbers)
    assert len(numbers) == len(all_checks()) - 1 and not any(r[3] for r in rows)
    assert "no variant fails it: step_growth_bound" in verify.table(
        verify.unkilled_rows([], {}))


def test_a_tolerance_loosened_past_its_nearest_wrong_variant_fails_its_margin_row(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The issue's finding: Q1's RTOL loosened from 1e-9 to 1e-3 passed verify.
    check, _, got, ok = margins.margin(margins._q1(), single=False)
    assert ok and "gd_step_gradient_in_float32" in got, got
    monkeypatch.setattr(q1, "RTOL", 1e-3)
    check, _, got, ok = margins.margin(margins._q1(), single=False)
    assert not ok and got.endswith("the nearest wrong variant passes"), got
    assert check.startswith("(f) Q1 RTOL")
    # and 5.4 accepting any positive q5c_resistor
    monkeypatch.setattr(q5, "MAGNITUDE_TOLERANCE", float("inf"))
    row = next(r for r in margins.q5_rows() if "MAGNITUDE_TOLERANCE" in r[0])
    assert not row[3] and "(q5c_two_percent_off): the nearest wrong variant passes" in row[2]


def test_a_tolerance_tightened_below_a_correct_approach_fails_its_margin_row(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(q2, "RTOL", 1e-13)  # Q2's inputs have condition numbers up to 1e6
    _, _, got, ok = margins.margin(margins._q2(), single=False)
    assert not ok and got.endswith("a correct approach fails"), got


def test_weakened_checks_are_caught_by_the_kill_matrix(monkeypatch: pytest.MonkeyPatch) -> None:
    # The issue's two weakenings, in this process (batch's graders fork from it): Q1's RTOL
    # loosened to 1e-3, and 5.4 accepting any positive q5c_resistor. The variants near those
    # tolerances then pass the tests they declare, and their rows say which.
    monkeypatch.setattr(q1, "RTOL", 1e-3)
    monkeypatch.setattr(q5, "MAGNITUDE_TOLERANCE", float("inf"))
    near = [m for m in MUTANTS if m.name in ("gd_step_gradient_in_float32",
                                             "q5c_two_percent_off")]
    made, broken, graded = verify.grade(near, jobs=2)
    rows = {r[0]: r for r in verify.kill_rows(made, graded)}
    assert not broken
    assert rows["(d) gd_step_gradient_in_float32"][2:] == ("(none); passes 1.1 1.2", False)
    assert rows["(d) q5c_two_percent_off"][2:] == ("(none); passes 5.4", False)
    assert not rows["(d) test 1.1"][3] and not rows["(d) test 5.4"][3]


def test_a_mutant_that_no_longer_applies_is_a_named_failed_row(tmp_path: Path) -> None:
    claims = tmp_path / "mutants.py"
    claims.write_text(
        "from autograder.checks.misconceptions import _hw0\n"
        "MUTANTS = [_hw0('gone_from_the_reference', 'text the reference lacks', 'x', '1.3'),\n"
        "           _hw0('twice_in_the_reference', 'return', 'yield', '1.3'),\n"
        "           _hw0('still_applies', 'return 2.0 / alpha**2', 'return 1.0 / alpha**2',\n"
        "                '1.3')]\n")
    made, rows = verify.prepare_mutants(verify.load_mutants(claims), tmp_path / "root")
    assert [m.name for m in made] == ["still_applies"]
    assert (tmp_path / "root" / "mutant-still_applies" / "hw0.py").is_file()
    assert [r[0] for r in rows] == ["(d) gone_from_the_reference", "(d) twice_in_the_reference"]
    assert all(r[2].startswith("mutant not applied: ") and not r[3] for r in rows)
    assert "not once in hw0.py" in rows[0][2]
    assert "mutant not applied" in verify.table(rows)
