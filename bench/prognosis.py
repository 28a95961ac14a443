"""Benchmark of the prognosis model and the assessment: per-case cost cold and warm, the
knowledge-base load (which now validates prognosis.yaml with the other files), and the one-case
CLI against ``python -c pass``.

Run: ``.venv/bin/python bench/prognosis.py [--repeat 10]``. Prints a Markdown table for
docs/benchmarks.md. Timings are reported, never asserted. Every measurement runs in a fresh
process with bytecode caching allowed (one unmeasured run first), as a user's installation
would.

Definitions:
- *warm*: CPU time of one call for a distinct patient in a process that has already assessed
  another case; the median over the example and test cases, each with a distinct AFP.
  *Computed*: the prognosis model's memo is emptied first, so it computes every curve;
  *remembered*: right after a patient whose AFP differs by under 0.5 ng/mL, which the model
  cannot tell apart (``hepatoboard.prognosis.model.predict`` reuses the result, rebuilt as a new
  object);
- *first call*: CPU time of the first ``assess`` / ``predict`` in a fresh process that has
  loaded the knowledge base and parsed the cases, with the objects built so far frozen out of
  the garbage collector's scans and its young-generation threshold raised, as the service does
  at start-up (the CLI pauses the collector for its start-up instead); also shown without
  the freeze, as in a program that imports hepatoboard and calls ``assess`` directly;
- *prognosis*: ``predict`` alone for the case's scenarios; *assessment*: ``assess`` (scores,
  staging, plan and prognosis).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "examples").glob("*.yaml")) + sorted(
    (ROOT / "tests" / "data" / "cases").glob("*.yaml")
)

# Runs inside the measuring subprocess (both versions): prints one JSON line.
PROBE = r"""
import datetime as dt, json, sys, time
mode, paths = sys.argv[1], sys.argv[2:]

def cpu(fn):
    t = time.process_time(); fn(); return time.process_time() - t

out = {}
from hepatoboard.knowledge.load import default_knowledge
out["kb_ms"] = 1000 * cpu(default_knowledge)  # parses and validates every file, prognosis too
from hepatoboard.facts import derive_facts
from hepatoboard.intake import load_case_file, parse_case
from hepatoboard.pipeline import assess, prognosis_scenarios
from hepatoboard.prognosis import predict
from hepatoboard.staging import stage
kb = default_knowledge()
AS_OF = dt.date(2026, 11, 25)
cases = [load_case_file(p, as_of=AS_OF) for p in paths]
import gc
if mode != "cold_assess_unfrozen":
    # as the service does at the end of its start-up (service/app.py, warm): its modules are
    # imported before the freeze, so their objects are frozen too
    import hepatoboard.service.app as service_app
    gc.collect(); gc.freeze()
    young = getattr(service_app, "GC_YOUNG_THRESHOLD", None)  # an older tree keeps the default
    if young is not None:
        gc.set_threshold(young, *gc.get_threshold()[1:])

def distinct(case, i):
    # a distinct patient: same case, AFP varied
    doc = case.model_dump(mode="json", by_alias=True, exclude_none=True)
    doc.setdefault("labs", {})["afp"] = {"value": 11.0 + 97.0 * i, "unit": "ng/mL"}
    return parse_case(doc, as_of=AS_OF)

def facts_and_ids(case):
    a = assess(case, as_of=AS_OF, with_prognosis=False)
    facts = derive_facts(case, kb, AS_OF)
    stage(facts, kb)
    return facts, prognosis_scenarios(a.plan)

if mode in ("cold_assess", "cold_assess_unfrozen"):
    out["ms"] = 1000 * cpu(lambda: assess(cases[0], as_of=AS_OF))
elif mode == "cold_predict":
    facts, ids = facts_and_ids(cases[0])
    out["ms"] = 1000 * cpu(lambda: predict(facts, ids))
