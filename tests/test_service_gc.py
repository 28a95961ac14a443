"""The service's start-up freezes its long-lived objects out of the garbage collector's scans and
raises the young-generation threshold (``service/app.py: create_app``, docs/benchmarks.md);
an application built without warming leaves the collector as it was."""

from __future__ import annotations

import gc
from pathlib import Path

from hepatoboard.service.app import GC_YOUNG_THRESHOLD, create_app


def test_warm_start_up_raises_the_young_threshold_and_cold_leaves_it(tmp_path: Path) -> None:
    before = gc.get_threshold()
    assert before[0] != GC_YOUNG_THRESHOLD
    try:
        create_app(f"sqlite:///{tmp_path / 'cold.db'}", warm=False)
        assert gc.get_threshold() == before
        frozen = gc.get_freeze_count()
        create_app(f"sqlite:///{tmp_path / 'warm.db'}", warm=True)
        assert gc.get_threshold() == (GC_YOUNG_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > frozen
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
