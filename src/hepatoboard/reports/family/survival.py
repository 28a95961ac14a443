"""Survival, stated once and in the right form: "about half of similar patients were still alive
after X months", with the range of the estimate, then the 1-year and 2-year figures as counts out
of 100, the seed article's message about patients who respond well (with its source), and a
plain caveat that the figures come from different studies and are not a ranking.

Every figure is read from ``prognosis.scenarios[]`` of the assessment document (``median_months``,
``interval_months``, ``survival``); ``kind``, ``population`` and ``caveats`` are used when the
document carries them.
"""

from __future__ import annotations

from typing import Any

from hepatoboard.reports.family.context import Option, ReportCase
from hepatoboard.reports.family.texts import SOURCES
from hepatoboard.reports.i18n import N_, format_number

HALF = {
    "first": N_(
        "With {name}, the usual first treatment, about half of similar patients were still alive "
        "after {median} months."
    ),
    "may_fit": N_(
        "With {name}, one of the medicines that may fit, about half of similar patients were "
        "still alive after {median} months."
    ),
    "palliative_only": N_(
        "With palliative care only, without treatment against the cancer, about half of similar "
        "patients were still alive after {median} months."
    ),
    "palliative_main": N_(
        "With palliative care, about half of similar patients were still alive after {median} "
        "months."
    ),
}
RANGE = N_("The range of the estimate is {low} to {high} months.")
OUT_OF_100_BOTH = N_(
    "Out of 100 similar patients, about {one_year} were still alive after 1 year and about "
    "{two_years} after 2 years."
)
OUT_OF_100_ONE_YEAR = N_(
    "Out of 100 similar patients, about {one_year} were still alive after 1 year."
)
NO_FIGURES = N_("This report has no survival figures for this situation. Ask the doctors.")
CAVEAT = (
    N_(
        "These figures come from different studies, each with its own group of patients. They are "
        "not a ranking of the treatments."
    ),
    N_(
        "No one can say how long one person will live. Some live much longer than these figures, "
        "others live shorter."
    ),
)
RESPONDER_LEAD = N_(
    "With a good response to targeted therapy or immunotherapy, some patients live much longer."
)
RESPONDER_GAIN = N_(
    "With a good response to targeted therapy or immunotherapy, some patients gain an extra "
    "{low} to {high} months."
)
RESPONDER_HALF = N_(
    "Among patients who respond well, about half were still alive after {median} months."
)
RESPONDER_CAVEAT = N_(
    "This is what is possible, not what to expect. Whether a treatment works well is known only "
    "after it has started."
)
SOURCE = N_("Source: {source}.")
MEANING = N_(
    "“About half were still alive after X months” means: out of 100 similar patients, about 50 "
    "were still alive at that time. The range shows how far the estimate could be off."
)
ADJUSTED = N_(
    "The figures were adjusted to the patient's liver function, strength and the spread of the "
    "cancer."
)
DETAILS_ELSEWHERE = N_(
    "Where each figure comes from, and its limits, are written in the report for the doctors."
)


def _n(case: ReportCase, value: float) -> str:
    return format_number(value, case.lang)


def _per_100(probability: float) -> str:
    return str(round(probability * 100))


def _half(case: ReportCase, form: str, sc: dict[str, Any], name: str = "") -> list[str]:
    _ = case._
    low, high = sc["interval_months"]
    return [
        _(HALF[form]).format(name=name, median=_n(case, sc["median_months"])),
        _(RANGE).format(low=_n(case, low), high=_n(case, high)),
    ]


def _out_of_100(case: ReportCase, sc: dict[str, Any]) -> list[str]:
    surv = sc.get("survival") or {}
    one, two = surv.get("12"), surv.get("24")
    if one is None:
        return []
    if two is None:
        return [case._(OUT_OF_100_ONE_YEAR).format(one_year=_per_100(one))]
    return [case._(OUT_OF_100_BOTH).format(one_year=_per_100(one), two_years=_per_100(two))]


