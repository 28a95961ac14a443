"""Benchmark of the prognosis model, before (the Monte Carlo model on ``main``) and after (this
tree), in one run: per-case cost cold and warm, the whole assessment, service warm-up, and the
one-case CLI against ``python -c pass``.

Run: ``.venv/bin/python bench/prognosis.py [--before-ref REF] [--repeat 10]``. Prints a
Markdown section for docs/benchmarks.md. Timings are reported, never asserted.

How "before" runs: by default the commit this branch started from (``git merge-base main
HEAD``: the same package with the Monte Carlo model). The ``src/`` tree of that ref is extracted
with ``git archive`` into a temporary directory and put first on ``PYTHONPATH`` of the
measuring subprocesses, so both versions run with the same interpreter and packages. Every
measurement runs in a fresh process with bytecode caching allowed (``PYTHONDONTWRITEBYTECODE``
removed, one unmeasured run first), as a user's installation would.

Definitions:
- *warm*: CPU time of one call for a distinct patient in a process that has already assessed
  another case (data loaded); the median over the example and test cases, each with a distinct
  AFP so no memo can serve it;
- *cold*: CPU time of the first call in a fresh process that has imported hepatoboard and loaded
  the knowledge base (as the CLI and the service do before assessing); the prognosis data is
  loaded in this call;
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
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "examples").glob("*.yaml")) + sorted(
    (ROOT / "tests" / "data" / "cases").glob("*.yaml")
)

# Runs inside the measuring subprocess (both versions): prints one JSON line.
PROBE = r"""
import datetime as dt, json, sys, time
mode, paths = sys.argv[1], sys.argv[2:]
from hepatoboard.assessment import assess
from hepatoboard.case import load_case_file
from hepatoboard.knowledge.base import knowledge
import importlib
assess_mod = importlib.import_module("hepatoboard.assessment.assess")
AS_OF = dt.date(2026, 11, 25)
knowledge()
cases = [load_case_file(p) for p in paths]

def distinct(case, i):
    # a distinct patient: same case, AFP varied (no memo can serve it)
    doc = case.model_dump(mode="json", by_alias=True, exclude_none=True)
    doc.setdefault("labs", {})["afp"] = {"value": 11.0 + 97.0 * i, "unit": "ng/mL"}
    from hepatoboard.case import parse_case
    return parse_case(doc, today=AS_OF)

def facts_and_ids(case):
    from hepatoboard.facts.derive import derive_facts
    from hepatoboard.staging import stage
    from hepatoboard.assessment.model import Plan
    a = assess(case, as_of=AS_OF, with_prognosis=False)
    facts = derive_facts(case, AS_OF)
    stage(facts, knowledge())
    return facts, assess_mod.prognosis_scenarios(a.plan)

def cpu(fn):
    t = time.process_time(); fn(); return time.process_time() - t

out = {}
if mode == "cold_assess":
    out["ms"] = 1000 * cpu(lambda: assess(cases[0], as_of=AS_OF))
elif mode == "cold_assess_loaded":
    from hepatoboard.prognosis.data import load
    load()
    out["ms"] = 1000 * cpu(lambda: assess(cases[0], as_of=AS_OF))
elif mode == "cold_predict":
    facts, ids = facts_and_ids(cases[0])
    from hepatoboard.prognosis import predict
    out["ms"] = 1000 * cpu(lambda: predict(facts, ids))
