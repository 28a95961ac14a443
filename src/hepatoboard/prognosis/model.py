"""Survival prediction per treatment scenario, calibrated to published arms (docs/prognosis.md).

Why this design:

- **Calibrated, not invented.** Every scenario starts from a published survival curve (a trial
  arm or an untreated cohort), represented as a Weibull curve through its published median and
  landmark rates. Nothing here knows a survival number of its own.
- **Adjusted relative to the reference population.** A trial arm's median describes the trial's
  *mix* of patients (e.g. 38% macrovascular invasion). Published hazard ratios (HR) tell how much
  worse one kind of patient does than another; we solve, per Monte Carlo draw, for the baseline
  curve that reproduces the published arm when averaged over the arm's own mix (exact under
  proportional hazards), then apply the patient's own hazard. Feeding the trial's population back
  therefore reproduces the trial.
- **Honest uncertainty.** Medians, landmark rates, hazard ratios and every assumed share are
  sampled (seeded numpy Generator), and facts the case does not give are sampled from the
  reference population rather than assumed normal, which widens the interval.
- **Monotone by construction.** All patients share the same random draws (common random numbers),
  and within a draw a worse factor can only raise the hazard, so a worse patient can never be
  predicted to live longer.
"""

from __future__ import annotations

import copy
import itertools
import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hepatoboard.criteria.evaluate import FactValue
from hepatoboard.prognosis.data import HR_KEYS, LN2, MIX_KEYS, Anchor, Cap, PrognosisData, load

Array = NDArray[np.float64]

BSC = "best_supportive_care"
LIVER_LEVELS = ("a_albi1", "a_albi23", "b", "c")  # best -> worst
ECOG_LEVELS = ("0", "1", "2+")
BINARY_DOMAINS = ("macrovascular_invasion", "extrahepatic_spread", "afp_ge_400", "nodules_gt_3")
# Correlated markers that share one domain, where the worse marker counts (no double counting):
# Child-Pugh/ALBI with ascites (ascites is a Child-Pugh item), and macrovascular invasion with
# extrahepatic spread (trials stratify them as one factor, "MVI and/or EHS"; either makes BCLC C).
SPREAD = ("macrovascular_invasion", "extrahepatic_spread")
INDEPENDENT = ("afp_ge_400", "nodules_gt_3")
_GRID = 64  # points of the phi table (log-spaced baseline cumulative hazard)
_SHAPE_LIMITS = (0.3, 3.0)


# --------------------------------------------------------------------------------------------
# Random streams: one per named purpose, so results do not depend on which scenarios are asked
# for or in which order, and every patient sees the same draws.


def _rng(seed: int, name: str) -> np.random.Generator:
    """An independent, reproducible stream per purpose (crc32 is stable across runs, unlike
    Python's salted hash)."""
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(name.encode())]))


def _readonly(*arrays: Array) -> None:
    for a in arrays:
        a.setflags(write=False)


@dataclass(frozen=True)
class FactorDraws:
    """Sampled hazard ratios (one value per draw) on a common scale (best level = 1)."""

    liver: Array  # (D, 4) Child-Pugh A/ALBI 1, A/ALBI 2-3, B, C
    ascites: Array  # (D,)
    ecog: Array  # (D, 3) ECOG 0, 1, >= 2
    binary: dict[str, Array]  # (D,) per BINARY_DOMAINS


@cache
def _factor_draws(seed: int, draws: int) -> FactorDraws:
    data = load()
    rng = _rng(seed, "factors")
    default_se = data.settings.default_hr_log_se
    hr: dict[str, Array] = {}
    for key in HR_KEYS:  # fixed order: reproducible
        mean, sd = data.hazard_ratios[key].log_normal(default_se)
        # An adverse factor stays adverse in every draw (HR >= 1): the direction is published.
        hr[key] = np.maximum(np.exp(mean + sd * rng.standard_normal(draws)), 1.0)
    share = data.settings.albi1_share_of_cp_a_in_hr_source
    q = rng.uniform(share.low, share.high, draws)
    # Child-Pugh B vs A (all CP-A) -> vs CP-A/ALBI 1: multiply by the mean CP-A hazard of the HR's
    # source cohort. Child-Pugh C gets the B hazard (no extrapolation; the end-stage cap applies).
    cp_b = hr["child_pugh_b"] * (q + (1 - q) * hr["albi_2_3"])
    liver = np.stack([np.ones(draws), hr["albi_2_3"], cp_b, cp_b], axis=1)
    ecog = np.stack([np.ones(draws), hr["ecog_1"], hr["ecog_2_plus"]], axis=1)
    liver = np.maximum.accumulate(liver, axis=1)  # worse level never less hazardous
    ecog = np.maximum.accumulate(ecog, axis=1)
    binary = {k: hr[k] for k in BINARY_DOMAINS}
    _readonly(liver, ecog, hr["ascites"], *binary.values())
    return FactorDraws(liver, hr["ascites"], ecog, binary)


