"""`hepatoboard cohort` sets Polars' allocator to keep freed memory (hepatoboard.cohort.allocator)
before Polars is loaded, and never overrides a value the user has set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hepatoboard.cohort.allocator import KEEP_FREED, VARIABLE, keep_freed_memory

ROOT = Path(__file__).resolve().parent.parent

# Records the variable as it is when Polars is first imported, then runs the command line.
SCRIPT = """
import json, os, sys
seen = {}
class Hook:
    def find_spec(self, name, path=None, target=None):
        if name == "polars" and "at_load" not in seen:
            seen["at_load"] = os.environ.get(%(var)r)
        return None
sys.meta_path.insert(0, Hook())
sys.argv = ["hepatoboard", *json.loads(sys.argv[1])]
from hepatoboard.cli import main
try:
    main()
except SystemExit as exc:
    seen["code"] = exc.code
print(json.dumps(seen))
"""


def _polars_sees(args: list[str], env: dict[str, str]) -> dict:
    r = subprocess.run(
        [sys.executable, "-c", SCRIPT % {"var": VARIABLE}, json.dumps(args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    return json.loads(r.stdout.strip().splitlines()[-1])


def _cohort_run(tmp_path: Path) -> list[str]:
    example = ROOT / "examples" / "cohort"
    return [
        "cohort",
        "run",
        str(example / "registry.csv"),
        "--mapping",
        str(example / "mapping.yaml"),
        "--out",
        str(tmp_path / "out.parquet"),
    ]


def test_set_only_where_absent() -> None:
    env: dict[str, str] = {}
    keep_freed_memory(env)
    assert env == {VARIABLE: KEEP_FREED}
    mine = {VARIABLE: "narenas:2"}
    keep_freed_memory(mine)
    assert mine == {VARIABLE: "narenas:2"}


def test_cohort_run_sets_it_before_polars_loads(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != VARIABLE}
    seen = _polars_sees(_cohort_run(tmp_path), env)
    assert seen == {"at_load": KEEP_FREED, "code": 0}
    assert (tmp_path / "out.parquet").exists()


def test_a_users_value_is_kept(tmp_path: Path) -> None:
    env = {**os.environ, VARIABLE: "narenas:2"}
    seen = _polars_sees(_cohort_run(tmp_path), env)
    assert seen == {"at_load": "narenas:2", "code": 0}


def test_other_commands_leave_it_unset() -> None:
    env = {k: v for k, v in os.environ.items() if k != VARIABLE}
    r = subprocess.run(
        [
            sys.executable,
            "-c",
            "import hepatoboard.cli, os, sys; sys.argv = ['hepatoboard', "
            "'version']\ntry:\n    hepatoboard.cli.main()\nexcept SystemExit:\n    pass\n"
            f"print(os.environ.get({VARIABLE!r}))",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert r.stdout.strip().splitlines()[-1] == "None"
