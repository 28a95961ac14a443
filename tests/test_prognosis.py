"""Prognosis model: calibration against published subgroups, the seed article, ceilings,
monotonicity, reproducibility, the document contract and the plot (docs/prognosis.md).

Facts are built directly as FactValue dicts so these tests do not depend on the staging or
planning knowledge files that other modules own. Expected values come from the sources named
in prognosis.yaml (trial medians, subgroup hazard ratios, the seed article's ranges), never
from what the code printed.
"""

from __future__ import annotations

import ast
import datetime as dt
import itertools
import json
import math
import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hepatoboard.criteria.evaluate import FactValue
from hepatoboard.knowledge.load import read_file as read
from hepatoboard.prognosis import Prognosis, plot_curves, predict
from hepatoboard.prognosis import calibration as cal
from hepatoboard.prognosis import model as m
from hepatoboard.prognosis.data import check_sources, load, load_prognosis

ROOT = Path(__file__).parents[1]
PKG = ROOT / "src" / "hepatoboard" / "prognosis"
DATA = load()

SEED_FATHER: dict[str, Any] = {
    # examples/seed-father.yaml as derived facts: Child-Pugh A5, ALBI 2, ECOG 1, AFP 1250,
    # 3 nodules, regional nodes only, no ascites, no vascular invasion, first line.
    "child_pugh_class": "A",
    "child_pugh_points": 5,
    "albi_grade": 2,
    "ecog": 1,
    "afp_ng_ml": 1250.0,
    "portal_vein_invasion": "none",
    "hepatic_vein_invasion": "none",
    "nodal_disease": True,
    "regional_nodes": True,
    "distant_nodes": False,
    "extra_abdominal_nodes": False,
    "distant_metastases": False,
    "ascites": "none",
    "nodules": 3,
    "liver_involvement_over_50pct": False,
    "bile_duct_invasion": False,
    "bclc_stage": "C",
    "next_line": 1,
}
# Issue 13: ECOG 0, Child-Pugh A5, low AFP, regional nodes only (ALBI 1 for Child-Pugh 5).
FAVOURABLE = {"ecog": 0, "child_pugh_points": 5, "albi_grade": 1, "afp_ng_ml": 5.0}
ESTIMABLE = [sid for sid, sc in DATA.scenarios.items() if sc.estimable and sc.kind == "expected"]


def facts(**overrides: Any) -> dict[str, FactValue]:
    values = {**SEED_FATHER, **overrides}
    return {k: FactValue(v, () if v is not None else (k,)) for k, v in values.items()}


def by_id(result: Prognosis) -> dict[str, Any]:
    return {s.id: s for s in result.scenarios}


# --------------------------------------------------------------------------------------------
# Calibration: every published subgroup of every anchor arm, and the seed article.

ROWS = cal.rows()
TARGETS = [r for r in ROWS if r.target]


@pytest.mark.parametrize("row", TARGETS, ids=[f"{r.arm} | {r.subgroup}" for r in TARGETS])
def test_calibration_target_within_published_bounds(row: cal.Row) -> None:
    """The model's prediction for a patient matching the subgroup lies within the published
    95% interval (or +-20% of the value where none was published)."""
    assert row.within, (row.published, row.bounds, row.model)


def test_calibration_covers_every_subgroup_and_the_seed_article() -> None:
    n_subgroups = sum(len(a.subgroups) for a in DATA.anchors.values())
    arm_rows = ("arm median", "published range")
    sub_rows = [r for r in ROWS if r.table == "subgroups" and not r.subgroup.startswith(arm_rows)]
    assert len(sub_rows) == n_subgroups
    seed = [r for r in ROWS if r.source == "seed_article"]
    assert {r.bounds for r in seed} == {(4, 10), (12, 24)}  # seed-article.txt
    assert all(r.target for r in seed)


@pytest.mark.parametrize("block", ["calibration", "example"])
def test_generated_tables_in_docs_are_current(block: str) -> None:
    """docs/prognosis.md shows exactly what the code produces (bench/calibration.py)."""
    doc = (ROOT / "docs" / "prognosis.md").read_text(encoding="utf-8")
    start, end = f"<!-- {block}:start -->\n", f"<!-- {block}:end -->"
    assert start in doc and end in doc
    body = doc.split(start, 1)[1].split(end, 1)[0]
    expected = cal.markdown(ROWS) if block == "calibration" else cal.example_markdown()
    assert body.strip() == expected.strip()


