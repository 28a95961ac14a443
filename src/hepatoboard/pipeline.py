"""The pipeline: case -> facts -> scores -> staging -> plan -> prognosis -> assessment.

:func:`assess` is the only orchestration: the CLI, the web service, the pages and the reports
all call it (``docs/architecture.md``). It reads nothing from disk: the knowledge base is
passed in (default: the one shipped with the package).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from hepatoboard.contracts import assessment as out
from hepatoboard.contracts.case import Case
from hepatoboard.contracts.errors import CaseError, Problem
from hepatoboard.criteria.evaluate import Evaluator, FactValue, case_fields
from hepatoboard.facts import derive_facts
from hepatoboard.intake import check_as_of
from hepatoboard.knowledge.base import KnowledgeBase
from hepatoboard.knowledge.schema import AvailabilitySite, Warning_
from hepatoboard.planning import availability as av
from hepatoboard.planning import plan as make_plan
from hepatoboard.planning.result import ACTIVE, Decision, PlanResult
from hepatoboard.prognosis.model import predict
from hepatoboard.staging import StagingResult, stage

DEFAULT_PROFILE = "international"
SCORE_INPUTS = (
    "bilirubin_mg_dl",
    "albumin_g_dl",
    "inr",
    "creatinine_mg_dl",
    "sodium_mmol_l",
    "ascites",
    "encephalopathy",
    "dialysis",
    "sex",
)


class MissingTracker:
    """Collects, per missing case field, the outputs and decisions it blocks."""

    def __init__(self) -> None:
        self._blocks: dict[str, list[str]] = {}

    def add(self, fields: Iterable[str], blocks: str) -> None:
        for f in case_fields(set(fields)):
            lst = self._blocks.setdefault(f, [])
            if blocks not in lst:
                lst.append(blocks)

    def items(self) -> list[out.MissingItem]:
        return [out.MissingItem(field=f, blocks=b) for f, b in sorted(self._blocks.items())]


def resolve_profile(case: Case, profile: str | None, kb: KnowledgeBase) -> str:
    name = profile or case.profile or DEFAULT_PROFILE
    if name not in kb.profiles:
        raise CaseError(
            [Problem("profile", f"unknown profile '{name}'; accepted: {', '.join(kb.profiles)}")]
        )
    return name


def resolve_site(site: str | None, kb: KnowledgeBase) -> AvailabilitySite | None:
    """The availability profile named ``site`` (``None``: no site configured)."""
    if site is None:
        return None
    if site not in kb.availability:
        raise CaseError(
            [Problem("site", f"unknown site '{site}'; accepted: {', '.join(kb.availability)}")]
        )
    return kb.availability[site]


def _default_kb() -> KnowledgeBase:
    from hepatoboard.knowledge.load import default_knowledge

    return default_knowledge()


def assess(
    case: Case,
    *,
    profile: str | None = None,
    as_of: dt.date | None = None,
    kb: KnowledgeBase | None = None,
    with_prognosis: bool = True,
    site: str | None = None,
) -> out.Assessment:
    """Assess one case. ``as_of`` (default today) is the date "within 6 months" rules and the
    case's dates are measured against; a case dated after it is rejected by the intake.
    ``site`` names an availability profile (``knowledge/data/availability/``): it adds badges
    and an available-alternatives ranking, never a change of status."""
    kb = kb or _default_kb()
    as_of = check_as_of(as_of)
    profile_name = resolve_profile(case, profile, kb)
    site_profile = resolve_site(site, kb)
    facts = derive_facts(case, kb, as_of)
    missing = MissingTracker()
    scores = _scores(facts, kb, missing)
    st = stage(facts, kb)
    _staging_missing(st, missing)
    pr = make_plan(facts, kb, profile_name)
    for f, blocks in pr.missing.items():
        for b in blocks:
            missing.add([f], b)
    plan_out = _plan(pr, facts, kb, site_profile)
    prognosis = predict(facts, prognosis_scenarios(plan_out)) if with_prognosis else None
    return out.Assessment(
        case_id=case.id,
        assessed_on=as_of.isoformat(),
        knowledge_base=out.KnowledgeBaseRef(version=kb.version, profile=profile_name),
        disclaimer=kb.plan.disclaimer,
        scores=scores,
        staging=_staging(st, facts, kb, missing),
        plan=plan_out,
        prognosis=prognosis,
        response=_response(facts, kb, case, missing),
        missing_data=missing.items(),
        warnings=warnings(facts, kb),
        limitations=list(kb.plan.limitations),
    )


def assess_many(cases: Iterable[Case], **kwargs: Any) -> Iterator[out.Assessment]:
    """Assess several cases with the same options (same rules, same knowledge base)."""
    for case in cases:
        yield assess(case, **kwargs)


LOCAL_MODALITIES = ("radiotherapy", "surgery_interventional")


def prognosis_scenarios(plan: out.Plan) -> list[str]:
    """Best supportive care plus every systemic or local (radiotherapy, surgical,
    interventional) option that is recommended or considered; the prognosis model names, in its
    warnings, the ones it has no published survival for."""
    active = [
        o.id
        for o in plan.options
        if (o.systemic or o.modality in LOCAL_MODALITIES) and o.status in ACTIVE
    ]
    return ["best_supportive_care", *active]


def warnings(facts: dict[str, FactValue], kb: KnowledgeBase) -> list[str]:
    """The knowledge base's assessment warnings that hold (``staging.yaml``, ``plan.yaml``)."""
    ev = Evaluator(facts, kb.condition_exprs)
    rules: list[Warning_] = [*kb.staging.warnings, *kb.plan.warnings]
    values = {k: v.value for k, v in facts.items()}
    return [w.text.format_map(values) for w in rules if ev.truth(w.when) is True]


