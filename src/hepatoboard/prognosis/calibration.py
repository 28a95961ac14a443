"""The calibration table: the model against every published subgroup and cohort figure in
``prognosis.yaml`` (issue 13).

Why a module (not only a script): the same rows are checked by ``tests/test_prognosis.py`` and
written into ``docs/prognosis.md`` by ``bench/calibration.py``, so the document can never show
numbers the code does not produce.

Rules (docs/prognosis.md, "Calibration"):

- a patient "who matches a subgroup" has the subgroup's defining facts and nothing else known
  (every other factor takes the arm population's own distribution);
- a median is compared at the anchor (the arm alone, no scenario ceilings); a treatment hazard
  ratio is the model's ratio of cumulative hazards of the two arms for that patient at the
  control arm's median; a within-arm (multivariable) hazard ratio is compared with the ratio
  of the two patients' hazards that the model applies (before the ceiling, which bounds medians,
  not hazard ratios);
- the bounds are the published 95% interval, or +-``calibration_tolerance_without_ci`` of the
  value where none was published (landmark rates: the binomial 95% interval when n is known).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hepatoboard.criteria.evaluate import FactValue
from hepatoboard.prognosis.data import LN2, Z95, PrognosisData, load
from hepatoboard.prognosis.model import HI, LO, MID, CurveNode, _Context


@dataclass(frozen=True)
class Row:
    table: str  # "subgroups" | "cohorts" | "landmarks"
    arm: str
    subgroup: str
    published: str
    bounds: tuple[float, float]
    model: float
    model_interval: tuple[float, float] | None
    unit: str  # "months" | "HR" | "%"
    source: str
    target: bool

    @property
    def within(self) -> bool:
        lo, hi = self.bounds
        return lo - 1e-9 <= self.model <= hi + 1e-9


def _facts(values: Mapping[str, Any]) -> dict[str, FactValue]:
    return {k: FactValue(v, () if v is not None else (k,)) for k, v in values.items()}


def _hr(curve: CurveNode, reference: CurveNode) -> float:
    """Ratio of cumulative hazards at the reference curve's median."""
    s = curve.surv(reference.median(MID), MID)
    return -math.log(s) / LN2


def _bounds(value: float, ci: tuple[float, float] | None, tol: float) -> tuple[float, float]:
    return ci if ci is not None else (value * (1 - tol), value * (1 + tol))


def _fmt(value: float, ci: tuple[float, float] | None, unit: str) -> str:
    v = f"{value:.3g}" if unit == "HR" else f"{value:g}"
    if ci is None:
        return f"{v} (no CI)"
    return f"{v} ({ci[0]:g}-{ci[1]:g})"


def _anchor_curve(data: PrognosisData, aid: str, facts: Mapping[str, Any]) -> CurveNode:
    return _Context(data, _facts(facts)).anchor(aid).curve


def _raw_log_hazard(data: PrognosisData, aid: str, facts: Mapping[str, Any]) -> float:
    return _Context(data, _facts(facts)).anchor(aid).raw_log_hazard


def rows(data: PrognosisData | None = None) -> list[Row]:
    """Every calibration row: each arm's median, subgroups and landmarks, then the external
    cohort checks."""
    data = data or load()
    tol = data.settings.calibration_tolerance_without_ci
    out: list[Row] = []
    for aid, a in data.anchors.items():
        if a.mix is None and not a.median.range:
            continue
        out += _anchor_rows(data, tol, aid, a)
        out += _subgroup_rows(data, tol, aid, a)
        out += _landmark_rows(data, aid, a)
    for chk in data.external_checks:
        out += _check_rows(data, tol, chk)
    return out


