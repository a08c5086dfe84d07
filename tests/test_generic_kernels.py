"""No result depends on the CPU (issue 16): the numeric tests again, on torch's generic kernels.

torch picks vectorised kernels for the CPU it runs on (AVX2, AVX-512); a float32 result, and
so an assertion on it, can differ on another machine. `ATEN_CPU_CAPABILITY=default` makes
torch use its generic kernels, as on the plainest x86-64 CPU: the tests whose checks compute
in float32 and torch (single precision, tolerances, the reference's properties) run again
that way in a subprocess, and the reference must score the same.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT, run_cli

GENERIC = {"ATEN_CPU_CAPABILITY": "default"}
NUMERIC_TESTS = ["tests/test_feedback.py", "tests/test_q5_tolerances.py",
                 "tests/test_reference_q1q2.py"]


def test_the_numeric_tests_pass_on_torchs_generic_kernels() -> None:
    env = {**os.environ, **GENERIC}
    probe = subprocess.run([sys.executable, "-c", "import torch; print(torch.backends.cpu."
                            "get_cpu_capability())"], env=env, capture_output=True, text=True,
                           timeout=120, check=True)
    assert probe.stdout.strip() == "DEFAULT", probe.stdout  # the variable is honoured
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                           *NUMERIC_TESTS], cwd=PROJECT, env=env, capture_output=True,
                          text=True, timeout=1200)
    print(done.stdout.splitlines()[-1] if done.stdout else done.stderr[-500:])
    assert done.returncode == 0, done.stdout[-4000:]


def test_the_reference_scores_the_same_on_torchs_generic_kernels(corpus: dict,
                                                                    tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    done = run_cli("grade", PROJECT / "reference", "-o", out, env=GENERIC)
    assert done.returncode == 0, done.stderr[-3000:]
    generic = json.loads(out.read_text())
    scores = [(t["number"], t["score"]) for t in generic["tests"]]
    assert scores == [(t["number"], t["score"]) for t in corpus["reference"]["tests"]]
    assert generic["score"] == corpus["reference"]["score"]
