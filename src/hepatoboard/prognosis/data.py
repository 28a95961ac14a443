"""Typed view of ``knowledge/data/prognosis.yaml`` and the small pieces of arithmetic that turn
its published numbers into point estimates with standard errors.

Why a separate module: the numbers, definitions and their sources are data that clinical
reviewers edit; this module validates them once at load so a typo fails in CI, not at the
bedside, and keeps every "how do we turn a published CI into a standard error" rule in one
readable place. It holds no clinical number of its own.

Entry points: :func:`load_prognosis` (pure validation of an already-parsed dict; the
knowledge-base loader calls it), :func:`check_sources` (source ids against ``sources.yaml``) and
:func:`load` (reads the packaged file).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hepatoboard.criteria.expr import Expr

Z95 = 1.959963984540054
LN2 = math.log(2.0)
SQRT12 = math.sqrt(12.0)


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# --------------------------------------------------------------------------------------------
# Shares of a reference population.


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

    @property
    def variance(self) -> float:
        """Variance of a uniform distribution over the range (0 for a reported value)."""
        return ((self.high - self.low) / SQRT12) ** 2


class Mix(_M):
    """Baseline characteristics of a reference population (the keys share specs may name)."""

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


MIX_KEYS: tuple[str, ...] = tuple(Mix.model_fields)


# --------------------------------------------------------------------------------------------
# Hazard ratios.


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
        return ci_log_se(e.ci95)
    return default_se


def ci_log_se(ci95: tuple[float, float]) -> float:
    """SE on the log scale of a ratio-scale quantity with a 95% CI."""
    return (math.log(ci95[1]) - math.log(ci95[0])) / (2 * Z95)


# --------------------------------------------------------------------------------------------
# Prognostic factors: domains of markers of ordered levels.

ShareSpec = str | float | dict[str, Any]


class ComplementOf(_M):
    """A coefficient equal to 1 - a settings share (e.g. the ALBI 2-3 share of a cohort)."""

    complement_of: str


class Level(_M):
    id: str
    label: str
    when: Expr
    share: ShareSpec
    hr: dict[str, float | ComplementOf] = Field(default_factory=dict)
    note: str | None = None


class Marker(_M):
    source: list[str] = Field(default_factory=list)
    levels: list[Level] = Field(min_length=2)


class Domain(_M):
    label: str
    markers: dict[str, Marker]


class Condition(_M):
    when: Expr
    source: list[str]
    note: str | None = None


class CaveatRule(_M):
    when: Expr
    text: str
    source: list[str] = Field(default_factory=list)


class EligibilityRule(_M):
    """Outside an anchor's published population when ``when`` is true (a caveat, not a rule)."""

    id: str
    when: Expr
    caveat: str
    unknown_caveat: str | None = None
    treatment_only: bool = False


# --------------------------------------------------------------------------------------------
# Anchors: published curves.


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


class Subgroup(_M):
    """A published subgroup result of an anchor arm (calibration target; see the YAML)."""

    id: str
    label: str
    facts: dict[str, Any] = Field(default_factory=dict)
    hr_vs: str | None = None
    hr: float | None = Field(default=None, gt=0)
    hr_within: float | None = Field(default=None, gt=0)
    reference: dict[str, Any] | None = None
    median: float | None = Field(default=None, gt=0)
    ci95: tuple[float, float] | None = None
    n: int | None = None
    source: str
    note: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Subgroup:
        kinds = [
            self.hr_vs is not None and self.hr is not None,
            self.hr_within is not None and self.reference is not None,
            self.median is not None,
        ]
        if sum(kinds) != 1:
            raise ValueError(
                f"subgroup {self.id}: exactly one of (hr_vs + hr), (hr_within + reference), median"
            )
        return self

    @property
    def kind(self) -> str:
        if self.median is not None:
            return "median"
        return "hr_vs" if self.hr_vs is not None else "hr_within"

    @property
    def when(self) -> Expr:
        """The subgroup as a condition: every defining fact equal to its value."""
        return Expr.model_validate({"all": [{"fact": k, "eq": v} for k, v in self.facts.items()]})