elif mode == "warm":
    from hepatoboard.prognosis import predict
    assess(cases[0], as_of=AS_OF)  # loads everything
    a_ms, p_ms = [], []
    for rep in range(3):
        for j, c in enumerate(cases):
            d = distinct(c, 1 + rep * len(cases) + j)
            a_ms.append(1000 * cpu(lambda: assess(d, as_of=AS_OF)))
            facts, ids = facts_and_ids(distinct(c, 100 + rep * len(cases) + j))
            p_ms.append(1000 * cpu(lambda: predict(facts, ids)))
    out["assess_ms"] = sorted(a_ms)[len(a_ms) // 2]
    out["predict_ms"] = sorted(p_ms)[len(p_ms) // 2]
elif mode == "warm_up":
    from hepatoboard.prognosis import warm_up
    t = time.perf_counter(); warm_up(); out["s"] = time.perf_counter() - t
print(json.dumps(out))
"""


def _env(pythonpath: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    else:
        env.pop("PYTHONPATH", None)
    return env


def _probe(mode: str, pythonpath: str | None, repeat: int) -> list[dict[str, float]]:
    args = [sys.executable, "-c", PROBE, mode, *map(str, CASES)]
    subprocess.run(args, env=_env(pythonpath), capture_output=True, check=True, cwd=ROOT)
    runs = []
    for _ in range(repeat):
        r = subprocess.run(
            args, env=_env(pythonpath), capture_output=True, text=True, check=True, cwd=ROOT
        )
        runs.append(json.loads(r.stdout.strip().splitlines()[-1]))
    return runs


def _wall(cmd: list[str], pythonpath: str | None, repeat: int) -> float:
    subprocess.run(cmd, env=_env(pythonpath), capture_output=True, check=True, cwd=ROOT)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, env=_env(pythonpath), capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _extract(ref: str, into: Path) -> Path:
    data = subprocess.run(
        ["git", "archive", ref, "src"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def _median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before-ref", default=None, help="default: git merge-base main HEAD")
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--skip-before", action="store_true")
    args = ap.parse_args()
    rep = args.repeat
    load_before = os.getloadavg()[0]
    if args.before_ref is None:
        args.before_ref = subprocess.run(
            ["git", "merge-base", "main", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()[:12]
    case = str(ROOT / "examples" / "seed-father.yaml")
    cli = [sys.executable, "-m", "hepatoboard", "assess", case, "--format", "json"]
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        versions: dict[str, str | None] = {"after": str(ROOT / "src")}
        if not args.skip_before:
            versions = {"before": str(_extract(args.before_ref, Path(tmp))), **versions}
        for name, path in versions.items():
            warm = _probe("warm", path, max(3, rep // 3))
            r = {
                "warm_predict": _median(warm, "predict_ms"),
                "warm_assess": _median(warm, "assess_ms"),
                "cold_predict": _median(_probe("cold_predict", path, rep), "ms"),
                "cold_assess": _median(_probe("cold_assess", path, rep), "ms"),
                "cold_assess_loaded": _median(_probe("cold_assess_loaded", path, rep), "ms"),
                "warm_up": _median(_probe("warm_up", path, max(3, rep // 3)), "s"),
                "cli": _wall(cli, path, rep),
            }
            results[name] = r
        results["python -c pass"] = {"cli": _wall([sys.executable, "-c", "pass"], None, rep)}
    print(
        f"Measured {dt.date.today()} on {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; `.venv/bin/python bench/prognosis.py --repeat {rep}` "
        f"(before = `{args.before_ref}`). CPU times are medians; cases: "
        f"{', '.join(p.stem for p in CASES)}. Load average (1 min) {load_before:.2f} at the "
        f"start, {os.getloadavg()[0]:.2f} at the end (other processes on the machine).\n"
    )
    cols = [c for c in ("before", "after") if c in results]
    print("| measure | " + " | ".join(cols) + " |")
    print("|---|" + "---|" * len(cols))
    rows = [
        ("prognosis per distinct patient, warm (CPU)", "warm_predict", "ms"),
        ("prognosis, first call in a fresh process (CPU)", "cold_predict", "ms"),
        ("full assessment per distinct patient, warm (CPU)", "warm_assess", "ms"),
        ("full assessment, first call in a fresh process (CPU)", "cold_assess", "ms"),
        (
            "... the same with prognosis.yaml already loaded, as by the knowledge-base loader "
            "after the merge (CPU)",
            "cold_assess_loaded",
            "ms",
        ),
        ("`warm_up()` at service start (wall)", "warm_up", "s"),
        ("`hepatoboard assess examples/seed-father.yaml` one case (wall)", "cli", "s"),
    ]
    for label, key, unit in rows:
        vals = []
        for c in cols:
            v = results[c][key]
            vals.append(f"{v:.1f} ms" if unit == "ms" else f"{1000 * v:.0f} ms")
        print(f"| {label} | " + " | ".join(vals) + " |")
    print(
        f"| `python -c pass` (wall, same run) | {1000 * results['python -c pass']['cli']:.0f} ms"
        + " |" * len(cols)
    )


if __name__ == "__main__":
    main()
