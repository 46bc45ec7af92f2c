"""Charts of a dyad's trend: cooperation against conflict, and mean Goldstein, per period."""

from __future__ import annotations

from pathlib import Path
from typing import Any

FORMATS = (".png", ".svg")
COOPERATION = "#1b7837"
CONFLICT = "#b2182b"


class PlotError(Exception):
    """The chart cannot be drawn (unknown format, nothing to draw)."""


def plot_trend(rows: list[dict[str, Any]], out: Path, *, title: str) -> Path:
    """Draw the cooperation-conflict series of ``rows`` (from Store.trend) to PNG or SVG.

    Series are labelled where they are drawn (no legend to hunt for): counts of
    cooperative (QuadClass 1+2) and conflictual (3+4) events above, the mean Goldstein
    score below, green above zero and red below.
    """
    if out.suffix.lower() not in FORMATS:
        raise PlotError(f"cannot draw {out.name}: use a .png or .svg file name")
    if not rows:
        raise PlotError("no events for this dyad in the store; nothing to draw")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    periods = [str(r["period"]) for r in rows]
    xs = list(range(len(periods)))
    coop = [r["q1"] + r["q2"] for r in rows]
    conf = [r["q3"] + r["q4"] for r in rows]
    mean = [r["goldstein_mean"] for r in rows]

    fig, (top, bottom) = plt.subplots(
        2,
        1,
        figsize=(max(6.0, min(16.0, 0.35 * len(xs) + 4)), 6),
        sharex=True,
        gridspec_kw={"height_ratios": [3, 2]},
    )
    top.plot(xs, coop, color=COOPERATION, marker="o", linewidth=2)
    top.plot(xs, conf, color=CONFLICT, marker="o", linewidth=2)
    for series, color, label in ((coop, COOPERATION, "cooperation"), (conf, CONFLICT, "conflict")):
        top.annotate(
            f"{label} ({sum(series)})",
            (xs[-1], series[-1]),
            xytext=(6, 0),
            textcoords="offset points",
            color=color,
            fontweight="bold",
            va="center",
        )
    top.set_ylabel("merged events")
    top.set_ylim(bottom=0)
    top.set_title(title)
    top.spines[["top", "right"]].set_visible(False)
    top.set_xlim(-0.5, len(xs) - 0.5 + max(1.5, len(xs) * 0.25))

    bottom.bar(xs, mean, color=[COOPERATION if m >= 0 else CONFLICT for m in mean])
    bottom.axhline(0, color="black", linewidth=0.8)
    bottom.set_ylabel("mean Goldstein")
    bottom.set_ylim(-10, 10)
    bottom.text(
        0.005,
        0.95,
        "more cooperative",
        transform=bottom.transAxes,
        color=COOPERATION,
        va="top",
        fontsize=9,
    )
    bottom.text(
        0.005,
        0.05,
        "more conflictual",
        transform=bottom.transAxes,
        color=CONFLICT,
        va="bottom",
        fontsize=9,
    )
    bottom.spines[["top", "right"]].set_visible(False)
    step = max(1, len(xs) // 20)
    bottom.set_xticks(xs[::step], periods[::step], rotation=45, ha="right")
    fig.tight_layout()
    try:
        fig.savefig(out)
    except OSError as exc:
        raise PlotError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        plt.close(fig)
    return out
