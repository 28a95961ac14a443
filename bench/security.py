"""Reliability benchmark of the web service on loopback (issue 14), printed as Markdown for
docs/reliability.md:

- mixed load (store, preview, history, read) at 1, 8, 32 and 64 concurrent clients, on SQLite
  and, when HEPATOBOARD_TEST_POSTGRES_URL is set, on PostgreSQL: throughput, p50/p99, statuses;
- the alias-bomb request: its status and answer time, and /health answered meanwhile.

Usage: .venv/bin/python bench/security.py [REQUESTS_PER_LEVEL]   (default 640)
Bounded: a fixed number of requests per level, then it stops by itself.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from hostile_corpus import CORPUS  # noqa: E402
from load_mix import run_mixed_load  # noqa: E402

from service_helpers import Server, make_token  # noqa: E402

LEVELS = (1, 8, 32, 64)


def alias_bomb(url: str, token: str) -> tuple[int, float, int]:
    """(status, seconds to answer, /health answers received while it ran)."""
    body = next(b for name, b, _ in CORPUS if name == "alias-bomb-sex")
    healthy = []
    stop = threading.Event()

    def ping() -> None:
        while not stop.is_set():
            if httpx.get(url + "/health", timeout=5).status_code == 200:
                healthy.append(1)

    pinger = threading.Thread(target=ping)
    pinger.start()
    t0 = time.perf_counter()
    r = httpx.post(
        url + "/assessments:preview",
        content=body,
        timeout=60,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/yaml"},
    )
    elapsed = time.perf_counter() - t0
    stop.set()
    pinger.join()
    return r.status_code, elapsed, len(healthy)


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 640
    databases = {"SQLite": None, "PostgreSQL": os.environ.get("HEPATOBOARD_TEST_POSTGRES_URL")}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, url in databases.items():
            if label == "PostgreSQL" and not url:
                continue
            database = url or f"sqlite:///{tmp}/bench.db"
            token = make_token(database, f"bench-{uuid.uuid4().hex[:8]}", "clinician")
            server = Server(database, Path(tmp) / f"{label}.log", warm_token=token).start()
            try:
                for level in LEVELS:
                    rows.append((label, run_mixed_load(server.url, token, total, level)))
                bomb = alias_bomb(server.url, token)
            finally:
                server.stop()
            print(
                f"alias bomb ({label}): HTTP {bomb[0]} in {bomb[1] * 1000:.0f} ms; "
                f"/health answered {bomb[2]} times meanwhile"
            )
    print("\n| database | clients | requests | throughput | p50 | p99 | statuses |")
    print("|---|---|---|---|---|---|---|")
    for label, r in rows:
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(r["statuses"].items()))
        print(
            f"| {label} | {r['concurrency']} | {r['requests']} | {r['per_s']:,.0f}/s "
            f"| {r['p50_ms']:.0f} ms | {r['p99_ms']:.0f} ms | {statuses} |"
        )


if __name__ == "__main__":
    main()
