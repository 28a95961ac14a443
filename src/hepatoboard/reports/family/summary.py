"""The one-page summary of the family report: what is happening, what the doctors usually do
first, the care everyone gets (palliative care), what to expect, and the questions to ask."""

from __future__ import annotations

from typing import Any

from hepatoboard.reports.family import questions as q
from hepatoboard.reports.family import survival
from hepatoboard.reports.family.context import Option, ReportCase
from hepatoboard.reports.family.texts import (
    AVAILABILITY,
    EXPLANATIONS,
    OPTIONS,
    PALLIATIVE,
    RESPONSE,
    STATIONS,
    SUPPORTIVE,
)
from hepatoboard.reports.i18n import N_, format_date

END_STAGE_CAUSE = {
    "liver": N_("The liver is now very weak."),
    "body": N_(
        "The illness has made the patient very weak: they spend much of the day in bed or a chair."
    ),
}
END_STAGE_UNKNOWN_CAUSE = N_("The illness is now very advanced.")


def _end_stage_causes(case: ReportCase) -> list[str]:
    """Why medicines against the cancer do not fit (BCLC D), from the assessment: Child-Pugh C,
    or the stage reasons matched against the knowledge base's BCLC D rule (liver function or
    performance status). Empty when neither can be told."""
    a = case.assessment
    causes: set[str] = set()
    if ((a.get("scores") or {}).get("child_pugh") or {}).get("class") == "C":
        causes.add("liver")
    reasons = set(((a.get("staging") or {}).get("bclc") or {}).get("reasons") or [])
    from hepatoboard.knowledge.load import default_knowledge

    kb = default_knowledge()
    for rule in kb.staging.bclc.rules:
        for leaf in (rule.when.any or []) if rule.value == "D" else []:
            if leaf.fact == "ecog" and leaf.label in reasons:
                causes.add("body")
            condition = kb.conditions.get(leaf.ref or "")
            branches = (condition.when.any or [condition.when]) if condition else []
            if reasons & {b.label for b in branches if b.label}:
                causes.add("liver")
    return [k for k in ("liver", "body") if k in causes]


def _nodes(case: ReportCase) -> list[str]:
    _ = case._
    staging = case.assessment.get("staging") or {}
    nodes = staging.get("nodes") or {}
    regional, distant = nodes.get("regional"), nodes.get("distant")
    if regional is None and distant is None:
        return [_("It is not yet known whether the cancer has spread to the lymph nodes.")]
    if not (regional or distant):
        if (staging.get("tnm") or {}).get("m") == "M1":
            return [_("The cancer has spread outside the liver.")]
        return [_("The cancer is in the liver.")]
    out = [
        _("The cancer started in the liver and has spread to lymph nodes."),
        _("Lymph nodes are small bean-shaped glands that help the body fight germs."),
    ]
    if distant:
        places = ", ".join(
            _(STATIONS[s]) if s in STATIONS else _(STATIONS["other"]) for s in distant
        )
        out.append(
            _("Some of the affected lymph nodes are far from the liver: {places}.").format(
                places=places
            )
        )
    if nodes.get("compressive"):
        out.append(_("Some swollen lymph nodes press on nearby parts of the body."))
    return out


def happening(case: ReportCase) -> list[str]:
    """What is happening: the spread, what it means, and the stage."""
    _ = case._
    out = _nodes(case)
    if case.palliative_main:
        causes = _end_stage_causes(case)
        out += [_(END_STAGE_CAUSE[c]) for c in causes] or [_(END_STAGE_UNKNOWN_CAUSE)]
        out += [
            _("Medicines against the cancer now usually do more harm than good."),
            _(
                "What matters most now is comfort: less pain, less distress and time with the "
                "family."
            ),
        ]
    elif case.plan.get("intent") == "life_prolonging":
        out += [
            _("At this stage the cancer cannot be cured completely."),
            _("But the right treatment can control the cancer and slow it down."),
            _("The aims are to help the patient live longer, feel better and have fewer symptoms."),
        ]
    elif case.plan.get("intent") == "curative":
        out.append(_("The aim of treatment is to remove or destroy all of the cancer."))
    stage = ((case.assessment.get("staging") or {}).get("bclc") or {}).get("stage")
    if stage:
        out.append(_("Doctors call this stage {stage} of the BCLC system.").format(stage=stage))
    out += response_sentence(case)
    return out


def response_sentence(case: ReportCase) -> list[str]:
    """What the latest scans show, from the computed response (nothing when not assessable).
    Unconfirmed progression on immunotherapy (iRECIST iUPD) is said as such."""
    r = case.assessment.get("response") or {}
    if not r.get("assessable"):
        return []
    on_immunotherapy = r.get("regimen_modality") == "immunotherapy"
    category = "iUPD" if on_immunotherapy and r.get("irecist") == "iUPD" else r.get("recist")
    if category not in RESPONSE:
        return []
    date = format_date(r.get("latest_date"), case.lang)
    return [case._(RESPONSE[category]).format(date=date)]