def headline(case: ReportCase) -> tuple[Option, str] | None:
    """The option whose figures lead: the first usual first choice with a scenario, else the
    first medicine that may fit with one (knowledge-base order, not the best number)."""
    for form, options in (("first", case.first_choice), ("may_fit", case.alternatives)):
        for option in options:
            if case.scenario(option["id"]):
                return option, form
    return None


def expected(case: ReportCase) -> list[str]:
    """The survival sentences (each scenario once), or a plain "no figures" line."""
    bsc = case.scenario("best_supportive_care")
    if case.palliative_main:
        if bsc:
            return _half(case, "palliative_main", bsc) + _out_of_100(case, bsc)
        return [case._(NO_FIGURES)]
    lead = headline(case)
    out: list[str] = []
    if lead:
        option, form = lead
        sc = case.scenario(option["id"])
        assert sc is not None
        out += _half(case, form, sc, case.names[option["id"]]) + _out_of_100(case, sc)
    if bsc:
        out += _half(case, "palliative_only", bsc)
    return out or [case._(NO_FIGURES)]


def source_name(case: ReportCase, source_id: str) -> str | None:
    """A source named in plain words, with its year from the knowledge base."""
    if source_id not in SOURCES:
        return None
    from hepatoboard.knowledge.load import default_knowledge

    known = default_knowledge().sources.get(source_id)
    return case._(SOURCES[source_id]).format(year=known.year if known else "")


def responder(case: ReportCase) -> dict[str, Any] | None:
    """The seed article's message: some patients who respond well live much longer. Shown when a
    medicine against the cancer fits. Its figures come from a ``kind: responder`` scenario when
    the document has one; without it the message is given without figures."""
    if not case.drugs_suitable:
        return None
    _ = case._
    sc = case.responder()
    sentences: list[str]
    if sc and sc.get("additional_months"):
        low, high = sc["additional_months"]
        sentences = [_(RESPONDER_GAIN).format(low=_n(case, low), high=_n(case, high))]
    elif sc:
        low, high = sc["interval_months"]
        sentences = [
            _(RESPONDER_LEAD),
            _(RESPONDER_HALF).format(median=_n(case, sc["median_months"])),
            _(RANGE).format(low=_n(case, low), high=_n(case, high)),
        ]
    else:
        sentences = [_(RESPONDER_LEAD)]
    sources = (sc.get("sources") if sc else None) or ["seed_article"]
    named = [n for n in (source_name(case, s) for s in sources) if n]
    return {
        "sentences": [*sentences, _(RESPONDER_CAVEAT)],
        "source": _(SOURCE).format(source="; ".join(named)) if named else "",
    }


def origins(case: ReportCase) -> dict[str, Any]:
    """What the figures mean and where they come from (full edition). ``population`` is
    knowledge-base text in English: the English report shows it; other languages point to the
    report for the doctors, which shows it with the scenario's ``caveats`` (written for
    clinicians, so the family report gives the plain caveat of :data:`CAVEAT` instead)."""
    shown = [sc for sc in case.scenarios if _shown(case, sc)]
    notes = [
        {"name": case.names.get(sc["id"]) or sc.get("label") or "", "population": sc["population"]}
        for sc in shown
        if sc.get("population")
    ]
    paragraphs = [case._(MEANING), case._(ADJUSTED)] if shown else []
    if notes and case.lang != "en":
        paragraphs.append(case._(DETAILS_ELSEWHERE))
        notes = []
    return {"paragraphs": paragraphs, "notes": notes}


def _shown(case: ReportCase, sc: dict[str, Any]) -> bool:
    """The scenarios whose figures the report states."""
    if sc is case.responder():
        return case.drugs_suitable
    lead = headline(case)
    return sc.get("id") == "best_supportive_care" or bool(
        lead and not case.palliative_main and sc is case.scenario(lead[0]["id"])
    )