def _scores(facts: dict[str, FactValue], kb: KnowledgeBase, missing: MissingTracker) -> out.Scores:
    v = {k: f.value for k, f in facts.items()}
    missing.add(facts["child_pugh_points"].missing, "scores.child_pugh")
    missing.add(facts["albi_score"].missing, "scores.albi")
    for key in ("meld", "meld_na", "meld_3_0"):
        missing.add(facts[key].missing, f"scores.meld.{key}")
    k = kb.scores
    albi_raw = v["albi_score"]
    tbs = v["tumour_burden_score"]
    inputs = SCORE_INPUTS
    return out.Scores(
        child_pugh=out.ChildPughOut(points=v["child_pugh_points"], class_=v["child_pugh_class"]),
        albi=out.AlbiOut(
            score=None if albi_raw is None else round(albi_raw, k.albi.display_decimals),
            grade=v["albi_grade"],
            malbi_grade=v["malbi_grade"],
        ),
        meld=out.MeldOut(meld=v["meld"], meld_na=v["meld_na"], meld_3_0=v["meld_3_0"]),
        versions={key: params.version for key, params in k.sections().items()},
        creatinine_clearance_ml_min=v["creatinine_clearance_ml_min"],
        confounded=_confounded(v, k.albi.display_decimals),
        inputs={name: v[name] for name in inputs},
        hcc=_hcc_scores(facts, kb, missing),
        tumour_burden_score=None if tbs is None else round(tbs, k.tumour_burden.display_decimals),
    )


def _hcc_scores(
    facts: dict[str, FactValue], kb: KnowledgeBase, missing: MissingTracker
) -> dict[str, out.HccScoreOut]:
    """The point scores of ``scores.yaml`` (null, with the missing fields, when unknown)."""
    result = {}
    for name, ps in kb.scores.point_scores.items():
        pts = facts[f"{name}_points"]
        group_fact = "okuda_stage" if name == "okuda" else f"{name}_group"
        group = facts[group_fact].value if group_fact in facts else None
        missing.add(pts.missing, f"scores.hcc.{name}")
        result[name] = out.HccScoreOut(
            label=ps.label, points=pts.value, group=group, version=ps.version
        )
    missing.add(facts["tumour_burden_score"].missing, "scores.tumour_burden_score")
    return result


def _confounded(v: dict[str, Any], decimals: int) -> out.ConfoundedOut | None:
    if v["liver_function_confounded"] is not True:
        return None
    raw = v["albi_score_measured"]
    return out.ConfoundedOut(
        reason="unresolved biliary obstruction: bilirubin reflects the blocked duct; re-measure "
        "after drainage",
        child_pugh_points=v["child_pugh_points_measured"],
        child_pugh_class=v["child_pugh_class_measured"],
        albi_score=None if raw is None else round(raw, decimals),
    )