def test_published_arm_medians_are_reproduced() -> None:
    """Fed nothing about the patient, each arm gives its published median (IMbrave150 19.2,
    RATIONALE-301 15.9, SHARP 10.7; clinical-facts.md 2.1)."""
    expected = {
        "imbrave150_atezo_bev": 19.2,
        "rationale301_tislelizumab": 15.9,
        "sharp_sorafenib": 10.7,
        "krog1502_nodal_rt": 11.1,
    }
    for aid, med in expected.items():
        ctx = m._Context(DATA, {})
        assert ctx.anchor(aid).curve.median(m.MID) == pytest.approx(med, abs=0.05)


# --------------------------------------------------------------------------------------------
# Issue 13: believable numbers for favourable BCLC C patients.


def _best_published_median(sid: str) -> float:
    """Best published median (arm or subgroup) of a scenario's anchor arms, from the YAML."""
    ids = DATA.scenarios[sid].all_anchors()
    best = 0.0
    for aid in ids:
        a = DATA.anchors[aid]
        med = a.median.months if a.median.months is not None else a.median.range[1]  # type: ignore[index]
        subs = [s.median for s in a.subgroups if s.median is not None]
        best = max(best, med, *subs)
    return best


def test_favourable_bclc_c_patient_is_not_promised_forty_months() -> None:
    """Issue 13: the whole IMbrave150 arm had 19.2 months, RATIONALE-301 15.9, sorafenib arms
    10-15; a favourable nodal patient must not get more than the best published group."""
    res = by_id(predict(facts(**FAVOURABLE), ESTIMABLE))
    assert res["atezolizumab_bevacizumab"].median_months <= 19.2
    assert res["tislelizumab"].median_months <= 15.9
    assert res["sorafenib"].median_months <= 15.2  # best sorafenib arm (CARES-310 control)
    for sid in ("atezolizumab_bevacizumab", "tislelizumab"):
        assert any("capped at the best published group" in c for c in res[sid].caveats)


BCLC_C = st.fixed_dictionaries(
    {
        "child_pugh_class": st.sampled_from(["A", "B"]),
        "albi_grade": st.sampled_from([1, 2, 3]),
        "ecog": st.integers(0, 2),
        "afp_ng_ml": st.sampled_from([2.0, 50.0, 399.0, 400.0, 9000.0, None]),
        "nodules": st.integers(1, 8),
        "portal_vein_invasion": st.sampled_from(["none", "vp2", "vp4"]),
        "distant_metastases": st.booleans(),
        "ascites": st.sampled_from(["none", "mild"]),
        "next_line": st.sampled_from([1, 2, None]),
    }
)


@settings(max_examples=40, deadline=None)
@given(BCLC_C)
def test_no_bclc_c_median_exceeds_best_published_group_without_explanation(
    p: dict[str, Any],
) -> None:
    res = predict(facts(**p), ESTIMABLE)
    for sc in res.scenarios:
        if sc.kind == "responder" and not DATA.scenarios[sc.id].all_anchors():
            assert any("what is possible" in c for c in sc.caveats)
            continue
        assert sc.median_months <= _best_published_median(sc.id) + 0.05, sc.id


# --------------------------------------------------------------------------------------------
# The seed article (shared/reference/seed-article.txt) and the local-care scenarios.

TYPICAL_NODAL = {
    "seed father (ALBI 2, ECOG 1, AFP 1250)": {},
    "ALBI 2, ECOG 0, AFP 1250": {"ecog": 0},
    "ALBI 2, ECOG 1, AFP 20": {"afp_ng_ml": 20.0},
    "favourable": FAVOURABLE,
}


@pytest.mark.parametrize("overrides", TYPICAL_NODAL.values(), ids=TYPICAL_NODAL.keys())
def test_nodal_patient_without_treatment_lives_4_to_10_months(overrides: dict[str, Any]) -> None:
    """Seed article: the average prognosis with nodal metastasis is 4-10 months."""
    bsc = by_id(predict(facts(**overrides), ["best_supportive_care"]))["best_supportive_care"]
    assert 4 <= bsc.median_months <= 10


