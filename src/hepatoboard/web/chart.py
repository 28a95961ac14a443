"""The survival chart of a stored assessment (SVG), drawn from its stored prognosis: the page
shows exactly the numbers that were stored, never a recomputation."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any


def chart_svg(result: dict[str, Any]) -> bytes:
    from hepatoboard.prognosis import plot_curves

    with tempfile.NamedTemporaryFile(suffix=".svg") as f:
        plot_curves(
            result.get("prognosis") or {"scenarios": []}, f.name, title="Estimated survival"
        )
        return Path(f.name).read_bytes()
