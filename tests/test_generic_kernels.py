"""No result depends on the CPU (issue 16): BLAS kernels that give the same bits on any CPU,
and the numeric tests again on torch's generic kernels.

torch picks vectorised kernels for the CPU it runs on (AVX2, AVX-512); a float32 result, and
so an assertion on it, can differ on another machine. `ATEN_CPU_CAPABILITY=default` makes
torch use its generic kernels, as on the plainest x86-64 CPU: the tests whose checks compute
in float32 and torch (single precision, tolerances, the reference's properties) run again
that way in a subprocess, and the reference must score the same. torch's BLAS and LAPACK
are MKL's, which picks its own code path by CPU: the grader and its workers set it to
COMPATIBLE (autograder/__init__.py), the path with the same bits on every x86-64 CPU, and
numpy's OpenBLAS to one kernel set.
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


@pytest.mark.slow(110)
def test_the_numeric_tests_pass_on_torchs_generic_kernels() -> None:
    env = {**os.environ, **GENERIC}
    probe = subprocess.run([sys.executable, "-c", "import torch; print(torch.backends.cpu."
                            "get_cpu_capability())"], env=env, capture_output=True, text=True,
                           timeout=120, check=True)
    assert probe.stdout.strip() == "DEFAULT", probe.stdout  # the variable is honoured
    # -o addopts=: in this one process, not on xdist workers beside the suite's own
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                           "-o", "addopts=", *NUMERIC_TESTS], cwd=PROJECT, env=env,
                          capture_output=True, text=True, timeout=1200)
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


BLAS_PROBE = """import hashlib, numpy as np, torch
def digest(*arrays):
    return hashlib.sha256(b"".join(np.asarray(a).tobytes() for a in arrays)).hexdigest()
a = np.random.default_rng(0).standard_normal((64, 64))
s = a @ a.T + 1e-3 * np.eye(64)
t, ts = torch.from_numpy(a), torch.from_numpy(s)
print("MKL", digest(t @ t.T, torch.linalg.cholesky(ts), torch.linalg.solve(ts, t)))
print("OpenBLAS", digest(a @ a.T, np.linalg.cholesky(s), np.linalg.solve(s, a)))
"""
# each library's variable, and a value that leaves it its own choice of kernels by CPU
OWN_CHOICE = {"MKL": ("MKL_CBWR", "AUTO"), "OpenBLAS": ("OPENBLAS_CORETYPE", "")}


def blas_digests(env: dict[str, str], prelude: str = "") -> dict[str, str]:
    """{library: digest} of the probe's results in a fresh Python with `env` added."""
    done = subprocess.run([sys.executable, "-c", prelude + BLAS_PROBE], cwd=PROJECT,
                          env={**os.environ, "OMP_NUM_THREADS": "1", **env},
                          capture_output=True, text=True, timeout=120, check=True)
    return dict(line.split() for line in done.stdout.splitlines())


def test_blas_computes_on_cpu_independent_kernels_in_the_grader_and_its_workers(
        tmp_path: Path) -> None:
    pinned = blas_digests({"MKL_CBWR": "COMPATIBLE", "OPENBLAS_CORETYPE": "Prescott"})
    own = dict(OWN_CHOICE.values())
    told_apart = {lib for lib, digest in blas_digests(own).items() if digest != pinned[lib]}
    if not told_apart:
        pytest.skip("on this CPU both libraries' own kernels give the pinned bits")
    # the grader's process: importing autograder pins them, whatever the environment said
    assert blas_digests(own, prelude="import autograder\n") == pinned
    # a worker: the student's hw0.py prints the digests, graded with the libraries' own choice
    (tmp_path / "hw0.py").write_text(BLAS_PROBE)
    out = tmp_path / "results.json"
    done = run_cli("grade", tmp_path, "-o", out, env=own)
    assert done.returncode == 0, done.stderr[-3000:]
    printed = json.loads(out.read_text())["output"]
    for lib in told_apart:
        assert f"{lib} {pinned[lib]}" in printed, lib
