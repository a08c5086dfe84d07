"""The student kit, used as a student would: built, unzipped outside the repository,
installed into a fresh venv from its own requirements.txt, run without the project
importable and with fork unavailable. Plus: nothing in it gives an answer away.

The install is the kit's own `pip install -r requirements.txt` plus options a student does
not need: `--no-index --find-links` to this machine's wheel folders (it cannot reach
PyTorch's index, and CI must not depend on the network) and `--no-compile` (speed). One
venv serves every test of the session (about 20-30 s to make).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from autograder.checks import all_checks
from autograder.checks.misconceptions import LIKELY, MUTANTS
from autograder.checks.policy import FORM, FULL, NONE, POLICY
from tests.conftest import PROJECT, copy_reference, run_cli

WHEELS = [Path("/opt/pypi/files"), Path("/opt/pypi-more/files"), Path("/opt/wheels")]
ROW = re.compile(r"^(ok|FIX|form) (\d+\.\d+) ", re.MULTILINE)
# Every process the kit starts imports this first: fork is gone, spawn is the default.
NO_FORK = '''import multiprocessing
import os

multiprocessing.set_start_method("spawn", force=True)
del os.fork
'''
HW0_CHECKS = sorted((n for n in POLICY if n.split(".")[0] in "12346"), key=lambda n: n)


class Kit:
    def __init__(self, root: Path, python: Path, nofork: Path, zip_path: Path):
        self.root, self.python, self.nofork, self.zip = root, python, nofork, zip_path

    def check(self, folder: Path | None = None, timeout: float = 300) -> tuple[str, dict]:
        """`python -m hw0_selfcheck [folder]` in the kit's folder: its stdout and the mark of
        each check (ok, FIX or form); its exit status must say whether any is FIX."""
        args = [str(self.python), "-m", "hw0_selfcheck"] + ([str(folder)] if folder else [])
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL"))}
        done = subprocess.run(args, cwd=self.root, capture_output=True, text=True,
                              timeout=timeout, env={**env, "PYTHONPATH": str(self.nofork)})
        assert "Traceback" not in done.stdout + done.stderr, done.stderr[-3000:]
        marks = {m.group(2): m.group(1) for m in ROW.finditer(done.stdout)}
        # Exit status 0 when every public check passes, 1 when one does not (for scripts).
        assert done.returncode == (1 if "FIX" in marks.values() else 0), done.stderr[-3000:]
        return done.stdout, marks


@pytest.fixture(scope="session")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Kit:
    out = tmp_path_factory.mktemp("built") / "hw0-kit.zip"
    done = run_cli("build-kit", "-o", out)
    assert done.returncode == 0, done.stderr[-3000:]
    where = tmp_path_factory.mktemp("student")  # empty, outside the repository
    with zipfile.ZipFile(out) as z:
        z.extractall(where)
    root, venv = where / "hw0", where / "venv"
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    links = [a for w in WHEELS if w.is_dir() for a in ("--find-links", str(w))]
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-compile",
                              "--no-index", *links, "-r", str(root / "requirements.txt")],
                             capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stderr[-3000:]
    print(f"\nkit venv: {time.monotonic() - started:.1f} s")
    nofork = where / "nofork"
    nofork.mkdir()
    (nofork / "sitecustomize.py").write_text(NO_FORK)
    return Kit(root, python, nofork, out)


def submission(folder: Path, hw0: str | None = None) -> Path:
    """A folder with the reference's files, hw0.py replaced by `hw0` when given."""
    copy_reference(folder)
    if hw0 is not None:
        (folder / "hw0.py").write_text(hw0)
        (folder / "color_organ_learning.ipynb").unlink()  # hw0.py alone: a quicker check
    return folder


def test_the_project_is_not_importable_and_fork_is_gone(kit: Kit) -> None:
    probe = ("import os, importlib.util; print(importlib.util.find_spec('autograder'), "
             "hasattr(os, 'fork'))")
    done = subprocess.run([str(kit.python), "-c", probe], cwd=kit.root, capture_output=True,
                          text=True, env={"PYTHONPATH": str(kit.nofork)}, timeout=60)
    assert done.stdout.split() == ["None", "False"], done.stderr


