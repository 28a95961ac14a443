"""Lab units and plausibility limits of case fields (``knowledge/data/case_limits.yaml``).

Each lab quantity has a canonical unit and, per accepted unit, the factor that converts a value
INTO the canonical unit (canonical = value x factor). Converted values are rounded to
``conversion_decimals`` places so that a value exactly on a clinical threshold stays on it after
a round trip (3.0 mg/dL -> 51.3 umol/L -> 3.0 mg/dL, not 3.0000000000000004).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _KB(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Bounds(_KB):
    """Inclusive bounds (``min``/``max``), or an exclusive lower bound (``min_exclusive``)."""

    min: float | None = None
    max: float | None = None
    min_exclusive: float | None = None

    @model_validator(mode="after")
    def _one_lower(self) -> Bounds:
        if self.min is not None and self.min_exclusive is not None:
            raise ValueError("give min or min_exclusive, not both")
        return self

    def contains(self, x: float) -> bool:
        if self.min is not None and x < self.min:
            return False
        if self.min_exclusive is not None and x <= self.min_exclusive:
            return False
        return self.max is None or x <= self.max


class QuantitySpec(Bounds):
    """One lab quantity: canonical unit, accepted units with factors, aliases, limits."""

    canonical: str
    units: dict[str, float]
    aliases: dict[str, str] = Field(default_factory=dict)
    decimals: int = Field(default=10, description="rounding of converted values")

    @model_validator(mode="after")
    def _consistent(self) -> QuantitySpec:
        if self.units.get(self.canonical) != 1.0:
            raise ValueError(f"the canonical unit {self.canonical!r} must have factor 1.0")
        bad = sorted(set(self.aliases.values()) - set(self.units))
        if bad:
            raise ValueError(f"aliases point to unknown units {bad}")
        return self

    def normalise_unit(self, unit: str) -> str | None:
        unit = unit.strip()
        if unit in self.units:
            return unit
        return self.aliases.get(unit)

    def to_canonical(self, value: float, unit: str) -> float:
        return round(value * self.units[unit], self.decimals)

    def from_canonical(self, value: float, unit: str) -> float:
        return round(value / self.units[unit], self.decimals)

    def range_text(self) -> str:
        """The accepted range in every accepted unit, e.g. '> 0 and <= 100 mg/dL (...)'."""
        parts = []
        for unit in self.units:
            lo = self.min_exclusive if self.min_exclusive is not None else self.min
            lo_op = ">" if self.min_exclusive is not None else ">="
            lo_v = _fmt(self.from_canonical(lo, unit)) if lo is not None else None
            hi_v = _fmt(self.from_canonical(self.max, unit)) if self.max is not None else None
            text = " and ".join(
                t for t in (f"{lo_op} {lo_v}" if lo_v else "", f"<= {hi_v}" if hi_v else "") if t
            )
            parts.append(f"{text} {unit}")
        return parts[0] + (f" ({'; '.join(parts[1:])})" if len(parts) > 1 else "")


def _fmt(x: float) -> str:
    return f"{x:.4g}" if abs(x) < 1e6 else f"{x:.3g}"


class ListLimits(_KB):
    """The longest accepted list per list field of the case (dotted path, entries unindexed)."""

    source: str
    max_items: dict[str, int]

    @model_validator(mode="after")
    def _positive(self) -> ListLimits:
        bad = sorted(k for k, v in self.max_items.items() if v < 1)
        if bad:
            raise ValueError(f"max_items must be at least 1: {bad}")
        return self


class CaseLimits(_KB):
    """``case_limits.yaml``: lab quantities, plain-number bounds and list lengths."""

    source: str
    quantities: dict[str, QuantitySpec]
    numbers: dict[str, Bounds]
    lists: ListLimits
