"""Q4: ReLU elbow update under SGD (hw0.py, parts q4a-q4d).

Q4(a) strings are read by `symbolic` and compared exactly, region by region, with the
reference, after a cross-check of the reference against torch autograd at sampled points.
Q4(b) is graded sub-answer by sub-answer against the key the reference computes by
simulation. Q4(c)/(d) are property checks against the reference on the handout's network
(tests/test_kit_policy.py holds the reference to torch autograd there). The student kit
checks Q4(a) and Q4(b) for form only (policy.py).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np
import sympy
import torch
from gradescope_utils.autograder_utils.decorators import number, tags, weight
from hypothesis import strategies as st

from autograder.checks import (
    HW0_PY,
    Mismatch,
    holds,
    likely_cause,
    precision,
    reference,
    show,
)
from autograder.checks.symbolic import ParseError, parse_scalar_expr
from autograder.engine.answers import SubmissionError, as_array, as_string
from autograder.engine.student import Student

FILE = HW0_PY
SYMBOLS = {name: sympy.Symbol(name, real=True) for name in ("w", "b", "x", "y", "phi")}
W, B, X, Y, PHI = (SYMBOLS[k] for k in ("w", "b", "x", "y", "phi"))
REGIONS = {"active": W * X + B, "inactive": sympy.Integer(0)}  # phi in each region
SLOPES = ("increases", "decreases", "unchanged")
ELBOWS = ("moves_left", "moves_right", "unchanged", "depends")
ELBOW_RTOL = 1e-8  # Q4(c), Q4(d): a division and one step's rounding


# BEGIN GRADER ONLY
def autograd_point(w: float, b: float, x: float, y: float) -> dict[str, float]:
    """phi, dl/dphi, dl/dw, dl/db of l = 1/2 (relu(w x + b) - y)^2 by torch autograd."""
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    bt = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    phi = torch.relu(wt * x + bt)
    phi.retain_grad()
    loss = 0.5 * (phi - y) ** 2
    loss.backward()
    return {"phi": float(phi.detach()), "dl_dphi": float(phi.grad), "dl_dw": float(wt.grad),
            "dl_db": float(bt.grad)}


@cache
def sample_points(region: str, count: int = 12) -> list[dict[str, float]]:
    """Points (w, b, x, y) of one region, with their autograd derivatives."""
    rng = np.random.default_rng(4 if region == "active" else 5)
    points = []
    while len(points) < count:
        w, b, x, y = (float(v) for v in np.round(rng.uniform(-3, 3, 4), 3))
        z = w * x + b
        if abs(w) > 0.1 and abs(z) > 0.1 and (z > 0) == (region == "active"):
            points.append({"w": w, "b": b, "x": x, "y": y, **autograd_point(w, b, x, y)})
    return points
# END GRADER ONLY


def _parse(text: str, name: str) -> sympy.Expr:
    try:
        return parse_scalar_expr(text, SYMBOLS)
    except ParseError as exc:
        raise Mismatch(f"{name} = {text!r} could not be read: {exc}") from None


# BEGIN GRADER ONLY
def _value(expr: sympy.Expr, p: dict[str, float]) -> float:
    subs = {W: p["w"], B: p["b"], X: p["x"], Y: p["y"], PHI: p["phi"]}
    return float(sympy.N(expr.subs(subs)))


def check_region(name: str, text: str, expected_text: str, region: str,
                 autograd_key: str) -> None:
    """The answer equals the reference where phi takes the region's value, exactly; when it
    does not, show a sampled point where the answer and autograd disagree, and the answer's
    value there. Never autograd's value: with phi and y shown, it states the derivative."""
    given, expected = _parse(text, name), _parse(expected_text, "reference")
    phi = REGIONS[region]
    if sympy.cancel(given.subs(PHI, phi) - expected.subs(PHI, phi)) == 0:
        return
    for p in sample_points(region):
        got = _value(given, p)
        if not np.isclose(got, p[autograd_key], rtol=1e-9, atol=1e-12):
            point = ", ".join(f"{k} = {p[k]:g}" for k in ("w", "b", "x", "y"))
            raise Mismatch(f"{name} = {text!r} is wrong in the {region} region "
                           f"(w x + b {'>' if region == 'active' else '<='} 0):\n"
                           f"  at {point} (phi = {p['phi']:g}) the answer gives {got!r}, "
                           "and autograd disagrees (try it: torch.autograd.grad at this point)")
    raise Mismatch(f"{name} = {text!r} is not equal to the derivative in the {region} "
                   "region.")


