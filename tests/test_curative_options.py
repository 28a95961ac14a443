"""Curative and liver-directed options (issue 18, KB 2026.12.2): cases written for the test, with
the expected status derived by hand from the rule's source (BCLC 2022 treatment strategy, the
Milan / UCSF / up-to-7 definitions in AASLD 2023 Table 3, the nodal resection series)."""

from __future__ import annotations

from hepatoboard.knowledge.load import default_knowledge

from casebuild import EARLY, make, opt, run

REGIONAL_NODE = [
    {"station": "hepatic_pedicle", "count": 1, "short_axis_mm": 18, "evidence": "biopsy"}
]


def test_bclc_a_single_tumour_without_portal_hypertension_gets_resection_first():
    """BCLC 2022: single tumour, no clinically significant portal hypertension, normal
    bilirubin -> resection. 3.5 cm is beyond the ablation limit (<= 3 cm); within Milan."""
    a = run(EARLY)
    assert a.staging.bclc.stage == "A"
    assert a.plan.intent == "curative"
    assert opt(a, "resection").status == "recommended"
    assert "bclc2022" in opt(a, "resection").status_sources
    assert opt(a, "thermal_ablation").status == "not_eligible"
    assert any("<= 3 cm" in r for r in opt(a, "thermal_ablation").reasons)
    assert opt(a, "liver_transplantation").status == "recommended"
    assert opt(a, "atezolizumab_bevacizumab").status == "not_eligible"
    assert opt(a, "tace").status == "not_eligible"
    assert "surgery" in [r.department for r in a.plan.referrals]
    assert "resection_workup" in opt(a, "resection").checks


def test_portal_hypertension_moves_resection_to_consider():
    """Varices are a sign of clinically significant portal hypertension (Baveno VII): BCLC 2022
    then prefers transplantation or ablation; resection only in selected patients."""
    for clinical, varices in (
        ({"portal_hypertension": True}, {}),
        ({"portal_hypertension": None}, {"status": "small"}),
    ):
        a = run(make(EARLY, clinical=clinical, varices=varices))
        assert opt(a, "resection").status == "consider", (clinical, varices)


def test_unknown_portal_hypertension_never_gives_resection_first():
    a = run(make(EARLY, clinical={"portal_hypertension": None}, varices={"status": "unknown"}))
    r = opt(a, "resection")
    assert r.status == "consider" and r.could_be == "recommended"
    assert "clinical.portal_hypertension" in r.missing


def test_very_early_hcc_gets_ablation_and_transplantation_only_as_a_later_option():
    """BCLC 0 (single <= 2 cm): ablation is a first option; transplantation is kept for later."""
    a = run(make(EARLY, tumor={"largest_cm": 1.8}))
    assert a.staging.bclc.stage == "0"
    assert opt(a, "thermal_ablation").status == "recommended"
    assert opt(a, "liver_transplantation").status == "consider"
    assert "interventional_radiology" in [r.department for r in a.plan.referrals]


def test_beyond_milan_within_ucsf_is_transplantable_only_where_expanded_criteria_count():
    """Single 6 cm: outside Milan (> 5 cm), within UCSF (<= 6.5 cm) and up-to-7 (6 + 1 = 7)."""
    doc = make(EARLY, tumor={"largest_cm": 6.0})
    a = run(doc)
    tc = a.staging.transplant_criteria
    assert (tc.milan, tc.ucsf, tc.up_to_7) == (False, True, True)
    assert opt(a, "liver_transplantation").status == "not_eligible"
    asia = run(doc, profile="asia")
    assert opt(asia, "liver_transplantation").status == "consider"
    assert "expanded_transplant_practice" in opt(asia, "liver_transplantation").status_sources


def test_milan_ucsf_up_to_7_by_hand():
    """Three nodules: largest 3 cm -> Milan; largest 4 cm with total 9 cm -> UCSF no (total > 8),
    up-to-7 yes (4 + 3 = 7); largest 4.5 cm -> up-to-7 no (7.5)."""
    three = {"nodules": 3, "bilobar": True}
    cases = [
        ({"largest_cm": 3.0, "sizes_cm": [3.0, 2.0, 1.0]}, (True, True, True)),
        ({"largest_cm": 4.0, "sizes_cm": [4.0, 3.0, 2.0]}, (False, False, True)),
        ({"largest_cm": 4.0, "sizes_cm": [4.0, 2.0, 1.0]}, (False, True, True)),
        ({"largest_cm": 4.5, "sizes_cm": [4.5, 2.0, 1.0]}, (False, True, False)),
    ]
    for tumour, expected in cases:
        tc = run(make(EARLY, tumor={**three, **tumour})).staging.transplant_criteria
        assert (tc.milan, tc.ucsf, tc.up_to_7) == expected, tumour


