"""The plan and prognosis sections of the terminal report, in the tumour-board order of
:mod:`hepatoboard.reports.grouping`: goal, first choice, alternatives, local treatment,
supportive care, symptom care, referrals, checks, what cannot be decided yet, not eligible,
where sources disagree."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from hepatoboard.reports.grouping import ACTIVE, Option, group_options

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
TITLES = {
    "first_choice": "First choice (systemic)",
    "alternatives": "Alternatives (systemic)",
}


def _options_table(title: str, options: Sequence[Option], *, with_line: bool = True) -> Table:
    t = Table(title=title, header_style="bold", show_lines=True)
    for col in ("option", "status", "why", "evidence"):
        t.add_column(col)
    for o in options:
        name = o["name"] + (f" (line {o['line']})" if with_line and o.get("line") else "")
        if o.get("declined"):
            name += " [declined by patient]"
        why = "\n".join(o["reasons"])
        if o.get("dose_notes") and o["status"] in ACTIVE:
            why += "\n" + "\n".join(f"dose: {d}" for d in o["dose_notes"])
        for ix in o.get("interactions", []):
            why += f"\ninteraction ({ix['severity'].replace('_', ' ')}): {ix['text']}"
        av = o.get("availability") or {}
        if av and av.get("badge") != "not_configured":
            why += f"\navailability: {av['label']}"
        t.add_row(
            Text(name),
            Text(o["status"].replace("_", " "), style=STYLE[o["status"]]),
            Text(why),
            Text(", ".join(o.get("status_sources") or o["evidence"])),
        )
    return t


def render_plan(doc: dict[str, Any]) -> list[Any]:
    """The plan of an assessment document (``Assessment.to_json_dict()``)."""
    p = doc["plan"]
    parts: list[Any] = []
    goal = INTENT.get(p.get("intent") or "", "unknown (stage undetermined)")
    parts.append(Panel(Text(goal, style="bold"), title="Goal of treatment", expand=False))
    g = group_options(p["options"])
    if not g.first_choice:
        parts.append(Panel("no systemic option is recommended", title="First choice", style="dim"))
    for key, heading, opts in g.sections():
        if key in ("undetermined", "not_eligible") or not opts:
            continue
        parts.append(_options_table(TITLES.get(key, heading), opts, with_line=key in TITLES))
    parts.extend(_care_tables(p))
    if g.undetermined:
        t = Table(title="Cannot decide yet", header_style="bold")
        for col in ("option", "why", "missing"):
            t.add_column(col)
        for o in g.undetermined:
            t.add_row(Text(o["name"]), Text("\n".join(o["reasons"])), Text(", ".join(o["missing"])))
        parts.append(t)
    if g.not_eligible:
        t = Table(title="Not eligible / not indicated", header_style="dim")
        t.add_column("option", style="dim")
        t.add_column("why", style="dim")
        for o in g.not_eligible:
            t.add_row(Text(o["name"]), Text("; ".join(o["reasons"])))
        parts.append(t)
    parts.extend(_availability(p))
    if p.get("disagreements"):
        t = Table(title="Where sources disagree", header_style="bold")
        t.add_column("option")
        t.add_column("positions")
        for d in p["disagreements"]:
            t.add_row(d["option"], ", ".join(f"{k}: {v}" for k, v in d["positions"].items()))
        parts.append(t)
    return parts


def _availability(p: dict[str, Any]) -> list[Any]:
    """Guideline ranking beside the ranking of what is available at the configured site."""
    av = p.get("availability") or {}
    if not av.get("site"):
        return [Text("Availability: not configured (use --site)", style="dim")]
    names = {o["id"]: o for o in p["options"]}
    t = Table(title=f"Availability at {av['name']} (never changes a status)", header_style="bold")
    for col in ("guideline ranking", "available alternatives", "badge"):
        t.add_column(col)
    guide, avail = av["guideline_ranking"], av.get("available_ranking") or []
    for i in range(max(len(guide), len(avail))):
        g = names[guide[i]] if i < len(guide) else None
        a = names[avail[i]] if i < len(avail) else None
        t.add_row(
            Text(f"{g['name']} ({g['status']})" if g else ""),
            Text(f"{a['name']} ({a['status']})" if a else ""),
            Text(a["availability"]["label"] if a else ""),
        )
    return [t]


def _care_tables(p: dict[str, Any]) -> list[Any]:
    parts: list[Any] = []
    if p.get("supportive"):
        t = Table(title="Symptom care", header_style="bold", show_lines=True)
        for col in ("measure", "for", "what"):
            t.add_column(col)
        for m in p["supportive"]:
            t.add_row(
                Text(m["name"]), Text(", ".join(m["because"] or m["for"])), Text(m["details"])
            )
        parts.append(t)
    if p.get("referrals"):
        t = Table(title="Referrals", header_style="bold")
        t.add_column("department")
        t.add_column("why")
        for r in p["referrals"]:
            t.add_row(Text(r["department"].replace("_", " ")), Text(r["reason"]))
        parts.append(t)
    if p.get("checks"):
        t = Table(title="Checks before starting", header_style="bold")
        for col in ("check", "for", "why"):
            t.add_column(col)
        for c in p["checks"]:
            t.add_row(Text(c["name"]), Text(", ".join(c["for"])), Text(c["reason"]))
        parts.append(t)
    return parts


def render_prognosis(doc: dict[str, Any]) -> list[Any]:
    prog = doc.get("prognosis") or {}
    t = Table(title="Prognosis (estimated survival, months)", header_style="bold")
    for col in ("scenario", "median", "80% interval", "6 mo", "12 mo", "24 mo"):
        t.add_column(col)
    for s in prog.get("scenarios", []):
        surv = s.get("survival", {})
        lo, hi = s["interval_months"]
        t.add_row(
            Text(s.get("label") or s["id"]),
            f"{s['median_months']:.1f}",
            f"{lo:.1f}-{hi:.1f}",
            *(f"{surv[k] * 100:.0f}%" if k in surv else "-" for k in ("6", "12", "24")),
        )
    notes = [w for s in prog.get("scenarios", []) for w in s.get("warnings", [])]
    notes += [w for s in prog.get("scenarios", []) for w in s.get("caveats", [])]
    parts: list[Any] = [t]
    unique = list(dict.fromkeys([*prog.get("warnings", []), *notes]))
    if unique:
        body = "\n".join(f"- {escape(w)}" for w in unique)
        parts.append(Panel(body, title="Prognosis caveats", style="dim"))
    return parts
