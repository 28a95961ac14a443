"""The whole plan for one case: intent, every option's status, symptom care, referrals,
pre-treatment checks and what blocks which decision.

Each option is decided by :func:`hepatoboard.planning.decide.decide`; supportive measures and
referrals are the knowledge base's rules that hold. Referrals run last: they may depend on the
plan (``plan_active_options``: e.g. radiation oncology when nodal radiotherapy is in the plan).
"""

from __future__ import annotations

from collections.abc import Sequence, Set

from hepatoboard.criteria.evaluate import Evaluator, FactValue, case_fields, classify
from hepatoboard.knowledge.base import KnowledgeBase
from hepatoboard.planning.decide import decide, notes
from hepatoboard.planning.result import (
    ACTIVE,
    CheckHit,
    Decision,
    MeasureHit,
    PlanResult,
    ReferralHit,
)

TRACE_STATUSES = ("recommended", "consider", "undetermined")


class _Blocks:
    """Case field -> the decisions its absence blocks (insertion ordered, no repeats)."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, fields: Set[str] | list[str], what: str) -> None:
        for f in case_fields(fields):
            lst = self.by_field.setdefault(f, [])
            if what not in lst:
                lst.append(what)


def plan(facts: dict[str, FactValue], kb: KnowledgeBase, profile: str) -> PlanResult:
    """Plan for one case. ``facts`` must already hold the staging facts; the plan facts
    (``plan_*``) are added to it."""
    ev = Evaluator(facts, kb.condition_exprs)
    active_sources = kb.profile_sources(profile)
    blocks = _Blocks()
    intent = classify(kb.plan.intent, ev)
    if intent.value is None:
        blocks.add(intent.missing, "plan.intent")
    declined = set(facts["declined"].value or [])
    decisions = []
    for o in kb.options.values():
        bound = ev.bind({"self": o.id})
        d = decide(o, bound, kb, active_sources, declined)
        notes(d, o, bound, kb)
        decisions.append(d)
    for d in decisions:
        if d.missing:
            blocks.add(d.missing, d.option_id)
        if d.interactions_unchecked and d.status in TRACE_STATUSES:
            blocks.add(["medications"], f"interactions.{d.option_id}")
    _plan_facts(facts, decisions, kb, intent.value, intent.missing)
    supportive = []
    for m in kb.supportive:
        out = ev(m.when)
        if out.value:
            supportive.append(MeasureHit(m.id, list(out.labels)))
        elif out.value is None:
            blocks.add(out.missing, f"supportive.{m.id}")
    facts["plan_supportive_measures"] = FactValue([m.id for m in supportive])
    referrals: list[ReferralHit] = []
    for r in kb.referrals:
        out = ev(r.when)
        if out.value and r.department not in {x.department for x in referrals}:
            referrals.append(ReferralHit(r.department, r.reason, list(r.source), list(out.labels)))
        elif out.value is None:
            blocks.add(out.missing, f"referral.{r.department}")
    return PlanResult(
        intent=intent,
        decisions=decisions,
        supportive=supportive,
        referrals=referrals,
        checks=_checks(decisions, kb, ev),
        missing=blocks.by_field,
        disagreements=[d.option_id for d in decisions if _disagree(kb, d)],
    )


def _plan_facts(
    facts: dict[str, FactValue],
    decisions: list[Decision],
    kb: KnowledgeBase,
    intent: str | None,
    intent_missing: set[str],
) -> None:
    active = [d for d in decisions if d.status in ACTIVE]
    facts["plan_active_options"] = FactValue([d.option_id for d in active])
    facts["plan_open_options"] = FactValue(
        [d.option_id for d in decisions if d.status in TRACE_STATUSES]
    )
    facts["plan_recommended_options"] = FactValue(
        [d.option_id for d in decisions if d.status == "recommended"]
    )
    facts["plan_active_modalities"] = FactValue(
        sorted({kb.options[d.option_id].modality for d in active})
    )
    facts["plan_intent"] = FactValue(intent, tuple(sorted(intent_missing)))


def _disagree(kb: KnowledgeBase, d: Decision) -> bool:
    """Sources disagree about an option that is on the table."""
    if d.status not in TRACE_STATUSES:
        return False
    values = {p.position for p in kb.options[d.option_id].positions} - {"not_addressed"}
    return "not_recommended" in values and bool(values & {"recommended", "alternative", "consider"})


def _checks(decisions: list[Decision], kb: KnowledgeBase, ev: Evaluator) -> list[CheckHit]:
    by_id: dict[str, CheckHit] = {}

    def hit(cid: str, reason: str, source: Sequence[str]) -> CheckHit:
        got = by_id.get(cid)
        if got is None:  # built once per check, not once per option that needs it
            got = by_id[cid] = CheckHit(cid, reason, list(source))
        return got

    for c in kb.plan.staging_checks:
        if c.when is None or ev.truth(c.when) is True:
            hit(c.id, c.reason, c.source).for_.append("staging")
    for d in decisions:
        if d.status not in TRACE_STATUSES:
            continue
        bound = None
        for c in kb.option_rules(kb.options[d.option_id], "checks"):
            if c.when is not None:
                bound = bound or ev.bind({"self": d.option_id})
                if bound.truth(c.when) is False:
                    continue  # already satisfied
            hit(c.id, c.reason, c.source).for_.append(d.option_id)
            d.checks.append(c.id)
        if d.interactions_unchecked:
            ixf = kb.interactions
            hit(ixf.review_check, ixf.review_reason, ixf.review_source).for_.append(d.option_id)
            d.checks.append(ixf.review_check)
    return list(by_id.values())
