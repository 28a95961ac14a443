"""The per-row output of the cohort engine: one row per case (``docs/cohort.md``).

Masks become text here: each distinct mask value of a column is decoded once (there are few)
and the decoded text is put back with one lookup, so decoding costs little per row; a mask with
many distinct values (the union of every missing field) is spelled out per row instead. Lists are
``;``-separated text, the same in Parquet and CSV; an empty list is an empty string. The
decoded columns are categorical (each distinct text stored once; dictionary-encoded in
Parquet).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl

from hepatoboard.cohort.exact import python_round, rounded
from hepatoboard.cohort.frame import Facts, collect
from hepatoboard.cohort.plan import STATUS, PlanColumns
from hepatoboard.criteria.polars import (
    WORD,
    Compiled,
    CompiledClassification,
    FieldBits,
    Mask,
    classify,
)
from hepatoboard.facts.hcc_scores import GROUP_FACT

SEP = ";"


Text = Callable[[Sequence[int | None]], str]


MANY = 4096
"""A mask column with more distinct values than this is spelled out per row (vectorised)
rather than decoded once per distinct value in Python."""


@dataclass(frozen=True)
class Spell:
    """How to write a mask as text: its bits' names, sorted or in allocation order (ids)."""

    mask: Mask
    bits: FieldBits
    ordered: bool = False


def decode_all(df: pl.DataFrame, masks: dict[str, Spell], many: int = MANY) -> pl.DataFrame:
    """The text of every named mask for every row. A mask with few distinct values is decoded
    once per distinct value and put back with one lookup; one with many (the union of every
    missing field) is spelled out with one piece per bit that occurs. A mask of several words
    is keyed by the hash of its words; every row's words are checked against those of its key
    (a hash collision falls back to a lookup by join). The lookups run in one parallel pass."""
    keys: dict[str, pl.Expr] = {}
    aggs: list[pl.Expr] = []
    keyed = {
        f"#key.{name}": pl.struct(sp.mask.word(w).alias(f"w{w}") for w in used).hash()
        for name, sp in masks.items()
        if len(used := sp.mask.used_words()) > 1
    }
    df = collect(df.lazy().with_columns(**keyed)) if keyed else df  # each hash computed once
    for name, sp in masks.items():
        used = sp.mask.used_words()
        words = [sp.mask.word(w).alias(f"w{w}") for w in used]
        if len(used) == 1:
            keys[name] = words[0]
            aggs.append(words[0].unique().implode().alias(name))
        elif used:
            keys[name] = pl.col(f"#key.{name}")
            first = keys[name].arg_unique()
            aggs.append(
                pl.struct(keys[name].alias("#k"), *words).gather(first).implode().alias(name)
            )
        aggs.extend(sp.mask.word(w).bitwise_or().alias(f"{name}#or{w}") for w in used)
    distinct = collect(df.lazy().select(aggs)) if aggs else pl.DataFrame()
    lookups, checks, codes, tables = [], [], [], {}
    spellers: dict[tuple[int, bool], Text] = {}
    for name, sp in masks.items():
        used = sp.mask.used_words()
        n_words = sp.bits.words
        sk = (id(sp.bits), sp.ordered)
        if sk not in spellers:
            spellers[sk] = ids_text(sp.bits) if sp.ordered else fields_text(sp.bits)
        text = spellers[sk]
        if not used:
            lookups.append(pl.lit(text([0] * n_words)).alias(name))
            continue
        values = distinct[name][0]
        if values.len() > many:
            seen = {w: distinct[f"{name}#or{w}"][0] or 0 for w in used}
            lookups.append(_spelled(sp, seen).alias(name))
            continue
        if len(used) == 1:
            hashes = values.to_list()
            rows = [{f"w{used[0]}": h} for h in hashes]
        else:
            rows = values.to_list()
            hashes = [r["#k"] for r in rows]
        texts = [text(_full(tuple(r[f"w{w}"] for w in used), used, n_words)) for r in rows]
        tables[name] = (used, rows, texts)
        code = f"#code.{name}"
        codes.append(
            keys[name]
            .replace_strict(hashes, range(len(hashes)), return_dtype=pl.UInt32)
            .alias(code)
        )
        table = pl.Series(texts, dtype=pl.Categorical)
        lookups.append(pl.lit(table).gather(pl.col(code)).alias(name))
        if len(used) > 1:
            same = [
                sp.mask.word(w)
                == pl.lit(pl.Series([r[f"w{w}"] for r in rows], dtype=WORD)).gather(pl.col(code))
                for w in used
            ]
            checks.append(pl.all_horizontal(same).all().alias(f"{name}#same"))
    coded = collect(df.lazy().with_columns(codes)) if codes else df
    out = collect(coded.lazy().select(lookups + checks))
    collided = [c.removesuffix("#same") for c in out.columns if c.endswith("#same")]
    for name in [c for c in collided if not out[f"{c}#same"][0]]:
        out = out.with_columns(_joined(df, masks[name], tables[name][0], spellers).alias(name))
    return out.select(pl.col(list(masks)).cast(pl.Categorical))


