"""CDS Hooks 2.0 cards built from an assessment document and its tumour-board grouping
(:func:`hepatoboard.reports.grouping.group_options`).

- one ``info`` card: the stage and the first-choice options (summary <= 140 characters: the
  one decision that matters), Markdown detail, source label with the knowledge-base version, a
  ``smart`` link whose ``appContext`` is the stored assessment id;
- one ``warning`` card per hard stop and per unmet check or unknown that blocks an option which
  could otherwise be offered (e.g. no upper GI endoscopy within 6 months before bevacizumab).

Cards never carry null or empty values (:func:`prune`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from hepatoboard.reports.grouping import ACTIVE, group_options

SUMMARY_MAX = 140  # CDS Hooks 2.0: summary SHOULD be under 140 characters


def fit(text: str, limit: int = SUMMARY_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def prune(value: Any) -> Any:
    """Drop None, empty strings, lists and objects (recursively)."""
    if isinstance(value, dict):
        out = {k: prune(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [x for x in (prune(v) for v in value) if x not in (None, "", [], {})]
    return value


def source(doc: dict[str, Any]) -> dict[str, Any]:
    kb = doc["knowledge_base"]
    return {"label": f"hepatoboard, knowledge base {kb['version']} ({kb['profile']} profile)"}


def _names(options: Sequence[Any], limit: int = 3) -> str:
    names = [o["name"] for o in options]
    shown = ", ".join(names[:limit])
    return shown + (f" +{len(names) - limit} more" if len(names) > limit else "")


def _stage(doc: dict[str, Any]) -> str:
    bclc = doc["staging"]["bclc"]["stage"]
    tnm = doc["staging"]["tnm"]["stage"]
    return f"BCLC {bclc or 'unknown'}, TNM {tnm or 'unknown'}"


def info_card(doc: dict[str, Any], assessment_id: str, app_url: str) -> dict[str, Any]:
    g = group_options(doc["plan"]["options"])
    if g.first_choice:
        decision = f"first choice {_names(g.first_choice, 2)}"
    elif g.alternatives:
        decision = f"no first choice; consider {_names(g.alternatives, 2)}"
    else:
        decision = "no systemic option can be offered now; see the plan"
    lines = [f"**{_stage(doc)}**", "", f"_{doc['disclaimer']}_", ""]
    for key, heading, options in g.sections():
        if options and key != "not_eligible":
            lines.append(f"**{heading}:** {', '.join(o['name'] for o in options)}")
    missing = [m["field"] for m in doc["missing_data"]]
    if missing:
        lines.append(f"**Unknown in the record:** {', '.join(missing)}")
    return {
        "uuid": str(uuid.uuid4()),
        "summary": fit(f"{_stage(doc)}: {decision}"),
        "indicator": "info",
        "detail": "\n\n".join(x for x in "\n".join(lines).split("\n\n") if x.strip()),
        "source": source(doc),
        "links": [
            {
                "label": "Open the tumour-board plan",
                "url": app_url,
                "type": "smart",
                "appContext": assessment_id,
            }
        ],
    }


def _warning(doc: dict[str, Any], summary: str, detail: list[str]) -> dict[str, Any]:
    return {
        "uuid": str(uuid.uuid4()),
        "summary": fit(summary),
        "indicator": "warning",
        "detail": "\n".join(f"- {x}" for x in detail),
        "source": source(doc),
    }


def blocking_cards(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """One warning per hard stop, and per unmet check / unknown that blocks an option that could
    be recommended or considered once resolved (grouped by reason across options)."""
    stops: dict[str, list[str]] = {}
    blocks: dict[str, list[str]] = {}
    for o in doc["plan"]["options"]:
        for reason in o["contraindications"]:
            stops.setdefault(reason, []).append(o["name"])
        if o["status"] == "undetermined" and o.get("could_be") in ACTIVE:
            for reason in o["reasons"]:  # an undetermined option's reasons are what blocks it
                blocks.setdefault(reason, []).append(o["name"])
    cards = [
        _warning(doc, f"Hard stop: {reason}", [f"Not eligible: {', '.join(names)}", reason])
        for reason, names in stops.items()
    ]
    cards += [
        _warning(doc, f"{reason[0].upper()}{reason[1:]}", [f"Blocks: {', '.join(names)}", reason])
        for reason, names in blocks.items()
    ]
    return cards
