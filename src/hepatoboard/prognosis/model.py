"""Survival prediction per treatment scenario, in closed form (method: docs/prognosis.md).

Why this design:

- **Calibrated, not invented.** Every scenario starts from a published survival curve (a trial
  arm or a cohort), represented as a Weibull curve through its published median, with the shape
  fitted to its published landmarks. Every number, definition and threshold is read from
  ``knowledge/data/prognosis.yaml``; this module holds the arithmetic only.
- **Relative to the reference population.** A trial median describes the trial's *mix* of
  patients. The patient's log hazard relative to the arm is the sum, over independent domains,
  of (patient's log hazard ratio - the arm population's mean log hazard ratio). An unknown fact
  contributes the population's own distribution: its mean (no shift) and its variance (a wider
  interval). Nothing is assumed normal.
- **No extrapolation beyond published groups.** Hazard ratios from different cohorts compound
  and over-disperse. A patient is never predicted to outlive the best published median of a
  subgroup of the arm he can belong to (the arm itself when none was published); when this cap
  binds, the scenario says so.
- **Honest, closed-form uncertainty.** The 80% interval of the median comes from the delta
  method on the log median: the median's own SE, the shape's, the hazard ratios', the mix
  shares' and the unknown facts'. Several anchors of a scenario are averaged as a mixture of
  curves, and their disagreement widens the interval.
- **Fast and deterministic.** Plain ``math``: no sampling, no warm-up, the same input gives the
  same output; a patient costs well under a millisecond per scenario.
- **Monotone by construction.** A worse known factor can only raise the log hazard (levels are
  ordered and checked at load), the caps are minima and maxima of monotone curves, so a worse
  patient is never predicted to live longer.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

from hepatoboard.criteria.evaluate import Evaluator, FactValue, Truth
from hepatoboard.criteria.expr import Expr
from hepatoboard.prognosis.data import (
    LN2,
    SQRT12,
    Anchor,
    ComplementOf,
    PrognosisData,
    ShareSpec,
    ci_log_se,
    load,
)
from hepatoboard.prognosis.result import Curve, Prognosis, Scenario

BSC = "best_supportive_care"
MID, LO, HI = 0, 1, 2


# --------------------------------------------------------------------------------------------
# Compiled, patient-independent constants (built once per PrognosisData, see data.compiled).


@dataclass(frozen=True)
class LevelC:
    id: str
    label: str
    when: Expr
    value: float  # central log hazard vs the marker's best level
    sens: tuple[tuple[str, float], ...]  # d value / d parameter (hazard ratios, settings shares)


@dataclass(frozen=True)
class MarkerC:
    name: str
    levels: tuple[LevelC, ...]
    facts: frozenset[str]


@dataclass(frozen=True)
class DomainC:
    name: str
    markers: tuple[MarkerC, ...]


@dataclass(frozen=True)
class DomainStats:
    mean: float
    var: float
    weights: dict[str, float]


@dataclass(frozen=True)
class CapGroup:
    """A published median the patient is not predicted to exceed, if he can belong to it."""

    when: Expr | None
    median: float
    log_se: float
    label: str
    source: str | None


@dataclass(frozen=True)
class AnchorC:
    anchor: Anchor
    median: float
    log_se: float
    shape: float
    shape_log_se: float
    adjusted: bool
    level_probs: dict[str, tuple[float, ...]]  # marker -> probability of each level
    pop_mean: dict[str, float]  # domain -> population mean log hazard
    pop_weights: dict[str, float]
    mix_var: float  # variance of the population mean from the mix shares' uncertainty
    caps: tuple[CapGroup, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Compiled:
    domains: tuple[DomainC, ...]
    param_var: dict[str, float]
    anchors: dict[str, AnchorC]
    z: float
    default_shape: float
    default_shape_log_se: float
    months: tuple[float, ...]  # the stored curve's time points
    # The expressions the model evaluates besides the markers' levels and the named conditions
    # (caps' groups, eligibility and caveat rules): with those, the whole of what it reads.
    key_exprs: tuple[Expr, ...] = ()
    # Results by what the model read of the patient (see :func:`predict`), as JSON bytes.
    memo: dict[tuple[Any, ...], bytes] = field(default_factory=dict, compare=False)


def _key_exprs(data: PrognosisData, anchors: Mapping[str, AnchorC]) -> tuple[Expr, ...]:
    """One of each (equal expressions, repeated across arms, have equal truth)."""
    exprs = [c.when for ac in anchors.values() for c in ac.caps if c.when is not None]
    exprs += [r.when for ac in anchors.values() for r in ac.anchor.eligibility]
    exprs += [rule.when for rule in data.caveat_rules]
    found: dict[str, Expr] = {}
    for e in exprs:
        found.setdefault(e.model_dump_json(), e)
    return tuple(found.values())


def compile_data(data: PrognosisData) -> Compiled:
    """Everything that does not depend on the patient. Raises ValueError if a marker's levels
    are not ordered best -> worst (a worse level must never be less hazardous)."""
    s = data.settings
    default_se = s.default_hr_log_se
    hr_mean: dict[str, float] = {}
    param_var: dict[str, float] = {}
    for key, h in data.hazard_ratios.items():
        mean, sd = h.log_normal(default_se)
        hr_mean[key], param_var[key] = mean, sd * sd
    domains = []
    for dname, dom in data.domains.items():
        markers = []
        for mname, marker in dom.markers.items():
            levels = []
            for lv in marker.levels:
                value = 0.0
                sens: dict[str, float] = {}
                for key, coef in lv.hr.items():
                    if isinstance(coef, ComplementOf):
                        share = s.share(coef.complement_of)
                        c = 1.0 - share.centre
                        param = f"settings:{coef.complement_of}"
                        param_var[param] = share.variance
                        sens[param] = sens.get(param, 0.0) - hr_mean[key]
                    else:
                        c = float(coef)
                    value += c * hr_mean[key]
                    sens[key] = sens.get(key, 0.0) + c
                levels.append(LevelC(lv.id, lv.label, lv.when, value, tuple(sens.items())))
            for a, b in itertools.pairwise(levels):
                if b.value < a.value - 1e-12:
                    raise ValueError(
                        f"domains.{dname}.{mname}: level {b.id} is less hazardous than {a.id}"
                    )
            facts: set[str] = set()
            for lv in marker.levels:
                facts |= lv.when.facts_used()
            markers.append(MarkerC(mname, tuple(levels), frozenset(facts)))
        domains.append(DomainC(dname, tuple(markers)))
    fitted = {
        aid: f
        for aid, a in data.anchors.items()
        if (f := a.fitted_shape(s.shape_min_log_spread)) is not None
    }
    lo, hi = data.shape_range
    default_shape = math.sqrt(lo * hi)
    default_shape_se = (math.log(hi) - math.log(lo)) / SQRT12
    raw_shares = {
        dname: {mname: [lv.share for lv in m.levels] for mname, m in dom.markers.items()}
        for dname, dom in data.domains.items()
    }
    anchors = {}
    populations: dict[str, PopulationC] = {}  # arms sharing a mix share its statistics
    for aid, anchor in data.anchors.items():
        shape, shape_se = fitted.get(aid, (default_shape, default_shape_se))
        pop = None
        if anchor.mix is not None:
            key = anchor.mix.model_dump_json()
            pop = populations.get(key)
            if pop is None:
                pop = populations[key] = _compile_population(anchor, domains, raw_shares)
        anchors[aid] = _compile_anchor(anchor, pop, shape, shape_se)
    z = NormalDist().inv_cdf(0.5 + s.interval_level / 2)
    n = round(s.horizon_months / s.step_months)
    months = tuple(i * s.step_months for i in range(n + 1))
    return Compiled(
        tuple(domains),
        param_var,
        anchors,
        z,
        default_shape,
        default_shape_se,
        months,
        _key_exprs(data, anchors),
    )


def _share_value(spec: ShareSpec, values: Mapping[str, float]) -> float:
    if isinstance(spec, str):
        return values[spec]
    if isinstance(spec, dict):
        if "complement" in spec:
            return 1.0 - sum(values[k] for k in spec["complement"])
        return math.prod(_share_value(x, values) for x in spec["product"])
    return float(spec)


@dataclass(frozen=True)
class PopulationC:
    level_probs: dict[str, tuple[float, ...]]
    pop_mean: dict[str, float]
    pop_weights: dict[str, float]
    mix_var: float


def _compile_population(
    a: Anchor, domains: Sequence[DomainC], raw_shares: Mapping[str, Mapping[str, list[ShareSpec]]]
) -> PopulationC:
    """Level probabilities, mean log hazard and its uncertainty of one reference population."""
    assert a.mix is not None
    centres = {k: getattr(a.mix, k).centre for k in type(a.mix).model_fields}

    def domain_probs(dname: str, values: Mapping[str, float]) -> dict[str, tuple[float, ...]]:
        out = {}
        for mname, specs in raw_shares[dname].items():
            probs = [max(0.0, _share_value(sp, values)) for sp in specs]
            total = sum(probs)
            out[f"{dname}.{mname}"] = tuple(p / total for p in probs) if total else tuple(probs)
        return out

    def domain_stats(d: DomainC, probs: Mapping[str, tuple[float, ...]]) -> DomainStats:
        dists = [
            [(i, probs[f"{d.name}.{m.name}"][i]) for i in range(len(m.levels))] for m in d.markers
        ]
        return _domain_stats(d, dists)

    probs: dict[str, tuple[float, ...]] = {}
    pop_mean: dict[str, float] = {}
    pop_weights: dict[str, float] = {}
    for d in domains:
        dp = domain_probs(d.name, centres)
        probs.update(dp)
        st = domain_stats(d, dp)
        pop_mean[d.name] = st.mean
        for k, w in st.weights.items():
            pop_weights[k] = pop_weights.get(k, 0.0) + w
    # Uncertainty of the population mean from assumed ranges: finite differences, recomputing
    # only the domains whose shares name the key.
    mix_var = 0.0
    for key in centres:
        share = getattr(a.mix, key)
        if share.variance <= 0:
            continue
        h = 1e-4
        bumped = {**centres, key: centres[key] + h}
        deriv = 0.0
        for d in domains:
            specs = [sp for m in raw_shares[d.name].values() for sp in m]
            if any(key in _keys(sp) for sp in specs):
                deriv += (domain_stats(d, domain_probs(d.name, bumped)).mean - pop_mean[d.name]) / h
        mix_var += deriv * deriv * share.variance
    return PopulationC(probs, pop_mean, pop_weights, mix_var)


def _keys(spec: ShareSpec) -> set[str]:
    if isinstance(spec, str):
        return {spec}
    if isinstance(spec, dict):
        if "complement" in spec:
            return set(spec["complement"])
        return set().union(*(_keys(x) for x in spec["product"]))
    return set()


def _compile_anchor(a: Anchor, pop: PopulationC | None, shape: float, shape_se: float) -> AnchorC:
    median, log_se = a.median_centre(), a.median_log_se()
    caps = [CapGroup(None, median, log_se, "the whole arm", None)]
    for sg in a.subgroups:
        if sg.median is not None:
            se = ci_log_se(sg.ci95) if sg.ci95 else math.sqrt(2.0 / sg.n) if sg.n else log_se
            caps.append(CapGroup(sg.when, sg.median, se, sg.label, sg.source))
    if pop is None:
        return AnchorC(
            a,
            median,
            log_se,
            shape,
            shape_se,
            False,
            {},
            {},
            {},
            0.0,
            tuple(caps),
            tuple(a.sources()),
        )
    return AnchorC(
        a,
        median,
        log_se,
        shape,
        shape_se,
        True,
        pop.level_probs,
        pop.pop_mean,
        pop.pop_weights,
        pop.mix_var,
        tuple(caps),
        tuple(a.sources()),
    )


def _domain_stats(d: DomainC, dists: Sequence[Sequence[tuple[int, float]]]) -> DomainStats:
    """Mean and variance of a domain's log hazard over the combinations of its markers' levels
    (independent markers; the worse marker counts), and the weight of each parameter."""
    mean = sq = 0.0
    weights: dict[str, float] = {}
    for combo in itertools.product(*dists):
        p = 1.0
        best: LevelC | None = None
        for marker, (i, pi) in zip(d.markers, combo, strict=True):
            p *= pi
            lv = marker.levels[i]
            if best is None or lv.value > best.value:
                best = lv
        if p == 0.0 or best is None:
            continue
        mean += p * best.value
        sq += p * best.value * best.value
        for k, sv in best.sens:
            weights[k] = weights.get(k, 0.0) + p * sv
    return DomainStats(mean, max(0.0, sq - mean * mean), weights)


# --------------------------------------------------------------------------------------------
# The patient.


class _Facts(Mapping[str, FactValue]):
    """The facts as the evaluator needs them: absent names are unknown, plain values wrapped."""

    def __init__(self, facts: Mapping[str, Any]) -> None:
        self._facts = facts

    def __getitem__(self, name: str) -> FactValue:
        v = self._facts.get(name)
        if isinstance(v, FactValue):
            return v
        return FactValue(v, () if v is not None else (name,))

    def __iter__(self) -> Iterator[str]:
        return iter(self._facts)

    def __len__(self) -> int:
        return len(self._facts)


@dataclass(frozen=True)
class Profile:
    allowed: dict[str, tuple[int, ...]]  # "domain.marker" -> possible level indices
    unknown: tuple[str, ...]  # fact names whose absence leaves a marker unknown


def profile(compiled: Compiled, ev: Evaluator) -> Profile:
    allowed: dict[str, tuple[int, ...]] = {}
    unknown: list[str] = []
    for d in compiled.domains:
        for m in d.markers:
            outs = [ev(lv.when).value for lv in m.levels]
            true = tuple(i for i, v in enumerate(outs) if v is True)
            maybe = tuple(i for i, v in enumerate(outs) if v is None)
            idx = true or maybe or tuple(range(len(m.levels)))
            allowed[f"{d.name}.{m.name}"] = idx
            if len(idx) > 1:
                unknown += sorted(f for f in m.facts if ev.facts[f].value is None)
    return Profile(allowed, tuple(dict.fromkeys(unknown)))


@dataclass(frozen=True)
class AnchorEstimate:
    anchor: AnchorC
    curve: Weibull
    log_hazard: float  # effective, after the cap (0 when not adjusted)
    raw_log_hazard: float  # before the cap: what the published hazard ratios give
    capped: CapGroup | None
    applied: frozenset[str]  # hazard-ratio parameters that moved this patient


@dataclass(frozen=True)
class RelativeHazard:
    """The patient against one reference population (shared by the arms with that mix)."""

    log_hazard: float
    variance: float  # unknown facts, hazard ratios and mix shares
    applied: frozenset[str]


def relative_hazard(compiled: Compiled, ac: AnchorC, prof: Profile) -> RelativeHazard:
    eta = var_u = 0.0
    weights: dict[str, float] = {}
    for d in compiled.domains:
        dists = []
        for m in d.markers:
            key = f"{d.name}.{m.name}"
            probs = ac.level_probs[key]
            idx = prof.allowed[key]
            if len(idx) == 1:
                dists.append([(idx[0], 1.0)])
                continue
            ps = [probs[i] for i in idx]
            total = sum(ps)
            ps = [p / total for p in ps] if total > 0 else [1.0 / len(idx)] * len(idx)
            dists.append(list(zip(idx, ps, strict=True)))
        st = _domain_stats(d, dists)
        eta += st.mean - ac.pop_mean[d.name]
        var_u += st.var
        for k, wv in st.weights.items():
            weights[k] = weights.get(k, 0.0) + wv
    var_p = 0.0
    applied = set()
    for k in set(weights) | set(ac.pop_weights):
        dw = weights.get(k, 0.0) - ac.pop_weights.get(k, 0.0)
        if abs(dw) > 1e-9:
            var_p += dw * dw * compiled.param_var[k]
            if not k.startswith("settings:"):
                applied.add(k)
    return RelativeHazard(eta, var_u + var_p + ac.mix_var, frozenset(applied))


def anchor_estimate(
    compiled: Compiled,
    anchor_id: str,
    prof: Profile,
    ev: Evaluator,
    cache: dict[int, RelativeHazard] | None = None,
) -> AnchorEstimate:
    """The patient's curve from one anchor (no scenario-level caps). ``cache``: relative
    hazards already computed for this patient, keyed by reference population."""
    ac = compiled.anchors[anchor_id]
    z = compiled.z
    if not ac.adjusted:
        w = Weibull.from_log(ac.shape, math.log(ac.median), ac.log_se, z)
        return AnchorEstimate(ac, w, 0.0, 0.0, None, frozenset())
    rh = cache.get(id(ac.level_probs)) if cache is not None else None
    if rh is None:
        rh = relative_hazard(compiled, ac, prof)
        if cache is not None:
            cache[id(ac.level_probs)] = rh
    eta, applied = rh.log_hazard, rh.applied
    k = ac.shape
    log_m = math.log(ac.median) - eta / k
    var = ac.log_se**2 + rh.variance / k**2 + (eta / k * ac.shape_log_se) ** 2
    sd = math.sqrt(var)
    mid, lo, hi = log_m, log_m - z * sd, log_m + z * sd
    # The ceiling: the best published group this patient can belong to.
    best = max(
        (c for c in ac.caps if c.when is None or ev(c.when).value is not False),
        key=lambda c: c.median,
    )
    cap_mid = math.log(best.median)
    capped = best if mid > cap_mid else None
    mid = min(mid, cap_mid)
    lo = min(lo, cap_mid - z * best.log_se)
    hi = min(hi, cap_mid + z * best.log_se)
    eff = k * (math.log(ac.median) - mid)
    curve = Weibull(k, (math.exp(mid), math.exp(lo), math.exp(hi)))
    return AnchorEstimate(ac, curve, eff, eta, capped, applied)


# --------------------------------------------------------------------------------------------
# Curves: Weibull components and their combinations. ``which`` = MID, LO or HI; the LO/HI curves
# carry the interval of the median along the curve (they cross 50% at its ends).


class CurveNode:
    def median(self, which: int) -> float:
        raise NotImplementedError

    def surv(self, t: float, which: int) -> float:
        raise NotImplementedError

    def grid(self, ts: Sequence[float], which: int) -> list[float]:
        """Survival at each time (the stored curve points)."""
        return [self.surv(t, which) for t in ts]

    def grids(self, ts: Sequence[float]) -> tuple[list[float], list[float], list[float]]:
        """The MID, LO and HI curves at each time."""
        return self.grid(ts, MID), self.grid(ts, LO), self.grid(ts, HI)


@dataclass(frozen=True)
class Weibull(CurveNode):
    shape: float
    medians: tuple[float, float, float]  # mid, lo, hi
    coef: tuple[float, float, float] = field(init=False)  # ln 2 / median ** shape

    def __post_init__(self) -> None:
        k = self.shape
        object.__setattr__(self, "coef", tuple(LN2 / m**k for m in self.medians))

    @classmethod
    def from_log(cls, shape: float, log_median: float, log_se: float, z: float) -> Weibull:
        mids = tuple(math.exp(log_median + f * z * log_se) for f in (0, -1, 1))
        return cls(shape, mids)  # type: ignore[arg-type]

    def median(self, which: int) -> float:
        return self.medians[which]

    def surv(self, t: float, which: int) -> float:
        return math.exp(-self.coef[which] * t**self.shape) if t > 0 else 1.0

    def grid(self, ts: Sequence[float], which: int) -> list[float]:
        c, k, exp = self.coef[which], self.shape, math.exp
        return [exp(-c * t**k) if t > 0 else 1.0 for t in ts]

    def grids(self, ts: Sequence[float]) -> tuple[list[float], list[float], list[float]]:
        k, exp = self.shape, math.exp
        tk = [t**k if t > 0 else 0.0 for t in ts]
        c0, c1, c2 = self.coef
        return [exp(-c0 * x) for x in tk], [exp(-c1 * x) for x in tk], [exp(-c2 * x) for x in tk]


@dataclass(frozen=True)
class Mixture(CurveNode):
    """Equal-weight average of Weibull curves; its interval combines the components' own
    uncertainty and their disagreement (law of total variance on the log median)."""

    parts: tuple[Weibull, ...]
    z: float
    mid: float = field(init=False)
    scale: tuple[float, float] = field(init=False)  # lo / mid, hi / mid

    def __post_init__(self) -> None:
        meds = [p.median(MID) for p in self.parts]
        lo_t, hi_t = min(meds), max(meds)
        if hi_t - lo_t < 1e-12:
            mid = lo_t
        else:
            a, b = math.log(lo_t), math.log(hi_t)
            for _ in range(30):  # 2**-30 of the log range: far below the 0.1-month rounding
                c = 0.5 * (a + b)
                if self._mid_surv(math.exp(c)) > 0.5:
                    a = c
                else:
                    b = c
            mid = math.exp(0.5 * (a + b))
        logs = [math.log(x) for x in meds]
        mean_log = sum(logs) / len(logs)
        between = sum((x - mean_log) ** 2 for x in logs) / len(logs)
        within = sum(
            (math.log(p.median(HI) / p.median(LO)) / (2 * self.z)) ** 2 for p in self.parts
        ) / len(self.parts)
        sd = math.sqrt(within + between)
        object.__setattr__(self, "mid", mid)
        object.__setattr__(self, "scale", (math.exp(-self.z * sd), math.exp(self.z * sd)))

    def _mid_surv(self, t: float) -> float:
        if t <= 0:
            return 1.0
        exp = math.exp
        return sum([exp(-p.coef[0] * t**p.shape) for p in self.parts]) / len(self.parts)

    def median(self, which: int) -> float:
        return self.mid if which == MID else self.mid * self.scale[which - 1]

    def surv(self, t: float, which: int) -> float:
        return self._mid_surv(t if which == MID else t / self.scale[which - 1])

    def grid(self, ts: Sequence[float], which: int) -> list[float]:
        f = 1.0 if which == MID else 1.0 / self.scale[which - 1]
        scaled = [t * f for t in ts]
        total = [0.0] * len(ts)
        for p in self.parts:
            for i, v in enumerate(p.grid(scaled, MID)):
                total[i] += v
        n = len(self.parts)
        return [v / n for v in total]

    def grids(self, ts: Sequence[float]) -> tuple[list[float], list[float], list[float]]:
        # S_mix(t / f) = mean_i exp(-c_i f**-k_i t**k_i): one power per part and time.
        exp, n = math.exp, len(self.parts)
        out = [[0.0] * len(ts) for _ in range(3)]
        scales = (1.0, *self.scale)
        for p in self.parts:
            k = p.shape
            tk = [t**k if t > 0 else 0.0 for t in ts]
            for j, f in enumerate(scales):
                c = p.coef[0] * f**-k
                out[j] = list(map(operator.add, out[j], [exp(-c * x) for x in tk]))
        return tuple([v / n for v in acc] for acc in out)  # type: ignore[return-value]


@dataclass(frozen=True)
class Lower(CurveNode):
    """Pointwise minimum (a ceiling)."""

    a: CurveNode
    b: CurveNode

    def median(self, which: int) -> float:
        return min(self.a.median(which), self.b.median(which))

    def surv(self, t: float, which: int) -> float:
        return min(self.a.surv(t, which), self.b.surv(t, which))

    def grid(self, ts: Sequence[float], which: int) -> list[float]:
        return list(map(min, self.a.grid(ts, which), self.b.grid(ts, which)))

    def grids(self, ts: Sequence[float]) -> tuple[list[float], list[float], list[float]]:
        a, b = self.a.grids(ts), self.b.grids(ts)
        return tuple(list(map(min, x, y)) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


@dataclass(frozen=True)
class Upper(CurveNode):
    """Pointwise maximum (a floor)."""

    a: CurveNode
    b: CurveNode

    def median(self, which: int) -> float:
        return max(self.a.median(which), self.b.median(which))

    def surv(self, t: float, which: int) -> float:
        return max(self.a.surv(t, which), self.b.surv(t, which))

    def grid(self, ts: Sequence[float], which: int) -> list[float]:
        return list(map(max, self.a.grid(ts, which), self.b.grid(ts, which)))

    def grids(self, ts: Sequence[float]) -> tuple[list[float], list[float], list[float]]:
        a, b = self.a.grids(ts), self.b.grids(ts)
        return tuple(list(map(max, x, y)) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


@dataclass(frozen=True)
class Widened(CurveNode):
    """``a`` with its lower band extended to ``b``'s (a cap that may apply, facts unknown)."""

    a: CurveNode
    b: CurveNode

    def median(self, which: int) -> float:
        m = self.a.median(which)
        return min(m, self.b.median(LO)) if which == LO else m

    def surv(self, t: float, which: int) -> float:
        s = self.a.surv(t, which)
        return min(s, self.b.surv(t, LO)) if which == LO else s

    def grids(self, ts: Sequence[float]) -> tuple[list[float], list[float], list[float]]:
        mid, lo, hi = self.a.grids(ts)
        return mid, list(map(min, lo, self.b.grid(ts, LO))), hi