def test_responder_scenarios_are_shown_as_possible_not_expected() -> None:
    res = by_id(
        predict(
            facts(),
            ["best_supportive_care", "atezolizumab_bevacizumab", "sorafenib", "nodal_radiotherapy"],
        )
    )
    resp = res["systemic_responder"]
    assert resp.kind == "responder" and "seed_article" in resp.sources
    # Seed article: good responders gain 12-24 months over the average.
    gain = resp.median_months - res["best_supportive_care"].median_months
    assert 12 <= gain <= 24
    rt = res["nodal_radiotherapy_responder"]
    assert rt.kind == "responder" and "krog1502_kim2017" in rt.sources
    assert rt.median_months <= 14.2  # KROG 15-02 responders' median
    for r in (resp, rt):
        assert "what is possible" in r.label and any("not the expectation" in c for c in r.caveats)
    assert [s.kind for s in predict(facts(), ["sorafenib"]).scenarios] == ["expected", "responder"]


def test_responder_scenarios_are_not_shown_for_end_stage() -> None:
    res = predict(
        facts(child_pugh_class="C", ecog=3, bclc_stage="D"),
        ["best_supportive_care", "sorafenib", "nodal_radiotherapy"],
    )
    assert all(s.kind == "expected" for s in res.scenarios)
    assert any(w.startswith("not shown:") for w in res.warnings)


def test_local_care_scenarios_carry_their_series_and_caveats() -> None:
    res = by_id(
        predict(
            facts(),
            [
                "nodal_radiotherapy",
                "lymph_node_dissection",
                "selective_lymphadenectomy",
                "biliary_drainage",
            ],
        )
    )
    # SEER N1M0 with surgery: 20 months (15.3-24.7), observational.
    lnd = res["lymph_node_dissection"]
    assert lnd.median_months <= 20.0 and "seer_n1m0_surgery_2020" in lnd.sources
    assert any("selection bias" in c for c in lnd.caveats)
    # Survival after drainage 2.8-12.3 months (Dig Dis 2012): not adjusted to the patient.
    bd = res["biliary_drainage"]
    assert 2.8 <= bd.median_months <= 12.3 and bd.hazard_ratio is None
    assert any("wide input" in c for c in bd.caveats)
    rt = res["nodal_radiotherapy"]
    assert {"krog1502_kim2017", "chen_zeng2013_rt_nodes"} <= set(rt.sources)
    assert rt.median_months <= 11.1  # best of the radiotherapy series (KROG 15-02)


def test_every_scenario_names_its_population() -> None:
    res = by_id(predict(facts(), ESTIMABLE))
    assert res["atezolizumab_bevacizumab"].population.startswith("IMbrave150")
    assert "Child-Pugh A, ECOG 0-1" in res["atezolizumab_bevacizumab"].population
    assert all(s.population for s in res.values())


# --------------------------------------------------------------------------------------------
# End-stage, extrapolation, unknowns, skipped options.


@pytest.mark.parametrize(
    "overrides",
    [
        {"child_pugh_class": "C", "ecog": 3, "bclc_stage": "D", "albi_grade": 3},
        {"child_pugh_class": "C", "ecog": 1, "bclc_stage": "D", "albi_grade": 3},
        {"ecog": 3, "bclc_stage": "D"},
    ],
)
def test_end_stage_is_the_untreated_end_stage_cohort(overrides: dict[str, Any]) -> None:
    """BCLC D untreated: 3-6 months (ITA.LI.CA 6; BCLC-figure summaries about 3)."""
    res = by_id(predict(facts(**overrides), ["best_supportive_care", "atezolizumab_bevacizumab"]))
    bsc = res["best_supportive_care"]
    assert 3.0 <= bsc.median_months <= 6.0 and bsc.interval_months[1] <= 6.0
    assert any("end-stage" in c for c in bsc.caveats)
    atezo = res["atezolizumab_bevacizumab"]
    assert atezo.interval_months[1] <= 6.0
    assert any("show no benefit" in c for c in atezo.caveats)