class Anchor(_M):
    """One published survival curve (a trial arm or a cohort) the model is calibrated to."""

    id: str = ""
    label: str
    population: str
    line: int
    n: int | None = None
    n_note: str | None = None
    median: Median
    landmarks: list[Landmark] = Field(default_factory=list)
    eligibility: list[EligibilityRule] = Field(default_factory=list)
    eligibility_source: list[str] = Field(default_factory=list)
    eligibility_note: str | None = None
    mix: Mix | None = None
    warnings: list[str] = Field(default_factory=list)
    subgroups: list[Subgroup] = Field(default_factory=list)
    calibration_only: bool = False

    @model_validator(mode="after")
    def _check(self) -> Anchor:
        m = self.median
        if m.months is not None and m.log_se is None and m.ci95 is None and self.n is None:
            raise ValueError("a median without CI needs n (sqrt(2/n) rule) or an assumed log_se")
        for lm in self.landmarks:
            if lm.ci95 is None and self.n is None:
                raise ValueError("a landmark without CI needs the arm's n (binomial rule)")
        if self.mix is None and self.subgroups:
            raise ValueError("subgroups need a mix (the patient is adjusted to the arm)")
        return self

    def sources(self) -> list[str]:
        out = self.median.sources() + [lm.source for lm in self.landmarks]
        out += self.eligibility_source
        if self.mix is not None:
            for key in MIX_KEYS:
                out.extend(getattr(self.mix, key).source)
        return list(dict.fromkeys(out))

    def median_log_se(self) -> float:
        """SE of the log median: 95% CI, an explicit assumption, sqrt(2 / n), or for a published
        range the SD of a log-uniform distribution over it."""
        m = self.median
        if m.range is not None:
            return (math.log(m.range[1]) - math.log(m.range[0])) / SQRT12
        if m.log_se is not None:
            return m.log_se
        if m.ci95 is not None:
            return ci_log_se(m.ci95)
        assert self.n is not None
        return math.sqrt(2.0 / self.n)

    def median_centre(self) -> float:
        m = self.median
        if m.range is not None:
            return math.sqrt(m.range[0] * m.range[1])
        assert m.months is not None
        return m.months

    def landmark_se(self, lm: Landmark) -> float:
        """SE of a landmark survival: its CI, else binomial with half the arm (censoring)."""
        if lm.ci95 is not None:
            return (lm.ci95[1] - lm.ci95[0]) / (2 * Z95)
        assert self.n is not None  # validated
        return math.sqrt(2 * lm.survival * (1 - lm.survival) / self.n)

    def shape_landmarks(self, min_log_spread: float) -> list[Landmark]:
        """Landmarks that identify the Weibull shape ([] if they sit too close to the median)."""
        if self.median.months is None:
            return []
        fit = [lm for lm in self.landmarks if lm.fit]
        spread = math.sqrt(sum(math.log(lm.month / self.median.months) ** 2 for lm in fit))
        return fit if spread >= min_log_spread else []

    def fitted_shape(self, min_log_spread: float) -> tuple[float, float] | None:
        """Weibull shape by least squares through the median on the cloglog scale, and the SE of
        its log (delta method from the landmark SEs); None without identifying landmarks."""
        fit = self.shape_landmarks(min_log_spread)
        if not fit:
            return None
        assert self.median.months is not None
        xs = [math.log(lm.month / self.median.months) for lm in fit]
        ys = [math.log(-math.log(lm.survival)) - math.log(LN2) for lm in fit]
        sxx = sum(x * x for x in xs)
        k = sum(x * y for x, y in zip(xs, ys, strict=True)) / sxx
        var_y = [
            (self.landmark_se(lm) / abs(lm.survival * math.log(lm.survival))) ** 2 for lm in fit
        ]
        var_k = sum(x * x * v for x, v in zip(xs, var_y, strict=True)) / sxx**2
        return k, math.sqrt(var_k) / k


