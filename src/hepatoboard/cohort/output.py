"""The per-row output of the cohort engine: one row per case (``docs/cohort.md``).

Masks become text here: each distinct mask value of a column is decoded once (there are few)
and the decoded text is put back with one lookup, so decoding costs little per row. Lists are
``;``-separated text, the same in Parquet and CSV; an empty list is an empty string.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import polars as pl

from hepatoboard.cohort.exact import python_round, rounded
from hepatoboard.cohort.frame import Facts
from hepatoboard.cohort.plan import PlanColumns
from hepatoboard.criteria.polars import Compiled, CompiledClassification, FieldBits, Mask

SEP = ";"


def decode(
    df: pl.DataFrame, mask: Mask, words: int, text: Callable[[Sequence[int | None]], str]
) -> pl.Series:
    """``text(mask words)`` for every row, computed once per distinct mask value."""
    used = mask.used_words()
    if not used:
        return pl.Series([text([0] * words)] * df.height, dtype=pl.String)
    keys = df.select([mask.word(w).alias(f"w{w}") for w in used])
    if len(used) == 1:
        key = keys.to_series()
        distinct = key.unique()
        values = []
        for v in distinct.to_list():
            full = [0] * words
            full[used[0]] = v
            values.append(text(full))
        return key.replace_strict(
            distinct, pl.Series(values, dtype=pl.String), return_dtype=pl.String
        )
    distinct_rows = keys.unique()
    joined = distinct_rows.with_columns(
        pl.Series(
            "#text",
            [text(_full(r, used, words)) for r in distinct_rows.iter_rows()],
            dtype=pl.String,
        )
    )
    return keys.join(
        joined, on=list(keys.columns), how="left", maintain_order="left", nulls_equal=True
    )["#text"]


def _full(row: tuple[int, ...], used: list[int], words: int) -> list[int | None]:
    full: list[int | None] = [0] * words
    for w, v in zip(used, row, strict=True):
        full[w] = v
    return full


def fields_text(bits: FieldBits) -> Callable[[Sequence[int | None]], str]:
    return lambda words: SEP.join(bits.decode(words))


def ids_text(bits: FieldBits) -> Callable[[Sequence[int | None]], str]:
    return lambda words: SEP.join(bits.decode(words, ordered=True))


def decisions(
    f: Facts, staging: dict[str, CompiledClassification], plan: PlanColumns
) -> dict[str, Mask]:
    """Every decision the assessment's ``missing_data`` names, in its order, with the mask of
    the case fields that block it."""
    out: dict[str, Mask] = {}
    for fact, key in (
        ("child_pugh_points", "scores.child_pugh"),
        ("albi_score", "scores.albi"),
        ("meld", "scores.meld.meld"),
        ("meld_na", "scores.meld.meld_na"),
        ("meld_3_0", "scores.meld.meld_3_0"),
    ):
        out[key] = f.columns[fact].mask.where(f.null(fact))
    for name in ("t", "n", "m", "stage"):
        c = staging[name]
        out[f"staging.tnm.{name}"] = c.mask.where(c.value.is_null())
    out["staging.bclc"] = staging["bclc"].mask.where(staging["bclc"].value.is_null())
    out.update(plan.blocks)
    for fact, key in (
        ("regional_node_stations", "staging.nodes"),
        ("compressive_nodes", "staging.nodes.compressive"),
    ):
        out[key] = f.columns[fact].mask.where(f.null(fact))
    return out


def _result_columns(f: Facts) -> dict[str, pl.Expr]:
    """Scores, staging and intent (ALBI rounded for display as the assessment rounds it)."""
    kb, v = f.kb, f.value
    decimals = kb.scores.albi.display_decimals
    albi = rounded(f.df.select(v("albi_score")).to_series(), decimals, python_round)
    albi_m = rounded(f.df.select(v("albi_score_measured")).to_series(), decimals, python_round)
    f.df = f.df.with_columns(albi.alias("#albi_display"), albi_m.alias("#albi_m_display"))
    confounded = v("liver_function_confounded").fill_null(False)
    cols: dict[str, pl.Expr] = {
        "row": pl.col("#row"),
        "case_id": pl.col("id"),
        "profile": pl.col("#profile"),
        "scores.child_pugh.points": v("child_pugh_points"),
        "scores.child_pugh.class": v("child_pugh_class"),
        "scores.albi.score": pl.col("#albi_display"),
        "scores.albi.grade": v("albi_grade"),
        "scores.albi.malbi_grade": v("malbi_grade"),
        "scores.meld.meld": v("meld"),
        "scores.meld.meld_na": v("meld_na"),
        "scores.meld.meld_3_0": v("meld_3_0"),
        "scores.creatinine_clearance_ml_min": v("creatinine_clearance_ml_min"),
        "scores.confounded": confounded,
        "scores.confounded.child_pugh_points": pl.when(confounded).then(
            v("child_pugh_points_measured")
        ),
        "scores.confounded.child_pugh_class": pl.when(confounded).then(
            v("child_pugh_class_measured")
        ),
        "scores.confounded.albi_score": pl.when(confounded).then(pl.col("#albi_m_display")),
        "staging.tnm.t": v("tnm_t"),
        "staging.tnm.n": v("tnm_n"),
        "staging.tnm.m": v("tnm_m"),
        "staging.tnm.stage": v("tnm_stage"),
        "staging.bclc": v("bclc_stage"),
        "staging.nodes.regional": pl.when(pl.col("lymph_nodes").is_not_null()).then(
            pl.col("#n.list.regional").list.join(SEP)
        ),
        "staging.nodes.distant": pl.when(pl.col("lymph_nodes").is_not_null()).then(
            pl.col("#n.list.distant").list.join(SEP)
        ),
        "staging.nodes.extra_abdominal": v("extra_abdominal_nodes"),
        "staging.nodes.compressive": v("compressive_nodes"),
        "staging.nodes.total_count": v("node_total"),
        "staging.nodes.largest_short_axis_mm": v("largest_node_mm"),
        "staging.nodes.indeterminate": pl.col("#n.list.indeterminate").list.join(SEP),
        "plan.intent": v("plan_intent"),
    }
    return cols


def build(
    f: Facts,
    staging: dict[str, CompiledClassification],
    plan: PlanColumns,
    *,
    prognosis: bool = False,
) -> pl.DataFrame:
    """The output frame (see the module docstring and ``docs/cohort.md``)."""
    cols = _result_columns(f)
    found = decisions(f, staging, plan)
    stored_blocks = f.store({}, {f"#d.{k}": m for k, m in found.items()})
    blocks = {k: stored_blocks[f"#d.{k}"] for k in found}
    union_mask = Mask()
    for mask in blocks.values():
        union_mask = union_mask | mask
    masks: dict[str, Mask] = {f"missing.{k}": m for k, m in blocks.items()}
    masks["missing_fields"] = union_mask
    for oid, oc in plan.options.items():
        cols[f"status.{oid}"] = oc.status
        cols[f"could_be.{oid}"] = oc.could_be
        cols[f"declined.{oid}"] = oc.declined
        masks[f"reasons.{oid}"] = oc.reasons
    cols["plan.supportive"] = _hits(plan.supportive)
    cols["plan.referrals"] = _hits(plan.referrals)
    stored: dict[str, Mask] = {}
    for key, mask in masks.items():
        words = {}
        for w in mask.used_words():
            cols[f"#{key}#{w}"] = mask.word(w)
            words[w] = pl.col(f"#{key}#{w}")
        stored[key] = Mask(exprs=words)
    out = f.df.lazy().select(**cols).collect()
    text: dict[str, pl.Series] = {}
    fields = fields_text(f.bits)
    for key, mask in stored.items():
        if key.startswith("reasons."):
            bits = plan.options[key.removeprefix("reasons.")].reason_bits
            text[key] = decode(out, mask, bits.words, ids_text(bits))
        else:
            text[key] = decode(out, mask, f.bits.words, fields)
    out = out.select(pl.exclude(r"^#.*$")).with_columns(**{k: s.alias(k) for k, s in text.items()})
    order = [c for c in cols if not c.startswith("#")]
    out = out.select(order + [k for k in text if k not in order])
    if prognosis:
        from hepatoboard.cohort.prognosis import medians

        out = out.with_columns(**medians(f, out))
    return out


def _hits(entries: Sequence[tuple[str, Compiled]]) -> pl.Expr:
    """The ids whose rule is true, in order, without repeats, ``;``-separated."""
    parts = []
    seen: set[str] = set()
    for name, c in entries:
        value = c.value.fill_null(False)
        if name in seen:
            earlier = [cc.value.fill_null(False) for n, cc in entries if n == name]
            value = pl.any_horizontal(earlier)
        parts.append((name, value))
        seen.add(name)
    unique = dict(parts)
    return pl.concat_str(
        [pl.when(hit).then(pl.lit(name)) for name, hit in unique.items()],
        separator=SEP,
        ignore_nulls=True,
    ).fill_null("")
