"""The multi-modal treatment planner: every option of the knowledge base gets a status.

Order of decision for one option (the safety rules of the project, in code once):

1. **Contraindications** (hard stops): any true -> ``not_eligible``, shown with its reason.
2. **Requirements** (who the option is for: liver function and performance status first): any
   false -> ``not_eligible``.
3. Any contraindication or requirement **unknown**, or any **prerequisite** (e.g. an endoscopy
   within 6 months) false or unknown -> ``undetermined``, with the missing fields and checks.
   Nothing is recommended on an unknown.
4. **Status rules**, in order, counting only rules backed by a source of the active profile: the
   first true one gives ``recommended`` or ``consider``. An unknown ``recommended`` rule followed
   by a true ``consider`` rule gives ``consider`` (the safe lower status) and says what would
   decide the upgrade. No true rule -> ``not_eligible`` with the option's not-indicated reason.
5. **Cautions** (relative contraindications): any true caps the status at ``consider``.

Per-source positions are reported for every option so disagreements between guidelines and
practice are visible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hepatoboard.assessment.model import PlanOption
from hepatoboard.criteria.expr import Evaluator, FactValue, classify
from hepatoboard.knowledge.base import KnowledgeBase
from hepatoboard.knowledge.schema import Option

ACTIVE = ("recommended", "consider")
_TRACE_STATUSES = ("recommended", "consider", "undetermined")


@dataclass
class PlanResult:
    intent: str | None
    intent_reasons: list[str]
    intent_missing: set[str]
    options: list[PlanOption]
    supportive: list[dict[str, Any]]
    referrals: list[dict[str, Any]]
    checks: list[dict[str, Any]]
    missing: dict[str, list[str]]  # case field -> blocked decisions
    disagreements: list[dict[str, Any]]


def plan(facts: dict[str, FactValue], kb: KnowledgeBase, profile: str) -> PlanResult:
    """Plan for one case. ``facts`` must already contain the staging facts."""
    ev = Evaluator(facts, kb.condition_exprs)
    active_sources = kb.profile_sources(profile)
    missing: dict[str, list[str]] = {}

    def block(fields: set[str] | list[str], what: str) -> None:
        for f in sorted(fields):
            if not f.startswith("fact:"):
                lst = missing.setdefault(f, [])
                if what not in lst:
                    lst.append(what)

    intent = classify(kb.plan.intent, ev)
    if intent.value is None:
        block(intent.missing, "plan.intent")

    declined = set(facts["declined"].value or [])
    options = [
        _decide(o, ev.bind({"self": o.id}), kb, active_sources, facts, declined, block)
        for o in kb.options.values()
    ]

    active_ids = [o.id for o in options if o.status in ACTIVE]
    facts["plan_active_options"] = FactValue(active_ids)
    facts["plan_recommended_options"] = FactValue(
        [o.id for o in options if o.status == "recommended"]
    )
    facts["plan_active_modalities"] = FactValue(
        sorted({o.modality for o in options if o.status in ACTIVE})
    )
    facts["plan_intent"] = FactValue(intent.value, tuple(sorted(intent.missing)))

    supportive = []
    for m in kb.supportive:
        out = ev(m.when)
        if out.value:
            supportive.append(
                {
                    "id": m.id,
                    "name": m.name,
                    "for": m.for_,
                    "details": m.details,
                    "source": m.source,
                    "because": out.labels,
                }
            )
        elif out.value is None:
            block(out.missing, f"supportive.{m.id}")
    facts["plan_supportive_measures"] = FactValue([m["id"] for m in supportive])

    referrals = []
    for r in kb.referrals:
        out = ev(r.when)
        if out.value and r.department not in {x["department"] for x in referrals}:
            referrals.append(
                {
                    "department": r.department,
                    "reason": r.reason,
                    "source": r.source,
                    "because": out.labels,
                }
            )
        elif out.value is None:
            block(out.missing, f"referral.{r.department}")

    checks = _collect_checks(options, kb, ev)
    disagreements = [
        {"option": o.id, "positions": o.positions}
        for o in options
        if o.status in _TRACE_STATUSES and _disagree(o.positions)
    ]
    return PlanResult(
        intent=intent.value,
        intent_reasons=intent.reasons,
        intent_missing=intent.missing,
        options=options,
        supportive=supportive,
        referrals=referrals,
        checks=checks,
        missing=missing,
        disagreements=disagreements,
    )


def _disagree(positions: dict[str, str]) -> bool:
    values = set(positions.values()) - {"not_addressed"}
    return "not_recommended" in values and bool(values & {"recommended", "alternative", "consider"})


def _decide(
    o: Option,
    ev: Evaluator,
    kb: KnowledgeBase,
    active_sources: set[str],
    facts: dict[str, FactValue],
    declined: set[str],
    block: Any,
) -> PlanOption:
    line = facts["next_line"].value if o.systemic else None
    res = PlanOption(
        id=o.id,
        name=o.name,
        modality=o.modality,
        line=line,
        status="not_eligible",
        reasons=[],
        contraindications=[],
        missing=[],
        evidence=list(o.evidence),
        positions={p.source: p.position for p in o.positions},
        position_notes=[p.model_dump(exclude_none=True) for p in o.positions],
        dose_notes=list(o.dose_notes),
        monitoring=list(o.monitoring),
        outcomes=[x.model_dump() for x in o.outcomes],
    )
    unknown: set[str] = set()
    unknown_reasons: list[str] = []

    for rule in kb.option_rules(o, "contraindications"):
        out = ev(rule.when)
        if out.value:
            res.contraindications.append(rule.reason)
        elif out.value is None:
            unknown |= out.missing
            unknown_reasons.append(f"cannot exclude: {rule.reason}")
    failed: list[str] = []
    for rule in kb.option_rules(o, "requirements"):
        out = ev(rule.when)
        if out.value is False:
            failed.append(rule.reason)
        elif out.value is None:
            unknown |= out.missing
            unknown_reasons.append(f"cannot confirm: {rule.reason}")

    if res.contraindications:
        res.reasons = [f"contraindicated: {r}" for r in res.contraindications] + [
            f"requirement not met: {r}" for r in failed
        ]
        return _finish(res, declined, block)
    if failed:
        res.reasons = [f"requirement not met: {r}" for r in failed]
        return _finish(res, declined, block)

    pending: list[str] = []
    for rule in kb.option_rules(o, "prerequisites"):
        out = ev(rule.when)
        if out.value is not True:
            pending.append(rule.reason)
            unknown |= out.missing
    if unknown or pending:
        res.status = "undetermined"
        res.reasons = unknown_reasons + [f"to do before deciding: {r}" for r in pending]
        res.missing = sorted(f for f in unknown if not f.startswith("fact:"))
        return _finish(res, declined, block)

    upgrade_missing: set[str] = set()
    for rule in o.status_rules:
        if not set(rule.source) & active_sources:
            continue  # this rule's sources do not count in the active profile
        out = ev(rule.when)
        if out.value is None:
            if rule.status == "recommended":
                upgrade_missing |= out.missing
                continue
            res.status = "undetermined"
            res.reasons = [f"cannot decide: {rule.reason}"]
            res.missing = sorted(f for f in out.missing if not f.startswith("fact:"))
            return _finish(res, declined, block)
        if out.value:
            res.status = rule.status
            res.reasons = [rule.reason, *out.labels]
            res.status_sources = [s for s in rule.source if s in active_sources]
            if upgrade_missing and rule.status == "consider":
                fields = ", ".join(sorted(f for f in upgrade_missing if not f.startswith("fact:")))
                res.reasons.append(f"may be upgraded to recommended once known: {fields}")
            break
    else:
        res.reasons = [o.not_indicated_reason]
        if upgrade_missing:
            res.status = "undetermined"
            res.missing = sorted(f for f in upgrade_missing if not f.startswith("fact:"))
            res.reasons = ["cannot decide whether it is indicated"]
        return _finish(res, declined, block)

    for rule in kb.option_rules(o, "cautions"):
        out = ev(rule.when)
        if out.value:
            res.cautions.append(rule.reason)
        elif out.value is None:
            res.to_clarify.append(rule.reason)
            block(out.missing, f"{o.id} (caution)")
    if res.cautions:
        if res.status == "recommended":
            res.status = "consider"
        res.reasons.extend(f"caution: {c}" for c in res.cautions)
    for c in res.to_clarify:
        res.reasons.append(f"to clarify before starting: {c}")
    return _finish(res, declined, block)


def _finish(res: PlanOption, declined: set[str], block: Any) -> PlanOption:
    if res.id in declined or res.modality in declined:
        res.declined = True
        res.reasons.append("the patient has declined this option")
    if res.status == "undetermined":
        block(res.missing, res.id)
    return res


def _collect_checks(options: list[PlanOption], kb: KnowledgeBase, ev: Evaluator) -> list[dict]:
    by_id: dict[str, dict[str, Any]] = {}
    for res in options:
        if res.status not in _TRACE_STATUSES:
            continue
        for c in kb.option_rules(kb.options[res.id], "checks"):
            if c.when is not None and ev.bind({"self": res.id})(c.when).value is False:
                continue  # already satisfied
            entry = by_id.setdefault(
                c.id,
                {
                    "id": c.id,
                    "name": kb.checks[c.id].name,
                    "for": [],
                    "reason": c.reason,
                    "source": list(c.source),
                },
            )
            entry["for"].append(res.id)
            res.checks.append(c.id)
    return list(by_id.values())