def test_ucsf_with_several_nodules_needs_each_size():
    tc = run(make(EARLY, tumor={"nodules": 2, "largest_cm": 4.0})).staging.transplant_criteria
    assert tc.milan is False and tc.ucsf is None
    a = run(make(EARLY, tumor={"nodules": 2, "largest_cm": 4.0}))
    assert any(m.field == "tumor.sizes_cm" for m in a.missing_data)


def test_nodal_disease_excludes_transplantation_explicitly():
    """Lymph-node metastasis is extrahepatic spread: outside every transplant criterion."""
    a = run(make(EARLY, lymph_nodes=REGIONAL_NODE))
    lt = opt(a, "liver_transplantation")
    assert lt.status == "not_eligible"
    assert any("lymph-node metastasis" in c for c in lt.contraindications)
    tc = a.staging.transplant_criteria
    assert (tc.milan, tc.ucsf, tc.up_to_7) == (False, False, False)
    assert tc.reasons
    for oid in ("resection", "thermal_ablation", "sbrt_liver"):
        assert any("nodal disease" in r for r in opt(a, oid).reasons), oid


def test_resectable_tumour_with_one_regional_node_is_a_candidate_for_the_combined_operation():
    """Nodal resection series: hepatectomy with complete nodal removal for few regional nodes,
    Child-Pugh A, ECOG 0-1, no distant spread (observational evidence: consider)."""
    a = run(make(EARLY, lymph_nodes=REGIONAL_NODE))
    assert a.staging.bclc.stage == "C"
    h = opt(a, "hepatectomy_lymphadenectomy")
    assert h.status == "consider"
    assert "lnm_resection_series" in h.status_sources
    assert "surgery" in [r.department for r in a.plan.referrals]
    unknown = run(make(EARLY, lymph_nodes=REGIONAL_NODE, tumor={"resectable": None}))
    assert opt(unknown, "hepatectomy_lymphadenectomy").status == "undetermined"
    assert "tumor.resectable" in opt(unknown, "hepatectomy_lymphadenectomy").missing


def test_combined_operation_is_not_offered_for_distant_nodes_or_poor_liver():
    distant = [{"station": "para_aortic", "count": 1, "short_axis_mm": 20, "evidence": "biopsy"}]
    a = run(make(EARLY, lymph_nodes=distant))
    assert opt(a, "hepatectomy_lymphadenectomy").status == "not_eligible"
    labs = {"albumin": {"value": 2.7, "unit": "g/dL"}}  # 3 points; with mild ascites: B8
    b = run(make(EARLY, lymph_nodes=REGIONAL_NODE, labs=labs, clinical={"ascites": "mild"}))
    assert (b.scores.child_pugh.points, b.scores.child_pugh.class_) == (8, "B")
    assert opt(b, "hepatectomy_lymphadenectomy").status == "not_eligible"


def test_child_pugh_c_within_milan_is_still_a_transplant_candidate():
    """BCLC D is end-stage liver function in a non-transplantable patient: transplantation is
    the option for Child-Pugh C within Milan, and no resection or ablation is."""
    labs = {"bilirubin": {"value": 3.5, "unit": "mg/dL"}, "albumin": {"value": 2.6, "unit": "g/dL"},
            "inr": 2.4}  # fmt: skip  # Child-Pugh C labs
    a = run(make(EARLY, labs=labs, clinical={"ascites": "moderate_severe"}))
    assert a.scores.child_pugh.class_ == "C"
    assert opt(a, "liver_transplantation").status == "recommended"
    assert opt(a, "resection").status == "not_eligible"
    assert opt(a, "thermal_ablation").status == "not_eligible"


def test_prior_procedures_with_dates_are_accepted_in_case_format_1_1():
    doc = make(
        EARLY,
        format="hepatoboard-case/1.1",
        prior_therapies=[
            {"regimen": "resection", "date": "2024-03-02", "line": None},
            {"regimen": "thermal_ablation", "date": "2025-06-10"},
        ],
    )
    a = run(doc)
    assert a.staging.bclc.stage == "A"
    assert a.knowledge_base.version == default_knowledge().version


def test_no_survival_figures_outside_the_model_population():
    """The prognosis anchors are nodal / BCLC C-D cohorts: early HCC without spread gets no
    figures (they would grossly understate its survival), and the warning says why."""
    from hepatoboard.intake import parse_case
    from hepatoboard.pipeline import assess

    from conftest import AS_OF

    early = assess(parse_case(EARLY, as_of=AS_OF), as_of=AS_OF)
    assert early.prognosis is not None and early.prognosis.scenarios == []
    assert "outside those populations" in early.prognosis.warnings[0]
    nodes = [{"station": "hepatic_pedicle", "count": 1, "short_axis_mm": 18, "evidence": "biopsy"}]
    nodal = assess(parse_case(make(EARLY, lymph_nodes=nodes), as_of=AS_OF), as_of=AS_OF)
    assert nodal.prognosis is not None
    assert "best_supportive_care" in [s.id for s in nodal.prognosis.scenarios]
