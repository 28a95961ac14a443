"""Issue 12, the hepatologist-oncologist review: one case per point, written for the test, each
asserting the corrected behaviour and naming the source the rule cites (KB 2026.12.1)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from hepatoboard.contracts.errors import CaseError
from hepatoboard.intake import parse_case
from hepatoboard.pipeline import assess

from conftest import AS_OF, case_file

SEED = yaml.safe_load(case_file("seed-father").read_text())
NO_NODES = {"lymph_nodes": [], "distant_metastases": []}


def make(base: dict[str, Any] | None = None, **sections: Any) -> dict[str, Any]:
    """The seed-father case (or ``base``) with whole sections replaced or merged: a dict value
    is merged into the section, anything else replaces it."""
    doc = copy.deepcopy(base or SEED)
    for name, value in sections.items():
        if isinstance(value, dict) and isinstance(doc.get(name), dict):
            doc[name] = {**doc[name], **value}
        else:
            doc[name] = value
    return doc


def run(doc: dict[str, Any], **kw: Any):
    return assess(parse_case(doc, as_of=AS_OF), as_of=AS_OF, with_prognosis=False, **kw)


def opt(a, oid: str):
    return next(o for o in a.plan.options if o.id == oid)


SMALL_TUMOUR = {"nodules": 1, "largest_cm": 1.8, "bilobar": False}


# --- staging traps ------------------------------------------------------------------------------


def test_1_ecog_1_counts_for_bclc_only_when_the_cancer_causes_it():
    """BCLC 2022 (bclc2022): PS 1-2 is stage C only when cancer-related."""
    base = make(tumor=SMALL_TUMOUR, **NO_NODES, symptoms={"pain_nrs": 0, "pain_source": None})
    base["symptoms"].pop("pain_source")
    unknown = run(base)
    assert unknown.staging.bclc.stage is None and unknown.plan.intent is None
    assert any(m.field == "performance.ecog_cause" for m in unknown.missing_data)
    assert opt(unknown, "atezolizumab_bevacizumab").status != "recommended"
    cancer = run(make(base, performance={"ecog": 1, "ecog_cause": "cancer"}))
    assert cancer.staging.bclc.stage == "C"
    other = run(make(base, performance={"ecog": 1, "ecog_cause": "comorbidity"}))
    assert other.staging.bclc.stage == "0" and other.plan.intent == "curative"
    assert opt(other, "atezolizumab_bevacizumab").status == "not_eligible"


HILAR_OBSTRUCTION = {
    "lymph_nodes": [
        {"station": "porta_hepatis", "count": 1, "short_axis_mm": 30, "compression": ["bile_duct"]}
    ],
    "symptoms": {"jaundice": True, "bile_ducts_dilated": True, "pain_nrs": 0},
    "labs": {
        "bilirubin": {"value": 6.5, "unit": "mg/dL"},
        "albumin": {"value": 2.7, "unit": "g/dL"},
        "inr": 1.9,
    },
}


def test_2_obstructive_jaundice_from_nodes_is_not_end_stage_liver():
    """Dig Dis 2012 / Sugiyama 2014: drain first; liver function is re-assessed afterwards."""
    doc = make(**HILAR_OBSTRUCTION)
    doc["symptoms"].pop("pain_source")
    a = run(doc)
    assert a.scores.child_pugh.points is None and a.scores.albi.score is None
    # as measured the liver would read Child-Pugh C (3 + 3 + 2 + 1 + 1): the trap of the issue
    assert a.scores.confounded is not None and a.scores.confounded.child_pugh_class == "C"
    # not D: whether the liver is end-stage cannot be read until drainage (C or D, undetermined)
    assert a.staging.bclc.stage is None and a.plan.intent is None
    blocked = {m.field: m.blocks for m in a.missing_data}
    assert "staging.bclc" in blocked["clinical.biliary_drained"]
    assert any("not assessable until bilirubin is re-measured" in w for w in a.warnings)
    assert opt(a, "biliary_drainage").status == "recommended"
    for oid in ("atezolizumab_bevacizumab", "durvalumab_tremelimumab", "lenvatinib"):
        assert opt(a, oid).status == "undetermined", oid
        assert "clinical.biliary_drained" in opt(a, oid).missing
    checks = {c.id for c in a.plan.checks}
    assert {"inr_vitamin_k", "liver_function_after_drainage"} <= checks
    drained = make(doc, clinical={"biliary_drained": True})
    drained["labs"]["bilirubin"] = {"value": 1.4, "unit": "mg/dL"}
    after = run(drained)
    assert after.scores.child_pugh.points == 8 and after.scores.confounded is None
    assert after.staging.bclc.stage == "C"


def test_3_an_indeterminate_hilar_node_does_not_settle_the_intent():
    """AASLD-JNCI (aasld_jnci_llovet2008): a porta hepatis node counts on imaging at >= 20 mm."""
    doc = make(
        tumor={"nodules": 1, "largest_cm": 3.0, "bilobar": False},
        diagnosis={"etiology": ["hcv"]},
        lymph_nodes=[
            {"station": "porta_hepatis", "count": 1, "short_axis_mm": 11, "evidence": "imaging"}
        ],
        symptoms={"pain_nrs": 0},
        performance={"ecog": 0},
    )
    doc["symptoms"].pop("pain_source")
    a = run(doc)
    assert a.staging.tnm.n is None and a.staging.bclc.stage is None and a.plan.intent is None
    assert a.staging.nodes.indeterminate == ["porta_hepatis"]
    assert any(c.id == "node_confirmation" for c in a.plan.checks)
    pet = copy.deepcopy(doc)
    pet["lymph_nodes"][0]["evidence"] = "pet"
    confirmed = run(pet)
    assert confirmed.staging.tnm.n == "N1" and confirmed.staging.bclc.stage == "C"


def test_4_hepatic_vein_or_ivc_thrombus_is_bclc_c():
    """BCLC 2022: macrovascular invasion of any kind is stage C (TNM T4 for Vv3)."""
    tumour = {**SMALL_TUMOUR, "largest_cm": 4.0, "hepatic_vein_invasion": "vv3"}
    doc = make(tumor=tumour, **NO_NODES, performance={"ecog": 0}, symptoms={"pain_nrs": 0})
    doc["symptoms"].pop("pain_source")
    a = run(doc)
    assert a.staging.tnm.t == "T4"
    assert a.staging.bclc.stage == "C" and a.plan.intent == "life_prolonging"


# --- safety gates -------------------------------------------------------------------------------


def test_5_kidney_function_gates_oxaliplatin():
    """Oxaliplatin SmPC (oxaliplatin_smpc): contraindicated below 30 mL/min and on dialysis."""
    seed = run(SEED)
    # Cockcroft-Gault (cockcroft_gault1976): (140 - 68) x 58 / (72 x 0.9) = 64.4 mL/min
    assert seed.scores.creatinine_clearance_ml_min == pytest.approx(64.4)
    prior = [{"regimen": "atezolizumab_bevacizumab", "line": 1, "stop_reason": "progression"}]
    on_dialysis = run(make(clinical={"dialysis_past_week": True}, prior_therapies=prior))
    low = run(make(labs={"creatinine": {"value": 2.2, "unit": "mg/dL"}}, prior_therapies=prior))
    for a in (on_dialysis, low):
        for oid in ("folfox4", "gemox", "haic_folfox"):
            o = opt(a, oid)
            assert o.status == "not_eligible" and any("renal" in c for c in o.contraindications)
    assert opt(on_dialysis, "cabozantinib").cautions  # not recommended in severe impairment


def test_6_bevacizumab_and_anti_vegf_bleeding_gates_use_their_own_windows():
    """IMbrave150 (imbrave150_eligibility, unverified window): GI bleeding within 6 months."""
    bled = make(
        varices={"bleeding_history": True}, comorbidities={"last_gi_bleeding_date": "2026-07-20"}
    )
    a = run(bled)
    assert opt(a, "atezolizumab_bevacizumab").status == "not_eligible"
    assert opt(a, "durvalumab_tremelimumab").status == "consider"  # HIMALAYA: caution only
    old = run(make(bled, comorbidities={"last_gi_bleeding_date": "2025-09-01"}))
    assert opt(old, "atezolizumab_bevacizumab").status != "not_eligible"
    undated = run(make(varices={"bleeding_history": True}))
    assert opt(undated, "atezolizumab_bevacizumab").status == "undetermined"
    recent = run(make(comorbidities={"recent_bleeding": True}))
    assert opt(recent, "camrelizumab_rivoceranib").status == "not_eligible"  # cares310
    protein = run(make(labs={"urine_protein_g_per_24h": 2.5}))
    assert opt(protein, "atezolizumab_bevacizumab").status == "not_eligible"  # label
    assert opt(protein, "lenvatinib").cautions  # lenvatinib_label: withheld


def test_7_hbv_antivirals_come_before_immunotherapy_and_for_every_hbv_patient():
    """ASCO 2020 PCO (asco_hbv_pco2020): prophylaxis for every HBsAg-positive patient."""
    no_av = run(make(comorbidities={"antiviral_therapy": False}))
    o = opt(no_av, "atezolizumab_bevacizumab")
    assert o.status == "undetermined" and "start antivirals" in " ".join(o.reasons)
    assert opt(no_av, "sorafenib").status == "consider"  # a TKI is not delayed
    assert "antiviral_therapy" in {m.id for m in no_av.plan.supportive}
    no_dna = {"hbv_dna": {"value": 0, "unit": "IU/mL"}}
    undetectable = run(make(comorbidities={"antiviral_therapy": False}, labs=no_dna))
    assert "antiviral_therapy" in {m.id for m in undetectable.plan.supportive}


def test_8_varices_get_prophylaxis_whatever_the_regimen_and_eradicated_varices_are_normal():
    """Baveno VII (baveno7): high-risk varices get prophylaxis; banded varices are fine."""
    large = run(make(varices={"status": "large", "treated": False}))
    assert "variceal_prophylaxis" in {m.id for m in large.plan.supportive}
    assert opt(large, "atezolizumab_bevacizumab").status == "not_eligible"
    eradicated = run(make(varices={"status": "none", "treated": True}))
    assert opt(eradicated, "atezolizumab_bevacizumab").status == "recommended"


def test_9_a_severe_immune_side_effect_is_not_a_later_line():
    """ASCO irAE guideline (asco_irae_2021): rechallenge after grade 3-4 is a decision."""
    prior = [
        {
            "regimen": "atezolizumab_bevacizumab",
            "line": 1,
            "stop_reason": "toxicity",
            "irae_grade": 3,
            "irae_organ": "liver",
        }
    ]
    a = run(make(prior_therapies=prior))
    ab = opt(a, "atezolizumab_bevacizumab")
    assert ab.status == "not_eligible" and any("rechallenge" in c for c in ab.contraindications)
    dt = opt(a, "durvalumab_tremelimumab")
    assert dt.status != "recommended" and any("immune-related" in c for c in dt.cautions)


# --- lines of therapy ---------------------------------------------------------------------------


def test_10_an_ongoing_responding_regimen_is_the_current_line():
    prior = [
        {
            "regimen": "atezolizumab_bevacizumab",
            "line": 1,
            "stop_reason": "ongoing",
            "best_response": "pr",
        }
    ]
    a = run(make(prior_therapies=prior))
    ab = opt(a, "atezolizumab_bevacizumab")
    assert ab.status == "recommended" and ab.line == 1 and "continue" in ab.reasons[0]
    for oid in ("cabozantinib", "regorafenib", "lenvatinib", "durvalumab_tremelimumab"):
        assert opt(a, oid).status == "not_eligible", oid
    progressed = run(make(prior_therapies=[{**prior[0], "best_response": "pd"}]))
    assert opt(progressed, "cabozantinib").status == "consider"
    assert opt(progressed, "atezolizumab_bevacizumab").status == "not_eligible"


def test_11_ecog_2_is_consider_not_blocked():
    """BCLC 2022 includes PS 1-2 in stage C; ASCO 2024 recommends ECOG 0-1: both are shown."""
    a = run(make(performance={"ecog": 2, "ecog_cause": "cancer"}))
    for oid in ("atezolizumab_bevacizumab", "durvalumab_tremelimumab"):
        o = opt(a, oid)
        assert o.status == "consider" and any("ECOG 2" in c for c in o.cautions), oid
        assert o.positions["asco2024"] == "recommended"


def test_12_declining_both_combinations_makes_the_alternatives_recommended():
    """ASCO 2024: lenvatinib or sorafenib when the combinations are not options."""
    a = run(make(preferences={"declines": ["atezolizumab_bevacizumab", "durvalumab_tremelimumab"]}))
    assert opt(a, "atezolizumab_bevacizumab").declined
    assert opt(a, "lenvatinib").status == "recommended"
    assert opt(a, "sorafenib").status == "recommended"


def test_13_end_stage_liver_with_refractory_ascites_gets_supportive_intent():
    """BCLC 2022 stage D (end-stage liver function): best supportive care."""
    labs = {
        "bilirubin": {"value": 1.5, "unit": "mg/dL"},
        "albumin": {"value": 2.9, "unit": "g/dL"},
        "inr": 1.8,
    }
    doc = make(
        labs=labs,
        clinical={"ascites": "moderate_severe"},
        symptoms={"ascites_symptomatic": True},
        performance={"ecog": 2},
    )
    a = run(doc)
    assert a.scores.child_pugh.points == 9
    assert a.staging.bclc.stage == "D" and a.plan.intent == "supportive"
    assert opt(a, "best_supportive_care").status == "recommended"


# --- the nodal pathway --------------------------------------------------------------------------


def test_14_an_unknown_higher_rule_does_not_block_a_lower_true_one():
    doc = make(
        lymph_nodes=[{"station": "porta_hepatis", "count": 1, "short_axis_mm": 25}],
        symptoms={"pain_nrs": 0},
    )
    doc["symptoms"].pop("pain_source")
    o = opt(run(doc), "nodal_radiotherapy")
    assert o.status == "consider"  # adjunct rule true (rim2018_rt_meta, seed_article)
    assert "symptoms.pain_source" not in o.missing  # pain 0: never asked


ISOLATED = {
    "tumor": {"nodules": 0, "bilobar": False, "largest_cm": None},
    "lymph_nodes": [
        {
            "station": "hepatic_artery",
            "count": 1,
            "short_axis_mm": 18,
            "evidence": "biopsy",
            "compression": [],
        }
    ],
    "symptoms": {"pain_nrs": 0},
    "prior_therapies": [],
}


def _isolated() -> dict[str, Any]:
    doc = make(**ISOLATED)
    doc["tumor"].pop("largest_cm")
    doc["symptoms"].pop("pain_source")
    return doc


def test_15_isolated_nodal_recurrence_is_a_candidate_for_node_surgery_without_compression():
    """Nodal resection series (lnm_resection_series, seer_n1m0_surgery_2020)."""
    a = run(_isolated())
    assert opt(a, "lymph_node_dissection").status == "consider"
    assert opt(a, "selective_lymphadenectomy").status == "consider"
    assert opt(a, "nodal_radiotherapy").status == "consider"
    assert "surgery" in {r.department for r in a.plan.referrals}
    # three bilobar nodules judged not resectable, or a main portal trunk thrombus: no surgery
    unresectable = run(make(tumor={"resectable": False}))
    assert opt(unresectable, "lymph_node_dissection").status == "not_eligible"
    vp4 = run(make(tumor={"resectable": True, "portal_vein_invasion": "vp4"}))
    assert opt(vp4, "lymph_node_dissection").status == "not_eligible"


def test_16_painful_nodes_get_palliative_radiotherapy_at_any_performance_status():
    a = run(make(performance={"ecog": 3}))
    assert opt(a, "nodal_radiotherapy").status == "not_eligible"  # a full course: ECOG 0-2
    assert opt(a, "palliative_radiotherapy").status == "consider"  # short course (rim2018)
    assert "radiation_oncology" in {r.department for r in a.plan.referrals}


def test_17_tace_needs_a_tumour_to_embolise_and_no_main_trunk_thrombus():
    assert opt(run(make(tumor={"portal_vein_invasion": "vp4"})), "tace").status == "not_eligible"
    assert opt(run(_isolated()), "tace").status == "not_eligible"
    assert "tace_liver_tests" in {c.id for c in run(SEED).plan.checks}


def test_18_advance_care_planning_needs_only_the_nodal_disease():
    doc = make(performance={"ecog": None})
    doc["performance"].pop("ecog")
    a = run(doc)
    assert a.staging.bclc.stage is None
    assert "advance_care_planning" in {m.id for m in a.plan.supportive}


def test_19_station_conflicts_are_shown_and_retrocrural_is_thoracic():
    phrenic_node = {"station": "inferior_phrenic", "count": 1, "short_axis_mm": 15}
    phrenic = run(make(lymph_nodes=[phrenic_node]))
    assert phrenic.staging.tnm.m == "M1"
    assert any("AJCC 8th chapter text (CAP protocol)" in w for w in phrenic.warnings)
    retro_node = {"station": "retrocrural", "count": 1, "short_axis_mm": 15}
    retro = run(make(lymph_nodes=[retro_node]), profile="asia")  # seed article's practice
    assert any("posterior mediastinum" in w for w in retro.warnings)
    assert any("retrocrural" in r for r in opt(retro, "folfox4").reasons)


# --- contract and input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {"clinical": {"encephalopathy": "grade_3_4"}, "performance": {"ecog": 0}},
            "clinical.encephalopathy",
        ),
        ({"lymph_nodes": []}, "symptoms.pain_source"),
        ({"symptoms": {"pain_nrs": 0}}, "symptoms.pain_source"),
        (
            {
                "tumor": {
                    "nodules": 0,
                    "largest_cm": None,
                    "bilobar": False,
                    "portal_vein_invasion": "vp4",
                }
            },
            "tumor.portal_vein_invasion",
        ),
    ],
)
def test_22_contradictions_are_rejected_naming_the_fields(changes, field):
    doc = make(**changes)
    for section in ("tumor",):
        doc[section] = {k: v for k, v in doc[section].items() if v is not None}
    with pytest.raises(CaseError) as exc:
        parse_case(doc, as_of=AS_OF)
    assert field in {p.path for p in exc.value.problems}


def test_22_a_pain_free_case_with_a_painful_node_is_rejected():
    doc = make(symptoms={"pain_nrs": 0})
    doc["symptoms"].pop("pain_source")
    with pytest.raises(CaseError) as exc:
        parse_case(doc, as_of=AS_OF)
    assert "symptoms.pain_nrs" in {p.path for p in exc.value.problems}


def test_22_lines_out_of_order_and_an_ongoing_declined_regimen_are_rejected():
    prior = [{"regimen": "sorafenib", "line": 2}, {"regimen": "lenvatinib", "line": 1}]
    with pytest.raises(CaseError, match="out of order"):
        parse_case(make(prior_therapies=prior), as_of=AS_OF)
    ongoing = [{"regimen": "lenvatinib", "line": 1, "stop_reason": "ongoing"}]
    with pytest.raises(CaseError, match=r"ongoing but preferences\.declines"):
        parse_case(
            make(prior_therapies=ongoing, preferences={"declines": ["lenvatinib"]}), as_of=AS_OF
        )