def _anchor_rows(data: PrognosisData, tol: float, aid: str, a: Any) -> list[Row]:
    out: list[Row] = []
    m = a.median
    if m.months is not None:
        c = _anchor_curve(data, aid, {})
        pub = _fmt(m.months, m.ci95, "months")
        out.append(
            Row(
                "subgroups",
                a.label,
                "arm median (a patient with nothing known)",
                pub,
                _bounds(m.months, m.ci95, tol),
                round(c.median(MID), 1),
                (round(c.median(LO), 1), round(c.median(HI), 1)),
                "months",
                m.sources()[0],
                True,
            )
        )
    else:
        assert m.range is not None
        c = _anchor_curve(data, aid, {})
        out.append(
            Row(
                "subgroups",
                a.label,
                "published range (median / mean OS)",
                f"{m.range[0]:g}-{m.range[1]:g}",
                m.range,
                round(c.median(MID), 1),
                (round(c.median(LO), 1), round(c.median(HI), 1)),
                "months",
                m.sources()[0],
                True,
            )
        )
    return out


def _subgroup_rows(data: PrognosisData, tol: float, aid: str, a: Any) -> list[Row]:
    out: list[Row] = []
    for sg in a.subgroups:
        if sg.kind == "hr_vs":
            assert sg.hr_vs is not None and sg.hr is not None
            exp_c = _anchor_curve(data, aid, sg.facts)
            ctl_c = _anchor_curve(data, sg.hr_vs, sg.facts)
            model = _hr(exp_c, ctl_c)
            label = f"{sg.label}: HR vs {data.anchors[sg.hr_vs].label}"
            out.append(
                Row(
                    "subgroups",
                    a.label,
                    label,
                    _fmt(sg.hr, sg.ci95, "HR"),
                    _bounds(sg.hr, sg.ci95, tol),
                    round(model, 2),
                    None,
                    "HR",
                    sg.source,
                    True,
                )
            )
        elif sg.kind == "hr_within":
            assert sg.hr_within is not None and sg.reference is not None
            model = math.exp(
                _raw_log_hazard(data, aid, sg.facts) - _raw_log_hazard(data, aid, sg.reference)
            )
            out.append(
                Row(
                    "subgroups",
                    a.label,
                    sg.label,
                    _fmt(sg.hr_within, sg.ci95, "HR"),
                    _bounds(sg.hr_within, sg.ci95, tol),
                    round(model, 2),
                    None,
                    "HR",
                    sg.source,
                    True,
                )
            )
        else:
            assert sg.median is not None
            c = _anchor_curve(data, aid, sg.facts)
            out.append(
                Row(
                    "subgroups",
                    a.label,
                    sg.label,
                    _fmt(sg.median, sg.ci95, "months"),
                    _bounds(sg.median, sg.ci95, tol),
                    round(c.median(MID), 1),
                    (round(c.median(LO), 1), round(c.median(HI), 1)),
                    "months",
                    sg.source,
                    True,
                )
            )
    return out


def _landmark_rows(data: PrognosisData, aid: str, a: Any) -> list[Row]:
    out: list[Row] = []
    whole = _anchor_curve(data, aid, {}) if a.landmarks else None
    for lm in a.landmarks:
        assert whole is not None
        se = a.landmark_se(lm)
        ci = lm.ci95 or (lm.survival - Z95 * se, lm.survival + Z95 * se)
        out.append(
            Row(
                "landmarks",
                a.label,
                f"{lm.month:g}-month OS" + ("" if lm.fit else " (not fitted)"),
                f"{100 * lm.survival:.1f}%",
                (100 * ci[0], 100 * ci[1]),
                round(100 * whole.surv(lm.month, MID), 1),
                None,
                "%",
                lm.source,
                lm.fit,
            )
        )
    return out


