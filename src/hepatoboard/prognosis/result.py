"""The prognosis document: what :func:`hepatoboard.prognosis.predict` returns and what an
assessment stores.

Why a module of its own: this is part of the public assessment contract
(``hepatoboard-assessment/1``, path ``prognosis``). Pages, PDFs and ``--plot`` draw from the
*stored* document and never recompute, so everything they need (including the curve points) is
here. It imports nothing from the rest of hepatoboard so it can move into the contract package
unchanged.

Contract paths kept from the first version: ``scenarios[].id``, ``.median_months``,
``.interval_months`` ([lo, hi], the 80% uncertainty interval of the median) and ``.survival``
(``{"6": p, "12": p, "24": p}``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ScenarioKind = Literal["expected", "responder"]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Curve(_Doc):
    """Survival curve points (probability alive) stored in the document, monthly to the horizon.

    ``survival`` is the central estimate; ``lower`` / ``upper`` carry the 80% interval of the
    median along the curve (at 50% the band spans exactly ``interval_months``)."""

    months: list[float]
    survival: list[float]
    lower: list[float]
    upper: list[float]

    @model_validator(mode="after")
    def _same_length(self) -> Curve:
        n = len(self.months)
        if not (len(self.survival) == len(self.lower) == len(self.upper) == n):
            raise ValueError("curve arrays must have the same length")
        return self


class Scenario(_Doc):
    """One treatment scenario: a population estimate for patients like this one."""

    id: str = Field(description="option id (responder scenarios: '<option>_responder' or similar)")
    label: str
    kind: ScenarioKind = Field(
        description="expected: the estimate for this patient; responder: what is possible if "
        "the treatment works well (not the expectation)"
    )
    population: str = Field(description="the published population the numbers come from")
    median_months: float
    interval_months: tuple[float, float] = Field(
        description="80% uncertainty interval of the median, months"
    )
    survival: dict[str, float] = Field(description='probability alive at "6", "12", "24" months')
    hazard_ratio: float | None = Field(
        default=None,
        description="effective hazard ratio of this patient against the reference population "
        "(> 1 = worse than the published arm); None where no adjustment is made",
    )
    caveats: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list, description="source ids (sources.yaml)")
    curve: Curve | None = None

    @model_validator(mode="after")
    def _interval_contains_median(self) -> Scenario:
        lo, hi = self.interval_months
        if not lo <= self.median_months <= hi:
            raise ValueError("interval_months must contain median_months")
        return self


class Prognosis(_Doc):
    """Survival per scenario for one patient (decision support, not a promise)."""

    scenarios: list[Scenario]
    method: str
    warnings: list[str] = Field(default_factory=list)

    def scenario(self, scenario_id: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)
