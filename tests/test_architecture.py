"""The code stays readable (issue 11): every module imports on its own (no import cycles), no
function is longer than 80 lines, the public API works, and a `# fmt: skip` always says why."""

from __future__ import annotations

import ast
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import hepatoboard

SRC = Path(hepatoboard.__file__).parent
MODULES = sorted(
    "hepatoboard." + ".".join(p.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
    for p in SRC.rglob("*.py")
    if "migrations" not in p.parts and p.name != "__main__.py"
)
MAX_FUNCTION_LINES = 80


def _import_alone(module: str) -> tuple[str, str]:
    r = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, check=False
    )
    return module, r.stderr.strip().splitlines()[-1] if r.returncode else ""


def test_every_module_imports_alone_in_a_fresh_interpreter():
    with ThreadPoolExecutor(max_workers=4) as pool:
        failures = [(m, err) for m, err in pool.map(_import_alone, MODULES) if err]
    assert failures == []


def test_public_api_names_all_work():
    for name in hepatoboard.__all__:
        assert getattr(hepatoboard, name) is not None, name
    assert callable(hepatoboard.assess) and callable(hepatoboard.load_case)
    with pytest.raises(AttributeError):
        _ = hepatoboard.no_such_name  # type: ignore[attr-defined]


def _functions():
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                yield path.relative_to(SRC).as_posix(), node


def test_no_function_is_longer_than_80_lines():
    long = [
        f"{rel}:{fn.lineno} {fn.name} ({fn.end_lineno - fn.lineno + 1} lines)"
        for rel, fn in _functions()
        if (fn.end_lineno or fn.lineno) - fn.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []


def test_every_fmt_skip_gives_its_reason():
    bare = []
    for path in sorted([*SRC.rglob("*.py"), *(SRC.parents[1] / "tests").glob("*.py")]):
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "# fmt: skip" in line and "# fmt: skip  # " not in line and path.name != __file__:
                bare.append(f"{path.name}:{i}")
    assert [b for b in bare if not b.startswith("test_architecture.py")] == []
