"""Scale-out on Dask: futures over Parquet row groups (and chunks of other inputs) on a real
``LocalCluster`` give results identical to the single-process run."""

from __future__ import annotations

import os

import polars as pl
import pytest

from cohort_strategies import AS_OF, KB, case_documents, flat_rows
from hepatoboard.cohort import distributed as dd
from hepatoboard.cohort.read import Input, read_input
from hepatoboard.cohort.run import Options, run
from test_cohort_equivalence import _draw

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def client():
    """A real local cluster of two worker processes. Dask sets environment variables in this
    process for its workers (thread counts, PYTHONHASHSEED): they are restored afterwards so
    that later tests' subprocesses do not inherit them."""
    from dask.distributed import Client, LocalCluster

    saved = dict(os.environ)
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    c = Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    rows = _draw(flat_rows(), 400)
    names = sorted({k for r in rows for k in r})
    frame = pl.DataFrame(
        {n: [r.get(n) for r in rows] for n in names}, schema={n: pl.String for n in names}
    )
    path = tmp_path_factory.mktemp("cohort") / "registry.parquet"
    frame.write_parquet(path, row_group_size=100)
    return path


def test_row_groups_on_a_local_cluster_equal_the_single_process_run(client, registry):
    opts = Options(as_of=AS_OF)
    single = run(read_input(str(registry)), KB, opts)
    assert len(dd.row_groups(registry)) == 4  # four futures
    seen: list[int] = []
    spread = dd.run_parquet(client, registry, None, opts, KB, seen.append)
    assert sum(seen) == 400
    assert spread.output.equals(single.output)
    assert [(x.row, x.problems) for x in spread.invalid] == [
        (x.row, x.problems) for x in single.invalid
    ]
    assert single.output.height > 200 and single.invalid  # valid and invalid rows both


def test_chunks_in_flight_on_threads_equal_one_chunk_at_a_time(registry):
    whole = run(read_input(str(registry)), KB, Options(as_of=AS_OF, chunk_rows=400))
    one = run(read_input(str(registry)), KB, Options(as_of=AS_OF, chunk_rows=90, in_flight=1))
    seen: list[int] = []
    opts = Options(as_of=AS_OF, chunk_rows=90, in_flight=2)
    two = run(read_input(str(registry)), KB, opts, seen.append)
    assert sorted(seen) == [40, 90, 90, 90, 90]  # progress: once per chunk
    for other in (one, whole):
        assert two.output.equals(other.output)
        assert [(x.row, x.problems) for x in two.invalid] == [
            (x.row, x.problems) for x in other.invalid
        ]
    assert two.output.height > 200 and two.invalid  # valid and invalid rows both


def test_chunks_of_case_documents_on_a_local_cluster_equal_the_single_process_run(client):
    docs = _draw(case_documents(), 200)
    inp = Input(documents=docs, sources=["generated"] * len(docs))
    opts = Options(as_of=AS_OF, chunk_rows=70)
    single = run(inp, KB, opts)
    spread = dd.run_input(client, inp, opts, KB)
    assert spread.output.equals(single.output)
    assert [x.row for x in spread.invalid] == [x.row for x in single.invalid]


def test_cli_workers_gives_the_same_file_as_one_process(registry, tmp_path):
    import subprocess
    import sys

    def cli(*args):
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "hepatoboard",
                "cohort",
                "run",
                str(registry),
                "--as-of",
                AS_OF.isoformat(),
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )

    one, two = tmp_path / "one.parquet", tmp_path / "two.parquet"
    r1 = cli("--out", str(one))
    r2 = cli("--out", str(two), "--workers", "2")
    assert r1.returncode == 0 and r2.returncode == 0, r2.stderr
    assert pl.read_parquet(one).equals(pl.read_parquet(two))
    last = [r.stderr.strip().splitlines()[-1].split("; written")[0] for r in (r1, r2)]
    assert last[0] == last[1] and "rows assessed" in last[0]


def test_cli_scheduler_uses_a_running_cluster(client, registry, tmp_path):
    """``--scheduler tcp://HOST:PORT`` sends the row groups to an existing scheduler."""
    import subprocess
    import sys

    address = client.scheduler.address
    assert address.startswith("tcp://127.0.0.1:")
    out = tmp_path / "spread.csv"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "hepatoboard",
            "cohort",
            "run",
            str(registry),
            "--out",
            str(out),
            "--as-of",
            AS_OF.isoformat(),
            "--scheduler",
            address,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    single = run(read_input(str(registry)), KB, Options(as_of=AS_OF)).output
    spread = pl.read_csv(out, infer_schema_length=None)  # every row read to type the columns
    assert spread.height == single.height
    assert spread["row"].to_list() == single["row"].to_list()
