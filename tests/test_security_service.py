"""Access, limits and append-only storage of the real service on 127.0.0.1, on SQLite and on
PostgreSQL (issue 14). Each test failed before: a freeze, a 422 instead of 413, a silently
replayed idempotency key, an unbounded history, a token that never expired, a copied cookie that
outlived logout, unbounded anonymous audit rows, UPDATE/DELETE accepted by the database.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import uuid

import httpx
import pytest
import sqlalchemy as sa
import yaml

from conftest import case_file
from service_helpers import EXE, Server, backends, database_for, login, make_token

SEED = json.loads(json.dumps(yaml.safe_load(case_file("seed-father").read_text()), default=str))
ALIAS_BOMB = (
    "format: hepatoboard-case/1\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\npatient: {sex: *f}\n"
)
HANG_GUARD = 30  # seconds: a request not answered by then is a freeze (not a speed check)


@pytest.fixture(scope="module", params=backends())
def svc(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"sec-{request.param}")
    database = database_for(request.param, folder)
    suffix = uuid.uuid4().hex[:8]
    tokens = {r: make_token(database, f"{r}-{suffix}", r) for r in ("viewer", "clinician", "admin")}
    server = Server(database, folder / "server.log", warm_token=tokens["viewer"]).start()
    yield {"server": server, "url": server.url, "tokens": tokens, "db": database}
    server.stop()


def auth(svc, role="clinician") -> dict[str, str]:
    return {"Authorization": f"Bearer {svc['tokens'][role]}"}


def case(**changes) -> dict:
    return {**SEED, "id": f"sec-{uuid.uuid4().hex[:10]}", **changes}


def test_alias_bomb_is_a_small_4xx_and_the_service_stays_responsive(svc):
    r = httpx.post(
        svc["url"] + "/assessments:preview",
        content=ALIAS_BOMB,
        timeout=HANG_GUARD,
        headers={**auth(svc, "viewer"), "Content-Type": "application/yaml"},
    )
    assert r.status_code == 422 and len(r.content) < 2000, r.text[:300]
    assert "anchors and aliases" in r.json()["detail"][0]["msg"]
    assert httpx.get(svc["url"] + "/health", timeout=HANG_GUARD).status_code == 200


def test_body_over_the_limit_is_413_by_header_and_while_streaming(svc):
    big = b'{"format": "hepatoboard-case/1", "id": "' + b"x" * 1_100_000 + b'"}'
    r = httpx.post(svc["url"] + "/assessments", content=big, headers=auth(svc), timeout=60)
    assert r.status_code == 413

    def chunks():  # no Content-Length: the limit applies while the body streams in
        for _ in range(40):
            yield b" " * 50_000

    r = httpx.post(svc["url"] + "/assessments", content=chunks(), headers=auth(svc), timeout=60)
    assert r.status_code == 413
    with httpx.Client(base_url=svc["url"], timeout=60) as client:
        csrf = login(client, svc["tokens"]["clinician"])
        files = {"upload": ("case.yaml", b"#" * 1_100_000, "application/yaml")}
        r = client.post("/ui/assess", data={"csrf": csrf}, files=files)
        assert r.status_code == 413


def test_idempotency_key_reused_with_a_different_case_is_409(svc):
    url, key = svc["url"] + "/assessments", f"key-{uuid.uuid4().hex}"
    doc = case()
    first = httpx.post(url, json=doc, headers={**auth(svc), "Idempotency-Key": key})
    again = httpx.post(url, json=doc, headers={**auth(svc), "Idempotency-Key": key})
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    changed = {**doc, "performance": {"ecog": 2}}
    clash = httpx.post(url, json=changed, headers={**auth(svc), "Idempotency-Key": key})
    assert clash.status_code == 409, clash.text
    assert key in clash.json()["detail"] and first.json()["id"] in clash.json()["detail"]
    other_profile = httpx.post(
        url + "?profile=asia", json=doc, headers={**auth(svc), "Idempotency-Key": key}
    )
    assert other_profile.status_code == 409
    hist = httpx.get(f"{svc['url']}/cases/{doc['id']}/assessments", headers=auth(svc))
    assert [h["id"] for h in hist.json()["assessments"]] == [first.json()["id"]]


def test_case_history_is_paged_with_summaries(svc):
    doc = case()
    ids = [
        httpx.post(svc["url"] + "/assessments", json=doc, headers=auth(svc)).json()["id"]
        for _ in range(5)
    ]
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = httpx.get(
            f"{svc['url']}/cases/{doc['id']}/assessments",
            params=params,
            headers=auth(svc, "viewer"),
        ).json()
        pages += 1
        for entry in page["assessments"]:
            assert "assessment" not in entry and entry["summary"]["bclc_stage"] == "C"
        seen += [e["id"] for e in page["assessments"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and seen == ids[::-1]
    full = httpx.get(
        f"{svc['url']}/cases/{doc['id']}/assessments?limit=1&full=true", headers=auth(svc, "viewer")
    ).json()
    assert full["assessments"][0]["assessment"]["staging"]["bclc"]["stage"] == "C"
    bad = httpx.get(
        f"{svc['url']}/cases/{doc['id']}/assessments?cursor=nonsense", headers=auth(svc, "viewer")
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "cursor"
    too_many = httpx.get(
        f"{svc['url']}/cases/{doc['id']}/assessments?limit=100000", headers=auth(svc, "viewer")
    )
    assert too_many.status_code == 422 and too_many.json()["detail"][0]["field"] == "limit"


def test_admins_create_list_and_revoke_tokens_and_every_event_is_audited(svc):
    url, name = svc["url"], f"nurse-{uuid.uuid4().hex[:6]}"
    made = httpx.post(
        url + "/tokens",
        json={"name": name, "role": "viewer", "expires_in_days": 7},
        headers=auth(svc, "admin"),
    )
    assert made.status_code == 201, made.text
    secret = made.json()["token"]
    expires = dt.datetime.fromisoformat(made.json()["expires_at"])
    assert dt.timedelta(days=6) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(days=7)
    mine = {"Authorization": f"Bearer {secret}"}
    assert httpx.get(url + "/knowledge", headers=mine).status_code == 200
    listed = httpx.get(url + "/tokens", headers=auth(svc, "admin")).json()["tokens"]
    entry = next(t for t in listed if t["name"] == name)
    assert entry["status"] == "active" and "token" not in entry
    assert secret not in json.dumps(listed)
    assert httpx.get(url + "/tokens", headers=auth(svc, "clinician")).status_code == 403
    assert (
        httpx.post(f"{url}/tokens/{name}/revoke", headers=auth(svc, "admin")).json()["status"]
        == "revoked"
    )
    assert httpx.get(url + "/knowledge", headers=mine).status_code == 401
    missing = httpx.post(f"{url}/tokens/nobody-{name}/revoke", headers=auth(svc, "admin"))
    assert missing.status_code == 404
    events = httpx.get(url + "/audit?limit=1000", headers=auth(svc, "admin")).json()["events"]
    seen = {(e["action"], e["target"], e["outcome"]) for e in events}
    assert {("token.create", name, "ok"), ("token.revoke", name, "ok")} <= seen


def test_an_expired_token_is_refused(svc):
    name = f"expiring-{uuid.uuid4().hex[:6]}"
    token = make_token(svc["db"], name, "viewer")
    ok = httpx.get(svc["url"] + "/knowledge", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    engine = sa.create_engine(svc["db"].replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:  # the clock moves on: the token's expiry is now past
        past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        conn.execute(
            sa.text("UPDATE api_tokens SET expires_at = :t WHERE name = :n"), {"t": past, "n": name}
        )
    engine.dispose()
    r = httpx.get(svc["url"] + "/knowledge", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401


def test_logout_ends_the_session_on_the_server(svc):
    with httpx.Client(base_url=svc["url"]) as client:
        csrf = login(client, svc["tokens"]["clinician"])
        copied = dict(client.cookies)
        assert client.get("/ui/").status_code == 200
        assert client.post("/ui/logout", data={"csrf": csrf}).status_code == 303
    with httpx.Client(base_url=svc["url"], cookies=copied) as thief:
        r = thief.get("/ui/")
        assert r.status_code == 303 and r.headers["location"].startswith("/ui/login")
        assert thief.get("/assessments/x/family").status_code == 401


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ('{"format": "hepatoboard-case/1", "id": "a\\u0000b"}', "id"),
        ('{"format": "hepatoboard-case/1", "id": "a\\u001b[2Jb"}', "id"),
        ('{"format": "hepatoboard-case/1", "patient": {"age": ' + "7" * 5000 + "}}", ""),
        ("[" * 100_000, ""),
        ('{"format": "hepatoboard-case/1", "performance": {"ecog": true}}', "performance.ecog"),
        ('{"format": "hepatoboard-case/1", "labs": {"date": 1763251200}}', "labs.date"),
    ],
)
def test_hostile_values_are_422_naming_the_field_on_both_databases(svc, content, field):
    r = httpx.post(
        svc["url"] + "/assessments",
        content=content,
        timeout=HANG_GUARD,
        headers={**auth(svc), "Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text[:300]
    assert [d["field"] for d in r.json()["detail"]] == [field]


def test_control_characters_in_path_and_headers_are_refused(svc):
    r = httpx.get(svc["url"] + "/cases/a%00b/assessments", headers=auth(svc))
    assert r.status_code == 422
    r = httpx.get(svc["url"] + "/assessments/a%1bb", headers=auth(svc))
    assert r.status_code == 422


def test_markup_in_a_case_id_does_not_break_the_audit_command(svc):
    marked = f"x[/bold]y[red]{uuid.uuid4().hex[:6]}$a$"
    r = httpx.post(
        svc["url"] + "/assessments:preview", json=case(id=marked), headers=auth(svc, "viewer")
    )
    assert r.status_code == 200
    out = subprocess.run(
        [EXE, "audit", "--action", "assessment.preview", "--limit", "5", "--database", svc["db"]],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "COLUMNS": "300"},
    )
    assert out.returncode == 0, out.stderr
    assert marked in out.stdout


@pytest.mark.parametrize("table", ["audit_events", "assessments"])
def test_the_database_refuses_update_and_delete_of_the_append_only_tables(svc, table):
    httpx.post(svc["url"] + "/assessments", json=case(), headers=auth(svc))  # a row in each
    engine = sa.create_engine(svc["db"].replace("postgresql://", "postgresql+psycopg://"))
    column = "outcome" if table == "audit_events" else "author"
    statements = [f"UPDATE {table} SET {column} = 'forged'", f"DELETE FROM {table}"]
    if engine.dialect.name == "postgresql":
        statements.append(f"TRUNCATE {table}")
    for statement in statements:
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text(statement))
    with engine.connect() as conn:
        assert conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() > 0
        forged = conn.execute(sa.text(f"SELECT count(*) FROM {table} WHERE {column} = 'forged'"))
        assert forged.scalar() == 0
    engine.dispose()


def test_bad_parameters_get_the_case_error_shape(svc):
    r = httpx.post(
        svc["url"] + "/assessments:preview?as_of=yesterday",
        json=case(),
        headers=auth(svc, "viewer"),
    )
    assert r.status_code == 422
    body = r.json()
    assert body["message"] and body["detail"][0]["field"] == "as_of"


@pytest.fixture(params=backends())
def fresh(request, tmp_path):
    """A server of its own: the rate limit below must not spill into other tests."""
    database = database_for(request.param, tmp_path)
    server = Server(database, tmp_path / "server.log").start()
    yield {"url": server.url, "db": database}
    server.stop()


def test_refused_requests_are_rate_limited_and_their_audit_is_bounded(fresh):
    hostile = "attacker[red]<b>-text-" + "z" * 300
    engine = sa.create_engine(fresh["db"].replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:  # PostgreSQL is shared by the test modules
        before = conn.execute(sa.text("SELECT coalesce(max(id), 0) FROM audit_events")).scalar()
    statuses = []
    for i in range(40):
        r = httpx.get(
            f"{fresh['url']}/cases/{hostile}{i}/assessments",
            headers={"Authorization": "Bearer hb_wrong"},
        )
        statuses.append(r.status_code)
    assert statuses[:30] == [401] * 30 and set(statuses[30:]) == {429}
    assert int(r.headers["Retry-After"]) >= 1
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT target FROM audit_events WHERE actor = 'anonymous' AND id > :b"),
            {"b": before},
        ).all()
    engine.dispose()
    assert 1 <= len(rows) <= 5
    assert all(t is None or "attacker" not in t for (t,) in rows)
    admin = make_token(fresh["db"], f"admin-{uuid.uuid4().hex[:6]}", "admin")
    r = httpx.get(fresh["url"] + "/knowledge", headers={"Authorization": f"Bearer {admin}"})
    assert r.status_code == 200  # a valid token is never limited