def _check_rows(data: PrognosisData, tol: float, chk: Any) -> list[Row]:
    out: list[Row] = []
    ctx = _Context(data, _facts(chk.facts))
    curve = ctx.scenario(chk.scenario).curve
    label = data.scenarios[chk.scenario].label
    interval = (round(curve.median(LO), 1), round(curve.median(HI), 1))
    if chk.minus is not None:
        assert chk.range is not None
        base = ctx.scenario(chk.minus).curve
        gain = curve.median(MID) - base.median(MID)
        gi = (curve.median(LO) - base.median(LO), curve.median(HI) - base.median(HI))
        out.append(
            Row(
                "cohorts",
                label,
                chk.label,
                f"+{chk.range[0]:g} to +{chk.range[1]:g}",
                chk.range,
                round(gain, 1),
                (round(gi[0], 1), round(gi[1], 1)),
                "months",
                chk.source,
                chk.target,
            )
        )
    elif chk.range is not None:
        out.append(
            Row(
                "cohorts",
                label,
                chk.label,
                f"{chk.range[0]:g}-{chk.range[1]:g}",
                chk.range,
                round(curve.median(MID), 1),
                interval,
                "months",
                chk.source,
                chk.target,
            )
        )
    elif chk.median is not None:
        out.append(
            Row(
                "cohorts",
                label,
                chk.label,
                _fmt(chk.median, chk.ci95, "months"),
                _bounds(chk.median, chk.ci95, tol),
                round(curve.median(MID), 1),
                interval,
                "months",
                chk.source,
                chk.target,
            )
        )
    elif chk.landmark is not None:
        out.append(_landmark_check_row(tol, chk, curve, label))
    else:
        assert chk.hr is not None and chk.reference is not None
        ref = _Context(data, _facts(chk.reference)).scenario(chk.scenario).curve
        out.append(
            Row(
                "cohorts",
                label,
                chk.label,
                _fmt(chk.hr, chk.ci95, "HR"),
                _bounds(chk.hr, chk.ci95, tol),
                round(_hr(curve, ref), 2),
                None,
                "HR",
                chk.source,
                chk.target,
            )
        )
    return out


def _num(x: float, unit: str) -> str:
    return f"{x:.2f}" if unit == "HR" else f"{x:.1f}"


