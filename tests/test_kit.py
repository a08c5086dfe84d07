"""The student kit, used as a student would: built, unzipped, installed with pip from its
folder into a fresh venv that already has torch, IPython 7.34 and ipywidgets 7.7 (as Colab
shipped them), run from outside the repository, without the project importable and with
fork unavailable; in a real Jupyter kernel too. Plus: nothing in it gives an answer away.

The install is what the kit's README says plus options a student does not need:
`--no-index --find-links` to this machine's wheel folders and `--no-compile` (speed). Colab's
IPython and ipywidgets are not among those wheels: they come from PyPI, and where PyPI cannot
be reached the venv has torch alone and the test of Colab's versions is skipped, saying so.
One venv serves every test of the session.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from html import escape, unescape
from importlib.metadata import distribution
from pathlib import Path

import numpy as np
import pytest
from packaging.requirements import Requirement

from autograder.checks import HW0_PY, all_checks
from autograder.checks.misconceptions import LIKELY, MUTANTS
from autograder.checks.policy import FORM, FULL, NONE, POLICY
from autograder.kit.check import STOPPED
from tests.conftest import PROJECT, copy_reference, run_cli

WHEELS = [Path("/opt/pypi/files"), Path("/opt/pypi-more/files"), Path("/opt/wheels")]
ROW = re.compile(r"^(ok|FIX|form) (\d+\.\d+) ", re.MULTILINE)
# Every process the kit starts imports this first: fork is gone, spawn is the default.
NO_FORK = '''import multiprocessing
import os

multiprocessing.set_start_method("spawn", force=True)
del os.fork
'''
# What Colab shipped in 2023 (torch aside: the one release on this machine's disk).
COLAB = {"torch": "2.13.0+cpu", "IPython": "7.34.0", "ipywidgets": "7.7.0"}
HW0_CHECKS = sorted(c.number for c in all_checks() if c.file == HW0_PY)
pytestmark = pytest.mark.slow(90)  # the kit built and installed (kit), then run per test


class Kit:
    def __init__(self, root: Path, python: Path, nofork: Path, zip_path: Path,
                 colab: str | None):
        self.root, self.python, self.nofork, self.zip = root, python, nofork, zip_path
        self.colab = colab  # why Colab's versions could not be installed first, or None

    def env(self, tmp: Path | None = None) -> dict[str, str]:
        """A student's environment: no fork, this session's Python variables gone."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL"))}
        return {**env, "PYTHONPATH": str(self.nofork), **({"TMPDIR": str(tmp)} if tmp else {})}

    def versions(self) -> dict[str, str]:
        """The installed version of each package COLAB names."""
        probe = f"import importlib, json; print(json.dumps({{n: importlib.import_module(n)." \
                f"__version__ for n in {list(COLAB)!r}}}))"
        done = subprocess.run([str(self.python), "-c", probe], capture_output=True, text=True,
                              timeout=120, env=self.env())
        assert done.returncode == 0, done.stderr[-2000:]
        return json.loads(done.stdout)

    def check(self, folder: Path | None = None, timeout: float = 300,
              cwd: Path | None = None) -> tuple[str, dict]:
        """`python -m hw0_selfcheck [folder]` (in the kit's folder unless `cwd`): its stdout
        and the mark of each check (ok, FIX or form); its exit status must say whether any
        is FIX."""
        args = [str(self.python), "-m", "hw0_selfcheck"] + ([str(folder)] if folder else [])
        done = subprocess.run(args, cwd=cwd or self.root, capture_output=True, text=True,
                              timeout=timeout, env=self.env())
        assert "Traceback" not in done.stdout + done.stderr, done.stderr[-3000:]
        marks = {m.group(2): m.group(1) for m in ROW.finditer(done.stdout)}
        # Exit status 0 when every public check passes, 1 when one does not or none ran.
        assert done.returncode == (0 if marks and "FIX" not in marks.values() else 1), \
            done.stderr[-3000:]
        return done.stdout, marks


def torch_first(python: Path, site: Path) -> None:
    """Colab's case: torch is there before the kit, outside the venv in a folder on its path
    (Colab's dist-packages), the kit's own range must keep it. The folder holds links to
    this venv's torch and the packages it requires: the same files, without unpacking its
    700 MB wheel again (the slowest step of the session's set-up)."""
    site.mkdir()
    needed, seen = ["torch"], set()
    while needed:
        found = distribution(needed.pop())
        if found.name.lower() in seen:
            continue
        seen.add(found.name.lower())
        needed += [r.name for r in map(Requirement, found.requires or [])
                   if r.marker is None or r.marker.evaluate({"extra": ""})]
        for top in {f.parts[0] for f in found.files} - {"..", "__pycache__"}:
            if not top.endswith(".pth"):
                (site / top).symlink_to(found.locate_file(top))
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig."
                              "get_path('purelib'))"], capture_output=True, text=True,
                             check=True).stdout.strip()
    Path(purelib, "dist-packages.pth").write_text(f"{site}\n")


