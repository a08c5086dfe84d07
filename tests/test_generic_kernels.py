"""No result depends on the CPU (issue 16): MKL on its CPU-independent path, and the numeric
tests again on torch's generic kernels.

torch picks vectorised kernels for the CPU it runs on (AVX2, AVX-512); a float32 result, and
so an assertion on it, can differ on another machine. `ATEN_CPU_CAPABILITY=default` makes
torch use its generic kernels, as on the plainest x86-64 CPU: the tests whose checks compute
in float32 and torch (single precision, tolerances, the reference's properties) run again
that way in a subprocess, and the reference must score the same. torch's BLAS and LAPACK
are MKL's, which picks its own code path by CPU: the grader and its workers set it to
COMPATIBLE (autograder/__init__.py), the path with the same bits on every x86-64 CPU.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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


MKL_PROBE = """import hashlib, torch
g = torch.Generator().manual_seed(0)
a = torch.randn(64, 64, generator=g)
s = a @ a.T + 1e-3 * torch.eye(64)
outs = [a @ a.T, torch.linalg.cholesky(s), torch.linalg.solve(s, a)]
print("MKL digest", hashlib.sha256(b"".join(o.numpy().tobytes() for o in outs)).hexdigest())
"""


def mkl_digest(mode: str, prelude: str = "") -> str:
    """The probe's digest in a fresh Python with MKL_CBWR=`mode`."""
    env = {**os.environ, "MKL_CBWR": mode, "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", prelude + MKL_PROBE], env=env, cwd=PROJECT,
                          capture_output=True, text=True, timeout=120, check=True)
    return done.stdout.split()[-1]


def test_mkl_computes_on_its_cpu_independent_path_in_the_grader_and_its_workers(
        tmp_path: Path) -> None:
    compatible = mkl_digest("COMPATIBLE")
    if mkl_digest("AUTO") == compatible:
        pytest.skip("on this CPU MKL's own path gives COMPATIBLE's bits: nothing tells them apart")
    # the grader's process: importing autograder sets it, whatever the environment said
    assert mkl_digest("AUTO", prelude="import autograder\n") == compatible
    # a worker: the student's hw0.py prints the digest, graded with MKL_CBWR=AUTO around
    (tmp_path / "hw0.py").write_text(MKL_PROBE)
    out = tmp_path / "results.json"
    done = run_cli("grade", tmp_path, "-o", out, env={"MKL_CBWR": "AUTO"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"MKL digest {compatible}" in json.loads(out.read_text())["output"]
