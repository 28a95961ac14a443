"""The history of a case: every stored assessment, newest first, with what changed in the case
(the input, e.g. "ECOG performance status 0-4: 1 → 2") above what changed in the result; and the
comparison of any two assessments of the case."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from hepatoboard.storage import repository as repo
from hepatoboard.web.render import login_redirect, page
from hepatoboard.web.security import current_user
from hepatoboard.web.view import display_date, field_text, humanize

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
        older = rows[i + 1] if i + 1 < len(rows) else None
        entries.append(
            {
                "row": row,
                "inputs": input_changes(older.case_json, row.case_json) if older else [],
                "changes": changes(older.result_json if older else None, row.result_json),
            }
        )
    more = len(rows) > SHOWN
    return page(request, "history.html", case_id=case_id, entries=entries, more=more)


@router.get("/ui/cases/{case_id}/compare")
def compare(request: Request, case_id: str, a: str = "", b: str = "") -> Response:
    """Two assessments of one case side by side: the input change, then the output change."""
    with request.app.state.sessions() as session:
        who = current_user(request, session)
        if who is None:
            return login_redirect(request)
        rows = [repo.get_assessment(session, x) for x in (a, b)]
        found = [r for r in rows if r is not None and r.case_id == case_id]
        outcome = "ok" if len(found) == 2 else "not_found"
        repo.audit(session, who.name, "case.compare", case_id, outcome)
    if len(found) != 2:
        raise HTTPException(404, "both assessments must belong to this case")
    old, new = sorted(found, key=lambda r: r.created_at)
    return page(
        request,
        "compare.html",
        case_id=case_id,
        old=old,
        new=new,
        inputs=input_changes(old.case_json, new.case_json),
        changes=changes(old.result_json, new.result_json),
    )


def _flat(doc: Any, prefix: str = "") -> dict[str, Any]:
    """A case document as {field path: value} (lists of entries indexed, lists of values kept)."""
    out: dict[str, Any] = {}
    if isinstance(doc, dict):
        if set(doc) == {"value", "unit"}:
            return {prefix: f"{doc['value']:g} {doc['unit']}"}
        for k, v in doc.items():
            out.update(_flat(v, f"{prefix}.{k}" if prefix else k))
    elif isinstance(doc, list) and any(isinstance(x, dict) for x in doc):
        for i, v in enumerate(doc):
            out.update(_flat(v, f"{prefix}[{i}]"))
        if not doc:
            out[prefix] = "none"
    elif isinstance(doc, list):
        out[prefix] = ", ".join(humanize(str(x)) for x in doc) or "none"
    else:
        out[prefix] = doc
    return out


def _shown(value: Any) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return display_date(value) if isinstance(value, str) else humanize(str(value))


def input_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What changed in the case between two assessments, one line per field."""
    before, after = _flat(old), _flat(new)
    out = []
    for path in sorted(set(before) | set(after)):
        was, now = _shown(before.get(path)), _shown(after.get(path))
        if path in ("format", "id") or was == now:  # "unknown" written or left out: the same
            continue
        out.append(f"{field_text(path)}: {was} → {now}")
    return out


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
            out.append(f"{label}: {b} → {a}")
    was = {o["id"]: o["status"] for o in old["plan"]["options"]}
    for o in new["plan"]["options"]:
        if was.get(o["id"]) != o["status"]:
            before = humanize(was.get(o["id"], "absent"))
            out.append(f"{o['name']}: {before} → {humanize(o['status'])}")
    return out or ["no change in stage, scores or option status"]
