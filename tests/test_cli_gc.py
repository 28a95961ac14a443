"""The CLI pauses the garbage collector for its start-up and resumes it for long work
(hepatoboard.cli.main, hepatoboard.cli.common.resume_gc): a command that processes several
items must collect garbage again, and the collector is never left paused after a command."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from hepatoboard.cli import main

ROOT = Path(__file__).resolve().parent.parent
PIPELINE = str(Path("hepatoboard") / "pipeline.py")


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """Generations of the collections that run while a case is being assessed."""
    seen: list[int] = []

    def record(phase: str, info: dict[str, Any]) -> None:
        if phase != "start":
            return
        frame = sys._getframe()
        while frame is not None:
            if frame.f_code.co_filename.endswith(PIPELINE):
                seen.append(info["generation"])
                return
            frame = frame.f_back  # type: ignore[assignment]

    gc.callbacks.append(record)
    yield seen
    gc.callbacks.remove(record)
    gc.unfreeze()


def _run(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["hepatoboard", *args])
    with pytest.raises(SystemExit) as exit_:
        main()
    return int(exit_.value.code or 0)


def test_a_several_case_file_collects_again_after_the_first_case(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collections: list[int], capsys: Any
) -> None:
    doc = yaml.safe_load((ROOT / "examples" / "seed-father.yaml").read_text())
    cases = tmp_path / "cases.yaml"
    cases.write_text(yaml.safe_dump_all([{**doc, "id": f"gc-{i}"} for i in range(4)]))
    assert _run(monkeypatch, "assess", str(cases), "--format", "json") == 0
    assert len(capsys.readouterr().out.splitlines()) == 4
    assert collections, "no garbage collected while assessing the cases after the first"
    assert gc.isenabled()


def test_the_collector_is_resumed_when_a_command_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collections: list[int]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: hepatoboard-case/1\npatient: 3\n")
    assert _run(monkeypatch, "assess", str(bad)) == 2
    assert gc.isenabled()
