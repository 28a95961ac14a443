"""Twin of :mod:`hepatoboard.facts.nodes`: which involved stations are regional, distant or
extra-abdominal, how many nodes, how large, which compress, which are indeterminate.

The nodes of every row are exploded into one long frame (one row per node, in the order of the
case), flagged once, and aggregated back per row; the missing fields of a node
(``lymph_nodes[i].evidence``) are one bit per node position.
"""

from __future__ import annotations

import polars as pl

from hepatoboard.cohort.facts.registry import Twin
from hepatoboard.cohort.frame import WORD, Facts, NewFact, vocabulary
from hepatoboard.contracts.vocab import NODE_STATIONS
from hepatoboard.criteria.polars import Mask
from hepatoboard.facts.nodes import COMPRESSIONS, PRODUCES

MAX_NODES = len(NODE_STATIONS)  # one entry per station (the intake rejects a repeated one)
ATTRIBUTES = ("evidence", "count", "short_axis_mm", "compression")


def _explode(f: Facts) -> pl.DataFrame:
    rule = f.kb.staging.node_confirmation
    lens = f.df.select(pl.col("lymph_nodes").list.len().fill_null(0).clip(1)).to_series()
    offsets = lens.cum_sum() - lens
    ex = (
        f.df.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("#row"), "lymph_nodes")
        .explode("lymph_nodes", empty_as_null=True, keep_nulls=True)
        .unnest("lymph_nodes")
    )
    idx = pl.int_range(pl.len(), dtype=pl.Int64) - pl.lit(offsets).gather(pl.col("#row"))
    threshold = pl.col("station").replace_strict(
        rule.min_short_axis_mm, default=rule.default_min_short_axis_mm, return_dtype=pl.Float64
    )
    confirmed = pl.col("evidence").is_in(list(rule.confirming_evidence)).fill_null(False)
    sure = confirmed | pl.col("short_axis_mm").is_null() | (pl.col("short_axis_mm") >= threshold)
    return ex.with_columns(
        idx.alias("#idx"),
        pl.col("station").is_not_null().alias("#real"),
        sure.fill_null(False).alias("#sure"),
    )


def _aggregate(f: Facts, ex: pl.DataFrame) -> dict[str, int]:
    """Per-row aggregates as ``#n.<name>`` columns; returns the bit word of each attribute."""
    st = f.kb.staging.node_stations
    real, sure, idx = pl.col("#real"), pl.col("#sure"), pl.col("#idx")
    words: dict[str, int] = {}
    aggs: list[pl.Expr] = []
    for attr in ATTRIBUTES:
        w, first = f.bits.block([f"lymph_nodes[{i}].{attr}" for i in range(MAX_NODES)])
        words[attr] = w
        shifts = {i: first << i for i in range(MAX_NODES)}
        bit = idx.replace_strict(shifts, default=None, return_dtype=WORD)
        if attr == "evidence":
            lacking = real & ~sure
        elif attr == "compression":
            lacking = real & pl.col("compression").is_null()
        else:
            lacking = real & pl.col(attr).is_null()
        aggs.append(pl.when(lacking).then(bit).otherwise(0).sum().cast(WORD).alias(f"#n.m.{attr}"))
    sets = {
        "any": None,
        "regional": st.regional,
        "distant": st.distant,
        "extra_abdominal": st.extra_abdominal,
        "retrocrural": ["retrocrural"],
        "inferior_phrenic": ["inferior_phrenic"],
    }
    for key, stations in sets.items():
        inside = real if stations is None else real & pl.col("station").is_in(list(stations))
        aggs.append((inside & sure).any().alias(f"#n.true.{key}"))
        aggs.append((inside & ~sure).any().alias(f"#n.unsure.{key}"))
    station_bits = {s: 1 << i for i, s in enumerate(vocabulary(f.kb, "regional_node_stations"))}
    sbit = pl.col("station").replace_strict(station_bits, default=0, return_dtype=WORD)
    for key, stations, cond in (
        ("regional", st.regional, sure),
        ("distant", st.distant, sure),
        ("indeterminate", None, ~sure),
    ):
        inside = real & cond
        if stations is not None:
            inside = inside & pl.col("station").is_in(list(stations))
        aggs.append(pl.when(inside).then(sbit).otherwise(0).sum().cast(WORD).alias(f"#n.set.{key}"))
        aggs.append(pl.col("station").filter(inside).alias(f"#n.list.{key}"))
    comp = pl.col("compression")
    aggs += [
        real.sum().alias("#n.stations"),
        pl.col("count").filter(real).sum().alias("#n.total"),
        pl.col("short_axis_mm").filter(real).max().fill_null(0.0).alias("#n.largest"),
        (real & (comp.list.len() > 0).fill_null(False)).any().alias("#n.comp.any"),
        (real & comp.is_null()).any().alias("#n.comp.unknown"),
    ]
    for kind in COMPRESSIONS:
        aggs.append(
            (real & comp.list.contains(kind).fill_null(False)).any().alias(f"#n.comp.{kind}")
        )
    agg = ex.group_by("#row", maintain_order=True).agg(aggs).drop("#row")
    f.df = f.df.hstack(agg)
    return words