def markdown(table: list[Row]) -> str:
    """The three tables for docs/prognosis.md (generated by bench/calibration.py)."""
    parts = []
    titles = {
        "subgroups": (
            "#### Anchor arms and their published subgroups (calibration targets)\n\n"
            "A test fails if any row is outside its bounds."
        ),
        "cohorts": (
            "#### Seed article and cohorts that are not anchors\n\n"
            "Rows marked *target* are required to be within bounds (the seed article); the "
            "others are other populations or treatments, shown for plausibility."
        ),
        "landmarks": (
            "#### Curve shape: published landmark survival vs the model\n\n"
            "Fitted landmarks (up to 24 months) are targets; later ones are not fitted and show "
            "the Weibull's known under-prediction of immunotherapy plateaus."
        ),
    }
    for name in ("subgroups", "cohorts", "landmarks"):
        rs = [r for r in table if r.table == name]
        lines = [
            titles[name],
            "",
            "| Arm / scenario | Subgroup or figure | Published (95% CI) | Bounds | Model (80% "
            "interval) | Within | Target | Source |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in rs:
            model = _num(r.model, r.unit)
            if r.model_interval is not None:
                model += (
                    f" ({_num(r.model_interval[0], r.unit)}-{_num(r.model_interval[1], r.unit)})"
                )
            if r.unit == "%":
                model += "%"
            bounds = f"{_num(r.bounds[0], r.unit)}-{_num(r.bounds[1], r.unit)}"
            lines.append(
                f"| {r.arm} | {r.subgroup} | {r.published} | {bounds} | {model} | "
                f"{'yes' if r.within else '**no**'} | {'target' if r.target else '-'} | "
                f"{r.source} |"
            )
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


# --------------------------------------------------------------------------------------------
# Worked examples for docs/prognosis.md (generated, so the document shows what the code gives).

EXAMPLE_BASE: dict[str, Any] = {
    # examples/seed-father.yaml as derived facts (Child-Pugh A, ALBI 2, ECOG 1, AFP 1250,
    # 3 nodules, regional nodes only, no ascites, no vascular invasion, first line)
    "child_pugh_class": "A",
    "albi_grade": 2,
    "ecog": 1,
    "afp_ng_ml": 1250.0,
    "portal_vein_invasion": "none",
    "hepatic_vein_invasion": "none",
    "nodal_disease": True,
    "distant_nodes": False,
    "distant_metastases": False,
    "ascites": "none",
    "nodules": 3,
    "bclc_stage": "C",
    "next_line": 1,
}
EXAMPLE_PATIENTS: dict[str, dict[str, Any]] = {
    "Seed father (CP-A, ALBI 2, ECOG 1, AFP 1250)": {},
    "Favourable: ALBI 1, ECOG 0, AFP 5": {"albi_grade": 1, "ecog": 0, "afp_ng_ml": 5.0},
    "Seed father, AFP unknown": {"afp_ng_ml": None},
    "Seed father + portal vein Vp3": {"portal_vein_invasion": "vp3"},
    "Seed father but Child-Pugh B": {"child_pugh_class": "B"},
    "Seed father but ECOG 2": {"ecog": 2},
    "Child-Pugh C, ECOG 3 (BCLC D)": {"child_pugh_class": "C", "ecog": 3, "bclc_stage": "D"},
}
EXAMPLE_SCENARIOS = [
    "best_supportive_care",
    "atezolizumab_bevacizumab",
    "durvalumab_tremelimumab",
    "camrelizumab_rivoceranib",
    "tislelizumab",
    "sorafenib",
    "nodal_radiotherapy",
    "lymph_node_dissection",
]


def example_markdown(data: PrognosisData | None = None) -> str:
    from hepatoboard.prognosis.model import predict

    data = data or load()
    names = [data.scenarios[s].label for s in EXAMPLE_SCENARIOS]
    lines = [
        "| Patient (nodal spread, first line) | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for label, overrides in EXAMPLE_PATIENTS.items():
        res = predict(_facts({**EXAMPLE_BASE, **overrides}), EXAMPLE_SCENARIOS, data=data)
        by = {s.id: s for s in res.scenarios}
        cells = []
        for sid in EXAMPLE_SCENARIOS:
            s = by[sid]
            mark = "*" if any(c.startswith("capped at the best") for c in s.caveats) else ""
            cells.append(
                f"{s.median_months:.1f}{mark} ({s.interval_months[0]:.1f}-"
                f"{s.interval_months[1]:.1f})"
            )
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    seed = predict(_facts(EXAMPLE_BASE), [*EXAMPLE_SCENARIOS, "nodal_radiotherapy"], data=data)
    resp = [s for s in seed.scenarios if s.kind == "responder"]
    lines.append("")
    lines.append(
        "Median months (80% interval); * = capped at the best published group of the arm. "
        "Responder scenarios for the seed father (what is possible, not the expectation): "
        + "; ".join(
            f"{s.label}: {s.median_months:.1f} ({s.interval_months[0]:.1f}-"
            f"{s.interval_months[1]:.1f})"
            for s in resp
        )
        + "."
    )
    return "\n".join(lines) + "\n"


def _landmark_check_row(tol: float, chk: Any, curve: CurveNode, label: str) -> Row:
    """A published landmark survival of a cohort (binomial interval when n is known)."""
    clm = chk.landmark
    if clm.n:
        half = Z95 * math.sqrt(clm.survival * (1 - clm.survival) / clm.n)
        b = (100 * (clm.survival - half), 100 * (clm.survival + half))
    else:
        b = (100 * clm.survival * (1 - tol), 100 * clm.survival * (1 + tol))
    return Row(
        "cohorts",
        label,
        chk.label,
        f"{100 * clm.survival:.1f}%",
        b,
        round(100 * curve.surv(clm.month, MID), 1),
        None,
        "%",
        chk.source,
        chk.target,
    )