@cache
def _unknown_uniforms(seed: int, draws: int) -> dict[str, Array]:
    """Patient-independent uniforms used to sample facts the case does not give."""
    out = {}
    for name in ("liver", "ascites", "ecog", *BINARY_DOMAINS):
        u = _rng(seed, f"unknown:{name}").uniform(size=draws)
        _readonly(u)
        out[name] = u
    return out


# --------------------------------------------------------------------------------------------
# Anchors: the published curve, its population mix and the baseline hazard, per draw.


@dataclass(frozen=True)
class MixDraws:
    liver: Array  # (D, 4) probabilities of LIVER_LEVELS
    ascites: Array  # (D,)
    ecog: Array  # (D, 3)
    binary: dict[str, Array]  # (D,)


@dataclass(frozen=True)
class AnchorDraws:
    anchor: Anchor
    months: Array  # (J,) the reporting grid
    median: Array  # (D,) population median
    shape: Array  # (D,) Weibull shape
    mix: MixDraws | None
    grid_lo: Array  # (D,) log of the first baseline cumulative hazard of the phi table
    grid_step: Array  # (D,) log step of the phi table
    log_phi: Array  # (D, G) log population cumulative hazard at each table point
    lam0: Array  # (D, J) baseline cumulative hazard at each month of the grid

    def log_phi_at(self, log_lam0: Array) -> Array:
        """log phi at log baseline cumulative hazards (one per draw): linear in log-log within
        the table, linear extrapolation outside (phi has slope 1 in log-log at both ends)."""
        pos = (log_lam0 - self.grid_lo) / self.grid_step
        i = np.clip(np.floor(pos).astype(int), 0, self.log_phi.shape[1] - 2)
        rows = np.arange(pos.size)
        y0, y1 = self.log_phi[rows, i], self.log_phi[rows, i + 1]
        return y0 + (pos - i) * (y1 - y0)


def months_grid() -> Array:
    """The reporting grid 0..horizon months (includes the 6/12/24-month landmarks)."""
    s = load().settings
    n = round(s.horizon_months / s.step_months)
    return np.linspace(0.0, n * s.step_months, n + 1)


def _sample_share(rng: np.random.Generator, share: Any, draws: int) -> Array:
    """A reported value is constant; an assumed range is sampled so its uncertainty propagates."""
    return rng.uniform(share.low, share.high, draws)


def _mix_draws(anchor: Anchor, rng: np.random.Generator, draws: int) -> MixDraws:
    """Level probabilities of each domain in the anchor's population, per draw."""
    assert anchor.mix is not None
    s = {k: _sample_share(rng, getattr(anchor.mix, k), draws) for k in MIX_KEYS}
    b = s["child_pugh_b"]
    a = 1 - b
    liver = np.stack(
        [a * s["albi1_within_cp_a"], a * (1 - s["albi1_within_cp_a"]), b, np.zeros(draws)], axis=1
    )
    e1, e2 = s["ecog_1"], s["ecog_2_plus"]
    ecog = np.stack([np.clip(1 - e1 - e2, 0, 1), e1, e2], axis=1)
    return MixDraws(liver, s["ascites"], ecog, {k: s[k] for k in BINARY_DOMAINS})


def _population(mix: MixDraws, fd: FactorDraws) -> tuple[Array, Array]:
    """log hazard and log probability of every factor-level combination (independent domains)."""
    with np.errstate(divide="ignore"):
        # liver and ascites form one domain: the worse marker counts (no double counting).
        parts = []
        for lvl in range(4):
            for asc in (0, 1):
                h = np.maximum(fd.liver[:, lvl], fd.ascites) if asc else fd.liver[:, lvl]
                p = mix.liver[:, lvl] * (mix.ascites if asc else 1 - mix.ascites)
                parts.append((np.log(h), np.log(p)))
        log_h = np.stack([x for x, _ in parts], axis=1)
        log_p = np.stack([y for _, y in parts], axis=1)
        domains = [(np.log(fd.ecog), np.log(mix.ecog))]
        sh, sp = [], []
        pm, pe = (mix.binary[k] for k in SPREAD)
        hm, he = (fd.binary[k] for k in SPREAD)
        for m in (0, 1):
            for e in (0, 1):
                sh.append(np.log(np.maximum(hm if m else np.ones_like(hm), he if e else 1.0)))
                sp.append(np.log((pm if m else 1 - pm) * (pe if e else 1 - pe)))
        domains.append((np.stack(sh, axis=1), np.stack(sp, axis=1)))
        for k in INDEPENDENT:
            p = mix.binary[k]
            domains.append(
                (
                    np.stack([np.zeros_like(p), np.log(fd.binary[k])], axis=1),
                    np.stack([np.log1p(-p), np.log(p)], axis=1),
                )
            )
    for dh, dp in domains:
        keep = np.isfinite(log_p).any(axis=0)
        log_h, log_p = log_h[:, keep], log_p[:, keep]
        keep_d = np.isfinite(dp).any(axis=0)
        dh, dp = dh[:, keep_d], dp[:, keep_d]
        d = log_h.shape[0]
        log_h = (log_h[:, :, None] + dh[:, None, :]).reshape(d, -1)
        log_p = (log_p[:, :, None] + dp[:, None, :]).reshape(d, -1)
    keep = np.isfinite(log_p).any(axis=0)
    return log_h[:, keep], log_p[:, keep]


