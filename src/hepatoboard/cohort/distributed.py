"""Scale-out on Dask: ``dask.distributed`` futures, one per Parquet row group (or per chunk of
any other input), each running the same Polars kernel as the single-process run.

Not ``dask.dataframe``: a task reads its row group with pyarrow straight into Polars and
returns a Polars frame; nothing goes through pandas. A Parquet file is read by the workers
themselves (the client only reads its metadata), so on a real cluster the file must be at the
same path on every worker (a shared file system); other inputs are read by the client and sent
to the workers chunk by chunk.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hepatoboard.cohort import kernel
from hepatoboard.cohort.mapping import Mapping
from hepatoboard.cohort.run import Options, Task, combine, run_task, tasks

_CLUSTERS: dict[int, Any] = {}  # client -> the local cluster started for it


@dataclass(frozen=True)
class RowGroup:
    """A Parquet row group a worker reads itself."""

    path: str
    index: int
    first_row: int
    rows: int


def row_groups(path: Path) -> list[RowGroup]:
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    meta = pq.ParquetFile(path).metadata
    out, first = [], 1
    for i in range(meta.num_row_groups):
        n = meta.row_group(i).num_rows
        out.append(RowGroup(str(path), i, first, n))
        first += n
    return out


def _run_row_group(rg: RowGroup, mapping: Mapping | None, opts: Options) -> kernel.Result:
    """A Dask task: read one row group, apply the mapping, run the kernel."""
    import polars as pl
    import pyarrow.parquet as pq

    from hepatoboard.cohort.mapping import apply
    from hepatoboard.knowledge.load import default_knowledge

    table = pq.ParquetFile(rg.path).read_row_group(rg.index)
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    flat = apply(frame, mapping, rg.path)
    return run_task(Task(rg.first_row, flat=flat), default_knowledge(), opts)


def _run_chunk(task: Task, opts: Options) -> kernel.Result:
    """A Dask task: run the kernel on a chunk sent by the client."""
    from hepatoboard.knowledge.load import default_knowledge

    return run_task(task, default_knowledge(), opts)


def client_for(scheduler: str | None, workers: int | None) -> Any:
    """A client of the scheduler at ``scheduler`` (tcp://host:port), or of a new local
    cluster of ``workers`` processes (closed with the client)."""
    from dask.distributed import Client, LocalCluster

    if scheduler is not None:
        return Client(scheduler)
    saved = dict(os.environ)  # Dask sets thread counts and PYTHONHASHSEED here for its workers
    cluster = LocalCluster(
        n_workers=workers or 1, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = Client(cluster)
    _CLUSTERS[id(client)] = (cluster, saved)  # closed (and the environment restored) on close
    return client


def close_client(client: Any) -> None:
    started = _CLUSTERS.pop(id(client), None)
    client.close()
    if started is not None:
        cluster, saved = started
        cluster.close()
        os.environ.clear()
        os.environ.update(saved)


def run_parquet(
    client: Any,
    path: Path,
    mapping: Mapping | None,
    opts: Options,
    kb: Any,
    progress: Callable[[int], None] | None = None,
) -> kernel.Result:
    """Every row group of a Parquet file as one future."""
    groups = row_groups(path)
    futures = {client.submit(_run_row_group, rg, mapping, opts, pure=False): rg for rg in groups}
    return _gather(futures, progress, kb, opts, [])


def run_input(
    client: Any, inp: Any, opts: Options, kb: Any, progress: Callable[[int], None] | None = None
) -> kernel.Result:
    """Any other input: the client cuts it into chunks and sends each as one future."""
    todo, invalid = tasks(inp, kb, opts)
    if progress is not None and invalid:
        progress(len(invalid))
    futures = {client.submit(_run_chunk, t, opts, pure=False): t for t in todo}
    return _gather(futures, progress, kb, opts, invalid)


def _gather(
    futures: dict[Any, Any],
    progress: Callable[[int], None] | None,
    kb: Any,
    opts: Options,
    invalid: list[Any],
) -> kernel.Result:
    from dask.distributed import as_completed

    results = []
    for fut in as_completed(list(futures)):
        results.append(fut.result())
        if progress is not None:
            progress(futures[fut].rows)
    return combine(results, invalid, kb, opts)
