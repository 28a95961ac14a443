"""Availability and reimbursement at a site (``knowledge/data/availability/<site>.yaml``).

Availability never changes a clinical status. It adds a badge to every option and a second
ranking beside the guideline ranking:

- *guideline ranking*: the options recommended, then those considered (knowledge-base order);
- *available ranking*: the same options without those not registered at the site, and within
  each status the registered-and-reimbursed ones first, then partly reimbursed or registered
  with unknown reimbursement, then unknown, then not reimbursed.

Without a configured site every option gets the badge "availability not configured" and there
is no available ranking.
"""

from __future__ import annotations

from hepatoboard.knowledge.schema import AvailabilityEntry, AvailabilitySite
from hepatoboard.planning.result import ACTIVE, ENDORSEMENT, Decision

LABELS: dict[str, str] = {
    "not_configured": "availability not configured",
    "not_registered": "not registered here",
    "not_reimbursed": "not reimbursed here",
    "partly_reimbursed": "partly reimbursed here",
    "unknown": "availability not confirmed here",
    "registered": "registered here; reimbursement not confirmed",
    "available": "registered and reimbursed here",
}
# order within a status in the available ranking (not_registered is dropped)
RANK: dict[str, int] = {
    "available": 0,
    "partly_reimbursed": 1,
    "registered": 1,
    "unknown": 2,
    "not_reimbursed": 3,
}


def badge(entry: AvailabilityEntry | None) -> str:
    """The badge id of one option (``None`` = no site configured)."""
    if entry is None:
        return "not_configured"
    if entry.registered == "no":
        return "not_registered"
    if entry.reimbursed == "no":
        return "not_reimbursed"
    if entry.reimbursed == "partial":
        return "partly_reimbursed"
    if entry.registered == "yes":
        return "available" if entry.reimbursed == "yes" else "registered"
    return "unknown"


def entry_for(site: AvailabilitySite | None, option_id: str) -> AvailabilityEntry | None:
    if site is None:
        return None
    for oid, entry in site.options.items():
        if oid == option_id:
            return entry
    return site.default


def guideline_ranking(decisions: list[Decision]) -> list[str]:
    active = [d for d in decisions if d.status in ACTIVE]
    return [d.option_id for d in sorted(active, key=lambda d: -ENDORSEMENT[d.status])]


def available_ranking(decisions: list[Decision], site: AvailabilitySite) -> list[str]:
    by_id = {d.option_id: d for d in decisions}
    ranked = []
    for oid in guideline_ranking(decisions):
        b = badge(entry_for(site, oid))
        if b != "not_registered":
            ranked.append((-ENDORSEMENT[by_id[oid].status], RANK[b], oid))
    return [oid for *_, oid in sorted(ranked, key=lambda r: (r[0], r[1]))]
