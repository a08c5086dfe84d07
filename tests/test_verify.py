"""`python -m autograder verify`: fails on a false claim. (That it passes on the real corpus,
its one full run, is in tests/test_new_question.py, in a copy that also adds a question.)"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autograder.checks import all_checks, q1, q2, q5, questions
from autograder.checks.misconceptions import MUTANTS, _hw0
from autograder.staff import margins, verify
from tests.conftest import run_cli


def test_verify_fails_when_a_mutant_claims_the_wrong_part(tmp_path: Path) -> None:
    claims = tmp_path / "mutants.py"
    claims.write_text(
        "from autograder.checks.misconceptions import _hw0\n"
        "MUTANTS = [_hw0('claims_2_4_but_breaks_1_3', 'return 2.0 / alpha**2',\n"
        "                'return 1.0 / alpha**2', '2.4', 'is wrong for this F',\n"
        "                at='max_stable_lr')]\n")
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
    mutant = _hw0("says_something_else", "x", "y", "1.1", "Smallest failing input", at="gd_step")
    _, expected, got, ok = verify.mutant_row(mutant, _results({"1.1": "gd_step is wrong."}))
    assert (expected, ok) == ("1.1", False)
    assert got == '1.1; feedback lacks "Smallest failing input"'
    _, _, got, ok = verify.mutant_row(mutant, _results({"1.1": "Smallest failing input: ..."}))
    assert (got, ok) == ("1.1", True)


def test_a_row_names_the_tests_that_differ_from_the_claim() -> None:
    mutant = _hw0("claims_two", "x", "y", "1.4 1.5", at="error_bound")
    _, expected, got, ok = verify.mutant_row(mutant, _results({"1.5": "", "1.10": ""}))
    assert (expected, ok) == ("1.4 1.5", False)
    assert got == "1.5; passes 1.4"  # 1.10 is no test; the notebook's are not its claim
    _, _, got, ok = verify.mutant_row(mutant, _results({"1.4": "", "1.5": "", "2.1": "",
                                                         "5.4": ""}))
    assert (got, ok) == ("1.4 1.5 2.1; also fails 2.1", False)


def test_a_test_no_variant_fails_is_a_named_failed_row() -> None:
    mutant = _hw0("kills_1_4", "x", "y", "1.4", at="step_growth_bound")
    rows = verify.unkilled_rows([mutant], {"mutant-kills_1_4": _results({"1.4": ""})})
    numbers = [r[0].split()[-1] for r in rows]
    assert "1.4" not in numbers and {"1.1", "3.2", "4.14", "5.4"} <= set(numbers)
    assert len(numbers) == len(all_checks()) - 1 and not any(r[3] for r in rows)
    assert "no variant fails it: step_growth_bound" in verify.table(
        verify.unkilled_rows([], {}))


def test_a_tolerance_loosened_past_its_nearest_wrong_variant_fails_its_margin_row(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The issue's finding: Q1's RTOL loosened from 1e-9 to 1e-3 passed verify.
    check, _, got, ok = margins.margin(tolerance("Q1 RTOL"), single=False)
    assert ok and "gd_step_eta_off_by_4e_9" in got, got
    monkeypatch.setattr(q1, "RTOL", 1e-3)
    check, _, got, ok = margins.margin(tolerance("Q1 RTOL"), single=False)
    assert not ok and got.endswith("the nearest wrong variant passes"), got
    assert check.startswith("(f) Q1 RTOL")
    # and 5.4 accepting any positive q5c_resistor
    monkeypatch.setattr(q5, "MAGNITUDE_TOLERANCE", float("inf"))
    row = next(r for r in margins.documented_rows() if "MAGNITUDE_TOLERANCE" in r[0])
    assert not row[3] and row[2].endswith("(q5c_two_percent_off); ratios 0 and 0: the nearest "
                                          "wrong variant passes")


def tolerance(name: str) -> margins.Tolerance:
    """The declared tolerance whose name starts with `name` ("Q1 RTOL")."""
    return next(t for t in margins.tolerances() if t.name.startswith(name + " "))


def declared_tolerances() -> list[tuple[object, str]]:
    """Every tolerance verify's (f) holds: (module, constant name)."""
    from autograder.checks import precision

    return ([t.constant for t in margins.tolerances()] + [(precision, "SINGLE_RTOL")]
            + [(m, constant) for m in questions()
               for constant, *_ in getattr(m, "DOCUMENTED_TOLERANCES", ())])