def _joined(df: pl.DataFrame, sp: Spell, used: list[int], spellers: dict) -> pl.Series:
    """The text of a mask by a join on its words (exact, for a mask whose hash collided)."""
    cols = [f"w{w}" for w in used]
    left = df.select(sp.mask.word(w).alias(f"w{w}") for w in used)
    table = left.unique(maintain_order=True)
    text = spellers[(id(sp.bits), sp.ordered)]
    texts = [text(_full(r, used, sp.bits.words)) for r in table.iter_rows()]
    table = table.with_columns(pl.Series("#text", texts, dtype=pl.String))
    return left.join(table, on=cols, how="left", maintain_order="left", nulls_equal=True)["#text"]


SPELL_GROUP = 8
"""Bits spelled together by :func:`_spelled`: their set bits index a table of the
``2 ** SPELL_GROUP`` texts of the group (fewer text columns per row than one per bit)."""


def _spelled(sp: Spell, seen: dict[int, int]) -> pl.Expr:
    """The text of a mask per row: the names of its bits that are set, ``;``-separated, in the
    order :meth:`FieldBits.decode` gives (``seen``: per word, every bit set in some row). The
    names are taken :data:`SPELL_GROUP` at a time, in that order: a group's set bits make an
    index into the texts of that group (null where none is set, so no empty piece is joined)."""
    named = [(name, w, bit) for w, v in seen.items() for name, bit in sp.bits.named_bits(w, v)]
    if not sp.ordered:
        named.sort(key=lambda x: x[0])
    if not named:
        return pl.lit("")
    pieces = []
    for start in range(0, len(named), SPELL_GROUP):
        group = named[start : start + SPELL_GROUP]
        index = pl.sum_horizontal(
            (sp.mask.word(w) & pl.lit(bit, WORD)).cast(pl.Boolean).fill_null(False).cast(pl.UInt32)
            * pl.lit(1 << j, pl.UInt32)
            for j, (_, w, bit) in enumerate(group)
        )
        texts = [
            SEP.join(name for j, (name, _, _) in enumerate(group) if k >> j & 1) or None
            for k in range(1 << len(group))
        ]
        pieces.append(pl.lit(pl.Series(texts, dtype=pl.String)).gather(index))
    return pl.concat_str(pieces, separator=SEP, ignore_nulls=True).fill_null("")


def _full(row: tuple[int, ...], used: list[int], words: int) -> list[int | None]:
    full: list[int | None] = [0] * words
    for w, v in zip(used, row, strict=True):
        full[w] = v
    return full


def fields_text(bits: FieldBits) -> Callable[[Sequence[int | None]], str]:
    cache: dict[tuple[int | None, ...], str] = {}

    def text(words: Sequence[int | None]) -> str:
        key = tuple(words)
        if key not in cache:
            cache[key] = SEP.join(bits.decode(words))
        return cache[key]

    return text


def ids_text(bits: FieldBits) -> Callable[[Sequence[int | None]], str]:
    cache: dict[tuple[int | None, ...], str] = {}

    def text(words: Sequence[int | None]) -> str:
        key = tuple(words)
        if key not in cache:
            cache[key] = SEP.join(bits.decode(words, ordered=True))
        return cache[key]

    return text


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
    for name in f.kb.scores.point_scores:
        out[f"scores.hcc.{name}"] = f.columns[f"{name}_points"].mask.where(f.null(f"{name}_points"))
    out["scores.tumour_burden_score"] = f.columns["tumour_burden_score"].mask.where(
        f.null("tumour_burden_score")
    )
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
    for key, crit in transplant_criteria(f).items():
        out[f"staging.transplant_criteria.{key}"] = crit.mask.where(_n(crit))
    assessable = f.value("response_assessable").fill_null(False)
    out["response"] = f.bit("imaging").where(~assessable)
    for name, got in responses(f).items():
        out[f"response.{name}"] = got.mask.where(assessable & got.value.is_null())
    return out


def _n(c: Compiled) -> pl.Expr:
    return c.value.is_null() if c.nullable else pl.lit(False)


def transplant_criteria(f: Facts) -> dict[str, Compiled]:
    """Milan, UCSF and up-to-7 (``conditions.yaml``), as the assessment gives them."""
    from hepatoboard.pipeline import TRANSPLANT_CRITERIA

    comp = f.compiler()
    return {k: comp(f.kb.conditions[c].when) for k, c in TRANSPLANT_CRITERIA.items()}


def responses(f: Facts) -> dict[str, CompiledClassification]:
    """RECIST 1.1, mRECIST and iRECIST (``response.yaml``), compiled."""
    comp = f.compiler()
    return {
        name: classify(c.rules, [comp(r.when) for r in c.rules])
        for name, c in f.kb.response.classifiers.items()
    }


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


