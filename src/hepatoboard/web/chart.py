"""The survival chart of a stored assessment (SVG), drawn from its stored prognosis: the page
shows exactly the numbers that were stored, never a recomputation."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any


def chart_svg(result: dict[str, Any]) -> bytes:
    from hepatoboard.prognosis import plot_curves

    options = (result.get("plan") or {}).get("options", [])
    recommended = [o["id"] for o in options if o.get("status") == "recommended"]
    with tempfile.NamedTemporaryFile(suffix=".svg") as f:
        plot_curves(
            result.get("prognosis") or {"scenarios": []},
            f.name,
            title="Estimated survival",
            highlight=recommended,
        )
        return Path(f.name).read_bytes()
