"""Twin of :mod:`hepatoboard.facts.tumour` (microvascular invasion reported at all)."""

from __future__ import annotations

from hepatoboard.cohort.facts.registry import Twin
from hepatoboard.cohort.frame import Facts, NewFact


def derive(f: Facts) -> dict[str, NewFact]:
    reported = f.value("microvascular_invasion").is_not_null()
    return {"microvascular_invasion_reported": NewFact(reported, nullable=False)}


TWIN = Twin("tumour", derive)