def _phi(log_h: Array, log_p: Array, lam0: Array) -> Array:
    """Population cumulative hazard given baseline cumulative hazard lam0 (D,) for each draw:
    -log E_mix[exp(-H * lam0)], computed as a stable log-sum-exp."""
    a = log_p - np.exp(log_h) * lam0[:, None]
    amax = np.max(a, axis=1)
    return -(amax + np.log(np.sum(np.exp(a - amax[:, None]), axis=1)))


def _sample_curve(anchor: Anchor, rng: np.random.Generator, draws: int) -> tuple[Array, Array]:
    """Median and Weibull shape per draw (see docs/prognosis.md, "anchors")."""
    data = load()
    med = anchor.median
    if med.range is not None:
        lo, hi = (math.log(x) for x in med.range)
        median = np.exp(rng.uniform(lo, hi, draws))
    else:
        assert med.months is not None
        median = np.exp(math.log(med.months) + anchor.median_log_se() * rng.standard_normal(draws))
    fit = anchor.shape_landmarks(data.settings.shape_min_log_spread)
    if fit:
        num = np.zeros(draws)
        den = np.zeros(draws)
        for lm in fit:
            s = lm.survival
            se_y = anchor.landmark_se(lm) / abs(s * math.log(s))
            y = math.log(-math.log(s)) + se_y * rng.standard_normal(draws) - math.log(LN2)
            x = np.log(lm.month / median)
            num += x * y
            den += x * x
        shape = np.clip(num / den, *_SHAPE_LIMITS)
    else:
        lo, hi = (math.log(x) for x in data.shape_range)
        shape = np.exp(rng.uniform(lo, hi, draws))
    return median, shape


@cache
def anchor_draws(anchor_id: str, seed: int, draws: int) -> AnchorDraws:
    """Everything about one anchor that does not depend on the patient (cached per seed)."""
    anchor = load().anchors[anchor_id]
    rng = _rng(seed, f"anchor:{anchor_id}")
    median, shape = _sample_curve(anchor, rng, draws)
    months = months_grid()
    if anchor.mix is None:  # the end-stage cap: used as published, no adjustment
        mix = None
        log_h = np.zeros((draws, 1))
        log_p = np.zeros((draws, 1))
    else:
        mix = _mix_draws(anchor, rng, draws)
        log_h, log_p = _population(mix, _factor_draws(seed, draws))
    lam_pop = LN2 * (months[None, 1:] / median[:, None]) ** shape[:, None]  # (D, J-1)
    grid_lo, grid_step, log_phi = _phi_table(log_h, log_p, lam_pop)
    lam0 = np.zeros((draws, months.size))
    lam0[:, 1:] = _invert(grid_lo, grid_step, log_phi, lam_pop)
    _readonly(median, shape, grid_lo, grid_step, log_phi, lam0, months)
    return AnchorDraws(anchor, months, median, shape, mix, grid_lo, grid_step, log_phi, lam0)


def _phi_table(log_h: Array, log_p: Array, lam_pop: Array) -> tuple[Array, Array, Array]:
    """phi on a per-draw log grid of baseline cumulative hazards.

    Bracket: H_min * L <= phi(L) <= E[H] * L, so a log grid from lam_min / E[H] to
    lam_max / H_min contains every solution (widened by e on each side for patients beyond the
    population's extremes). phi is smooth and increasing with log-log slope between 0 and 1;
    linear interpolation on this table reproduces the exact value to < 0.5% (tested). Only the
    table is kept: the full combination arrays would cost ~200 MB for all anchors."""
    mean_h = np.exp(np.logaddexp.reduce(log_h + log_p, axis=1))
    h_min = np.exp(np.min(log_h, axis=1))
    lo = np.log(lam_pop[:, 0] / mean_h) - 1.0
    hi = np.log(lam_pop[:, -1] / h_min) + 1.0
    step = (hi - lo) / (_GRID - 1)
    grid = lo[:, None] + step[:, None] * np.arange(_GRID)[None, :]  # (D, G), log scale
    phi = np.stack([_phi(log_h, log_p, np.exp(grid[:, g])) for g in range(_GRID)], axis=1)
    return lo, step, np.log(phi)


def _invert(grid_lo: Array, grid_step: Array, log_phi: Array, lam_pop: Array) -> Array:
    """Baseline cumulative hazard whose population average gives lam_pop (per draw and time)."""
    log_grid = grid_lo[:, None] + grid_step[:, None] * np.arange(log_phi.shape[1])[None, :]
    log_target = np.log(lam_pop)
    out = np.empty_like(lam_pop)
    for d in range(lam_pop.shape[0]):
        out[d] = np.exp(np.interp(log_target[d], log_phi[d], log_grid[d]))
    return out


# --------------------------------------------------------------------------------------------
# The patient.


