"""Dose rules, the interaction table and availability profiles (issue 18).

Expected values from the sources the knowledge base cites: the regorafenib and cabozantinib US
labels (CYP3A4; hepatic impairment), IMbrave150's exclusion of therapeutic anticoagulation, the
sorafenib + immunosuppressant case series. Availability never changes a status: checked on
every example case.
"""

from __future__ import annotations

import pytest

from hepatoboard.contracts.errors import CaseError
from hepatoboard.knowledge.load import load_knowledge, raw_files

from casebuild import SEED, make, opt, run

AFTER_SORAFENIB = [
    {"regimen": "sorafenib", "line": 1, "best_response": "pd", "stop_reason": "progression",
     "tolerated": True}
]  # fmt: skip  # one prior line


def second_line(**sections):
    return make(SEED, format="hepatoboard-case/1.1", prior_therapies=AFTER_SORAFENIB, **sections)


def test_a_strong_cyp3a4_inducer_is_a_caution_for_regorafenib():
    plain = opt(run(second_line(medications=[])), "regorafenib")
    assert plain.status == "consider"
    assert plain.interactions == [] and plain.cautions == []
    a = opt(
        run(second_line(medications=[{"class": "strong_cyp3a4_inducer", "name": "rifampicin"}])),
        "regorafenib",
    )
    assert a.status == "consider"
    assert [i.severity for i in a.interactions] == ["avoid"]
    assert any("CYP3A4 inducer" in c for c in a.cautions)
    assert "regorafenib_label_us" in a.interactions[0].source


def test_a_strong_cyp3a4_inhibitor_changes_the_cabozantinib_dose_not_its_status():
    plain = opt(run(second_line(medications=[])), "cabozantinib")
    with_inh = opt(
        run(second_line(medications=[{"class": "strong_cyp3a4_inhibitor"}])), "cabozantinib"
    )
    assert with_inh.status == plain.status
    assert [i.severity for i in with_inh.interactions] == ["adjust_dose"]
    assert "reduce the cabozantinib daily dose by 20 mg" in with_inh.interactions[0].text


def test_an_anticoagulant_is_flagged_and_therapeutic_anticoagulation_stays_a_caution():
    meds = [{"class": "anticoagulant", "name": "enoxaparin"}]
    a = run(make(SEED, medications=meds))
    ab = opt(a, "atezolizumab_bevacizumab")
    assert ab.status == "recommended"
    assert [(i.id, i.severity) for i in ab.interactions] == [
        ("bevacizumab_anticoagulant", "monitor")
    ]
    full = run(make(SEED, medications=meds, comorbidities={"therapeutic_anticoagulation": True}))
    assert opt(full, "atezolizumab_bevacizumab").status == "consider"
    assert [i.severity for i in opt(a, "sorafenib").interactions] == ["monitor"]


def test_transplant_immunosuppression_with_sorafenib_needs_a_transplant():
    meds = [{"class": "calcineurin_inhibitor", "name": "tacrolimus"}]
    no_tx = run(make(SEED, medications=meds))
    assert opt(no_tx, "sorafenib").interactions == []
    tx = run(make(SEED, medications=meds, comorbidities={"organ_transplant": True}))
    assert [i.id for i in opt(tx, "sorafenib").interactions] == [
        "sorafenib_transplant_immunosuppression"
    ]


def test_an_unrecorded_medication_list_is_an_unknown_caution_for_avoid_entries():
    """Regorafenib has 'avoid' entries: without a medication list it cannot be recommended (it
    is 'consider' at best here anyway), and `medications` is in its missing fields."""
    reg = opt(run(second_line()), "regorafenib")
    assert reg.status == "consider" and "medications" in reg.missing
    assert any("CYP3A4" in c for c in reg.to_clarify)


def test_an_unrecorded_medication_list_is_a_check_not_a_silent_normal():
    a = run(SEED)
    assert "medication_review" in opt(a, "sorafenib").checks
    missing = {m.field: m.blocks for m in a.missing_data}
    assert "interactions.sorafenib" in missing["medications"]
    b = run(make(SEED, medications=[]))
    assert "medication_review" not in opt(b, "sorafenib").checks
    assert "medications" not in {m.field for m in b.missing_data}


