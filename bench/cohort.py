"""Cohort benchmark (issue 16): synthetic registry rows through the full per-row output, the
anchor kernel (Child-Pugh + ALBI + MELD alone in Polars) and the per-row Python loop.

    .venv/bin/python bench/cohort.py [--sizes 10000,100000,1000000] [--repeat 3]

Each measurement runs in a fresh process (so the peak memory is that measurement's own) and is
repeated; the median is reported. The input is an in-memory frame of typed flat rows (as read
from Parquet, `bench/cohort_data.py`), 10% of each input missing; generating it is not timed.
Each process gets the allocator setting `hepatoboard cohort` sets for itself (Polars keeps freed
memory for reuse: `hepatoboard.cohort.allocator`; a value in the environment is kept);
`--no-keep-freed` measures without it. Prints the machine probe (`bench/machine.py`) before
and after, and a Markdown table for docs/benchmarks.md (CPU time: user + system time of the
process, all threads, over the measured part). Timing is reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _full(n: int) -> dict[str, float]:
    from cohort_data import AS_OF, flat_frame
    from hepatoboard.cohort.read import Input
    from hepatoboard.cohort.run import Options, run
    from hepatoboard.knowledge.load import default_knowledge

    kb = default_knowledge()
    raw = flat_frame(n)
    run(Input(flat=raw.head(1000)), kb, Options(as_of=AS_OF))  # warm-up: imports, KB
    t, cpu = time.perf_counter(), time.process_time()
    result = run(Input(flat=raw), kb, Options(as_of=AS_OF))
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    assert result.output.height + len(result.invalid) == n
    out = {"seconds": seconds, "cpu": cpu, "invalid": len(result.invalid)}
    return {**out, "columns": result.output.width}


def _anchor(n: int) -> dict[str, float]:
    """Child-Pugh + ALBI + MELD alone, in Polars, from the same rows (units converted)."""
    import polars as pl

    from cohort_data import flat_frame
    from hepatoboard.cohort import scores
    from hepatoboard.cohort.exact import divide, python_round, rounded
    from hepatoboard.knowledge.load import default_knowledge

    kb = default_knowledge()
    k, q = kb.scores, kb.limits.quantities
    raw = flat_frame(n)
    t, cpu = time.perf_counter(), time.process_time()

    def canonical(lab: str) -> pl.Series:
        factors = dict(q[lab].units)
        unit = pl.col(f"labs.{lab}.unit").replace_strict(factors, return_dtype=pl.Float64)
        v = raw.select(pl.col(f"labs.{lab}") * unit).to_series()
        return rounded(v, q[lab].decimals, python_round)

    df = raw.with_columns(
        canonical("bilirubin").alias("bili"),
        canonical("albumin").alias("alb"),
        canonical("creatinine").alias("cr"),
    )
    c = pl.col
    points, klass = scores.child_pugh(
        k.child_pugh,
        c("bili"),
        c("alb"),
        c("labs.inr"),
        c("clinical.ascites"),
        c("clinical.encephalopathy"),
    )
    umol = rounded(
        df.select(divide(c("bili"), q["bilirubin"].units["umol/L"])).to_series(),
        q["bilirubin"].decimals,
        python_round,
    )
    gl = rounded(
        df.select(divide(c("alb"), q["albumin"].units["g/L"])).to_series(),
        q["albumin"].decimals,
        python_round,
    )
    raw_albi, grade, _ = scores.albi(k.albi, df, umol, gl)
    meld = scores.meld_i(
        k.meld, df, c("bili"), c("labs.inr"), c("cr"), c("clinical.dialysis_past_week")
    )
    out = df.select(
        points.alias("p"), klass.alias("c"), grade.alias("g"), pl.lit(raw_albi), pl.lit(meld)
    )
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    assert out.height == n
    return {"seconds": seconds, "cpu": cpu}


def _loop(n: int) -> dict[str, float]:
    """The per-row Python path: each row through the case intake and ``assess``."""
    from cohort_data import AS_OF, flat_frame
    from hepatoboard.cohort.rows import row_to_document
    from hepatoboard.contracts.errors import CaseError
    from hepatoboard.intake import parse_case
    from hepatoboard.knowledge.load import default_knowledge
    from hepatoboard.pipeline import assess

    kb = default_knowledge()
    rows = flat_frame(n).to_dicts()
    t, cpu = time.perf_counter(), time.process_time()
    for row in rows:
        try:
            case = parse_case(row_to_document(row), as_of=AS_OF, kb=kb)
        except CaseError:
            continue
        assess(case, kb=kb, as_of=AS_OF, with_prognosis=False)
    return {"seconds": time.perf_counter() - t, "cpu": time.process_time() - cpu}


KINDS = {"full": _full, "anchor": _anchor, "loop": _loop}


def _one(kind: str, n: int) -> None:
    sys.path.insert(0, str(HERE))
    out = KINDS[kind](n)
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def measure(kind: str, n: int, repeat: int, keep_freed: bool = True) -> dict[str, float]:
    env = dict(os.environ)
    if keep_freed:
        from hepatoboard.cohort.allocator import keep_freed_memory

        keep_freed_memory(env)
    runs = []
    for _ in range(repeat):
        r = subprocess.run(
            [sys.executable, __file__, "--one", kind, str(n)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        runs.append(json.loads(r.stdout.strip().splitlines()[-1]))
    return {
        "seconds": statistics.median(x["seconds"] for x in runs),
        "peak_mb": statistics.median(x["peak_mb"] for x in runs),
        "cpu": statistics.median(x["cpu"] for x in runs),
        "runs": [round(x["seconds"], 2) for x in runs],
    }


def main() -> None:
    import machine  # bench/ is on the path: this script's folder

    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--loop-rows", type=int, default=2000)
    ap.add_argument("--one", nargs=2, metavar=("KIND", "N"))
    ap.add_argument(
        "--no-keep-freed",
        action="store_true",
        help="without the allocator setting of `hepatoboard cohort` (Polars' default)",
    )
    args = ap.parse_args()
    if args.one:
        _one(args.one[0], int(args.one[1]))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    print(machine.describe())
    print("| measurement | rows | median time | rows/s | CPU time | peak memory | runs (s) |")
    print("|---|---|---|---|---|---|---|")
    for n in sizes:
        for kind, label in (("full", "full per-row output"), ("anchor", "anchor kernel")):
            m = measure(kind, n, args.repeat, not args.no_keep_freed)
            print(
                f"| {label} | {n:,} | {m['seconds']:.2f} s | {n / m['seconds']:,.0f} | "
                f"{m['cpu']:.2f} s | {m['peak_mb']:,.0f} MB | {m['runs']} |",
                flush=True,
            )
    m = measure("loop", args.loop_rows, 1, not args.no_keep_freed)
    rate = args.loop_rows / m["seconds"]
    print(
        f"| per-row Python loop (intake + assess) | {args.loop_rows:,} | {m['seconds']:.2f} s "
        f"| {rate:,.0f} | {m['cpu']:.2f} s | {m['peak_mb']:,.0f} MB | (1M rows: about "
        f"{1e6 / rate / 60:.0f} "
        "min) |"
    )
    print(machine.describe())


if __name__ == "__main__":
    main()