@dataclass(frozen=True)
class Profile:
    """The patient's factor levels; None = unknown (sampled from the reference population)."""

    liver: frozenset[int]  # allowed LIVER_LEVELS indices (one = known)
    ascites: bool | None
    ecog: int | None  # index into ECOG_LEVELS
    binary: dict[str, bool | None]
    end_stage: bool  # BCLC D, Child-Pugh C or ECOG 3-4 (known)
    advanced: bool  # BCLC C features (known): spread, vascular invasion, ECOG >= 1, or stage C/D
    missing: tuple[str, ...]


def _value(facts: Mapping[str, Any], name: str) -> Any:
    """A fact's value (None = unknown); absent names and plain values are tolerated."""
    fv = facts.get(name)
    return fv.value if isinstance(fv, FactValue) else fv


def profile(facts: Mapping[str, Any]) -> Profile:
    """Map named facts to model factor levels (docs/prognosis.md, "patient factors")."""

    def get(name: str) -> Any:
        return _value(facts, name)

    cp, albi = get("child_pugh_class"), get("albi_grade")
    albi_levels = {0} if albi == 1 else {1} if albi in (2, 3) else {0, 1}
    if cp == "A":
        liver = frozenset(albi_levels)
    elif cp == "B":
        liver = frozenset({2})
    elif cp == "C":
        liver = frozenset({3})
    else:
        liver = frozenset(albi_levels | {2, 3})
    asc = get("ascites")
    ecog = get("ecog")
    pv, hv = get("portal_vein_invasion"), get("hepatic_vein_invasion")
    mvi = _kleene_any([None if pv is None else pv != "none", None if hv is None else hv != "none"])
    nodal, dist, dnodes = (
        get("nodal_disease"),
        get("distant_metastases"),
        _value(facts, "distant_nodes"),
    )
    ehs = _kleene_any([nodal, dist, dnodes])
    afp, nodules = get("afp_ng_ml"), get("nodules")
    bclc = _value(facts, "bclc_stage")
    # Facts whose absence leaves a factor unknown (and therefore sampled).
    missing: list[str] = []
    if len(liver) > 1:
        missing += [n for n, v in (("child_pugh_class", cp), ("albi_grade", albi)) if v is None]
    unknown_parts = (
        (asc is None, ["ascites"]),
        (ecog is None, ["ecog"]),
        (mvi is None, [n for n, v in (("portal_vein_invasion", pv), ("hepatic_vein_invasion", hv))
                       if v is None]),
        (ehs is None, [n for n, v in (("nodal_disease", nodal), ("distant_metastases", dist))
                       if v is None]),
        (afp is None, ["afp_ng_ml"]),
        (nodules is None, ["nodules"]),
    )  # fmt: skip
    for unknown, names in unknown_parts:
        if unknown:
            missing += names
    end_stage = bclc == "D" or cp == "C" or (ecog is not None and ecog >= 3)
    advanced = (
        end_stage or bclc == "C" or ehs is True or mvi is True or (ecog is not None and ecog >= 1)
    )
    return Profile(
        liver=liver,
        ascites=None if asc is None else asc != "none",
        ecog=None if ecog is None else min(int(ecog), 2),
        binary={
            "macrovascular_invasion": mvi,
            "extrahepatic_spread": ehs,
            "afp_ge_400": None if afp is None else float(afp) >= 400,
            "nodules_gt_3": None if nodules is None else int(nodules) > 3,
        },
        end_stage=end_stage,
        advanced=advanced,
        missing=tuple(dict.fromkeys(missing)),
    )


def _kleene_any(items: Sequence[bool | None]) -> bool | None:
    """Three-valued OR, as in the criteria language: True wins over unknown."""
    if any(x is True for x in items):
        return True
    if any(x is None for x in items):
        return None
    return False


def _choose(u: Array, probs: Array, allowed: Sequence[int]) -> Array:
    """Per draw, the level whose conditional-probability interval contains u."""
    idx = list(allowed)
    if len(idx) == 1:
        return np.full(u.shape[0], idx[0])
    p = np.zeros_like(probs)
    p[:, idx] = probs[:, idx]
    total = p.sum(axis=1, keepdims=True)
    flat = np.zeros_like(p)
    flat[:, idx] = 1.0 / len(idx)
    p = np.where(total > 0, p / np.where(total > 0, total, 1), flat)
    cdf = np.cumsum(p, axis=1)
    return np.minimum((u[:, None] >= cdf).sum(axis=1), probs.shape[1] - 1)


