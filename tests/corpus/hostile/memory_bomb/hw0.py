# Allocates (and touches) memory until it is refused, at import and in a function; the
# allocation must fail fast, inside the worker's limit, and the correct function still score.
import numpy as np

held = []
try:
    while True:
        held.append(np.ones(8 * 2**20))  # 64 MB, every page written
except MemoryError:
    print(f"memory_bomb: MemoryError after {64 * len(held)} MB")
held.clear()


def gd_step(F, y, w, eta):
    return np.ones((2**16, 2**16)) @ w  # 32 GB


def gd_iterates(F, y, eta, k):
    return [list(range(10**9))]


def max_stable_lr(F):
    return 2.0 / np.linalg.norm(F, 2) ** 2
