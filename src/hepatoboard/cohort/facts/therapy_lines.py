"""Twin of :mod:`hepatoboard.facts.therapy_lines`: previous regimens, what progressed or was
not tolerated, the current line and the line the next treatment would be.

The treatments of every row are exploded into one long frame (in the order of the case),
flagged once and aggregated back per row, in two passes: the regimens that failed decide which
ongoing regimen is the current line, and the current line decides which lines are previous.

A row with an assessable imaging series (whose computed response can count as progression on
the ongoing regimen) is computed by the per-case producer itself
(:func:`hepatoboard.cohort.exact.per_case`); elsewhere the imaging changes nothing and
``response_disagrees`` is false.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import polars as pl

from hepatoboard.cohort.exact import per_case
from hepatoboard.cohort.facts.registry import Twin
from hepatoboard.cohort.frame import WORD, Facts, NewFact, vocabulary
from hepatoboard.contracts.case import Case, PriorTherapy
from hepatoboard.criteria.evaluate import FactValue
from hepatoboard.criteria.polars import Mask
from hepatoboard.facts.registry import Context
from hepatoboard.facts.therapy_lines import PRODUCER, PRODUCES

MAX_BIT = 63  # line numbers below this are counted as bits of one word
LINE_BITS = {i: 1 << i for i in range(MAX_BIT)}


def _flags(f: Facts) -> pl.DataFrame:
    options = vocabulary(f.kb, "prior_regimens")
    modalities = vocabulary(f.kb, "prior_modalities")
    option_bit = {o: 1 << i for i, o in enumerate(options)}
    modality_bit = {oid: 1 << modalities.index(o.modality) for oid, o in f.kb.options.items()}
    ex = (
        f.df.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("#row"), "prior_therapies")
        .explode("prior_therapies", empty_as_null=True, keep_nulls=True)
        .unnest("prior_therapies")
    )
    stop, br, reg = pl.col("stop_reason"), pl.col("best_response"), pl.col("regimen")
    severe = f.kb.plan.irae.severe_min_grade
    return ex.with_columns(
        reg.replace_strict(option_bit, default=0, return_dtype=WORD).alias("#bit"),
        reg.replace_strict(modality_bit, default=0, return_dtype=WORD).alias("#mod"),
        ((stop == "progression") | (br == "pd")).fill_null(False).alias("#progressed"),
        ((stop == "toxicity") | pl.col("tolerated").not_()).fill_null(False).alias("#intolerant"),
        br.is_in(["sd", "pd"]).fill_null(False).alias("#no_response"),
        reg.is_in(sorted(f.kb.systemic_ids())).fill_null(False).alias("#systemic"),
        (pl.col("irae_grade") >= severe).fill_null(False).alias("#severe"),
        (stop == "ongoing").fill_null(False).alias("#ongoing"),
    )


def _or(flag: str | pl.Expr, bit: str = "#bit") -> pl.Expr:
    cond = pl.col(flag) if isinstance(flag, str) else flag
    return pl.when(cond).then(pl.col(bit)).otherwise(pl.lit(0, WORD)).bitwise_or()


def _aggregate(f: Facts) -> None:
    ex = _flags(f)
    real = pl.col("regimen").is_not_null()
    first = ex.group_by("#row", maintain_order=True).agg(
        _or(real).alias("#t.prior"),
        _or("#progressed").alias("#t.progressed"),
        _or("#intolerant").alias("#t.intolerant"),
        _or(real, "#mod").alias("#t.prior_mod"),
        _or("#progressed", "#mod").alias("#t.progressed_mod"),
        _or("#intolerant", "#mod").alias("#t.intolerant_mod"),
        _or("#no_response", "#mod").alias("#t.no_response_mod"),
        _or("#severe").alias("#t.severe"),
    )
    failed = (first["#t.progressed"] | first["#t.intolerant"]).gather(ex["#row"])
    ex = ex.with_columns(
        (pl.col("#systemic") & pl.col("#ongoing") & ((pl.col("#bit") & failed) == 0)).alias("#cur")
    )
    current = ex.group_by("#row", maintain_order=True).agg(_or("#cur").alias("#t.current"))
    ex = ex.with_columns(current["#t.current"].gather(ex["#row"]).alias("#curbits"))
    # the position among the row's systemic regimens (rows are contiguous: no window needed)
    systemic = ex["#systemic"].cast(pl.Int64)
    before = systemic.cum_sum() - systemic
    start = ex["#row"].search_sorted(ex["#row"], side="left")
    ex = ex.with_columns((before - before.gather(start) + systemic).alias("#rank"))
    line = pl.col("line").fill_null(pl.col("#rank"))
    included = pl.col("#systemic") & ((pl.col("#bit") & pl.col("#curbits")) == 0)
    sora = pl.col("regimen") == "sorafenib"
    few = bool(ex.select((line.filter(included).max() < MAX_BIT).fill_null(True)).item())
    distinct = (
        pl.when(included)
        .then(line.replace_strict(LINE_BITS, default=0, return_dtype=WORD))
        .otherwise(pl.lit(0, WORD))
        .bitwise_or()
        .bitwise_count_ones()
        .cast(pl.Int64)
        if few
        else line.filter(included).n_unique().cast(pl.Int64)
    )
    second = ex.group_by("#row", maintain_order=True).agg(
        distinct.alias("#t.lines"),
        sora.fill_null(False).any().alias("#t.sora"),
        pl.col("tolerated").filter(sora.fill_null(False)).last().alias("#t.sora_tol"),
    )
    f.df = f.df.hstack(first.drop("#row")).hstack(current.drop("#row")).hstack(second.drop("#row"))


def derive(f: Facts) -> dict[str, NewFact]:
    _aggregate(f)
    known = pl.col("prior_therapies").is_not_null()
    absent = f.bit("prior_therapies")
    options = vocabulary(f.kb, "prior_regimens")
    modalities = vocabulary(f.kb, "prior_modalities")

    def fact(value: str | pl.Expr, items: tuple[str, ...] | None = None) -> NewFact:
        v = pl.col(value) if isinstance(value, str) else value
        return NewFact(pl.when(known).then(v), absent, True, items)

    tol = f.bit("prior_therapies.tolerated")
    sora_mask = Mask(
        exprs={
            w: pl.when(known).then(tol.word(w)).otherwise(absent.word(w))
            for w in sorted(set(tol.used_words()) | set(absent.used_words()))
        }
    )
    sora = pl.when(pl.col("#t.sora")).then(pl.col("#t.sora_tol")).otherwise(False)
    out = {
        "prior_regimens": fact("#t.prior", options),
        "progressed_on": fact("#t.progressed", options),
        "intolerant_of": fact("#t.intolerant", options),
        "prior_modalities": fact("#t.prior_mod", modalities),
        "progressed_modalities": fact("#t.progressed_mod", modalities),
        "intolerant_modalities": fact("#t.intolerant_mod", modalities),
        "no_response_modalities": fact("#t.no_response_mod", modalities),
        "systemic_lines": fact("#t.lines"),
        "next_line": fact(pl.col("#t.lines") + 1),
        "sorafenib_tolerated": NewFact(pl.when(known).then(sora), sora_mask),
        "ongoing_regimens": fact("#t.current", options),
        "on_systemic_treatment": fact(pl.col("#t.current") != 0),
        "severe_irae_on": fact("#t.severe", options),
        "severe_irae": fact(pl.col("#t.severe") != 0),
    }
    out["response_disagrees"] = fact(pl.lit(False))
    assert set(out) == set(PRODUCES), sorted(set(PRODUCES) ^ set(out))
    return _with_imaging(f, out)


def _with_imaging(f: Facts, out: dict[str, NewFact]) -> dict[str, NewFact]:
    """The rows with prior lines and an assessable imaging series, by the per-case producer."""
    assessable = f.df.select(
        pl.col("prior_therapies").is_not_null() & f.value("response_assessable").fill_null(False)
    ).to_series()
    priors = f.df["prior_therapies"]

    def produce(i: int, facts: Mapping[str, FactValue]) -> Mapping[str, FactValue]:
        lines = [PriorTherapy.model_validate(p) for p in priors[i]]
        case = Case.model_construct(format="hepatoboard-case/1", prior_therapies=lines)
        return PRODUCER.derive(Context(case, f.kb, f.as_of, cast(Any, facts)))

    return per_case(f, assessable, produce, out, "therapy_lines")


TWIN = Twin("therapy_lines", derive)
