"""What the clinician (tumour-board) report shows, prepared from one assessment document in English
or Vietnamese: the options grouped by :mod:`hepatoboard.reports.grouping`, display labels for
statuses, departments, missing fields and what they block, and the prognosis scenarios with their
``kind``, ``population`` and ``caveats`` when the document carries them.

The frame of the report (headings, labels, statuses) comes from the Babel catalogue. Clinical text
written in the knowledge base (reasons, checks, outcomes, caveats) is English and is shown as
written; the Vietnamese report says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from hepatoboard.reports.family.texts import DEPARTMENTS, PROFILES
from hepatoboard.reports.grouping import group_options
from hepatoboard.reports.i18n import N_, check_lang, format_date, translations

Tr = Callable[[str], str]

SECTIONS = {
    "first_choice": N_("First choice"),
    "alternatives": N_("Alternatives"),
    "local": N_("Local treatment (nodes, liver, bile ducts)"),
    "supportive": N_("Supportive care"),
    "undetermined": N_("Cannot decide yet"),
    "not_eligible": N_("Not eligible / not indicated"),
}
STATUSES = {
    "recommended": N_("recommended"),
    "consider": N_("consider"),
    "undetermined": N_("undetermined"),
    "not_eligible": N_("not eligible"),
}
INTENTS = {
    "curative": N_("curative"),
    "life_prolonging": N_("life-prolonging"),
    "supportive": N_("supportive"),
}
KINDS = {"expected": N_("expected"), "responder": N_("what is possible")}
BADGES = {
    "not_configured": N_("availability not configured"),
    "not_registered": N_("not registered here"),
    "not_reimbursed": N_("not reimbursed here"),
    "partly_reimbursed": N_("partly reimbursed here"),
    "unknown": N_("availability not confirmed here"),
    "registered": N_("registered here; reimbursement not confirmed"),
    "available": N_("registered and reimbursed here"),
}
SEVERITIES = {"avoid": N_("avoid"), "adjust_dose": N_("adjust the dose"), "monitor": N_("monitor")}
# Parts of a score or stage blocked by a missing field (``scores.<x>`` / ``staging.<x>``).
TARGETS = {
    "meld.meld": "MELD",
    "meld.meld_na": "MELD-Na",
    "meld.meld_3_0": "MELD 3.0",
    "child_pugh": "Child-Pugh",
    "albi": "ALBI",
    "bclc": "BCLC",
    "tnm.t": "TNM T",
    "tnm.n": "TNM N",
    "tnm.m": "TNM M",
    "tnm.stage": N_("TNM stage"),
    "nodes.compressive": N_("compressive nodes"),
}
KB_IN_ENGLISH = N_(
    "Clinical text from the knowledge base (reasons, checks, outcomes, caveats) is shown in "
    "English, as written in the knowledge base."
)
INTERVAL_LABEL = N_("80% interval of the median")  # not in the template: Jinja2 gettext reads "%"
_INDEX = re.compile(r"\[\d+\]")


def yes_no(value: object, _: Tr) -> str:
    """A three-valued flag in words: unknown is said, never read as "no"."""
    if value is None:
        return _("unknown")
    return _("yes") if value else _("no")


def _kb() -> Any:
    from hepatoboard.knowledge.load import default_knowledge

    return default_knowledge()


def field_label(field: str) -> str:
    """A case field by its knowledge-base description (facts.yaml), or the path itself."""
    path = _INDEX.sub("", field)
    for fact in _kb().facts.values():
        if fact.case == path:
            return str(fact.description)
    return field


def blocked_label(blocked: str, names: Mapping[str, str], _: Tr) -> str:
    """What a missing field blocks: an option name, a score, a stage part, a measure, a referral."""
    if blocked in names:
        return names[blocked]
    head, _dot, rest = blocked.partition(".")
    if head in ("scores", "staging") and rest in TARGETS:
        return _(TARGETS[rest])
    if head == "supportive":
        measure = next((m for m in _kb().supportive if m.id == rest), None)
        return str(measure.name) if measure else rest.replace("_", " ")
    if head == "referral" and rest in DEPARTMENTS:
        return _(DEPARTMENTS[rest][0])
    return rest.replace("_", " ").replace(".", " ") or blocked


def _scenarios(a: dict[str, Any], names: Mapping[str, str], _: Tr) -> list[dict[str, Any]]:
    rows = []
    for s in (a.get("prognosis") or {}).get("scenarios") or []:
        surv = s.get("survival") or {}
        kind = s.get("kind") or "expected"
        rows.append(
            {
                "label": s.get("label") or names.get(s["id"], s["id"]),
                "kind": _(KINDS.get(kind, kind)),
                "responder": kind == "responder",
                "median": s["median_months"],
                "interval": s["interval_months"],
                "survival": [surv.get(k) for k in ("6", "12", "24")],
                "population": s.get("population") or "",
                "caveats": list(s.get("caveats") or []),
            }
        )
    return rows


def clinician_context(assessment: dict[str, Any], lang: str) -> dict[str, Any]:
    """Everything the clinician template shows, with display labels in ``lang``."""
    _ = translations(check_lang(lang)).gettext
    plan = assessment.get("plan") or {}
    options = plan.get("options") or []
    names = {o["id"]: o.get("name", o["id"]) for o in options}
    kb = assessment.get("knowledge_base") or {}
    profile = kb.get("profile") or ""
    groups = [(_(SECTIONS[key]), opts) for key, _h, opts in group_options(options).sections()]
    return {
        "lang": lang,
        "assessed_on": format_date(assessment.get("assessed_on"), lang),
        "profile": _(PROFILES[profile]) if profile in PROFILES else profile,
        "groups": groups,
        "names": names,
        "status": {k: _(v) for k, v in STATUSES.items()},
        "intent": _(INTENTS[plan["intent"]])
        if plan.get("intent") in INTENTS
        else _("undetermined"),
        "departments": {k: _(v[0]) for k, v in DEPARTMENTS.items()},
        "missing": [
            {
                "label": field_label(m["field"]),
                "field": m["field"],
                "blocks": [blocked_label(b, names, _) for b in m.get("blocks") or []],
            }
            for m in assessment.get("missing_data") or []
        ],
        "scenarios": _scenarios(assessment, names, _),
        "kb_note": _(KB_IN_ENGLISH) if lang != "en" else "",
        "badge": {k: _(v) for k, v in BADGES.items()},
        "severity": {k: _(v) for k, v in SEVERITIES.items()},
        "availability": plan.get("availability") or {},
        "interval_label": _(INTERVAL_LABEL),
        "yes_no": lambda value: yes_no(value, _),
        "format_date": lambda value: format_date(value, lang),
    }
