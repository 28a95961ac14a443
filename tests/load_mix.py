"""A bounded mixed load on a running service (used by test_load_durability.py and
bench/security.py): store, preview, history and read requests from ``concurrency`` concurrent
clients on loopback."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections import Counter
from pathlib import Path

import httpx
import yaml

CASE = json.loads(
    json.dumps(
        yaml.safe_load((Path(__file__).parent / "data" / "cases" / "seed-father.yaml").read_text()),
        default=str,
    )
)
MIX = ("preview", "preview", "create", "create", "history", "read")
KEEPALIVE_S = 1.0


async def mixed_load(url: str, token: str, total: int, concurrency: int) -> dict:
    """``total`` requests; returns counts per status, per-request latencies and throughput."""
    headers = {"Authorization": f"Bearer {token}"}
    # A pooled connection idle for KEEPALIVE_S is dropped by the client before the server's own
    # keep-alive timeout (uvicorn: 5 s) can close it under a request being sent (a read error
    # on a loaded machine, not the server's answer).
    limits = httpx.Limits(
        max_connections=concurrency,
        max_keepalive_connections=concurrency,
        keepalive_expiry=KEEPALIVE_S,
    )
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    stored: list[str] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(i)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=120) as c:

        async def one(i: int) -> httpx.Response:
            kind = MIX[i % len(MIX)]
            case_id = f"load-{i % 16}"
            if kind == "preview":
                return await c.post("/assessments:preview", json={**CASE, "id": case_id})
            if kind == "create":
                return await c.post("/assessments", json={**CASE, "id": case_id})
            if kind == "history":
                return await c.get(f"/cases/{case_id}/assessments", params={"limit": 20})
            return await c.get(f"/assessments/{stored[-1] if stored else 'none'}")

        async def worker() -> None:
            while not queue.empty():
                i = queue.get_nowait()
                t0 = time.perf_counter()
                r = await one(i)
                latencies.append(time.perf_counter() - t0)
                statuses[r.status_code] += 1
                if r.status_code == 201:
                    stored.append(r.json()["id"])

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "requests": total,
        "concurrency": concurrency,
        "statuses": dict(statuses),
        "per_s": total / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000,
    }


def run_mixed_load(url: str, token: str, total: int, concurrency: int) -> dict:
    return asyncio.run(mixed_load(url, token, total, concurrency))