def combine(parts: Sequence[Weibull], z: float) -> CurveNode:
    return parts[0] if len(parts) == 1 else Mixture(tuple(parts), z)


# --------------------------------------------------------------------------------------------
# Scenarios.


@dataclass
class ScenarioEstimate:
    curve: CurveNode
    anchors: list[AnchorEstimate]
    caveats: list[str]
    sources: list[str]
    applied: set[str]
    population: str
    hazard_ratio: float | None


def _line_caveat(anchors: Sequence[Anchor], next_line: Any) -> str | None:
    """No sourced HR exists for line of therapy: a mismatch is flagged, never adjusted."""
    lines = sorted({a.line for a in anchors})
    names = ", ".join(dict.fromkeys(a.label.split(" ")[0] for a in anchors))
    if next_line is None:
        joined = "/".join(map(str, lines))
        return f"line of therapy unknown; evidence ({names}) is from line {joined}"
    if next_line > max(lines):
        return (
            f"extrapolated: this would be line {next_line}, the evidence ({names}) is from line "
            f"{max(lines)}"
        )
    if next_line < min(lines):
        return (
            f"outside the evidence: {names} enrolled patients after prior systemic therapy (line "
            f"{min(lines)}); this would be line {next_line}"
        )
    return None


def _scenario_anchor_ids(data: PrognosisData, sid: str, next_line: Any) -> tuple[list[str], bool]:
    sc = data.scenarios[sid]
    if sc.anchors or not (sc.anchors_first_line or sc.anchors_later_line):
        return list(sc.anchors), False
    if next_line is None:
        return list(dict.fromkeys(sc.anchors_first_line + sc.anchors_later_line)), True
    return list(sc.anchors_first_line if next_line <= 1 else sc.anchors_later_line), False


