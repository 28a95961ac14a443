"""The case form, generated from the case model (one source of truth with the API).

:func:`form_sections` walks :class:`hepatoboard.contracts.case.Case` and returns the widgets
(select for enumerations, yes/no/unknown for booleans, number + unit for labs, repeated rows for
lists of entries); :func:`form_to_document` turns submitted form data back into a case document,
leaving out everything left blank (blank = unknown). The form converts its own strings: a
number is ASCII digits with an optional sign and decimal point (``６８`` and ``6_8`` are passed
on as text, which the case model refuses); a list section marked "none found" while rows are
filled in is an error on that section, never silently emptied. Validation is then the same
:func:`hepatoboard.intake.parse_case` as the CLI and the API.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from hepatoboard.contracts.case import Case, Measurement
from hepatoboard.contracts.errors import CaseError, Problem
from hepatoboard.knowledge.load import case_limits
from hepatoboard.web.labels import DATE_HELP, FIELDS, HELP, TITLES, choice_label

_DMY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INTEGER = re.compile(r"-?[0-9]{1,30}")
_DECIMAL = re.compile(r"-?(?:[0-9]{1,30}(?:\.[0-9]{0,30})?|\.[0-9]{1,30})")

ROWS = {"lymph_nodes": 5, "distant_metastases": 3, "prior_therapies": 4}


@dataclass
class Widget:
    name: str  # form field name, e.g. "labs.bilirubin" or "lymph_nodes.0.station"
    label: str
    kind: str  # select | bool | number | integer | date | text | measure | multi
    choices: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    help: str = ""
    choice_labels: dict[str, str] = field(default_factory=dict)  # English; "" if none


@dataclass
class Section:
    key: str
    title: str
    widgets: list[Widget] = field(default_factory=list)
    rows: list[list[Widget]] = field(default_factory=list)  # repeated entries


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated: the type the user actually fills in."""
    while True:
        origin = get_origin(annotation)
        if origin is typing.Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) == 1:
                annotation = args[0]
            else:
                return annotation
        else:
            return annotation


def _literals(annotation: Any) -> list[str] | None:
    """Choices of a Literal (or of a union of Literals / bool with 'unknown')."""
    annotation = _unwrap(annotation)
    if get_origin(annotation) is Literal:
        return [str(a) for a in get_args(annotation)]
    if get_origin(annotation) in (typing.Union, types.UnionType):
        out: list[str] = []
        for a in get_args(annotation):
            lits = _literals(a)
            if lits is None:
                return None
            out.extend(lits)
        return out
    return None


def _label(name: str) -> str:
    return name.replace("_", " ").replace(" pct", " %").capitalize()


def _kb_label(full: str, fallback: str) -> str:
    """The knowledge base's description of the fact a form field fills, else ``fallback``."""
    from hepatoboard.reports.clinician import field_label

    path = re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", full)
    described = field_label(path)
    return described[:1].upper() + described[1:] if described != path else fallback


def _widget(prefix: str, name: str, annotation: Any, description: str | None) -> Widget:
    full = f"{prefix}.{name}" if prefix else name
    path = re.sub(r"\.\d+(?=\.|$)", "", full)  # lymph_nodes.0.station -> lymph_nodes.station
    w = _kind(full, _kb_label(full, FIELDS.get(path) or _label(name)), annotation)
    numeric = w.kind in ("measure", "integer", "number")
    w.help = HELP.get(path) or (DATE_HELP if w.kind == "date" else "")
    w.help = w.help or (description or "" if numeric else "")
    w.choice_labels = {c: choice_label(path, c) or "" for c in w.choices}
    return w


