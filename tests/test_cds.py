"""CDS Hooks 2.0 over real HTTP on 127.0.0.1: discovery, patient-view with full, partial and no
prefetch (the service then queries a small FHIR endpoint served here), order-sign, feedback in
the audit log, silent mode, CORS; the card rules; and the client JWT checks."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from hepatoboard.cds.config import CdsConfig
from hepatoboard.cds.prefetch import TEMPLATES
from hepatoboard.cds.trust import ReplayCache, Untrusted, verify
from hepatoboard.fhir.from_case import case_to_bundle
from hepatoboard.intake import load_case_text, parse_case

from service_helpers import Server, make_token

ISS, SILENT_ISS = "https://ehr.example.org", "https://pilot.example.org"
INDICATORS = {"info", "warning", "critical"}
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwk(private, kid: str, alg: str) -> dict:
    algo = jwt.algorithms.RSAAlgorithm if alg.startswith("RS") else jwt.algorithms.ECAlgorithm
    key = algo.to_jwk(private.public_key(), as_dict=True)
    return {**key, "kid": kid, "alg": alg, "use": "sig"}


def jwks(*keys) -> dict:
    return {"keys": list(keys)}


def token(aud: str, *, key=RSA_KEY, alg="RS384", kid="rsa1", iss=ISS, headers=None, **claims):
    now = int(time.time())
    body = {
        "iss": iss,
        "aud": aud,
        "iat": now,
        "exp": now + 120,
        "jti": str(uuid.uuid4()),
        "sub": "client-app",
        **claims,
    }
    return jwt.encode(
        {k: v for k, v in body.items() if v is not None},
        key,
        algorithm=alg,
        headers={"kid": kid, "typ": "JWT", **(headers or {})},
    )


class Recorder(ThreadingHTTPServer):
    """A small FHIR endpoint (and JWKS host) on 127.0.0.1 that records what it was asked."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, dict] = {}
        self.hits: list[tuple[str, str | None]] = []
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        server: Recorder = self.server  # type: ignore[assignment]
        server.hits.append((self.path, self.headers.get("Authorization")))
        body = server.routes.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "application/fhir+json")
        self.end_headers()
        self.wfile.write(json.dumps(body or {"resourceType": "OperationOutcome"}).encode())

    def log_message(self, *args) -> None:
        pass


def seed_case(**changes):
    text = resources.files("hepatoboard.examples").joinpath("seed-father.yaml").read_text("utf-8")
    data = load_case_text(text, "seed").model_dump(mode="json", exclude_none=True)
    for path, value in changes.items():
        section, key = path.split(".")
        data[section][key] = value
    return parse_case(data)


def record(case) -> dict[str, dict]:
    """The case's FHIR resources as the prefetch keys / search results an EHR gives."""
    by_type: dict[str, list] = {}
    for e in case_to_bundle(case)["entry"]:
        r = copy.deepcopy(e["resource"])
        by_type.setdefault(r["resourceType"], []).append(r)
    out = {"patient": by_type["Patient"][0]}
    for key, template in TEMPLATES.items():
        if key == "patient":
            continue
        rtype = template.split("?")[0]
        out[key] = {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [{"resource": r} for r in by_type.get(rtype, [])],
        }
    return out


def serve_record(fhir: Recorder, rec: dict[str, dict]) -> None:
    for key, template in TEMPLATES.items():
        fhir.routes["/fhir/" + template.replace("{{context.patientId}}", "patient")] = rec[key]


@pytest.fixture(scope="module")
def fhir_server():
    srv = Recorder()
    yield srv
    srv.shutdown()


