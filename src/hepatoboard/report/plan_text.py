"""The plan section of the text report, grouped the way a tumour board reads it: goal, first
choice, alternatives, local treatment, symptom care, referrals, checks, what cannot be decided
yet, where sources disagree."""

from __future__ import annotations

from typing import Any

from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from hepatoboard.assessment.model import Assessment, PlanOption

SYSTEMIC = ("immunotherapy", "targeted_therapy", "chemotherapy")
LOCAL = ("radiotherapy", "surgery_interventional", "locoregional")
STYLE = {
    "recommended": "bold green",
    "consider": "cyan",
    "undetermined": "yellow",
    "not_eligible": "dim",
}
INTENT = {
    "curative": "curative",
    "life_prolonging": "life-prolonging: longer survival, better quality of life, fewer symptoms",
    "supportive": "supportive: comfort and quality of life",
}


def _options_table(title: str, options: list[PlanOption], *, with_line: bool = True) -> Table:
    t = Table(title=title, header_style="bold", show_lines=True)
    t.add_column("option")
    t.add_column("status")
    t.add_column("why")
    t.add_column("evidence")
    for o in options:
        name = o.name + (f" (line {o.line})" if with_line and o.line else "")
        if o.declined:
            name += " [declined by patient]"
        why = "\n".join(o.reasons)
        if o.dose_notes and o.status in ("recommended", "consider"):
            why += "\n" + "\n".join(f"dose: {d}" for d in o.dose_notes)
        t.add_row(
            name,
            Text(o.status.replace("_", " "), style=STYLE[o.status]),
            why,
            ", ".join(o.status_sources or o.evidence),
        )
    return t


def render_plan(a: Assessment) -> list[Any]:
    p = a.plan
    assert p is not None
    parts: list[Any] = []
    goal = INTENT.get(p.intent or "", "unknown (stage undetermined)")
    parts.append(Panel(Text(goal, style="bold"), title="Goal of treatment", expand=False))

    by = {s: [o for o in p.options if o.status == s] for s in STYLE}
    systemic = [o for o in p.options if o.modality in SYSTEMIC]
    first = [o for o in systemic if o.status == "recommended" and not o.declined]
    alternatives = [
        o for o in systemic if o.status == "consider" or (o.declined and o.status == "recommended")
    ]
    local = [
        o for o in p.options if o.modality in LOCAL and o.status in ("recommended", "consider")
    ]
    supportive = [o for o in p.options if o.modality == "supportive" and o.status != "not_eligible"]
    if first:
        parts.append(_options_table("First choice (systemic)", first))
    else:
        parts.append(Panel("no systemic option is recommended", title="First choice", style="dim"))
    if alternatives:
        parts.append(_options_table("Alternatives (systemic)", alternatives))
    if local:
        parts.append(
            _options_table("Local treatment (nodes, liver, bile ducts)", local, with_line=False)
        )
    if supportive:
        parts.append(_options_table("Supportive care", supportive, with_line=False))

    if p.supportive:
        t = Table(title="Symptom care", header_style="bold", show_lines=True)
        t.add_column("measure")
        t.add_column("for")
        t.add_column("what")
        for m in p.supportive:
            t.add_row(m.name, ", ".join(m.because or m.for_), m.details)
        parts.append(t)
    if p.referrals:
        t = Table(title="Referrals", header_style="bold")
        t.add_column("department")
        t.add_column("why")
        for r in p.referrals:
            t.add_row(r.department.replace("_", " "), r.reason)
        parts.append(t)
    if p.checks:
        t = Table(title="Checks before starting", header_style="bold")
        t.add_column("check")
        t.add_column("for")
        t.add_column("why")
        for c in p.checks:
            t.add_row(c.name, ", ".join(c.for_), c.reason)
        parts.append(t)
    if by["undetermined"]:
        t = Table(title="Cannot decide yet", header_style="bold")
        t.add_column("option")
        t.add_column("why")
        t.add_column("missing")
        for o in by["undetermined"]:
            t.add_row(o.name, "\n".join(o.reasons), ", ".join(o.missing))
        parts.append(t)
    if by["not_eligible"]:
        t = Table(title="Not eligible / not indicated", header_style="dim")
        t.add_column("option", style="dim")
        t.add_column("why", style="dim")
        for o in by["not_eligible"]:
            t.add_row(o.name, "; ".join(o.reasons))
        parts.append(t)
    if p.disagreements:
        t = Table(title="Where sources disagree", header_style="bold")
        t.add_column("option")
        t.add_column("positions")
        for d in p.disagreements:
            t.add_row(d["option"], ", ".join(f"{k}: {v}" for k, v in d["positions"].items()))
        parts.append(t)
    return parts


def render_prognosis(a: Assessment) -> list[Any]:
    prog = a.prognosis.model_dump(mode="json") if a.prognosis else {}
    t = Table(title="Prognosis (estimated survival, months)", header_style="bold")
    for col in ("scenario", "median", "80% interval", "6 mo", "12 mo", "24 mo"):
        t.add_column(col)
    for s in prog.get("scenarios", []):
        surv = s.get("survival", {})
        lo, hi = s["interval_months"]
        t.add_row(
            s.get("label") or s["id"],
            f"{s['median_months']:.1f}",
            f"{lo:.1f}-{hi:.1f}",
            *(f"{surv.get(k, 0) * 100:.0f}%" for k in ("6", "12", "24")),
        )
    notes = [w for s in prog.get("scenarios", []) for w in s.get("caveats", [])]
    parts: list[Any] = [t]
    if prog.get("warnings") or notes:
        unique = list(dict.fromkeys([*prog.get("warnings", []), *notes]))
        parts.append(Panel("\n".join(f"- {w}" for w in unique[:12]), title="Prognosis caveats",
                           style="dim"))  # fmt: skip
    return parts