def test_extrapolation_is_flagged() -> None:
    res = by_id(predict(facts(child_pugh_class="B", ecog=2), ["atezolizumab_bevacizumab"]))
    text = " ".join(res["atezolizumab_bevacizumab"].caveats)
    assert "Child-Pugh B or C is outside" in text and "ECOG 2 or more is outside" in text
    later = by_id(predict(facts(next_line=3), ["durvalumab_tremelimumab", "regorafenib"]))
    assert any("line 3" in c for c in later["durvalumab_tremelimumab"].caveats)
    assert any("line 3" in c for c in later["regorafenib"].caveats)
    low_afp = by_id(predict(facts(afp_ng_ml=20.0, next_line=2), ["ramucirumab"]))
    assert any("AFP >= 400" in c for c in low_afp["ramucirumab"].caveats)
    vp4 = by_id(predict(facts(portal_vein_invasion="vp4"), ["durvalumab_tremelimumab"]))
    assert any("Vp4" in c for c in vp4["durvalumab_tremelimumab"].caveats)


@pytest.mark.parametrize(
    ("fact", "values"),
    [("afp_ng_ml", [20.0, 1250.0]), ("ecog", [0, 1]), ("albi_grade", [1, 2])],
)
def test_unknown_fact_widens_the_interval_and_is_named(fact: str, values: list[Any]) -> None:
    sids = ["atezolizumab_bevacizumab", "sorafenib", "lenvatinib"]

    def log_width(res: Prognosis) -> dict[str, float]:
        return {s.id: math.log(s.interval_months[1] / s.interval_months[0]) for s in res.scenarios}

    known = [log_width(predict(facts(**{fact: v}), sids)) for v in values]
    res = predict(facts(**{fact: None}), sids)
    unknown = log_width(res)
    for sid in sids:
        assert unknown[sid] >= min(k[sid] for k in known), sid
    assert any(fact in w and "not assumed normal" in w for w in res.warnings)


def test_options_without_anchor_are_skipped_and_named() -> None:
    res = predict(facts(), ["best_supportive_care", "sintilimab_bevacizumab_biosimilar", "xyz"])
    assert [s.id for s in res.scenarios] == ["best_supportive_care"]
    skipped = next(w for w in res.warnings if w.startswith("no survival estimate"))
    assert "sintilimab_bevacizumab_biosimilar" in skipped and "not reached" in skipped
    assert "xyz" in skipped


def test_later_line_best_supportive_care_uses_placebo_arms() -> None:
    bsc = by_id(predict(facts(next_line=2), ["best_supportive_care"]))["best_supportive_care"]
    assert "RESORCE placebo" in bsc.population and "ITA.LI.CA" not in bsc.population


def test_unverified_and_assumed_inputs_are_said() -> None:
    res = predict(facts(), ["atezolizumab_bevacizumab", "nodal_radiotherapy"])
    assert any("ECOG 1 vs 0" in w and "no verified source" in w for w in res.warnings)
    sc = by_id(res)["atezolizumab_bevacizumab"]
    assert any("not verified in a primary source" in c for c in sc.caveats)
    rt_resp = by_id(res)["nodal_radiotherapy_responder"]
    assert any(c.startswith("assumption:") for c in rt_resp.caveats)  # KROG responder count


# --------------------------------------------------------------------------------------------
# Monotonicity, well-formed output, reproducibility (hypothesis).

LIVER = [("A", 1), ("A", 2), ("A", 3), ("B", 2), ("C", 3)]  # best -> worst
SPREAD = [  # (nodal_disease, distant_metastases, portal_vein_invasion), best -> worst
    (False, False, "none"),
    (True, False, "none"),
    (True, True, "none"),
    (True, True, "vp3"),
]
AFP = [5.0, 120.0, 399.0, 400.0, 1250.0, 60000.0]
PROPERTY_SCENARIOS = [
    "best_supportive_care",
    "atezolizumab_bevacizumab",
    "durvalumab_tremelimumab",
    "sorafenib",
    "regorafenib",
    "pembrolizumab",
    "folfox4",
    "nodal_radiotherapy",
    "lymph_node_dissection",
]


