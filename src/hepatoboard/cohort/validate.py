"""Flat rows to canonical rows, validated: fast for the clean rows, by the case intake for the
others.

A row is accepted or rejected exactly as :func:`hepatoboard.intake.parse_case` (and the
profile check of :func:`hepatoboard.pipeline.assess`) accept or reject the document it stands
for (:func:`hepatoboard.cohort.rows.row_to_document`), with the intake's own messages:

1. :func:`parse` reads every column vectorised and flags as *suspect* each row with a cell the
   fast reading is not sure of: anything but a plain number, ``true``/``false``, an accepted code
   or unit, an ISO date; a value outside its limits (or within float error of one); list columns
   that do not fit together; prior lines repeated, out of order or ongoing but not last; a date
   after the assessment date; an unknown profile.
2. :func:`settle` runs the case intake on the suspect rows only: a rejected row gets its
   problems, an accepted one is replaced by the canonical row of the validated case.
3. After the facts are derived, :func:`contradictory` flags the rows for which a contradiction
   rule of the knowledge base is true; the intake gives their messages.

The fast reading never accepts a row the intake would reject: the equivalence test
(``tests/test_cohort_equivalence.py``) checks it on generated rows with broken cells.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl

from hepatoboard.cohort import layout, rows
from hepatoboard.cohort.frame import collect
from hepatoboard.contracts.errors import CaseError, Problem
from hepatoboard.contracts.vocab import METASTASIS_SITES, NODE_STATIONS
from hepatoboard.knowledge.base import KnowledgeBase
from hepatoboard.knowledge.units import Bounds

INT = r"^-?[0-9]+$"
NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
NEAR = 1e-9  # relative distance to a limit within which the intake decides


@dataclass
class Invalid:
    """A rejected row: its row number and the intake's problems."""

    row: int
    problems: list[Problem]
    source: str | None = None  # the file, when the input is a folder of case files


def _text(col: str, df: pl.DataFrame) -> pl.Expr:
    """The cell as stripped text (null when empty), whatever the column's type."""
    e = pl.col(col)
    if df.schema[col] != pl.String:
        e = e.cast(pl.String)
    s = e.str.strip_chars()
    return pl.when(s == "").then(None).otherwise(s)


def _given(name: str, df: pl.DataFrame) -> pl.Expr:
    """The cell holds something (an empty or blank text cell holds nothing)."""
    if name not in df.columns:
        return pl.lit(False)
    if df.schema[name] == pl.String:
        return _text(name, df).is_not_null()
    return pl.col(name).is_not_null()


def _bounds(v: pl.Expr, b: Bounds | None, near: float = 0.0) -> pl.Expr:
    """True where ``v`` is within ``b`` (and, with ``near``, not within that relative distance
    of a limit, where float error could decide)."""
    if b is None:
        return pl.lit(True)
    ok = pl.lit(True)
    for limit, above, strict in (
        (b.min, True, False),
        (b.min_exclusive, True, True),
        (b.max, False, False),
    ):
        if limit is None:
            continue
        room = near * (abs(limit) + 1.0)
        if above:
            ok = ok & ((v > limit + room) if strict or room else (v >= limit))
        else:
            ok = ok & ((v < limit - room) if room else (v <= limit))
    return ok


