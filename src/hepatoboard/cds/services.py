"""The CDS Hooks services: discovery, ``patient-view`` and ``order-sign``.

Both hooks read the patient's record (prefetch or FHIR queries), turn it into a case
(:func:`hepatoboard.fhir.to_case.bundle_to_case`), assess it with the same pipeline as every
other entry point and answer with cards built from that assessment. A patient without a
hepatocellular carcinoma Condition gets ``cards: []``.

``order-sign`` checks each draft MedicationRequest for a systemic regimen against the SAME hard
stops and prerequisites: the ordered drug (RxNorm / ATC, mapped to regimens in
``fhir_codes.yaml``) names the options whose decision is read from the assessment. A hard stop
answers a ``critical`` card; an unmet prerequisite, an unknown that blocks the option, or an
option that is not indicated answers a ``warning`` card; both carry override reasons.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from hepatoboard.cds.cards import blocking_cards, fit, info_card, source
from hepatoboard.cds.prefetch import TEMPLATES, gather
from hepatoboard.contracts.case import Case
from hepatoboard.contracts.errors import CaseError
from hepatoboard.fhir.codes import CodeMaps
from hepatoboard.fhir.parse import validate_resource
from hepatoboard.fhir.report import MappingReport
from hepatoboard.fhir.therapies import drugs_and_regimen
from hepatoboard.fhir.to_case import NO_HCC, bundle_to_case
from hepatoboard.knowledge.base import KnowledgeBase
from hepatoboard.pipeline import assess

PATIENT_VIEW = "hepatoboard-patient-view"
ORDER_SIGN = "hepatoboard-order-sign"
HOOKS = {PATIENT_VIEW: "patient-view", ORDER_SIGN: "order-sign"}

DISCOVERY: dict[str, Any] = {
    "services": [
        {
            "hook": "patient-view",
            "id": PATIENT_VIEW,
            "title": "hepatoboard tumour board",
            "description": (
                "Stage and first-choice options for hepatocellular carcinoma with lymph-node "
                "metastasis, with hard stops and missing checks (decision support)."
            ),
            "prefetch": TEMPLATES,
        },
        {
            "hook": "order-sign",
            "id": ORDER_SIGN,
            "title": "hepatoboard systemic-therapy order check",
            "description": (
                "Checks a draft order for an HCC systemic regimen against the knowledge base's "
                "hard stops and prerequisites (e.g. endoscopy before bevacizumab)."
            ),
            "prefetch": TEMPLATES,
        },
    ]
}


@dataclass
class HookResult:
    cards: list[dict[str, Any]]
    case: Case | None
    assessment: dict[str, Any] | None
    report: MappingReport | None
    queried: list[str]


def read_record(
    body: dict[str, Any],
    allowed_servers: list[str] | None,
    kb: KnowledgeBase,
    site: str | None = None,
) -> HookResult:
    """The patient's case and assessment (cards still empty); ``case`` None: not an HCC record.
    Raises DataUnavailable (412) or CaseError (422)."""
    bundle, queried = gather(body, allowed_servers)
    try:
        case, report = bundle_to_case(bundle)
    except CaseError as exc:
        if [p.path for p in exc.problems] == [NO_HCC]:
            return HookResult([], None, None, None, queried)
        raise
    doc = assess(case, kb=kb, site=site).to_json_dict()
    return HookResult([], case, doc, report, queried)


def patient_view_cards(doc: dict[str, Any], assessment_id: str, app_url: str) -> list[Any]:
    return [info_card(doc, assessment_id, app_url), *blocking_cards(doc)]


def _override_reasons(maps: CodeMaps) -> list[dict[str, str]]:
    system = maps.system("override_reason")
    return [
        {"code": r.code, "system": system, "display": r.display} for r in maps.data.override_reasons
    ]


def _order_card(doc: dict[str, Any], option: dict[str, Any], drug: str, maps: CodeMaps) -> Any:
    status = option["status"]
    if status in ("recommended", "consider"):
        return None
    if option["contraindications"]:
        indicator = "critical"
        summary = f"Hard stop for {drug}: {option['contraindications'][0]}"
    elif status == "undetermined":
        indicator = "warning"
        summary = f"{drug}: {option['reasons'][0]}" if option["reasons"] else f"{drug}: check"
    else:
        indicator = "warning"
        summary = f"{drug}: not indicated here ({option['reasons'][0]})"
    lines = [f"**{option['name']}**: {status.replace('_', ' ')} ({doc['disclaimer']})", ""]
    lines += [f"- {r}" for r in option["reasons"]]
    if option["missing"]:
        lines.append(f"- unknown in the record: {', '.join(option['missing'])}")
    return {
        "uuid": str(uuid.uuid4()),
        "summary": fit(summary),
        "indicator": indicator,
        "detail": "\n".join(lines),
        "source": source(doc),
        "overrideReasons": _override_reasons(maps),
    }


def draft_drugs(body: dict[str, Any], maps: CodeMaps) -> list[tuple[str, list[str]]]:
    """(drug, regimen option ids) for each draft MedicationRequest of ``context.draftOrders``."""
    orders = (body.get("context") or {}).get("draftOrders") or {}
    out = []
    for i, e in enumerate(orders.get("entry") or [] if isinstance(orders, dict) else []):
        raw = e.get("resource") if isinstance(e, dict) else None
        if not isinstance(raw, dict) or raw.get("resourceType") != "MedicationRequest":
            continue
        resource, problems = validate_resource(raw, f"draftOrders.entry[{i}]")
        if resource is None:
            raise CaseError(problems, "draftOrders")
        drugs, regimen = drugs_and_regimen(resource, {}, maps)
        for drug in sorted(drugs):
            out.append((drug, [regimen] if regimen else maps.regimens_with(drug)))
    return out


def order_sign_cards(doc: dict[str, Any], orders: list[tuple[str, list[str]]]) -> list[Any]:
    maps = CodeMaps()
    by_id = {o["id"]: o for o in doc["plan"]["options"]}
    cards = []
    for drug, regimens in orders:
        for option_id in regimens:
            if option_id in by_id:
                card = _order_card(doc, by_id[option_id], drug, maps)
                if card is not None:
                    cards.append(card)
    return cards
