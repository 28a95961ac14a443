"""Survival-curve figure for clinicians (``hepatoboard assess CASE --plot curves.png``, the web
chart), drawn only from a stored prognosis document.

Why it looks the way it does: a family conference needs one picture that shows, per option, the
expected course *and* how uncertain it is, with where the numbers come from and a clear statement
that this is decision support. The figure never recomputes: it draws the curve points stored in
the assessment, so the page, the PDF and the plot show the same numbers. By default the
recommended options and best supportive care carry bands; other scenarios are thin lines, and
"what is possible" (responder) scenarios are dotted, so the legend stays readable. matplotlib is
imported lazily (Agg backend) so that assessing a case never pays for it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hepatoboard.prognosis.result import Prognosis

HEADLINE = "Decision support only - not a prediction for an individual patient."
CAPTION = (
    "Lines: estimated overall survival; shaded bands: 80% uncertainty interval of the median "
    "carried along the curve; legend: median survival in months with its 80% interval. Each "
    "curve is a published trial arm or cohort, adjusted to this patient's liver function, "
    "performance status, AFP and tumour spread with published hazard ratios; dotted lines show "
    "what is possible if the treatment works well, not the expectation (docs/prognosis.md)."
)
BSC_ID = "best_supportive_care"
MAX_BANDS = 4  # bands beyond this many make the figure unreadable


def _text(s: Any) -> str:
    """A user or data string made safe for matplotlib (a '$' would start mathtext)."""
    return str(s).replace("\\", "\\\\").replace("$", r"\$")


def plot_curves(
    prognosis: Prognosis | dict[str, Any],
    path: str,
    title: str | None = None,
    *,
    highlight: Sequence[str] | None = None,
    legend: str = "right",
) -> None:
    """Draw the stored survival curves to ``path`` (.png or .svg).

    ``highlight``: scenario ids drawn with bands (best supportive care always is); by default
    the recommended options the caller passes, or, if None, every expected scenario up to
    ``MAX_BANDS``. ``legend``: "right" of the axes, or "below" them (a tall figure for narrow
    screens). Scenarios without stored curve points (documents from an older version) are
    listed in the caption instead of being recomputed."""
    suffix = Path(path).suffix.lower()
    if suffix not in (".png", ".svg"):
        raise ValueError(f"plot path must end in .png or .svg, got {path!r}")
    doc = prognosis.model_dump(mode="json") if isinstance(prognosis, Prognosis) else prognosis
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scenarios = [sc for sc in doc.get("scenarios", []) if sc.get("curve")]
    missing = [s.get("label") or s["id"] for s in doc.get("scenarios", []) if not s.get("curve")]
    scenarios.sort(key=lambda s: (s["id"] != BSC_ID, s.get("kind") == "responder"))
    expected = [s["id"] for s in scenarios if s.get("kind", "expected") == "expected"]
    chosen = list(highlight) if highlight is not None else expected[:MAX_BANDS]
    banded = {BSC_ID, *chosen[:MAX_BANDS]}
    below = legend == "below"
    fig = plt.figure(figsize=(7, 11) if below else (12, 7), dpi=150)
    ax = fig.add_axes((0.12, 0.58, 0.82, 0.38) if below else (0.07, 0.25, 0.55, 0.67))
    horizon = _x_limit(scenarios)
    colours = plt.get_cmap("tab10").colors  # type: ignore[attr-defined]
    k = 0
    for sc in scenarios:
        curve = sc["curve"]
        months = curve["months"]
        mid = [100 * x for x in curve["survival"]]
        responder = sc.get("kind") == "responder"
        emphasised = sc["id"] in banded
        if sc["id"] == BSC_ID:
            colour, style, width = "0.35", "--", 2.0
        else:
            colour = colours[k % len(colours)]
            k += 1
            style = ":" if responder else "-"
            width = 1.8 if emphasised else 0.9
        lo_i, hi_i = sc["interval_months"]
        name = sc.get("label", sc["id"])
        label = (
            f"{name}\nmedian {sc['median_months']:.1f} months (80% interval {lo_i:.1f}-{hi_i:.1f})"
            if emphasised or responder
            else f"{name}: {sc['median_months']:.1f} months"
        )
        if emphasised and not responder:
            lo = [100 * x for x in curve["lower"]]
            hi = [100 * x for x in curve["upper"]]
            ax.fill_between(months, lo, hi, color=colour, alpha=0.10, linewidth=0)
        ax.plot(
            months,
            mid,
            style,
            color=colour,
            linewidth=width,
            label=_text(label),
            alpha=1.0 if emphasised or responder else 0.6,
        )
    _decorate(fig, ax, scenarios, missing, horizon, title, below=below)
    fig.savefig(path, format=suffix[1:])
    plt.close(fig)


def _x_limit(scenarios: list[dict[str, Any]]) -> float:
    """Show up to about 1.6 times the longest upper interval (6-month ticks), within the stored
    curves' horizon."""
    if not scenarios:
        return 24.0
    horizon = max(sc["curve"]["months"][-1] for sc in scenarios)
    longest = max(sc["interval_months"][1] for sc in scenarios)
    want = max(12.0, 1.6 * longest)
    return float(min(horizon, 6 * -(-want // 6)))


def _decorate(
    fig: Any,
    ax: Any,
    scenarios: list[dict[str, Any]],
    missing: list[str],
    horizon: float,
    title: str | None,
    *,
    below: bool = False,
) -> None:
    """Axes, the median line, legend (right of the axes or below them), caption and headline."""
    ax.axhline(50, color="0.6", linewidth=0.8, linestyle=":")
    ax.text(horizon * 0.995, 51, "50% (median)", ha="right", va="bottom", fontsize=8, color="0.4")
    ax.set_xlim(0, horizon)
    ax.set_ylim(0, 100)
    ax.set_xticks(range(0, int(horizon) + 1, 6))
    ax.set_yticks(range(0, 101, 10))
    ax.set_xlabel("Months from today", fontsize=10)
    ax.set_ylabel("Probability of being alive (%)", fontsize=10)
    ax.grid(True, color="0.9", linewidth=0.6)
    ax.set_title(_text(title or "Estimated overall survival by treatment scenario"), fontsize=12)
    if scenarios:
        ax.legend(
            loc="upper left",
            bbox_to_anchor=(0.0, -0.08) if below else (1.02, 1.0),
            fontsize=7.5 if len(scenarios) > 8 else 8.5,
            frameon=False,
            title="Scenario",
            title_fontsize=9.5,
            labelspacing=0.6,
            alignment="left",
        )
    else:
        ax.text(horizon / 2, 50, "no scenario with stored curve points", ha="center")
    sources = sorted({s for sc in scenarios for s in sc.get("sources", [])})
    notes = [CAPTION]
    if missing:
        notes.append("Not drawn (no stored curve): " + ", ".join(missing) + ".")
    if sources:
        notes.append("Sources: " + ", ".join(sources) + ".")
    text = "\n".join(textwrap.fill(_text(n), 100 if below else 170) for n in notes)
    left = 0.04 if below else 0.07
    fig.text(left, 0.015, text, fontsize=6.5, va="bottom", ha="left", color="0.25")
    fig.text(left, 0.12 if below else 0.135, HEADLINE, fontsize=9, fontweight="bold", color="0.15")
