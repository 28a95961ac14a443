"""Every assessment the engine builds is a valid instance of its published contract model
(``contracts/assessment.py``, the JSON Schema of ``hepatoboard schema assessment``): its JSON
validates again to the same document, and serialising it raises no warning (a value of the
wrong type in a field does)."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pytest

from hepatoboard.contracts.assessment import Assessment
from hepatoboard.intake import load_case_file
from hepatoboard.pipeline import assess

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "examples").glob("*.yaml")) + sorted(
    (ROOT / "tests" / "data" / "cases").glob("*.yaml")
)
AS_OF = dt.date(2026, 11, 25)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
@pytest.mark.parametrize("site", [None, "vn"])
def test_the_assessment_validates_against_its_contract(path: Path, site: str | None) -> None:
    result = assess(load_case_file(path, as_of=AS_OF), as_of=AS_OF, site=site)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a value of the wrong type warns when serialised
        doc = result.to_json_dict()
        text = result.model_dump_json(by_alias=True)
    again = Assessment.model_validate(doc)
    assert again.to_json_dict() == doc
    assert Assessment.model_validate_json(text).to_json_dict() == doc
    assert result.plan.options, "no options: nothing was checked"