def _kind(full: str, label: str, annotation: Any) -> Widget:
    """The widget of a field by its type (the labels are filled in by :func:`_widget`)."""
    inner = _unwrap(annotation)
    if isinstance(inner, type) and issubclass(inner, Measurement):
        units = list(case_limits().quantities[inner.quantity].units)
        return Widget(full, label, "measure", units=units)
    if get_origin(annotation) in (typing.Union, types.UnionType) and bool in get_args(annotation):
        # tri-state fields such as microvascular_invasion: bool | "unknown"
        return Widget(full, label, "bool")
    if inner is bool:
        return Widget(full, label, "bool")
    if get_origin(inner) is list:
        choices = _literals(get_args(inner)[0]) or []
        return Widget(full, label, "multi", choices=choices)
    lits = _literals(inner)
    if lits is not None:
        return Widget(full, label, "select", choices=lits)
    if inner is int:
        return Widget(full, label, "integer")
    if inner is float:
        return Widget(full, label, "number")
    if inner is dt.date:
        return Widget(full, label, "date")
    return Widget(full, label, "text")


def _model_widgets(model: type[BaseModel], prefix: str) -> list[Widget]:
    # a field's document key is its alias where it has one (``class``, not ``class_``)
    return [
        _widget(prefix, f.alias or name, f.annotation, f.description)
        for name, f in model.model_fields.items()
    ]


def form_sections() -> list[Section]:
    sections = []
    for key, f in Case.model_fields.items():
        if key in ("format", "id", "profile"):
            continue
        inner = _unwrap(f.annotation)
        sec = Section(key, TITLES.get(key, _label(key)))
        if get_origin(inner) is list:
            row_model = get_args(inner)[0]
            for i in range(ROWS.get(key, 3)):
                sec.rows.append(_model_widgets(row_model, f"{key}.{i}"))
        else:
            sec.widgets = _model_widgets(inner, key)
        sections.append(sec)
    return sections


def _convert(widget: Widget, raw: str) -> Any:
    """Form text to the document value; invalid text is passed on for the validator to name."""
    if widget.kind == "bool":
        return {"yes": True, "no": False, "unknown": "unknown"}.get(raw, raw)
    if widget.kind == "integer" and _INTEGER.fullmatch(raw):
        return int(raw)
    if widget.kind in ("integer", "number") and _DECIMAL.fullmatch(raw):
        return float(raw)
    if widget.kind == "date":
        day = parse_date(raw)
        return day.isoformat() if day else raw
    return raw


def parse_date(raw: str) -> dt.date | None:
    """A date typed as dd/mm/yyyy, or ISO yyyy-mm-dd; None if it is neither (or impossible)."""
    raw = raw.strip()
    try:
        if m := _DMY.fullmatch(raw):
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if _ISO.fullmatch(raw):
            return dt.date.fromisoformat(raw)
    except ValueError:
        return None
    return None


def _shown(widget: Widget, value: Any) -> Any:
    """A case document value as the form shows it (the inverse of :func:`_convert`)."""
    if widget.kind == "bool":
        return {True: "yes", False: "no"}.get(value, str(value))
    if widget.kind == "date" and isinstance(value, str) and _ISO.fullmatch(value):
        y, m, d = value.split("-")
        return f"{d}/{m}/{y}"
    if widget.kind == "multi":
        return [str(v) for v in value]
    if isinstance(value, float) and value.is_integer() and widget.kind == "integer":
        return str(int(value))
    return str(value) if not isinstance(value, str) else value


def _fill(out: dict[str, Any], widgets: list[Widget], entry: dict[str, Any]) -> None:
    for w in widgets:
        key = w.name.rsplit(".", 1)[-1]
        key = key if key in entry else f"{key}_"  # a stored case may hold the field's own name
        if key not in entry:
            continue
        value = entry[key]
        if w.kind == "measure" and isinstance(value, dict):
            out[f"{w.name}.value"] = f"{value['value']:g}"
            out[f"{w.name}.unit"] = str(value.get("unit", ""))
        elif w.kind == "multi":
            out[w.name] = _shown(w, value)
            out[f"{w.name}.__given"] = "1"
        else:
            out[w.name] = _shown(w, value)