@pytest.fixture(scope="module")
def cds(tmp_path_factory, fhir_server):
    tmp = tmp_path_factory.mktemp("cds")
    database = f"sqlite:///{tmp / 'cds.db'}"
    server = Server(database, tmp / "server.log")
    base = f"{server.url}/cds-services"
    config = {
        "tenants": [
            {
                "name": "hospital",
                "iss": ISS,
                "aud_base": base,
                "jwks": jwks(jwk(RSA_KEY, "rsa1", "RS384"), jwk(EC_KEY, "ec1", "ES256")),
                "fhir_servers": [fhir_server.url],
            },
            {
                "name": "pilot",
                "iss": SILENT_ISS,
                "aud_base": base,
                "silent": True,
                "jwks": jwks(jwk(RSA_KEY, "rsa1", "RS384")),
            },
        ],
        "cors_origins": ["https://ehr.example.org"],
    }
    (tmp / "cds.json").write_text(json.dumps(config))
    old = os.environ.get("HEPATOBOARD_CDS_CONFIG")
    os.environ["HEPATOBOARD_CDS_CONFIG"] = str(tmp / "cds.json")
    try:
        server.start()
    finally:
        if old is None:
            del os.environ["HEPATOBOARD_CDS_CONFIG"]
        else:
            os.environ["HEPATOBOARD_CDS_CONFIG"] = old
    server.admin = make_token(database, "admin", "admin")
    yield server
    server.stop()


def call(cds, service: str, body: dict, *, iss=ISS, auth: str | None = None) -> httpx.Response:
    url = f"{cds.url}/cds-services/{service}"
    auth = auth or f"Bearer {token(url, iss=iss)}"
    return httpx.post(url, json=body, headers={"Authorization": auth}, timeout=60)


def hook_body(hook: str, prefetch=None, fhir_server=None, **context) -> dict:
    body = {
        "hook": hook,
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/1", "patientId": "patient", **context},
    }
    if prefetch is not None:
        body["prefetch"] = prefetch
    if fhir_server is not None:
        body["fhirServer"] = fhir_server
        body["fhirAuthorization"] = {
            "access_token": "ehr-token-123",
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "patient/*.read",
            "subject": "hepatoboard",
        }
    return body


def no_empty_values(value, top=True) -> bool:
    if isinstance(value, dict):
        return all(
            (v == [] and top and k == "cards")
            or (v not in (None, "", [], {}) and no_empty_values(v, False))
            for k, v in value.items()
        )
    if isinstance(value, list):
        return all(v not in (None, "", [], {}) and no_empty_values(v, False) for v in value)
    return True


def check_cards(response: dict) -> list[dict]:
    """The CDS Hooks 2.0 card rules."""
    assert no_empty_values(response)
    for card in response["cards"]:
        assert len(card["summary"]) <= 140
        assert card["indicator"] in INDICATORS
        uuid.UUID(card["uuid"])
        assert card["source"]["label"].startswith("hepatoboard, knowledge base ")
    return response["cards"]


# ---------------------------------------------------------------------------- over HTTP


def test_discovery_lists_both_hooks_with_patient_id_prefetch(cds):
    r = httpx.get(f"{cds.url}/cds-services")
    assert r.status_code == 200
    services = {s["hook"]: s for s in r.json()["services"]}
    assert set(services) == {"patient-view", "order-sign"}
    for s in services.values():
        for template in s["prefetch"].values():
            assert template.replace("{{context.patientId}}", "").count("{{") == 0


def test_patient_view_with_full_prefetch(cds, fhir_server):
    before = len(fhir_server.hits)
    r = call(cds, "hepatoboard-patient-view", hook_body("patient-view", record(seed_case())))
    assert r.status_code == 200, r.text
    cards = check_cards(r.json())
    info = cards[0]
    assert info["indicator"] == "info"
    # seed-father: BCLC C (nodal spread), TNM IVA; first choice atezolizumab + bevacizumab
    assert info["summary"].startswith("BCLC C, TNM IVA: first choice Atezolizumab + bevacizumab")
    [link] = info["links"]
    assert link["type"] == "smart"
    stored = httpx.get(
        f"{cds.url}/assessments/{link['appContext']}",
        headers={"Authorization": f"Bearer {cds.admin}"},
    )
    assert stored.status_code == 200 and stored.json()["author"] == "cds:hospital"
    # nothing blocks a first-line option; node surgery waits for the surgeon's resectability call
    blocking = " ".join(str(c) for c in cards[1:])
    assert "Atezolizumab" not in blocking and "Durvalumab" not in blocking
    assert all(c["indicator"] == "warning" for c in cards[1:])
    assert len(fhir_server.hits) == before  # everything came prefetched


