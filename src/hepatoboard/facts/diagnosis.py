"""Aetiology facts: whether HBV or HCV is among the case's aetiologies."""

from __future__ import annotations

from hepatoboard.facts.registry import Context, Facts, Producer, known

VIRUSES = ("hbv", "hcv")


def _derive(ctx: Context) -> Facts:
    et = ctx.value("etiology")
    return {
        f"etiology_{v}": known(None if et is None else v in et, ("diagnosis.etiology",))
        for v in VIRUSES
    }


PRODUCER = Producer("etiology", tuple(f"etiology_{v}" for v in VIRUSES), _derive)
