"""`python -m autograder verify`: passes on the real corpus, fails on a false claim."""

from __future__ import annotations

from pathlib import Path

from autograder.checks.misconceptions import MUTANTS
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
        "                'return 1.0 / alpha**2', 'q2', 'is wrong')]\n")
    done = run_cli("verify", "--mutants", claims)
    assert done.returncode == 1
    row = next(line for line in done.stdout.splitlines() if "claims_q2_but_breaks_q1" in line)
    assert row.endswith("FAILED") and " q1 " in row