def test_patient_view_with_partial_prefetch_queries_the_fhir_server(cds, fhir_server):
    case = seed_case(**{"varices.endoscopy_date": "2025-01-15"})
    rec = record(case)
    serve_record(fhir_server, rec)
    partial = {**rec, "observations": None}
    del partial["procedures"]
    before = len(fhir_server.hits)
    r = call(
        cds,
        "hepatoboard-patient-view",
        hook_body("patient-view", partial, fhir_server.url + "/fhir"),
    )
    assert r.status_code == 200, r.text
    asked = fhir_server.hits[before:]
    assert sorted(p for p, _ in asked) == [
        "/fhir/Observation?patient=patient",
        "/fhir/Procedure?patient=patient",
    ]
    assert {a for _, a in asked} == {"Bearer ehr-token-123"}
    cards = check_cards(r.json())
    warnings = [c for c in cards if c["indicator"] == "warning"]
    # the endoscopy is older than 6 months: it blocks atezolizumab + bevacizumab
    assert any("endoscopy within 6 months before bevacizumab" in c["summary"] for c in warnings)
    assert any("Atezolizumab + bevacizumab" in c["detail"] for c in warnings)


def test_patient_view_without_prefetch_reads_everything_from_the_fhir_server(cds, fhir_server):
    serve_record(fhir_server, record(seed_case()))
    before = len(fhir_server.hits)
    r = call(
        cds, "hepatoboard-patient-view", hook_body("patient-view", None, fhir_server.url + "/fhir")
    )
    assert r.status_code == 200, r.text
    assert len(fhir_server.hits) - before == len(TEMPLATES)
    assert check_cards(r.json())[0]["summary"].startswith("BCLC C, TNM IVA")


def test_missing_data_without_a_fhir_server_is_412(cds):
    partial = {**record(seed_case()), "observations": None}
    r = call(cds, "hepatoboard-patient-view", hook_body("patient-view", partial))
    assert r.status_code == 412
    assert "observations" in r.json()["message"]


def test_a_fhir_server_not_on_the_tenant_list_is_not_queried(cds):
    r = call(
        cds, "hepatoboard-patient-view", hook_body("patient-view", None, "http://127.0.0.2:9/fhir")
    )
    assert r.status_code == 412


def test_a_patient_without_hcc_gets_no_cards(cds):
    rec = record(seed_case())
    rec["conditions"]["entry"] = [
        e for e in rec["conditions"]["entry"] if e["resource"]["id"] != "hcc"
    ]
    r = call(cds, "hepatoboard-patient-view", hook_body("patient-view", rec))
    assert r.status_code == 200 and r.json() == {"cards": []}


def test_bad_record_data_is_422_naming_the_resource(cds):
    rec = record(seed_case())
    for e in rec["observations"]["entry"]:
        if e["resource"]["id"] == "lab-albumin":
            e["resource"]["valueQuantity"]["code"] = "mmol/L"
    r = call(cds, "hepatoboard-patient-view", hook_body("patient-view", rec))
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"].startswith("Observation/lab-albumin.valueQuantity.code")


def test_silent_mode_computes_and_audits_but_shows_no_cards(cds):
    r = call(
        cds,
        "hepatoboard-patient-view",
        hook_body("patient-view", record(seed_case())),
        iss=SILENT_ISS,
    )
    assert r.status_code == 200 and r.json() == {"cards": []}
    audit = httpx.get(
        f"{cds.url}/audit",
        params={"actor": "cds:pilot"},
        headers={"Authorization": f"Bearer {cds.admin}"},
    ).json()
    assert audit["events"][0]["outcome"] == "silent"


