"""HCC prognostic scores (issue 18): hand-computed fixtures, each derived from the score's
published definition as cited in scores.yaml. Every score is null, with the missing field, when
an input is unknown; nothing is guessed from other fields (CLIP's morphology, Okuda's extent).

Definitions used for the expected values:
- CLIP 1998: Child-Pugh A/B/C 0/1/2; uninodular <= 50% 0, multinodular <= 50% 1, massive or
  > 50% 2; AFP >= 400 ng/mL 1; portal vein thrombosis 1.
- Okuda 1985: tumour > 50% of the liver, ascites, albumin < 3 g/dL, bilirubin > 3 mg/dL
  (1 each); stage I 0, II 1-2, III 3-4.
- JIS (Kudo 2003): Child-Pugh A/B/C 0/1/2 + LCSGJ TNM stage I-IV 0-3 (T: single, <= 2 cm, no
  vascular invasion; N1 or M1 = stage IV).
- HAP (Kadalayil 2013): albumin < 36 g/L, AFP > 400 ng/mL, bilirubin > 17 umol/L, diameter
  > 7 cm (1 each); A 0, B 1, C 2, D > 2. mHAP-II adds number of nodules >= 2.
- ALBI-TAE: ALBI grade >= 2, AFP > 200 ng/mL, beyond up-to-11 (largest cm + number > 11).
- CRAFITY (Scheiner 2022): AFP >= 100 ng/mL and CRP >= 1 mg/dL, 1 each: low / intermediate /
  high.
- Tumour burden score (Sasaki 2018): sqrt(largest cm^2 + number^2).
"""

from __future__ import annotations

import math

from casebuild import EARLY, SEED, make, run


def hcc(a, name):
    s = a.scores.hcc[name]
    return s.points, s.group


def test_seed_father_scores_by_hand():
    """Seed father: Child-Pugh A5, 3 nodules (multinodular, not > 50%), AFP
    1250, no portal vein thrombus, albumin 3.6, bilirubin 1.3 mg/dL, largest 5.5 cm, ALBI 2,
    N1."""
    a = run(make(SEED, tumor={"morphology": "nodular"}))
    assert a.scores.child_pugh.class_ == "A" and a.scores.albi.grade == 2
    assert hcc(a, "clip") == (0 + 1 + 1 + 0, None)
    assert hcc(a, "okuda") == (0, "I")
    assert hcc(a, "lcsgj_stage") == (3, None)  # N1 -> stage IV
    assert hcc(a, "jis") == (0 + 3, None)
    # HAP: albumin 3.6 is not < 3.6 (0), AFP > 400 (1), bilirubin 22 umol/L > 17 (1), 5.5 cm (0)
    assert hcc(a, "hap") == (2, "C")
    assert hcc(a, "mhap2") == (3, "D")  # + 3 nodules
    # ALBI-TAE: ALBI 2 (1), AFP > 200 (1), up-to-11: 5.5 + 3 = 8.5 (0)
    assert hcc(a, "albi_tae") == (2, "C")
    assert a.scores.tumour_burden_score == round(math.sqrt(5.5**2 + 3**2), 2) == 6.26


def test_clip_needs_the_morphology_not_a_guess_from_size():
    a = run(SEED)  # morphology not recorded; 3 nodules could still be 'massive'
    assert hcc(a, "clip") == (None, None)
    assert "scores.hcc.clip" in {b for m in a.missing_data for b in m.blocks}
    assert any(m.field == "tumor.morphology" for m in a.missing_data)


def test_clip_massive_child_pugh_b_portal_thrombus():
    labs = {"albumin": {"value": 2.7, "unit": "g/dL"}, "afp": {"value": 50, "unit": "ng/mL"}}
    doc = make(SEED, labs=labs, tumor={"morphology": "massive", "portal_vein_invasion": "vp2"})
    a = run(doc)
    assert a.scores.child_pugh.class_ == "B"
    assert hcc(a, "clip") == (1 + 2 + 0 + 1, None)
    # Child-Pugh B7 (albumin < 2.8: 3 points).
    # Okuda: albumin 2.7 < 3 (1); no ascites, bilirubin 1.3, not > 50%
    assert hcc(a, "okuda") == (1, "II")


def test_okuda_stage_iii():
    labs = {"albumin": {"value": 2.8, "unit": "g/dL"}, "bilirubin": {"value": 3.2, "unit": "mg/dL"}}
    doc = make(
        SEED, labs=labs, clinical={"ascites": "mild"}, tumor={"liver_involvement_over_50pct": True}
    )
    assert hcc(run(doc), "okuda") == (4, "III")


def test_jis_stage_i_and_ii_by_hand():
    """Single 1.8 cm, no vascular invasion: T1 (3 criteria), stage I -> JIS 0 with Child-Pugh A.
    Single 3.5 cm: T2 (2 criteria), stage II -> 1."""
    small = run(make(EARLY, tumor={"largest_cm": 1.8}))
    assert hcc(small, "lcsgj_stage") == (0, None) and hcc(small, "jis") == (0, None)
    assert hcc(run(EARLY), "jis") == (1, None)
    # 2 nodules, 3.5 cm: one criterion (no vascular invasion) -> T3, stage III
    two = run(make(EARLY, tumor={"nodules": 2}))
    assert hcc(two, "lcsgj_stage") == (2, None)


def test_hap_bilirubin_cut_off_is_17_umol_per_l_in_any_unit():
    """17 umol/L is not above 17; 18 is. The case may give bilirubin in either unit."""
    at = run(make(EARLY, labs={"bilirubin": {"value": 17, "unit": "umol/L"}}))
    above = run(make(EARLY, labs={"bilirubin": {"value": 18, "unit": "umol/L"}}))
    assert hcc(at, "hap") == (0, "A")
    assert hcc(above, "hap") == (1, "B")


def test_albi_tae_beyond_up_to_11():
    labs = {"afp": {"value": 250, "unit": "ng/mL"}}
    doc = make(SEED, labs=labs, tumor={"largest_cm": 8.0, "nodules": 4})
    assert hcc(run(doc), "albi_tae") == (3, "D")  # ALBI 2, AFP > 200, 8 + 4 = 12 > 11


def test_crafity_in_mg_dl_and_mg_l():
    high = run(
        make(
            SEED,
            labs={"afp": {"value": 150, "unit": "ng/mL"}, "crp": {"value": 1.2, "unit": "mg/dL"}},
        )
    )
    assert hcc(high, "crafity") == (2, "high")
    inter = run(
        make(
            SEED, labs={"afp": {"value": 150, "unit": "ng/mL"}, "crp": {"value": 8, "unit": "mg/L"}}
        )
    )
    assert hcc(inter, "crafity") == (1, "intermediate")  # 8 mg/L = 0.8 mg/dL < 1
    low = run(
        make(
            SEED, labs={"afp": {"value": 20, "unit": "ng/mL"}, "crp": {"value": 5, "unit": "mg/L"}}
        )
    )
    assert hcc(low, "crafity") == (0, "low")


def test_crafity_is_null_without_crp():
    a = run(SEED)
    assert hcc(a, "crafity") == (None, None)
    assert any(m.field == "labs.crp" and "scores.hcc.crafity" in m.blocks for m in a.missing_data)


def test_every_score_names_its_version():
    a = run(SEED)
    assert set(a.scores.hcc) == {
        "clip", "okuda", "lcsgj_stage", "jis", "hap", "mhap2", "albi_tae", "crafity",
    }  # fmt: skip  # the eight scores, one line
    assert all(s.version for s in a.scores.hcc.values())
    assert "tumour_burden" in a.scores.versions