def _staging_missing(st: StagingResult, missing: MissingTracker) -> None:
    t = st.tnm
    for name, c in (("t", t.t), ("n", t.n), ("m", t.m), ("stage", t.stage)):
        if c.value is None:
            missing.add(c.missing, f"staging.tnm.{name}")
    if st.bclc.value is None:
        missing.add(st.bclc.missing, "staging.bclc")


def _staging(
    st: StagingResult, facts: dict[str, FactValue], kb: KnowledgeBase, missing: MissingTracker
) -> out.Staging:
    for key, what in (
        ("regional_node_stations", "staging.nodes"),
        ("compressive_nodes", "staging.nodes.compressive"),
    ):
        missing.add(facts[key].missing, what)
    t = st.tnm
    v = {k: f.value for k, f in facts.items()}
    return out.Staging(
        bclc=out.BclcOut(
            stage=st.bclc.value,
            reasons=st.bclc.reasons,
            version=kb.staging.bclc.version,
        ),
        tnm=out.TnmOut(
            t=t.t.value,
            n=t.n.value,
            m=t.m.value,
            stage=t.stage.value,
            edition=kb.staging.tnm.edition,
        ),
        nodes=out.NodesOut(
            regional=v["regional_node_stations"],
            distant=v["distant_node_stations"],
            extra_abdominal=v["extra_abdominal_nodes"],
            compressive=v["compressive_nodes"],
            total_count=v["node_total"],
            largest_short_axis_mm=v["largest_node_mm"],
            indeterminate=v["indeterminate_node_stations"] or [],
        ),
        transplant_criteria=_transplant(facts, kb, missing),
    )


TRANSPLANT_CRITERIA = {"milan": "within_milan", "ucsf": "within_ucsf", "up_to_7": "within_up_to_7"}


def _transplant(
    facts: dict[str, FactValue], kb: KnowledgeBase, missing: MissingTracker
) -> out.TransplantCriteriaOut:
    """Milan, UCSF and up-to-7 (``conditions.yaml``), each true, false or unknown."""
    ev = Evaluator(facts, kb.condition_exprs)
    values: dict[str, bool | None] = {}
    reasons = []
    for key, cond in TRANSPLANT_CRITERIA.items():
        o = ev(kb.conditions[cond].when)
        values[key] = o.value
        if o.value is None:
            missing.add(o.missing, f"staging.transplant_criteria.{key}")
    if ev.truth(kb.conditions["no_extrahepatic_or_macrovascular"].when) is False:
        reasons.append(
            "nodal or distant spread, or macrovascular invasion: outside every criterion"
        )
    return out.TransplantCriteriaOut(**values, reasons=reasons)


def _response(
    facts: dict[str, FactValue], kb: KnowledgeBase, case: Case, missing: MissingTracker
) -> out.ResponseOut:
    """RECIST 1.1, mRECIST, iRECIST and the AFP response of the imaging series."""
    from hepatoboard.facts.response import computed_responses, target_notes

    studies = case.imaging or []
    if not facts["response_assessable"].value:
        missing.add(["imaging"], "response")
        note = "a baseline and at least one follow-up imaging study are needed"
        return out.ResponseOut(assessable=False if studies else None, notes=[note])
    got = computed_responses(facts, kb)
    for name, c in got.items():
        if c.value is None:
            missing.add(c.missing, f"response.{name}")
    afp = Evaluator(facts, kb.condition_exprs)(kb.response.afp_response.when)
    change = facts["recist_change_from_baseline_pct"].value
    afp_pct = facts["afp_change_pct"].value
    last = case.prior_therapies[-1].regimen if case.prior_therapies else None
    return out.ResponseOut(
        assessable=True,
        regimen=last,
        regimen_modality=kb.options[last].modality if last else None,
        baseline_date=studies[0].date.isoformat(),
        latest_date=studies[-1].date.isoformat(),
        recist=got["recist"].value,
        mrecist=got["mrecist"].value,
        irecist=got["irecist"].value,
        afp_response=afp.value,
        afp_change_pct=None if afp_pct is None else round(afp_pct, 1),
        recist_change_from_baseline_pct=None if change is None else round(change, 1),
        reasons={name: c.reasons for name, c in got.items() if c.value is not None},
        notes=target_notes(studies, kb),
    )