def short_line(case: ReportCase, option: Option) -> dict[str, str]:
    """An option in one line: its plain name and what it is."""
    kind = (OPTIONS.get(option["id"]) or ("", None))[1]
    short = case._(EXPLANATIONS[kind].short) if kind in EXPLANATIONS else ""
    badge = (option.get("availability") or {}).get("badge")
    where = case._(AVAILABILITY[badge]) if badge in AVAILABILITY else ""
    return {"name": case.names[option["id"]], "short": short, "availability": where}


def first_steps(case: ReportCase) -> dict[str, Any]:
    """What the doctors usually do first, and what else they may discuss (listed briefly)."""
    _ = case._
    items: list[Option] = []
    others = case.local_considered
    if case.palliative_main:
        lead = _("The doctors advise palliative care: care that focuses on comfort.")
        also = case.local_recommended + case.local_considered
        others = []
    elif case.first_choice:
        lead, items = _("The doctors usually start with one of these:"), case.first_choice
        also, others = case.local_recommended, case.alternatives + case.local_considered
    elif case.alternatives:
        lead = _(
            "There is no single usual first choice in this situation. The doctors will weigh "
            "these medicines:"
        )
        items, also = case.alternatives, case.local_recommended
    else:
        lead = _(
            "The doctors cannot choose a treatment yet, because important information is "
            "missing. The questions below show what is needed."
        )
        also = case.local_recommended
    lines = {
        "also": (N_("The doctors may also suggest: {names}."), also),
        "others": (N_("Other options the doctors may discuss: {names}."), others),
        "undecided": (
            N_("Not decided yet: {names}. The answers to the questions below will help decide."),
            case.undetermined,
        ),
        "declined": (
            N_("The patient has said no to: {names}. The doctors will respect this."),
            case.declined,
        ),
    }
    out: dict[str, Any] = {"lead": lead, "choices": [short_line(case, o) for o in items]}
    for key, (text, options) in lines.items():
        names = _names(case, options) if key == "undecided" else case.names_of(options)
        out[key] = _(text).format(names=names) if options else ""
    return out


def _names(case: ReportCase, options: list[Option]) -> str:
    """The options not decided yet: when much is unknown (most options undecided) the line names
    the first few only, so that the questions stay on the summary's pages."""
    if len(options) <= q.MAX_LISTED:
        return case.names_of(options)
    return case._(q.SEVERAL_AMONG).format(names=case.names_of(options[: q.MAX_NAMED]))


def palliative(case: ReportCase) -> dict[str, Any] | None:
    """The care everyone gets: palliative care, with its own badge, and what it includes here."""
    _ = case._
    plan = case.plan
    measures = plan.get("supportive") or []
    referred = any(r.get("department") == "palliative_care" for r in plan.get("referrals") or [])
    if not (measures or referred or case.palliative_main):
        return None
    titles = [_(SUPPORTIVE[m["id"]][0]) for m in measures if m["id"] in SUPPORTIVE]
    main = case.palliative_main
    return {
        "heading": _("Palliative care: the main care now") if main else _("Care everyone gets"),
        "name": _(PALLIATIVE["name"]),
        "badge": _("The main care now") if main else _("For everyone, alongside treatment"),
        "text": [_(PALLIATIVE["main_care"] if main else PALLIATIVE["what"]), _(PALLIATIVE["how"])],
        "includes": _("For this patient it includes: {items}.").format(items=", ".join(titles))
        if titles
        else "",
    }


def expect(case: ReportCase) -> dict[str, Any]:
    """What to expect: survival stated once, the responder message, the caveat."""
    sentences = survival.expected(case)
    figures = sentences != [case._(survival.NO_FIGURES)]
    return {
        "sentences": sentences,
        "responder": survival.responder(case),
        "caveat": [case._(c) for c in survival.CAVEAT] if figures else [],
    }


def ask(case: ReportCase) -> dict[str, Any]:
    """The questions: standing ones for the doctors, then one per missing fact."""
    _ = case._
    standing = q.COMFORT_QUESTIONS if case.palliative_main else q.TREATMENT_QUESTIONS
    missing = q.missing_questions(
        case.assessment.get("missing_data") or [], case.options, case.names, _
    )
    return {
        "standing": [_(t) for t in standing],
        "family": [m for m in missing if m["family"]],
        "doctors": [m for m in missing if not m["family"]],
        "complete": "" if missing else _("All the information this plan needs is known."),
    }


def summary(case: ReportCase) -> dict[str, Any]:
    return {
        "happening": happening(case),
        "first": first_steps(case),
        "palliative": palliative(case),
        "expect": expect(case),
        "questions": ask(case),
    }
