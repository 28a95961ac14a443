"""Every data file of the package is shipped in a built wheel: each file under src/hepatoboard
that is not Python source matches a ``[tool.setuptools.package-data]`` pattern of pyproject.toml
(setuptools applies these patterns; an unmatched template or catalogue would be missing from an
installed package, though an editable install still finds it)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "src" / "hepatoboard"


def test_every_data_file_matches_a_package_data_pattern() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["hepatoboard"]
    data = [
        p.relative_to(PKG)
        for p in PKG.rglob("*")
        if p.is_file() and p.suffix not in {".py", ".pyc"} and "__pycache__" not in p.parts
    ]
    assert data, "no data files found"
    unmatched = [str(p) for p in data if not any(p.match(pattern) for pattern in patterns)]
    assert unmatched == []