# --------------------------------------------------------------------------------------------
# Scenarios, caps, checks, settings.


class AdditionalMonths(_M):
    range: tuple[float, float]
    source: str


class Scenario(_M):
    label: str
    kind: Literal["expected", "responder"] = "expected"
    anchors: list[str] = Field(default_factory=list)
    anchors_first_line: list[str] = Field(default_factory=list)
    anchors_later_line: list[str] = Field(default_factory=list)
    added_to: str | None = None
    additional_months: AdditionalMonths | None = None
    population: str | None = None
    no_anchor_reason: str | None = None
    responder: str | None = None
    skip_when: str | None = None
    caveats: list[str] = Field(default_factory=list)

    def all_anchors(self) -> list[str]:
        return list(dict.fromkeys(self.anchors + self.anchors_first_line + self.anchors_later_line))

    @property
    def estimable(self) -> bool:
        return bool(self.all_anchors()) or self.added_to is not None


class Cap(_M):
    """A ceiling, floor or replacement from an untreated cohort (docs/prognosis.md)."""

    when: str | None = None
    anchor: str
    scenarios: Literal["all"] | list[str]
    mode: Literal["ceiling", "floor", "replace"]
    caveat: str

    def applies_to(self, scenario: str) -> bool:
        return self.scenarios == "all" or scenario in self.scenarios


class LandmarkCheck(_M):
    month: float
    survival: float
    n: int | None = None


class ExternalCheck(_M):
    """A published figure from a cohort that is not an anchor (see the YAML)."""

    id: str
    label: str
    scenario: str
    facts: dict[str, Any] = Field(default_factory=dict)
    reference: dict[str, Any] | None = None
    minus: str | None = None
    range: tuple[float, float] | None = None
    median: float | None = None
    landmark: LandmarkCheck | None = None
    hr: float | None = None
    ci95: tuple[float, float] | None = None
    n_note: str | None = None
    source: str
    note: str | None = None
    target: bool = False


class Settings(_M):
    horizon_months: float = Field(gt=0)
    step_months: float = Field(gt=0)
    landmarks_months: list[float]
    interval_level: float = Field(gt=0, lt=1)
    # The rules are implemented in code; naming them here keeps the data file self-describing
    # and makes an edit that expects a different rule fail loudly.
    median_se_rule: Literal["sqrt_2_over_n"]
    landmark_se_rule: Literal["binomial_half_n"]
    default_hr_log_se: float = Field(gt=0)
    shape_min_log_spread: float = Field(ge=0)
    default_shape: Literal["from_fitted_anchors"]
    albi1_share_of_cp_a_in_hr_source: Share
    calibration_tolerance_without_ci: float = Field(gt=0, lt=1)

    def share(self, name: str) -> Share:
        value = getattr(self, name, None)
        if not isinstance(value, Share):
            raise ValueError(f"settings has no share '{name}'")
        return value


class Population(_M):
    """Who the model is for: a named condition and the warning given when it is false."""

    condition: str
    outside: str