def _scalar(col: layout.Column, df: pl.DataFrame) -> tuple[pl.Expr, pl.Expr]:
    """(typed value, cell is fine) of one column."""
    name = col.name
    present = name in df.columns
    if not present:
        return pl.lit(None, rows._DTYPES[col.kind]), pl.lit(True)
    dtype = df.schema[name]
    t = _text(name, df)
    if col.kind == "int":
        if dtype == pl.Int64:
            value = pl.col(name)
            return value, value.is_null() | _bounds(value, col.bounds)
        else:
            value = t.cast(pl.Int64, strict=False)
            fine = t.str.contains(INT) & value.is_not_null()
        return value, (t.is_null() | (fine & _bounds(value, col.bounds)))
    if col.kind == "number":
        if dtype in (pl.Float64, pl.Int64):
            value = pl.col(name).cast(pl.Float64)
            return value, value.is_null() | (value.is_finite() & _bounds(value, col.bounds))
        else:
            value = t.cast(pl.Float64, strict=False)
            fine = t.str.contains(NUMBER) & value.is_not_null()
        fine = fine & value.is_finite()
        return value, (value.is_null() & t.is_null()) | (fine & _bounds(value, col.bounds))
    if col.kind in ("bool", "tristate"):
        if dtype == pl.Boolean:
            return pl.col(name), pl.lit(True)
        words = ["true", "false"] + (["unknown"] if col.kind == "tristate" else [])
        value = pl.when(t == "true").then(True).when(t == "false").then(False)
        return value, t.is_null() | t.is_in(words)
    if col.kind in ("enum", "unit"):
        assert col.values is not None
        if dtype == pl.String:  # exact codes are read as they are; anything else is suspect
            raw = pl.col(name)
            value = pl.when(raw != "").then(raw)
            return value, raw.is_null() | raw.is_in([*col.values, ""])
        return t, t.is_null() | t.is_in(list(col.values))
    if col.kind == "date":
        if dtype == pl.Date:
            return pl.col(name), pl.lit(True)
        value = t.str.to_date("%Y-%m-%d", strict=False)
        return value, t.is_null() | (t.str.contains(DATE) & value.is_not_null())
    if col.kind == "codes":
        assert col.values is not None
        if f"#items:{name}" in df.columns:  # read once per distinct cell (_distinct_codes)
            return pl.col(f"#items:{name}"), pl.col(f"#fine:{name}")
        items = (
            pl.col(name).list.eval(pl.element().cast(pl.String))
            if isinstance(dtype, pl.List)
            else _split(t)
        )
        fine = items.list.eval(pl.element().is_in(list(col.values)).all()).list.first()
        fine = fine.fill_null(True) & _short(items, name)
        if name == "medications":  # 'none' alone is the empty list
            only_none = (items.list.len() == 1) & (items.list.first() == layout.NONE_WORD)
            fine = fine & ~(items.list.contains(layout.NONE_WORD) & ~only_none)
            items = pl.when(only_none).then(pl.lit([], pl.List(pl.String))).otherwise(items)
        return items, items.is_null() | fine
    if col.kind == "numbers":
        if isinstance(dtype, pl.List):
            items = pl.col(name).list.eval(pl.element().cast(pl.Float64))
            each = pl.lit(True)
        else:
            parts = _split(t)
            items = parts.list.eval(pl.element().cast(pl.Float64, strict=False))
            each = parts.list.eval(pl.element().str.contains(NUMBER).all()).list.first()
        inside = items.list.eval(
            (pl.element().is_finite() & _bounds(pl.element(), col.bounds)).all()
        ).list.first()
        fine = each.fill_null(True) & inside.fill_null(False) & _short(items, name)
        return items, items.is_null() | fine
    if col.kind == "json":  # read by the case intake itself (always suspect when given)
        return t, t.is_null()
    value = t if name != "id" else pl.col(name).cast(pl.String)
    fine = pl.lit(True) if name != "id" else value.is_null() | (value.str.len_chars() <= 200)
    return value, fine


def _distinct_codes(raw: pl.DataFrame) -> pl.DataFrame:
    """``raw`` with, for each text column of codes (those of the list entries too, such as
    ``lymph_nodes.<station>.compression``), its items and cell check as columns
    (``#items:<name>``, ``#fine:<name>``), computed by :func:`_scalar` once per distinct cell
    and joined back: such a column has few distinct cells (5 to 40 in 250,000 rows of the
    benchmark), and splitting and checking lists per row cost more than the join."""
    out = raw
    for col in layout.columns():
        name = col.name
        if col.kind != "codes" or name not in raw.columns or raw.schema[name] != pl.String:
            continue
        distinct = raw.select(pl.col(name).unique())
        items, fine = _scalar(col, distinct)
        table = collect(
            distinct.lazy().with_columns(items.alias(f"#items:{name}"), fine.alias(f"#fine:{name}"))
        )
        out = out.join(table, on=name, how="left", maintain_order="left", nulls_equal=True)
    return out


