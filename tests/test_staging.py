"""Staging against its sources: AJCC 8th TNM definitions, SEER EOD node coding, BCLC 2022."""

from __future__ import annotations

import pytest

from hepatoboard.pipeline import assess

from conftest import AS_OF, load, minimal

NO_INVASION = {
    "microvascular_invasion": False,
    "portal_vein_invasion": "none",
    "hepatic_vein_invasion": "none",
    "adjacent_organ_invasion": False,
    "visceral_peritoneum_perforation": False,
}
CP_A = {
    "labs": {
        "bilirubin": {"value": 0.8, "unit": "mg/dL"},
        "albumin": {"value": 4.0, "unit": "g/dL"},
        "inr": 1.0,
    },
    "clinical": {"ascites": "none", "encephalopathy": "none"},
}
CP_C = {
    "labs": {
        "bilirubin": {"value": 3.5, "unit": "mg/dL"},
        "albumin": {"value": 2.5, "unit": "g/dL"},
        "inr": 2.5,
    },
    "clinical": {"ascites": "moderate_severe", "encephalopathy": "none"},
}
CP_B7 = {
    "labs": {
        "bilirubin": {"value": 2.2, "unit": "mg/dL"},
        "albumin": {"value": 3.2, "unit": "g/dL"},
        "inr": 1.2,
    },
    "clinical": {"ascites": "none", "encephalopathy": "none"},
}


def staged(**sections):
    return assess(minimal(**sections), as_of=AS_OF).staging


def tumor(nodules, largest, **overrides):
    return {"nodules": nodules, "largest_cm": largest, **NO_INVASION, **overrides}


# AJCC 8th T categories (definitions quoted in clinical-facts.md 1.6).
@pytest.mark.parametrize(
    ("t", "expected"),
    [
        (tumor(1, 1.8), "T1a"),
        (tumor(1, 1.8, microvascular_invasion=True), "T1a"),  # with or without VI
        (tumor(1, 4.0), "T1b"),
        (tumor(1, 4.0, microvascular_invasion=True), "T2"),
        (tumor(1, 4.0, portal_vein_invasion="vp1"), "T2"),  # any PV invasion on imaging is VI
        (tumor(1, 4.0, portal_vein_invasion="vp2"), "T2"),
        (tumor(3, 4.0), "T2"),  # multiple, none > 5 cm
        (tumor(3, 5.0), "T2"),  # 5 cm is not > 5 cm
        (tumor(3, 5.5), "T3"),
        (tumor(2, 3.0, portal_vein_invasion="vp3"), "T4"),  # major portal branch
        (tumor(1, 3.0, hepatic_vein_invasion="vv3"), "T4"),
        (tumor(1, 3.0, adjacent_organ_invasion=True), "T4"),
        (tumor(1, 3.0, visceral_peritoneum_perforation=True), "T4"),
    ],
)
def test_ajcc8_t_category(t, expected):
    assert staged(tumor=t, lymph_nodes=[], distant_metastases=[]).tnm.t == expected


def test_clinical_t_stages_from_imaging_when_microvascular_invasion_is_not_reported():
    """Issue 12 (AJCC 8th): a solitary tumour > 2 cm without macrovascular invasion is cT1b
    from imaging; microvascular invasion is pathological (pT2 if present), said in a warning."""
    not_reported = {k: v for k, v in tumor(1, 4.0).items() if k != "microvascular_invasion"}
    for t in (tumor(1, 4.0, microvascular_invasion="unknown"), not_reported):
        a = assess(minimal(tumor=t), as_of=AS_OF)
        assert a.staging.tnm.t == "T1b"
        assert any("microvascular invasion is a pathological finding" in w for w in a.warnings)
    a = assess(minimal(tumor=tumor(1, 4.0, microvascular_invasion=True)), as_of=AS_OF)
    assert a.staging.tnm.t == "T2"


@pytest.mark.parametrize(
    ("t", "nodes", "mets", "stage"),
    [
        (tumor(1, 1.8), [], [], "IA"),
        (tumor(1, 4.0), [], [], "IB"),
        (tumor(3, 4.0), [], [], "II"),
        (tumor(3, 5.5), [], [], "IIIA"),
        (tumor(1, 3.0, portal_vein_invasion="vp4"), [], [], "IIIB"),
        (tumor(1, 1.8), [{"station": "porta_hepatis"}], [], "IVA"),
        (tumor(1, 1.8), [], [{"site": "lung"}], "IVB"),
        (tumor(1, 1.8), [{"station": "para_aortic"}], [], "IVB"),
    ],
)
def test_ajcc8_stage_groups(t, nodes, mets, stage):
    assert staged(tumor=t, lymph_nodes=nodes, distant_metastases=mets).tnm.stage == stage


def test_stage_ivb_known_even_when_t_unknown():
    """M1 decides the stage group whatever T is (AJCC: any T any N M1)."""
    s = staged(lymph_nodes=[{"station": "mediastinal"}], distant_metastases=[])
    assert s.tnm.t is None and s.tnm.m == "M1" and s.tnm.stage == "IVB"


# SEER EOD v3.2 Liver regional nodes; inferior phrenic coded distant.
@pytest.mark.parametrize(
    "station",
    [
        "porta_hepatis",
        "hepatic_artery",
        "hepatic_pedicle",
        "hepatoduodenal_ligament",
        "periportal",
        "portal_vein",
        "caval",
    ],
)
def test_regional_stations_are_n1(station):
    s = staged(lymph_nodes=[{"station": station}], distant_metastases=[])
    assert (s.tnm.n, s.tnm.m) == ("N1", "M0")
    assert s.nodes.regional == [station] and s.nodes.extra_abdominal is False


