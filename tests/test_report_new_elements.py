"""Issue 18 in the reports: availability, the imaging response and the curative / local options
appear in the family and clinician reports, in English and Vietnamese, read from the assessment
document (nothing recomputed)."""

from __future__ import annotations

from typing import Any

import pytest

from hepatoboard.reports.render import render_clinician_html, render_family_html

from casebuild import EARLY, SEED, make, run
from test_family_report import visible


def family(doc: dict[str, Any], lang: str, edition: str = "full") -> str:
    return visible(render_family_html(doc, lang, edition))


def clinician(doc: dict[str, Any], lang: str) -> str:
    return visible(render_clinician_html(doc, lang))


def study(date: str, liver: float, node: float, new: bool = False) -> dict[str, Any]:
    return {
        "date": date,
        "targets": [
            {"lesion": "L1", "site": "liver", "longest_mm": liver, "viable_mm": liver},
            {"lesion": "N1", "site": "node", "short_axis_mm": node},
        ],
        "new_lesions": new,
        "nontarget_progression": False,
    }


def test_availability_lines_follow_the_site_in_both_languages():
    cn = run(SEED, site="cn").to_json_dict()
    assert "It is available here; ask whether health insurance pays for it." in family(cn, "en")
    assert "hãy hỏi xem bảo hiểm y tế có chi trả không" in family(cn, "vi")
    vn = run(SEED, site="vn").to_json_dict()
    assert "is not known: ask the doctors" in family(vn, "en", "summary")
    plain = run(SEED).to_json_dict()
    assert "health insurance pays" not in family(plain, "en")
    assert "availability not configured" in clinician(plain, "en")
    board = clinician(cn, "en")
    assert "Guideline ranking" in board and "Available alternatives (China)" in board
    assert "registered here; reimbursement not confirmed" in board
    assert "Thứ tự theo hướng dẫn" in clinician(cn, "vi")


def test_the_latest_scans_are_told_in_plain_words():
    doc = run(
        make(SEED, imaging=[study("2026-06-01", 50, 20), study("2026-08-01", 30, 12)])
    ).to_json_dict()
    assert doc["response"]["recist"] == "PR"
    assert "The scans of 1 August 2026 show that the cancer has shrunk." in family(doc, "en")
    assert "Kết quả chụp ngày 01/08/2026 cho thấy khối ung thư đã nhỏ lại." in family(doc, "vi")
    board = clinician(doc, "en")
    assert "RECIST 1.1 PR (-40.0%)" in board and "iRECIST iPR" in board


@pytest.mark.parametrize(
    ("regimen", "expected"),
    [
        ("atezolizumab_bevacizumab", "With immunotherapy a tumour sometimes looks bigger"),
        ("sorafenib", "show that the cancer has grown."),
    ],
)
def test_unconfirmed_progression_is_said_as_such_only_on_immunotherapy(regimen, expected):
    prior = [{"regimen": regimen, "line": 1, "best_response": "sd", "stop_reason": "ongoing"}]
    scans = [study("2026-06-01", 50, 20), study("2026-08-01", 65, 22)]
    doc = run(make(SEED, imaging=scans, prior_therapies=prior)).to_json_dict()
    assert doc["response"]["irecist"] == "iUPD"
    assert expected in family(doc, "en")


def test_curative_options_reach_the_family_report_in_both_languages():
    doc = run(EARLY).to_json_dict()
    en, vi = family(doc, "en"), family(doc, "vi")
    assert "The aim of treatment is to remove or destroy all of the cancer." in en
    assert "Operation to remove part of the liver" in en and "Liver transplant" in en
    assert "Phẫu thuật cắt một phần gan" in vi and "Ghép gan" in vi
    board = clinician(doc, "en")
    assert "Milan yes" in board and "UCSF yes" in board


def test_nodal_disease_keeps_transplantation_out_of_the_family_report():
    nodes = [{"station": "hepatic_pedicle", "count": 1, "short_axis_mm": 18, "evidence": "biopsy"}]
    doc = run(make(EARLY, lymph_nodes=nodes)).to_json_dict()
    en = family(doc, "en")
    assert "Liver transplant" not in en
    assert "Operation to remove the liver tumour and the lymph nodes together" in en
    assert "Phẫu thuật cắt u gan kèm nạo vét hạch" in family(doc, "vi")


def test_clinician_report_shows_scores_interactions_and_dose_notes():
    meds = [{"class": "anticoagulant", "name": "enoxaparin"}]
    doc = run(make(SEED, medications=meds, tumor={"morphology": "nodular"})).to_json_dict()
    board = clinician(doc, "en")
    assert "HCC scores" in board and "CLIP 2" in board and "TBS 6.26" in board
    assert "Interactions: monitor: anticoagulant with bevacizumab" in board
    vi = clinician(doc, "vi")
    assert "Các thang điểm ung thư gan" in vi and "Tương tác thuốc:" in vi
