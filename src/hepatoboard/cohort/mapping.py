"""Mapping files: a registry's own column names and codes to the flat layout.

A mapping is YAML (``docs/cohort.md``)::

    format: hepatoboard-cohort-mapping/1
    columns: {AGE: patient.age, BILI: labs.bilirubin}   # registry column -> layout column
    unknown: ["ND", "99"]             # codes that mean "not documented", in every column
    codes:                            # per layout column: registry code -> layout value
      clinical.ascites: {"0": none, "1": mild, "2": moderate_severe, "9": null}
    constants: {labs.bilirubin.unit: umol/L}   # the value of every empty cell
    ignore: [NAME, ADDRESS]           # registry columns that are not read

A code mapped to ``null`` (or listed under ``unknown``) is unknown, never a normal value. A code
that is not mapped is passed on as it is, so the case intake rejects it if it is not valid.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hepatoboard.cohort import layout
from hepatoboard.contracts.errors import HepatoboardError

FORMAT = "hepatoboard-cohort-mapping/1"


class InputError(HepatoboardError):
    """An input file or a mapping cannot be used (the run stops before any row is read)."""


class Mapping(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["hepatoboard-cohort-mapping/1"] = "hepatoboard-cohort-mapping/1"
    columns: dict[str, str] = Field(default_factory=dict)
    unknown: list[str] = Field(default_factory=list)
    codes: dict[str, dict[str, str | None]] = Field(default_factory=dict)
    constants: dict[str, str] = Field(default_factory=dict)
    ignore: list[str] = Field(default_factory=list)


def load_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping file (raises :class:`InputError` naming what is wrong)."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        mapping = Mapping.model_validate(data or {})
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read the mapping: {exc}") from None
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{path}: {where}: {first['msg']}") from None
    known = layout.by_name()
    targets = [*mapping.columns.values(), *mapping.codes, *mapping.constants]
    bad = [t for t in targets if t not in known]
    if bad:
        raise InputError(f"{path}: not a column of the flat layout: {_suggest(bad)}")
    return mapping


def _suggest(names: list[str]) -> str:
    known = list(layout.by_name())
    parts = []
    for n in names:
        guess = difflib.get_close_matches(n, known, n=1)
        parts.append(f"{n!r}" + (f" (did you mean {guess[0]!r}?)" if guess else ""))
    return ", ".join(parts)


def apply(df: pl.DataFrame, mapping: Mapping | None, source: str = "input") -> pl.DataFrame:
    """The frame in layout columns: renamed, codes mapped, constants added, unknown columns
    refused (a column that is not read would be silently lost)."""
    m = mapping or Mapping()
    df = df.drop([c for c in m.ignore if c in df.columns])
    df = df.rename({k: v for k, v in m.columns.items() if k in df.columns})
    known = layout.by_name()
    extra = [c for c in df.columns if c not in known]
    if extra:
        raise InputError(
            f"{source}: columns that are not in the flat layout (rename them in a mapping "
            f"file, or list them under 'ignore'): {_suggest(extra)}"
        )
    exprs: list[pl.Expr] = []
    for name in df.columns:
        codes = m.codes.get(name)
        if not (codes or m.unknown):
            continue
        col = pl.col(name) if df.schema[name] == pl.String else pl.col(name).cast(pl.String)
        if m.unknown:
            col = pl.when(col.str.strip_chars().is_in(m.unknown)).then(None).otherwise(col)
        if codes:
            col = _recode(col, codes)
        exprs.append(col.alias(name))
    df = df.with_columns(exprs) if exprs else df
    return df.with_columns(
        (pl.col(k).cast(pl.String).fill_null(v) if k in df.columns else pl.lit(v, pl.String)).alias(
            k
        )
        for k, v in m.constants.items()
    )


def _recode(col: pl.Expr, codes: dict[str, str | None]) -> pl.Expr:
    stripped = col.str.strip_chars()
    out: Any = pl
    for code, value in codes.items():
        out = out.when(stripped == code).then(pl.lit(value, pl.String))
    return out.otherwise(col)