def test_the_template_is_not_implemented_yet_everywhere(kit: Kit) -> None:
    out, marks = kit.check()  # the kit's own folder: the template
    shipped = [n for n, (where, _) in POLICY.items() if where != NONE]
    assert sorted(marks) == sorted(shipped) and set(marks.values()) == {"FIX"}
    for number in shipped:
        section = out.split(f"== {number} ", 1)[1].split("\n== ", 1)[0]
        assert "not implemented yet" in section or "fill it in" in section, section
    forms = sum(where == FORM for where, _ in POLICY.values())
    assert out.rstrip().endswith(f"Gradescope also checks the values of the {forms} form-only "
                                 "answers.")


def test_the_reference_passes_every_public_check(kit: Kit, tmp_path: Path) -> None:
    out, marks = kit.check(submission(tmp_path / "mine"))
    expected = {n: "form" if where == FORM else "ok" for n, (where, _) in POLICY.items()
                if where != NONE}
    assert marks == expected
    full = sum(where == FULL for where, _ in POLICY.values())
    forms = sum(where == FORM for where, _ in POLICY.values())
    assert (f"All {full} public checks pass, and all {forms} form-only answers are well-formed"
            in out)
    total = sum(c.max_score for c in all_checks() if POLICY[c.number][0] == FULL)
    assert f"checked here in full {total:g} / {total:g}" in " ".join(out.split())
    assert out.index("Printed by the notebook") > out.index("checked here in full")


@pytest.mark.parametrize("name", ["gd_step_no_transpose", "map_estimate_sigma_not_inverted",
                                  "augment_pads_with_ones"])
def test_known_wrong_submissions_fail_the_checks_that_catch_them(kit: Kit, tmp_path: Path,
                                                                 name: str) -> None:
    mutant = next(m for m in MUTANTS if m.name == name)
    out, marks = kit.check(submission(tmp_path, mutant.apply()))

    part = {c.number: c.part for c in all_checks()}
    failed = {n for n in HW0_CHECKS if marks[n] == "FIX"}
    assert failed and {part[n] for n in failed} == set(mutant.loses), out
    assert "Smallest failing input" in out  # the kit shows the public input that fails
    assert LIKELY not in out  # diagnoses need the reference: Gradescope's only


def test_a_function_that_loops_forever_costs_one_check(kit: Kit, tmp_path: Path) -> None:
    source = (PROJECT / "reference" / "hw0.py").read_text().replace(
        "def map_estimate(X, y, Sigma):\n", "def map_estimate(X, y, Sigma):\n    while True:\n"
        "        pass\n")
    out, marks = kit.check(submission(tmp_path, source))
    assert [n for n in HW0_CHECKS if marks[n] == "FIX"] == ["2.4"], out
    assert "no answer within 10 s" in out