def _kleene(true: str, unsure: str) -> pl.Expr:
    return pl.when(pl.col(true)).then(True).when(pl.col(unsure)).then(None).otherwise(False)


def derive(f: Facts) -> dict[str, NewFact]:
    words = _aggregate(f, _explode(f))
    known = pl.col("lymph_nodes").is_not_null()
    absent = f.bit("lymph_nodes")

    def word(attr: str) -> Mask:
        return Mask(exprs={words[attr]: pl.col(f"#n.m.{attr}")})

    def fact(value: pl.Expr, mask: Mask | None = None, items: tuple[str, ...] | None = None):
        m = (
            absent
            if mask is None
            else Mask(
                exprs={
                    w: pl.when(known).then(mask.word(w)).otherwise(absent.word(w))
                    for w in sorted(set(mask.used_words()) | set(absent.used_words()))
                }
            )
        )
        return NewFact(pl.when(known).then(value), m, True, items)

    unsure = word("evidence")
    stations = vocabulary(f.kb, "regional_node_stations")
    names = {
        "any": "nodal_disease",
        "regional": "regional_nodes",
        "distant": "distant_nodes",
        "extra_abdominal": "extra_abdominal_nodes",
        "retrocrural": "retrocrural_nodes",
        "inferior_phrenic": "inferior_phrenic_nodes",
    }
    out = {
        fact_name: fact(_kleene(f"#n.true.{key}", f"#n.unsure.{key}"), unsure)
        for key, fact_name in names.items()
    }
    total_known = pl.col("#n.m.count") == 0
    size_known = pl.col("#n.m.short_axis_mm") == 0
    out.update(
        regional_node_stations=fact(pl.col("#n.set.regional"), items=stations),
        distant_node_stations=fact(pl.col("#n.set.distant"), items=stations),
        indeterminate_nodes=fact(pl.col("#n.set.indeterminate") != 0),
        indeterminate_node_stations=fact(pl.col("#n.set.indeterminate"), items=stations),
        node_stations=fact(pl.col("#n.stations").cast(pl.Int64)),
        node_total=fact(pl.when(total_known).then(pl.col("#n.total")), word("count")),
        largest_node_mm=fact(pl.when(size_known).then(pl.col("#n.largest")), word("short_axis_mm")),
        compressive_nodes=fact(_kleene("#n.comp.any", "#n.comp.unknown"), word("compression")),
    )
    for kind in COMPRESSIONS:
        out[f"node_compression_{kind}"] = fact(
            _kleene(f"#n.comp.{kind}", "#n.comp.unknown"), word("compression")
        )
    assert set(out) == set(PRODUCES), sorted(set(PRODUCES) ^ set(out))
    return out


TWIN = Twin("nodes", derive)
