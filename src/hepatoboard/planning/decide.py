"""The status of one option: the safety rules of the project, written once.

Order of decision (``docs/knowledge-base.md`` has the truth table):

1. **Hard stops first.** A true *contraindication* or a false *requirement* (liver function and
   performance status come first in every option's requirements) -> ``not_eligible``, with the
   reason.
2. **Is it indicated at all?** Status rules count only when a source of the active profile backs
   them. If no status rule is true or unknown -> ``not_eligible`` (not indicated here).
3. **Unknown gates.** A contraindication or requirement that is unknown, or a *prerequisite*
   not yet met (an endoscopy within 6 months) -> ``undetermined``, with the missing fields.
4. **Status.** The highest status whose rule is true. An unknown rule for a higher status never
   blocks a lower status whose rule is true: the option gets the lower status and names what
   could raise it. Only unknown rules -> ``undetermined``.
5. **Cautions** cap ``recommended`` at ``consider``: a true caution, and also an *unknown*
   caution, whose field is then listed in ``missing`` ("could be recommended once known").
   An interaction of severity ``avoid`` with a recorded medication (``interactions.yaml``) is a
   caution too, and an unrecorded medication list is then an unknown caution. Every option with
   interaction entries gets the ``medication_review`` check while the list is unrecorded, and
   ``medications`` is listed in ``missing_data``.
6. **Notes** that never change the status: dose rules that hold (``dose_rules``; unknown ones
   are shown as "if ...") and interactions of severity ``adjust_dose`` or ``monitor``.

The unknown-handling rule (the same words in the README and docs/knowledge-base.md):
An option is recommended only when no unknown fact could lower its status: an unknown
contraindication, requirement or prerequisite makes it undetermined, and an unknown caution caps
it at consider. Every unknown fact that could change an option's status is listed in its
`missing` and in `missing_data`.
"""

from __future__ import annotations

from hepatoboard.criteria.evaluate import Evaluator, Outcome, case_fields
from hepatoboard.knowledge.base import KnowledgeBase
from hepatoboard.knowledge.schema import Option, StatusRule
from hepatoboard.planning.result import ENDORSEMENT, Decision, InteractionHit


def decide(
    o: Option, ev: Evaluator, kb: KnowledgeBase, active_sources: set[str], declined: set[str]
) -> Decision:
    """Decide one option (``ev`` has ``$self`` bound to the option id)."""
    res = Decision(o.id, "not_eligible")
    unknown: set[str] = set()
    gate_notes: list[str] = []
    failed: list[str] = []
    for rule in kb.option_rules(o, "contraindications"):
        out = ev(rule.when)
        if out.value:
            res.contraindications.append(rule.reason)
        elif out.value is None:
            unknown |= out.missing
            gate_notes.append(f"cannot exclude: {rule.reason}")
    for rule in kb.option_rules(o, "requirements"):
        out = ev(rule.when)
        if out.value is False:
            failed.append(rule.reason)
        elif out.value is None:
            unknown |= out.missing
            gate_notes.append(f"cannot confirm: {rule.reason}")
    if res.contraindications or failed:
        res.reasons = [f"contraindicated: {r}" for r in res.contraindications]
        res.reasons += [f"requirement not met: {r}" for r in failed]
        return _finish(res, o, declined)

    rules = [
        (r, ev(r.when))
        for r in kb.option_rules(o, "status_rules")
        if set(r.source) & active_sources
    ]
    possible = [(r, out) for r, out in rules if out.value is not False]
    if not possible:
        res.reasons = [o.not_indicated_reason]
        return _finish(res, o, declined)
    best_possible = max(ENDORSEMENT[r.status] for r, _ in possible)

    for rule in kb.option_rules(o, "prerequisites"):
        out = ev(rule.when)
        if out.value is not True:
            unknown |= out.missing
            gate_notes.append(f"to do before deciding: {rule.reason}")
    if gate_notes:
        res.status = "undetermined"
        res.reasons = gate_notes
        res.missing = case_fields(unknown)
        res.could_be = _status_of(best_possible)
        return _finish(res, o, declined)
    _status(res, possible, active_sources)
    if res.status != "undetermined":
        _cautions(res, o, ev, kb)
    return _finish(res, o, declined)


