"""The web service over real HTTP on 127.0.0.1, on SQLite and on PostgreSQL.

PostgreSQL runs when HEPATOBOARD_TEST_POSTGRES_URL is set (``.ci/run`` installs and starts a
server and sets it). In CI (CI=true) a missing PostgreSQL is a failure, never a silent skip.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import uuid

import httpx
import pytest
import yaml

from conftest import case_file
from service_helpers import EXE, Server, backends, database_for, make_token

SEED = json.loads(json.dumps(yaml.safe_load(case_file("seed-father").read_text()), default=str))


@pytest.fixture(scope="module", params=backends())
def service(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    database = database_for(request.param, folder)
    suffix = uuid.uuid4().hex[:8]
    tokens = {
        role: make_token(database, f"{role}-{suffix}", role)
        for role in ("viewer", "clinician", "admin")
    }
    server = Server(database, folder / "server.log", warm_token=tokens["viewer"]).start()
    yield {"server": server, "tokens": tokens, "log": folder / "server.log"}
    server.stop()


def auth(service, role="clinician") -> dict[str, str]:
    return {"Authorization": f"Bearer {service['tokens'][role]}"}


def new_case(**changes) -> dict:
    doc = {**SEED, "id": f"case-{uuid.uuid4().hex[:10]}"}
    doc.update(changes)
    return doc


def test_health_needs_no_token(service):
    r = httpx.get(service["server"].url + "/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_api_docs_are_served_without_a_cdn(service):
    """Hospitals often have no internet: the OpenAPI docs page uses local assets only."""
    url = service["server"].url
    page = httpx.get(url + "/docs")
    assert page.status_code == 200 and "/docs-assets/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
    assert httpx.get(url + "/docs-assets/swagger-ui-bundle.js").status_code == 200
    assert httpx.get(url + "/openapi.json").json()["info"]["title"] == "hepatoboard"


def test_create_read_history_preview(service):
    url = service["server"].url
    doc = new_case()
    first = httpx.post(url + "/assessments", json=doc, headers=auth(service))
    assert first.status_code == 201, first.text
    body = first.json()
    a = body["assessment"]
    assert a["staging"]["bclc"]["stage"] == "C"
    assert a["scores"]["child_pugh"] == {"points": 5, "class": "A"}
    assert body["author"].startswith("clinician-") and len(body["input_hash"]) == 64
    got = httpx.get(f"{url}/assessments/{body['id']}", headers=auth(service, "viewer"))
    assert got.status_code == 200 and got.json()["assessment"] == a
    # a re-assessment is a new row; history is newest first
    second = httpx.post(
        url + "/assessments",
        content=yaml.safe_dump(doc),
        headers={**auth(service), "Content-Type": "application/yaml"},
    )
    assert second.status_code == 201 and second.json()["id"] != body["id"]
    hist = httpx.get(f"{url}/cases/{doc['id']}/assessments", headers=auth(service, "viewer"))
    ids = [h["id"] for h in hist.json()["assessments"]]
    assert ids == [second.json()["id"], body["id"]]
    # preview does not store
    prev = httpx.post(
        url + "/assessments:preview", json=new_case(id=doc["id"]), headers=auth(service, "viewer")
    )
    assert prev.status_code == 200 and prev.json()["format"] == "hepatoboard-assessment/1"
    hist = httpx.get(f"{url}/cases/{doc['id']}/assessments", headers=auth(service, "viewer"))
    assert len(hist.json()["assessments"]) == 2


def test_authentication_and_roles(service):
    url = service["server"].url
    assert httpx.post(url + "/assessments", json=new_case()).status_code == 401
    bad = {"Authorization": "Bearer hb_not-a-real-token"}
    assert httpx.get(url + "/knowledge", headers=bad).status_code == 401
    r = httpx.post(url + "/assessments", json=new_case(), headers=auth(service, "viewer"))
    assert r.status_code == 403  # viewers cannot create
    assert httpx.get(url + "/audit", headers=auth(service, "clinician")).status_code == 403
    k = httpx.get(url + "/knowledge", headers=auth(service, "viewer"))
    assert k.status_code == 200 and k.json()["version"]
    assert httpx.get(url + "/assessments/nope", headers=auth(service)).status_code == 404


def test_audit_log_records_reads_writes_and_denials(service):
    url = service["server"].url
    httpx.post(url + "/assessments", json=new_case(), headers=auth(service, "viewer"))  # denied
    ok = httpx.post(url + "/assessments", json=new_case(), headers=auth(service)).json()
    httpx.get(f"{url}/assessments/{ok['id']}", headers=auth(service, "viewer"))
    events = httpx.get(url + "/audit?limit=1000", headers=auth(service, "admin")).json()["events"]
    seen = {(e["action"], e["outcome"], e["target"]) for e in events}
    assert ("assessment.create", "ok", ok["id"]) in seen
    assert ("assessment.read", "ok", ok["id"]) in seen
    assert any(e["action"] == "assessment.create" and e["outcome"] == "denied" for e in events)


@pytest.mark.parametrize(
    ("content", "ctype", "field"),
    [
        (
            '{"format": "hepatoboard-case/1", '
            '"labs": {"bilirubin": {"value": 1, "unit": "mmol/L"}}}',
            "application/json",
            "labs.bilirubin",
        ),
        (
            '{"format": "hepatoboard-case/1", "performance": {"ecog": 9}}',
            "application/json",
            "performance.ecog",
        ),
        ("format: hepatoboard-case/1\nlabz: {}\n", "application/yaml", "labz"),
        ("format: hepatoboard-case/1\nlabs: {inr: [1,\n", "application/yaml", ""),
        ("", "application/json", ""),
        ("[1, 2]", "application/json", ""),
        ('{"format": "hepatoboard-case/1", "profile": "mars"}', "application/json", "profile"),
    ],
)
def test_bad_input_is_422_naming_the_field(service, content, ctype, field):
    r = httpx.post(
        service["server"].url + "/assessments",
        content=content,
        headers={**auth(service), "Content-Type": ctype},
    )
    assert r.status_code == 422, r.text
    assert any(d["field"] == field for d in r.json()["detail"]), r.json()


def test_fifty_concurrent_posts_land_exactly_once(service):
    url = service["server"].url
    case_id = f"concurrent-{uuid.uuid4().hex[:8]}"

    async def go() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=60) as client:
            return await asyncio.gather(
                *(
                    client.post(
                        url + "/assessments",
                        json=new_case(id=case_id),
                        headers={**auth(service), "Idempotency-Key": f"k{i}"},
                    )
                    for i in range(50)
                )
            )

    responses = asyncio.run(go())
    assert [r.status_code for r in responses] == [201] * 50
    ids = {r.json()["id"] for r in responses}
    assert len(ids) == 50
    hist = httpx.get(f"{url}/cases/{case_id}/assessments", headers=auth(service, "viewer"))
    assert {h["id"] for h in hist.json()["assessments"]} == ids
    # retrying the same request (same idempotency key) does not create a duplicate
    again = httpx.post(
        url + "/assessments",
        json=new_case(id=case_id),
        headers={**auth(service), "Idempotency-Key": "k7"},
    )
    assert again.status_code == 200 and again.json()["id"] in ids
    hist = httpx.get(f"{url}/cases/{case_id}/assessments", headers=auth(service, "viewer"))
    assert len(hist.json()["assessments"]) == 50


def test_persistence_across_restart(service):
    server = service["server"]
    created = httpx.post(server.url + "/assessments", json=new_case(), headers=auth(service)).json()
    server.stop()
    server.start()
    r = httpx.get(f"{server.url}/assessments/{created['id']}", headers=auth(service, "viewer"))
    assert r.status_code == 200 and r.json()["assessment"] == created["assessment"]


def test_no_patient_data_in_application_logs(service):
    marker = f"identifiable-{uuid.uuid4().hex}"
    httpx.post(
        service["server"].url + "/assessments", json=new_case(id=marker), headers=auth(service)
    )
    httpx.get(f"{service['server'].url}/cases/{marker}/assessments", headers=auth(service))
    assert marker not in service["log"].read_text()


def test_schemathesis_finds_no_server_error(service):
    """Property-based API fuzzing from the OpenAPI schema (bounded examples): no 5xx, every
    response matches its documented schema (the fuller run is .ci/schemathesis.py)."""
    url = service["server"].url
    r = subprocess.run(
        [
            str(EXE).replace("hepatoboard", "schemathesis"),
            "run",
            f"{url}/openapi.json",
            "-H",
            f"Authorization: Bearer {service['tokens']['admin']}",
            "-c",
            "not_a_server_error,response_schema_conformance",
            "-n",
            "25",
            "--seed",
            "1",
            "--generation-deterministic",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]


def test_cli_token_and_audit_commands(tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    token = make_token(db, "someone", "viewer")
    assert token.startswith("hb_")
    dup = subprocess.run(
        [EXE, "token", "create", "--name", "someone", "--database", db],
        capture_output=True,
        text=True,
        check=False,
    )
    assert dup.returncode == 2 and "already exists" in dup.stderr
    out = subprocess.run(
        [EXE, "audit", "--database", db], capture_output=True, text=True, check=True
    )
    assert "Audit log" in out.stdout
