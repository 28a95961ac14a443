"""Clinician web pages (server-rendered with Jinja2; all assets served locally).

Login exchanges an API token for a signed session cookie (HttpOnly, SameSite=Strict); every
form carries a CSRF token; every HTML response carries a strict Content-Security-Policy. The
pages use the same validator, planner and storage as the API, and every read and write is
audited.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker
from starlette.middleware.sessions import SessionMiddleware

from hepatoboard.assessment import assess
from hepatoboard.case.load import parse_case, parse_document
from hepatoboard.errors import CaseError
from hepatoboard.knowledge.base import KnowledgeBase
from hepatoboard.storage import repository as repo
from hepatoboard.web.forms import form_sections, form_to_document, problem_field

HERE = Path(__file__).parent
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
# The family report is a standalone printable page with its own inline stylesheet.
CSP_REPORT = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
STATUS_ORDER = {"recommended": 0, "consider": 1, "undetermined": 2, "not_eligible": 3}
SYSTEMIC = ("immunotherapy", "targeted_therapy", "chemotherapy")
LOCAL = ("radiotherapy", "surgery_interventional", "locoregional")


def secret_key() -> str:
    """Session-signing key: $HEPATOBOARD_SECRET_KEY, else one kept in the user data folder
    (shared by all workers on the machine)."""
    env = os.environ.get("HEPATOBOARD_SECRET_KEY")
    if env:
        return env
    from platformdirs import user_data_dir

    path = Path(user_data_dir("hepatoboard", appauthor=False)) / "session-secret"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def mount_ui(app: FastAPI, sessions: sessionmaker[Session], kb: KnowledgeBase) -> None:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    sections = form_sections()
    field_names = {w.name for sec in sections for w in sec.widgets}
    field_names |= {w.name for sec in sections for row in sec.rows for w in row}
    templates.env.globals.update(
        kb_version=kb.version, status_order=STATUS_ORDER, field_names=field_names
    )
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key(),
        session_cookie="hepatoboard_session",
        same_site="strict",
        https_only=os.environ.get("HEPATOBOARD_HTTPS_ONLY") == "1",
        max_age=8 * 3600,
    )

    @app.middleware("http")
    async def secure_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", CSP)
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    def user(request: Request, session: Session) -> repo.ApiToken | None:
        name = request.session.get("user")
        return repo.find_token_by_name(session, name) if name else None

    def csrf(request: Request) -> str:
        token = request.session.get("csrf")
        if not token:
            token = request.session["csrf"] = secrets.token_urlsafe(32)
        return token

    def check_csrf(request: Request, form: Any) -> None:
        sent = str(form.get("csrf") or "")
        expected = request.session.get("csrf") or ""
        if not sent or not expected or not hmac.compare_digest(sent, expected):
            raise HTTPException(403, "invalid or missing CSRF token; reload the page")

    def page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        return templates.TemplateResponse(
            request, name, {"csrf": csrf(request), "who": request.session.get("user"),
                            "role": request.session.get("role"), **ctx},
            status_code=status,
        )  # fmt: skip

    def login_redirect(request: Request) -> RedirectResponse:
        return RedirectResponse(f"/ui/login?next={request.url.path}", status_code=303)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/ui/", status_code=303)

    @app.get("/ui/login", include_in_schema=False)
    def login_form(request: Request, next: str = "/ui/") -> HTMLResponse:
        return page(request, "login.html", next=next if next.startswith("/ui/") else "/ui/")

    @app.post("/ui/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await request.form()
        check_csrf(request, form)
        nxt = str(form.get("next") or "/ui/")
        with sessions() as session:
            token = repo.find_token(session, str(form.get("token") or "").strip())
            if token is None:
                repo.audit(session, "anonymous", "ui.login", None, "unauthenticated")
                return page(request, "login.html", 401, error="Unknown or revoked token.",
                            next=nxt)  # fmt: skip
            repo.audit(session, token.name, "ui.login", None, "ok")
        request.session.clear()
        request.session.update(user=token.name, role=token.role, csrf=secrets.token_urlsafe(32))
        return RedirectResponse(nxt if nxt.startswith("/ui/") else "/ui/", status_code=303)

    @app.post("/ui/logout", include_in_schema=False)
    async def logout(request: Request) -> RedirectResponse:
        check_csrf(request, await request.form())
        request.session.clear()
        return RedirectResponse("/ui/login", status_code=303)

    @app.get("/ui/", include_in_schema=False)
    def home(request: Request) -> Response:
        with sessions() as session:
            if user(request, session) is None:
                return login_redirect(request)
            recent = repo.recent_assessments(session, limit=25)
            repo.audit(session, request.session["user"], "ui.recent", None, "ok")
        return page(request, "home.html", recent=recent)

    @app.get("/ui/cases/new", include_in_schema=False)
    def new_case(request: Request) -> Response:
        with sessions() as session:
            if user(request, session) is None:
                return login_redirect(request)
        return page(request, "case_form.html", sections=form_sections(), values={}, errors={},
                    profiles=list(kb.profiles))  # fmt: skip

    @app.post("/ui/assess", include_in_schema=False)
    async def submit(request: Request) -> Response:
        form = await request.form()
        check_csrf(request, form)
        with sessions() as session:
            who = user(request, session)
            if who is None:
                return login_redirect(request)
            sections = form_sections()
            pasted = str(form.get("document") or "")
            upload = form.get("upload")
            if upload is not None and hasattr(upload, "read"):
                content = (await upload.read()).decode("utf-8", errors="replace")
                pasted = content if content.strip() else pasted
            try:
                data = (
                    parse_document(pasted) if pasted.strip() else form_to_document(form, sections)
                )
                case = parse_case(data)
                result = assess(case, kb=kb).to_json_dict()
            except CaseError as exc:
                repo.audit(session, who.name, "assessment.create", None, "invalid")
                errors: dict[str, list[str]] = {}
                for p in exc.problems:
                    errors.setdefault(problem_field(p.path) or "_document", []).append(p.message)
                return page(request, "case_form.html", 422, sections=sections,
                            values=dict(form.multi_items()), errors=errors, pasted=pasted,
                            profiles=list(kb.profiles))  # fmt: skip
            if who.role == "viewer":  # viewers may look, not store
                repo.audit(session, who.name, "assessment.preview", case.id, "ok")
                return page(request, "plan.html", a=result, stored=None, **_groups(result))
            row, _ = repo.save_assessment(
                session, case_json=case.model_dump(mode="json", exclude_none=True),
                result_json=result, author=who.name,
            )  # fmt: skip
            repo.audit(session, who.name, "assessment.create", row.id, "ok")
        return RedirectResponse(f"/ui/assessments/{row.id}", status_code=303)

    @app.get("/ui/assessments/{assessment_id}", include_in_schema=False)
    def plan_page(request: Request, assessment_id: str) -> Response:
        with sessions() as session:
            who = user(request, session)
            if who is None:
                return login_redirect(request)
            row = repo.get_assessment(session, assessment_id)
            repo.audit(session, who.name, "assessment.read", assessment_id,
                       "ok" if row else "not_found")  # fmt: skip
            if row is None:
                raise HTTPException(404, "no assessment with this id")
        a = row.result_json
        return page(request, "plan.html", a=a, stored=row, **_groups(a))

    @app.get("/ui/assessments/{assessment_id}/chart.svg", include_in_schema=False)
    def chart(request: Request, assessment_id: str) -> Response:
        with sessions() as session:
            who = user(request, session)
            if who is None:
                raise HTTPException(401, "log in first")
            row = repo.get_assessment(session, assessment_id)
            repo.audit(session, who.name, "assessment.chart", assessment_id,
                       "ok" if row else "not_found")  # fmt: skip
            if row is None:
                raise HTTPException(404, "no assessment with this id")
        return Response(_chart_svg(row.result_json), media_type="image/svg+xml")

    @app.get("/ui/cases/{case_id}/history", include_in_schema=False)
    def history(request: Request, case_id: str) -> Response:
        with sessions() as session:
            who = user(request, session)
            if who is None:
                return login_redirect(request)
            rows = repo.case_history(session, case_id)
            repo.audit(session, who.name, "case.history", case_id, "ok")
        entries = []
        for i, row in enumerate(rows):
            older = rows[i + 1].result_json if i + 1 < len(rows) else None
            entries.append({"row": row, "changes": changes(older, row.result_json)})
        return page(request, "history.html", case_id=case_id, entries=entries)

    @app.get("/assessments/{assessment_id}/family", tags=["reports"], response_class=HTMLResponse)
    def family(request: Request, assessment_id: str, lang: str = "en") -> Response:
        """Plain-language family report (English or Vietnamese), printable. Uses the web
        session, or a bearer token like the rest of the API."""
        with sessions() as session:
            who = user(request, session)
            if who is None:
                auth = request.headers.get("authorization", "")
                if auth.lower().startswith("bearer "):
                    who = repo.find_token(session, auth[7:].strip())
            if who is None:
                raise HTTPException(401, "log in or send a bearer token")
            row = repo.get_assessment(session, assessment_id)
            repo.audit(session, who.name, "report.family", assessment_id,
                       "ok" if row else "not_found")  # fmt: skip
            if row is None:
                raise HTTPException(404, "no assessment with this id")
        from hepatoboard.family import render_family_html

        try:
            html = render_family_html(row.result_json, lang)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
        return HTMLResponse(html, headers={"Content-Security-Policy": CSP_REPORT})


def _groups(a: dict[str, Any]) -> dict[str, Any]:
    """The plan grouped the way a tumour board reads it."""
    opts = sorted(a["plan"]["options"], key=lambda o: STATUS_ORDER[o["status"]])
    active = ("recommended", "consider")
    return {
        "first_choice": [o for o in opts if o["modality"] in SYSTEMIC
                         and o["status"] == "recommended" and not o.get("declined")],
        "alternatives": [o for o in opts if o["modality"] in SYSTEMIC and (o["status"] == "consider"
                         or (o["status"] == "recommended" and o.get("declined")))],
        "local": [o for o in opts if o["modality"] in LOCAL and o["status"] in active],
        "supportive_options": [o for o in opts if o["modality"] == "supportive"
                               and o["status"] in active],
        "undetermined": [o for o in opts if o["status"] == "undetermined"],
        "not_eligible": [o for o in opts if o["status"] == "not_eligible"],
    }  # fmt: skip


def changes(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """What changed between two assessments of a case, in words a clinician scans."""
    if old is None:
        return ["first assessment of this case"]
    out: list[str] = []

    def pick(a: dict[str, Any], *path: str) -> Any:
        for p in path:
            a = a.get(p) if isinstance(a, dict) else None
        return a

    for label, path in (
        ("BCLC", ("staging", "bclc", "stage")),
        ("TNM stage", ("staging", "tnm", "stage")),
        ("Child-Pugh", ("scores", "child_pugh", "points")),
        ("ALBI grade", ("scores", "albi", "grade")),
        ("MELD", ("scores", "meld", "meld")),
        ("intent", ("plan", "intent")),
        ("knowledge base", ("knowledge_base", "version")),
    ):
        before, after = pick(old, *path), pick(new, *path)
        if before != after:
            out.append(f"{label}: {before if before is not None else 'unknown'} -> "
                       f"{after if after is not None else 'unknown'}")  # fmt: skip
    was = {o["id"]: o["status"] for o in old["plan"]["options"]}
    for o in new["plan"]["options"]:
        if was.get(o["id"]) != o["status"]:
            out.append(f"{o['name']}: {was.get(o['id'], 'absent')} -> {o['status']}")
    return out or ["no change in stage, scores or option status"]


def _chart_svg(result: dict[str, Any]) -> bytes:
    """The survival chart, drawn from the stored assessment's prognosis (never recomputed)."""
    import tempfile

    from hepatoboard.prognosis import plot_curves

    recommended = [o["id"] for o in (result.get("plan") or {}).get("options", [])
                   if o.get("status") == "recommended"]  # fmt: skip
    with tempfile.NamedTemporaryFile(suffix=".svg") as f:
        plot_curves(result.get("prognosis") or {"scenarios": []}, f.name,
                    title="Estimated survival", highlight=recommended)  # fmt: skip
        return Path(f.name).read_bytes()