def _availability(d: Decision, site: AvailabilitySite | None) -> out.AvailabilityOut:
    entry = av.entry_for(site, d.option_id)
    b = av.badge(entry)
    if entry is None:
        return out.AvailabilityOut(badge=b, label=av.LABELS[b])
    return out.AvailabilityOut(
        badge=b,
        label=av.LABELS[b],
        registered=entry.registered,
        reimbursed=entry.reimbursed,
        source=list(entry.source),
        checked=entry.checked.isoformat(),
        note=entry.note,
    )


def _plan_availability(pr: PlanResult, site: AvailabilitySite | None) -> out.PlanAvailability:
    return out.PlanAvailability(
        site=None if site is None else site.site,
        name=None if site is None else site.name,
        description=None if site is None else site.description,
        guideline_ranking=av.guideline_ranking(pr.decisions),
        available_ranking=None if site is None else av.available_ranking(pr.decisions, site),
    )


# id(option) -> (the option, its positions, position notes and outcomes as the contract shows
# them): knowledge-base data, dumped once (the output model validates a copy for each case).
_OPTION_VIEWS: dict[
    int, tuple[Any, dict[str, str], list[dict[str, Any]], list[dict[str, Any]]]
] = {}


def _option_views(o: Any) -> tuple[dict[str, str], list[dict[str, Any]], list[dict[str, Any]]]:
    hit = _OPTION_VIEWS.get(id(o))
    if hit is None or hit[0] is not o:
        positions = {p.source: p.position for p in o.positions}
        notes = [p.model_dump(exclude_none=True) for p in o.positions]
        hit = (o, positions, notes, [x.model_dump() for x in o.outcomes])
        _OPTION_VIEWS[id(o)] = hit
    _, positions, notes, outcomes = hit
    return positions, notes, outcomes


def _option(
    d: Decision, kb: KnowledgeBase, next_line: int | None, site: AvailabilitySite | None
) -> out.PlanOption:
    o = kb.options[d.option_id]
    positions, position_notes, outcomes = _option_views(o)
    return out.PlanOption(
        id=o.id,
        name=o.name,
        modality=o.modality,
        systemic=o.systemic,
        line=next_line if o.systemic else None,
        status=d.status,
        reasons=d.reasons,
        contraindications=d.contraindications,
        cautions=d.cautions,
        missing=d.missing,
        could_be=d.could_be,
        evidence=list(o.evidence),
        status_sources=d.status_sources,
        positions=positions,
        position_notes=position_notes,
        checks=d.checks,
        dose_notes=d.dose_notes,
        monitoring=list(o.monitoring),
        outcomes=outcomes,
        declined=d.declined,
        to_clarify=d.to_clarify,
        interactions=[
            out.InteractionOut(
                id=h.id,
                medication_class=h.medication_class,
                severity=h.severity,
                text=h.text,
                source=h.source,
            )
            for h in d.interactions
        ],
        availability=_availability(d, site),
    )


def _plan(
    pr: PlanResult,
    facts: dict[str, FactValue],
    kb: KnowledgeBase,
    site: AvailabilitySite | None = None,
) -> out.Plan:
    next_line = facts["next_line"].value
    options = [_option(d, kb, next_line, site) for d in pr.decisions]
    names: dict[str, Any] = {m.id: m for m in kb.supportive}
    checks = kb.checks
    return out.Plan(
        intent=pr.intent.value,
        intent_reasons=pr.intent.reasons,
        options=options,
        supportive=[
            out.SupportiveOut(
                id=h.id,
                name=names[h.id].name,
                for_=names[h.id].for_,
                details=names[h.id].details,
                source=names[h.id].source,
                because=h.because,
            )
            for h in pr.supportive
        ],
        referrals=[
            out.ReferralOut(
                department=h.department, reason=h.reason, source=h.source, because=h.because
            )
            for h in pr.referrals
        ],
        checks=[
            out.CheckOut(
                id=c.id, name=checks[c.id].name, for_=c.for_, reason=c.reason, source=c.source
            )
            for c in pr.checks
        ],
        disagreements=[
            out.Disagreement(
                option=oid, positions={p.source: p.position for p in kb.options[oid].positions}
            )
            for oid in pr.disagreements
        ],
        availability=_plan_availability(pr, site),
    )
