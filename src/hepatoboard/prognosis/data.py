"""Typed view of ``knowledge/data/prognosis.yaml`` and the small pieces of arithmetic that turn
its published numbers into sampling distributions.

Why a separate module: the numbers (and their sources) are data that clinical reviewers edit;
this module validates them once at load so a typo fails in CI, not at the bedside, and keeps every
"how do we turn a published CI into a standard error" rule in one readable place.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Z95 = 1.959963984540054
LN2 = math.log(2.0)

# Reference-population characteristics a mix must describe (see docs/prognosis.md).
MIX_KEYS: tuple[str, ...] = (
    "child_pugh_b",
    "albi1_within_cp_a",
    "ecog_1",
    "ecog_2_plus",
    "macrovascular_invasion",
    "extrahepatic_spread",
    "afp_ge_400",
    "ascites",
    "nodules_gt_3",
)
# Hazard-ratio factors the model applies (portal_vein_vp4 is documented but not applied).
HR_KEYS: tuple[str, ...] = (
    "albi_2_3",
    "child_pugh_b",
    "ascites",
    "ecog_1",
    "ecog_2_plus",
    "macrovascular_invasion",
    "extrahepatic_spread",
    "afp_ge_400",
    "nodules_gt_3",
)


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Share(_M):
    """A share of a reference population: a reported value, a reported range, or an assumption."""

    value: float | None = Field(default=None, ge=0, le=1)
    range: tuple[float, float] | None = None
    source: list[str] = Field(default_factory=list)
    eligibility: bool = False
    assumption: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Share:
        if (self.value is None) == (self.range is None):
            raise ValueError("a share needs exactly one of value / range")
        if self.range is not None and not 0 <= self.range[0] <= self.range[1] <= 1:
            raise ValueError(f"share range must satisfy 0 <= lo <= hi <= 1, got {self.range}")
        if not (self.source or self.eligibility or self.assumption):
            raise ValueError("a share needs a source, eligibility: true, or an assumption")
        return self

    @property
    def low(self) -> float:
        return self.value if self.value is not None else self.range[0]  # type: ignore[index]

    @property
    def high(self) -> float:
        return self.value if self.value is not None else self.range[1]  # type: ignore[index]

    @property
    def centre(self) -> float:
        return 0.5 * (self.low + self.high)


class Mix(_M):
    """Baseline characteristics of a reference population (one Share per MIX_KEYS entry)."""

    child_pugh_b: Share
    albi1_within_cp_a: Share
    ecog_1: Share
    ecog_2_plus: Share
    macrovascular_invasion: Share
    extrahepatic_spread: Share
    afp_ge_400: Share
    ascites: Share
    nodules_gt_3: Share

    @model_validator(mode="after")
    def _ecog_total(self) -> Mix:
        if self.ecog_1.high + self.ecog_2_plus.high > 1 + 1e-9:
            raise ValueError("ecog_1 + ecog_2_plus can exceed 1")
        return self


class Estimate(_M):
    hr: float = Field(gt=0)
    ci95: tuple[float, float] | None = None
    log_se: float | None = Field(default=None, gt=0)
    source: str | None = None
    note: str | None = None


class HazardRatio(_M):
    """One prognostic factor's published estimate(s) of the hazard ratio for death."""

    label: str
    estimates: list[Estimate] = Field(default_factory=list)
    range: tuple[float, float] | None = None
    source: str | None = None
    assumption: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _check(self) -> HazardRatio:
        if bool(self.estimates) == (self.range is not None):
            raise ValueError("a hazard ratio needs exactly one of estimates / range")
        for e in self.estimates:
            if e.source is None and self.assumption is None:
                raise ValueError("an estimate without a source needs an 'assumption' text")
        if self.range is not None and self.source is None:
            raise ValueError("a range of hazard ratios needs a source")
        return self

    def sources(self) -> list[str]:
        out = [e.source for e in self.estimates if e.source]
        return out + ([self.source] if self.source else [])

    def log_normal(self, default_se: float) -> tuple[float, float]:
        """(mean, sd) of log HR. Rules (docs/prognosis.md, "hazard ratios"):

        - a range across models of one cohort: geometric centre; SD = default SE and half the log
          range added in quadrature (the range is model disagreement, not sampling error);
        - one estimate: its CI (or explicit log_se, or the default SE when the CI was not kept);
        - several independent estimates: inverse-variance pooling with the DerSimonian-Laird
          between-study variance, so disagreeing studies widen the interval.
        """
        if self.range is not None:
            lo, hi = (math.log(x) for x in self.range)
            return 0.5 * (lo + hi), math.hypot(default_se, 0.5 * (hi - lo))
        pts = [(math.log(e.hr), _estimate_se(e, default_se)) for e in self.estimates]
        if len(pts) == 1:
            return pts[0]
        w = [1 / se**2 for _, se in pts]
        mean = sum(wi * y for wi, (y, _) in zip(w, pts, strict=True)) / sum(w)
        q = sum(wi * (y - mean) ** 2 for wi, (y, _) in zip(w, pts, strict=True))
        c = sum(w) - sum(wi**2 for wi in w) / sum(w)
        tau2 = max(0.0, (q - (len(pts) - 1)) / c)
        w2 = [1 / (se**2 + tau2) for _, se in pts]
        mean2 = sum(wi * y for wi, (y, _) in zip(w2, pts, strict=True)) / sum(w2)
        return mean2, math.sqrt(1 / sum(w2))