class _Context:
    """One patient's evaluation against one data set (built per predict call)."""

    def __init__(self, data: PrognosisData, facts: Mapping[str, Any]) -> None:
        self.data = data
        self.c: Compiled = data.compiled
        self.ev = Evaluator(_Facts(facts))
        self.prof = profile(self.c, self.ev)
        self.conditions: dict[str, Truth] = {
            name: self.ev(cond.when).value for name, cond in data.conditions.items()
        }
        self.next_line = self.ev.facts["next_line"].value
        self._anchors: dict[str, AnchorEstimate] = {}
        self._relative: dict[int, RelativeHazard] = {}
        self._scenarios: dict[str, ScenarioEstimate] = {}

    def key(self, scenarios: Sequence[str]) -> tuple[Any, ...]:
        """Everything the model reads of this patient for these scenarios (see predict)."""
        ev = self.ev
        return (
            tuple(scenarios),
            tuple(self.prof.allowed.values()),
            self.prof.unknown,
            tuple(self.conditions.values()),
            self.next_line,
            tuple(ev(e).value for e in self.c.key_exprs),
        )

    def anchor(self, aid: str) -> AnchorEstimate:
        est = self._anchors.get(aid)
        if est is None:
            est = anchor_estimate(self.c, aid, self.prof, self.ev, self._relative)
            self._anchors[aid] = est
        return est

    def condition(self, name: str | None) -> Truth:
        return True if name is None else self.conditions[name]

    def scenario(self, sid: str) -> ScenarioEstimate:
        est = self._scenarios.get(sid)
        if est is None:
            est = self._scenario(sid)
            self._scenarios[sid] = est
        return est

    def _scenario(self, sid: str) -> ScenarioEstimate:
        data, sc = self.data, self.data.scenarios[sid]
        caveats = list(sc.caveats)
        sources: list[str] = []
        applied: set[str] = set()
        ests: list[AnchorEstimate] = []
        if sc.added_to is not None:
            assert sc.additional_months is not None
            base = self.scenario(sc.added_to).curve
            lo_add, hi_add = sc.additional_months.range
            mids = (
                base.median(MID) + 0.5 * (lo_add + hi_add),
                base.median(LO) + lo_add,
                base.median(HI) + hi_add,
            )
            curve: CurveNode = Weibull(self.c.default_shape, mids)
            sources.append(sc.additional_months.source)
            population = sc.population or ""
            hazard_ratio = None
        else:
            ids, line_unknown = _scenario_anchor_ids(data, sid, self.next_line)
            if line_unknown:
                caveats.append(
                    "line of therapy unknown: first-line untreated and later-line placebo "
                    "references are both used (wider interval)"
                )
            ests = [self.anchor(a) for a in ids]
            curve = combine([e.curve for e in ests], self.c.z)
            anchors = [e.anchor.anchor for e in ests]
            population = sc.population or "; ".join(a.population for a in anchors)
            adjusted = [e for e in ests if e.anchor.adjusted]
            hazard_ratio = (
                round(math.exp(sum(e.log_hazard for e in adjusted) / len(adjusted)), 2)
                if adjusted
                else None
            )
            for e in ests:
                applied |= e.applied
                sources.extend(e.anchor.sources)
                if e.capped is not None:
                    caveats.append(
                        f"capped at the best published group of {e.anchor.anchor.label} "
                        f"({e.capped.label}, median {e.capped.median:g} months): this patient's "
                        "favourable factors combine beyond any published subgroup, so the "
                        "estimate is not extended beyond it (the true median may be longer)"
                    )
                    if e.capped.source:
                        sources.append(e.capped.source)
                if not e.anchor.adjusted:
                    m = e.anchor.anchor.median
                    if m.range is not None:
                        caveats.append(
                            f"wide input: {e.anchor.anchor.label} is a published range "
                            f"{m.range[0]:g}-{m.range[1]:g} months, not adjusted to this patient"
                        )
                if e.anchor.anchor.n_note and "ASSUMPTION" in e.anchor.anchor.n_note:
                    caveats.append(f"assumption: {e.anchor.anchor.label}: {e.anchor.anchor.n_note}")
                caveats.extend(e.anchor.anchor.warnings)
            caveats.extend(self._eligibility(anchors, treatment=sid != BSC))
            if sid != BSC:
                lc = _line_caveat(anchors, self.next_line)
                if lc:
                    caveats.append(lc)
        curve = self._apply_caps(sid, curve, caveats, sources)
        for rule in data.caveat_rules:
            if self.ev(rule.when).value is True:
                caveats.append(rule.text)
                sources.extend(rule.source)
        for k in sorted(applied):
            sources.extend(data.hazard_ratios[k].sources())
        return ScenarioEstimate(curve, ests, caveats, sources, applied, population, hazard_ratio)

    def _apply_caps(
        self, sid: str, curve: CurveNode, caveats: list[str], sources: list[str]
    ) -> CurveNode:
        """The end-stage ceilings and floors of ``prognosis.yaml: caps`` (an unknown condition
        widens the interval towards the capped estimate)."""
        data = self.data
        for cap in data.caps:
            if not cap.applies_to(sid):
                continue
            truth = self.condition(cap.when)
            if truth is False:
                continue
            d_curve = self.anchor(cap.anchor).curve
            if cap.mode == "replace":
                capped: CurveNode = d_curve
            elif cap.mode == "ceiling":
                capped = Lower(curve, d_curve)
            else:
                capped = Upper(curve, d_curve)
            if truth is True:
                if cap.mode != "floor" or capped.median(MID) > curve.median(MID):
                    caveats.append(cap.caveat)
                    sources.extend(self.c.anchors[cap.anchor].sources)
                curve = capped
            elif cap.mode != "floor":
                caveats.append(
                    f"could not exclude '{cap.when}' (facts unknown): the lower end of the "
                    "interval is extended to the estimate that would then apply"
                )
                curve = Widened(curve, capped)
        return curve

    def _eligibility(self, anchors: Sequence[Anchor], *, treatment: bool) -> list[str]:
        hits: dict[str, tuple[str, list[str]]] = {}
        for a in anchors:
            for r in a.eligibility:
                if r.treatment_only and not treatment:
                    continue
                v = self.ev(r.when).value
                text = r.caveat if v is True else r.unknown_caveat if v is None else None
                if text:
                    hits.setdefault(f"{r.id}:{v}", (text, []))[1].append(a.label)
        return [f"{text} {'; '.join(dict.fromkeys(labels))}" for text, labels in hits.values()]