def notes(res: Decision, o: Option, ev: Evaluator, kb: KnowledgeBase) -> None:
    """Step 6: dose notes and interactions (an ``avoid`` interaction caps at consider)."""
    res.dose_notes = list(o.dose_notes)
    for dr in o.dose_rules:
        truth = ev.truth(dr.when)
        if truth is True:
            res.dose_notes.append(dr.text)
        elif truth is None:
            res.dose_notes.append(f"if {dr.if_}: {dr.text}")
    entries = kb.interactions_for(o.id)
    if not entries:
        return
    meds = ev.facts["medication_classes"].value
    if meds is None:
        res.interactions_unchecked = True
        avoid = [ix for ix in entries if ix.severity == "avoid"]
        if avoid and res.status not in ("not_eligible", "undetermined"):
            res.to_clarify.extend(ix.text for ix in avoid)
            res.reasons.extend(f"to clarify before starting: {ix.text}" for ix in avoid)
            res.missing = sorted({*res.missing, "medications"})
            if res.status == "recommended":
                res.status, res.could_be = "consider", "recommended"
        return
    for ix in entries:
        if ix.medication_class not in meds or (ix.when is not None and ev.truth(ix.when) is False):
            continue
        res.interactions.append(
            InteractionHit(ix.id, ix.medication_class, ix.severity, ix.text, list(ix.source))
        )
        if ix.severity == "avoid" and res.status != "not_eligible":
            res.cautions.append(ix.text)
            res.reasons.append(f"caution: {ix.text}")
            if res.status == "recommended":
                res.status = "consider"


def _status_of(rank: int) -> str:
    return next(s for s, r in ENDORSEMENT.items() if r == rank and s != "undetermined")


def _status(
    res: Decision, possible: list[tuple[StatusRule, Outcome]], active_sources: set[str]
) -> None:
    """Step 4: the highest true status rule; unknown higher rules name what could raise it."""
    true = [(r, out) for r, out in possible if out.value is True]
    pending = [(r, out) for r, out in possible if out.value is None]
    if not true:
        res.status = "undetermined"
        res.reasons = [f"cannot decide whether it is indicated: {r.reason}" for r, _ in pending]
        res.missing = case_fields(set().union(*(out.missing for _, out in pending)))
        res.could_be = _status_of(max(ENDORSEMENT[r.status] for r, _ in pending))
        return
    rule, out = max(true, key=lambda ro: ENDORSEMENT[ro[0].status])  # first of the highest
    res.status = rule.status
    res.reasons = [rule.reason, *out.labels]
    res.status_sources = [s for s in rule.source if s in active_sources]
    higher = [(r, o) for r, o in pending if ENDORSEMENT[r.status] > ENDORSEMENT[rule.status]]
    if higher:
        fields = case_fields(set().union(*(o.missing for _, o in higher)))
        res.missing = sorted(set(res.missing) | set(fields))
        res.could_be = higher[0][0].status
        res.reasons.append(f"could be {res.could_be} once known: {', '.join(fields)}")


def _cautions(res: Decision, o: Option, ev: Evaluator, kb: KnowledgeBase) -> None:
    """Step 5: a true or unknown caution caps recommended at consider."""
    unknown: set[str] = set()
    for rule in kb.option_rules(o, "cautions"):
        out = ev(rule.when)
        if out.value:
            res.cautions.append(rule.reason)
        elif out.value is None:
            res.to_clarify.append(rule.reason)
            unknown |= out.missing
    res.reasons.extend(f"caution: {c}" for c in res.cautions)
    for c in res.to_clarify:
        res.reasons.append(f"to clarify before starting: {c}")
    if res.status != "recommended" or not (res.cautions or res.to_clarify):
        return
    res.status = "consider"
    if not res.cautions:
        fields = case_fields(unknown)
        res.missing = sorted(set(res.missing) | set(fields))
        res.could_be = "recommended"
        res.reasons.append(
            "consider (not recommended) until a possible caution is excluded: "
            f"could be recommended once known: {', '.join(fields)}"
        )


def _finish(res: Decision, o: Option, declined: set[str]) -> Decision:
    if o.id in declined or o.modality in declined:
        res.declined = True
        res.reasons.append("the patient has declined this option")
    return res
