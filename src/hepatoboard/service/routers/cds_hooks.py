"""CDS Hooks 2.0 endpoints: ``GET /cds-services`` (discovery), ``POST /cds-services/{id}``
(``patient-view``, ``order-sign``) and ``POST /cds-services/{id}/feedback``.

Every hook and feedback call must carry the EHR's JWT (:mod:`hepatoboard.cds.trust`); the
assessment behind the cards is stored and every call is audited (actor ``cds:<tenant>``). In a
tenant's silent mode the service computes, stores and audits, and answers ``cards: []``.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from hepatoboard.cds import services as svc
from hepatoboard.cds.cards import prune
from hepatoboard.cds.config import Tenant
from hepatoboard.cds.prefetch import DataUnavailable
from hepatoboard.cds.trust import Untrusted, verify
from hepatoboard.contracts.errors import CaseError
from hepatoboard.fhir.codes import CodeMaps
from hepatoboard.service.deps import audit, in_db, kb_of
from hepatoboard.service.errors import case_error_body
from hepatoboard.service.limits import RECORD_MAX_BODY, bounded
from hepatoboard.storage import repository as repo

router = APIRouter(tags=["cds-hooks"])
MAX_BODY = RECORD_MAX_BODY
FEEDBACK_OUTCOMES = ("accepted", "overridden")


def _service(service_id: str) -> str:
    if service_id not in svc.HOOKS:
        raise HTTPException(404, "no such CDS service")
    return svc.HOOKS[service_id]


def client(
    service_id: str,
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
) -> Tenant:
    """The tenant whose verified JWT came with this call (401 otherwise, audited)."""
    _service(service_id)
    token = None
    if authorization and authorization.lower().startswith("bearer "):
        token = authorization[7:].strip()
    try:
        if not token:
            raise Untrusted("missing bearer JWT")
        endpoint = "/feedback" if request.url.path.endswith("/feedback") else ""
        tenant, _ = verify(
            token, service_id, request.app.state.cds, request.app.state.replays, endpoint
        )
    except Untrusted as exc:
        audit(request, "anonymous", f"cds.{service_id}"[:60], None, "unauthenticated")
        raise HTTPException(401, f"untrusted client: {exc}") from None
    return tenant


Client = Annotated[Tenant, Depends(client)]


async def _json(request: Request) -> dict[str, Any]:
    body = await request.body()
    if len(body) > MAX_BODY:
        raise HTTPException(413, f"body larger than {MAX_BODY} bytes")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise HTTPException(400, "the body is not JSON") from None
    if not isinstance(data, dict):
        raise HTTPException(400, "the body must be a JSON object")
    return data


@router.get("/cds-services")
def discovery() -> dict[str, Any]:
    """CDS Hooks discovery: the services and their prefetch templates."""
    return svc.DISCOVERY


def _run(request: Request, body: dict[str, Any], tenant: Tenant, hook: str) -> svc.HookResult:
    """The hook's work (in a worker thread): record -> case -> assessment -> cards."""
    kb = kb_of(request)
    result = svc.read_record(body, tenant.fhir_servers, kb, request.app.state.site)
    if result.assessment is not None and hook == "order-sign":
        orders = svc.draft_drugs(body, CodeMaps())
        result.cards = svc.order_sign_cards(result.assessment, orders)
    return result


@router.post("/cds-services/{service_id}")
async def call_hook(service_id: str, request: Request, tenant: Client) -> JSONResponse:
    """Run a hook: ``cards`` (never null or empty values, except ``cards: []``)."""
    hook = _service(service_id)
    actor = f"cds:{tenant.name}"
    action = f"cds.{hook}"
    body = await _json(request)
    if body.get("hook") != hook or not body.get("hookInstance"):
        raise HTTPException(400, f"this service answers hook '{hook}' with a hookInstance")
    try:
        result = await bounded(request, _run, request, body, tenant, hook)
    except DataUnavailable as exc:
        await in_db(request, repo.audit, actor, action, None, "unavailable")
        return JSONResponse({"message": f"required data not available: {exc}"}, status_code=412)
    except CaseError as exc:
        await in_db(request, repo.audit, actor, action, None, "invalid")
        return JSONResponse(case_error_body(exc), status_code=422)
    if result.assessment is None:
        await in_db(request, repo.audit, actor, action, None, "not_hcc")
        return JSONResponse({"cards": []})

    def save(session: Session) -> str:
        assert result.case is not None and result.assessment is not None
        row, _ = repo.save_assessment(
            session,
            case_json=result.case.document(),
            result_json=result.assessment,
            author=actor,
        )
        outcome = "silent" if tenant.silent else "ok"
        repo.audit(session, actor, action, row.id, outcome)
        return row.id

    assessment_id = await in_db(request, save)
    if hook == "patient-view":
        url = str(request.base_url).rstrip("/") + f"/ui/assessments/{assessment_id}"
        result.cards = svc.patient_view_cards(result.assessment, assessment_id, url)
    cards = [] if tenant.silent else prune(result.cards)
    return JSONResponse({"cards": cards})


@router.post("/cds-services/{service_id}/feedback")
async def feedback(service_id: str, request: Request, tenant: Client) -> Response:
    """Store accept / override decisions (card uuid, outcome, override reason code) in the
    audit log. Free-text comments are not stored (they could carry patient data)."""
    body = await _json(request)
    items = body.get("feedback")
    if not isinstance(items, list) or not items:
        raise HTTPException(400, "feedback must be a non-empty list")
    rows = []
    for item in items:
        card = item.get("card") if isinstance(item, dict) else None
        outcome = item.get("outcome") if isinstance(item, dict) else None
        if not isinstance(card, str) or outcome not in FEEDBACK_OUTCOMES:
            raise HTTPException(
                400, "each feedback needs a card uuid and outcome accepted|overridden"
            )
        reason = ((item.get("overrideReason") or {}).get("reason") or {}).get("code")
        target = f"card={card[:64]}" + (f" reason={str(reason)[:80]}" if reason else "")
        rows.append((target, outcome))
    for target, outcome in rows:
        await in_db(
            request,
            repo.audit,
            f"cds:{tenant.name}",
            f"cds.{_service(service_id)}.feedback",
            target,
            outcome,
        )
    return Response(status_code=200)
