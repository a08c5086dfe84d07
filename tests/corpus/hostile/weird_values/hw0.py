# Values that are numbers only in name, or too large to send: every one must score 0 without
# harming the grader (the 80 MB array is refused before the grader reads it).
import fractions

import numpy as np


def gd_step(F, y, w, eta):
    return np.zeros(10**7)  # 80 MB: over the channel's message limit


def gd_iterates(F, y, eta, k):
    return [[1.0] * 3] * 20_000  # 60,000 numbers in nested lists


def max_stable_lr(F):
    return 10**400  # an int no float can hold


def step_growth_bound(F, y, eta):
    return fractions.Fraction(1, 3)


def error_bound(F, y, eta, k, w_star):
    return float("inf")


Q1_EIG_RANGE = (float("nan"), complex(1, 1))
Q6_SOURCES = "x" * 10_000_000  # a 10 MB string
Q6_COLLABORATORS = {"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {"i": {"j": {"k": 1}}}}}}}}}}}
Q6_HOURS = True
