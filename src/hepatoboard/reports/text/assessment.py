"""Readable terminal report for a clinician (rich tables), laid out as a tumour board reads it:
disease characterisation first, then the plan, then what is missing.

Every string that comes from the user (case id, file name) is shown as plain text, never
interpreted as rich markup.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from hepatoboard.contracts.assessment import Assessment
from hepatoboard.reports.text.plan import render_plan, render_prognosis


def _v(x: Any) -> str:
    return "unknown" if x is None else str(x)


def render(a: Assessment | dict[str, Any], source: str | None = None) -> list[Any]:
    """The report as a list of rich renderables."""
    doc = a.to_json_dict() if isinstance(a, Assessment) else a
    kb = doc["knowledge_base"]
    title = Text(f"hepatoboard assessment - case {doc.get('case_id') or '(no id)'}")
    header = Text.assemble(
        (doc["disclaimer"], "bold yellow"),
        f"\nKnowledge base {kb['version']}, profile {kb['profile']}; "
        f"assessed on {doc['assessed_on']}" + (f"; file {source}" if source else ""),
    )
    parts: list[Any] = [Panel(header, title=title, expand=False), _scores(doc)]
    if doc["scores"].get("hcc"):
        parts.append(_hcc_scores(doc))
    parts.append(_stage(doc))
    if doc.get("response", {}).get("assessable"):
        parts.append(_response(doc["response"]))
    parts.extend(render_plan(doc))
    if doc.get("prognosis"):
        parts.extend(render_prognosis(doc))
    if doc["missing_data"]:
        m = Table(title="What is missing (and what it blocks)", header_style="bold")
        m.add_column("case field")
        m.add_column("blocks")
        for item in doc["missing_data"]:
            m.add_row(Text(item["field"]), Text(", ".join(item["blocks"])))
        parts.append(m)
    for key, title_, style in (
        ("warnings", "Warnings", "yellow"),
        ("limitations", "Limitations", "dim"),
    ):
        if doc.get(key):
            body = Text("\n".join(f"- {w}" for w in doc[key]))
            parts.append(Panel(body, title=title_, style=style))
    return parts


def _scores(doc: dict[str, Any]) -> Table:
    sc = doc["scores"]
    t = Table(title="Liver function", show_header=True, header_style="bold")
    for col in ("score", "value", "version"):
        t.add_column(col)
    cp, al, meld = sc["child_pugh"], sc["albi"], sc["meld"]
    versions = sc.get("versions", {})
    cp_text = f"{cp['points']} ({cp['class']})" if cp.get("points") is not None else "unknown"
    t.add_row("Child-Pugh", cp_text, Text(versions.get("child_pugh", "")))
    al_text = (
        f"{al['score']:.2f} grade {al['grade']} (mALBI {al['malbi_grade']})"
        if al.get("score") is not None
        else "unknown"
    )
    t.add_row("ALBI", al_text, Text(versions.get("albi", "")))
    for key, label in (("meld", "MELD"), ("meld_na", "MELD-Na"), ("meld_3_0", "MELD 3.0")):
        t.add_row(label, _v(meld.get(key)), Text(versions.get(key, "")))
    return t


def _hcc_scores(doc: dict[str, Any]) -> Table:
    sc = doc["scores"]
    t = Table(title="HCC prognostic scores", show_header=True, header_style="bold")
    for col in ("score", "value", "version"):
        t.add_column(col)
    for key, s in sc["hcc"].items():
        value = "unknown" if s["points"] is None else str(s["points"])
        if s.get("group"):
            value += f" ({s['group']})"
        t.add_row(Text(s.get("label", key)), value, Text(s["version"]))
    tbs = sc.get("tumour_burden_score")
    t.add_row("TBS", _v(tbs), Text(sc.get("versions", {}).get("tumour_burden", "")))
    return t


def _response(r: dict[str, Any]) -> Table:
    t = Table(title=f"Response {r['baseline_date']} -> {r['latest_date']}", header_style="bold")
    for col in ("criteria", "category", "why"):
        t.add_column(col)
    for key, label in (("recist", "RECIST 1.1"), ("mrecist", "mRECIST"), ("irecist", "iRECIST")):
        t.add_row(label, _v(r.get(key)), Text("; ".join(r.get("reasons", {}).get(key, []))))
    afp = r.get("afp_change_pct")
    afp_text = (
        "unknown"
        if r.get("afp_response") is None
        else ("response" if r["afp_response"] else "no response")
    )
    t.add_row("AFP", afp_text, "" if afp is None else f"change {afp:+.1f}%")
    for note in r.get("notes", []):
        t.add_row("", "", Text(note, style="yellow"))
    return t


def _stage(doc: dict[str, Any]) -> Table:
    st = doc["staging"]
    s = Table(title="Stage and lymph nodes", show_header=True, header_style="bold")
    for col in ("item", "value", "why"):
        s.add_column(col)
    b = st["bclc"]
    s.add_row("BCLC", _v(b["stage"]), Text("; ".join(b["reasons"]) or "-"), style="bold")
    s.add_row("", "", Text(b["version"]), style="dim")
    tnm = st["tnm"]
    s.add_row(
        f"TNM ({tnm['edition']})",
        f"{_v(tnm['t'])} {_v(tnm['n'])} {_v(tnm['m'])}",
        f"stage {_v(tnm['stage'])}",
    )
    nd = st["nodes"]
    s.add_row("Regional nodes (N1)", _stations(nd["regional"]), "")
    s.add_row("Distant nodes (M1)", _stations(nd["distant"]), "")
    s.add_row("Extra-abdominal nodes", _v(nd["extra_abdominal"]), "")
    s.add_row("Compressive nodes", _v(nd["compressive"]), "")
    tc = st.get("transplant_criteria")
    if tc:
        within = ", ".join(
            f"{k.replace('_', '-')}: {_v(tc.get(k))}" for k in ("milan", "ucsf", "up_to_7")
        )
        s.add_row("Transplant criteria", within, Text("; ".join(tc.get("reasons", []))))
    return s


def _stations(x: list[str] | None) -> str:
    if x is None:
        return "unknown"
    return ", ".join(x) if x else "none"


def print_report(
    a: Assessment | dict[str, Any], source: str | None = None, console: Console | None = None
) -> None:
    console = console or Console()
    console.print(Group(*render(a, source)))