def test_every_tolerance_loosened_tenfold_fails_its_margin_rows(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The finding: Q2's RTOL 1e-6 -> 1e-3 and Q4's ELBOW_RTOL 1e-8 -> 1e-5 passed
    # verify, their nearest wrong variants being at 1.8 and 4e-2.
    assert all(ok for *_, ok in margins.rows())
    declared = declared_tolerances()
    rtols = {(m, name) for m in questions() for name in vars(m) if name.endswith("RTOL")}
    assert rtols <= set(declared) and len(declared) == len(set(declared))  # none left out
    for module, constant in declared:
        with monkeypatch.context() as patched:
            patched.setattr(module, constant, 10 * getattr(module, constant))
            failed = [row for row in margins.rows() if not row[3]]
        assert failed, f"{module.__name__}.{constant} 10x looser passes verify's (f)"
        assert all(("the nearest wrong variant passes" in got or "within 10x" in got)
                   for _, _, got, _ in failed), failed
        if constant != "SINGLE_RTOL":
            assert any(constant in check for check, *_ in failed)
    for name in ("Q2 RTOL", "Q4 ELBOW_RTOL"):  # both ratios: worst correct and nearest wrong
        row = next(r for r in margins.rows() if r[0].startswith(f"(f) {name}"))
        assert "; ratios " in row[2] and row[1] == "correct <= tolerance < wrong <= 10x"


def test_a_tolerance_tightened_below_a_correct_approach_fails_its_margin_row(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(q2, "RTOL", 1e-13)  # Q2's inputs have condition numbers up to 1e6
    _, _, got, ok = margins.margin(tolerance("Q2 RTOL"), single=False)
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
        "MUTANTS = [_hw0('gone_from_the_reference', 'alpha * 3', 'x', '1.3',\n"
        "                at='max_stable_lr'),\n"
        "           _hw0('many_times_in_the_reference', 'w', 'v', '1.2', at='gd_iterates'),\n"
        "           _hw0('no_such_function', 'F', 'F.T', '1.1', at='gd_stepp'),\n"
        "           _hw0('still_applies', 'return 2.0 / alpha**2', 'return 1.0 / alpha**2',\n"
        "                '1.3', at='max_stable_lr')]\n")
    made, rows = verify.prepare_mutants(verify.load_mutants(claims), tmp_path / "root")
    assert [m.name for m in made] == ["still_applies"]
    assert (tmp_path / "root" / "mutant-still_applies" / "hw0.py").is_file()
    assert [r[0] for r in rows] == ["(d) variants of max_stable_lr",
                                    "(d) variants of gd_iterates", "(d) variants of gd_stepp"]
    assert all(r[2].startswith("1 not applied: variant ") and not r[3] for r in rows)
    assert "`alpha * 3` is not in max_stable_lr of hw0.py" in rows[0][2]
    assert "`w` is 3 times in gd_iterates of hw0.py" in rows[1][2]
    assert "gd_stepp of hw0.py is not there" in rows[2][2]
    assert "so no variant fails 1.2" in rows[1][2] and "so no variant fails" not in rows[0][2]
    assert "not applied" in verify.table(rows)


RIDGE = "np.linalg.solve(X.T @ X + np.linalg.inv(Sigma), X.T @ y)"


def _edited_reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str
                      ) -> str:
    """reference/ copied with one edit to hw0.py, and made the reference of this process."""
    from autograder.checks import misconceptions, reference_module

    folder = tmp_path / "reference"
    folder.mkdir()
    for source in misconceptions.REFERENCE_DIR.iterdir():
        if source.is_file():
            (folder / source.name).write_bytes(source.read_bytes())
    text = (folder / "hw0.py").read_text(encoding="utf-8")
    assert text.count(old) == 1
    (folder / "hw0.py").write_text(text.replace(old, new), encoding="utf-8")
    monkeypatch.setattr(misconceptions, "REFERENCE_DIR", folder)
    misconceptions.mutated.cache_clear()
    reference_module.cache_clear()
    margins.evidence.cache_clear()
    return text


