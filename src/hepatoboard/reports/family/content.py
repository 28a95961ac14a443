"""Plain-language content of the family report, built from one assessment document.

The report starts with a one-page summary (:mod:`.summary`); the full edition adds the details:
each treatment the doctors usually start with (what it is, how it is given, its common side
effects), palliative care, the other options in one line each, care for symptoms, which
departments to visit, what the figures mean and the words used.

Everything clinical here is *read* from the assessment (statuses, prognosis figures, symptom
measures, referrals, missing data) or the knowledge base it names; this package only adds plain
explanations (:mod:`.texts`), written without figures, so that no number is invented. Sentences
are short on purpose: see :mod:`hepatoboard.reports.family.readability`.
"""

from __future__ import annotations

from typing import Any

from hepatoboard.reports.family import survival
from hepatoboard.reports.family.context import Option, ReportCase
from hepatoboard.reports.family.summary import short_line, summary
from hepatoboard.reports.family.texts import (
    AVAILABILITY,
    DEPARTMENTS,
    EXPLANATIONS,
    GLOSSARY,
    GLOSSARY_OF_MODALITY,
    OPTIONS,
    PALLIATIVE,
    PROBLEMS_LABEL,
    PROFILES,
    SIDE_EFFECTS_LABEL,
    SUPPORTIVE,
)
from hepatoboard.reports.i18n import N_, check_lang, format_date, translations

EDITIONS = ("summary", "full")
"""``summary``: the summary only (at most 3 pages). ``full``: the summary, then the details."""

DISCLAIMER = N_("Decision support for qualified clinicians; not a prescription.")
"""The assessment's disclaimer, listed so the catalogue carries its translation."""

FIRST_BADGE = N_("Usually the first choice for patients in a similar situation")
WEIGH_BADGE = N_("One of the medicines the doctors will weigh")
ALSO_BADGE = N_("The doctors may also suggest this")
ENDOSCOPY_KINDS = {"io_bev", "drainage"}  # explanations that mention an endoscopy


def check_edition(edition: str) -> str:
    """Return ``edition`` if known; otherwise raise ValueError naming the editions."""
    if edition not in EDITIONS:
        raise ValueError(f"unknown edition {edition!r}; accepted: {', '.join(EDITIONS)}")
    return edition


def family_content(assessment: dict[str, Any], lang: str, edition: str = "full") -> dict[str, Any]:
    """Structured plain-language content for the family report (shared by HTML and PDF).

    ``assessment`` is a ``hepatoboard-assessment/1`` document (``to_json_dict()``). Raises
    ValueError for an unsupported ``lang`` or ``edition``.
    """
    check_lang(lang)
    check_edition(edition)
    _ = translations(lang).gettext
    case = ReportCase(assessment, lang, _)
    kb = assessment.get("knowledge_base") or {}
    disclaimer = assessment.get("disclaimer", "")
    profile = kb.get("profile") or ""
    return {
        "lang": lang,
        "edition": edition,
        "title": _("Liver cancer: information for the family"),
        "intro": [
            _(
                "This report puts into plain words the results of a tool that helps the doctors "
                "plan the patient's treatment."
            ),
            _("It is not a prescription. Please read it and talk it over with the doctors."),
        ],
        "case_id": assessment.get("case_id"),
        "assessed_on": format_date(assessment.get("assessed_on"), lang),
        "summary": summary(case),
        "details": details(case) if edition == "full" else None,
        "disclaimer": _(disclaimer) if disclaimer else "",
        "family_note": _(
            "This report helps you talk with the doctors. It does not replace their advice."
        ),
        "kb_version": kb.get("version"),
        "kb_profile": _(PROFILES[profile]) if profile in PROFILES else profile.replace("_", " "),
    }


