"""Liver scores against their published definitions, worked examples and properties."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from hepatoboard.intake import parse_case
from hepatoboard.knowledge.load import default_knowledge
from hepatoboard.pipeline import assess
from hepatoboard.scores import albi as _albi
from hepatoboard.scores import child_pugh as _child_pugh
from hepatoboard.scores import meld_3_0 as _meld_3_0
from hepatoboard.scores import meld_i as _meld_i
from hepatoboard.scores import meld_na as _meld_na

from conftest import AS_OF

KB = default_knowledge()
K, Q = KB.scores, KB.limits.quantities


# The score functions take their knowledge-base section; these wrappers pass the shipped one and
# take the labs in mg/dL and g/dL (ALBI's own units are umol/L and g/L).
def child_pugh(bili, alb, inr, ascites, encephalopathy):
    return _child_pugh(K.child_pugh, bili, alb, inr, ascites, encephalopathy)


def albi(bili_mg_dl, alb_g_dl):
    bili = Q["bilirubin"].from_canonical(bili_mg_dl, "umol/L")
    return _albi(K.albi, bili, Q["albumin"].from_canonical(alb_g_dl, "g/L"))


def meld_i(*args):
    return _meld_i(K.meld, *args)


def meld_na(*args):
    return _meld_na(K.meld_na, *args)


def meld_3_0(*args):
    return _meld_3_0(K.meld_3_0, *args)


EXAMPLES = yaml.safe_load((Path(__file__).parent / "data" / "score_examples.yaml").read_text())[
    "examples"
]


def _compute(inp: dict) -> dict:
    out: dict = {}
    bili, alb = inp.get("bilirubin_mg_dl"), inp.get("albumin_g_dl")
    inr, cr = inp.get("inr"), inp.get("creatinine_mg_dl")
    na, female = inp.get("sodium_mmol_l"), inp.get("female", False)
    dialysis = inp.get("dialysis", False)
    if None not in (bili, alb, inr) and "ascites" in inp and "encephalopathy" in inp:
        cp = child_pugh(bili, alb, inr, inp["ascites"], inp["encephalopathy"])
        out.update(child_pugh_points=cp.points, child_pugh_class=cp.klass)
    if None not in (bili, alb):
        a = albi(bili, alb)
        out.update(albi_score=a.score, albi_grade=a.grade, malbi_grade=a.malbi_grade)
    if None not in (bili, inr, cr):
        m = meld_i(bili, inr, cr, dialysis)
        out["meld"] = m
        if na is not None:
            out["meld_na"] = meld_na(m, na)
            if alb is not None:
                out["meld_3_0"] = meld_3_0(bili, inr, cr, na, alb, female, dialysis)
    return out


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["id"] for e in EXAMPLES])
def test_worked_examples(example):
    """Each expected value comes from the cited source in tests/data/score_examples.yaml."""
    got = _compute(example["inputs"])
    for key, expected in example["expected"].items():
        if key == "albi_score":
            assert got[key] == pytest.approx(expected, abs=0.005), (key, example["source"])
        else:
            assert str(got[key]) == str(expected), (key, example["source"])


# Child-Pugh band edges: "values exactly on an edge score the middle band".
@pytest.mark.parametrize(
    ("bili", "alb", "inr", "points"),
    [
        (1.99, 3.6, 1.0, 5),
        (2.0, 3.6, 1.0, 6),
        (3.0, 3.6, 1.0, 6),
        (3.01, 3.6, 1.0, 7),
        (1.0, 3.5, 1.0, 6),
        (1.0, 2.8, 1.0, 6),
        (1.0, 2.79, 1.0, 7),
        (1.0, 3.6, 1.7, 6),
        (1.0, 3.6, 2.3, 6),
        (1.0, 3.6, 2.31, 7),
    ],
)
def test_child_pugh_edges(bili, alb, inr, points):
    assert child_pugh(bili, alb, inr, "none", "none").points == points


def test_child_pugh_classes():
    assert child_pugh(1.0, 4.0, 1.0, "none", "none").klass == "A"  # 5
    assert child_pugh(1.0, 4.0, 1.0, "mild", "grade_1_2").klass == "B"  # 7
    assert child_pugh(3.5, 2.5, 2.5, "moderate_severe", "grade_3_4").points == 15


def test_albi_grade_uses_unrounded_score():
    # albumin chosen so the raw score is just above -2.60 but displays as -2.60
    bili = 10 / 17.1  # 10 umol/L -> log10 = 1
    alb_g_l = (0.66 + 2.6025) / 0.085  # raw = -2.6025 -> grade 1
    a = albi(bili, alb_g_l / 10)
    assert a.score == -2.6 and a.grade == 1
    alb_g_l = (0.66 + 2.5975) / 0.085  # raw = -2.5975 -> displays -2.60, grade 2
    a = albi(bili, alb_g_l / 10)
    assert a.score == -2.6 and a.grade == 2


def test_meld_na_only_applied_above_11():
    assert meld_na(11, 125) == 11
    assert meld_na(12, 137) == 12
    assert meld_na(12, 130) > 12


def test_meld_caps_and_floors():
    assert meld_i(0.2, 0.5, 0.3, False) == 6  # all values floored to 1.0
    assert meld_i(1.0, 1.0, 8.0, False) == meld_i(1.0, 1.0, 4.0, False)  # Cr cap 4.0
    assert meld_i(1.0, 1.0, 1.0, True) == meld_i(1.0, 1.0, 4.0, False)  # dialysis -> 4.0
    assert meld_i(50, 15, 10, False) == 40
    assert meld_na(20, 110) == meld_na(20, 125)  # sodium bounded 125-137
    assert meld_3_0(1, 1, 5.0, 137, 3.5, False, False) == meld_3_0(
        1, 1, 3.0, 137, 3.5, False, False
    )
    assert meld_3_0(1, 1, 1.0, 137, 3.5, False, True) == meld_3_0(1, 1, 3.0, 137, 3.5, False, False)
    assert meld_3_0(60, 18, 3, 120, 1, True, True) == 40


bili_s = st.floats(0.1, 60)
alb_s = st.floats(0.5, 7.0)
inr_s = st.floats(0.5, 20)
cr_s = st.floats(0.1, 25)
na_s = st.floats(90, 200)


@settings(max_examples=300)
@given(bili_s, bili_s, alb_s, inr_s, cr_s, na_s)
def test_worse_bilirubin_never_improves_any_score(b1, b2, alb, inr, cr, na):
    lo, hi = sorted((b1, b2))
    assert (
        child_pugh(lo, alb, inr, "none", "none").points
        <= child_pugh(hi, alb, inr, "none", "none").points
    )
    assert albi(lo, alb).raw <= albi(hi, alb).raw
    assert meld_i(lo, inr, cr, False) <= meld_i(hi, inr, cr, False)
    assert meld_3_0(lo, inr, cr, na, alb, False, False) <= meld_3_0(
        hi, inr, cr, na, alb, False, False
    )


@settings(max_examples=300)
@given(bili_s, alb_s, alb_s, inr_s)
def test_lower_albumin_never_improves_child_pugh_or_albi(bili, a1, a2, inr):
    lo, hi = sorted((a1, a2))
    assert (
        child_pugh(bili, lo, inr, "none", "none").points
        >= child_pugh(bili, hi, inr, "none", "none").points
    )
    assert albi(bili, lo).raw >= albi(bili, hi).raw


@settings(max_examples=300)
@given(bili_s, inr_s, cr_s, cr_s, na_s, na_s)
def test_meld_monotone_in_creatinine_and_sodium(bili, inr, c1, c2, n1, n2):
    lo, hi = sorted((c1, c2))
    assert meld_i(bili, inr, lo, False) <= meld_i(bili, inr, hi, False)
    m = meld_i(bili, inr, lo, False)
    nlo, nhi = sorted((n1, n2))
    assert meld_na(m, nlo) >= meld_na(m, nhi)  # lower sodium never lowers MELD-Na
    assert 6 <= m <= 40 and 6 <= meld_na(m, nlo) <= 40


@settings(max_examples=200, deadline=None)
@given(st.floats(0.1, 60), st.floats(1.0, 6.0), st.floats(0.1, 25))
def test_unit_invariance_through_the_case_model(bili_mg, alb_g_dl, cr_mg):
    """The same patient in SI or conventional units gets identical scores."""

    def case(bili, bunit, alb, aunit, cr, cunit):
        return parse_case(
            {
                "format": "hepatoboard-case/1",
                "patient": {"sex": "female"},
                "clinical": {
                    "ascites": "none",
                    "encephalopathy": "none",
                    "dialysis_past_week": False,
                },
                "labs": {
                    "bilirubin": {"value": bili, "unit": bunit},
                    "albumin": {"value": alb, "unit": aunit},
                    "creatinine": {"value": cr, "unit": cunit},
                    "inr": 1.3,
                    "sodium": {"value": 131, "unit": "mmol/L"},
                },
            },
            as_of=AS_OF,
        )

    conv = case(bili_mg, "mg/dL", alb_g_dl, "g/dL", cr_mg, "mg/dL")
    si = case(bili_mg * 17.1, "umol/L", alb_g_dl * 10, "g/L", cr_mg * 88.4, "umol/L")
    a, b = assess(conv, as_of=AS_OF).scores, assess(si, as_of=AS_OF).scores
    assert a.child_pugh == b.child_pugh
    assert a.albi == b.albi
    assert a.meld == b.meld


@pytest.mark.parametrize("edge_mg", [2.0, 3.0])
def test_bilirubin_edges_survive_unit_round_trip(edge_mg):
    assert child_pugh(edge_mg * 17.1 / 17.1, 4.0, 1.0, "none", "none").points == 6
    case = parse_case(
        {
            "format": "hepatoboard-case/1",
            "clinical": {"ascites": "none", "encephalopathy": "none"},
            "labs": {
                "bilirubin": {"value": edge_mg * 17.1, "unit": "umol/L"},
                "albumin": {"value": 40, "unit": "g/L"},
                "inr": 1.0,
            },
        },
        as_of=AS_OF,
    )
    assert assess(case, as_of=AS_OF).scores.child_pugh.points == 6  # middle band
