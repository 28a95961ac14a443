"""How fast this machine is at the moment: a fixed pure-Python loop, timed in CPU time.

The benchmark machine's speed moves from minute to minute (the same code took twice as long in
some minutes as in others, docs/benchmarks.md), so the benchmarks print this probe beside their
figures: compare figures only between runs whose probes are close.

    .venv/bin/python bench/machine.py
"""

from __future__ import annotations

import time

LOOP = 3_000_000  # iterations: a few hundred milliseconds on the benchmark machine


def probe_ms() -> float:
    """CPU milliseconds this process takes for the fixed loop (less is faster)."""
    started = time.process_time()
    x = 0
    for i in range(LOOP):
        x += i * i % 7
    return (time.process_time() - started) * 1000


def describe() -> str:
    return f"machine probe (bench/machine.py): {probe_ms():.0f} ms of CPU"


if __name__ == "__main__":
    print(describe())
