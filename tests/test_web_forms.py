"""The case form and the history diff, without a browser (the browser flow is test_browser.py)."""

from __future__ import annotations

import copy

import pytest
from starlette.datastructures import FormData

from hepatoboard.contracts.errors import CaseError
from hepatoboard.intake import parse_case
from hepatoboard.pipeline import assess
from hepatoboard.web.forms import form_sections, form_to_document, has_case_fields
from hepatoboard.web.pages.history import changes

from conftest import AS_OF, load


def test_form_covers_every_case_section():
    keys = {s.key for s in form_sections()}
    assert {
        "patient",
        "labs",
        "tumor",
        "lymph_nodes",
        "varices",
        "prior_therapies",
        "symptoms",
    } <= keys
    labs = next(s for s in form_sections() if s.key == "labs")
    bili = next(w for w in labs.widgets if w.name == "labs.bilirubin")
    assert bili.kind == "measure" and bili.units == ["mg/dL", "umol/L"]


def test_blank_form_fields_stay_unknown_and_values_convert():
    form = FormData(
        [
            ("id", "f1"),
            ("performance.ecog", "1"),
            ("labs.bilirubin.value", "22.2"),
            ("labs.bilirubin.unit", "umol/L"),
            ("labs.albumin.value", ""),  # blank: unknown, not normal
            ("tumor.microvascular_invasion", "unknown"),
            ("comorbidities.organ_transplant", "no"),
            ("lymph_nodes.__state", "given"),
            ("lymph_nodes.0.station", "porta_hepatis"),
            ("lymph_nodes.0.compression", "pain"),
            ("distant_metastases.__state", "none"),
        ]
    )
    doc = form_to_document(form)
    assert "albumin" not in doc["labs"]
    case = parse_case(doc, as_of=AS_OF)
    assert case.labs.bilirubin.unit == "umol/L" and case.performance.ecog == 1
    assert case.tumor.microvascular_invasion == "unknown"
    assert case.comorbidities.organ_transplant is False
    assert case.lymph_nodes[0].station == "porta_hepatis"
    assert case.lymph_nodes[0].compression == ["pain"]
    assert case.distant_metastases == [] and case.prior_therapies is None


def test_history_names_what_changed():
    before = assess(load("seed-father"), as_of=AS_OF).to_json_dict()
    after = copy.deepcopy(before)
    after["staging"]["bclc"]["stage"] = "D"
    opt = next(o for o in after["plan"]["options"] if o["id"] == "atezolizumab_bevacizumab")
    opt["status"] = "not_eligible"
    diff = changes(before, after)
    assert "BCLC: C → D" in diff
    assert "Atezolizumab + bevacizumab: recommended → not eligible" in diff
    assert changes(before, before) == ["no change in stage, scores or option status"]
    assert changes(None, before) == ["first assessment of this case"]


def test_none_found_with_filled_rows_is_an_error_on_that_section():
    """Issue 14: the rows were silently dropped and a distant node lost (the case staged N0)."""
    form = FormData(
        [
            ("lymph_nodes.__state", "none"),
            ("lymph_nodes.0.station", "celiac"),
            ("distant_metastases.__state", "none"),
        ]
    )
    with pytest.raises(CaseError) as exc:
        form_to_document(form)
    (problem,) = exc.value.problems
    assert problem.path == "lymph_nodes" and "none found" in problem.message


@pytest.mark.parametrize("raw", ["６８", "6_8", "٦٨", "68.0.1", "1e3", " 6 8"])
def test_form_numbers_are_ascii_digits_only(raw):
    form = FormData([("patient.age", raw), ("labs.inr", raw)])
    doc = form_to_document(form)
    assert doc["patient"]["age"] == raw.strip() and doc["labs"]["inr"] == raw.strip()
    with pytest.raises(CaseError) as exc:
        parse_case(doc, as_of=AS_OF)
    assert {p.path for p in exc.value.problems} == {"patient.age", "labs.inr"}


def test_form_numbers_convert_when_written_plainly():
    doc = form_to_document(
        FormData([("patient.age", "68"), ("labs.inr", "-1.25"), ("tumor.largest_cm", ".5")])
    )
    assert doc["patient"] == {"age": 68} and doc["labs"] == {"inr": -1.25}
    assert doc["tumor"] == {"largest_cm": 0.5}


def test_has_case_fields():
    assert not has_case_fields(form_to_document(FormData([("id", "x"), ("profile", "asia")])))
    assert has_case_fields(form_to_document(FormData([("performance.ecog", "1")])))


def test_medication_class_is_sent_under_its_document_key():
    """The case model names the field ``class_`` but the document key is ``class``: the form
    sends ``class``, and a stored case (dumped with the field's own name) fills the form again."""
    from hepatoboard.web.forms import document_to_values

    form = FormData([("medications.__state", "given"), ("medications.0.class", "nsaid")])
    case = parse_case(form_to_document(form), as_of=AS_OF)
    assert case.medications[0].class_ == "nsaid"
    stored = case.model_dump(mode="json", exclude_none=True)
    assert document_to_values(stored)["medications.0.class"] == "nsaid"
