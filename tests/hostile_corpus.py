"""The payloads of issue 14, each as (name, body bytes, content type). Every one must be
answered with a clear 4xx (or assessed, if it is a valid case), never a 5xx, a traceback or a
freeze; the suite in test_hostile_input.py sends each through the CLI, the API and the form."""

from __future__ import annotations

import json


def _bomb(field: str) -> str:
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    head, _, leaf = field.rpartition(".")
    value = "{" + f"{leaf}: *i" + "}"
    body = f"{head}: {value}" if head else f"{leaf}: *i"
    return "\n".join(["format: hepatoboard-case/1", *levels, body]) + "\n"


def _nodes(n: int) -> str:
    return json.dumps({"format": "hepatoboard-case/1", "lymph_nodes": [{"station": "celiac"}] * n})


CORPUS: list[tuple[str, bytes, str]] = [
    ("alias-bomb-format", _bomb("format").encode(), "application/yaml"),
    ("alias-bomb-sex", _bomb("patient.sex").encode(), "application/yaml"),
    ("alias-bomb-etiology", _bomb("diagnosis.etiology").encode(), "application/yaml"),
    (
        "merge-key-bomb",
        b"format: hepatoboard-case/1\nx: &x {a: 1}\npatient: {<<: *x}\n",
        "application/yaml",
    ),
    ("40k-nodes", _nodes(40_000).encode(), "application/json"),
    (
        "over-1MB",
        b'{"format": "hepatoboard-case/1", "id": "' + b"x" * 1_100_000 + b'"}',
        "application/json",
    ),
    (
        "duplicate-labs",
        b"format: hepatoboard-case/1\nlabs: {albumin: {value: 3.5, unit: g/dL},"
        b" inr: 1.1}\nlabs: {bilirubin: {value: 1, unit: mg/dL}}\n",
        "application/yaml",
    ),
    (
        "bool-bilirubin",
        b'{"format": "hepatoboard-case/1", "labs": {"bilirubin": {"value": true,'
        b' "unit": "mg/dL"}}}',
        "application/json",
    ),
    (
        "bool-ecog",
        b'{"format": "hepatoboard-case/1", "performance": {"ecog": true}}',
        "application/json",
    ),
    (
        "string-age",
        b'{"format": "hepatoboard-case/1", "patient": {"age": "68"}}',
        "application/json",
    ),
    (
        "string-cirrhosis",
        b'{"format": "hepatoboard-case/1", "diagnosis": {"cirrhosis": "yes"}}',
        "application/json",
    ),
    (
        "epoch-date",
        b'{"format": "hepatoboard-case/1", "labs": {"date": 1763251200}}',
        "application/json",
    ),
    (
        "json-100k-deep",
        b'{"format": "hepatoboard-case/1", "id": ' + b"[" * 100_000,
        "application/json",
    ),
    ("yaml-deep", ("format: hepatoboard-case/1\nid: " + "[" * 5000).encode(), "application/yaml"),
    (
        "int-5000-digits",
        b'{"format": "hepatoboard-case/1", "patient": {"age": ' + b"9" * 5000 + b"}}",
        "application/json",
    ),
    ("escaped-nul", b'{"format": "hepatoboard-case/1", "id": "a\\u0000b"}', "application/json"),
    ("raw-nul", b"format: hepatoboard-case/1\nid: a\x00b\n", "application/yaml"),
    (
        "escape-sequence",
        b'{"format": "hepatoboard-case/1", "id": "\\u001b[2J\\u001b[31m"}',
        "application/json",
    ),
    (
        "python-tag",
        b"format: hepatoboard-case/1\nid: !!python/object/apply:os.system [id]\n",
        "application/yaml",
    ),
    ("not-utf8", b"format: hepatoboard-case/1\nid: \xff\xfe\n", "application/yaml"),
    (
        "two-documents",
        b"format: hepatoboard-case/1\n---\nformat: hepatoboard-case/1\n",
        "application/yaml",
    ),
    (
        "huge-enum-value",
        b'{"format": "hepatoboard-case/1", "patient": {"sex": "' + b"m" * 900_000 + b'"}}',
        "application/json",
    ),
    (
        "markup-id",
        b'{"format": "hepatoboard-case/1", "id": "x[/bold]y[red]$a$"}',
        "application/json",
    ),
]
VALID = {"markup-id"}  # a valid case: assessed, its id printed as text
