"""EECS 182 HW0 autograder."""

import os

__version__ = "0.1.0"  # pyproject.toml reads it; results.json records it (identity.py)

# torch's BLAS and LAPACK on x86-64 are MKL's, which picks a code path by CPU (AVX-512,
# AVX2, ...), so a product or a Cholesky factor can differ in its last bits, and a float32
# factorisation succeed on one CPU and fail on another. COMPATIBLE is MKL's path that gives
# the same bits on every x86-64 CPU. MKL reads it at its first call: set on import, before
# any check or worker computes (the sandbox passes it on to the worker's environment).
REPRODUCIBLE_MKL = {"MKL_CBWR": "COMPATIBLE"}
os.environ.update(REPRODUCIBLE_MKL)