def _round_interval(curve: CurveNode, horizon: float) -> tuple[float, float, float]:
    mid, lo, hi = (min(curve.median(w), horizon) for w in (MID, LO, HI))
    return round(mid, 1), round(lo, 1), round(hi, 1)


def _document(ctx: _Context, sid: str, est: ScenarioEstimate) -> Scenario:
    data = ctx.data
    s = data.settings
    sc = data.scenarios[sid]
    horizon = s.horizon_months
    curve = est.curve
    mid, lo, hi = _round_interval(curve, horizon)
    caveats = list(est.caveats)
    if curve.median(HI) >= horizon:
        what = "median" if curve.median(MID) >= horizon else "upper end of the interval"
        caveats.append(
            f"{what} beyond the {horizon:g}-month horizon of published follow-up: shown as "
            f"{horizon:g} (not estimable)"
        )
    sources = list(dict.fromkeys(est.sources))
    weak = [
        f"{sid_} ({data.verification[sid_]})"
        for sid_ in sources
        if data.verification.get(sid_, "verified") != "verified"
    ]
    if weak:
        caveats.append("inputs not verified in a primary source: " + ", ".join(weak))
    months = list(ctx.c.months)
    # Four decimals (probabilities in 0-1; int(x + 0.5) rounds a non-negative x, 4x faster
    # than round(x, 4) and prints the same short decimals).
    pts = [[int(v * 10000.0 + 0.5) / 10000.0 for v in g] for g in curve.grids(months)]
    return Scenario(
        id=sid,
        label=sc.label,
        kind=sc.kind,
        population=est.population,
        median_months=mid,
        interval_months=(lo, hi),
        survival={f"{t:g}": round(curve.surv(t, MID), 3) for t in s.landmarks_months},
        hazard_ratio=est.hazard_ratio,
        caveats=list(dict.fromkeys(caveats)),
        sources=sources,
        curve=Curve(months=months, survival=pts[MID], lower=pts[LO], upper=pts[HI]),
    )