def _split(t: pl.Expr) -> pl.Expr:
    """A ``;``-separated cell as its stripped, non-empty items."""
    return t.str.split(layout.LIST_SEPARATOR).list.eval(
        pl.element().str.strip_chars().filter(pl.element().str.strip_chars() != "")
    )


def _short(items: pl.Expr, name: str) -> pl.Expr:
    """The list is no longer than ``case_limits.yaml: lists`` allows."""
    from hepatoboard.knowledge.load import case_limits

    longest = case_limits().lists.max_items.get(name)
    return pl.lit(True) if longest is None else (items.list.len() <= longest).fill_null(True)


def _units(col: layout.Column, kb: KnowledgeBase) -> dict[str, str]:
    q = kb.limits.quantities[col.quantity or ""]
    return {**{u: u for u in q.units}, **q.aliases}


def _measurement(
    col: layout.Column, value: pl.Expr, unit: pl.Expr, kb: KnowledgeBase
) -> tuple[pl.Expr, pl.Expr]:
    """(normalised unit, cells are fine): a value needs an accepted unit and a canonical value
    within the quantity's limits."""
    q = kb.limits.quantities[col.quantity or ""]
    norm = unit.replace_strict(_units(col, kb), default=None, return_dtype=pl.String)
    factor = norm.replace_strict(dict(q.units), default=None, return_dtype=pl.Float64)
    canonical = value * factor
    fine = value.is_null() | (norm.is_not_null() & _bounds(canonical, q, NEAR))
    return norm, fine


def _group_flag(name: str, df: pl.DataFrame) -> tuple[pl.Expr, pl.Expr]:
    """(true / false / null, cell is fine) of a station or site column."""
    col = layout.Column(name, "bool", "")
    return _scalar(col, df)


@dataclass(frozen=True)
class Entry:
    """One possible list entry of a row: is it there, and its fields."""

    present: pl.Expr
    fields: dict[str, pl.Expr]


@dataclass(frozen=True)
class Listed:
    """A list column to build: is the list given at all, and its possible entries in order."""

    given: pl.Expr
    entries: list[Entry]

    def build(self, df: pl.DataFrame, dtype: pl.DataType) -> pl.Series:
        """The list column (entries in order; null where the list is not given)."""
        assert isinstance(dtype, pl.List)
        inner = dtype.inner
        assert isinstance(inner, pl.Struct)
        names = [f.name for f in inner.fields]
        row = pl.int_range(pl.len(), dtype=pl.UInt32).alias("#row")
        parts = [
            df.lazy()
            .select(
                row,
                pl.lit(k, pl.UInt32).alias("#k"),
                e.present.alias("#on"),
                *(e.fields[n].cast(inner.fields[i].dtype).alias(n) for i, n in enumerate(names)),
            )
            .filter(pl.col("#on"))
            for k, e in enumerate(self.entries)
        ]
        long = pl.concat(parts).sort("#row", "#k")
        lists = long.group_by("#row", maintain_order=True).agg(pl.struct(names).alias("#list"))
        given = df.lazy().select(row, self.given.fill_null(False).alias("#given"))
        out = collect(
            given.join(lists, on="#row", how="left", maintain_order="left").select(
                pl.when(pl.col("#given"))
                .then(pl.col("#list").fill_null(pl.lit([], dtype)))
                .alias("#list")
            ),
            cse=True,
        )
        return out.to_series().cast(dtype)


def _keyed(
    df: pl.DataFrame, group: str, keys: tuple[str, ...], first: str, fields: tuple[str, ...]
) -> tuple[Listed, pl.Expr]:
    """(list of structs or null, cells fit together) of nodes by station / sites."""
    cols = layout.by_name()
    none_v, none_ok = _scalar(cols[group], df)
    none = none_v == layout.NONE_WORD
    fine, stated = [none_ok], none.fill_null(False)
    entries = []
    for key in keys:
        flag, ok = _group_flag(f"{group}.{key}", df)
        fine.append(ok)
        stated = stated | flag.is_not_null()
        attrs, given = {}, pl.lit(False)
        for fld in fields:
            value, ok = _scalar(cols[f"{group}.{key}.{fld}"], df)
            fine.append(ok)
            attrs[fld] = value
            given = given | _given(f"{group}.{key}.{fld}", df)
        on = flag.fill_null(False)
        fine.append(~(given & ~on) & ~(on & none.fill_null(False)))
        entries.append(Entry(on, {first: pl.lit(key), **attrs}))
    return Listed(stated, entries), pl.all_horizontal(fine)


