"""Prognosis over a cohort: the prognosis model once per distinct prognostic profile.

The model is called through its public interface only,
``hepatoboard.prognosis.predict(facts, scenarios)``, with the scenarios the per-case pipeline
gives it (best supportive care and every systemic or local option recommended or considered;
the model itself gives no scenario, only a warning, for a patient outside the populations it
is calibrated on: ``prognosis.outside_population``). Which facts
make a profile is found by the model itself: each call reads the facts it needs through a
recording view; a later row whose scenarios and values agree on exactly those facts follows the
same path through the (deterministic) model and gets the same result, so the model runs once
per distinct profile and the results are joined back to the rows.

A row's facts are given as the per-case pipeline gives them, with two differences the model
does not see today: a list fact lists its items in vocabulary order without repeats, and the
missing fields of an unknown fact are sorted. Medians equal the per-case medians (the test
allows 1e-9 months, ``docs/cohort.md``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, cast

import polars as pl

from hepatoboard.cohort.exact import FactRows
from hepatoboard.cohort.frame import Facts
from hepatoboard.criteria.evaluate import FactValue
from hepatoboard.planning.result import ACTIVE

BSC = "best_supportive_care"


class _RowFacts(Mapping[str, FactValue]):
    """One row's facts, read on demand; records which names the model read."""

    def __init__(self, columns: FactRows, row: int, names: tuple[str, ...]) -> None:
        self.columns, self.row, self.names = columns, row, names
        self.read: set[str] = set()
        self.iterated = False

    def __getitem__(self, name: str) -> FactValue:
        if name not in self.names:
            raise KeyError(name)
        self.read.add(name)
        return self.columns.get(name)[self.row]

    def __iter__(self) -> Iterator[str]:
        self.iterated = True
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def _key(v: FactValue) -> tuple[Any, ...]:
    value = tuple(v.value) if isinstance(v.value, list) else v.value
    return (value, v.missing)


def _asked(f: Facts) -> list[str]:
    """The options the per-case pipeline may ask the model for (systemic or local)."""
    from hepatoboard.pipeline import LOCAL_MODALITIES

    return [oid for oid, o in f.kb.options.items() if o.systemic or o.modality in LOCAL_MODALITIES]


def scenarios(f: Facts, out: pl.DataFrame) -> list[tuple[str, ...]]:
    """Per row: the scenarios the per-case pipeline asks the model for
    (:func:`hepatoboard.pipeline.prognosis_scenarios`)."""
    asked = _asked(f)
    statuses = out.select(f"status.{oid}" for oid in asked).rows()
    return [
        (BSC, *(oid for oid, s in zip(asked, row, strict=True) if s in ACTIVE)) for row in statuses
    ]


def medians(f: Facts, out: pl.DataFrame) -> dict[str, pl.Series]:
    """``prognosis.<scenario>.median_months`` columns (null where a scenario was not asked
    for, or the model gives no estimate)."""
    from hepatoboard.prognosis import predict

    columns = FactRows(f)  # every row, each fact extracted on first use
    names = tuple(n for n in f.columns if not n.startswith("#"))
    memo: dict[tuple[str, ...], dict[frozenset[str], dict[tuple[Any, ...], dict[str, float]]]]
    memo = {}
    per_row: list[dict[str, float]] = []
    for i, scen in enumerate(scenarios(f, out)):
        paths = memo.setdefault(scen, {})
        hit = None
        for read, table in paths.items():
            key = tuple(_key(columns.get(n)[i]) for n in sorted(read))
            hit = table.get(key)
            if hit is not None:
                break
        if hit is None:
            rec = _RowFacts(columns, i, names)
            hit = _medians(predict(cast(Any, rec), list(scen)))
            if not rec.iterated:
                key = tuple(_key(columns.get(n)[i]) for n in sorted(rec.read))
                paths.setdefault(frozenset(rec.read), {})[key] = hit
        per_row.append(hit)
    from hepatoboard.prognosis.data import load

    ids = list(dict.fromkeys([BSC, *_asked(f), *load().scenarios]))
    cols = {
        f"prognosis.{sid}.median_months": pl.Series([r.get(sid) for r in per_row], dtype=pl.Float64)
        for sid in ids
    }
    cols["prognosis.outside_population"] = pl.Series(
        [OUTSIDE in r for r in per_row], dtype=pl.Boolean
    )
    return cols


OUTSIDE = "#outside"  # key of a result outside the model's population (no scenario)


def _medians(result: Any) -> dict[str, float]:
    """Scenario id -> median months, from the model's result (a mapping or a model); the key
    :data:`OUTSIDE` when the patient is outside the populations the model is calibrated on."""
    from hepatoboard.prognosis.data import load

    data = result.model_dump() if hasattr(result, "model_dump") else result
    out: dict[str, float] = {}
    if not data.get("scenarios") and load().population.outside in data.get("warnings", []):
        out[OUTSIDE] = 1.0
    for sc in data.get("scenarios", []):
        sc = sc.model_dump() if hasattr(sc, "model_dump") else sc
        if sc.get("median_months") is not None:
            out[str(sc["id"])] = float(sc["median_months"])
    return out