def method_text(data: PrognosisData) -> str:
    s = data.settings
    return (
        "Closed form, no sampling: a Weibull curve through each published median (shape fitted "
        "to published landmarks up to 24 months), adjusted by proportional hazards relative to "
        "the published population's own mix (published hazard ratios; unknown facts take the "
        "population's distribution), never beyond the best published subgroup median the "
        f"patient can belong to; {s.interval_level:.0%} interval of the median by the delta "
        "method; several published arms are averaged as a mixture; ceilings and floors from "
        "untreated cohorts. Population-level estimates for decision support, not a promise for "
        "one patient (docs/prognosis.md; knowledge/data/prognosis.yaml)."
    )


def predict(
    facts: Mapping[str, FactValue],
    scenarios: Sequence[str],
    data: PrognosisData | None = None,
) -> Prognosis:
    """Survival per scenario for one patient (method: docs/prognosis.md).

    ``facts``: named facts (derive_facts plus the staging facts); ``scenarios``: option ids.
    Options without a published anchor are skipped and named in ``warnings``; nothing is
    invented for them. A responder scenario ("what is possible") is added after the expected
    ones where a source supports one. Identical inputs give identical output.

    The model reads a patient only through the truth of its expressions (the markers' levels,
    the named conditions, the caps' groups, the eligibility and caveat rules), which of the
    markers' facts are unknown, and the next line of therapy. The result is kept under exactly
    that key (the last :data:`MEMO_ENTRIES` keys of each data object, as JSON), so a later
    patient who differs only in values the model does not distinguish (an AFP of 120 or of 130
    ng/mL) gets the same result, rebuilt as a new object, without the curves being computed
    again.
    """
    data = data or load()
    ctx = _Context(data, facts)
    key = ctx.key(scenarios)
    memo = ctx.c.memo
    hit = memo.get(key)
    if hit is not None:
        return Prognosis.model_validate_json(hit)
    result = _predict(ctx, scenarios)
    if len(memo) >= MEMO_ENTRIES:
        memo.clear()
    memo[key] = result.model_dump_json().encode()
    return result


