"""A whole cohort run in one process: read, validate, assess in chunks, with progress.

The rows are cut into chunks of :data:`CHUNK_ROWS` (bounded memory, and a progress bar that
moves); every chunk goes through the same kernel (:mod:`.kernel`) as a Dask task would.
:data:`IN_FLIGHT` chunks run at the same time, on threads: while one chunk's expressions are
built in Python, Polars computes another's (Polars releases the interpreter while it computes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

import polars as pl

from hepatoboard.cohort import kernel, rows
from hepatoboard.cohort.availability import with_availability
from hepatoboard.cohort.read import Input
from hepatoboard.cohort.validate import Invalid
from hepatoboard.contracts.errors import CaseError, Problem
from hepatoboard.knowledge.base import KnowledgeBase

CHUNK_ROWS = 250_000
IN_FLIGHT = 2
"""Chunks assessed at the same time (threads). When this was added, on the 2-core benchmark
machine (idle), 500,000 rows took 15.5 s with 2 in flight against 18.6 s one after the other;
each chunk in flight holds its working frame (up to about 1.3 GB per 250,000 rows)."""


@dataclass(frozen=True)
class Options:
    as_of: dt.date
    profile: str | None = None
    prognosis: bool = False
    chunk_rows: int = CHUNK_ROWS
    site: str | None = None  # availability profile: adds the availability columns
    in_flight: int = IN_FLIGHT  # chunks assessed at the same time (threads)


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
    return combine(_assess_all(todo, kb, opts, progress), invalid, kb, opts)


def _assess_all(
    todo: list[Task], kb: KnowledgeBase, opts: Options, progress: Progress | None
) -> list[kernel.Result]:
    """Every task's result, in task order (``opts.in_flight`` at a time); ``progress`` is
    called in this thread as each task finishes."""
    with ThreadPoolExecutor(max(1, min(opts.in_flight, len(todo)))) as pool:
        futures = {pool.submit(run_task, t, kb, opts): t for t in todo}
        for done in as_completed(futures):
            error = done.exception()
            if error is not None:  # a failed task: the tasks not started are not run
                pool.shutdown(wait=False, cancel_futures=True)
                raise error
            if progress is not None:
                progress(futures[done].rows)
        return [f.result() for f in futures]


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