ELBOW_POINTS = ((2.0, 1.0), (3.0, -2.0), (-1.5, 0.5), (0.5, 2.0))  # (w, b) to show


def elbow_mismatch(text: str, given: sympy.Expr, expected: sympy.Expr) -> str:
    """What is wrong with a wrong elbow, in its own terms: at a (w, b) where it is not the
    elbow, the x it gives and phi there (the elbow itself is never shown)."""
    if given.free_symbols - {W, B}:
        return (f"Q4A_ELBOW = {text!r} is not the elbow: the elbow is a point on the x axis "
                "that w and b alone fix.")
    for w, b in ELBOW_POINTS:
        at = given.subs({W: w, B: b})
        if at.is_real and at.is_finite and not np.isclose(float(at), float(expected.subs(
                {W: w, B: b}))):
            x = float(at)
            return (f"Q4A_ELBOW = {text!r} is not the elbow of phi(x) = relu(w x + b): for "
                    f"w = {w:g}, b = {b:g} it gives x = {x!r}, and phi does not turn from 0 "
                    f"to non-zero there (phi({x!r}) = {max(w * x + b, 0.0)!r}).")
    return f"Q4A_ELBOW = {text!r} is not the elbow for every w and b."
# END GRADER ONLY


def check_both_regions(student: Student, name: str, autograd_key: str) -> str:
    """A {"active": str, "inactive": str} answer, each region against the reference's."""
    value = student.value(name)
    if not isinstance(value, dict) or set(value) != set(REGIONS):
        raise Mismatch(f"{name} must be a dict with the keys 'active' and 'inactive'.")
    texts = {region: as_string(value[region], f"{name}[{region!r}]") for region in REGIONS}
    for region, text in texts.items():
        _parse(text, f"{name}[{region!r}]")
    # BEGIN GRADER ONLY
    for region, text in texts.items():
        check_region(f"{name}[{region!r}]", text, getattr(reference(), name)[region], region,
                     autograd_key)
    return "Right in both regions; agrees with autograd."
    # KIT: from autograder.checks import form_only
    # KIT: return form_only(f"{name} has both regions, each a formula that reads")
    # END GRADER ONLY


@weight(1)
@number("4.1")
@tags("q4a")
def check_elbow(student: Student) -> str:
    """Q4A_ELBOW: the elbow e of phi(x) = relu(w x + b)"""
    text = as_string(student.value("Q4A_ELBOW"), "Q4A_ELBOW")
    given = _parse(text, "Q4A_ELBOW")
    # BEGIN GRADER ONLY
    expected = _parse(reference().Q4A_ELBOW, "reference")
    if sympy.cancel(given - expected) != 0:  # the answer's own value, never the elbow's
        raise Mismatch(elbow_mismatch(text, given, expected))
    return "Right."
    # KIT: from autograder.checks import form_only
    # KIT: return form_only("Q4A_ELBOW is a formula that reads")
    # END GRADER ONLY


@weight(1)
@number("4.2")
@tags("q4a")
def check_dl_dphi(student: Student) -> str:
    """Q4A_DL_DPHI: dl/dphi, in both regions"""
    text = as_string(student.value("Q4A_DL_DPHI"), "Q4A_DL_DPHI")
    _parse(text, "Q4A_DL_DPHI")
    # BEGIN GRADER ONLY
    for region in REGIONS:
        check_region("Q4A_DL_DPHI", text, reference().Q4A_DL_DPHI, region, "dl_dphi")
    return "Right in both regions; agrees with autograd."
    # KIT: from autograder.checks import form_only
    # KIT: return form_only("Q4A_DL_DPHI is a formula that reads")
    # END GRADER ONLY


@weight(1)
@number("4.3")
@tags("q4a")
def check_dl_dw(student: Student) -> str:
    """Q4A_DL_DW: dl/dw where the ReLU is active and where it is not"""
    return check_both_regions(student, "Q4A_DL_DW", "dl_dw")


@weight(1)
@number("4.4")
@tags("q4a")
def check_dl_db(student: Student) -> str:
    """Q4A_DL_DB: dl/db where the ReLU is active and where it is not"""
    return check_both_regions(student, "Q4A_DL_DB", "dl_db")


