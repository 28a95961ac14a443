"""The history of a case: every stored assessment, newest first, with what changed."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hepatoboard.storage import repository as repo
from hepatoboard.web.render import login_redirect, page
from hepatoboard.web.security import current_user

router = APIRouter(include_in_schema=False)
SHOWN = 50  # newest assessments on the page; the API pages through all of them

COMPARED = (
    ("BCLC", ("staging", "bclc", "stage")),
    ("TNM stage", ("staging", "tnm", "stage")),
    ("Child-Pugh", ("scores", "child_pugh", "points")),
    ("ALBI grade", ("scores", "albi", "grade")),
    ("MELD", ("scores", "meld", "meld")),
    ("intent", ("plan", "intent")),
    ("knowledge base", ("knowledge_base", "version")),
)


@router.get("/ui/cases/{case_id}/history")
def history(request: Request, case_id: str) -> Response:
    with request.app.state.sessions() as session:
        who = current_user(request, session)
        if who is None:
            return login_redirect(request)
        rows = repo.case_history(session, case_id, limit=SHOWN + 1)  # +1: what the last changed
        repo.audit(session, who.name, "case.history", case_id, "ok")
    entries = []
    for i, row in enumerate(rows[:SHOWN]):
        older = rows[i + 1].result_json if i + 1 < len(rows) else None
        entries.append({"row": row, "changes": changes(older, row.result_json)})
    more = len(rows) > SHOWN
    return page(request, "history.html", case_id=case_id, entries=entries, more=more)


def _pick(a: Any, path: tuple[str, ...]) -> Any:
    for p in path:
        a = a.get(p) if isinstance(a, dict) else None
    return a


def changes(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """What changed between two assessments of a case, in words a clinician scans."""
    if old is None:
        return ["first assessment of this case"]
    out: list[str] = []
    for label, path in COMPARED:
        before, after = _pick(old, path), _pick(new, path)
        if before != after:
            b = before if before is not None else "unknown"
            a = after if after is not None else "unknown"
            out.append(f"{label}: {b} -> {a}")
    was = {o["id"]: o["status"] for o in old["plan"]["options"]}
    for o in new["plan"]["options"]:
        if was.get(o["id"]) != o["status"]:
            out.append(f"{o['name']}: {was.get(o['id'], 'absent')} -> {o['status']}")
    return out or ["no change in stage, scores or option status"]