class PrognosisData(_M):
    settings: Settings
    population: Population
    conditions: dict[str, Condition]
    caps: list[Cap]
    hazard_ratios: dict[str, HazardRatio]
    domains: dict[str, Domain]
    caveat_rules: list[CaveatRule] = Field(default_factory=list)
    anchors: dict[str, Anchor]
    scenarios: dict[str, Scenario]
    external_checks: list[ExternalCheck] = Field(default_factory=list)
    # Derived at load (not in the YAML):
    shape_range: tuple[float, float] = (1.0, 1.0)
    verification: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _refs(self) -> PrognosisData:
        problems = list(_reference_problems(self))
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @cached_property
    def compiled(self) -> Any:
        """Patient-independent constants of the model (built once per data object)."""
        from hepatoboard.prognosis.model import compile_data

        return compile_data(self)

    def all_sources(self) -> set[str]:
        """Every source id the prognosis data cites (for cross-checking against sources.yaml)."""
        out: set[str] = set(self.settings.albi1_share_of_cp_a_in_hr_source.source)
        for h in self.hazard_ratios.values():
            out.update(h.sources())
        for a in self.anchors.values():
            out.update(a.sources())
            out.update(s.source for s in a.subgroups)
        for c in self.conditions.values():
            out.update(c.source)
        for d in self.domains.values():
            for m in d.markers.values():
                out.update(m.source)
        for r in self.caveat_rules:
            out.update(r.source)
        for sc in self.scenarios.values():
            if sc.additional_months is not None:
                out.add(sc.additional_months.source)
        out.update(c.source for c in self.external_checks)
        return out

    def facts_used(self) -> set[str]:
        """Every fact name the prognosis definitions read."""
        exprs: list[Expr] = [c.when for c in self.conditions.values()]
        exprs += [r.when for r in self.caveat_rules]
        for d in self.domains.values():
            for m in d.markers.values():
                exprs += [lv.when for lv in m.levels]
        for a in self.anchors.values():
            exprs += [r.when for r in a.eligibility]
        out: set[str] = set()
        for e in exprs:
            out |= e.facts_used()
        return out


def _share_keys(spec: ShareSpec) -> Iterable[str]:
    if isinstance(spec, str):
        yield spec
    elif isinstance(spec, dict):
        if set(spec) == {"complement"}:
            yield from spec["complement"]
        elif set(spec) == {"product"}:
            for s in spec["product"]:
                yield from _share_keys(s)
        else:
            raise ValueError(f"share spec must be a key, a number, complement or product: {spec}")
    elif not 0 <= float(spec) <= 1:
        raise ValueError(f"a literal share must lie in 0-1: {spec}")


def _reference_problems(d: PrognosisData) -> Iterable[str]:
    if d.population.condition not in d.conditions:
        yield f"population: unknown condition '{d.population.condition}'"
    for name, dom in d.domains.items():
        for mname, marker in dom.markers.items():
            for lv in marker.levels:
                try:
                    bad = [k for k in _share_keys(lv.share) if k not in MIX_KEYS]
                except ValueError as exc:
                    yield f"domains.{name}.{mname}.{lv.id}: {exc}"
                    continue
                if bad:
                    yield f"domains.{name}.{mname}.{lv.id}: unknown mix keys {bad}"
                for key, coef in lv.hr.items():
                    if key not in d.hazard_ratios:
                        yield f"domains.{name}.{mname}.{lv.id}: unknown hazard ratio '{key}'"
                    if isinstance(coef, ComplementOf):
                        try:
                            d.settings.share(coef.complement_of)
                        except ValueError as exc:
                            yield f"domains.{name}.{mname}.{lv.id}: {exc}"
    for sid, sc in d.scenarios.items():
        for a in sc.all_anchors():
            if a not in d.anchors:
                yield f"scenario {sid}: unknown anchor {a}"
            elif d.anchors[a].calibration_only:
                yield f"scenario {sid}: anchor {a} is marked calibration_only"
        if not sc.estimable and not sc.no_anchor_reason:
            yield f"scenario {sid}: no anchors and no no_anchor_reason"
        if sc.added_to is not None and (sc.added_to not in d.scenarios or not sc.additional_months):
            yield f"scenario {sid}: added_to needs a known scenario and additional_months"
        if sc.responder is not None:
            r = d.scenarios.get(sc.responder)
            if r is None or r.kind != "responder":
                yield f"scenario {sid}: responder '{sc.responder}' is not a responder scenario"
        if sc.skip_when is not None and sc.skip_when not in d.conditions:
            yield f"scenario {sid}: unknown condition '{sc.skip_when}'"
    for cap in d.caps:
        if cap.anchor not in d.anchors:
            yield f"caps: unknown anchor {cap.anchor}"
        if cap.when is not None and cap.when not in d.conditions:
            yield f"caps: unknown condition '{cap.when}'"
    for aid, anchor in d.anchors.items():
        for sg in anchor.subgroups:
            if sg.hr_vs is not None and sg.hr_vs not in d.anchors:
                yield f"anchor {aid}: subgroup {sg.id} compares with unknown anchor {sg.hr_vs}"
    for c in d.external_checks:
        for s in (c.scenario, c.minus):
            if s is not None and s not in d.scenarios:
                yield f"external check {c.id}: unknown scenario {s}"


