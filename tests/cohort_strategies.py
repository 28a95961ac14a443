"""Hypothesis strategies for the cohort tests: case documents that use every field of the case
(each may be absent), values on the knowledge base's thresholds as often as between them, labs
in every accepted unit; their flat rows; and broken cells."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache

from hypothesis import strategies as st

from hepatoboard.cohort import layout
from hepatoboard.contracts.vocab import (
    MEDICATION_CLASSES,
    METASTASIS_SITES,
    NODE_STATIONS,
    OPTION_IDS,
)
from hepatoboard.knowledge.load import default_knowledge

AS_OF = dt.date(2026, 11, 25)
FORMATS = ["hepatoboard-case/1", "hepatoboard-case/1.1"]
KB = default_knowledge()
CANONICAL_RANGES = {  # plausible canonical ranges of the labs (inside the case limits)
    "bilirubin": (0.2, 15.0),
    "albumin": (1.5, 5.5),
    "creatinine": (0.3, 8.0),
    "sodium": (115.0, 150.0),
    "afp": (1.0, 60000.0),
    "platelets": (20.0, 500.0),
    "hbv_dna": (0.0, 1e7),
    "crp": (0.0, 30.0),
}


def _thresholds() -> list[float]:
    """Every number a rule or score band compares with (so edges are hit exactly)."""
    out: set[float] = set()
    exprs = [c.when for c in KB.conditions.values()]
    for o in KB.options.values():
        for kind in ("requirements", "contraindications", "cautions", "prerequisites"):
            exprs += [r.when for r in KB.option_rules(o, kind)]
    for e in exprs:
        for n in e.walk():
            _, operand = n.leaf
            if isinstance(operand, int | float) and not isinstance(operand, bool):
                out.add(float(operand))
    cp = KB.scores.child_pugh
    out |= {
        cp.bilirubin_mg_dl.one_point_below,
        cp.bilirubin_mg_dl.three_points_above,
        cp.albumin_g_dl.one_point_above,
        cp.albumin_g_dl.three_points_below,
        cp.inr.one_point_below,
        cp.inr.three_points_above,
        1.0,
        2.0,
        3.0,
        5.0,
        10.0,
        20.0,
        125.0,
        137.0,
        4.0,
    }
    return sorted(out)


THRESHOLDS = _thresholds()


def _number(lo: float, hi: float, *, min_exclusive: bool = False):
    edges = [x for x in THRESHOLDS if lo <= x <= hi and not (min_exclusive and x == lo)]
    floats = st.floats(lo, hi, exclude_min=min_exclusive).map(lambda x: round(x, 2))
    floats = floats.filter(lambda x: not (min_exclusive and x <= lo))
    return st.one_of(st.sampled_from(edges), floats) if edges else floats


def _column_value(col: layout.Column):
    b = col.bounds
    if col.kind == "int":
        lo = int(b.min if b and b.min is not None else 0)
        hi = int(b.max if b and b.max is not None else 100)
        return st.integers(lo, hi)
    if col.kind == "number":
        lo = b.min if b and b.min is not None else (b.min_exclusive if b else 0.0)
        hi = b.max if b and b.max is not None else 1000.0
        return _number(lo or 0.0, hi, min_exclusive=bool(b and b.min_exclusive is not None))
    if col.kind == "bool":
        return st.booleans()
    if col.kind == "tristate":
        return st.sampled_from([True, False, "unknown"])
    if col.kind == "enum":
        return st.sampled_from(list(col.values or ()))
    if col.kind == "codes":
        return st.lists(st.sampled_from(list(col.values or ())), max_size=3)
    if col.kind == "numbers":
        longest = KB.limits.lists.max_items[col.name]
        lo = b.min_exclusive if b and b.min_exclusive is not None else 0.0
        return st.lists(_number(lo, b.max if b else 40.0, min_exclusive=True), max_size=longest)
    if col.kind == "date":
        return st.one_of(
            st.sampled_from([AS_OF, AS_OF - dt.timedelta(183), AS_OF - dt.timedelta(184)]),
            st.dates(AS_OF - dt.timedelta(500), AS_OF),
        )
    raise AssertionError(col.kind)


@cache
def _lab(quantity: str):
    spec = KB.limits.quantities[quantity]
    lo, hi = CANONICAL_RANGES[quantity]

    def in_unit(args):
        canonical, unit = args
        factor = spec.units[spec.normalise_unit(unit)]
        return {"value": round(canonical / factor, 2), "unit": unit}

    units = [*spec.units, *spec.aliases]
    return st.tuples(_number(lo, hi), st.sampled_from(units)).map(in_unit)


@cache
def _section(name: str):
    fields = {}
    for col in layout.columns():
        section, _, field = col.name.partition(".")
        if section != name or "." in field or col.kind == "unit":
            continue
        fields[field] = _lab(col.quantity) if col.quantity else _column_value(col)
    return st.fixed_dictionaries({}, optional=fields)


@cache
def _entry(group: str, key_name: str, key: str):
    cols = layout.by_name()
    sample = {"lymph_nodes": NODE_STATIONS[0], "distant_metastases": METASTASIS_SITES[0]}[group]
    fields = {}
    for col in layout.columns():
        prefix = f"{group}.{sample}."
        if col.name.startswith(prefix):
            fields[col.name[len(prefix) :]] = _column_value(cols[col.name])
    return st.fixed_dictionaries({key_name: st.just(key)}, optional=fields)


@st.composite
def _keyed(draw, group: str, key_name: str, keys: tuple[str, ...], max_size: int):
    chosen = draw(st.lists(st.sampled_from(keys), max_size=max_size, unique=True))
    return [draw(_entry(group, key_name, k)) for k in chosen]


@st.composite
def _prior(draw):
    n = draw(st.integers(0, 4))
    out = []
    line = 0
    for i in range(n):
        entry = {"regimen": draw(st.sampled_from(OPTION_IDS))}
        if draw(st.booleans()):
            entry["date"] = draw(_column_value(layout.by_name()["prior_therapies.1.date"]))
        if draw(st.booleans()):
            line += draw(st.integers(1, 2))
            entry["line"] = min(line, 10)
        for field, strategy in (
            ("best_response", st.sampled_from(["cr", "pr", "sd", "pd"])),
            (
                "stop_reason",
                st.sampled_from(
                    ["progression", "toxicity", "completed"] + (["ongoing"] if i == n - 1 else [])
                ),
            ),
            ("tolerated", st.booleans()),
            ("irae_grade", st.integers(1, 4)),
            ("irae_organ", st.sampled_from(["liver", "gut", "skin"])),
        ):
            if draw(st.booleans()):
                entry[field] = draw(strategy)
        out.append(entry)
    return out


SECTIONS = layout.SECTIONS


@st.composite
def _medications(draw):
    classes = draw(st.lists(st.sampled_from(MEDICATION_CLASSES), max_size=3))
    return [{"class": c, "name": "x"} if draw(st.booleans()) else {"class": c} for c in classes]


def _mm(lo: float = 0.0, hi: float = 120.0):
    edges = st.sampled_from([0.0, 5.0, 9.0, 10.0, 15.0, 20.0, 24.0, 25.0, 30.0])
    return st.one_of(edges, st.floats(lo, hi).map(lambda x: round(x, 1)))


@st.composite
def _imaging(draw):
    """An imaging series: the same target lesions at every study, dates in order (now and
    then out of order or with a changed lesion, which the intake rejects)."""
    n = draw(st.sampled_from([0, 1, 2, 2, 3, 4]))
    lesions = draw(st.lists(st.sampled_from(["liver", "node", "other"]), min_size=0, max_size=3))
    start = AS_OF - dt.timedelta(draw(st.integers(60, 400)))
    studies = []
    for k in range(n):
        date = start + dt.timedelta(days=30 * k + draw(st.integers(0, 20)))
        targets = []
        for j, site in enumerate(lesions):
            t: dict[str, object] = {"lesion": f"L{j}", "site": site}
            key = "short_axis_mm" if site == "node" else "longest_mm"
            if draw(st.integers(0, 9)) < 9:
                t[key] = draw(_mm())
            if site == "liver" and draw(st.booleans()):
                t["viable_mm"] = draw(_mm())
            targets.append(t)
        study: dict[str, object] = {"date": min(date, AS_OF), "targets": targets}
        for name in ("new_lesions", "nontarget_progression"):
            if draw(st.booleans()):
                study[name] = draw(st.booleans())
        if draw(st.booleans()):
            study["afp"] = draw(_lab("afp"))
        studies.append(study)
    if n > 1 and draw(st.integers(0, 19)) == 0:
        studies.reverse()
    return studies


@st.composite
def case_documents(draw):
    """A hepatoboard-case/1 or /1.1 document; any field may be absent (most are valid cases; a few
    are contradictory or have prior lines out of order, which the intake rejects)."""
    doc = {
        "format": draw(st.sampled_from(FORMATS)),
        "id": draw(st.text("abc123", min_size=1, max_size=6)),
    }
    if draw(st.integers(0, 9)) == 0:
        doc["profile"] = draw(st.sampled_from(list(KB.profiles)))
    for name in SECTIONS:
        if draw(st.integers(0, 9)) < 8:
            section = draw(_section(name))
            if section:
                doc[name] = section
    if draw(st.integers(0, 9)) < 8:
        doc["lymph_nodes"] = draw(_keyed("lymph_nodes", "station", NODE_STATIONS, 4))
    if draw(st.integers(0, 9)) < 7:
        doc["distant_metastases"] = draw(_keyed("distant_metastases", "site", METASTASIS_SITES, 2))
    if draw(st.integers(0, 9)) < 7:
        doc["prior_therapies"] = draw(_prior())
    if draw(st.integers(0, 9)) < 6:
        doc["medications"] = draw(_medications())
    if draw(st.integers(0, 9)) < 4:
        doc["imaging"] = draw(_imaging())
    return doc


def document_to_row(doc: dict) -> dict:
    """The flat row of a document (nodes and sites become columns, so their order becomes the
    vocabulary's; values are written as a CSV cell would hold them)."""
    row: dict[str, object] = {}
    for key in ("id", "profile"):
        if key in doc:
            row[key] = doc[key]
    for section in SECTIONS:
        for field, value in (doc.get(section) or {}).items():
            name = f"{section}.{field}"
            if isinstance(value, dict):
                row[name] = value["value"]
                row[f"{name}.unit"] = value["unit"]
            else:
                row[name] = value
    for group, key in (("lymph_nodes", "station"), ("distant_metastases", "site")):
        entries = doc.get(group)
        if entries is None:
            continue
        if not entries:
            row[group] = "none"
        for e in entries:
            row[f"{group}.{e[key]}"] = True
            for field, value in e.items():
                if field != key:
                    row[f"{group}.{e[key]}.{field}"] = value
    prior = doc.get("prior_therapies")
    if prior is not None:
        if not prior:
            row["prior_therapies"] = "none"
        for k, e in enumerate(prior, start=1):
            for field, value in e.items():
                row[f"prior_therapies.{k}.{field}"] = value
    meds = doc.get("medications")
    if meds is not None:  # the flat layout has the classes only (no rule reads the names)
        row["medications"] = ";".join(m["class"] for m in meds) if meds else "none"
    if doc.get("imaging") is not None:
        row["imaging"] = json.dumps(doc["imaging"], default=str)
    return {k: cell(v) for k, v in row.items()}


def cell(value) -> str:
    """A value as a CSV cell."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


BROKEN = st.sampled_from(
    [
        "abc",
        "-1",
        "1e3",
        " 12 ",
        "12.0",
        "yes",
        "True",
        "nan",
        "inf",
        "999999",
        "2026-02-30",
        "2027-01-01",
        "0",
        "none",
        "unknown",
        "mg/dL",
        "hbv;xyz",
        "",
        "1,5",
        "+3",
        "007",
    ]
)


@st.composite
def flat_rows(draw):
    """(the flat row of a generated case with a few cells replaced by broken values)."""
    row = document_to_row(draw(case_documents()))
    names = [c.name for c in layout.columns()]
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        row[draw(st.sampled_from(names))] = draw(BROKEN)
    return row