def details(case: ReportCase) -> dict[str, Any]:
    """The full edition's details, after the summary."""
    _ = case._
    plan = case.plan
    return {
        "cards": _cards(case),
        "palliative_card": _palliative_card(case),
        "others": [short_line(case, o) for o in _others(case)],
        "symptom_care": [
            {"title": _(SUPPORTIVE[m["id"]][0]), "text": _(SUPPORTIVE[m["id"]][1])}
            for m in plan.get("supportive") or []
            if m["id"] in SUPPORTIVE
        ],
        "departments": [
            {"name": _(DEPARTMENTS[d][0]), "why": _(DEPARTMENTS[d][1])}
            for d in (r["department"] for r in plan.get("referrals") or [])
            if d in DEPARTMENTS
        ],
        "figures": survival.origins(case),
        "glossary": _glossary(case),
    }


def _card(case: ReportCase, option: Option, badge: str) -> dict[str, Any]:
    _ = case._
    kind = (OPTIONS.get(option["id"]) or ("", None))[1]
    ex = EXPLANATIONS.get(kind or "")
    return {
        "id": option["id"],
        "name": case.names[option["id"]],
        "badge": _(badge),
        "status": option["status"],
        "what": " ".join(_(t) for t in ex.what) if ex else "",
        "how": _(ex.how) if ex else "",
        "side_label": _(PROBLEMS_LABEL if ex and ex.procedure else SIDE_EFFECTS_LABEL),
        "side_effects": _(ex.side_effects) if ex else "",
        "availability": _availability(case, option),
    }


def _availability(case: ReportCase, option: Option) -> str:
    """Availability and insurance at the configured site, in plain words ("" if none)."""
    badge = (option.get("availability") or {}).get("badge")
    return case._(AVAILABILITY[badge]) if badge in AVAILABILITY else ""


def _cards(case: ReportCase) -> list[dict[str, Any]]:
    """The treatments the doctors usually start with, explained (not in palliative-main mode)."""
    if case.palliative_main:
        options = [(o, ALSO_BADGE) for o in case.local_recommended + case.local_considered]
    elif case.first_choice:
        options = [(o, FIRST_BADGE) for o in case.first_choice]
    else:
        options = [(o, WEIGH_BADGE) for o in case.alternatives]
    if not case.palliative_main:
        options += [(o, ALSO_BADGE) for o in case.local_recommended]
    return [_card(case, o, badge) for o, badge in options]


def _palliative_card(case: ReportCase) -> dict[str, Any]:
    _ = case._
    main = case.palliative_main
    return {
        "name": _(PALLIATIVE["name"]),
        "badge": _("The main care now") if main else _("For everyone, alongside treatment"),
        "what": _(PALLIATIVE["main_care"] if main else PALLIATIVE["what"]),
        "how": _(PALLIATIVE["how"]),
        "side_label": _(SIDE_EFFECTS_LABEL),
        "side_effects": _(PALLIATIVE["side_effects"]),
    }


def _others(case: ReportCase) -> list[Option]:
    """The other options the doctors may discuss, each listed in one line."""
    if case.palliative_main:
        return list(case.undetermined)
    carded = {c["id"] for c in _cards(case)}
    pool = case.alternatives + case.local_considered + case.undetermined
    return [o for o in pool if o["id"] not in carded and o["modality"] != "supportive"]


def _glossary(case: ReportCase) -> list[dict[str, str]]:
    """The words the report uses, explained once."""
    _ = case._
    nodes = (case.assessment.get("staging") or {}).get("nodes") or {}
    keys = ["lymph_nodes"] if (nodes.get("regional") or nodes.get("distant")) else []
    shown = case.first_choice + case.alternatives + case.local_recommended + case.local_considered
    used = {o["modality"] for o in shown}
    keys += [GLOSSARY_OF_MODALITY[m] for m in GLOSSARY_OF_MODALITY if m in used]
    kinds = {(OPTIONS.get(o["id"]) or ("", None))[1] for o in shown}
    measures = {m["id"] for m in case.plan.get("supportive") or []}
    fields = [m["field"] for m in case.assessment.get("missing_data") or []]
    if (
        kinds & ENDOSCOPY_KINDS
        or "variceal_prophylaxis" in measures
        or any(f.startswith("varices.") for f in fields)
    ):
        keys.append("endoscopy")
    keys.append("palliative_care")
    return [{"term": _(GLOSSARY[k][0]), "meaning": _(GLOSSARY[k][1])} for k in keys]