def draft(drug_system: str, code: str) -> dict:
    order = {
        "resourceType": "MedicationRequest",
        "id": "draft-1",
        "status": "draft",
        "intent": "order",
        "subject": {"reference": "Patient/patient"},
        "medicationCodeableConcept": {"coding": [{"system": drug_system, "code": code}]},
    }
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": order}]}


RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


def test_order_sign_bevacizumab_without_recent_endoscopy_is_a_warning(cds):
    rec = record(seed_case(**{"varices.endoscopy_date": "2025-01-15"}))
    body = hook_body("order-sign", rec, draftOrders=draft(RXNORM, "253337"))
    r = call(cds, "hepatoboard-order-sign", body)
    assert r.status_code == 200, r.text
    [card] = check_cards(r.json())
    assert card["indicator"] == "warning"
    assert "upper GI endoscopy within 6 months before bevacizumab" in card["summary"]
    assert {o["code"] for o in card["overrideReasons"]} >= {"board_decision"}


def test_order_sign_atezolizumab_after_transplant_is_critical(cds):
    rec = record(seed_case(**{"comorbidities.organ_transplant": True}))
    body = hook_body("order-sign", rec, draftOrders=draft(RXNORM, "1792776"))
    [card] = check_cards(call(cds, "hepatoboard-order-sign", body).json())
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Hard stop for atezolizumab: prior organ transplant")
    assert card["overrideReasons"]


def test_order_sign_for_an_eligible_regimen_answers_no_card(cds):
    body = hook_body("order-sign", record(seed_case()), draftOrders=draft(RXNORM, "1792776"))
    assert call(cds, "hepatoboard-order-sign", body).json() == {"cards": []}


def test_feedback_is_stored_in_the_audit_log(cds):
    url = f"{cds.url}/cds-services/hepatoboard-order-sign/feedback"
    card = str(uuid.uuid4())
    body = {
        "feedback": [
            {
                "card": card,
                "outcome": "overridden",
                "overrideReason": {
                    "reason": {"code": "board_decision"},
                    "userComment": "free text is not stored",
                },
                "outcomeTimestamp": dt.datetime.now(dt.UTC).isoformat(),
            }
        ]
    }
    r = httpx.post(url, json=body, headers={"Authorization": f"Bearer {token(url)}"})
    assert r.status_code == 200
    events = httpx.get(
        f"{cds.url}/audit",
        params={"action": "cds.order-sign.feedback"},
        headers={"Authorization": f"Bearer {cds.admin}"},
    ).json()["events"]
    assert events[0]["target"] == f"card={card} reason=board_decision"
    assert events[0]["outcome"] == "overridden"


def test_calls_without_a_valid_jwt_are_401(cds):
    body = hook_body("patient-view", record(seed_case()))
    assert call(cds, "hepatoboard-patient-view", body, auth="Bearer nonsense").status_code == 401
    url = f"{cds.url}/cds-services/hepatoboard-patient-view"
    assert httpx.post(url, json=body).status_code == 401
    wrong_aud = token(f"{cds.url}/cds-services/hepatoboard-order-sign")
    r = call(cds, "hepatoboard-patient-view", body, auth=f"Bearer {wrong_aud}")
    assert r.status_code == 401


def test_cors_allows_only_the_configured_origin(cds):
    url = f"{cds.url}/cds-services"
    ok = httpx.get(url, headers={"Origin": "https://ehr.example.org"})
    assert ok.headers["access-control-allow-origin"] == "https://ehr.example.org"
    other = httpx.get(url, headers={"Origin": "https://evil.example.com"})
    assert "access-control-allow-origin" not in other.headers


