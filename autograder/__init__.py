"""EECS 182 HW0 autograder."""

import os
import platform

__version__ = "0.1.0"  # pyproject.toml reads it; results.json records it (identity.py)

# The same bits on any x86-64 CPU. torch's BLAS and LAPACK are MKL's and numpy's are
# OpenBLAS's; each picks kernels by CPU (AVX-512, AVX2, ...), so a product or a Cholesky
# factor can differ in its last bits, and a float32 factorisation succeed on one CPU and
# fail on another. MKL's COMPATIBLE path and OpenBLAS's Prescott kernels (SSE3, which every
# x86-64 CPU in use has) give the same bits everywhere. MKL reads its variable at its first
# call, OpenBLAS at load (when numpy is imported): set on import of this package, before
# either (the sandbox passes them on to each worker's environment).
# Both names are x86's: elsewhere (Apple silicon, aarch64) OpenBLAS would not know the core.
X86_64 = ("x86_64", "amd64")
REPRODUCIBLE_BLAS = {"MKL_CBWR": "COMPATIBLE", "OPENBLAS_CORETYPE": "Prescott"}
BLAS_ENV = REPRODUCIBLE_BLAS if platform.machine().lower() in X86_64 else {}
os.environ.update(BLAS_ENV)