def _prior(df: pl.DataFrame) -> tuple[Listed, pl.Expr, list[dict[str, pl.Expr]]]:
    """(list of prior treatments or null, cells are fine, the slots' typed values)."""
    cols = layout.by_name()
    none_v, none_ok = _scalar(cols["prior_therapies"], df)
    fine = [none_ok]
    none = (none_v == layout.NONE_WORD).fill_null(False)
    slots, entries, any_given = [], [], pl.lit(False)
    for k in range(1, layout.PRIOR_SLOTS + 1):
        attrs, given = {}, _slot_given(k, df)
        for fld in rows.PRIOR_FIELDS:
            name = f"prior_therapies.{k}.{fld}"
            value, ok = _scalar(cols[name], df)
            fine.append(ok)
            attrs[fld] = value
        fine.append(~(given & attrs["regimen"].is_null()))
        entries.append(Entry(given, dict(attrs)))
        attrs["#given"] = given
        slots.append(attrs)
        any_given = any_given | given
    fine.append(~(none & any_given))
    return Listed(any_given | none, entries), pl.all_horizontal(fine), slots


def _slot_given(k: int, df: pl.DataFrame) -> pl.Expr:
    """Is any cell of prior line ``k`` given? Read from its column when :func:`_with_given`
    has stored it (the structural checks read it for every pair of lines)."""
    col = f"#given:prior_therapies.{k}"
    if col in df.columns:
        return pl.col(col)
    given = pl.lit(False)
    for fld in rows.PRIOR_FIELDS:
        given = given | _given(f"prior_therapies.{k}.{fld}", df)
    return given


def _with_given(raw: pl.DataFrame) -> pl.DataFrame:
    """``raw`` with :func:`_slot_given` of every prior line stored as a column: in one
    expression, the checks of :func:`_prior_structure` recomputed it for every pair of lines.
    That check alone on 250,000 rows of the benchmark: 0.51 s of CPU before, 0.05 s reading
    the columns (load average 2.3 on 2 cores)."""
    given = [
        _slot_given(k, raw).alias(f"#given:prior_therapies.{k}")
        for k in range(1, layout.PRIOR_SLOTS + 1)
    ]
    return collect(raw.lazy().with_columns(given), cse=True)


def _prior_structure(slots: list[dict[str, pl.Expr]], declines: pl.Expr) -> pl.Expr:
    """True where the prior lines pass the intake's structural checks (one regimen per line,
    lines in order, 'ongoing' only for the most recent line and not declined)."""
    ok = pl.lit(True)
    for i, a in enumerate(slots):
        for b in slots[i + 1 :]:
            both = a["#given"] & b["#given"] & a["line"].is_not_null() & b["line"].is_not_null()
            ok = ok & ~(both & (a["line"] >= b["line"]))
        ongoing = a["#given"] & (a["stop_reason"] == "ongoing").fill_null(False)
        later = pl.any_horizontal([b["#given"] for b in slots[i + 1 :]] or [pl.lit(False)])
        ok = ok & ~(ongoing & later)
        declined = declines.list.contains(a["regimen"]).fill_null(False)
        ok = ok & ~(ongoing & declined)
    return ok