def _new_columns(f: Facts) -> dict[str, pl.Expr]:
    """HCC scores, transplant criteria and the response (as the assessment gives them)."""
    kb, v = f.kb, f.value
    cols: dict[str, pl.Expr] = {}
    for name in kb.scores.point_scores:
        cols[f"scores.hcc.{name}.points"] = v(f"{name}_points")
        group = GROUP_FACT.get(name, f"{name}_group")
        if group in f.columns:
            cols[f"scores.hcc.{name}.group"] = v(group)
    tbs = rounded(
        f.df.select(v("tumour_burden_score")).to_series(),
        kb.scores.tumour_burden.display_decimals,
        python_round,
    )
    f.df = f.df.with_columns(tbs.alias("#tbs_display"))
    cols["scores.tumour_burden_score"] = pl.col("#tbs_display")
    for key, c in transplant_criteria(f).items():
        cols[f"staging.transplant_criteria.{key}"] = c.value
    assessable = v("response_assessable")
    studies = pl.col("imaging").is_not_null() & (pl.col("imaging") != "[]")  # none: null
    cols["response.assessable"] = pl.when(studies).then(assessable)
    for name, got in responses(f).items():
        cols[f"response.{name}"] = got.value
    afp = f.compiler()(kb.response.afp_response.when)
    cols["response.afp_response"] = pl.when(assessable.fill_null(False)).then(afp.value)
    return cols


def build(
    f: Facts,
    staging: dict[str, CompiledClassification],
    plan: PlanColumns,
    *,
    prognosis: bool = False,
) -> pl.DataFrame:
    """The output frame (see the module docstring and ``docs/cohort.md``). Without
    ``prognosis``, ``f.df`` is emptied once the output's columns are computed (its memory is
    reused for the texts)."""
    cols = _result_columns(f)
    cols.update(_new_columns(f))
    found = decisions(f, staging, plan)
    # an option's missing fields are stored by the plan already; the other masks are stored
    kept = {oid for oid, oc in plan.options.items() if found.get(oid) is oc.missing}
    new_masks = {f"#d.{k}": m for k, m in found.items() if k not in kept}
    stored_blocks = f.store({}, new_masks)
    blocks = {k: found[k] if k in kept else stored_blocks[f"#d.{k}"] for k in found}
    union_mask = Mask()
    for mask in blocks.values():
        union_mask = union_mask | mask
    masks: dict[str, Mask] = {f"missing.{k}": m for k, m in blocks.items()}
    masks["missing_fields"] = union_mask
    for oid, oc in plan.options.items():
        cols[f"status.{oid}"] = oc.status  # plan.STATUS: text once the masks are decoded
        cols[f"could_be.{oid}"] = oc.could_be
        cols[f"declined.{oid}"] = oc.declined
        masks[f"reasons.{oid}"] = oc.reasons
        if oc.interactions:
            cols[f"interactions.{oid}"] = _ids(oc.interactions)
        if oc.dose_rules:
            rules = [(str(i), c.value.fill_null(False)) for i, c in oc.dose_rules]
            unknown = [(f"if:{i}", _n(c)) for i, c in oc.dose_rules]
            # one of the two per rule at most: interleaved, in the order of the rules
            cols[f"dose_rules.{oid}"] = _ids(
                [x for pair in zip(rules, unknown, strict=True) for x in pair]
            )
    cols["plan.supportive"] = _hits(plan.supportive)
    cols["plan.referrals"] = _hits(plan.referrals)
    stored: dict[str, Mask] = {}
    for key, mask in masks.items():
        words = {}
        for w in mask.used_words():
            cols[f"#{key}#{w}"] = mask.word(w)
            words[w] = pl.col(f"#{key}#{w}")
        stored[key] = Mask(exprs=words)
    out = collect(f.df.lazy().select(**cols), cse=True)  # cheaper with it: frame.PLAIN
    if not prognosis:  # the facts are read no more: their memory is reused for the texts
        f.df = f.df.clear()
    todo: dict[str, Spell] = {}
    for key, mask in stored.items():
        if key.startswith("reasons."):
            bits = plan.options[key.removeprefix("reasons.")].reason_bits
            todo[key] = Spell(mask, bits, ordered=True)
        else:
            todo[key] = Spell(mask, f.bits)
    text = decode_all(out, todo)
    out = out.select(pl.exclude(r"^#.*$")).hstack(text)
    order = [c for c in cols if not c.startswith("#")]
    names = pl.lit(pl.Series(STATUS.categories.to_list(), dtype=pl.String))
    statuses = [c for c in order if c.startswith(("status.", "could_be."))]
    # as text once the mask words are freed; by a gather on the codes: 64 columns of 250,000
    # rows took 0.06 s of CPU so, 0.29 s by a cast (alone, load average 1.7 on 2 cores)
    out = out.with_columns(names.gather(pl.col(c).to_physical()).alias(c) for c in statuses)
    out = out.select(order + [k for k in text.columns if k not in order])
    if prognosis:
        from hepatoboard.cohort.prognosis import medians

        out = out.with_columns(**medians(f, out))
    return out


def _ids(entries: Sequence[tuple[str, pl.Expr]]) -> pl.Expr:
    """The ids whose condition holds, in order, ``;``-separated (categorical)."""
    return (
        pl.concat_str(
            [pl.when(hit).then(pl.lit(name)) for name, hit in entries],
            separator=SEP,
            ignore_nulls=True,
        )
        .fill_null("")
        .cast(pl.Categorical)
    )


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
