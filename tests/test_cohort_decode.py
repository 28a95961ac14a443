"""Mask texts of the cohort output (``cohort/output.py``): every way of writing a mask as text
(one lookup per distinct value, keyed by the word or by the hash of several words; spelled out
per row; the exact join used on a hash collision) gives :meth:`FieldBits.decode` of each row."""

from __future__ import annotations

import random

import polars as pl

from hepatoboard.cohort import output
from hepatoboard.criteria.polars import WORD, WORD_BITS, FieldBits, Mask


def _frame(rows: int, words: int, seed: int) -> tuple[pl.DataFrame, FieldBits]:
    bits = FieldBits()
    for i in range(words * WORD_BITS - 1):
        bits.add(f"field.{(i * 7919) % 1000:03d}.{i}")  # names not in allocation order
    rng = random.Random(seed)
    pool = [[rng.getrandbits(WORD_BITS) & rng.getrandbits(WORD_BITS) for _ in range(words)]]
    pool += [[rng.getrandbits(6) << rng.randrange(58) for _ in range(words)] for _ in range(40)]
    data = [rng.choice(pool) for _ in range(rows)]
    frame = pl.DataFrame(
        {f"m{w}": pl.Series([r[w] for r in data], dtype=WORD) for w in range(words)}
    )
    return frame, bits


def _expected(frame: pl.DataFrame, bits: FieldBits, ordered: bool) -> list[str]:
    return [";".join(bits.decode(list(r), ordered=ordered)) for r in frame.iter_rows()]


def test_every_path_gives_the_decoded_fields():
    frame, bits = _frame(3000, 3, seed=1)
    mask = Mask(exprs={w: pl.col(f"m{w}") for w in range(3)})
    one = Mask(exprs={1: pl.col("m1")})
    todo = {
        "fields": output.Spell(mask, bits),
        "ids": output.Spell(mask, bits, ordered=True),
        "one": output.Spell(one, bits),
    }
    got = output.decode_all(frame, todo)
    assert got["fields"].cast(pl.String).to_list() == _expected(frame, bits, False)
    assert got["ids"].cast(pl.String).to_list() == _expected(frame, bits, True)
    one_frame = frame.select(pl.lit(0, WORD).alias("a"), "m1", pl.lit(0, WORD).alias("b"))
    assert got["one"].cast(pl.String).to_list() == _expected(one_frame, bits, False)
    spellers = {(id(bits), False): output.fields_text(bits)}
    joined = output._joined(frame, todo["fields"], [0, 1, 2], spellers)
    assert joined.to_list() == _expected(frame, bits, False)
    spelled = output.decode_all(frame, todo, many=5)  # many distinct values: spelled out
    assert spelled["fields"].cast(pl.String).to_list() == _expected(frame, bits, False)
    assert spelled["ids"].cast(pl.String).to_list() == _expected(frame, bits, True)