@pytest.fixture(scope="session")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Kit:
    out = tmp_path_factory.mktemp("built") / "hw0-kit.zip"
    done = run_cli("build-kit", "-o", out)
    assert done.returncode == 0, done.stderr[-3000:]
    where = tmp_path_factory.mktemp("student")  # empty, outside the repository
    with zipfile.ZipFile(out) as z:
        z.extractall(where)
    root, venv = where / "hw0", where / "venv"
    shipped = sorted(p.name for p in root.iterdir())
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    torch_first(python, where / "dist-packages")
    pip = [str(python), "-m", "pip", "install", "-q", "--no-compile",
           *[a for w in WHEELS if w.is_dir() for a in ("--find-links", str(w))]]
    # Colab's case: its torch (linked above), IPython and ipywidgets are there first; the kit
    # keeps them.
    colab = [f"{name.lower()}=={v}" for name, v in COLAB.items() if name != "torch"]
    install = subprocess.run(pip + colab, capture_output=True, text=True, timeout=900)
    why = None if install.returncode == 0 else install.stderr.strip()[-300:]
    for args in (["--no-index", "."], ["--no-index", "nbclient", "ipykernel"]):
        install = subprocess.run(pip + args, capture_output=True, text=True, timeout=900,
                                 cwd=root)  # `pip install .` in the unzipped folder
        assert install.returncode == 0, install.stderr[-3000:]
    assert sorted(p.name for p in root.iterdir()) == shipped  # no build/, no *.egg-info/
    print(f"\nkit venv (torch linked{'' if why else ', IPython, ipywidgets'}, then the kit): "
          f"{time.monotonic() - started:.1f} s")
    nofork = where / "nofork"
    nofork.mkdir()
    (nofork / "sitecustomize.py").write_text(NO_FORK)
    kit = Kit(root, python, nofork, out, why)
    assert kit.versions()["torch"] == COLAB["torch"]  # the kit's range kept it
    return kit


def submission(folder: Path, hw0: str | None = None) -> Path:
    """A folder with the reference's files, hw0.py replaced by `hw0` when given."""
    copy_reference(folder)
    if hw0 is not None:
        (folder / "hw0.py").write_text(hw0)
        (folder / "color_organ_learning.ipynb").unlink()  # hw0.py alone: a quicker check
    return folder


def test_the_kit_keeps_the_ipython_and_widgets_colab_shipped(kit: Kit) -> None:
    """Installed after them, the kit keeps IPython 7.34 and ipywidgets 7.7 (its ranges); the
    other tests then check with them, the Jupyter kernel's among them."""
    if kit.colab is not None:
        pytest.skip(f"Colab's IPython and ipywidgets could not be installed: {kit.colab}")
    assert kit.versions() == COLAB


PIP_CELL = "!pip install -q /content/hw0-kit.zip"
CHECK_CELL = "from hw0_selfcheck import check\ncheck()"


