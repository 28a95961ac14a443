"""Assess one case: scores, staging (and, as they land, plan and prognosis).

:func:`assess` is the single entry point used by the CLI, the web service and the cohort runner,
so one patient and a registry are assessed by exactly the same rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from hepatoboard.assessment.model import (
    AlbiOut,
    Assessment,
    BclcOut,
    ChildPughOut,
    KnowledgeBaseRef,
    MeldOut,
    MissingItem,
    NodesOut,
    Plan,
    Scores,
    Staging,
    TnmOut,
)
from hepatoboard.case.model import Case
from hepatoboard.criteria.expr import FactValue
from hepatoboard.errors import CaseError, Problem
from hepatoboard.facts.derive import derive_facts
from hepatoboard.knowledge.base import KnowledgeBase, knowledge
from hepatoboard.knowledge.files import read
from hepatoboard.planning.planner import plan as make_plan
from hepatoboard.prognosis import predict
from hepatoboard.staging import stage

DEFAULT_PROFILE = "international"


class MissingTracker:
    """Collects, per missing case field, the outputs and decisions it blocks."""

    def __init__(self) -> None:
        self._blocks: dict[str, list[str]] = {}

    def add(self, fields: Iterable[str], blocks: str) -> None:
        for f in fields:
            lst = self._blocks.setdefault(f, [])
            if blocks not in lst:
                lst.append(blocks)

    def items(self) -> list[MissingItem]:
        return [MissingItem(field=f, blocks=b) for f, b in sorted(self._blocks.items())]


def resolve_profile(case: Case, profile: str | None, kb: KnowledgeBase) -> str:
    name = profile or case.profile or DEFAULT_PROFILE
    if name not in kb.profiles:
        raise CaseError(
            [Problem("profile", f"unknown profile '{name}'; accepted: {', '.join(kb.profiles)}")]
        )
    return name


def assess(
    case: Case,
    *,
    profile: str | None = None,
    as_of: dt.date | None = None,
    kb: KnowledgeBase | None = None,
    with_prognosis: bool = True,
) -> Assessment:
    """Assess one case. ``as_of`` fixes the date used for "within 6 months" rules."""
    kb = kb or knowledge()
    as_of = as_of or dt.date.today()
    profile_name = resolve_profile(case, profile, kb)
    facts = derive_facts(case, as_of)
    missing = MissingTracker()
    warnings: list[str] = []

    scores = _scores(facts, missing)
    st = stage(facts, kb)
    warnings.extend(st.warnings)
    for name, c in (("t", st.t), ("n", st.n), ("m", st.m), ("stage", st.stage)):
        if c.value is None:
            missing.add(c.missing, f"staging.tnm.{name}")
    if st.bclc.value is None:
        missing.add(st.bclc.missing, "staging.bclc")
    nodes = _nodes(facts, missing)
    labs_age = facts["labs_age_days"].value
    if labs_age is not None and labs_age > read("plan.yaml").get("labs_stale_after_days", 30):
        warnings.append(f"labs are {labs_age} days old; scores may not reflect current function")

    pr = make_plan(facts, kb, profile_name)
    for f, blocks in pr.missing.items():
        for b in blocks:
            missing.add([f], b)
    plan_out = Plan.model_validate(
        {
            "intent": pr.intent,
            "intent_reasons": pr.intent_reasons,
            "options": pr.options,
            "supportive": pr.supportive,
            "referrals": pr.referrals,
            "checks": pr.checks,
            "disagreements": pr.disagreements,
        }
    )
    prognosis = predict(facts, prognosis_scenarios(plan_out)) if with_prognosis else None
    plan_raw = read("plan.yaml")
    return Assessment(
        case_id=case.id,
        assessed_on=as_of.isoformat(),
        knowledge_base=KnowledgeBaseRef(version=kb.version, profile=profile_name),
        disclaimer=plan_raw["disclaimer"],
        scores=scores,
        staging=Staging(
            bclc=BclcOut(
                stage=st.bclc.value, reasons=st.bclc.reasons, version=kb.staging.bclc.version
            ),
            tnm=TnmOut(
                t=st.t.value,
                n=st.n.value,
                m=st.m.value,
                stage=st.stage.value,
                edition=kb.staging.tnm.edition,
            ),
            nodes=nodes,
        ),
        plan=plan_out,
        prognosis=prognosis,
        missing_data=missing.items(),
        warnings=warnings,
        limitations=list(plan_raw["limitations"]),
    )


PROGNOSIS_MODALITIES = (
    "immunotherapy", "targeted_therapy", "chemotherapy", "radiotherapy", "surgery_interventional",
)  # fmt: skip


def prognosis_scenarios(plan: Plan) -> list[str]:
    """Best supportive care plus every systemic or local (radiotherapy, surgical,
    interventional) option that is recommended or considered; the prognosis model names the
    ones it has no published survival for."""
    return ["best_supportive_care"] + [
        o.id for o in plan.options
        if o.modality in PROGNOSIS_MODALITIES and o.status in ("recommended", "consider")
    ]  # fmt: skip


def _scores(facts: dict[str, FactValue], missing: MissingTracker) -> Scores:
    cp_pts, cp_cls = facts["child_pugh_points"], facts["child_pugh_class"]
    missing.add(cp_pts.missing, "scores.child_pugh")
    al = facts["albi_score"]
    missing.add(al.missing, "scores.albi")
    for key in ("meld", "meld_na", "meld_3_0"):
        missing.add(facts[key].missing, f"scores.meld.{key}")
    albi_out = None
    if al.known:
        albi_out = AlbiOut(
            score=round(al.value, 2),
            grade=facts["albi_grade"].value,
            malbi_grade=facts["malbi_grade"].value,
        )
    inputs = {
        k: facts[k].value
        for k in (
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
    }
    return Scores(
        child_pugh=ChildPughOut(points=cp_pts.value, class_=cp_cls.value) if cp_pts.known else None,
        albi=albi_out,
        meld=MeldOut(
            meld=facts["meld"].value,
            meld_na=facts["meld_na"].value,
            meld_3_0=facts["meld_3_0"].value,
        ),
        inputs=inputs,
    )


def _nodes(facts: dict[str, FactValue], missing: MissingTracker) -> NodesOut:
    for key, out in (
        ("regional_node_stations", "staging.nodes"),
        ("compressive_nodes", "staging.nodes.compressive"),
    ):
        missing.add(facts[key].missing, out)
    return NodesOut(
        regional=facts["regional_node_stations"].value,
        distant=facts["distant_node_stations"].value,
        extra_abdominal=facts["extra_abdominal_nodes"].value,
        compressive=facts["compressive_nodes"].value,
        total_count=facts["node_total"].value,
        largest_short_axis_mm=facts["largest_node_mm"].value,
    )