def grade_q4b_entry(student: Student, case: str, what: str) -> str:
    """One of the eight Q4(b) sub-answers against the simulated key."""
    allowed = SLOPES if what == "slope" else ELBOWS
    answers = student.value("Q4B")
    entry = answers.get(case) if isinstance(answers, dict) else None
    given = entry.get(what) if isinstance(entry, dict) else None
    if given is None:
        raise SubmissionError(f'Q4B["{case}"]["{what}"] is missing or still None: fill it in.')
    if given not in allowed:
        raise Mismatch(f'Q4B["{case}"]["{what}"] = {given!r} is not one of {", ".join(allowed)}.')
    # BEGIN GRADER ONLY
    expected = reference().Q4B[case][what]
    if given != expected:
        raise Mismatch(f'Q4B["{case}"]["{what}"] = {given!r} is not what one SGD step does in '
                       f"case ({case}): {reference().Q4B_CASES[case]}, phi(x) - y = 1. Work out "
                       "the update of w and b, then of the elbow (or simulate a few points).")
    return "Right."
    # KIT: from autograder.checks import form_only
    # KIT: return form_only(f'Q4B["{case}"]["{what}"] is one of {", ".join(allowed)}')
    # END GRADER ONLY


def _q4b(case: str, what: str, position: int):  # noqa: ANN202 - builds a decorated check
    @weight(0.5)
    @number(f"4.{5 + position}")
    @tags("q4b")
    def check(student: Student) -> str:
        return grade_q4b_entry(student, case, what)

    check.__doc__ = f"Q4B case ({case}): the {what}"
    return check


check_q4b_i_slope, check_q4b_i_elbow = _q4b("i", "slope", 0), _q4b("i", "elbow", 1)
check_q4b_ii_slope, check_q4b_ii_elbow = _q4b("ii", "slope", 2), _q4b("ii", "elbow", 3)
check_q4b_iii_slope, check_q4b_iii_elbow = _q4b("iii", "slope", 4), _q4b("iii", "elbow", 5)
check_q4b_iv_slope, check_q4b_iv_elbow = _q4b("iv", "slope", 6), _q4b("iv", "elbow", 7)


# ---------------------------------------------------------------- Q4(c), Q4(d)


@st.composite
def networks(draw: st.DrawFn) -> dict:
    """The handout's network with hidden width 1 to 16, every W1_i at least 0.1 from 0 (also
    after the step), inactive units included, and one sample (x, y); with `kink`, unit 0 sits
    exactly at the ReLU's kink, W1_0 x + b_0 = 0, where the handout's ReLU has gradient 0."""
    kink = draw(st.booleans())
    d = draw(st.integers(1, 16))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    W1 = rng.choice([-1.0, 1.0], d) * rng.uniform(0.1, 3.0, d)
    b, W2 = rng.normal(size=d), rng.normal(size=d)
    x, y = float(rng.normal()), float(rng.normal())
    if kink:  # on a grid of 2**-10: W1_0 x is exact in float32 too, and so is the kink
        x, W1[0] = round(x * 1024) / 1024, round(W1[0] * 1024) / 1024
        b[0] = -(W1[0] * x)  # W1_0 * x + b_0 is then 0.0 exactly, in float64 and float32
    lr = draw(st.sampled_from([0.1, 0.01, 1e-3]))
    while np.min(np.abs(autograd_step(W1, b, W2, x, y, lr)[0])) < 0.05:
        lr /= 10
    return {"W1": W1, "b": b, "W2": W2, "x": x, "y": y, "lr": lr}


def autograd_step(W1: np.ndarray, b: np.ndarray, W2: np.ndarray, x: float, y: float,
                  lr: float) -> tuple[np.ndarray, np.ndarray]:
    """W1 and b after one SGD step on 1/2 (W2 relu(W1 x + b) - y)^2, by torch autograd."""
    w1 = torch.tensor(W1.reshape(-1, 1), requires_grad=True)
    bt = torch.tensor(b, requires_grad=True)
    w2 = torch.tensor(W2.reshape(1, -1), requires_grad=True)
    f = w2 @ torch.relu(w1 @ torch.tensor([x], dtype=torch.float64) + bt)
    loss = 0.5 * ((f - y) ** 2).sum()
    g1, gb = torch.autograd.grad(loss, [w1, bt])
    return (w1 - lr * g1).detach().numpy().ravel(), (bt - lr * gb).detach().numpy()


# Q4(c) and (d) are derived, like Q4A_ELBOW: their expected values on an input would give the
# formula away, so the student sees their own values and the input, never the expected ones.
# W1, b, W2, x, y, lr of two hidden units, for the form check (the kit's whole check):
SMALL_NETWORK = (np.array([1.0, -2.0]), np.array([0.5, 1.0]), np.array([1.0, 1.0]), 1.0, 0.0,
                 0.01)


