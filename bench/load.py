"""Load benchmark of the web service on loopback: throughput and p50/p99 latency of
``POST /assessments:preview`` and ``POST /assessments`` (SQLite default database).

Starts a real server in a subprocess, drives it with wrk (or, without wrk, an async httpx
client), prints a Markdown table for docs/benchmarks.md with the server's CPU per request (and
how much of it the worker processes' main threads, which run the event loop, spent; the rest is
their other threads: the thread pool that checks tokens, parses, assesses and writes the audit
log, and the database's background thread), each worker process's CPU seconds during the row
(from /proc, Linux) and, with wrk, the load generator's own CPU per request (it runs on the
same cores); the load average and the machine probe (`bench/machine.py`) at start and end.

    bench/load.py [WORKERS] [--connections 2 4 8] [--seconds 10] [--distinct-only]
                  [--generated N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXE = str(Path(sys.executable).with_name("hepatoboard"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))
import machine  # noqa: E402

from service_helpers import Server, make_token  # noqa: E402

CASE = json.loads(
    json.dumps(yaml.safe_load((ROOT / "examples" / "seed-father.yaml").read_text()), default=str)
)


async def drive(url: str, token: str, path: str, total: int, concurrency: int) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(i)
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=30) as c:

        async def worker() -> None:
            while not queue.empty():
                i = queue.get_nowait()
                t0 = time.perf_counter()
                r = await c.post(path, json={**CASE, "id": f"load-{i}"})
                latencies.append(time.perf_counter() - t0)
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "requests": total,
        "per_s": total / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "statuses": statuses,
    }


def _distinct_template() -> str:
    """The case as JSON with AFP and albumin as placeholders (preview_distinct.lua fills them)."""
    doc = json.loads(json.dumps(CASE))
    doc["labs"]["afp"]["value"] = "__AFP__"
    doc["labs"]["albumin"]["value"] = "__ALB__"
    return json.dumps(doc).replace('"__AFP__"', "__AFP__").replace('"__ALB__"', "__ALB__")


def wrk(
    url: str, token: str, path: str, seconds: int, connections: int, tmp: str, distinct: bool | str
) -> dict:
    """Drive with wrk (C, Debian package): the load generator then takes little CPU.
    ``distinct``: every request a new patient (bench/preview_distinct.lua); ``"generated"``:
    every request another generated case (bench/preview_generated.lua, :func:`generated_cases`
    must have written them)."""
    case_json = Path(tmp) / "case.json"
    case_json.write_text(_distinct_template() if distinct is True else json.dumps(CASE))
    script = {True: "preview_distinct.lua", False: "preview.lua"}.get(
        distinct, "preview_generated.lua"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(ROOT / "bench" / script),
            url + path,
        ],
        capture_output=True,
        text=True,
        check=True,
        env={
            "HB_CASE_JSON": str(case_json),
            "HB_CASES_JSONL": str(Path(tmp) / "cases.jsonl"),
            "HB_TOKEN": token,
            "PATH": "/usr/bin:/bin",
        },
    ).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime

    def ms(label: str) -> float:
        line = next(x for x in out.splitlines() if x.strip().startswith(label))
        value = line.split()[1]
        return float(value[:-2]) if value.endswith("ms") else float(value[:-1]) * 1000

    rps = float(next(x for x in out.splitlines() if x.startswith("Requests/sec")).split()[1])
    done = int(next(x for x in out.splitlines() if "requests in" in x).split()[0])
    non2xx = [x for x in out.splitlines() if "Non-2xx" in x]
    return {
        "requests": f"{seconds} s",
        "per_s": rps,
        "p50_ms": ms("50%"),
        "p99_ms": ms("99%"),
        "statuses": non2xx[0].strip() if non2xx else "all 2xx",
        "done": done,
        "client_cpu_ms": wrk_cpu / done * 1000 if done else float("nan"),
    }


def server_pids(pid: int) -> list[int]:
    """The processes that serve requests: the children of ``pid`` (workers), else ``pid``."""
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                kids.append(int(entry.name))
    return sorted(kids) or [pid]


def cpu_s(pid: int, thread: bool = False) -> float:
    """User + system CPU seconds of a process so far (all its threads, those that have ended
    included), or with ``thread`` of its main thread alone (in a uvicorn worker, the thread
    that runs the event loop)."""
    stat = f"/proc/{pid}/task/{pid}/stat" if thread else f"/proc/{pid}/stat"
    fields = Path(stat).read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measured(pids: list[int], run: Callable[[], dict]) -> dict:
    """``run()`` (one row) with the CPU seconds each server process spent during it."""
    before = [cpu_s(p) for p in pids]
    loop_before = [cpu_s(p, thread=True) for p in pids]
    r = run()
    spent = [cpu_s(p) - b for p, b in zip(pids, before, strict=True)]
    loop = sum(cpu_s(p, thread=True) - b for p, b in zip(pids, loop_before, strict=True))
    r["cpu"] = " / ".join(f"{x:.1f}" for x in spent)
    n = r.get("done") or r["requests"]
    per = 1000 / n if isinstance(n, int) and n else float("nan")
    r["cpu_ms"] = sum(spent) * per
    r["loop_ms"], r["threads_ms"] = loop * per, (sum(spent) - loop) * per
    return r


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def wrk_rows(url: str, token: str, tmp: str, pids: list[int], args: argparse.Namespace) -> list:
    kinds: list[tuple[str, bool | str]] = [("distinct patients", True)]
    if args.generated:
        kinds.append((f"generated cases ({args.generated:,} cycled)", "generated"))
    if not args.distinct_only:
        kinds.insert(0, ("same patient", False))
    plan = [
        ("/assessments:preview", kind, distinct, c)
        for kind, distinct in kinds
        for c in args.connections
    ]
    if not args.distinct_only:
        plan.append(("/assessments", "distinct patients", True, 4))
    rows = []
    for path, kind, distinct, c in plan:
        name = f"POST {path}, {kind} (wrk, {c} conn, {args.workers} workers)"
        rows.append(
            (name, measured(pids, partial(wrk, url, token, path, args.seconds, c, tmp, distinct)))
        )
    return rows


def generated_cases(n: int, tmp: str) -> int:
    """Write ``n`` generated cases, one JSON document per line, to ``tmp/cases.jsonl``: the
    synthetic registry rows of the cohort benchmark (bench/cohort_data.py, fixed seed) read as
    case documents by the cohort's own reader; rows the intake refuses are left out. Returns
    how many were written."""
    from cohort_data import flat_frame
    from hepatoboard.cohort.rows import row_to_document
    from hepatoboard.contracts.errors import CaseError
    from hepatoboard.intake import parse_case

    lines = []
    for row in flat_frame(n, seed=13).iter_rows(named=True):
        doc = row_to_document(row)
        try:
            parse_case(doc)
        except CaseError:
            continue
        lines.append(json.dumps(doc, default=str))
    (Path(tmp) / "cases.jsonl").write_text("\n".join(lines) + "\n")
    return len(lines)


def _first_preview_ms(url: str, token: str) -> float:
    """Wall time of the first preview a fresh server answers (one-off work shows here)."""
    t = time.perf_counter()
    r = httpx.post(
        url + "/assessments:preview",
        json=CASE,
        headers={"Authorization": f"Bearer {token}"},
        timeout=120,
    )
    r.raise_for_status()
    return (time.perf_counter() - t) * 1000


def httpx_rows(url: str, token: str, pids: list[int]) -> list:
    return [
        (
            f"POST {path}",
            measured(pids, partial(asyncio.run, drive(url, token, path, total, 8))),
        )
        for path, total in (("/assessments:preview", 3000), ("/assessments", 1000))
    ]


def main() -> None:
    import shutil

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workers", nargs="?", type=int, default=2)
    parser.add_argument("--connections", type=int, nargs="+", default=[2, 4, 8])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--distinct-only", action="store_true", help="skip the same-patient rows")
    parser.add_argument(
        "--generated",
        type=int,
        default=2000,
        metavar="N",
        help="also drive N generated cases, each request another (0: skip those rows)",
    )
    args = parser.parse_args()
    print(f"load average at start: {load_average()}; {machine.describe()}")
    with tempfile.TemporaryDirectory() as tmp:
        if args.generated and shutil.which("wrk"):
            args.generated = generated_cases(args.generated, tmp)
        db = f"sqlite:///{tmp}/load.db"
        token = make_token(db, "load", "clinician")
        started = time.perf_counter()
        server = Server(db, Path(tmp) / "server.log", workers=args.workers).start()
        up_s = time.perf_counter() - started
        assert server.proc is not None
        pids = server_pids(server.proc.pid)
        try:
            first_ms = _first_preview_ms(server.url, token)
            print(
                f"start-up: {up_s:.2f} s from the command to the first /health answer "
                f"(polled every 0.1 s); the first preview after it: {first_ms:.0f} ms"
            )
            asyncio.run(drive(server.url, token, "/assessments:preview", 100, 4))  # warm-up
            if shutil.which("wrk"):
                rows = wrk_rows(server.url, token, tmp, pids, args)
            else:
                rows = httpx_rows(server.url, token, pids)
        finally:
            server.stop()
    print(f"load average at end: {load_average()}; {machine.describe()}")
    print(
        "| endpoint | requests | throughput | p50 | p99 | server CPU/request "
        "| of which event loop / other threads | CPU s per server process | wrk CPU/request "
        "| statuses |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, r in rows:
        client = r.get("client_cpu_ms")
        print(
            f"| {name} | {r['requests']} | {r['per_s']:,.0f}/s | {r['p50_ms']:.1f} ms "
            f"| {r['p99_ms']:.1f} ms | {r['cpu_ms']:.1f} ms "
            f"| {r['loop_ms']:.1f} / {r['threads_ms']:.1f} ms | {r['cpu']} "
            f"| {'-' if client is None else f'{client:.2f} ms'} | {r['statuses']} |"
        )


if __name__ == "__main__":
    subprocess.run([EXE, "--help"], capture_output=True, check=True)
    main()