def _estimate_se(e: Estimate, default_se: float) -> float:
    if e.log_se is not None:
        return e.log_se
    if e.ci95 is not None:
        return (math.log(e.ci95[1]) - math.log(e.ci95[0])) / (2 * Z95)
    return default_se


class Median(_M):
    months: float | None = Field(default=None, gt=0)
    ci95: tuple[float, float] | None = None
    range: tuple[float, float] | None = None
    log_se: float | None = Field(default=None, gt=0)
    log_se_assumption: str | None = None
    source: str | list[str]
    note: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Median:
        if (self.months is None) == (self.range is None):
            raise ValueError("a median needs exactly one of months / range")
        if self.log_se is not None and not self.log_se_assumption:
            raise ValueError("an assumed log_se needs log_se_assumption")
        return self

    def sources(self) -> list[str]:
        return [self.source] if isinstance(self.source, str) else list(self.source)


class Landmark(_M):
    month: float = Field(gt=0)
    survival: float = Field(gt=0, lt=1)
    ci95: tuple[float, float] | None = None
    fit: bool = True
    source: str
    note: str | None = None


EXCLUSIONS = ("vp4", "ascites", "liver_over_50pct", "bile_duct_invasion")


class Enrolled(_M):
    child_pugh: list[str] = Field(default_factory=lambda: ["A"])
    ecog_max: int = 1
    afp_min: float | None = None
    excludes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Enrolled:
        bad = sorted(set(self.excludes) - set(EXCLUSIONS))
        if bad:
            raise ValueError(f"unknown exclusion(s) {bad}; known: {EXCLUSIONS}")
        return self


class Anchor(_M):
    """One published survival curve (a trial arm or a cohort) the model is calibrated to."""

    id: str = ""
    label: str
    line: int = 1
    n: int | None = None
    n_note: str | None = None
    median: Median
    landmarks: list[Landmark] = Field(default_factory=list)
    enrolled: Enrolled | None = None
    enrolled_note: str | None = None
    enrolled_source: list[str] = Field(default_factory=list)
    mix: Mix | None = None
    warnings: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Anchor:
        m = self.median
        if m.months is not None and m.log_se is None and m.ci95 is None and self.n is None:
            raise ValueError("a median without CI needs n (sqrt(2/n) rule) or an assumed log_se")
        return self

    def sources(self) -> list[str]:
        out = self.median.sources() + [lm.source for lm in self.landmarks] + self.enrolled_source
        if self.mix is not None:
            for key in MIX_KEYS:
                out.extend(getattr(self.mix, key).source)
        return list(dict.fromkeys(out))

    def median_log_se(self) -> float:
        """SE of the log median: from the 95% CI, an explicit assumption, or sqrt(2 / n)."""
        m = self.median
        if m.log_se is not None:
            return m.log_se
        if m.ci95 is not None:
            return (math.log(m.ci95[1]) - math.log(m.ci95[0])) / (2 * Z95)
        assert self.n is not None
        return math.sqrt(2.0 / self.n)

    def landmark_se(self, lm: Landmark) -> float:
        """SE of a landmark survival: its CI, else binomial with half the arm (censoring)."""
        if lm.ci95 is not None:
            return (lm.ci95[1] - lm.ci95[0]) / (2 * Z95)
        n = self.n or 100
        return math.sqrt(2 * lm.survival * (1 - lm.survival) / n)

    def shape_landmarks(self, min_log_spread: float) -> list[Landmark]:
        """Landmarks that identify the Weibull shape ([] if they sit too close to the median)."""
        if self.median.months is None:
            return []
        fit = [lm for lm in self.landmarks if lm.fit]
        spread = math.sqrt(sum(math.log(lm.month / self.median.months) ** 2 for lm in fit))
        return fit if spread >= min_log_spread else []

    def fitted_shape(self, min_log_spread: float) -> float | None:
        """Central Weibull shape: least squares through the median on the cloglog scale."""
        fit = self.shape_landmarks(min_log_spread)
        if not fit:
            return None
        assert self.median.months is not None
        xs = [math.log(lm.month / self.median.months) for lm in fit]
        ys = [math.log(-math.log(lm.survival)) - math.log(LN2) for lm in fit]
        sxx = sum(x * x for x in xs)
        return sum(x * y for x, y in zip(xs, ys, strict=True)) / sxx


