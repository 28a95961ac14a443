"""Response assessment from the imaging series (issue 18): RECIST 1.1, mRECIST, iRECIST and the
AFP response, with the expected categories worked by hand from the criteria's definitions
(RECIST 1.1: Eisenhauer 2009; mRECIST: Lencioni 2010; iRECIST: Seymour 2017; AFP: Zhu 2022).

RECIST sum = longest diameter of non-nodal targets + short axis of nodal targets. PR: >= 30%
below baseline. PD: >= 20% and >= 5 mm above the nadir, or a new lesion. CR: non-nodal targets
gone and every node < 10 mm. iRECIST: the first progression is iUPD; confirmed (iCPD) at the next
study by a further increase >= 5 mm or another new lesion.
"""

from __future__ import annotations

from typing import Any

from casebuild import SEED, make, opt, run


def study(date: str, liver: float, node: float, viable: float | None = None, **kw: Any):
    return {
        "date": date,
        "targets": [
            {"lesion": "L1", "site": "liver", "longest_mm": liver,
             "viable_mm": liver if viable is None else viable},
            {"lesion": "N1", "site": "node", "short_axis_mm": node},
        ],
        "new_lesions": kw.get("new", False),
        "nontarget_progression": False,
        **({"afp": {"value": kw["afp"], "unit": "ng/mL"}} if "afp" in kw else {}),
    }  # fmt: skip  # one target per line


def assessed(*studies: dict[str, Any], **sections: Any):
    return run(make(SEED, format="hepatoboard-case/1.1", imaging=list(studies), **sections))


def test_partial_response_by_recist_and_mrecist():
    """Sum 50 + 20 = 70 -> 30 + 12 = 42: -40% (PR). Viable 40 -> 10: -75% (mRECIST PR)."""
    r = assessed(
        study("2026-06-01", 50, 20, viable=40), study("2026-08-01", 30, 12, viable=10)
    ).response
    assert r.assessable is True
    assert r.recist_change_from_baseline_pct == -40.0
    assert (r.recist, r.mrecist, r.irecist) == ("PR", "PR", "iPR")


def test_complete_response_needs_every_node_below_10_mm():
    gone = assessed(study("2026-06-01", 50, 20), study("2026-09-01", 0, 8)).response
    assert gone.recist == "CR" and gone.mrecist == "CR"
    node_10 = assessed(study("2026-06-01", 50, 20), study("2026-09-01", 0, 10)).response
    assert node_10.recist == "PR"  # sum 10 vs 70: -86%, but the node is not normal


def test_progression_needs_20_percent_and_5_mm_over_the_nadir():
    """Sums 20 -> 10 (nadir) -> 14: +40% over the nadir but only +4 mm, and -30% from baseline:
    PR, not PD. Then 16: +60% and +6 mm: PD."""
    a = study("2026-03-01", 10, 10)
    b = study("2026-05-01", 5, 5)
    c = study("2026-07-01", 7, 7)
    assert assessed(a, b, c).response.recist == "PR"
    d = study("2026-07-01", 8, 8)
    assert assessed(a, b, d).response.recist == "PD"


def test_a_new_lesion_is_progression_and_irecist_waits_for_confirmation():
    base, nadir = study("2026-03-01", 50, 20), study("2026-05-01", 40, 15)
    first = study("2026-07-01", 40, 15, new=True)
    r = assessed(base, nadir, first).response
    assert r.recist == "PD" and r.irecist == "iUPD"
    grown = study("2026-08-15", 48, 15)  # +8 mm since the iUPD study
    assert assessed(base, nadir, first, grown).response.irecist == "iCPD"
    shrunk = study("2026-08-15", 38, 14)
    assert assessed(base, nadir, first, shrunk).response.irecist != "iCPD"


def test_with_two_studies_iupd_is_unconfirmed():
    r = assessed(study("2026-06-01", 50, 20), study("2026-08-01", 65, 22)).response
    assert r.recist == "PD" and r.irecist == "iUPD"


def test_afp_response_is_a_fall_of_75_percent():
    r = assessed(
        study("2026-06-01", 50, 20, afp=1000), study("2026-07-15", 45, 18, afp=200)
    ).response
    assert r.afp_change_pct == -80.0 and r.afp_response is True
    r2 = assessed(
        study("2026-06-01", 50, 20, afp=1000), study("2026-07-15", 45, 18, afp=300)
    ).response
    assert r2.afp_response is False


def test_an_unmeasured_target_makes_the_response_unknown():
    later = study("2026-08-01", 30, 12)
    later["targets"][1]["short_axis_mm"] = None
    a = assessed(study("2026-06-01", 50, 20), later)
    assert a.response.recist is None
    assert any(m.field == "imaging" and "response.recist" in m.blocks for m in a.missing_data)


def test_a_small_baseline_node_is_flagged_as_not_measurable():
    r = assessed(study("2026-06-01", 50, 12), study("2026-08-01", 30, 9)).response
    assert any("not a measurable target" in n for n in r.notes)


def test_no_series_means_no_response_and_says_why():
    a = run(SEED)
    assert a.response.assessable is None and a.response.recist is None
    assert any(m.field == "imaging" and m.blocks == ["response"] for m in a.missing_data)


def test_computed_progression_ends_the_line_and_a_disagreement_is_a_warning():
    """Sorafenib stated as ongoing with stable disease, imaging shows PD: the line has failed
    (second line next), and the disagreement is a warning."""
    prior = [{"regimen": "sorafenib", "line": 1, "best_response": "sd", "stop_reason": "ongoing",
              "tolerated": True}]  # fmt: skip  # one prior line
    a = assessed(study("2026-06-01", 50, 20), study("2026-09-01", 70, 26), prior_therapies=prior)
    assert a.response.recist == "PD"
    assert opt(a, "sorafenib").status == "not_eligible"
    assert opt(a, "regorafenib").line == 2
    assert any("imaging series and the stated best response" in w for w in a.warnings)


def test_immunotherapy_line_fails_only_on_confirmed_progression():
    prior = [{"regimen": "atezolizumab_bevacizumab", "line": 1, "best_response": "sd",
              "stop_reason": "ongoing"}]  # fmt: skip  # one prior line
    first = [study("2026-06-01", 50, 20), study("2026-08-01", 65, 22)]
    a = assessed(*first, prior_therapies=prior)
    assert a.response.irecist == "iUPD"
    assert opt(a, "atezolizumab_bevacizumab").status == "recommended"  # continue, confirm
    confirmed = [*first, study("2026-09-15", 72, 24)]
    b = assessed(*confirmed, prior_therapies=prior)
    assert b.response.irecist == "iCPD"
    assert opt(b, "atezolizumab_bevacizumab").status == "not_eligible"