def document_to_values(
    doc: dict[str, Any], sections: list[Section] | None = None
) -> dict[str, Any]:
    """The form's values for a stored case document (to re-assess it with changes). Rows
    beyond the form's rows are reported by :func:`rows_left_out`."""
    out: dict[str, Any] = {k: str(doc[k]) for k in ("id", "profile") if doc.get(k)}
    for sec in sections or form_sections():
        part = doc.get(sec.key)
        if part is None:
            continue
        if sec.rows:
            out[f"{sec.key}.__state"] = "given" if part else "none"
            for row, entry in zip(sec.rows, part, strict=False):
                _fill(out, row, entry)
        elif isinstance(part, dict):
            _fill(out, sec.widgets, part)
    return out


def rows_left_out(doc: dict[str, Any], sections: list[Section] | None = None) -> list[str]:
    """List sections of a stored case with more entries than the form has rows."""
    return [
        sec.title
        for sec in sections or form_sections()
        if sec.rows and len(doc.get(sec.key) or []) > len(sec.rows)
    ]


def form_values(form: Any) -> dict[str, Any]:
    """Submitted form data as the form shows it again: one string per field, a list for a
    field given several times (checkbox groups)."""
    out: dict[str, Any] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            out[key] = (
                [*out[key], value]
                if isinstance(out.get(key), list)
                else ([out[key], value] if key in out else value)
            )
    return out


def form_to_document(form: Any, sections: list[Section] | None = None) -> dict[str, Any]:
    """Build a case document from submitted form data (a Starlette FormData / multidict), or
    raise :class:`CaseError` naming each list section marked "none found" with filled rows."""
    doc: dict[str, Any] = {"format": "hepatoboard-case/1"}
    problems: list[Problem] = []
    for key in ("id", "profile"):
        value = (form.get(key) or "").strip()
        if value:
            doc[key] = value
    for sec in sections or form_sections():
        if sec.rows:
            entries = []
            for row in sec.rows:
                entry = _collect(form, row, strip_prefix=True)
                if entry:
                    entries.append(entry)
            mode = form.get(f"{sec.key}.__state") or ("given" if entries else "")
            if mode == "none" and entries:
                problems.append(
                    Problem(
                        sec.key,
                        (
                            f"marked 'none found' but {len(entries)} row(s) are filled in; choose "
                            "'as listed below' or clear the rows"
                        ),
                    )
                )
            elif mode == "none":
                doc[sec.key] = []
            elif entries:
                doc[sec.key] = entries
        else:
            values = _collect(form, sec.widgets, strip_prefix=True)
            if values:
                doc[sec.key] = values
    if problems:
        raise CaseError(problems)
    return doc


def has_case_fields(doc: dict[str, Any]) -> bool:
    """True if the form's document holds anything beyond its format, id and profile."""
    return any(k not in ("format", "id", "profile") for k in doc)


def _collect(form: Any, widgets: list[Widget], *, strip_prefix: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for w in widgets:
        key = w.name.rsplit(".", 1)[-1] if strip_prefix else w.name
        if w.kind == "multi":
            picked = [v for v in form.getlist(w.name) if v]
            if picked or form.get(f"{w.name}.__given"):
                out[key] = picked
            continue
        if w.kind == "measure":
            raw = (form.get(f"{w.name}.value") or "").strip()
            if raw:
                out[key] = {
                    "value": _convert(Widget(w.name, "", "number"), raw),
                    "unit": form.get(f"{w.name}.unit") or w.units[0],
                }
            continue
        raw = (form.get(w.name) or "").strip()
        if raw and raw != "":
            out[key] = _convert(w, raw)
    return out


def problem_field(path: str) -> str:
    """Validator path (``lymph_nodes[0].count``) to form field name (``lymph_nodes.0.count``)."""
    return path.replace("[", ".").replace("]", "")