def test_child_pugh_b_dose_rules_from_the_labels():
    b7 = {"albumin": {"value": 2.7, "unit": "g/dL"}}
    a = run(make(SEED, labs=b7))
    assert (a.scores.child_pugh.points, a.scores.child_pugh.class_) == (7, "B")
    assert any("53% vs 14%" in n for n in opt(a, "sorafenib").dose_notes)
    caboz = opt(run(second_line(labs=b7)), "cabozantinib")
    assert any("40 mg once daily" in n for n in caboz.dose_notes)
    cp_a = opt(run(second_line()), "cabozantinib")
    assert not any("Child-Pugh B" in n for n in cp_a.dose_notes)


def test_an_unknown_dose_condition_is_shown_as_conditional():
    a = run(make(SEED, labs={"albumin": None}))
    assert a.scores.child_pugh.class_ is None
    assert any(n.startswith("if Child-Pugh B: ") for n in opt(a, "sorafenib").dose_notes)


def test_checkpoint_inhibitor_baseline_checks():
    a = run(SEED)
    ab = opt(a, "atezolizumab_bevacizumab")
    for check in ("thyroid_function_baseline", "cortisol_baseline", "glucose_baseline"):
        assert check in ab.checks
    assert "pregnancy_test" not in ab.checks  # a man
    woman = run(make(SEED, patient={"sex": "female"}))
    assert "pregnancy_test" in opt(woman, "atezolizumab_bevacizumab").checks


@pytest.mark.parametrize("name", ["seed-father", "second-line-mediastinal", "decompensated"])
@pytest.mark.parametrize("site", ["vn", "cn"])
def test_availability_never_changes_a_status(name, site):
    import yaml

    from conftest import case_file

    doc = yaml.safe_load(case_file(name).read_text())
    plain, local = run(doc), run(doc, site=site)
    assert [(o.id, o.status, o.reasons) for o in plain.plan.options] == [
        (o.id, o.status, o.reasons) for o in local.plan.options
    ]
    assert local.plan.availability.guideline_ranking == plain.plan.availability.guideline_ranking
    assert all(o.availability.badge == "not_configured" for o in plain.plan.options)
    assert plain.plan.availability.available_ranking is None


def test_vietnam_is_unknown_until_a_source_is_read():
    a = run(SEED, site="vn")
    assert {o.availability.badge for o in a.plan.options} == {"unknown"}
    assert opt(a, "camrelizumab_rivoceranib").availability.source == [
        "vn_drug_availability_unknown"
    ]
    assert a.plan.availability.available_ranking == a.plan.availability.guideline_ranking


def test_a_not_registered_option_leaves_the_available_ranking_but_keeps_its_status():
    files = raw_files()
    files["availability/vn.yaml"]["options"] = {
        "atezolizumab_bevacizumab": {"registered": "no", "reimbursed": "no",
                                     "source": ["vn_drug_availability_unknown"],
                                     "checked": "2026-12-01"},
        "sorafenib": {"registered": "yes", "reimbursed": "yes",
                      "source": ["vn_drug_availability_unknown"], "checked": "2026-12-01"},
    }  # fmt: skip  # a test profile, one option per entry
    kb = load_knowledge(files)
    a = run(SEED, site="vn", kb=kb)
    ab = opt(a, "atezolizumab_bevacizumab")
    assert ab.status == "recommended" and ab.availability.badge == "not_registered"
    av = a.plan.availability
    assert av.guideline_ranking[0] == "atezolizumab_bevacizumab"
    assert "atezolizumab_bevacizumab" not in av.available_ranking
    considered = [o for o in av.available_ranking if opt(a, o).status == "consider"]
    assert considered[0] == "sorafenib"  # registered and reimbursed: first among the alternatives


def test_an_unknown_site_is_an_error_naming_the_field():
    with pytest.raises(CaseError) as exc:
        run(SEED, site="atlantis")
    assert exc.value.problems[0].path == "site"


def test_the_service_uses_the_configured_site(tmp_path, monkeypatch):
    """A real server on 127.0.0.1 started with $HEPATOBOARD_SITE=vn badges every assessment."""
    import httpx

    from conftest import case_file
    from service_helpers import Server, make_token

    database = f"sqlite:///{tmp_path / 'site.db'}"
    token = make_token(database, "site-test", "clinician")
    monkeypatch.setenv("HEPATOBOARD_SITE", "vn")
    text = case_file("seed-father").read_text()
    with Server(database, tmp_path / "server.log") as server:
        got = httpx.post(
            server.url + "/assessments:preview",
            content=text,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/yaml"},
            timeout=60,
        )
    assert got.status_code == 200, got.text
    plan = got.json()["plan"]
    assert plan["availability"]["site"] == "vn"
    assert {o["availability"]["badge"] for o in plan["options"]} == {"unknown"}
