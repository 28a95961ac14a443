"""FHIR R4 in and out: round trip of every example case, an EHR-style Bundle, bad Bundles, the
assessment as a Bundle (mCODE profiles, SNOMED codes) and the CLI."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from hepatoboard.contracts.errors import CaseError
from hepatoboard.fhir.from_assessment import assessment_to_bundle
from hepatoboard.fhir.from_case import case_to_bundle
from hepatoboard.fhir.parse import read_bundle
from hepatoboard.fhir.to_case import bundle_to_case
from hepatoboard.intake import load_case_text
from hepatoboard.pipeline import assess

from conftest import AS_OF

EXE = str(Path(sys.executable).with_name("hepatoboard"))
EXAMPLES = sorted(
    r.name[:-5]
    for r in resources.files("hepatoboard.examples").iterdir()
    if r.name.endswith(".yaml")
)
LOINC, SNOMED, UCUM = "http://loinc.org", "http://snomed.info/sct", "http://unitsofmeasure.org"
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"


def example(name: str):
    text = resources.files("hepatoboard.examples").joinpath(f"{name}.yaml").read_text("utf-8")
    return load_case_text(text, name, AS_OF)


def example_bundle(name: str) -> dict:
    text = resources.files("hepatoboard.examples").joinpath(f"fhir/{name}.json").read_text("utf-8")
    return json.loads(text)


@pytest.mark.parametrize("name", EXAMPLES)
def test_round_trip_gives_the_same_case_and_assessment(name):
    case = example(name)
    bundle = json.loads(json.dumps(case_to_bundle(case)))
    back, report = bundle_to_case(bundle, as_of=AS_OF)
    assert back == case
    assert assess(back, as_of=AS_OF).to_json_dict() == assess(case, as_of=AS_OF).to_json_dict()
    assert report.ignored == []


@pytest.mark.parametrize("name", EXAMPLES)
def test_shipped_example_bundles_read_as_the_example_cases(name):
    back, _ = bundle_to_case(example_bundle(name), as_of=AS_OF)
    assert back == example(name)


def obs(rid, system, code, **value):
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": {"coding": [{"system": system, "code": code}]},
        **value,
    }


def qty(value, code):
    return {"valueQuantity": {"value": value, "system": UCUM, "code": code}}


def ehr_bundle() -> dict:
    """A record as an EHR sends it: ICD-10 codes, deprecated LOINC TNM, a birth date, molar
    bilirubin, two single-drug MedicationStatements started the same day."""
    entries = [
        {"resourceType": "Patient", "id": "p1", "gender": "male", "birthDate": "1958-03-01"},
        {
            "resourceType": "Condition",
            "id": "hcc",
            "code": {"coding": [{"system": ICD10, "code": "C22.0"}]},
        },
        {
            "resourceType": "Condition",
            "id": "node",
            "code": {"coding": [{"system": ICD10, "code": "C77.2"}]},
            "bodySite": [{"coding": [{"system": SNOMED, "code": "245288002"}]}],
        },
        {
            "resourceType": "Condition",
            "id": "tx",
            "code": {"coding": [{"system": ICD10, "code": "Z94.4"}]},
        },
        obs("bili", LOINC, "14631-6", **qty(22, "umol/L"), effectiveDateTime="2026-11-01"),
        obs("bili-old", LOINC, "1975-2", **qty(3.0, "mg/dL"), effectiveDateTime="2026-06-01"),
        obs("alb", LOINC, "1751-7", **qty(36, "g/L"), effectiveDateTime="2026-11-01"),
        obs("inr", LOINC, "6301-6", valueQuantity={"value": 1.1}),
        obs("plt", LOINC, "777-3", **qty(150, "10*3/uL")),
        obs("ecog", LOINC, "89247-1", valueInteger=1),
        obs(
            "m",
            LOINC,
            "21907-1",
            valueCodeableConcept={
                "coding": [{"system": "http://cancerstaging.org", "code": "cM0"}]
            },
        ),
        obs(
            "t",
            LOINC,
            "21905-5",
            valueCodeableConcept={
                "coding": [{"system": "http://cancerstaging.org", "code": "cT3"}]
            },
        ),
        {
            "resourceType": "Procedure",
            "id": "egd",
            "status": "completed",
            "code": {"coding": [{"system": SNOMED, "code": "76009000"}]},
            "performedDateTime": "2026-10-01",
        },
        {
            "resourceType": "MedicationStatement",
            "id": "atezo",
            "status": "completed",
            "effectiveDateTime": "2025-01-10",
            "subject": {"reference": "Patient/p1"},
            "medicationCodeableConcept": {
                "coding": [
                    {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1792776"}
                ]
            },
        },
        {
            "resourceType": "MedicationStatement",
            "id": "bev",
            "status": "completed",
            "effectiveDateTime": "2025-01-10",
            "subject": {"reference": "Patient/p1"},
            "medicationCodeableConcept": {
                "coding": [{"system": "http://www.whocc.no/atc", "code": "L01FG01"}]
            },
        },
        {"resourceType": "Encounter", "id": "enc", "status": "finished", "class": {"code": "AMB"}},
    ]
    for r in entries:
        if r["resourceType"] in ("Condition", "Procedure", "Observation"):
            r["subject"] = {"reference": "Patient/p1"}
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in entries],
    }


def test_an_ehr_style_bundle_maps_codes_units_and_regimens():
    case, report = bundle_to_case(ehr_bundle(), as_of=AS_OF)
    assert case.patient.sex == "male" and case.patient.age == 68  # born 1958-03-01
    assert case.labs.bilirubin.unit == "umol/L" and case.labs.bilirubin.value == 22  # latest
    assert case.labs.albumin.canonical == pytest.approx(3.6)
    assert case.labs.platelets.unit == "10^9/L" and case.labs.inr == 1.1
    assert case.labs.date.isoformat() == "2026-11-01"
    assert [n.station for n in case.lymph_nodes] == ["porta_hepatis"]
    assert case.distant_metastases == []  # cM0
    assert case.comorbidities.organ_transplant is True  # ICD-10 Z94.4 liver transplant status
    assert case.varices.endoscopy_date.isoformat() == "2026-10-01"
    assert [t.regimen for t in case.prior_therapies] == ["atezolizumab_bevacizumab"]
    ignored = {i["resource"] for i in report.ignored}
    assert {"Observation/bili-old", "Observation/t", "Encounter/enc"} <= ignored
    assert "tumor.nodules" in report.missing and "labs.bilirubin" not in report.missing


def _with(bundle: dict, rid: str, **changes) -> dict:
    b = copy.deepcopy(bundle)
    for e in b["entry"]:
        if e["resource"].get("id") == rid:
            e["resource"].update(changes)
    return b


def _problems(bundle) -> list[str]:
    with pytest.raises(CaseError) as err:
        bundle_to_case(bundle, as_of=AS_OF)
    return [str(p) for p in err.value.problems]


def test_bad_bundles_name_the_resource_and_the_element():
    good = ehr_bundle()
    assert _problems({"resourceType": "Patient"}) == [
        "resourceType: expected a FHIR Bundle, got 'Patient'"
    ]
    wrong_type = copy.deepcopy(good)
    wrong_type["entry"].append({"resource": {"resourceType": "Observatoin", "id": "x"}})
    assert any(p.startswith("Observatoin/x.resourceType:") for p in _problems(wrong_type))
    unit = _with(good, "alb", valueQuantity={"value": 3.6, "system": UCUM, "code": "mg/L"})
    [p] = _problems(unit)
    assert p.startswith("Observation/alb.valueQuantity.code: unit 'mg/L' is not accepted")
    no_ucum = _with(good, "alb", valueQuantity={"value": 3.6, "unit": "g/dL"})
    assert _problems(no_ucum)[0].startswith("Observation/alb.valueQuantity.code:")
    no_site = _with(good, "node", bodySite=None)
    assert _problems(no_site)[0].startswith("Condition/node.bodySite:")
    no_hcc = _with(good, "hcc", code={"coding": [{"system": ICD10, "code": "K74.6"}]})
    assert _problems(no_hcc) == [
        "Condition.code: no hepatocellular carcinoma Condition (ICD-10 C22.0 or SNOMED 109841003)"
    ]
    bad_value = _with(good, "alb", valueQuantity={"value": "abc"})
    assert _problems(bad_value)[0].startswith("Observation/alb.valueQuantity.value:")
    no_status = _with(good, "ecog", status=None)
    assert _problems(no_status)[0].startswith("Observation/ecog.status:")
    impossible = _with(good, "alb", valueQuantity={"value": 900, "system": UCUM, "code": "g/L"})
    assert _problems(impossible)[0].startswith("Observation/alb (labs.albumin")
    contradiction = copy.deepcopy(good)
    contradiction["entry"].append(
        {
            "resource": obs(
                "n0",
                LOINC,
                "21906-3",
                valueCodeableConcept={
                    "coding": [{"system": "http://cancerstaging.org", "code": "cN0"}]
                },
            )
        }
    )
    assert _problems(contradiction)[0].startswith("Observation/n0: says no lymph nodes")


def test_the_assessment_bundle_uses_mcode_profiles_and_snomed_staging():
    result = assess(example("seed-father"), as_of=AS_OF)
    bundle = assessment_to_bundle(result)
    read_bundle(bundle)  # structurally valid R4
    res = {e["resource"]["id"]: e["resource"] for e in bundle["entry"]}
    assert all(r["meta"]["profile"] for r in res.values())
    mcode = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
    stage = res["tnm-stage"]
    assert stage["meta"]["profile"] == [mcode + "mcode-tnm-stage-group"]
    assert stage["code"]["coding"][0]["code"] == "399537006"
    assert stage["method"]["coding"][0]["code"] == "897275008"
    assert stage["valueCodeableConcept"]["text"] == "IVA"  # T3 N1 M0 -> IVA (AJCC 8th)
    assert len(stage["hasMember"]) == 3
    n = res["tnm-n"]
    assert n["meta"]["profile"] == [mcode + "mcode-tnm-regional-nodes-category"]
    assert {"system": SNOMED, "code": "1229973008"} in n["valueCodeableConcept"]["coding"]  # cN1
    bclc = res["bclc"]
    assert bclc["meta"]["profile"] == [mcode + "mcode-cancer-stage"]
    assert bclc["method"]["coding"][0]["code"] == "C115132"
    assert bclc["valueCodeableConcept"]["text"] == "BCLC C"
    plan = res["plan"]
    assert plan["intent"] == "proposal"
    statuses = {
        a["detail"]["code"]["coding"][0]["code"]: a["detail"]["statusReason"]["coding"][0]["code"]
        for a in plan["activity"]
    }
    assert statuses["atezolizumab_bevacizumab"] == "recommended"
    assert statuses["regorafenib"] == "not_eligible"
    assert res["score-child-pugh-class"]["valueString"] == "A"
    assert res["prognosis"]["prediction"]


def test_unknown_scores_are_data_absent_not_null():
    case = load_case_text("format: hepatoboard-case/1\n", "minimal", AS_OF)
    bundle = assessment_to_bundle(assess(case, as_of=AS_OF))
    res = {e["resource"]["id"]: e["resource"] for e in bundle["entry"]}
    assert res["score-meld"]["dataAbsentReason"]["coding"][0]["code"] == "unknown"
    assert "valueInteger" not in res["score-meld"]


def test_cli_fhir_import_prints_the_case_and_assess_format_fhir(tmp_path):
    path = tmp_path / "ehr.json"
    path.write_text(json.dumps(ehr_bundle()))
    out = subprocess.run(
        [
            EXE,
            "fhir",
            "import",
            str(path),
            "--as-of",
            "2026-11-25",
            "--report",
            str(tmp_path / "report.json"),
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    case = json.loads(out.stdout)
    assert case["lymph_nodes"] == [{"station": "porta_hepatis"}]
    assert json.loads((tmp_path / "report.json").read_text())["ignored"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_with(ehr_bundle(), "alb", valueQuantity={"value": 3})))
    out = subprocess.run([EXE, "fhir", "import", str(bad)], capture_output=True, text=True)
    assert out.returncode == 2 and "Observation/alb.valueQuantity.code" in out.stderr
    case_file = resources.files("hepatoboard.examples").joinpath("seed-father.yaml")
    out = subprocess.run(
        [EXE, "assess", str(case_file), "--format", "fhir", "--as-of", "2026-11-25"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["resourceType"] == "Bundle"
