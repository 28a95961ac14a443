from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hepatoboard.intake import load_case_file, parse_case

DATA = Path(__file__).parent / "data"
CASES = DATA / "cases"
# Assessments in tests use a fixed date so "endoscopy within 6 months" cannot drift.
AS_OF = dt.date(2026, 11, 25)


@pytest.fixture
def as_of() -> dt.date:
    return AS_OF


def case_file(name: str) -> Path:
    return CASES / f"{name}.yaml"


def load(name: str):
    return load_case_file(case_file(name))


def minimal(**sections):
    """A case built from the given sections (everything else unknown)."""
    return parse_case({"format": "hepatoboard-case/1", **sections}, as_of=AS_OF)