MEMO_ENTRIES = 1024  # per data object; about 30 kB each


def _predict(ctx: _Context, scenarios: Sequence[str]) -> Prognosis:
    data = ctx.data
    if ctx.condition(data.population.condition) is False:
        return Prognosis(scenarios=[], method=method_text(data), warnings=[data.population.outside])
    warnings: list[str] = []
    skipped: list[str] = []
    wanted: list[str] = []
    responders: list[str] = []
    for sid in dict.fromkeys(scenarios):
        sc = data.scenarios.get(sid)
        if sc is None or not sc.estimable:
            reason = sc.no_anchor_reason if sc is not None else "no published anchor"
            skipped.append(f"{sid} ({reason})")
            continue
        wanted.append(sid)
        if sc.responder and sc.responder not in responders:
            responders.append(sc.responder)
    out: list[Scenario] = []
    applied: set[str] = set()
    for sid in [*wanted, *(r for r in responders if r not in wanted)]:
        sc = data.scenarios[sid]
        if sc.skip_when is not None and ctx.condition(sc.skip_when) is True:
            warnings.append(f"not shown: {sc.label} ({sc.skip_when.replace('_', ' ')})")
            continue
        est = ctx.scenario(sid)
        applied |= est.applied
        out.append(_document(ctx, sid, est))
    if skipped:
        warnings.append("no survival estimate for: " + "; ".join(skipped))
    if ctx.prof.unknown:
        warnings.append(
            "unknown " + ", ".join(ctx.prof.unknown) + ": each reference population's own "
            "distribution is used for these (not assumed normal), which widens the intervals"
        )
    default_se = data.settings.default_hr_log_se
    for key in sorted(applied):
        h = data.hazard_ratios[key]
        if h.assumption:
            hr = math.exp(h.log_normal(default_se)[0])
            warnings.append(
                f"assumption: {h.label} hazard ratio {hr:.2g} has no verified source, wide "
                "uncertainty (docs/prognosis.md)"
            )
    return Prognosis(scenarios=out, method=method_text(data), warnings=warnings)


def warm_up() -> int:
    """Load and compile the data (about a tenth of a second; nothing else to precompute).
    Kept so a service can pay it before it listens. Returns the number of anchors."""
    return len(load().compiled.anchors)
