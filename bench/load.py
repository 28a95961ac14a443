"""Load benchmark of the web service on loopback: throughput and p50/p99 latency of
``POST /assessments:preview`` and ``POST /assessments`` (SQLite default database).

Starts a real server in a subprocess, drives it with an async httpx client (bounded request
count, stops by itself), prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXE = str(Path(sys.executable).with_name("hepatoboard"))
sys.path.insert(0, str(ROOT / "tests"))
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
    url: str, token: str, path: str, seconds: int, connections: int, tmp: str, distinct: bool
) -> dict:
    """Drive with wrk (C, Debian package): the load generator then takes little CPU.
    ``distinct``: every request a new patient (bench/preview_distinct.lua)."""
    case_json = Path(tmp) / "case.json"
    case_json.write_text(_distinct_template() if distinct else json.dumps(CASE))
    script = "preview_distinct.lua" if distinct else "preview.lua"
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
        env={"HB_CASE_JSON": str(case_json), "HB_TOKEN": token, "PATH": "/usr/bin:/bin"},
    ).stdout

    def ms(label: str) -> float:
        line = next(x for x in out.splitlines() if x.strip().startswith(label))
        value = line.split()[1]
        return float(value[:-2]) if value.endswith("ms") else float(value[:-1]) * 1000

    rps = float(next(x for x in out.splitlines() if x.startswith("Requests/sec")).split()[1])
    non2xx = [x for x in out.splitlines() if "Non-2xx" in x]
    return {
        "requests": f"{seconds} s",
        "per_s": rps,
        "p50_ms": ms("50%"),
        "p99_ms": ms("99%"),
        "statuses": non2xx[0].strip() if non2xx else "all 2xx",
    }


def main() -> None:
    import shutil

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{tmp}/load.db"
        token = make_token(db, "load", "clinician")
        server = Server(db, Path(tmp) / "server.log", workers=workers).start()
        try:
            asyncio.run(drive(server.url, token, "/assessments:preview", 100, 4))  # warm-up
            if shutil.which("wrk"):
                rows = [
                    (
                        f"POST /assessments:preview, {kind} (wrk, {c} conn, {workers} workers)",
                        wrk(server.url, token, "/assessments:preview", 10, c, tmp, distinct),
                    )
                    for kind, distinct in (("same patient", False), ("distinct patients", True))
                    for c in (2, 4, 8)
                ] + [
                    (
                        f"POST /assessments, distinct patients (wrk, 4 conn, {workers} workers)",
                        wrk(server.url, token, "/assessments", 10, 4, tmp, True),
                    ),
                ]
            else:
                rows = [
                    (
                        "POST /assessments:preview",
                        asyncio.run(drive(server.url, token, "/assessments:preview", 3000, 8)),
                    ),
                    (
                        "POST /assessments (stored)",
                        asyncio.run(drive(server.url, token, "/assessments", 1000, 8)),
                    ),
                ]
        finally:
            server.stop()
    print("| endpoint | requests | throughput | p50 | p99 | statuses |")
    print("|---|---|---|---|---|---|")
    for name, r in rows:
        print(
            f"| {name} | {r['requests']} | {r['per_s']:,.0f}/s | {r['p50_ms']:.1f} ms "
            f"| {r['p99_ms']:.1f} ms | {r['statuses']} |"
        )


if __name__ == "__main__":
    subprocess.run([EXE, "--help"], capture_output=True, check=True)
    main()
