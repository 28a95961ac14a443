"""Reading registries and writing results, as a user runs them: every input form, mapping
files, the example registry of the README, the summary and the schema."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
import yaml

from cohort_strategies import AS_OF, KB
from hepatoboard.cohort import layout
from hepatoboard.cohort.mapping import InputError, Mapping, apply
from hepatoboard.cohort.read import read_input
from hepatoboard.cohort.run import Options, run

from conftest import CASES

ROOT = Path(__file__).resolve().parent.parent
DATE = AS_OF.isoformat()


def cli(*args: str, stdin: str | None = None, cwd: Path = ROOT):
    return subprocess.run(
        [sys.executable, "-m", "hepatoboard", *args],
        capture_output=True,
        text=True,
        input=stdin,
        cwd=cwd,
        check=False,
    )


def test_readme_command_on_the_example_registry(tmp_path):
    out = tmp_path / "results.parquet"
    r = cli(
        "cohort",
        "run",
        "examples/cohort/registry.csv",
        "--mapping",
        "examples/cohort/mapping.yaml",
        "--out",
        str(out),
        "--summary",
        "--as-of",
        DATE,
    )
    assert r.returncode == 0, r.stderr
    df = pl.read_parquet(out)
    by_id = {row["case_id"]: row for row in df.to_dicts()}
    assert len(by_id) == 7 and "R007" not in by_id  # the invalid row gets no plan
    # PET-confirmed porta hepatis node, ECOG 1 from the cancer: extrahepatic spread, BCLC C
    # (bclc2022); the node is regional: N1 (ajcc8)
    assert by_id["R001"]["staging.bclc"] == "C" and by_id["R001"]["staging.tnm.n"] == "N1"
    # 'ND' is unknown, never normal: no Child-Pugh, and the fields are listed as missing
    assert by_id["R005"]["scores.child_pugh.points"] is None
    assert "clinical.ascites" in by_id["R005"]["missing.scores.child_pugh"].split(";")
    summary = (tmp_path / "results.summary.md").read_text()
    assert "| 7 | labs.creatinine | 0.9 umol/L is outside physiological limits" in summary
    assert "## Top missing fields and the decisions each blocks" in summary
    assert "## Option status (rows)" in summary and "not a prescription" in summary
    page = (tmp_path / "results.summary.html").read_text()
    assert "<h2>Invalid rows</h2>" in page and "labs.creatinine" in page
    assert "row 7: labs.creatinine" in r.stderr


def test_a_not_documented_code_maps_to_unknown_never_to_normal():
    raw = pl.DataFrame(
        {
            "ASC": ["0", "9"],
            "labs.bilirubin": ["1.0", "1.0"],
            "labs.bilirubin.unit": ["mg/dL"] * 2,
            "labs.albumin": ["4.0"] * 2,
            "labs.albumin.unit": ["g/dL"] * 2,
            "labs.inr": ["1.0"] * 2,
            "clinical.encephalopathy": ["none"] * 2,
        }
    )
    mapping = Mapping(
        columns={"ASC": "clinical.ascites"}, codes={"clinical.ascites": {"0": "none", "9": None}}
    )
    from hepatoboard.cohort.read import Input

    res = run(Input(flat=apply(raw, mapping)), KB, Options(as_of=AS_OF))
    known, unknown = res.output.to_dicts()
    assert known["scores.child_pugh.points"] == 5  # 1 point each (Pugh 1973)
    assert unknown["scores.child_pugh.points"] is None
    assert unknown["missing.scores.child_pugh"] == "clinical.ascites"


def test_an_unknown_column_stops_the_run_naming_it(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("patient.agee,patient.sex\n70,male\n")
    with pytest.raises(InputError, match=re.escape("'patient.agee' (did you mean 'patient.age'?)")):
        read_input(str(path))
    r = cli("cohort", "run", str(path), "--out", str(tmp_path / "o.csv"))
    assert r.returncode == 2 and "patient.agee" in r.stderr and "Traceback" not in r.stderr


def _documents() -> list[dict]:
    return [yaml.safe_load(p.read_text()) for p in sorted(CASES.glob("*.yaml"))]


def _assessed(path: str, stdin: str | None = None) -> pl.DataFrame:
    if stdin is not None:
        import io

        old, sys.stdin = sys.stdin, io.StringIO(stdin)
        try:
            return run(read_input("-"), KB, Options(as_of=AS_OF)).output
        finally:
            sys.stdin = old
    return run(read_input(path), KB, Options(as_of=AS_OF)).output


def test_every_document_form_gives_the_same_results(tmp_path):
    docs = _documents()
    forms = {
        "list.yaml": yaml.safe_dump(docs),
        "stream.yaml": yaml.safe_dump_all(docs),
        "list.json": json.dumps(docs, default=str),
        "cases.jsonl": "\n".join(json.dumps(d, default=str) for d in docs),
    }
    folder = tmp_path / "folder"
    folder.mkdir()
    for i, d in enumerate(docs):
        (folder / f"{i:03}.yaml").write_text(yaml.safe_dump(d))
    results = {}
    for name, text in forms.items():
        (tmp_path / name).write_text(text)
        results[name] = _assessed(str(tmp_path / name))
    results["folder"] = _assessed(str(folder))
    results["stdin"] = _assessed("-", stdin=forms["stream.yaml"])
    first = results.pop("list.yaml")
    assert first.height == len(docs)
    for name, df in results.items():
        assert df.equals(first), name


def test_csv_parquet_and_json_lines_rows_give_the_same_results(tmp_path):
    rows = [
        {"id": "a", "patient.age": "70", "performance.ecog": "1", "lymph_nodes": "none"},
        {"id": "b", "performance.ecog": "3", "lymph_nodes.celiac": "true"},
    ]
    frame = pl.DataFrame(rows)
    frame.write_csv(tmp_path / "r.csv")
    frame.write_parquet(tmp_path / "r.parquet")
    (tmp_path / "r.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    outs = [_assessed(str(tmp_path / f"r.{x}")) for x in ("csv", "parquet", "jsonl")]
    assert outs[0].equals(outs[1]) and outs[0].equals(outs[2])
    assert outs[0]["staging.bclc"].to_list() == [None, "D"]  # ECOG 3: BCLC D (bclc2022)
    assert outs[0]["staging.tnm.m"].to_list()[1] == "M1"  # celiac nodes are distant (ajcc8)


def test_schema_cohort_describes_every_column():
    r = cli("schema", "cohort")
    assert r.returncode == 0
    schema = json.loads(r.stdout)
    assert set(schema["properties"]) == {c.name for c in layout.columns()}
    assert schema["properties"]["labs.bilirubin.unit"]["enum"][:2] == ["mg/dL", "umol/L"]
    assert schema["properties"]["patient.age"]["maximum"] == 120


def test_assess_reads_lists_and_standard_input(tmp_path):
    docs = _documents()[:2]
    path = tmp_path / "two.yaml"
    path.write_text(yaml.safe_dump_all(docs))
    r = cli("assess", str(path), "--format", "json", "--as-of", DATE)
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.strip().splitlines()) == 2
    r = cli("assess", "-", "--format", "json", "--as-of", DATE, stdin=json.dumps(docs[0]))
    assert r.returncode == 0 and json.loads(r.stdout)["format"] == "hepatoboard-assessment/1"
    bad = [docs[0], {"format": "hepatoboard-case/1", "labs": {"inr": 99}}]
    path.write_text(yaml.safe_dump(bad))
    r = cli("assess", str(path), "--format", "json", "--as-of", DATE)
    assert r.returncode == 2 and f"{path}[2]: labs.inr" in r.stderr
    assert len(r.stdout.strip().splitlines()) == 1