def patient_log_hazard(ad: AnchorDraws, prof: Profile, seed: int, draws: int) -> Array:
    """log hazard of the patient per draw, on the anchor's scale (unknowns sampled)."""
    if ad.mix is None:
        return np.zeros(draws)
    fd, u = _factor_draws(seed, draws), _unknown_uniforms(seed, draws)
    rows = np.arange(draws)
    lvl = _choose(u["liver"], ad.mix.liver, sorted(prof.liver))
    h_liver = fd.liver[rows, lvl]
    asc = prof.ascites
    asc_arr = (u["ascites"] < ad.mix.ascites) if asc is None else np.full(draws, asc)
    h = np.where(asc_arr, np.maximum(h_liver, fd.ascites), h_liver)
    if prof.ecog is None:
        e = _choose(u["ecog"], ad.mix.ecog, range(3))
    else:
        e = np.full(draws, prof.ecog)
    log_h = np.log(h) + np.log(fd.ecog[rows, e])
    present = {}
    for k in BINARY_DOMAINS:
        v = prof.binary[k]
        present[k] = (u[k] < ad.mix.binary[k]) if v is None else np.full(draws, v)
    spread = np.ones(draws)
    for k in SPREAD:
        spread = np.where(present[k], np.maximum(spread, fd.binary[k]), spread)
    log_h = log_h + np.log(spread)
    for k in INDEPENDENT:
        log_h = log_h + np.where(present[k], np.log(fd.binary[k]), 0.0)
    return log_h


@dataclass(frozen=True)
class PatientDraws:
    median: Array  # (D,)
    survival: Array  # (D, J)
    relative_hazard: Array  # (D,) effective HR vs the published arm at the patient's median


def patient_draws(anchor_id: str, prof: Profile, seed: int, draws: int) -> PatientDraws:
    """The patient's curve per draw from one anchor (no end-stage cap, no scenario mixing)."""
    ad = anchor_draws(anchor_id, seed, draws)
    log_h = patient_log_hazard(ad, prof, seed, draws)
    h = np.exp(log_h)
    phi_star = np.exp(ad.log_phi_at(math.log(LN2) - log_h))  # population cum. hazard at median
    median = ad.median * (phi_star / LN2) ** (1 / ad.shape)
    survival = np.exp(-h[:, None] * ad.lam0)
    # Effective hazard ratio: the HR that, applied to the published curve itself (S_pop ** HR),
    # gives this patient's median. > 1 = worse than the published arm.
    return PatientDraws(median, survival, LN2 / phi_star)


# --------------------------------------------------------------------------------------------
# Scenarios and the public entry point.


def _scenario_anchors(
    data: PrognosisData, scenario: str, next_line: int | None
) -> tuple[list[str], list[str]]:
    sc = data.scenarios[scenario]
    notes: list[str] = []
    if scenario != BSC:
        return list(sc.anchors), notes
    if next_line is None:
        notes.append(
            "line of therapy unknown: first-line untreated and later-line placebo references are "
            "both used (wider interval)"
        )
        return list(dict.fromkeys(sc.anchors_first_line + sc.anchors_later_line)), notes
    return list(sc.anchors_first_line if next_line <= 1 else sc.anchors_later_line), notes


def _select(seed: int, key: str, n: int, draws: int) -> Array:
    """Which of n equally weighted anchors each draw uses (model averaging across arms)."""
    return np.minimum((_rng(seed, key).uniform(size=draws) * n).astype(int), n - 1)


def _line_warning(anchors: list[Anchor], next_line: int | None) -> str | None:
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


def _enrolment_warnings(
    anchors: list[Anchor], facts: Mapping[str, Any], *, treatment: bool
) -> list[str]:
    """Where the patient lies outside the anchors' enrolment (AFP selection only matters for the
    treatment itself, not for a placebo arm used as supportive-care reference)."""
    cp, ecog, afp = (_value(facts, k) for k in ("child_pugh_class", "ecog", "afp_ng_ml"))
    out: list[str] = []
    trials = [a for a in anchors if a.enrolled is not None]
    cp_out = [a.label for a in trials if cp is not None and cp not in a.enrolled.child_pugh]  # type: ignore[union-attr]
    if cp_out:
        out.append(
            f"extrapolated: Child-Pugh {cp} is outside the enrolment of {'; '.join(cp_out)} "
            "(trial curve adjusted by hazard ratios beyond its data)"
        )
    ecog_out = [a.label for a in trials if ecog is not None and ecog > a.enrolled.ecog_max]  # type: ignore[union-attr]
    if ecog_out:
        out.append(f"extrapolated: ECOG {ecog} is outside the enrolment of {'; '.join(ecog_out)}")
    present = {
        "vp4": _value(facts, "portal_vein_invasion") == "vp4",
        "ascites": _value(facts, "ascites") in ("mild", "moderate_severe"),
        "liver_over_50pct": _value(facts, "liver_involvement_over_50pct") is True,
        "bile_duct_invasion": _value(facts, "bile_duct_invasion") is True,
    }
    words = {
        "vp4": "main portal trunk invasion (Vp4)",
        "ascites": "ascites (trial excluded clinically meaningful ascites)",
        "liver_over_50pct": "tumour in >= 50% of the liver",
        "bile_duct_invasion": "bile duct invasion",
    }
    for key, has in present.items():
        excl = [a.label for a in trials if has and key in a.enrolled.excludes]  # type: ignore[union-attr]
        if excl:
            who = "; ".join(excl)
            out.append(f"outside the evidence: {who} excluded patients with {words[key]}")
    for a in trials if treatment else []:
        need = a.enrolled.afp_min  # type: ignore[union-attr]
        if need is None:
            continue
        if afp is None:
            out.append(f"AFP unknown: {a.label} enrolled only AFP >= {need:g} ng/mL")
        elif afp < need:
            out.append(
                f"outside the evidence: {a.label} enrolled only AFP >= {need:g} ng/mL "
                f"(patient {afp:g})"
            )
    return out


