"""Benchmarks: assessment throughput and CLI start-up time.

Run with ``make bench``. Prints a Markdown table to paste into docs/benchmarks.md. Timing is
reported, never asserted (tests must not depend on machine speed).
"""

from __future__ import annotations

import datetime as dt
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
AS_OF = dt.date(2026, 11, 25)


def _variants(n: int) -> list[dict]:
    """n case documents: the examples with ECOG, bilirubin and node count varied."""
    base = [yaml.safe_load(p.read_text()) for p in EXAMPLES]
    out = []
    for i in range(n):
        doc = yaml.safe_load(yaml.safe_dump(base[i % len(base)]))
        doc["id"] = f"bench-{i}"
        doc.setdefault("performance", {})["ecog"] = i % 5
        bili = doc.get("labs", {}).get("bilirubin")
        if bili:
            bili["value"] = round(bili["value"] * (0.5 + (i % 10) / 5), 2)
        out.append(doc)
    return out


def bench_assess(n: int = 2000) -> dict[str, float]:
    from hepatoboard import assess, parse_case

    docs = _variants(n)
    assess(parse_case(docs[0], as_of=AS_OF), as_of=AS_OF)  # warm caches (knowledge base)
    t0 = time.perf_counter()
    cases = [parse_case(d, as_of=AS_OF) for d in docs]
    t1 = time.perf_counter()
    results = [assess(c, as_of=AS_OF) for c in cases]
    t2 = time.perf_counter()
    for r in results:
        r.to_json_dict()
    t3 = time.perf_counter()
    return {
        "cases": n,
        "validate_per_s": n / (t1 - t0),
        "assess_per_s": n / (t2 - t1),
        "serialise_per_s": n / (t3 - t2),
        "end_to_end_per_s": n / (t3 - t0),
    }


def bench_startup(repeat: int = 10) -> dict[str, float]:
    exe = str(Path(sys.executable).with_name("hepatoboard"))
    out = {}
    for label, args in (
        ("python", [sys.executable, "-c", "pass"]),
        ("help", [exe, "--help"]),
        ("assess_help", [exe, "assess", "--help"]),
        ("assess_one", [exe, "assess", str(EXAMPLES[0]), "--format", "json"]),
    ):
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            subprocess.run(args, capture_output=True, check=True)
            times.append(time.perf_counter() - t0)
        out[label] = statistics.median(times)
    return out


def main() -> None:
    a = bench_assess()
    s = bench_startup()
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, {dt.date.today()}")
    print("| benchmark | result |\n|---|---|")
    print(f"| validate case documents | {a['validate_per_s']:,.0f} cases/s |")
    print(f"| assess (scores, staging, plan) | {a['assess_per_s']:,.0f} cases/s |")
    print(f"| serialise to JSON | {a['serialise_per_s']:,.0f} cases/s |")
    print(f"| end to end ({a['cases']} cases) | {a['end_to_end_per_s']:,.0f} cases/s |")
    base = s["python"]
    print(f"| `python -c pass` (median of 10, same run) | {base * 1000:.0f} ms |")
    for key, label in (
        ("help", "hepatoboard --help"),
        ("assess_help", "hepatoboard assess --help"),
    ):
        ratio = s[key] / base
        print(f"| `{label}` start-up (median of 10) | {s[key] * 1000:.0f} ms ({ratio:.1f}x) |")
    one = s["assess_one"]
    print(f"| `hepatoboard assess` one case, JSON (median of 10) | {one * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
