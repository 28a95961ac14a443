"""Vectorised fact derivation: one twin per per-case producer of :mod:`hepatoboard.facts`.

:func:`derive` runs the direct facts of the catalogue, then every twin in the order of
:data:`hepatoboard.facts.PRODUCERS`, and checks that every case-phase fact of the catalogue now
has a column: a fact added to ``facts.yaml`` (or a producer added to ``hepatoboard.facts``)
without a twin here is an error naming it.
"""

from __future__ import annotations

from hepatoboard.cohort.facts import (
    dates,
    diagnosis,
    direct,
    hcc_scores,
    liver,
    medications,
    metastases,
    nodes,
    preferences,
    renal,
    response,
    therapy_lines,
    tumour,
)
from hepatoboard.cohort.facts.registry import Twin
from hepatoboard.cohort.frame import Facts

TWINS: dict[str, Twin] = {
    m.TWIN.mirrors: m.TWIN
    for m in (
        diagnosis,
        tumour,
        nodes,
        metastases,
        dates,
        response,
        therapy_lines,
        preferences,
        medications,
        renal,
        liver,
        hcc_scores,
    )
}


class MissingTwin(Exception):
    """A per-case producer or catalogue fact has no vectorised twin."""


def check_twins(kb_facts: dict[str, object] | None = None) -> None:
    """Every per-case producer has a twin (raises :class:`MissingTwin` naming the others)."""
    from hepatoboard.facts import PRODUCERS

    lacking = [name for name in PRODUCERS if name not in TWINS]
    if lacking:
        raise MissingTwin(
            f"per-case producers without a vectorised twin in hepatoboard.cohort.facts: "
            f"{', '.join(lacking)}"
        )


def derive(f: Facts) -> None:
    """Add every case-phase fact of the catalogue to ``f`` (see the module docstring)."""
    from hepatoboard.facts import PRODUCERS

    check_twins()
    f.add(direct.derive(f))
    for name in PRODUCERS:
        f.add(TWINS[name].derive(f))
    lacking = [
        name for name, spec in f.kb.facts.items() if spec.phase == "case" and name not in f.columns
    ]
    if lacking:
        raise MissingTwin(
            f"catalogue facts with no vectorised twin in hepatoboard.cohort.facts: "
            f"{', '.join(lacking)}"
        )
