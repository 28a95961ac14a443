"""What the plan page shows, prepared from a stored assessment (and its stored case): the
recommended plan first, what blocks the decision (each undetermined option with the question that
would decide it), the case facts, display labels from the knowledge base instead of ids and paths,
citations with author, year and link, "what is missing" ordered by what it blocks, and the
disagreements between the plan and the guidelines.

Nothing here decides anything clinical: every status, reason and figure is the stored
assessment's; this module only orders and labels them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from hepatoboard.reports.clinician import TARGETS, field_label
from hepatoboard.reports.family.questions import missing_questions
from hepatoboard.reports.grouping import group_options, is_systemic
from hepatoboard.reports.i18n import N_, translations
from hepatoboard.web.labels import CHOICES, COMMON, STATIONS

_INDEX = re.compile(r"\[(\d+)\]")
BSC_ID = "best_supportive_care"
SECTION_NAMES = {
    "patient": "patient",
    "imaging": "imaging studies",
    "medications": "current medications",
    "response": "treatment response",
    "lymph_nodes": "lymph node",
    "distant_metastases": "distant metastasis",
    "prior_therapies": "previous treatment",
}
# Positions a guideline can take that conflict with the plan offering an option.
AGAINST = ("not_recommended",)
OFFERED = ("recommended", "consider")


def _kb() -> Any:
    from hepatoboard.knowledge.load import default_knowledge

    return default_knowledge()


def humanize(token: str) -> str:
    """An identifier in words (``nodal_compression`` -> "nodal compression")."""
    return token.replace("_", " ").replace(".", " ").strip()


@cache
def source_ref(source_id: str) -> dict[str, str]:
    """A source as a citation: short author and year (``Reig M et al., 2022``), title and link
    (its URL, else its DOI), from the knowledge base; an unknown id is shown in words."""
    src = _kb().sources.get(source_id)
    if src is None:
        return {"id": source_id, "label": humanize(source_id), "title": "", "url": ""}
    author = src.citation.split(". ")[0].strip().rstrip(".")
    if "," in author:
        author = author.split(",")[0].strip() + " et al."
    if len(author) > 40:
        author = author[:37].rstrip() + "..."
    url = src.url or (f"https://doi.org/{src.doi}" if src.doi else "")
    return {"id": source_id, "label": f"{author}, {src.year}", "title": src.title, "url": url}


def field_text(path: str) -> str:
    """A case field path in words: the knowledge base's description of the fact, else the
    section and field names (``lymph_nodes[0].compression`` -> "lymph node 1: compression")."""
    label = field_label(path)
    if label != path:
        return label
    head, _dot, rest = path.partition(".")
    m = _INDEX.search(head)
    base = _INDEX.sub("", head)
    name = SECTION_NAMES.get(base, humanize(base))
    if m:
        name = f"{name} {int(m.group(1)) + 1}"
    return f"{name}: {humanize(rest)}" if rest else name


def form_label(name: str) -> str:
    """A form field name (``lymph_nodes.0.count``) in words."""
    return field_text(re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", name))


def blocked_text(blocked: str, names: Mapping[str, str]) -> str:
    """What a missing field blocks, in words: an option name, a score, a stage part, a measure."""
    if blocked in names:
        return names[blocked]
    head, _dot, rest = blocked.partition(".")
    if head in ("scores", "staging") and rest in TARGETS:
        return TARGETS[rest]
    if head == "scores" and rest.startswith("hcc."):
        return f"{rest.split('.', 1)[1].upper()} score"
    if head == "interactions":
        return f"drug interactions of {names.get(rest, humanize(rest))}"
    if head == "supportive":
        measure = next((m for m in _kb().supportive if m.id == rest), None)
        return str(measure.name) if measure else humanize(rest)
    if head == "referral":
        return f"referral to {humanize(rest)}"
    return SECTION_NAMES.get(blocked, humanize(blocked))


def _impact(blocked: str, options: Mapping[str, Mapping[str, Any]]) -> int:
    """0: an anticancer medicine that cannot be decided; 1: any other option; 2: the stage;
    3: the scores; 4: the rest (the order of "what is missing")."""
    option = options.get(blocked)
    if option is not None:
        return 0 if is_systemic(option) and option.get("status") == "undetermined" else 1
    head = blocked.split(".", 1)[0]
    return {"staging": 2, "scores": 3}.get(head, 4)


def missing_rows(a: dict[str, Any]) -> list[dict[str, Any]]:
    """Missing fields with labels, ordered by what they block (an undecided option first)."""
    options = {o["id"]: o for o in a["plan"]["options"]}
    names = {k: o["name"] for k, o in options.items()}
    rows = []
    for order, m in enumerate(a.get("missing_data") or []):
        blocks = m.get("blocks") or []
        rank = min((_impact(b, options) for b in blocks), default=4)
        labels = list(dict.fromkeys(blocked_text(b, names) for b in blocks))
        rows.append(
            {"field": m["field"], "label": field_text(m["field"]), "blocks": labels, "rank": rank}
        )
        rows[-1]["order"] = order
    return sorted(rows, key=lambda r: (r["rank"], r["order"]))


def form_anchor(field: str) -> str:
    """The form field id of a case path (``lymph_nodes[0].compression`` -> lymph_nodes.0...)."""
    return field.replace("[", ".").replace("]", "")


def blocked_box(a: dict[str, Any]) -> list[dict[str, Any]]:
    """Each undetermined option with the question(s) that would decide it, most decisive first."""
    options = {o["id"]: o for o in a["plan"]["options"]}
    names = {k: o["name"] for k, o in options.items()}
    missing = {m["field"]: m for m in a.get("missing_data") or []}
    _ = translations("en").gettext
    out = []
    undetermined = group_options(a["plan"]["options"]).undetermined
    for o in sorted(undetermined, key=lambda x: not is_systemic(x)):
        items = [missing.get(f) or {"field": f, "blocks": [o["id"]]} for f in o.get("missing", [])]
        questions = missing_questions(items, options, names, _)
        out.append(
            {
                "id": o["id"],
                "name": o["name"],
                "could_be": humanize(o.get("could_be") or ""),
                "questions": [
                    {
                        "text": q["text"],
                        "fields": [field_text(f) for f in q["fields"]],
                        "anchor": form_anchor(q["fields"][0]),
                    }
                    for q in questions
                ],
            }
        )
    return out


def recommended(a: dict[str, Any]) -> dict[str, list[Any]]:
    """The recommended plan, whatever the modality (systemic, local, supportive), and the
    options to consider when nothing is recommended outright."""
    opts = a["plan"]["options"]
    rec = [o for o in opts if o["status"] == "recommended" and not o.get("declined")]
    rec.sort(key=lambda o: (o["modality"] == "supportive", not is_systemic(o)))
    consider = [o for o in opts if o["status"] == "consider"] if not rec else []
    return {"recommended": rec, "consider": consider}


def disagreements(a: dict[str, Any]) -> list[dict[str, Any]]:
    """The sources' disagreements stored with the plan, and every option the plan offers
    (recommended or consider) that a guideline does not recommend."""
    options = {o["id"]: o for o in a["plan"]["options"]}
    out = []
    for d in a["plan"].get("disagreements") or []:
        o = options.get(d["option"], {})
        out.append(
            {
                "option": o.get("name", humanize(d["option"])),
                "status": o.get("status"),
                "positions": [(source_ref(k), humanize(v)) for k, v in d["positions"].items()],
                "kind": "sources",
            }
        )
    seen = {d["option"] for d in a["plan"].get("disagreements") or []}
    for o in a["plan"]["options"]:
        against = {k: v for k, v in (o.get("positions") or {}).items() if v in AGAINST}
        if o["status"] in OFFERED and against and o["id"] not in seen:
            out.append(
                {
                    "option": o["name"],
                    "status": o["status"],
                    "positions": [(source_ref(k), humanize(v)) for k, v in against.items()],
                    "kind": "plan",
                }
            )
    return out


Tr = Callable[[str], str]


def _same(text: str) -> str:
    return text


def _measure(m: Any, _: Tr = _same) -> str:
    if isinstance(m, dict) and "value" in m:
        return f"{m['value']:g} {m.get('unit', '')}".strip()
    return _("unknown") if m is None else str(m)


def _nodes(case: dict[str, Any], _: Tr = _same) -> str:
    nodes = case.get("lymph_nodes")
    if nodes is None:
        return _("unknown")
    if not nodes:
        return _("none found")
    parts = []
    for n in nodes:
        size = f"{n['short_axis_mm']:g} mm" if n.get("short_axis_mm") is not None else "size ?"
        count = f"×{n['count']}" if n.get("count") is not None else "count ?"
        station = _(STATIONS.get(n["station"]) or humanize(n["station"]))
        parts.append(f"{station} {size} {count}")
    return "; ".join(parts)


def _varices(case: dict[str, Any], _: Tr = _same) -> str:
    v = case.get("varices") or {}
    given = str(v.get("status") or "")
    status = CHOICES["varices.status"].get(given) or COMMON.get(given)
    shown = _(status) if status else (humanize(v["status"]) if v.get("status") else _("unknown"))
    when = v.get("endoscopy_date")
    treated = (
        {True: _(", treated"), False: _(", untreated")}.get(bool(v["treated"]), "")
        if v.get("treated") is not None
        else ""
    )
    endoscopy = display_date(when) if when else _("not recorded")
    word = _("endoscopy")
    return f"{shown}{treated}; {word} {endoscopy}"


def _prior(case: dict[str, Any], names: Mapping[str, str], _: Tr = _same) -> str:
    prior = case.get("prior_therapies")
    if prior is None:
        return _("unknown")
    if not prior:
        return _("none")
    kb_names = {k: o.name for k, o in _kb().options.items()}
    parts = []
    for p in prior:
        name = names.get(p["regimen"]) or kb_names.get(p["regimen"]) or humanize(p["regimen"])
        word = _("line")
        line = f"{word} {p['line']}: " if p.get("line") else ""
        stop = str(p.get("stop_reason") or "")
        reason = CHOICES["prior_therapies.stop_reason"].get(stop)
        why = f" ({_(reason) if reason else humanize(stop)})" if stop else ""
        parts.append(f"{line}{name}{why}")
    return "; ".join(parts)


def display_date(value: Any) -> str:
    """A date as dd/mm/yyyy (the form's and the pages' format)."""
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        y, m, d = text.split("-")
        return f"{d}/{m}/{y}"
    return text


def case_facts(
    case: dict[str, Any] | None, a: dict[str, Any], _: Tr = _same
) -> list[tuple[str, str]]:
    """The case facts strip: age, ECOG, Child-Pugh, AFP, nodes, varices, prior lines (the
    words in the page's language through ``_``; the labels are msgids the template translates)."""
    if case is None:
        return []
    names = {o["id"]: o["name"] for o in a["plan"]["options"]}
    cp = (a.get("scores") or {}).get("child_pugh")
    ecog = (case.get("performance") or {}).get("ecog")
    age = (case.get("patient") or {}).get("age")
    return [
        (N_("Age"), f"{age}" if age is not None else _("unknown")),
        ("ECOG", f"{ecog}" if ecog is not None else _("unknown")),
        ("Child-Pugh", f"{cp['class']}{cp['points']}" if cp else _("unknown")),
        ("AFP", _measure((case.get("labs") or {}).get("afp"), _)),
        (N_("Nodes"), _nodes(case, _)),
        (N_("Varices"), _varices(case, _)),
        (N_("Prior lines"), _prior(case, names, _)),
    ]


def plan_context(
    a: dict[str, Any], case: dict[str, Any] | None, lang: str = "en"
) -> dict[str, Any]:
    """Everything the plan page shows besides the stored assessment itself (the case facts'
    words in ``lang``)."""
    from hepatoboard.web.i18n import ui_translations

    g = group_options(a["plan"]["options"])
    names = {o["id"]: o["name"] for o in a["plan"]["options"]}
    shown = {BSC_ID, *(o["id"] for o in recommended(a)["recommended"])}
    scenarios = (a.get("prognosis") or {}).get("scenarios") or []
    return {
        **recommended(a),
        "first_choice": g.first_choice,
        "alternatives": g.alternatives,
        "local": g.local,
        "supportive_options": g.supportive,
        "undetermined": g.undetermined,
        "not_eligible": g.not_eligible,
        "blocked": blocked_box(a),
        "facts": case_facts(case, a, ui_translations(lang).gettext),
        "missing_rows": missing_rows(a),
        "disagree": disagreements(a),
        "names": names,
        "cite": source_ref,
        "field_text": field_text,
        "humanize": humanize,
        "display_date": display_date,
        "hidden_curves": [
            s for s in scenarios if s["id"] not in shown and s.get("kind") != "responder"
        ],
    }
