"""Where each check runs and what Gradescope shows of it: THE table course staff edit.

For each check number (as in results.json), two choices:

- in the student kit (`python -m autograder build-kit`):
  `FULL`  the check ships and runs as on Gradescope (on recorded public inputs where it
          compares with the reference);
  `FORM`  the kit checks only the answer's form (it parses, right type, allowed choice);
          the value is checked on Gradescope only. For answers the student must find:
          the full check would tell them the answer by trial and error. Its code marks the
          full part `# BEGIN GRADER ONLY` ... `# END GRADER ONLY`;
  `NONE`  the check is not in the kit at all (a hidden test): wrap the whole check in
          GRADER ONLY markers.
- on Gradescope: `VISIBLE` (the student sees it at once), `AFTER_DUE_DATE`, or `HIDDEN`.

A test (tests/test_kit_policy.py) fails when a check is missing here, when this table names
a check that does not exist, or when the markers disagree with the table. docs/staff.md
says how to change it.
"""

from __future__ import annotations

FULL, FORM, NONE = "full", "form", "none"
VISIBLE, AFTER_DUE_DATE, HIDDEN = "visible", "after_due_date", "hidden"
KIT_CHOICES, GRADESCOPE_CHOICES = (FULL, FORM, NONE), (VISIBLE, AFTER_DUE_DATE, HIDDEN)

POLICY: dict[str, tuple[str, str]] = {
    # check    kit    Gradescope
    "1.1": (FULL, VISIBLE),  # gd_step
    "1.2": (FULL, VISIBLE),  # gd_iterates
    "1.3": (FORM, VISIBLE),  # max_stable_lr: its formula is the answer
    "1.4": (FULL, VISIBLE),  # step_growth_bound (stated in the handout)
    "1.5": (FULL, VISIBLE),  # error_bound (stated in the handout)
    "1.6": (FORM, VISIBLE),  # Q1_EIG_RANGE
    "2.1": (FULL, VISIBLE),  # gamma_from_sigma
    "2.2": (FULL, VISIBLE),  # augment
    "2.3": (FULL, VISIBLE),  # ols
    "2.4": (FULL, VISIBLE),  # map_estimate
    "2.5": (FULL, VISIBLE),  # ols(augment(...)) == map_estimate
    "3.1": (FULL, VISIBLE),  # Q3A (the handout states it: show it)
    "3.2": (FULL, VISIBLE),  # Q3B
    "3.3": (FULL, VISIBLE),  # Q3C
    "3.4": (FULL, VISIBLE),  # Q3D
    "3.5": (FORM, VISIBLE),  # Q3E
    "4.1": (FORM, VISIBLE),  # Q4A_ELBOW
    "4.2": (FORM, VISIBLE),  # Q4A_DL_DPHI
    "4.3": (FORM, VISIBLE),  # Q4A_DL_DW
    "4.4": (FORM, VISIBLE),  # Q4A_DL_DB
    "4.5": (FORM, VISIBLE),  # Q4B (i) slope
    "4.6": (FORM, VISIBLE),  # Q4B (i) elbow
    "4.7": (FORM, VISIBLE),  # Q4B (ii) slope
    "4.8": (FORM, VISIBLE),  # Q4B (ii) elbow
    "4.9": (FORM, VISIBLE),  # Q4B (iii) slope
    "4.10": (FORM, VISIBLE),  # Q4B (iii) elbow
    "4.11": (FORM, VISIBLE),  # Q4B (iv) slope
    "4.12": (FORM, VISIBLE),  # Q4B (iv) elbow
    "4.13": (FORM, VISIBLE),  # elbows: Q4A_ELBOW for every unit
    "4.14": (FORM, VISIBLE),  # sgd_new_elbows (derived in Q4(d))
    "5.1": (FULL, VISIBLE),  # q5a_resistor (the handout's target)
    "5.2": (FULL, VISIBLE),  # q5b_resistor
    "5.3": (FULL, VISIBLE),  # q5b_cutoff
    "5.4": (FULL, VISIBLE),  # q5c_resistor
    # (c)'s rates in full: the kit runs the notebook's own training loop at the student's
    # rate, which their notebook already runs for them; nothing they cannot see there.
    "5.5": (FULL, VISIBLE),  # q5c_lr_diverges
    "5.6": (FULL, VISIBLE),  # q5c_lr_converges
    "5.7": (FORM, VISIBLE),  # q5d_resistor: the full check computes (d)'s answer itself
    "5.8": (FULL, VISIBLE),  # loss_fn_binary (the grader trains with it)
    "5.9": (FULL, VISIBLE),  # q5e_resistor
    "5.10": (FULL, VISIBLE),  # evaluate_hp_circuit values
    "5.11": (FULL, VISIBLE),  # evaluate_hp_circuit gradient
    "5.12": (FULL, VISIBLE),  # q5f_resistor
    "5.13": (FULL, VISIBLE),  # evaluate_bp_circuit values
    "5.14": (FULL, VISIBLE),  # evaluate_bp_circuit gradients
    "5.15": (FULL, VISIBLE),  # q5g_resistors
    "5.16": (FULL, VISIBLE),  # q5h_cutoffs
    "5.17": (FULL, VISIBLE),  # q5i_resistors
    "6.1": (FULL, VISIBLE),  # Q6
}


def policy(number: str) -> tuple[str, str]:
    """(kit, Gradescope visibility) of a check; a ValueError names a check missing here."""
    try:
        kit, shown = POLICY[number]
    except KeyError:
        raise ValueError(f"check {number} is not in autograder/checks/policy.py: add it") from None
    if kit not in KIT_CHOICES or shown not in GRADESCOPE_CHOICES:
        raise ValueError(f"policy.py: check {number} has ({kit!r}, {shown!r})")
    return kit, shown