@pytest.fixture
def fresh_caches():
    """The reference and its variants are cached per process: clear them after the test."""
    from autograder.checks import misconceptions, reference_module

    yield
    misconceptions.mutated.cache_clear()
    reference_module.cache_clear()
    margins.evidence.cache_clear()


def test_a_reformatted_reference_still_takes_every_variant(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_caches: None) -> None:
    # The syntax tree anchors them: spacing, line breaks and comments do not matter.
    _edited_reference(tmp_path, monkeypatch, RIDGE,
                      "np.linalg.solve(X.T@X  +  np.linalg.inv( Sigma ),  # the ridge\n"
                      "                           X.T @ y)")
    made, rows = verify.prepare_mutants(MUTANTS, tmp_path / "root")
    assert not rows and len(made) == len(MUTANTS)
    text = (tmp_path / "root" / "mutant-map_estimate_sigma_not_inverted" / "hw0.py").read_text()
    assert "np.linalg.solve(X.T @ X + Sigma,  # the ridge" in text


def test_the_natural_ridge_edit_is_one_named_row_not_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_caches: None) -> None:
    # The edit: verify ended in "ValueError: substring not found" (margins.py) and
    # dropped the two variants of map_estimate without a word.
    _edited_reference(tmp_path, monkeypatch, RIDGE,
                      "np.linalg.solve(X.T @ X + 0.5 * np.linalg.inv(Sigma), X.T @ y)")
    made, rows = verify.prepare_mutants(MUTANTS, tmp_path / "root")
    gone = {m.name for m in MUTANTS if m.at == "map_estimate"}
    assert len(gone) == 4 and {m.name for m in made} == {m.name for m in MUTANTS} - gone
    assert [r[0] for r in rows] == ["(d) variants of map_estimate"] and not rows[0][3]
    assert rows[0][2].startswith("4 not applied: variant map_estimate_sigma_not_inverted: ")
    assert all(name in rows[0][2] for name in gone) and "so no variant fails 2.4" in rows[0][2]
    check, _, got, ok = margins.margin(tolerance("Q2 RTOL"), single=False)  # no traceback
    assert "map_estimate_sigma_not_inverted" not in got


def test_a_broken_reference_is_one_row_per_cause_not_one_per_variant() -> None:
    # With map_estimate scaled, the reference fails 2.5 and so does every hw0.py variant:
    # the issue counted 39 "also fails 2.5" rows.
    ref = _results({"2.5": ""})
    rows = verify.reference_rows(ref)
    assert len(rows) == 1 and not rows[0][3] and "fails 2.5" in rows[0][2]
    assert rows[0][0] == "(b) reference: gamma_from_sigma augment ols"
    variant = next(m for m in MUTANTS if m.name == "gd_step_ascends")
    data = _results({"1.1": variant.says, "1.2": variant.says, "2.5": ""})
    assert verify.mutant_row(variant, data, frozenset({"2.5"}))[2:] == ("1.1 1.2", True)
    assert "also fails 2.5" in verify.mutant_row(variant, data)[2]
    assert verify.reference_rows(_results({}))[0][3]


def test_float32_rows_keep_integer_arguments_integers() -> None:
    # Rounding every array to float32 made integer labels unusable as indices: a question
    # with labels (the recipe's Q7) saw its reference "fail" its own float32 margin row.
    run = margins._single(lambda a, y: a[np.arange(len(y)), y])
    got = run(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1, 0]))
    assert got.dtype == np.float32 and got.tolist() == [2.0, 3.0]