def cell(source: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": source}


def test_the_project_is_not_importable_and_fork_is_gone(kit: Kit) -> None:
    probe = ("import os, importlib.util; print(importlib.util.find_spec('autograder'), "
             "hasattr(os, 'fork'))")
    done = subprocess.run([str(kit.python), "-c", probe], cwd=kit.root, capture_output=True,
                          text=True, env={"PYTHONPATH": str(kit.nofork)}, timeout=60)
    assert done.stdout.split() == ["None", "False"], done.stderr


def test_the_template_is_not_implemented_yet_everywhere(kit: Kit) -> None:
    out, marks = kit.check()  # the kit's own folder: the template
    assert out.startswith(f"Checked {kit.root.resolve()}\n  hw0.py: hw0.py\n")  # said first
    shipped = [n for n, (where, _) in POLICY.items() if where != NONE]
    assert sorted(marks) == sorted(shipped) and set(marks.values()) == {"FIX"}
    for number in shipped:
        section = out.split(f"== {number} ", 1)[1].split("\n== ", 1)[0]
        assert "not implemented yet" in section or "fill it in" in section, section
    forms = sum(where == FORM for where, _ in POLICY.values())
    assert " ".join(out.split()).endswith(
        f"{forms} more answers were checked for form only: 0 of {forms} are well-formed (fix "
        "the rest); Gradescope will check their values.")


def test_the_reference_passes_every_public_check(kit: Kit, tmp_path: Path) -> None:
    """With the cells the kit's README advises (install first, check() last), which the
    command line skips without a word."""
    folder = submission(tmp_path / "mine")
    notebook = folder / "color_organ_learning.ipynb"
    nb = json.loads(notebook.read_text())
    nb["cells"] = [cell(PIP_CELL), *nb["cells"], cell(CHECK_CELL)]
    notebook.write_text(json.dumps(nb))
    out, marks = kit.check(folder, cwd=tmp_path)  # from any folder
    assert "hw0_selfcheck" not in out and "hw0-kit" not in out and "daemonic" not in out
    expected = {n: "form" if where == FORM else "ok" for n, (where, _) in POLICY.items()
                if where != NONE}
    assert marks == expected
    full = sum(where == FULL for where, _ in POLICY.values())
    forms = sum(where == FORM for where, _ in POLICY.values())
    assert (f"All {full} public checks pass in full. {forms} more answers were checked for "
            "form only: all are well-formed; Gradescope will check their values."
            in " ".join(out.split()))
    total = sum(c.max_score for c in all_checks() if POLICY[c.number][0] == FULL)
    assert f"checked here in full {total:g} / {total:g}" in " ".join(out.split())
    assert out.index("Printed by the notebook") > out.index("checked here in full")
    printed = out[out.index("Printed by the notebook"):].splitlines()
    assert not any("(children=(" in line for line in printed)  # no interact() widget repr


def test_one_file_named_is_checked_alone_and_the_report_says_so(kit: Kit,
                                                                  tmp_path: Path) -> None:
    # both files there, in a folder whose path is longer than a line: it still prints whole
    folder = submission(tmp_path / ("a-course-folder-with-a-long-name-" * 3) / "mine")
    out, marks = kit.check(folder / "hw0.py")
    assert out.startswith(f"Checked {folder.resolve()}\n  hw0.py: hw0.py\n"
                          "  color_organ_learning.ipynb: not checked, as you named one file")
    assert marks and not any(n.startswith("5.") for n in marks)


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
    # Q5(c) runs in full: the loop ships, never where its rates change from converging to
    # diverging (L''(200) = 1.34e-6: lr > 1.49e6 cannot converge, docs/q5-evidence.md)
    assert "def train_lowpass" in files["hw0/hw0_selfcheck/checks/q5.py"]
    assert not re.search(r"1\.49e6|1\.49e\+06|1490000|1\.34e-6|1\.4e6", prose)
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


def test_a_folder_with_neither_file_gets_one_message(kit: Kit, tmp_path: Path) -> None:
    out, marks = kit.check(tmp_path, cwd=tmp_path)
    assert marks == {} and len(out.strip().splitlines()) <= 6, out  # one message, wrapped
    assert out.count("Nothing to check in") == 1 and str(tmp_path.resolve()) in out
    assert "upload" not in out.lower()  # Gradescope's word only


def test_ctrl_c_ends_with_one_line_status_130_and_no_temporary_folder(kit: Kit,
                                                                       tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    folder = submission(tmp_path / "mine")
    process = subprocess.Popen([str(kit.python), "-m", "hw0_selfcheck", str(folder)],
                               cwd=tmp_path, env=kit.env(tmp), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 120  # interrupt once a worker is at work
    while not any(tmp.glob("hw0-*/*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)
    os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole group
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, out + err
    assert err.strip() == "Stopped (Ctrl-C): nothing more was checked.", err
    assert list(tmp.iterdir()) == []


NOTEBOOK_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}  # two cores, seven helpers
HANGS = '''def loss_fn_binary(pred, target):
    while True:
        pass
'''


def run_kernel(kit: Kit, notebook: Path, cells: list[str], cwd: Path) -> list[list[dict]]:
    """Run `notebook` in a real Jupyter kernel of the kit's venv (nbclient, ipykernel), then
    `cells`; the outputs of those cells."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    first = len(nb.cells)
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    kernel = cwd / "kernels" / "python3"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [str(kit.python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "kit", "language": "python",
        "env": {**NOTEBOOK_ENV, "PYTHONPATH": str(kit.nofork), "TMPDIR": str(cwd / "tmp")}}))
    (cwd / "tmp").mkdir()
    client = NotebookClient(nb, timeout=300, allow_errors=True, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd)}})
    client.kernel_manager_class = _kernel_manager(cwd / "kernels")
    client.execute()
    return [c.outputs for c in nb.cells[first:]]


def _kernel_manager(folder: Path) -> type:
    """A KernelManager that finds only our kernel spec (the kit's venv's Python)."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    class Specs(KernelSpecManager):
        def _kernel_dirs_default(self) -> list[str]:
            return [str(folder)]

    class Manager(KernelManager):
        def _kernel_spec_manager_default(self) -> KernelSpecManager:
            return Specs()

    return Manager


def shown(outputs: list[dict]) -> str:
    """What a cell showed, as text: a display's text/plain (beside its HTML). No terminal
    code in any of a display's types."""
    assert "\x1b" not in json.dumps(outputs), outputs
    return "\n".join(o.get("text", "") if o["output_type"] == "stream" else
                     o.get("data", {}).get("text/plain", "") + o.get("evalue", "")
                     for o in outputs)


def html_of(outputs: list[dict]) -> str:
    """The one report check() displayed in a cell, as HTML."""
    html = [o["data"]["text/html"] for o in outputs
            if 'class="hw0-selfcheck"' in o.get("data", {}).get("text/html", "")]
    displays = [o for o in outputs if o["output_type"] == "display_data"]
    assert len(html) == len(displays) == 1, [(o["output_type"], list(o.get("data", {})))
                                             for o in outputs]
    return html[0]


INTERRUPT = '''import multiprocessing, os, signal, threading, time


def interrupt_once_a_child_works():
    while not multiprocessing.active_children():
        time.sleep(0.05)
    time.sleep(1.0)
    os.kill(os.getpid(), signal.SIGINT)  # what Jupyter's stop button does to the kernel


threading.Thread(target=interrupt_once_a_child_works, daemon=True).start()
'''


def test_check_in_a_jupyter_kernel_as_on_colab(kit: Kit, tmp_path: Path) -> None:
    """Colab's case, simulated: the kit pip-installed beside the torch, IPython and ipywidgets
    that were there first, a real kernel runs the reference notebook, then `check()` checks
    it live and displays an HTML table (one row per check, each description whole) and its
    text; `check("hw0.py")` too, its failing input a block that pastes into Python; an
    interrupt prints one line and leaves nothing behind; a function that hangs costs its
    check and the kernel goes on; the template says what is left."""
    started = time.monotonic()
    check = "from hw0_selfcheck import check\ncheck()"
    mutant = next(m for m in MUTANTS if m.name == "map_estimate_sigma_not_inverted")
    (tmp_path / "hw0.py").write_text(mutant.apply())
    cells = [check, 'check("hw0.py")', INTERRUPT + "check()", HANGS + 'check("5.8")',
             "print('still here', 6 * 7)"]
    outputs = run_kernel(kit, PROJECT / "reference" / "color_organ_learning.ipynb", cells,
                         tmp_path)
    reference, hw0, stopped, hang, after = outputs
    assert not any(o["output_type"] == "error" for cell in outputs for o in cell)
    text = shown(reference)
    assert text.startswith("Checked this kernel"), text
    marks = {m.group(2): m.group(1) for m in ROW.finditer(text)}
    shipped = {c.number: f"{c.number} {c.title}" for c in all_checks()
               if c.number.startswith("5.") and c.kit != NONE}
    assert marks == {n: "form" if kit_ == FORM else "ok" for n, (kit_, _) in POLICY.items()
                     if n in shipped}, text
    assert "Traceback" not in text
    html = html_of(reference)
    (kit.root.parent / "check.html").write_text(html)  # to look at in a browser
    assert html.count("<tr>") == len(shipped) + 2  # a row per check, a head, the total
    for name in shipped.values():  # whole, in the HTML and in the text
        assert f">{escape(name)}</td>" in html and name in " ".join(text.split()), name
    hw0_html = html_of(hw0)
    (kit.root.parent / "check-hw0.html").write_text(hw0_html)
    assert "FIX</td>" in hw0_html and "Smallest failing input" in hw0_html
    block = unescape(hw0_html.split("Smallest failing input", 1)[1].split('white-space: pre;', 1)
                     [1].split(">", 1)[1].split("</pre>", 1)[0])
    pasted: dict = {}
    exec(compile(block, "<pasted>", "exec"), {"np": np}, pasted)  # the block, as copied
    from autograder.checks import reference as solution

    assert solution().map_estimate(**pasted).ndim == 1, block
    assert shown(stopped).strip() == STOPPED, stopped  # one line, then the next cell runs
    assert not [p for p in (tmp_path / "tmp").iterdir() if p.name.startswith("hw0-")]
    text = shown(hang)
    assert ROW.findall(text) == [("FIX", "5.8")] and "did not return" in text, text
    assert shown(after).strip() == "still here 42"

    (template,) = run_kernel(kit, kit.root / "color_organ_learning.ipynb", [check],
                             tmp_path / "template")
    text = shown(template)
    marks = {m.group(2): m.group(1) for m in ROW.finditer(text)}
    assert marks and set(marks.values()) == {"FIX"}, text
    for number in marks:
        section = text.split(f"== {number} ", 1)[1].split("\n== ", 1)[0]
        assert "not implemented yet" in section or "fill it in" in section, section
    print(f"\nJupyter kernel, reference and template with check(): "
          f"{time.monotonic() - started:.1f} s")