def check_elbow_values(student: Student, function: str, names: str,
                       args: Callable[[dict], tuple]) -> str:
    """`function`'s elbows, one per hidden unit, against the reference's on drawn networks."""
    # BEGIN GRADER ONLY
    ref = getattr(reference(), function)
    call = f"{function}({names})"

    def prop(p: dict) -> None:
        given = as_array(student.call(function, *args(p)), (len(p["W1"]),), call)
        if not precision.close(given, ref(*args(p)), ELBOW_RTOL):
            raise Mismatch(f"{call} gives elbows that are not this network's:\n"
                           f"  given: {show(given)}")

    return holds(networks(), prop, names, likely_cause(student, function, args))
    # KIT: from autograder.checks import form_only
    # KIT: return form_only(f"{function} returns one finite elbow per hidden unit")
    # END GRADER ONLY


def elbows_form(student: Student, function: str, args: tuple) -> None:
    """One finite elbow per hidden unit on a small network (what the kit checks)."""
    as_array(student.call(function, *args), (len(args[0]),), f"{function}(...)")


@weight(1)
@number("4.13")
@tags("q4c")
def check_elbows(student: Student) -> str:
    """elbows: e_i of each hidden ReLU of the full network"""
    elbows_form(student, "elbows", SMALL_NETWORK[:2])
    return check_elbow_values(student, "elbows", "W1, b", lambda p: (p["W1"], p["b"]))


@weight(1)
@number("4.14")
@tags("q4d")
def check_sgd_new_elbows(student: Student) -> str:
    """sgd_new_elbows: e'_i after one SGD step on (x, y)"""
    elbows_form(student, "sgd_new_elbows", SMALL_NETWORK)
    return check_elbow_values(student, "sgd_new_elbows", "W1, b, W2, x, y, lr",
                              lambda p: (p["W1"], p["b"], p["W2"], p["x"], p["y"], p["lr"]))


# BEGIN GRADER ONLY
# What the staff tools read (checks/evidence.py; docs/staff.md, "Adding or changing a question").
REFERENCE_PROPERTIES = ("tests/test_q3_q4_checks.py",)
MUTATED = {"elbows": "q4c", "sgd_new_elbows": "q4d"}


def tolerances() -> list:  # of evidence.Tolerance
    """ELBOW_RTOL as 4.13 and 4.14 measure it, with torch autograd's step as a correct
    approach."""
    import sys

    from autograder.checks.evidence import FLOAT64_ONLY, Tolerance, difference

    def args(function: str, p: dict) -> tuple:
        if function == "elbows":
            return (p["W1"], p["b"])
        return (p["W1"], p["b"], p["W2"], p["x"], p["y"], p["lr"])

    def measure(function: str, given: object, p: dict) -> tuple[float, float]:
        return difference(given, getattr(reference(), function)(*args(function, p))), 1.0

    def by_autograd(W1: object, b: object, W2: object, x: object, y: object, lr: object
                    ) -> np.ndarray:
        w1, b1 = autograd_step(W1, b, W2, float(x), float(y), float(lr))
        return -b1 / w1

    return [Tolerance("Q4 ELBOW_RTOL (4.13 4.14)", (sys.modules[__name__], "ELBOW_RTOL"),
                      networks, ("elbows", "sgd_new_elbows"), args, measure,
                      {FLOAT64_ONLY + "torch autograd": {"sgd_new_elbows": by_autograd}},
                      frozenset({"elbows_off_by_4e_8"}))]


def equivalence_sample() -> list[tuple[str, tuple | None]]:
    """Three units with the ReLU's kink exactly (W1 x + b = 0), x = 0, W2 = 0, a residual of
    0, lr 0 and 0.1, one unit, and a W1 entry 0 (an elbow at infinity)."""
    rng = np.random.default_rng(184)
    kink = (np.array([1.0, -2.0, 0.5]), np.array([-2.0, 1.0, 0.3]))  # unit 0: 1*2 - 2 = 0
    nets = [kink, (rng.normal(size=3), rng.normal(size=3)), (np.array([0.7]), np.array([0.2])),
            (np.array([1.0, 0.0, -1.0]), np.array([0.5, 1.0, 0.5]))]
    calls: list[tuple[str, tuple | None]] = []
    for W1, b in nets:
        calls.append(("elbows", (W1, b)))
        for W2 in (rng.normal(size=W1.size), np.zeros(W1.size)):
            for x in (2.0, 0.0, -1.3):
                out = float(W2 @ np.maximum(W1 * x + b, 0.0))
                for y in (out + 1.0, out, -0.4):
                    for lr in (0.0, 0.1):
                        calls.append(("sgd_new_elbows", (W1, b, W2, x, y, lr)))
    return calls
# END GRADER ONLY
