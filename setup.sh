#!/usr/bin/env bash
# Gradescope image set-up: runs once, as root, in /autograder/source (Ubuntu 22.04, Python 3.10).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

# Every package is pinned (requirements.txt, the lock: docs/staff.md). PyPI's Linux wheel of
# torch is the CUDA build (gigabytes); the CPU build comes from PyTorch's own index. Set
# TORCH_INDEX_URL= (empty) to use pip's default.
TORCH_INDEX_URL="${TORCH_INDEX_URL-https://download.pytorch.org/whl/cpu}"
extra=()
if [ -n "$TORCH_INDEX_URL" ]; then extra=(--extra-index-url "$TORCH_INDEX_URL"); fi

PYTHON="${PYTHON:-python3}"
"$PYTHON" -m pip install --no-cache-dir "${extra[@]}" -r requirements.txt
# The package itself is NOT installed: run_autograder runs it from here (cd source; python -m
# autograder), and `pip install .` would leave world-readable copies of the checks in
# site-packages and build/, out of reach of the permissions below.

# Student code runs as an unprivileged uid (see autograder/engine/sandbox.py): keep the
# reference and the checks out of its reach even where the kernel refuses it a mount namespace.
chmod -R go-rwx reference autograder