def _anchor_text(a: Anchor) -> str:
    """Short human-readable description of an anchor for the report."""
    m = a.median
    if m.range is not None:
        return f"{a.label}: median {m.range[0]:g}-{m.range[1]:g} mo"
    ci = f" ({m.ci95[0]:g}-{m.ci95[1]:g})" if m.ci95 else ""
    return f"{a.label}: median {m.months:g} mo{ci}"


def _summarise(
    median: Array, survival: Array, months: Array, *, curves: bool = True
) -> dict[str, Any]:
    """Median of the draws' medians, their 10th-90th percentiles, and pointwise quantile curves
    (pointwise quantiles of non-increasing curves are non-increasing). With ``curves=False``
    only the landmark columns are summarised (same numbers, a fraction of the work)."""
    s = load().settings
    qlo, qhi = s.interval_quantiles
    med = float(np.median(median))
    lo, hi = (float(x) for x in np.quantile(median, [qlo, qhi]))
    if not curves:
        cols = [int(np.searchsorted(months, m)) for m in s.landmarks_months]
        if all(c < len(months) and months[c] == m for c, m in zip(cols, s.landmarks_months,
                                                                  strict=True)):  # fmt: skip
            mid = np.median(survival[:, cols], axis=0)
            at = {f"{m:g}": round(float(v), 3) for m, v in zip(s.landmarks_months, mid,
                                                                strict=True)}  # fmt: skip
            return {
                "median_months": round(med, 1),
                "interval_months": [round(lo, 1), round(hi, 1)],
                "survival": at,
            }
    curve = np.quantile(survival, [0.5, qlo, qhi], axis=0)
    at = {f"{m:g}": round(float(np.interp(m, months, curve[0])), 3) for m in s.landmarks_months}
    return {
        "median_months": round(med, 1),
        "interval_months": [round(lo, 1), round(hi, 1)],
        "survival": at,
        "curve": {
            "months": [round(float(m), 2) for m in months],
            "survival": [round(float(x), 4) for x in curve[0]],
            "lower": [round(float(x), 4) for x in curve[1]],
            "upper": [round(float(x), 4) for x in curve[2]],
        },
    }


def scenario_draws(
    scenario: str, facts: Mapping[str, Any], *, seed: int, draws: int
) -> tuple[PatientDraws, list[str], list[Anchor], list[Cap]]:
    """Per-draw results of one scenario: anchor mixture, ceilings and the horizon applied."""
    data = load()
    prof = profile(facts)
    next_line = _value(facts, "next_line")
    ids, notes = _scenario_anchors(data, scenario, next_line)
    anchors = [data.anchors[i] for i in ids]
    per = [patient_draws(i, prof, seed, draws) for i in ids]
    pick = _select(seed, f"scenario:{scenario}:{','.join(ids)}", len(ids), draws)
    rows = np.arange(draws)
    median = np.stack([p.median for p in per], axis=1)[rows, pick]
    survival = np.stack([p.survival for p in per], axis=1)[rows, pick]
    rel = np.stack([p.relative_hazard for p in per], axis=1)[rows, pick]
    caps = [c for c in data.settings.caps if c.applies_to(scenario) and getattr(prof, c.when)]
    for c in caps:
        cap = patient_draws(c.anchor, prof, seed, draws)
        if c.mode == "replace":
            median, survival = cap.median.copy(), cap.survival.copy()
        elif c.mode == "floor":
            median = np.maximum(median, cap.median)
            survival = np.maximum(survival, cap.survival)
        else:
            median = np.minimum(median, cap.median)
            survival = np.minimum(survival, cap.survival)
    median = np.minimum(median, data.settings.horizon_months)
    return PatientDraws(median, survival, rel), notes, anchors, caps


