"""Survival-curve figure for clinicians (``hepatoboard assess CASE --plot curves.png``).

Why it looks the way it does: a family conference needs one picture that shows, per option,
the expected course *and* how uncertain it is, in months and percent, with where the numbers come
from and a clear statement that this is decision support. matplotlib is imported lazily (Agg
backend) so that assessing a case never pays for it unless a plot is asked for.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

HEADLINE = "Decision support only - not a prediction for an individual patient."
CAPTION = (
    "Lines: estimated overall survival (median of the Monte Carlo draws); shaded bands: 80% "
    "uncertainty intervals; legend: median survival in months with its 80% interval. Each "
    "curve is a published trial arm or untreated cohort, adjusted to this patient's liver "
    "function, performance status, AFP and tumour spread with published hazard ratios "
    "(method: docs/prognosis.md)."
)
BSC_ID = "best_supportive_care"


def plot_curves(prognosis: dict[str, Any], path: str, title: str | None = None) -> None:
    """Draw every scenario's survival curve with its 80% band to ``path`` (.png or .svg)."""
    suffix = Path(path).suffix.lower()
    if suffix not in (".png", ".svg"):
        raise ValueError(f"plot path must end in .png or .svg, got {path!r}")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scenarios = list(prognosis.get("scenarios", []))
    fig = plt.figure(figsize=(12, 7), dpi=150)
    ax = fig.add_axes((0.07, 0.25, 0.55, 0.67))
    horizon = _x_limit(scenarios)
    colours = plt.get_cmap("tab10").colors
    k = 0
    for sc in sorted(scenarios, key=lambda s: s["id"] != BSC_ID):  # BSC first, as the reference
        curve = sc["curve"]
        months = curve["months"]
        mid = [100 * x for x in curve["survival"]]
        lo = [100 * x for x in curve["lower"]]
        hi = [100 * x for x in curve["upper"]]
        if sc["id"] == BSC_ID:
            colour, style, width = "0.35", "--", 2.0
        else:
            colour, style, width = colours[k % len(colours)], "-", 1.8
            k += 1
        lo_i, hi_i = sc["interval_months"]
        label = (
            f"{sc.get('label', sc['id'])}\n"
            f"median {sc['median_months']:.1f} months (80% interval {lo_i:.1f}-{hi_i:.1f})"
        )
        ax.fill_between(months, lo, hi, color=colour, alpha=0.09, linewidth=0)
        ax.plot(months, mid, style, color=colour, linewidth=width, label=label)
    ax.axhline(50, color="0.6", linewidth=0.8, linestyle=":")
    ax.text(horizon * 0.995, 51, "50% (median)", ha="right", va="bottom", fontsize=8, color="0.4")
    ax.set_xlim(0, horizon)
    ax.set_ylim(0, 100)
    ax.set_xticks(range(0, int(horizon) + 1, 6))
    ax.set_yticks(range(0, 101, 10))
    ax.set_xlabel("Months from today", fontsize=10)
    ax.set_ylabel("Probability of being alive (%)", fontsize=10)
    ax.grid(True, color="0.9", linewidth=0.6)
    ax.set_title(title or "Estimated overall survival by treatment scenario", fontsize=12)
    if scenarios:
        ax.legend(
            loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8.5, frameon=False,
            title="Scenario", title_fontsize=9.5, labelspacing=0.9, alignment="left",
        )  # fmt: skip
    else:
        ax.text(horizon / 2, 50, "no scenario has a published anchor", ha="center")
    sources = sorted({s for sc in scenarios for s in sc.get("sources", [])})
    notes = [CAPTION]
    if sources:
        notes.append("Sources: " + ", ".join(sources) + ".")
    if prognosis.get("method"):
        seed = prognosis["method"].split("(seed ", 1)[-1].split(")", 1)[0]
        if seed != prognosis["method"]:
            notes.append(f"Monte Carlo: seed {seed}.")
    text = "\n".join(textwrap.fill(n, 170) for n in notes)
    fig.text(0.07, 0.015, text, fontsize=7, va="bottom", ha="left", color="0.25")
    fig.text(0.07, 0.135, HEADLINE, fontsize=9, fontweight="bold", ha="left", color="0.15")
    fig.savefig(path, format=suffix[1:])
    plt.close(fig)


def _x_limit(scenarios: list[dict[str, Any]]) -> float:
    """Show up to about twice the longest median (6-month ticks), within the curve horizon."""
    if not scenarios:
        return 24.0
    horizon = max(sc["curve"]["months"][-1] for sc in scenarios)
    longest = max(sc["interval_months"][1] for sc in scenarios)
    want = max(12.0, 1.6 * longest)
    return float(min(horizon, 6 * -(-want // 6)))
