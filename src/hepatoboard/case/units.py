"""Lab units: accepted spellings and conversion to the canonical unit of each lab.

The factors live in ``knowledge/data/case_limits.yaml`` (source: the case contract). Converted
values are rounded to 10 decimal places so that a value exactly on a clinical threshold stays on
it after a round trip (3.0 mg/dL -> 51.3 umol/L -> 3.0 mg/dL, not 3.0000000000000004).
"""

from __future__ import annotations

from dataclasses import dataclass

from hepatoboard.knowledge.files import read

CONVERSION_DECIMALS = 10


@dataclass(frozen=True)
class QuantitySpec:
    name: str
    canonical: str
    units: dict[str, float]
    aliases: dict[str, str]
    min: float | None = None
    max: float | None = None
    min_exclusive: float | None = None

    def normalise_unit(self, unit: str) -> str | None:
        unit = unit.strip()
        if unit in self.units:
            return unit
        return self.aliases.get(unit)

    def to_canonical(self, value: float, unit: str) -> float:
        return round(value * self.units[unit], CONVERSION_DECIMALS)

    def from_canonical(self, value: float, unit: str) -> float:
        return round(value / self.units[unit], CONVERSION_DECIMALS)

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


def quantity_specs() -> dict[str, QuantitySpec]:
    raw = read("case_limits.yaml")["quantities"]
    return {
        name: QuantitySpec(
            name=name,
            canonical=q["canonical"],
            units=dict(q["units"]),
            aliases=dict(q.get("aliases", {})),
            min=q.get("min"),
            max=q.get("max"),
            min_exclusive=q.get("min_exclusive"),
        )
        for name, q in raw.items()
    }


def number_limits() -> dict[str, dict[str, float]]:
    return dict(read("case_limits.yaml")["numbers"])