def test_fhir_assess_endpoint(cds):
    bundle = case_to_bundle(seed_case())
    r = httpx.post(
        f"{cds.url}/fhir/assess",
        json=bundle,
        headers={"Authorization": f"Bearer {cds.admin}"},
        timeout=60,
    )
    assert r.status_code == 200, r.text
    assert r.json()["assessment"]["staging"]["bclc"]["stage"] == "C"
    bad = copy.deepcopy(bundle)
    bad["entry"][0]["resource"]["resourceType"] = "Patinet"
    r = httpx.post(
        f"{cds.url}/fhir/assess", json=bad, headers={"Authorization": f"Bearer {cds.admin}"}
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "Patinet/patient.resourceType"


# ------------------------------------------------------------------------- JWT checks

AUD = "https://cds.example.org/cds-services/hepatoboard-patient-view"


@pytest.fixture
def config(fhir_server) -> CdsConfig:
    return CdsConfig.model_validate(
        {
            "tenants": [
                {
                    "name": "h",
                    "iss": ISS,
                    "aud_base": "https://cds.example.org/cds-services",
                    "jwks": jwks(jwk(RSA_KEY, "rsa1", "RS384"), jwk(EC_KEY, "ec1", "ES256")),
                    "jku": [fhir_server.url + "/jwks.json"],
                }
            ]
        }
    )


def accept(config, tok) -> dict:
    return verify(tok, "hepatoboard-patient-view", config, ReplayCache())[1]


def reject(config, tok, replays=None) -> str:
    with pytest.raises(Untrusted) as err:
        verify(tok, "hepatoboard-patient-view", config, replays or ReplayCache())
    return str(err.value)


def test_rs384_and_es256_tokens_are_accepted(config):
    assert accept(config, token(AUD))["iss"] == ISS
    assert accept(config, token(AUD, key=EC_KEY, alg="ES256", kid="ec1"))["aud"] == AUD


def test_wrong_algorithms_are_rejected(config):
    assert "alg 'HS256'" in reject(
        config,
        jwt.encode(
            {"iss": ISS, "aud": AUD}, "secret" * 6, algorithm="HS256", headers={"kid": "rsa1"}
        ),
    )
    assert "alg 'RS512'" in reject(config, token(AUD, alg="RS512"))
    # an RS384 header over the EC key's kid: the key does not fit the algorithm
    assert "token rejected" in reject(config, token(AUD, key=RSA_KEY, alg="RS384", kid="ec1"))
    unsigned = jwt.encode({"iss": ISS, "aud": AUD}, None, algorithm="none", headers={"kid": "rsa1"})
    assert "alg 'none'" in reject(config, unsigned)


def test_bad_claims_are_rejected(config):
    now = int(time.time())
    assert "ExpiredSignature" in reject(config, token(AUD, exp=now - 600, iat=now - 700))
    assert "ImmatureSignature" in reject(config, token(AUD, nbf=now + 600))
    assert "InvalidAudience" in reject(config, token(AUD + "-other"))
    assert "unknown iss" in reject(config, token(AUD, iss="https://intruder.example.org"))
    assert "MissingRequiredClaim" in reject(config, token(AUD, jti=None))
    assert "InvalidSignature" in reject(config, token(AUD, key=OTHER_KEY))
    assert "no key with this kid" in reject(config, token(AUD, kid="unknown"))
    assert "typ" in reject(config, token(AUD, headers={"typ": "at+jwt"}))


def test_a_replayed_jti_is_rejected(config):
    replays = ReplayCache()
    tok = token(AUD)
    verify(tok, "hepatoboard-patient-view", config, replays)
    assert "replay" in reject(config, tok, replays)


def test_keys_come_only_from_an_allow_listed_jku(config, fhir_server):
    fhir_server.routes["/jwks.json"] = jwks(jwk(OTHER_KEY, "rotated", "RS256"))
    before = len(fhir_server.hits)
    good = token(
        AUD,
        key=OTHER_KEY,
        alg="RS256",
        kid="rotated",
        headers={"jku": fhir_server.url + "/jwks.json"},
    )
    assert accept(config, good)["iss"] == ISS
    assert len(fhir_server.hits) == before + 1
    evil = token(
        AUD,
        key=OTHER_KEY,
        alg="RS256",
        kid="rotated",
        headers={"jku": fhir_server.url + "/evil-jwks.json"},
    )
    assert "allow-list" in reject(config, evil)
    assert len(fhir_server.hits) == before + 1  # the unlisted jku was never fetched