def predict(
    facts: dict[str, FactValue],
    scenarios: list[str],
    *,
    seed: int = 20261125,
    draws: int = 2000,
    curves: bool = True,
) -> dict[str, Any]:
    """Survival per scenario for one patient (see docs/prognosis.md for the method).

    Returns ``{"scenarios": [...], "method": str, "warnings": [...]}``; each scenario has
    ``id, median_months, interval_months, survival{"6","12","24"}, sources, warnings, anchor,
    hazard_ratio, curve{months, survival, lower, upper}``. Options without an anchor in
    prognosis.yaml are skipped and named in ``warnings``; nothing is invented for them.
    Identical inputs and seed give bit-identical output.
    """
    if draws < 10:
        raise ValueError("draws must be at least 10")
    data = load()
    prof = profile(facts)
    warnings: list[str] = []
    out: list[dict[str, Any]] = []
    skipped: list[str] = []
    for sid in dict.fromkeys(scenarios):
        sc = data.scenarios.get(sid)
        if sc is None or not sc.all_anchors():
            reason = sc.no_anchor_reason if sc is not None else "no published anchor"
            skipped.append(f"{sid} ({reason})")
            continue
        out.append(_scenario(sid, facts, seed=seed, draws=draws, curves=curves))
    if skipped:
        warnings.append("no survival estimate for: " + "; ".join(skipped))
    if prof.missing:
        warnings.append(
            "unknown " + ", ".join(prof.missing) + ": sampled from each reference population "
            "in the Monte Carlo (not assumed normal), which widens the intervals"
        )
    e1, e2 = (
        math.exp(data.hazard_ratios[k].log_normal(data.settings.default_hr_log_se)[0])
        for k in ("ecog_1", "ecog_2_plus")
    )
    warnings.append(
        f"ECOG hazard ratios are an unverified assumption (1 vs 0: {e1:.2g}; >= 2 vs 0: {e2:.2g}; "
        "wide uncertainty); see docs/prognosis.md"
    )
    return {
        "scenarios": out,
        "method": (
            "Weibull curve per scenario anchored to published arms (median and landmark OS), "
            "adjusted with published hazard ratios relative to each reference population's "
            "baseline mix (exact proportional-hazards inversion); seeded Monte Carlo "
            f"(seed {seed}, {draws} draws) over medians, landmarks, hazard ratios, assumed "
            "shares and unknown facts; 80% interval of the median; ceilings from untreated "
            "BCLC B/D cohorts. Population-level estimates for decision support, not a promise "
            "for one patient (docs/prognosis.md)."
        ),
        "warnings": warnings,
    }


class _RecordingFacts(Mapping[str, Any]):
    """A read-only view of the facts that records which names were read."""

    def __init__(self, facts: Mapping[str, Any]) -> None:
        self._facts = facts
        self.read: set[str] = set()
        self.iterated = False

    def __getitem__(self, name: str) -> Any:
        self.read.add(name)
        return self._facts[name]

    def get(self, name: str, default: Any = None) -> Any:
        self.read.add(name)
        return self._facts.get(name, default)

    def __contains__(self, name: object) -> bool:
        self.read.add(str(name))
        return name in self._facts

    def __iter__(self):  # type: ignore[no-untyped-def]
        self.iterated = True
        return iter(self._facts)

    def __len__(self) -> int:
        self.iterated = True
        return len(self._facts)


def _freeze(v: Any) -> Any:
    v = v.value if isinstance(v, FactValue) else v
    return tuple(v) if isinstance(v, list) else v


# Memo of scenario results. A scenario is a deterministic function of the facts it reads (the
# seed is fixed), so a later patient whose values agree on exactly those facts follows the same
# path and gets the same result: reuse it. Keyed per (scenario, seed, draws, curves) by the set
# of facts read on a path, then by their values. Bounded in size.
_MEMO: dict[tuple[Any, ...], dict[frozenset[str], dict[tuple[Any, ...], dict[str, Any]]]] = {}
_MEMO_MAX = 4096
_memo_size = 0


def _scenario(
    sid: str, facts: Mapping[str, Any], *, seed: int, draws: int, curves: bool = True
) -> dict[str, Any]:
    global _memo_size
    head = (sid, seed, draws, curves)
    paths = _MEMO.setdefault(head, {})
    for names, results in paths.items():
        key = tuple(_freeze(facts.get(n)) for n in sorted(names))
        hit = results.get(key)
        if hit is not None:
            return copy.deepcopy(hit)
    rec = _RecordingFacts(facts)
    out = _compute_scenario(sid, rec, seed=seed, draws=draws, curves=curves)
    if not rec.iterated and _memo_size < _MEMO_MAX:
        names = frozenset(rec.read)
        key = tuple(_freeze(facts.get(n)) for n in sorted(names))
        paths.setdefault(names, {})[key] = copy.deepcopy(out)
        _memo_size += 1
    return out