def test_nothing_in_the_kit_gives_an_answer_away(kit: Kit) -> None:
    from autograder.checks import reference

    with zipfile.ZipFile(kit.zip) as z:
        files = {n: z.read(n).decode("utf-8") for n in z.namelist()}
    text = "\n".join(files.values())
    template = "\n".join(files[f"hw0/{n}"] for n in ("hw0.py", "color_organ_learning.ipynb"))
    leaked = [line for line in solution_lines() if line not in template and line in text]
    assert leaked == []
    ref = reference()
    answers = [ref.Q3E, "A.T == A", "A - A.T", "A.T - A", ref.Q4A_ELBOW, "-b / w", "-b/W1",
               "-b / W1", "-b / w1",
               ref.Q4A_DL_DW["active"], repr(ref.Q1_EIG_RANGE),
               json.dumps(ref.Q4B), repr(ref.Q4B), "2/sigma_max", "2 / sigma_max", "2/alpha",
               "2 / alpha", "2.0 / alpha", "2.0 / np.linalg.norm", "simulate_q4b"]
    for case, key in ref.Q4B.items():  # one case's key, as JSON or as Python writes it
        answers += [json.dumps({case: key})[1:-1], repr({case: key})[1:-1]]
    assert [a for a in answers if a in text] == []
    from autograder.checks import color_organ  # (d)'s answer, about 332 ohm: never said
    q5d = color_organ.plain_mse_minimiser()  # nor computed (fixtures.json: numbers of hw0.py)
    prose = "\n".join(t for n, t in files.items() if not n.endswith("fixtures.json"))
    assert not re.search(r"(?<![\d.])(332|331\.9\d*)(?!\d)", prose)
    assert f"{q5d:.6g}" not in prose and f"{q5d:.4g}" not in prose
    assert "def plain_mse_minimiser" not in text
    assert not re.search(r"(q5c_lr_\w+|Q1_EIG_RANGE)\s*=\s*[\d.(\[-]", text)  # typed-in values
    recorded = json.loads(files["hw0/hw0_selfcheck/kit/fixtures.json"])["outputs"]
    # Only the reference's outputs for checks the kit runs in full (policy.py), each named
    # by its title: Q4(c)/(d)'s elbows (FORM) would state Q4A_ELBOW.
    full = {c.title.split(":")[0] for c in all_checks() if c.kit == FULL}
    assert {key.split(":")[0] for key in recorded} <= full
    assert "elbows" not in full and "sgd_new_elbows" not in full and "gd_step" in full
    python = {n: t for n, t in files.items() if n.endswith(".py")}
    assert not any(re.search(r"^\s*(import|from)\s+(reference|autograder)\b", t, re.MULTILINE)
                   for t in python.values())
    assert not any(re.search(r"^\s*# (BEGIN|END) GRADER ONLY$", t, re.MULTILINE)
                   for t in python.values())
    assert not any(n.endswith(("sandbox.py", "verify.py", "buildkit.py", "misconceptions.py"))
                   for n in files)  # the misconceptions are the reference's lines, changed


def solution_lines() -> list[str]:
    """Every line inside a solution block of the reference (code and notebook markdown)."""
    sources = [(PROJECT / "reference" / "hw0.py").read_text()]
    nb = json.loads((PROJECT / "reference" / "color_organ_learning.ipynb").read_text())
    sources += ["".join(c["source"]) for c in nb["cells"]]
    lines = []
    for source in sources:
        blocks = re.findall(r"BEGIN SOLUTION(?: -->)?\n(.*?)(?:# |<!-- )END SOLUTION", source,
                            re.DOTALL)
        lines += [line.strip() for block in blocks for line in block.splitlines()
                  if len(line.strip()) > 8 and not line.strip().startswith("# TEMPLATE:")]
    return lines


def test_kit_checks_in_process_spawn_only_follow_the_policy(kit: Kit, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    """The kit's own Grader in this process, with os.fork removed: spawn only. Its checks are
    the policy's: FORM ones give the form-only verdict, FULL ones the full one."""
    import multiprocessing

    monkeypatch.delattr(os, "fork")
    monkeypatch.syspath_prepend(str(kit.root))
    assert multiprocessing.get_start_method(allow_none=True) in (None, "fork", "spawn")
    from hw0_selfcheck import grade
    from hw0_selfcheck.checks import fixtures
    from hw0_selfcheck.kit import engine, selfcheck

    monkeypatch.setattr(fixtures, "active", fixtures.Replay(json.loads(
        selfcheck.FIXTURES.read_text())))
    folder = submission(tmp_path / "mine", (PROJECT / "reference" / "hw0.py").read_text())
    with grade.Grader(engine.SpawnZygote([folder / "hw0.py"]), engine.NoUser()) as grader:
        data = grader.grade(folder, public_only=True)
    assert {t["number"] for t in data["tests"]} >= set(HW0_CHECKS)
    for t in data["tests"]:
        if t["number"] in HW0_CHECKS:
            form = POLICY[t["number"]][0] == FORM
            assert t["status"] == "passed", t
            assert ("checked on Gradescope only" in t["output"]) == form, t
