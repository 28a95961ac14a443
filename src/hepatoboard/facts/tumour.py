"""Intrahepatic tumour facts beyond the case fields: whether pathology reported microvascular
invasion at all (clinical T staging stages from imaging when it did not)."""

from __future__ import annotations

from hepatoboard.criteria.evaluate import FactValue
from hepatoboard.facts.registry import Context, Facts, Producer


def _derive(ctx: Context) -> Facts:
    mvi = ctx.value("microvascular_invasion")
    return {"microvascular_invasion_reported": FactValue(mvi is not None)}


PRODUCER = Producer("tumour", ("microvascular_invasion_reported",), _derive)