elif mode == "warm":
    from hepatoboard.prognosis.data import load as prognosis_data
    memo = getattr(prognosis_data().compiled, "memo", {})  # an older tree has none
    assess(cases[0], as_of=AS_OF)
    a_ms, a_hit, p_ms, p_hit = [], [], [], []
    for rep in range(3):
        for j, c in enumerate(cases):
            i = 1 + rep * len(cases) + j
            # a copy: another case object, so the facts intake derived for its contradiction
            # check (facts/__init__.py memo) are derived again and timed here
            d = distinct(c, i).model_copy()
            memo.clear()  # the prognosis model computes (no remembered result)
            a_ms.append(1000 * cpu(lambda: assess(d, as_of=AS_OF)))
            twin = distinct(c, i + 0.005).model_copy()  # AFP under 0.5 ng/mL higher
            a_hit.append(1000 * cpu(lambda: assess(twin, as_of=AS_OF)))
            facts, ids = facts_and_ids(distinct(c, 100 + i))
            memo.clear()
            p_ms.append(1000 * cpu(lambda: predict(facts, ids)))
            p_hit.append(1000 * cpu(lambda: predict(facts, ids)))
    out["assess_ms"] = sorted(a_ms)[len(a_ms) // 2]
    out["assess_hit_ms"] = sorted(a_hit)[len(a_hit) // 2]
    out["predict_ms"] = sorted(p_ms)[len(p_ms) // 2]
    out["predict_hit_ms"] = sorted(p_hit)[len(p_hit) // 2]
print(json.dumps(out))
"""


def _env(pythonpath: str | None, kb_cache: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if kb_cache is not None:
        env["HEPATOBOARD_KB_CACHE"] = kb_cache
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    else:
        env.pop("PYTHONPATH", None)
    return env


def _probe(
    mode: str, pythonpath: str | None, repeat: int, kb_cache: str | None = None
) -> list[dict[str, float]]:
    args = [sys.executable, "-c", PROBE, mode, *map(str, CASES)]
    env = _env(pythonpath, kb_cache)
    subprocess.run(args, env=env, capture_output=True, check=True, cwd=ROOT)
    runs = []
    for _ in range(repeat):
        r = subprocess.run(args, env=env, capture_output=True, text=True, check=True, cwd=ROOT)
        runs.append(json.loads(r.stdout.strip().splitlines()[-1]))
    return runs


def _wall(
    cmd: list[str], pythonpath: str | None, repeat: int, kb_cache: str | None = None
) -> float:
    env = _env(pythonpath, kb_cache)
    subprocess.run(cmd, env=env, capture_output=True, check=True, cwd=ROOT)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def _compare(other: str, this: str, repeat: int) -> None:
    runs: dict[str, list[dict[str, float]]] = {other: [], this: []}
    load_before = os.getloadavg()[0]
    for _ in range(repeat):
        for path in runs:
            runs[path] += _probe("warm", path, 1)
    print(
        f"Warm CPU per distinct patient, median of {repeat} alternated processes per tree; load "
        f"average (1 min) {load_before:.2f} at the start, {os.getloadavg()[0]:.2f} at the end.\n"
    )
    print("| tree | full assessment | prognosis |\n|---|---|---|")
    for path, rs in runs.items():
        a, pr = _median(rs, "assess_ms"), _median(rs, "predict_ms")
        print(f"| `{path}` | {a:.1f} ms | {pr:.1f} ms |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument(
        "--compare",
        metavar="SRC",
        help="another checkout's src/ directory: only the warm figures, both trees alternated "
        "in the same run (for a loaded machine)",
    )
    args = ap.parse_args()
    rep = args.repeat
    if args.compare:
        _compare(args.compare, str(ROOT / "src"), rep)
        return
    load_before = os.getloadavg()[0]
    case = str(ROOT / "examples" / "seed-father.yaml")
    cli = [sys.executable, "-m", "hepatoboard", "assess", case, "--format", "json"]
    path = str(ROOT / "src")
    warm = _probe("warm", path, max(3, rep // 3))
    cold = _probe("cold_assess", path, rep)
    r = {
        "warm_predict": _median(warm, "predict_ms"),
        "warm_predict_hit": _median(warm, "predict_hit_ms"),
        "warm_assess": _median(warm, "assess_ms"),
        "warm_assess_hit": _median(warm, "assess_hit_ms"),
        "cold_predict": _median(_probe("cold_predict", path, rep), "ms"),
        "cold_assess": _median(cold, "ms"),
        "cold_unfrozen": _median(_probe("cold_assess_unfrozen", path, rep), "ms"),
        "kb_load": _median(cold, "kb_ms"),
        "kb_validate": _median(_probe("cold_assess", path, rep, "off"), "kb_ms"),
        "cli": _wall(cli, path, rep),
        "cli_validate": _wall(cli, path, rep, "off"),
        "pass": _wall([sys.executable, "-c", "pass"], None, rep),
    }
    print(
        f"Measured {dt.date.today()} on {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; `.venv/bin/python bench/prognosis.py --repeat {rep}`. "
        f"CPU times are medians; cases: {', '.join(p.stem for p in CASES)}. Load average "
        f"(1 min) {load_before:.2f} at the start, {os.getloadavg()[0]:.2f} at the end.\n"
    )
    print("| measure | result |\n|---|---|")
    rows = [
        ("prognosis per distinct patient, warm, computed (CPU)", f"{r['warm_predict']:.1f} ms"),
        (
            "prognosis, warm, a patient the model cannot tell from an earlier one (remembered)",
            f"{r['warm_predict_hit']:.2f} ms",
        ),
        ("prognosis, first call in a fresh process (CPU)", f"{r['cold_predict']:.1f} ms"),
        (
            "full assessment per distinct patient, warm, prognosis computed (CPU)",
            f"{r['warm_assess']:.1f} ms",
        ),
        (
            "full assessment, warm, prognosis remembered (AFP under 0.5 ng/mL apart)",
            f"{r['warm_assess_hit']:.1f} ms",
        ),
        (
            "full assessment, first call after the knowledge base is loaded (CPU)",
            f"{r['cold_assess']:.1f} ms",
        ),
        (
            "the same without freezing the start-up objects (a library caller's process)",
            f"{r['cold_unfrozen']:.1f} ms",
        ),
        ("knowledge-base load from the per-user cache (CPU)", f"{r['kb_load']:.0f} ms"),
        (
            "knowledge-base load validating every YAML file, `HEPATOBOARD_KB_CACHE=off` (CPU)",
            f"{r['kb_validate']:.0f} ms",
        ),
        (
            "`hepatoboard assess examples/seed-father.yaml --format json` (wall)",
            f"{1000 * r['cli']:.0f} ms",
        ),
        ("the same with `HEPATOBOARD_KB_CACHE=off` (wall)", f"{1000 * r['cli_validate']:.0f} ms"),
        ("`python -c pass` (wall, same run)", f"{1000 * r['pass']:.0f} ms"),
    ]
    for label, value in rows:
        print(f"| {label} | {value} |")


if __name__ == "__main__":
    main()
