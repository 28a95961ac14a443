"""A whole cohort run in one process: read, validate, assess in chunks, with progress.

The rows are cut into chunks of :data:`CHUNK_ROWS` (bounded memory, and a progress bar that
moves); every chunk goes through the same kernel (:mod:`.kernel`) as a Dask task would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import polars as pl

from hepatoboard.cohort import kernel, rows
from hepatoboard.cohort.availability import with_availability
from hepatoboard.cohort.read import Input
from hepatoboard.cohort.validate import Invalid
from hepatoboard.contracts.errors import CaseError, Problem
from hepatoboard.knowledge.base import KnowledgeBase

CHUNK_ROWS = 250_000


@dataclass(frozen=True)
class Options:
    as_of: dt.date
    profile: str | None = None
    prognosis: bool = False
    chunk_rows: int = CHUNK_ROWS
    site: str | None = None  # availability profile: adds the availability columns


Progress = Callable[[int], None]


@dataclass
class Task:
    """One chunk: flat rows, or canonical rows of validated cases, and their row numbers."""

    first_row: int
    flat: pl.DataFrame | None = None
    cases: pl.DataFrame | None = None
    numbers: pl.Series | None = None

    @property
    def rows(self) -> int:
        frame = self.flat if self.flat is not None else self.cases
        assert frame is not None
        return frame.height


def run_task(task: Task, kb: KnowledgeBase, opts: Options) -> kernel.Result:
    """The kernel on one task (the same in this process and on a Dask worker)."""
    if task.flat is not None:
        return kernel.run_flat(
            task.flat, kb, opts.as_of, opts.profile, task.first_row, prognosis=opts.prognosis
        )
    assert task.cases is not None and task.numbers is not None
    return kernel.run_cases(
        task.cases, task.numbers, kb, opts.as_of, opts.profile, prognosis=opts.prognosis
    )


def tasks(inp: Input, kb: KnowledgeBase, opts: Options) -> tuple[list[Task], list[Invalid]]:
    """The chunks of an input, and the case documents the intake rejected."""
    size = max(1, opts.chunk_rows)
    if inp.flat is not None:
        flat = inp.flat
        return [Task(i + 1, flat=flat.slice(i, size)) for i in range(0, flat.height, size)], []
    cases, numbers, invalid = validate_documents(inp, kb, opts)
    frame = rows.frame_from_cases(cases)
    nums = pl.Series("#row", numbers, dtype=pl.Int64)
    out = [
        Task(i + 1, cases=frame.slice(i, size), numbers=nums.slice(i, size))
        for i in range(0, frame.height, size)
    ]
    return out, invalid


def validate_documents(inp: Input, kb: KnowledgeBase, opts: Options) -> tuple[list, list, list]:
    """Case documents through the case intake, one by one: (cases, their row numbers,
    rejected rows)."""
    from hepatoboard.intake import parse_case
    from hepatoboard.pipeline import resolve_profile

    cases, numbers, invalid = [], [], []
    for i, (doc, source) in enumerate(zip(inp.documents, inp.sources, strict=True), start=1):
        try:
            if isinstance(doc, CaseError):
                raise doc
            case = parse_case(doc, source, opts.as_of, kb)
            resolve_profile(case, opts.profile, kb)
        except CaseError as exc:
            where = source if len(set(inp.sources)) > 1 else None
            invalid.append(Invalid(i, exc.problems or [Problem("", "invalid")], where))
            continue
        cases.append(case)
        numbers.append(i)
    return cases, numbers, invalid


def run(
    inp: Input, kb: KnowledgeBase, opts: Options, progress: Progress | None = None
) -> kernel.Result:
    """Assess every row of ``inp`` in this process."""
    todo, invalid = tasks(inp, kb, opts)
    if progress is not None and invalid:
        progress(len(invalid))
    results = []
    for t in todo:
        results.append(run_task(t, kb, opts))
        if progress is not None:
            progress(t.rows)
    return combine(results, invalid, kb, opts)


def combine(
    results: list[kernel.Result], invalid: list[Invalid], kb: KnowledgeBase, opts: Options
) -> kernel.Result:
    """The results of several tasks as one, in row order."""
    frames = [r.output for r in results if r.output.height]
    if frames:
        output = pl.concat(frames, how="diagonal_relaxed").sort("row")
    else:
        output = kernel.empty_output(kb, opts.as_of, opts.profile, opts.prognosis)
    bad = [x for r in results for x in r.invalid] + invalid
    output = with_availability(output, kb, opts.site)
    return kernel.Result(output, sorted(bad, key=lambda x: x.row))


def chunks(frame: pl.DataFrame, size: int) -> Iterator[pl.DataFrame]:
    for i in range(0, frame.height, size):
        yield frame.slice(i, size)