class Scenario(_M):
    label: str
    anchors: list[str] = Field(default_factory=list)
    anchors_first_line: list[str] = Field(default_factory=list)
    anchors_later_line: list[str] = Field(default_factory=list)
    no_anchor_reason: str | None = None

    def all_anchors(self) -> list[str]:
        return list(dict.fromkeys(self.anchors + self.anchors_first_line + self.anchors_later_line))


class Cap(_M):
    """A ceiling curve from an untreated cohort (docs/prognosis.md, "ceilings")."""

    when: str
    anchor: str
    scenarios: str | list[str]
    note: str
    # ceiling: pointwise minimum; floor: pointwise maximum; replace: the cohort is the estimate
    mode: str = "ceiling"

    @model_validator(mode="after")
    def _check(self) -> Cap:
        if self.when not in ("end_stage", "advanced"):
            raise ValueError(f"unknown cap condition {self.when!r}")
        if self.mode not in ("ceiling", "floor", "replace"):
            raise ValueError(f"unknown cap mode {self.mode!r}")
        if isinstance(self.scenarios, str) and self.scenarios != "all":
            raise ValueError("cap scenarios: 'all' or a list of scenario ids")
        return self

    def applies_to(self, scenario: str) -> bool:
        return self.scenarios == "all" or scenario in self.scenarios


class Settings(_M):
    horizon_months: float = 48
    step_months: float = 0.5
    landmarks_months: list[float] = Field(default_factory=lambda: [6, 12, 24])
    interval_quantiles: tuple[float, float] = (0.10, 0.90)
    # The rules are implemented in code; naming them here keeps the data file self-describing
    # and makes an edit that expects a different rule fail loudly.
    median_se_rule: Literal["sqrt_2_over_n"]
    landmark_se_rule: Literal["binomial_half_n"]
    default_hr_log_se: float = Field(gt=0)
    shape_min_log_spread: float = Field(ge=0)
    default_shape: Literal["from_fitted_anchors"]
    albi1_share_of_cp_a_in_hr_source: Share
    caps: list[Cap]


class PrognosisData(_M):
    settings: Settings
    hazard_ratios: dict[str, HazardRatio]
    anchors: dict[str, Anchor]
    scenarios: dict[str, Scenario]
    shape_range: tuple[float, float] = (1.0, 1.0)

    @model_validator(mode="after")
    def _refs(self) -> PrognosisData:
        missing = [k for k in HR_KEYS if k not in self.hazard_ratios]
        if missing:
            raise ValueError(f"hazard_ratios lacks {missing}")
        for sid, sc in self.scenarios.items():
            for a in sc.all_anchors():
                if a not in self.anchors:
                    raise ValueError(f"scenario {sid}: unknown anchor {a}")
                if self.anchors[a].mix is None or self.anchors[a].median.months is None:
                    raise ValueError(f"scenario {sid}: anchor {a} needs a median and a mix")
            if not sc.all_anchors() and not sc.no_anchor_reason:
                raise ValueError(f"scenario {sid}: no anchors and no no_anchor_reason")
        for cap in self.settings.caps:
            if cap.anchor not in self.anchors:
                raise ValueError(f"settings.caps: unknown anchor {cap.anchor}")
        return self

    def all_sources(self) -> set[str]:
        """Every source id the prognosis data cites (for cross-checking against sources.yaml)."""
        out: set[str] = set(self.settings.albi1_share_of_cp_a_in_hr_source.source)
        for h in self.hazard_ratios.values():
            out.update(h.sources())
        for a in self.anchors.values():
            out.update(a.sources())
        return out


def load() -> PrognosisData:
    """The prognosis data of the shipped knowledge base."""
    from hepatoboard.knowledge.load import default_knowledge

    return default_knowledge().prognosis  # type: ignore[no-any-return]


def rule_sites(data: PrognosisData) -> list[tuple[str, Any, list[str]]]:
    """(where, expression, sources) of every rule in the prognosis data (for the KB checks)."""
    out: list[tuple[str, Any, list[str]]] = []
    for key, h in data.hazard_ratios.items():
        out.append((f"hazard_ratios.{key}", None, h.sources()))
    for key, a in data.anchors.items():
        out.append((f"anchors.{key}", None, a.sources()))
    return out


def load_prognosis(raw_file: dict[str, Any]) -> PrognosisData:
    """Validate prognosis.yaml (keys starting with '_' are YAML-anchor scratch space)."""
    raw: dict[str, Any] = {k: v for k, v in raw_file.items() if not k.startswith("_")}
    anchors = {k: {**v, "id": k} for k, v in raw["anchors"].items()}
    data = PrognosisData.model_validate({**raw, "anchors": anchors})
    spread = data.settings.shape_min_log_spread
    shapes = [s for a in data.anchors.values() if (s := a.fitted_shape(spread)) is not None]
    return data.model_copy(update={"shape_range": (min(shapes), max(shapes))})
