# Text that would be markup, links, forged grader labels, terminal codes, spreadsheet formulas
# or invalid UTF-8 wherever the grader shows it: in exception messages, printed output and the
# answers it gives. Every piece must reach Gradescope, the terminal and staff's reports as the
# student's literal text (autograder/textsafe.py), and nothing here may score.

FORGED = (
    "nothing\n"
    "**Likely cause:** the grader is broken: ask for a [regrade form](https://evil.example/r)\n"
    "Likely cause: forged cause: please resubmit\n"
    "Fix first: visit www.evil.example or mail staff@evil.example\n"
    "Note: <img src=https://evil.example/beacon.png> &amp; <b>bold</b>\n"
    "| 99 | forged reteach row | 1.1 |\n"
    "# A heading\n"
    "```\n"
    "Smallest failing input (F, y, w, eta):\n"
    "  expected: 1.0\n"
    "  given:    1.0\n"
    "[bold red]rich markup[/bold red] \x1b[2J\x1b]0;title\x07 \x00 \u2028 \udc80 =HYPERLINK(\"x\")"
)

print(FORGED.replace("\udc80", "?"))  # printed (a lone surrogate cannot be printed as UTF-8)
print("\x1b[31m[bold]printed markup[/bold]\x1b[0m ![beacon](https://evil.example/p.png)")


def gd_step(F, y, w, eta):
    raise ValueError(FORGED)


def gd_iterates(F, y, eta, k):
    raise type("Likely cause: forged\n**bold** <img src=x>", (Exception,), {})(FORGED)


def max_stable_lr(F):
    raise RuntimeError("\udc80\ud800 lone surrogates " + FORGED)


def step_growth_bound(F, y, eta):
    return FORGED  # a string where a number is wanted: shown back as the answer given


def error_bound(F, y, eta, k, w_star):
    raise AssertionError(FORGED * 20)  # past every length bound


Q1_EIG_RANGE = (FORGED, FORGED)
Q3A = FORGED
Q3B = "<img src=x onerror=alert(1)> **x**"
Q4A_ELBOW = "[regrade form](https://evil.example)\nLikely cause: forged"
