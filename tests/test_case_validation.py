"""Bad input gets a clear error naming the field; never a crash, never a plan from garbage."""

from __future__ import annotations

import pytest

from hepatoboard.contracts.errors import CaseError
from hepatoboard.intake import load_case_text, parse_case

from conftest import AS_OF, load


def problems(data) -> list[str]:
    with pytest.raises(CaseError) as exc:
        parse_case({"format": "hepatoboard-case/1", **data}, as_of=AS_OF)
    return [str(p) for p in exc.value.problems]


def test_examples_are_valid():
    for name in ("seed-father", "decompensated", "second-line-mediastinal", "nodes-and-ecog-only"):
        assert load(name).format == "hepatoboard-case/1"


def test_units_are_normalised_to_canonical():
    case = parse_case(
        {
            "format": "hepatoboard-case/1",
            "labs": {
                "bilirubin": {"value": 34.2, "unit": "umol/L"},
                "albumin": {"value": 35, "unit": "g/L"},
                "creatinine": {"value": 88.4, "unit": "umol/L"},
                "afp": {"value": 100, "unit": "IU/mL"},
            },
        },
        as_of=AS_OF,
    )
    assert case.labs.bilirubin.canonical == pytest.approx(2.0)
    assert case.labs.albumin.canonical == pytest.approx(3.5)
    assert case.labs.creatinine.canonical == pytest.approx(1.0)
    assert case.labs.afp.canonical == pytest.approx(121.0)  # 1 IU/mL = 1.21 ng/mL


def test_wrong_unit_names_field_and_accepted_units():
    (msg,) = problems({"labs": {"bilirubin": {"value": 1.2, "unit": "mmol/L"}}})
    assert msg.startswith("labs.bilirubin")
    assert "mg/dL" in msg and "umol/L" in msg


def test_micro_sign_is_accepted_as_umol():
    case = parse_case(
        {"format": "hepatoboard-case/1", "labs": {"bilirubin": {"value": 17.1, "unit": "µmol/L"}}},
        as_of=AS_OF,
    )
    assert case.labs.bilirubin.canonical == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"labs": {"bilirubin": {"value": -1, "unit": "mg/dL"}}}, "labs.bilirubin"),
        ({"labs": {"bilirubin": {"value": 2000, "unit": "umol/L"}}}, "labs.bilirubin"),
        ({"labs": {"inr": 25}}, "labs.inr"),
        ({"labs": {"sodium": {"value": 80, "unit": "mmol/L"}}}, "labs.sodium"),
        ({"performance": {"ecog": 5}}, "performance.ecog"),
        ({"symptoms": {"pain_nrs": 11}}, "symptoms.pain_nrs"),
        ({"tumor": {"nodules": 12}}, "tumor.nodules"),
        ({"lymph_nodes": [{"station": "porta_hepatis", "count": 0}]}, "lymph_nodes[0].count"),
    ],
)
def test_impossible_values_name_the_field(data, field):
    msgs = problems(data)
    assert any(m.startswith(field) for m in msgs), msgs


def test_out_of_range_lab_message_shows_range_in_every_unit():
    (msg,) = problems({"labs": {"bilirubin": {"value": 2000, "unit": "umol/L"}}})
    assert "100 mg/dL" in msg and "1710 umol/L" in msg


def test_unknown_key_suggests_the_intended_field():
    (msg,) = problems({"varices": {"stauts": "small"}})
    assert msg.startswith("varices.stauts")
    assert "did you mean 'status'" in msg


def test_unknown_top_level_key():
    (msg,) = problems({"labz": {}})
    assert msg.startswith("labz") and "unknown field" in msg


def test_wrong_types_name_the_field():
    msgs = problems({"performance": {"ecog": "one"}, "clinical": {"ascites": "severe"}})
    assert any(m.startswith("performance.ecog") for m in msgs)
    assert any(m.startswith("clinical.ascites") and "moderate_severe" in m for m in msgs)


def test_unknown_node_station_lists_accepted():
    (msg,) = problems({"lymph_nodes": [{"station": "hilum"}]})
    assert msg.startswith("lymph_nodes[0].station") and "porta_hepatis" in msg


def test_all_problems_reported_at_once():
    msgs = problems({"performance": {"ecog": 7}, "labs": {"inr": -1}, "extra": 1})
    assert len(msgs) == 3


def test_format_is_required():
    with pytest.raises(CaseError) as exc:
        parse_case({"id": "x"}, as_of=AS_OF)
    assert str(exc.value.problems[0]).startswith("format")


@pytest.mark.parametrize(
    "text",
    ["format: hepatoboard-case/1\nlabs: {bilirubin: [1,\n", '{"format": "hepatoboard-case/1",}'],
)
def test_broken_yaml_or_json_is_a_clear_error(text):
    with pytest.raises(CaseError) as exc:
        load_case_text(text, "broken.yaml")
    assert "line" in str(exc.value.problems[0])


def test_non_mapping_document():
    with pytest.raises(CaseError, match="mapping"):
        load_case_text("- just\n- a list\n")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {"clinical": {"ascites": "none"}, "symptoms": {"ascites_symptomatic": True}},
            "symptoms.ascites_symptomatic",
        ),
        ({"tumor": {"nodules": 1, "bilobar": True}}, "tumor.bilobar"),
        ({"lymph_nodes": [{"station": "celiac"}, {"station": "celiac"}]}, "lymph_nodes"),
        ({"labs": {"date": "2030-01-01"}}, "labs.date"),
        (
            {
                "prior_therapies": [
                    {"regimen": "sorafenib", "line": 1},
                    {"regimen": "regorafenib", "line": 1},
                ]
            },
            "prior_therapies",
        ),
    ],
)
def test_contradictory_facts_are_errors(data, field):
    msgs = problems(data)
    assert any(m.startswith(field) for m in msgs), msgs


def test_unknown_regimen_in_prior_therapies():
    (msg,) = problems({"prior_therapies": [{"regimen": "sorafenibb"}]})
    assert msg.startswith("prior_therapies[0].regimen")


def test_case_document_uses_contract_keys_and_validates_again():
    """A stored or exported case (service, pages, FHIR conversion) is ``Case.document()``: the
    medication class is ``class`` as the contract spells it, never the Python name ``class_``,
    and the document parses back to the same case."""
    case = parse_case(
        {
            **load("seed-father").document(),
            "medications": [{"class": "nsaid", "name": "ibuprofen"}],
        },
        as_of=AS_OF,
    )
    doc = case.document()
    assert doc["medications"] == [{"class": "nsaid", "name": "ibuprofen"}]
    assert parse_case(doc, as_of=AS_OF) == case


def test_unknown_key_lists_the_accepted_document_keys():
    found = problems({"medications": [{"klass": "nsaid"}]})
    assert any(
        p.startswith("medications[0].klass") and "did you mean 'class'?" in p and "class_" not in p
        for p in found
    ), found
