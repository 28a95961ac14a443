"""Readable terminal report for a clinician (rich tables), laid out as a tumour board reads it:
disease characterisation first, then the plan, then what is missing."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from hepatoboard.assessment.model import Assessment


def _v(x: Any) -> str:
    return "unknown" if x is None else str(x)


def render(a: Assessment, source: str | None = None) -> list[Any]:
    """The report as a list of rich renderables (also used by tests and the PDF report)."""
    parts: list[Any] = []
    title = f"hepatoboard assessment - case {a.case_id or '(no id)'}"
    header = Text.assemble(
        (a.disclaimer, "bold yellow"),
        f"\nKnowledge base {a.knowledge_base.version}, profile {a.knowledge_base.profile}; "
        f"assessed on {a.assessed_on}" + (f"; file {source}" if source else ""),
    )
    parts.append(Panel(header, title=title, expand=False))

    sc = a.scores
    t = Table(title="Liver function", show_header=True, header_style="bold")
    t.add_column("score")
    t.add_column("value")
    t.add_column("version / note")
    cp = sc.child_pugh
    t.add_row(
        "Child-Pugh", f"{cp.points} ({cp.class_})" if cp else "unknown", "2.8 g/dL albumin band"
    )
    al = sc.albi
    t.add_row(
        "ALBI",
        f"{al.score:.2f} grade {al.grade} (mALBI {al.malbi_grade})" if al else "unknown",
        "Johnson 2015; mALBI Hiraoka 2017",
    )
    for key, label in (("meld", "MELD"), ("meld_na", "MELD-Na"), ("meld_3_0", "MELD 3.0")):
        t.add_row(label, _v(getattr(sc.meld, key)), sc.meld.versions[key])
    parts.append(t)

    st = a.staging
    s = Table(title="Stage and lymph nodes", show_header=True, header_style="bold")
    s.add_column("item")
    s.add_column("value")
    s.add_column("why")
    s.add_row("BCLC", _v(st.bclc.stage), "; ".join(st.bclc.reasons) or "-", style="bold")
    s.add_row("", "", st.bclc.version, style="dim")
    tnm = st.tnm
    s.add_row(
        f"TNM ({tnm.edition})",
        f"{_v(tnm.t)} {_v(tnm.n)} {_v(tnm.m)}",
        f"stage {_v(tnm.stage)}",
    )
    nd = st.nodes
    s.add_row(
        "Regional nodes (N1)", ", ".join(nd.regional) if nd.regional else _none(nd.regional), ""
    )
    s.add_row("Distant nodes (M1)", ", ".join(nd.distant) if nd.distant else _none(nd.distant), "")
    s.add_row("Extra-abdominal nodes", _v(nd.extra_abdominal), "")
    s.add_row("Compressive nodes", _v(nd.compressive), "")
    parts.append(s)

    if a.plan:
        from hepatoboard.report.plan_text import render_plan

        parts.extend(render_plan(a))
    if a.prognosis:
        from hepatoboard.report.plan_text import render_prognosis

        parts.extend(render_prognosis(a))

    if a.missing_data:
        m = Table(title="What is missing (and what it blocks)", header_style="bold")
        m.add_column("case field")
        m.add_column("blocks")
        for item in a.missing_data:
            m.add_row(item.field, ", ".join(item.blocks))
        parts.append(m)
    if a.warnings:
        parts.append(
            Panel("\n".join(f"- {w}" for w in a.warnings), title="Warnings", style="yellow")
        )
    if a.limitations:
        parts.append(
            Panel("\n".join(f"- {x}" for x in a.limitations), title="Limitations", style="dim")
        )
    return parts


def _none(x: list[str] | None) -> str:
    return "unknown" if x is None else "none"


def print_report(a: Assessment, source: str | None = None, console: Console | None = None) -> None:
    console = console or Console()
    console.print(Group(*render(a, source)))
