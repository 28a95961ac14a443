"""Writing a cohort's results: the per-row file (Parquet or CSV) and the cohort summary
(Markdown and HTML): counts per stage and option status, the top missing fields with the
decisions each blocks, and the invalid rows with row number, field and message."""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from hepatoboard.cohort.mapping import InputError
from hepatoboard.cohort.validate import Invalid
from hepatoboard.knowledge.base import KnowledgeBase

STATUSES = ("recommended", "consider", "undetermined", "not_eligible")
TOP_FIELDS = 15
SHOWN_INVALID = 200


def write_output(df: pl.DataFrame, path: Path) -> None:
    """The per-row results as Parquet (``.parquet``/``.pq``) or CSV (``.csv``)."""
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        df.write_parquet(path)
    elif suffix == ".csv":
        df.write_csv(path)
    else:
        raise InputError(f"--out: '{path}' must end in .parquet, .pq or .csv")


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]]
    note: str = ""


def _pct(n: int, total: int) -> str:
    return f"{n} ({100 * n / total:.0f}%)" if total else str(n)


def tables(df: pl.DataFrame, invalid: list[Invalid], kb: KnowledgeBase) -> list[Table]:
    """The summary's tables (the same in Markdown and HTML)."""
    n = df.height
    out = [
        _counts(df, "staging.bclc", "BCLC stage"),
        _counts(df, "staging.tnm.stage", "AJCC stage"),
    ]
    out.append(_counts(df, "plan.intent", "Treatment intent"))
    unknown = [
        [label, _pct(df[col].null_count(), n)]
        for col, label in (
            ("scores.child_pugh.points", "Child-Pugh"),
            ("scores.albi.score", "ALBI"),
            ("scores.meld.meld", "MELD"),
            ("staging.tnm.stage", "AJCC stage"),
            ("staging.bclc", "BCLC stage"),
            ("plan.intent", "treatment intent"),
        )
    ]
    out.append(Table("Unknown results", ["result", "unknown"], unknown))
    status_rows = []
    for oid, o in kb.options.items():
        counts = df[f"status.{oid}"].value_counts()
        by = dict(counts.iter_rows())
        status_rows.append([o.name, *(str(by.get(s, 0)) for s in STATUSES)])
    out.append(Table("Option status (rows)", ["option", *STATUSES], status_rows))
    out.append(_missing(df))
    out.append(_invalid(invalid))
    return out


def _counts(df: pl.DataFrame, col: str, title: str) -> Table:
    counts = df[col].fill_null("unknown").value_counts(sort=True)
    rows = [[str(v), _pct(c, df.height)] for v, c in counts.iter_rows()]
    return Table(title, [title, "rows"], rows)


def _missing(df: pl.DataFrame) -> Table:
    """The most often missing fields, and how many rows each blocks per decision."""
    fields: Counter[str] = Counter()
    for value, count in df["missing_fields"].value_counts().iter_rows():
        for f in (value or "").split(";"):
            if f:
                fields[f] += count
    top = [f for f, _ in fields.most_common(TOP_FIELDS)]
    blocks: dict[str, Counter[str]] = {f: Counter() for f in top}
    for col in df.columns:
        if not col.startswith("missing.") or col == "missing_fields":
            continue
        decision = col.removeprefix("missing.")
        for value, count in df[col].value_counts().iter_rows():
            for f in (value or "").split(";"):
                if f in blocks:
                    blocks[f][decision] += count
    rows = []
    for f in top:
        most = ", ".join(f"{d} ({c})" for d, c in blocks[f].most_common(8))
        more = len(blocks[f]) - 8
        rows.append(
            [f, _pct(fields[f], df.height), most + (f", and {more} more" if more > 0 else "")]
        )
    return Table(
        "Top missing fields and the decisions each blocks",
        ["field", "rows missing it", "decisions it blocks (rows)"],
        rows,
        "A missing field is never read as normal: each decision it could change is unknown or "
        "capped until it is recorded.",
    )


def _invalid(invalid: list[Invalid]) -> Table:
    rows = []
    for inv in invalid:
        for p in inv.problems:
            where = f"{inv.source}" if inv.source else ""
            rows.append(
                [str(inv.row), p.path or "(row)", p.message + (f" [{where}]" if where else "")]
            )
    shown = rows[:SHOWN_INVALID]
    note = f"{len(invalid)} invalid row(s): not assessed (no plan is computed from invalid data)."
    if len(rows) > len(shown):
        note += f" The first {len(shown)} of {len(rows)} problems are shown."
    return Table("Invalid rows", ["row", "field", "message"], shown, note)


def _header(df: pl.DataFrame, invalid: list[Invalid], kb: KnowledgeBase, as_of: str) -> list[str]:
    return [
        f"Rows assessed: {df.height}; invalid rows: {len(invalid)}.",
        f"Knowledge base {kb.version}; assessment date {as_of}.",
        kb.plan.disclaimer,
    ]


def markdown(df: pl.DataFrame, invalid: list[Invalid], kb: KnowledgeBase, as_of: str) -> str:
    lines = ["# hepatoboard cohort summary", ""]
    lines += [f"{x}  " for x in _header(df, invalid, kb, as_of)]
    for t in tables(df, invalid, kb):
        lines += ["", f"## {t.title}", ""]
        if t.note:
            lines += [t.note, ""]
        if not t.rows:
            lines.append("(none)")
            continue
        lines.append("| " + " | ".join(t.header) + " |")
        lines.append("|" + "---|" * len(t.header))
        for r in t.rows:
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |")
    return "\n".join(lines) + "\n"


def to_html(df: pl.DataFrame, invalid: list[Invalid], kb: KnowledgeBase, as_of: str) -> str:
    e = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>hepatoboard cohort summary</title>",
        "<style>body{font-family:sans-serif;max-width:70em;margin:2em auto}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #999;"
        "padding:.2em .5em;text-align:left}</style></head><body>",
        "<h1>hepatoboard cohort summary</h1>",
    ]
    parts += [f"<p>{e(x)}</p>" for x in _header(df, invalid, kb, as_of)]
    for t in tables(df, invalid, kb):
        parts.append(f"<h2>{e(t.title)}</h2>")
        if t.note:
            parts.append(f"<p>{e(t.note)}</p>")
        if not t.rows:
            parts.append("<p>(none)</p>")
            continue
        parts.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in t.header) + "</tr>")
        for r in t.rows:
            parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