@pytest.mark.parametrize(
    ("station", "extra"),
    [
        ("inferior_phrenic", False),
        ("celiac", False),
        ("para_aortic", False),
        ("retroperitoneal", False),
        ("mediastinal", True),
        ("supraclavicular", True),
        ("cardiophrenic", True),
        ("axillary", True),
    ],
)
def test_distant_stations_are_m1(station, extra):
    s = staged(lymph_nodes=[{"station": station}], distant_metastases=[])
    assert (s.tnm.n, s.tnm.m) == ("N0", "M1")
    assert s.nodes.distant == [station] and s.nodes.extra_abdominal is extra


def test_compressive_flag():
    s = staged(lymph_nodes=[{"station": "porta_hepatis", "compression": ["bile_duct"]}])
    assert s.nodes.compressive is True
    s = staged(lymph_nodes=[{"station": "porta_hepatis", "compression": []}])
    assert s.nodes.compressive is False
    s = staged(lymph_nodes=[{"station": "porta_hepatis"}])  # not recorded -> unknown
    assert s.nodes.compressive is None


# BCLC 2022 (Reig 2022; staging kept in the 2025 update).
@pytest.mark.parametrize(
    ("sections", "stage"),
    [
        (
            {
                **CP_A,
                "performance": {"ecog": 0},
                "tumor": tumor(3, 4),
                "lymph_nodes": [{"station": "porta_hepatis"}],
                "distant_metastases": [],
            },
            "C",
        ),
        (
            {
                **CP_A,
                "performance": {"ecog": 2},
                "tumor": tumor(1, 3),
                "lymph_nodes": [{"station": "celiac"}],
                "distant_metastases": [],
            },
            "C",
        ),
        (
            {
                **CP_A,
                "performance": {"ecog": 0},
                "tumor": tumor(1, 3, portal_vein_invasion="vp1"),
                "lymph_nodes": [],
                "distant_metastases": [],
            },
            "C",
        ),
        (
            {
                **CP_A,
                "performance": {"ecog": 3},
                "tumor": tumor(1, 3),
                "lymph_nodes": [{"station": "porta_hepatis"}],
            },
            "D",
        ),
        ({**CP_C, "performance": {"ecog": 0}, "lymph_nodes": [{"station": "porta_hepatis"}]}, "D"),
        (
            {
                **CP_A,
                "performance": {"ecog": 0},
                "tumor": tumor(1, 1.5),
                "lymph_nodes": [],
                "distant_metastases": [],
            },
            "0",
        ),
        # Retired rule check: BCLC A is a single nodule of ANY size (not "<= 5 cm").
        (
            {
                **CP_A,
                "performance": {"ecog": 0},
                "tumor": tumor(1, 8.0),
                "lymph_nodes": [],
                "distant_metastases": [],
            },
            "A",
        ),
        (
            {
                **CP_A,
                "performance": {"ecog": 0},
                "tumor": tumor(3, 2.5),
                "lymph_nodes": [],
                "distant_metastases": [],
            },
            "A",
        ),
        (
            {
                **CP_A,
                "performance": {"ecog": 0},
                "tumor": tumor(2, 4.0),
                "lymph_nodes": [],
                "distant_metastases": [],
            },
            "B",
        ),
        (
            {
                **CP_A,
                "performance": {"ecog": 0},
                "tumor": tumor(5, 2.0),
                "lymph_nodes": [],
                "distant_metastases": [],
            },
            "B",
        ),
    ],
)
def test_bclc_2022(sections, stage):
    assert staged(**sections).bclc.stage == stage


def test_bclc_child_pugh_b_with_nodes_is_c_with_a_warning():
    a = assess(
        minimal(**CP_B7, performance={"ecog": 1}, lymph_nodes=[{"station": "porta_hepatis"}]),
        as_of=AS_OF,
    )
    assert a.scores.child_pugh.points == 7
    assert a.staging.bclc.stage == "C"
    assert any("Child-Pugh B" in w for w in a.warnings)


def test_nodes_and_ecog_only_gives_null_scores_and_bclc_with_missing_labs():
    """Issue 2 acceptance: nothing defaults to normal."""
    a = assess(load("nodes-and-ecog-only"), as_of=AS_OF)
    # Issue 12 (contract shape): an unknown score is an object with null fields
    assert a.scores.child_pugh.points is None and a.scores.child_pugh.class_ is None
    assert a.scores.albi.score is None and a.scores.albi.grade is None
    doc = a.to_json_dict()
    assert doc["scores"]["child_pugh"] == {"points": None, "class": None}
    assert a.scores.meld.meld is None
    assert a.staging.bclc.stage is None
    blocked = {m.field: m.blocks for m in a.missing_data}
    for field in (
        "labs.bilirubin",
        "labs.albumin",
        "labs.inr",
        "clinical.ascites",
        "clinical.encephalopathy",
    ):
        assert "staging.bclc" in blocked[field]
        assert "scores.child_pugh" in blocked[field]
    # nodes are known: N1, regional
    assert a.staging.tnm.n == "N1" and a.staging.nodes.regional == ["porta_hepatis"]


def test_ecog_4_is_bclc_d_even_without_labs():
    """A decisive fact decides: ECOG >= 3 is stage D whatever the liver function."""
    assert staged(performance={"ecog": 4}).bclc.stage == "D"


def test_examples(as_of):
    assert assess(load("decompensated"), as_of=as_of).staging.bclc.stage == "D"
    s = assess(load("second-line-mediastinal"), as_of=as_of).staging
    assert s.bclc.stage == "C" and s.tnm.m == "M1" and s.nodes.extra_abdominal is True
