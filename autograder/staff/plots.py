"""batch's two plots: totals.png and parts.png, drawn with matplotlib (Agg) from numbers
reports.py computes.

Drawn so that nothing misleads: totals fall in whole-point bins [k, k + 1) (a 43.5 is never
drawn as a 44; full marks has its bar), and the legend sits beside the axes, never over a
bar.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def bins(top: float) -> Any:
    """The histogram's edges for totals out of `top`: 0, 1, ..., floor(top) + 1 (numpy's
    last bin is closed: [floor(top), floor(top) + 1] holds full marks alone when top is
    whole)."""
    import numpy as np

    return np.arange(0, np.floor(top) + 2)


def totals_figure(totals: list[float], top: float, left_out: int = 0) -> Any:
    """The histogram of totals (a matplotlib Figure); `left_out`: the non-attempts not
    drawn, said in the title."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
    ax.hist(totals, bins=bins(top), color="#3b6ea5", edgecolor="white")
    ax.set_xlabel(f"total score (of {top:g}); the bar from k to k + 1 counts totals in "
                  "[k, k + 1)")
    ax.set_ylabel("submissions")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    title = f"Totals over {len(totals)} submissions that attempted something"
    ax.set_title(title + (f" ({left_out} non-attempts left out)" if left_out else ""))
    return fig


def parts_figure(shares: dict[str, tuple[float, float]]) -> Any:
    """Per part, bars of its mean score and its full-marks share (both %), the legend
    outside the axes (a Figure)."""
    import matplotlib.pyplot as plt
    import numpy as np

    x = np.arange(len(shares))
    mean, full = zip(*shares.values(), strict=True) if shares else ((), ())
    fig, ax = plt.subplots(figsize=(max(7, 0.5 * len(shares)) + 1.5, 4), layout="constrained")
    ax.bar(x - 0.2, mean, 0.4, label="mean score", color="#3b6ea5")
    ax.bar(x + 0.2, full, 0.4, label="full marks", color="#5a9e6f")
    ax.set_xticks(x, list(shares), rotation=60)
    ax.set_ylim(0, 100)
    ax.set_ylabel("% of the part's points / of submissions")
    ax.set_title("Per part, over the submissions that attempted it: mean score and "
                 "full-marks share")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))  # beside the axes: hides no bar
    return fig


def write(totals: list[float], top: float, shares: dict[str, tuple[float, float]],
          out: Path, left_out: int = 0) -> None:
    """out/totals.png and out/parts.png; `totals` of the submissions that attempted
    something, `left_out` the others."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    for name, fig in (("totals.png", totals_figure(totals, top, left_out)),
                      ("parts.png", parts_figure(shares))):
        fig.savefig(out / name, dpi=120)
        plt.close(fig)
