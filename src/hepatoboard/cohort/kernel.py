"""The Polars kernel every task runs: flat rows in, (one output row per valid case, the
invalid rows) out. The single-process run and every Dask task call :func:`run_flat` or
:func:`run_cases` with the same arguments, so their results are the same."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from hepatoboard.cohort import rows, validate
from hepatoboard.cohort.engine import assess_frame
from hepatoboard.cohort.frame import Facts
from hepatoboard.cohort.validate import Invalid
from hepatoboard.contracts.errors import CaseError
from hepatoboard.knowledge.base import KnowledgeBase


@dataclass
class Result:
    output: pl.DataFrame
    invalid: list[Invalid] = field(default_factory=list)


def run_flat(
    raw: pl.DataFrame,
    kb: KnowledgeBase,
    as_of: dt.date,
    profile: str | None = None,
    first_row: int = 1,
    *,
    prognosis: bool = False,
) -> Result:
    """Assess a frame of flat rows (row numbers from ``first_row``)."""
    numbers = pl.Series("#row", range(first_row, first_row + raw.height), dtype=pl.Int64)
    canonical, suspect = validate.parse(raw, kb, as_of, profile)
    canonical, kept, invalid = validate.settle(raw, canonical, suspect, numbers, kb, as_of, profile)

    def contradictions(f: Facts, numbers_now: pl.Series) -> pl.Series:
        hit = validate.contradictory(f)
        for number in numbers_now.filter(hit).to_list():
            try:
                validate.check_row(raw.row(number - first_row, named=True), kb, as_of, profile)
            except CaseError as exc:
                invalid.append(Invalid(number, exc.problems))
                continue
            raise AssertionError(f"row {number}: a contradiction the case intake accepts")
        return hit

    out = assess_frame(canonical, kb, as_of, profile, kept, contradictions, prognosis=prognosis)
    invalid.sort(key=lambda x: x.row)
    return Result(out, invalid)


def run_cases(
    cases: pl.DataFrame,
    numbers: pl.Series,
    kb: KnowledgeBase,
    as_of: dt.date,
    profile: str | None = None,
    *,
    prognosis: bool = False,
) -> Result:
    """Assess canonical rows of cases the intake has already validated."""
    return Result(assess_frame(cases, kb, as_of, profile, numbers, prognosis=prognosis))


def empty_output(
    kb: KnowledgeBase, as_of: dt.date, profile: str | None, prognosis: bool
) -> pl.DataFrame:
    """The output columns with no row (every row of the input was invalid)."""
    empty = pl.DataFrame(schema=rows.schema())
    numbers = pl.Series("#row", [], dtype=pl.Int64)
    return assess_frame(empty, kb, as_of, profile, numbers, prognosis=prognosis)


__all__ = ["Result", "empty_output", "run_cases", "run_flat"]