def check_sources(data: PrognosisData, known_ids: Iterable[str]) -> list[str]:
    """Problems: source ids cited in prognosis.yaml that sources.yaml does not define."""
    known = set(known_ids)
    return [f"prognosis.yaml: unknown source '{sid}'" for sid in sorted(data.all_sources() - known)]


def load_prognosis(
    raw: Mapping[str, Any], *, verification: Mapping[str, str] | None = None
) -> PrognosisData:
    """Validate an already-parsed prognosis.yaml (keys starting with '_' are YAML-anchor scratch
    space). ``verification`` maps source ids to their level (verified / secondary / unverified)
    so scenarios can say when an input is not verified."""
    body: dict[str, Any] = {k: v for k, v in raw.items() if not str(k).startswith("_")}
    body["anchors"] = {k: {**v, "id": k} for k, v in body.get("anchors", {}).items()}
    data = PrognosisData.model_validate(body)
    spread = data.settings.shape_min_log_spread
    shapes = [s[0] for a in data.anchors.values() if (s := a.fitted_shape(spread)) is not None]
    if not shapes:
        raise ValueError("no anchor has landmarks that identify a Weibull shape")
    update: dict[str, Any] = {"shape_range": (min(shapes), max(shapes))}
    if verification is not None:
        update["verification"] = dict(verification)
    data = data.model_copy(update=update)
    data.compiled  # noqa: B018 - compile now: a mis-ordered level fails at load, not at use
    return data


def load() -> PrognosisData:
    """The prognosis data of the shipped knowledge base (validated by the knowledge-base loader,
    with the verification levels of sources.yaml)."""
    from hepatoboard.knowledge.load import default_knowledge

    data: PrognosisData = default_knowledge().prognosis
    return data


def rule_sites(data: PrognosisData) -> list[tuple[str, Expr | None, list[str]]]:
    """(where, expression, sources) for the knowledge-base checks: the source ids each part
    cites, and every expression (its facts must exist and be known when the prognosis runs)."""
    out: list[tuple[str, Expr | None, list[str]]] = [
        ("settings", None, list(data.settings.albi1_share_of_cp_a_in_hr_source.source))
    ]
    for key, h in data.hazard_ratios.items():
        out.append((f"hazard_ratios.{key}", None, list(h.sources())))
    for aid, a in data.anchors.items():
        out.append((f"anchors.{aid}", None, [*a.sources(), *(sg.source for sg in a.subgroups)]))
        for i, er in enumerate(a.eligibility):
            out.append((f"anchors.{aid}.eligibility[{i}]", er.when, []))
    for name, c in data.conditions.items():
        out.append((f"conditions.{name}", c.when, list(c.source)))
    for i, cr in enumerate(data.caveat_rules):
        out.append((f"caveat_rules[{i}]", cr.when, list(cr.source)))
    for dname, d in data.domains.items():
        for mname, m in d.markers.items():
            out.append((f"domains.{dname}.{mname}", None, list(m.source)))
            for lv in m.levels:
                out.append((f"domains.{dname}.{mname}.{lv.id}", lv.when, []))
    for sid, sc in data.scenarios.items():
        if sc.additional_months is not None:
            out.append((f"scenarios.{sid}", None, [sc.additional_months.source]))
    for chk in data.external_checks:
        out.append((f"external_checks.{chk.id}", None, [chk.source]))
    return out
