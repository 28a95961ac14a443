"""No clinical number in Python: every threshold, coefficient and figure lives in the knowledge
base with its source (issue 10). The only numbers allowed in src/ are the non-clinical ones
listed, with their reason, in tests/data/non_clinical_numbers.yaml."""

from __future__ import annotations

import ast
import fnmatch
from pathlib import Path

import pytest
import yaml

SRC = Path(__file__).resolve().parents[1] / "src" / "hepatoboard"
ALLOWED = yaml.safe_load((Path(__file__).parent / "data" / "non_clinical_numbers.yaml").read_text())
FILES = sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


def _is_number(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


def _allowed(kind: str, rel: str, what: object) -> bool:
    for entry in ALLOWED[kind]:
        if fnmatch.fnmatch(rel, entry["file"]):
            listed = entry["values" if kind == "numbers" else "code"]
            if listed == "any" or what in listed:
                return True
    return False


def _is_len_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len"


def problems(code: str, rel: str) -> list[str]:
    """Numbers and numeric comparisons in ``code`` (the file ``rel`` of src/hepatoboard) that
    the allow-list does not name."""
    out = []
    for node in ast.walk(ast.parse(code)):
        value = node.value if isinstance(node, ast.Constant) else None
        if _is_number(node) and value not in (0, 1) and not _allowed("numbers", rel, value):
            out.append(f"{rel}:{node.lineno}: number {value!r}")
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_is_number(s) for s in sides) and not any(_is_len_call(s) for s in sides):
                code = ast.unparse(node)
                if not _allowed("comparisons", rel, code):
                    out.append(f"{rel}:{node.lineno}: comparison with a number: {code}")
    return out


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(SRC).as_posix() for p in FILES])
def test_no_clinical_number_in_code(path: Path) -> None:
    assert problems(path.read_text(encoding="utf-8"), path.relative_to(SRC).as_posix()) == []


def test_the_check_finds_a_hidden_clinical_number() -> None:
    """The scanner itself works: an AFP threshold or an ECOG cap hidden in code is caught."""
    code = (SRC / "planning" / "decide.py").read_text(encoding="utf-8")
    hidden = (
        "\n\ndef _x(afp: float, ecog: int) -> bool:\n    return afp >= 400 or min(ecog, 2) > 1\n"
    )
    found = problems(code + hidden, "planning/decide.py")
    assert any("400" in p for p in found) and any("number 2" in p for p in found)
    assert any("comparison with a number: min(ecog, 2) > 1" in p for p in found)
