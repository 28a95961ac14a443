"""The CLI as a user runs it: a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import case_file


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hepatoboard", *args], capture_output=True, text=True, check=False
    )


def test_assess_json_seed_father_acceptance():
    """Issue 2 acceptance values for the seed-father example."""
    r = run("assess", str(case_file("seed-father")), "--format", "json", "--as-of", "2026-11-25")
    assert r.returncode == 0, r.stderr
    (line,) = r.stdout.strip().splitlines()
    a = json.loads(line)
    assert a["format"] == "hepatoboard-assessment/1"
    assert a["scores"]["child_pugh"] == {"points": 5, "class": "A"}
    assert a["scores"]["albi"] == {"score": -2.17, "grade": 2, "malbi_grade": "2b"}
    meld = a["scores"]["meld"]
    assert (meld["meld"], meld["meld_na"], meld["meld_3_0"]) == (9, 9, 8)
    tnm = a["staging"]["tnm"]
    assert (tnm["t"], tnm["n"], tnm["m"], tnm["stage"]) == ("T3", "N1", "M0", "IVA")
    assert a["staging"]["bclc"]["stage"] == "C"
    nodes = a["staging"]["nodes"]
    assert nodes["regional"] == ["porta_hepatis", "hepatoduodenal_ligament"]
    assert nodes["distant"] == [] and nodes["compressive"] is True
    assert a["knowledge_base"]["version"]
    assert "not a prescription" in a["disclaimer"]


def test_bad_file_exits_2_and_other_files_are_still_assessed(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: hepatoboard-case/1\nlabs: {inr: 99}\npatient: {sex: man}\n")
    r = run("assess", str(bad), str(case_file("seed-father")), "--format", "json")
    assert r.returncode == 2
    assert len(r.stdout.strip().splitlines()) == 1  # the good case is still assessed
    err = r.stderr.strip().splitlines()
    assert len(err) == 2
    assert any("labs.inr" in e for e in err) and any("patient.sex" in e for e in err)
    assert "Traceback" not in r.stderr


def test_missing_file_is_a_clear_error(tmp_path):
    r = run("assess", str(tmp_path / "nope.yaml"))
    assert r.returncode == 2 and "cannot read file" in r.stderr and "Traceback" not in r.stderr


def test_text_report_mentions_stage_and_disclaimer():
    r = run("assess", str(case_file("seed-father")), "--as-of", "2026-11-25")
    assert r.returncode == 0, r.stderr
    assert "BCLC" in r.stdout and "not a prescription" in r.stdout


def test_schema_case_is_json_schema():
    r = run("schema", "case")
    schema = json.loads(r.stdout)
    assert schema["title"] == "hepatoboard-case/1"
    assert schema["additionalProperties"] is False
    assert "lymph_nodes" in schema["properties"]


def test_help_lists_commands():
    r = run("--help")
    assert r.returncode == 0 and "assess" in r.stdout


def test_plot_draws_the_assessments_stored_prognosis(tmp_path):
    """--plot draws the prognosis stored in the assessment (same medians as the JSON), and a
    '$' in the case id does not break the figure title."""
    case = tmp_path / "dollar.yaml"
    case.write_text(
        case_file("seed-father")
        .read_text(encoding="utf-8")
        .replace("id: seed-father-example", "id: case-$1$"),
        encoding="utf-8",
    )
    out = tmp_path / "curves.svg"
    r = run("assess", str(case), "--format", "json", "--as-of", "2026-11-25", "--plot", str(out))
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["case_id"] == "case-$1$"
    svg = out.read_text(encoding="utf-8")
    bsc = next(s for s in doc["prognosis"]["scenarios"] if s["id"] == "best_supportive_care")
    assert f"median {bsc['median_months']:.1f} months" in svg
    assert "Decision support only" in svg


def _one_line_exit_2(r: subprocess.CompletedProcess[str]) -> str:
    assert r.returncode == 2, (r.returncode, r.stdout[-500:], r.stderr[-500:])
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    return lines[0]


def test_usage_errors_are_one_line_with_exit_2():
    seed = str(case_file("seed-father"))
    assert "--format" in _one_line_exit_2(run("assess", seed, "--format", "xml"))
    assert "Missing argument" in _one_line_exit_2(run("assess"))
    assert "No such option" in _one_line_exit_2(run("assess", seed, "--nope"))
    assert "--as-of" in _one_line_exit_2(run("assess", seed, "--as-of", "2026-13-01"))


def test_options_are_checked_before_any_case_is_read(tmp_path):
    missing = str(tmp_path / "not-there.yaml")
    line = _one_line_exit_2(run("assess", missing, "--profile", "mars"))
    assert line.startswith("--profile: unknown profile 'mars'")
    line = _one_line_exit_2(run("assess", missing, "--plot", str(tmp_path / "no" / "c.png")))
    assert line.startswith("--plot: folder")
    line = _one_line_exit_2(run("report", missing, "--out", str(tmp_path / "no" / "r.pdf")))
    assert line.startswith("--out: folder")
    line = _one_line_exit_2(run("report", missing, "--out", str(tmp_path)))
    assert line.startswith("--out:")


def test_audit_with_the_database_down_is_one_line():
    line = _one_line_exit_2(run("audit", "--database", "postgresql://nobody@127.0.0.1:9/x"))
    assert line.startswith("--database: cannot use the database")


def test_token_lifecycle_from_the_cli(tmp_path):
    db = f"sqlite:///{tmp_path / 'tokens.db'}"
    assert "not in the future" in _one_line_exit_2(
        run("token", "create", "--name", "old", "--expires", "2020-01-01", "--database", db)
    )
    assert "--name" in _one_line_exit_2(run("token", "create", "--name", "x[/b]", "--database", db))
    made = run("token", "create", "--name", "dr-an", "--expires", "30d", "--database", db)
    assert made.returncode == 0 and made.stdout.startswith("hb_")
    listed = run("token", "list", "--database", db)
    assert listed.returncode == 0 and "dr-an" in listed.stdout and "active" in listed.stdout
    assert made.stdout.strip() not in listed.stdout  # never the secret
    assert run("token", "revoke", "dr-an", "--database", db).returncode == 0
    assert "revoked" in run("token", "list", "--database", db).stdout
    assert "no token named" in _one_line_exit_2(run("token", "revoke", "nobody", "--database", db))
    audit = run("audit", "--database", db)
    for action in ("token.create", "token.list", "token.revoke"):
        assert action in audit.stdout


def test_rich_markup_in_a_case_id_is_printed_as_text(tmp_path):
    case = tmp_path / "markup.yaml"
    case.write_text('format: hepatoboard-case/1\nid: "x[/bold]y[red]z"\n')
    r = run("assess", str(case), "--as-of", "2026-11-25")
    assert r.returncode == 0, r.stderr
    assert "x[/bold]y[red]z" in r.stdout
