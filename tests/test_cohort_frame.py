"""The working frame stores mask words narrower where their set bits allow it, and reads them
back as the same 64-bit words (hepatoboard.cohort.frame.Facts)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from hepatoboard.cohort.frame import WORD, Facts, NewFact
from hepatoboard.criteria.polars import FieldBits, Mask
from hepatoboard.knowledge.load import default_knowledge

HIGH = [0, 1 << 40, 3 << 40, 1 << 41]  # set bits 40-41 only: fits 8 bits shifted down
WIDE = [0, 1, 1 << 50, 5]  # bits 0-50: stays 64-bit
SAME = [7, 7, 7, 7]  # one value on every row: not stored


def _facts() -> Facts:
    df = pl.DataFrame(
        {
            "v": [None, None, True, None],
            "high": pl.Series(HIGH, dtype=WORD),
            "wide": pl.Series(WIDE, dtype=WORD),
            "same": pl.Series(SAME, dtype=WORD),
        }
    )
    return Facts(df, default_knowledge(), dt.date(2026, 11, 25), FieldBits())


def test_narrow_words_read_back_the_same() -> None:
    f = _facts()
    mask = Mask(exprs={1: pl.col("high"), 2: pl.col("wide"), 3: pl.col("same")})
    f.add({"x": NewFact(pl.col("v"), mask)})
    stored = {c: f.df[c].dtype for c in f.df.columns if c.startswith("x#m")}
    assert stored == {"x#m1": pl.UInt8, "x#m2": pl.UInt64}  # word 0 (the marker): zero
    got = f.columns["x"].mask
    assert got.const == {3: 7}
    words = f.df.select(got.word(w).alias(str(w)) for w in (0, 1, 2, 3))
    assert words["1"].to_list() == HIGH
    assert words["2"].to_list() == WIDE
    assert words["3"].to_list() == SAME
    assert words["0"].to_list() == [0, 0, 0, 0]  # every row has a bit set elsewhere
    assert all(words[c].dtype == WORD for c in words.columns)


def test_a_mask_not_stored_is_read_as_computed() -> None:
    f = _facts()
    mask = Mask(exprs={1: pl.col("high")})
    f.add({"y": NewFact(pl.col("v"), mask, stored_mask=False)})
    assert not [c for c in f.df.columns if c.startswith("y#m")]
    got = f.columns["y"].mask
    assert f.df.select(got.word(1))["high"].to_list() == HIGH