def parse(
    raw: pl.DataFrame, kb: KnowledgeBase, as_of: dt.date, profile: str | None
) -> tuple[pl.DataFrame, pl.Series]:
    """(canonical rows, suspect flag per row) of a flat frame (see the module docstring)."""
    raw = _with_given(_distinct_codes(raw))
    exprs: dict[str, pl.Expr] = {}
    fine: list[pl.Expr] = []
    cols = layout.by_name()
    for col in rows.scalar_columns():
        if col.kind == "unit":
            continue
        value, ok = _scalar(col, raw)
        fine.append(ok)
        exprs[col.name] = value
        if col.quantity is not None:
            unit_col = cols[f"{col.name}.unit"]
            unit, unit_ok = _scalar(unit_col, raw)
            norm, m_ok = _measurement(col, value, unit, kb)
            fine += [unit_ok, m_ok]
            exprs[unit_col.name] = pl.when(value.is_not_null()).then(norm)
    nodes, ok = _keyed(raw, "lymph_nodes", NODE_STATIONS, "station", rows.NODE_FIELDS)
    mets, ok2 = _keyed(raw, "distant_metastases", METASTASIS_SITES, "site", rows.SITE_FIELDS)
    prior, ok3, slots = _prior(raw)
    fine += [ok, ok2, ok3, _prior_structure(slots, exprs["preferences.declines"])]
    dated = [s["date"] for s in slots]
    for path in ("labs.date", "varices.endoscopy_date", "comorbidities.last_gi_bleeding_date"):
        dated.append(exprs[path])
    for value in dated:
        fine.append(~(value > pl.lit(as_of)).fill_null(False))
    if profile is None:
        fine.append(exprs["profile"].is_null() | exprs["profile"].is_in(list(kb.profiles)))
    schema = rows.schema()
    lists = {"lymph_nodes": nodes, "distant_metastases": mets, "prior_therapies": prior}
    suspect = ~pl.all_horizontal([x.fill_null(False) for x in fine])
    out = collect(
        raw.lazy().select(
            [
                exprs[name].cast(dtype).alias(name)
                for name, dtype in schema.items()
                if name not in lists
            ]
            + [suspect.alias("#suspect")]
        ),
        cse=True,
    )
    built = {name: lst.build(raw, schema[name]).alias(name) for name, lst in lists.items()}
    return out.with_columns(**built).select(list(schema)), out["#suspect"]


def check_row(
    row: dict[str, Any], kb: KnowledgeBase, as_of: dt.date, profile: str | None
) -> dict[str, Any]:
    """The canonical row of one flat row, by the case intake (raises :class:`CaseError`)."""
    from hepatoboard.intake import parse_case
    from hepatoboard.pipeline import resolve_profile

    case = parse_case(rows.row_to_document(row), as_of=as_of, kb=kb)
    resolve_profile(case, profile, kb)
    return rows.case_to_row(case)


def settle(
    raw: pl.DataFrame,
    canonical: pl.DataFrame,
    suspect: pl.Series,
    numbers: pl.Series,
    kb: KnowledgeBase,
    as_of: dt.date,
    profile: str | None,
) -> tuple[pl.DataFrame, pl.Series, list[Invalid]]:
    """Run the case intake on the suspect rows: (canonical rows kept, their row numbers, the
    rejected rows)."""
    idx = suspect.arg_true()
    if not len(idx):
        return canonical, numbers, []
    invalid: list[Invalid] = []
    fixed: list[tuple[int, dict[str, Any]]] = []
    for i, row in zip(idx.to_list(), raw[idx].to_dicts(), strict=True):
        try:
            fixed.append((i, check_row(row, kb, as_of, profile)))
        except CaseError as exc:
            invalid.append(Invalid(int(numbers[i]), exc.problems))
    keep = pl.Series([True] * canonical.height)
    for inv_i in idx.to_list():
        keep[inv_i] = False
    good = canonical.filter(keep)
    good_numbers = numbers.filter(keep)
    if fixed:
        extra = pl.DataFrame([r for _, r in fixed], schema=rows.schema(), orient="row")
        order = pl.Series([numbers[i] for i, _ in fixed], dtype=numbers.dtype)
        good = pl.concat([good, extra])
        good_numbers = pl.concat([good_numbers, order])
        perm = good_numbers.arg_sort()
        good, good_numbers = good[perm], good_numbers[perm]
    return good, good_numbers, invalid


def contradictory(facts: Any) -> pl.Series:
    """Per row: is a contradiction rule of the knowledge base true (``contradictions.yaml``)?"""
    comp = facts.compiler()
    hits = [comp(c.when).value.fill_null(False) for c in facts.kb.contradictions]
    if not hits:
        return pl.Series([False] * len(facts))
    return facts.df.select(pl.any_horizontal(hits)).to_series()
