"""The FHIR data of a hook call: from ``prefetch`` where the EHR sent it, otherwise queried from
``fhirServer`` with the ``fhirAuthorization`` access token. Templates use only
``{{context.patientId}}``. A key that is absent or ``null`` counts as not prefetched; when data
cannot be had (no ``fhirServer``, or the server fails) the call answers HTTP 412.
"""

from __future__ import annotations

from typing import Any

import httpx

PATIENT_ID = "{{context.patientId}}"
TEMPLATES: dict[str, str] = {
    "patient": "Patient/{{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}",
    "observations": "Observation?patient={{context.patientId}}",
    "procedures": "Procedure?patient={{context.patientId}}",
    "medicationStatements": "MedicationStatement?patient={{context.patientId}}",
    "medicationRequests": "MedicationRequest?patient={{context.patientId}}",
}
MAX_PAGES = 20  # non-clinical limit on paging through one search
TIMEOUT = 10.0


class DataUnavailable(Exception):
    """Required FHIR data could not be obtained (HTTP 412)."""


def _resources(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, dict):
        return []
    if value.get("resourceType") == "Bundle":
        return [
            e["resource"]
            for e in value.get("entry") or []
            if isinstance(e, dict)
            and isinstance(e.get("resource"), dict)
            and e["resource"].get("resourceType") != "OperationOutcome"
        ]
    return [value]


def _get(url: str, token: str | None) -> dict[str, Any]:
    headers = {"Accept": "application/fhir+json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        r = httpx.get(url, headers=headers, timeout=TIMEOUT, follow_redirects=False)
    except httpx.HTTPError as exc:
        raise DataUnavailable(f"FHIR server unreachable: {type(exc).__name__}") from None
    if r.status_code != 200:
        raise DataUnavailable(f"FHIR server answered {r.status_code} for {url.split('?')[0]}")
    try:
        data = r.json()
    except ValueError:
        raise DataUnavailable("FHIR server answered something that is not JSON") from None
    if not isinstance(data, dict):
        raise DataUnavailable("FHIR server answered JSON that is not a resource")
    return data


def query(server: str, token: str | None, path: str) -> list[dict[str, Any]]:
    """Read or search ``path`` on ``server``, following ``next`` links on the same server."""
    base = server.rstrip("/") + "/"
    url: str | None = base + path
    out: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        if url is None:
            break
        data = _get(url, token)
        out.extend(_resources(data))
        nxt = next(
            (x.get("url") for x in data.get("link") or [] if x.get("relation") == "next"), None
        )
        url = nxt if isinstance(nxt, str) and nxt.startswith(base) else None
    return out


def gather(
    request: dict[str, Any], allowed_servers: list[str] | None
) -> tuple[dict[str, Any], list[str]]:
    """A collection Bundle of the patient's record, and the prefetch keys that were queried."""
    patient_id = str((request.get("context") or {}).get("patientId") or "")
    if not patient_id or "/" in patient_id or "?" in patient_id:
        raise DataUnavailable("context.patientId is missing or not a FHIR id")
    prefetch = request.get("prefetch") or {}
    server = request.get("fhirServer")
    auth = request.get("fhirAuthorization") or {}
    token = auth.get("access_token") if isinstance(auth, dict) else None
    resources: list[dict[str, Any]] = []
    queried = []
    for key, template in TEMPLATES.items():
        value = prefetch.get(key) if isinstance(prefetch, dict) else None
        if value is not None:
            resources.extend(_resources(value))
            continue
        if not isinstance(server, str) or not server.startswith(("http://", "https://")):
            raise DataUnavailable(f"prefetch '{key}' is missing and no fhirServer was given")
        if allowed_servers is not None and not any(server.startswith(p) for p in allowed_servers):
            raise DataUnavailable("fhirServer is not on this tenant's list")
        resources.extend(query(server, token, template.replace(PATIENT_ID, patient_id)))
        queried.append(key)
    seen: set[tuple[str, str]] = set()
    entries = []
    for r in resources:
        key2 = (str(r.get("resourceType")), str(r.get("id")))
        if r.get("id") is not None and key2 in seen:
            continue
        seen.add(key2)
        entries.append({"resource": r})
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}, queried