def _compute_scenario(
    sid: str, facts: Mapping[str, Any], *, seed: int, draws: int, curves: bool
) -> dict[str, Any]:
    """One scenario's output record: numbers, curve, warnings and every source used."""
    data = load()
    pd, notes, anchors, caps = scenario_draws(sid, facts, seed=seed, draws=draws)
    summary = _summarise(pd.median, pd.survival, months_grid(), curves=curves)
    warnings = list(notes)
    horizon = data.settings.horizon_months
    if summary["interval_months"][1] >= horizon:
        what = "median" if summary["median_months"] >= horizon else "upper end of the interval"
        warnings.append(
            f"{what} beyond the {horizon:g}-month horizon of published follow-up: shown as "
            f"{horizon:g} (not estimable)"
        )
    next_line = _value(facts, "next_line")
    if sid != BSC:
        lw = _line_warning(anchors, next_line)
        if lw:
            warnings.append(lw)
    warnings.extend(_enrolment_warnings(anchors, facts, treatment=sid != BSC))
    for c in caps:
        ceiling = _anchor_text(data.anchors[c.anchor])
        if c.mode == "replace":
            warnings.append(
                f"end-stage (BCLC D, Child-Pugh C or ECOG 3-4): the untreated end-stage cohort "
                f"({ceiling}) is used as the estimate; trial hazard ratios are not compounded "
                "beyond the populations they come from"
            )
        elif c.mode == "floor":
            warnings.append(
                f"untreated estimate floored at the untreated end-stage cohort ({ceiling}): "
                "a patient who is not end-stage is not predicted to do worse"
            )
        elif c.when == "end_stage":
            warnings.append(
                f"end-stage (BCLC D, Child-Pugh C or ECOG 3-4): estimate capped at {ceiling}"
                + ("" if sid == BSC else "; no trial evidence of benefit from this treatment here")
            )
        else:
            warnings.append(f"BCLC C features: untreated estimate capped at {ceiling}")
    if _value(facts, "portal_vein_invasion") == "vp4":
        warnings.append(
            "main portal trunk invasion (Vp4): the general macrovascular hazard is applied; "
            "survival with main-trunk thrombus is reported to be shorter than this"
        )
    for a in anchors:
        warnings.extend(a.warnings)
    sources: list[str] = []
    for a in anchors:
        sources.extend(a.sources())
    for key in HR_KEYS:
        sources.extend(data.hazard_ratios[key].sources())
    for c in caps:
        sources.extend(data.anchors[c.anchor].sources())
    anchor_text = "; ".join(_anchor_text(a) for a in anchors)
    for c in caps:
        anchor_text += "; ceiling " + _anchor_text(data.anchors[c.anchor])
    return {
        "id": sid,
        "label": data.scenarios[sid].label,
        "median_months": summary["median_months"],
        "interval_months": summary["interval_months"],
        "survival": summary["survival"],
        "sources": list(dict.fromkeys(sources)),
        "warnings": list(dict.fromkeys(warnings)),
        "anchor": anchor_text,
        "hazard_ratio": round(float(np.median(pd.relative_hazard)), 2),
        **({"curve": summary["curve"]} if "curve" in summary else {}),
    }


def population_summary(anchor_id: str, *, seed: int, draws: int) -> dict[str, Any]:
    """Calibration check: the population curve rebuilt from *individual* patients.

    Every combination of factor levels in the anchor's mix (central shares) is run through the
    patient path as a fully known patient; their curves are averaged with the combination's
    weight. If the adjustment is right, this reproduces the published arm."""
    data = load()
    anchor = data.anchors[anchor_id]
    assert anchor.mix is not None
    mix = anchor.mix
    b = mix.child_pugh_b.centre
    a1 = mix.albi1_within_cp_a.centre
    liver_w = {0: (1 - b) * a1, 1: (1 - b) * (1 - a1), 2: b}
    e1, e2 = mix.ecog_1.centre, mix.ecog_2_plus.centre
    ecog_w = {0: 1 - e1 - e2, 1: e1, 2: e2}
    asc = mix.ascites.centre
    bins = {k: getattr(mix, k).centre for k in BINARY_DOMAINS}
    months = months_grid()
    total = np.zeros((draws, months.size))
    for lvl, la in liver_w.items():
        for asc_v in (False, True):
            wa = la * (asc if asc_v else 1 - asc)
            for e, we in ecog_w.items():
                for combo in itertools.product((False, True), repeat=len(BINARY_DOMAINS)):
                    w = wa * we
                    for k, v in zip(BINARY_DOMAINS, combo, strict=True):
                        w *= bins[k] if v else 1 - bins[k]
                    if w <= 0:
                        continue
                    prof = Profile(
                        frozenset({lvl}), asc_v, e, dict(zip(BINARY_DOMAINS, combo, strict=True)),
                        False, False, (),
                    )  # fmt: skip
                    total += w * patient_draws(anchor_id, prof, seed, draws).survival
    # Per-draw population median from the averaged curve, then the same summary as predict.
    med = np.array([_cross_half(months, row) for row in total])
    summary = _summarise(med, total, months)
    rates = {
        f"{lm.month:g}": round(float(np.interp(lm.month, months, np.median(total, axis=0))), 3)
        for lm in anchor.landmarks
    }
    return {**summary, "landmarks": rates}


def _cross_half(months: Array, s: Array) -> float:
    """Time at which a tabulated curve crosses 50% (linear between grid points)."""
    below = np.nonzero(s <= 0.5)[0]
    if below.size == 0:
        return float("inf")
    i = int(below[0])
    if i == 0:
        return 0.0
    t0, t1, s0, s1 = months[i - 1], months[i], s[i - 1], s[i]
    return float(t0 + (s0 - 0.5) / (s0 - s1) * (t1 - t0))


def warm_up(seed: int = 20261125, draws: int = 2000) -> int:
    """Precompute every anchor's patient-independent draws (about 80 ms each, cached per
    process) so a long-running service never makes a request pay for it. Returns the count."""
    ids = list(load().anchors)
    for anchor_id in ids:
        anchor_draws(anchor_id, seed, draws)
    return len(ids)
