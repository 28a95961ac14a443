"""The survival chart of a stored assessment (SVG), drawn from its stored prognosis: the page
shows exactly the numbers that were stored, never a recomputation.

By default the chart draws only the recommended options and best supportive care (readable
bands); ``every=True`` draws every stored scenario. ``legend`` is "right" (wide screens) or
"below" (phones)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

BSC_ID = "best_supportive_care"


def shown_scenarios(result: dict[str, Any], every: bool) -> dict[str, Any]:
    """The stored prognosis with only the scenarios the chart draws."""
    prognosis = result.get("prognosis") or {"scenarios": []}
    if every:
        return prognosis
    options = (result.get("plan") or {}).get("options", [])
    keep = {BSC_ID, *(o["id"] for o in options if o.get("status") == "recommended")}
    return {**prognosis, "scenarios": [s for s in prognosis["scenarios"] if s["id"] in keep]}


def chart_svg(result: dict[str, Any], *, every: bool = False, legend: str = "right") -> bytes:
    from hepatoboard.prognosis import plot_curves

    options = (result.get("plan") or {}).get("options", [])
    recommended = [o["id"] for o in options if o.get("status") == "recommended"]
    with tempfile.NamedTemporaryFile(suffix=".svg") as f:
        plot_curves(
            shown_scenarios(result, every),
            f.name,
            title="Estimated survival",
            highlight=recommended,
            legend=legend,
        )
        return Path(f.name).read_bytes()
