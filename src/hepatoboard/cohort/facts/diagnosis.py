"""Twin of :mod:`hepatoboard.facts.diagnosis` (HBV / HCV among the aetiologies)."""

from __future__ import annotations

from hepatoboard.cohort.facts.registry import Twin
from hepatoboard.cohort.frame import Facts, NewFact
from hepatoboard.facts.diagnosis import VIRUSES


def derive(f: Facts) -> dict[str, NewFact]:
    et = f.columns["etiology"]
    return {f"etiology_{v}": NewFact(et.member(v), f.bit("diagnosis.etiology")) for v in VIRUSES}


TWIN = Twin("etiology", derive)