@st.composite
def patients(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "liver": draw(st.integers(0, len(LIVER) - 1)),
        "ecog": draw(st.integers(0, 4)),
        "afp": draw(st.integers(0, len(AFP) - 1)),
        "spread": draw(st.integers(0, len(SPREAD) - 1)),
        "nodules": draw(st.integers(1, 10)),
        "ascites": draw(st.sampled_from(["none", "mild", "moderate_severe"])),
        "next_line": draw(st.sampled_from([1, 2, None])),
    }


def to_facts(p: dict[str, Any]) -> dict[str, FactValue]:
    cp, albi = LIVER[p["liver"]]
    nodal, dist, pv = SPREAD[p["spread"]]
    return facts(
        child_pugh_class=cp,
        child_pugh_points=None,
        albi_grade=albi,
        ecog=p["ecog"],
        afp_ng_ml=AFP[p["afp"]],
        nodal_disease=nodal,
        regional_nodes=nodal,
        distant_nodes=False,
        distant_metastases=dist,
        portal_vein_invasion=pv,
        nodules=p["nodules"],
        ascites=p["ascites"],
        next_line=p["next_line"],
        bclc_stage=None,  # the model reads the underlying facts, not a possibly stale stage
    )


def worse_variants(p: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for key, top in (
        ("liver", len(LIVER) - 1),
        ("ecog", 4),
        ("afp", len(AFP) - 1),
        ("spread", len(SPREAD) - 1),
        ("nodules", 10),
    ):
        if p[key] < top:
            out.append({**p, key: p[key] + 1})
    order = ["none", "mild", "moderate_severe"]
    if p["ascites"] != "moderate_severe":
        out.append({**p, "ascites": order[order.index(p["ascites"]) + 1]})
    return out


PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(patients())
def test_worse_factors_never_lengthen_survival(p: dict[str, Any]) -> None:
    base = by_id(predict(to_facts(p), PROPERTY_SCENARIOS))
    for q in worse_variants(p):
        res = predict(to_facts(q), PROPERTY_SCENARIOS)
        worse = by_id(res)
        for sid, b in base.items():
            if sid not in worse:  # a responder scenario is not shown once end-stage
                assert b.kind == "responder" and any("not shown" in x for x in res.warnings)
                continue
            w = worse[sid]
            assert w.median_months <= b.median_months, (sid, p, q)
            for t, s in w.survival.items():
                assert s <= b.survival[t], (sid, t, p, q)


@PROPERTY_SETTINGS
@given(patients())
def test_output_is_well_formed(p: dict[str, Any]) -> None:
    res = predict(to_facts(p), PROPERTY_SCENARIOS)
    doc = json.loads(res.model_dump_json())
    assert set(doc) == {"scenarios", "method", "warnings"}
    s = DATA.settings
    n = round(s.horizon_months / s.step_months) + 1
    for sc in res.scenarios:
        lo, hi = sc.interval_months
        assert lo <= sc.median_months <= hi <= s.horizon_months
        assert set(sc.survival) == {"6", "12", "24"}
        c = sc.curve
        assert c is not None and len(c.months) == n and c.months[0] == 0
        assert c.survival[0] == 1.0 and c.months[-1] == s.horizon_months
        for ys in (c.survival, c.lower, c.upper):
            assert all(b <= a for a, b in itertools.pairwise(ys))
            assert all(0 <= y <= 1 for y in ys)
        assert all(a <= b <= c_ for a, b, c_ in zip(c.lower, c.survival, c.upper, strict=True))
        assert sc.survival["6"] >= sc.survival["12"] >= sc.survival["24"]
        assert sc.sources and sc.population and sc.label


@settings(max_examples=10, deadline=None)
@given(patients())
def test_same_input_gives_identical_output(p: dict[str, Any]) -> None:
    first = predict(to_facts(p), PROPERTY_SCENARIOS).model_dump_json()
    fresh = load_prognosis(read("prognosis.yaml"), verification=DATA.verification)
    again = predict(to_facts(p), PROPERTY_SCENARIOS, data=fresh).model_dump_json()
    assert first == again


# Every value of each fact the model reads, unknown included (the memo test below).
MEMO_VALUES: dict[str, list[Any]] = {
    "child_pugh_class": ["A", "B", "C", None],
    "albi_grade": [1, 2, 3, None],
    "ecog": [0, 1, 2, 3, 4, None],
    "afp_ng_ml": [5.0, 120.0, 130.0, 399.0, 400.0, 1250.0, None],
    "portal_vein_invasion": ["none", "vp3", "vp4", None],
    "hepatic_vein_invasion": ["none", "present", None],
    "nodal_disease": [True, False, None],
    "distant_nodes": [True, False, None],
    "distant_metastases": [True, False, None],
    "ascites": ["none", "mild", "moderate_severe", None],
    "nodules": [1, 3, 10, None],
    "liver_involvement_over_50pct": [True, False, None],
    "bile_duct_invasion": [True, False, None],
    "bclc_stage": ["B", "C", "D", None],
    "next_line": [1, 2, 3, None],
}


def test_memo_gives_each_patient_his_own_result() -> None:
    """A remembered result is reused only for a patient the model cannot tell apart: each of
    some 800 patients (several sharing everything the model reads, the rest differing in one or more
    facts) gets exactly what a computation from scratch gives him; and a caller changing his
    result does not change the next patient's."""
    data = load_prognosis(read("prognosis.yaml"), verification=DATA.verification)
    rng = random.Random(13)
    patients = []
    for _ in range(400):
        over = {k: rng.choice(v) for k, v in MEMO_VALUES.items() if rng.random() < 0.25}
        patients.append(facts(**over))
        if over.get("afp_ng_ml") in (120.0, 130.0):  # a twin the model cannot tell apart
            patients.append(facts(**{**over, "afp_ng_ml": 250.0 - over["afp_ng_ml"]}))
        patients.append(facts(**over))  # the same patient again
    asked = [*PROPERTY_SCENARIOS, "nivolumab", "lenvatinib"]
    for f in patients:
        got = predict(f, asked, data=data)
        assert got == m._predict(m._Context(data, f), asked)
        got.warnings.append("changed by the caller")
        if got.scenarios:
            got.scenarios[0].caveats.clear()
    assert len(patients) / 2 > len(data.compiled.memo) > 100  # shared, and told apart
    assert predict(facts(), asked, data=data) == m._predict(m._Context(data, facts()), asked)


def test_scenario_result_does_not_depend_on_the_other_scenarios_asked() -> None:
    alone = by_id(predict(facts(), ["sorafenib"]))["sorafenib"]
    mixed = by_id(predict(facts(), ["folfox4", "sorafenib", "best_supportive_care"]))
    assert alone == mixed["sorafenib"]


def test_seed_father_example_case_end_to_end() -> None:
    """The example case through the real case parser and fact derivation gives the same
    answer as the hand-built facts."""
    from hepatoboard.facts import derive_facts
    from hepatoboard.intake import load_case_file
    from hepatoboard.knowledge.load import default_knowledge

    case = load_case_file(ROOT / "examples" / "seed-father.yaml")
    derived = derive_facts(case, default_knowledge(), dt.date(2026, 11, 25))
    derived["bclc_stage"] = FactValue("C")
    derived["next_line"] = FactValue(1)
    hand = facts(child_pugh_points=derived["child_pugh_points"].value)
    sids = ["best_supportive_care", "atezolizumab_bevacizumab", "nodal_radiotherapy"]
    got = {s.id: s.median_months for s in predict(derived, sids).scenarios}
    assert got == {s.id: s.median_months for s in predict(hand, sids).scenarios}


# --------------------------------------------------------------------------------------------
# Knowledge-base hygiene and the module contracts.


def test_load_prognosis_validates_a_parsed_dict() -> None:
    raw = read("prognosis.yaml")
    assert load_prognosis(raw).anchors.keys() == DATA.anchors.keys()
    bad = yaml.safe_load(yaml.safe_dump({k: v for k, v in raw.items()}))
    bad["scenarios"]["sorafenib"]["anchors"] = ["no_such_arm"]
    with pytest.raises(ValueError, match="unknown anchor no_such_arm"):
        load_prognosis(bad)
    flipped = yaml.safe_load(yaml.safe_dump(raw))
    levels = flipped["domains"]["afp"]["markers"]["afp"]["levels"]
    levels[0]["hr"], levels[1]["hr"] = levels[1]["hr"], levels[0]["hr"]
    with pytest.raises(ValueError, match="less hazardous"):
        load_prognosis(flipped)


def test_every_cited_source_exists_in_sources_yaml() -> None:
    known = {s["id"] for s in read("sources.yaml")["sources"]}
    assert check_sources(DATA, known) == []
    assert check_sources(DATA, known - {"imbrave150"}) == [
        "prognosis.yaml: unknown source 'imbrave150'"
    ]


def test_every_fact_read_exists() -> None:
    from hepatoboard.knowledge.load import default_knowledge

    assert DATA.facts_used() <= set(default_knowledge().facts)


def test_every_assumed_share_says_why() -> None:
    for anchor in DATA.anchors.values():
        if anchor.mix is None:
            continue
        for key, share in anchor.mix:
            assert share.source or share.eligibility or share.assumption, (anchor.id, key)


def test_result_module_imports_nothing_from_hepatoboard() -> None:
    tree = ast.parse((PKG / "result.py").read_text(encoding="utf-8"))
    mods = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    mods += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [x for x in mods if x.startswith("hepatoboard")]


# Numbers the engine may contain, none clinical: 0, 1, 2, 0.5 and 12 (arithmetic: halves,
# squares, sqrt(12) of a uniform SD), 3 and 10000 (rounding to 1, 3 and 4 decimals), 100
# (percent), 30 (bisection steps), 1e-4 / 1e-9 / 1e-12 (finite difference and float
# tolerances), 1.96 (the 95% normal quantile), 1024 (entries of the result memo). A clinical
# number added to the code fails this.
ALLOWED_LITERALS = {
    0, 0.5, 1, 2, 3, 12, 30, 100, 1024, 10000, 1e-4, 1e-9, 1e-12, 1.959963984540054
}  # fmt: skip  # one set, not one number per line


@pytest.mark.parametrize("module", ["model.py", "data.py"])  # the engine and its data rules
def test_no_clinical_number_in_code(module: str) -> None:
    tree = ast.parse((PKG / module).read_text(encoding="utf-8"))
    found = {
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and type(n.value) in (int, float)
    }
    assert found <= ALLOWED_LITERALS, sorted(found - ALLOWED_LITERALS)


def test_no_process_global_mutable_state() -> None:
    mutable = [
        name
        for name, value in vars(m).items()
        if not name.startswith("__") and isinstance(value, dict | list | set)
    ]
    assert mutable == []


# --------------------------------------------------------------------------------------------
# The plot: drawn from the stored document only.


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_plot_draws_the_stored_document(
    tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    res = predict(facts(), ["best_supportive_care", "atezolizumab_bevacizumab", "sorafenib"])
    stored = json.loads(res.model_dump_json())  # what an assessment keeps

    def no_recompute(*_a: Any, **_k: Any) -> None:
        raise AssertionError("the plot must not recompute the prognosis")

    monkeypatch.setattr(m, "predict", no_recompute)
    out = tmp_path / f"curves{suffix}"
    plot_curves(stored, str(out), title="case $1 of 2$", highlight=["atezolizumab_bevacizumab"])
    assert out.stat().st_size > 10_000
    if suffix == ".svg":
        text = out.read_text(encoding="utf-8")
        assert "Decision support only" in text and "Months from today" in text


def test_plot_accepts_a_prognosis_and_old_documents_without_curves(tmp_path: Path) -> None:
    res = predict(facts(), ["best_supportive_care"])
    plot_curves(res, str(tmp_path / "a.png"))
    old = {
        "scenarios": [
            {
                "id": "sorafenib",
                "median_months": 8.0,
                "interval_months": [6, 10],
                "survival": {"6": 0.6, "12": 0.3, "24": 0.1},
            }
        ]
    }
    plot_curves(old, str(tmp_path / "b.svg"))
    assert "no stored curve" in (tmp_path / "b.svg").read_text(encoding="utf-8")


def test_plot_rejects_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        plot_curves({"scenarios": []}, str(tmp_path / "x.pdf"))
