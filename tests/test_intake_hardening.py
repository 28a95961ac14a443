"""Hostile documents and lax types are refused with a short error naming the place (issue 14).

Each test here failed before the hardening: the document was expanded, coerced, crashed or
silently lost data.
"""

from __future__ import annotations

import json

import pytest

from hepatoboard.contracts.case import case_field_paths
from hepatoboard.contracts.errors import CaseError
from hepatoboard.intake import load_case_text, parse_case
from hepatoboard.knowledge.load import case_limits

from conftest import AS_OF, case_file

ALIAS_BOMB = (
    "format: hepatoboard-case/1\n"
    'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "patient: {sex: *f}\n"
)


def problems_of(text: str) -> list[str]:
    with pytest.raises(CaseError) as exc:
        load_case_text(text, as_of=AS_OF)
    return [str(p) for p in exc.value.problems]


def problems(data) -> list[str]:
    with pytest.raises(CaseError) as exc:
        parse_case({"format": "hepatoboard-case/1", **data}, as_of=AS_OF)
    return [str(p) for p in exc.value.problems]


def test_alias_bomb_is_refused_before_expansion():
    (msg,) = problems_of(ALIAS_BOMB)
    assert "anchors and aliases are not accepted" in msg and "line 2" in msg


def test_a_single_anchor_is_refused_too():
    (msg,) = problems_of("format: hepatoboard-case/1\npatient: &p {sex: male}\n")
    assert "anchors" in msg


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "format: hepatoboard-case/1\nlabs:\n  albumin: {value: 3.6, unit: g/dL}\n"
            "patient: {age: 60}\nlabs:\n  inr: 1.1\n",
            "duplicate key 'labs' at line 5",
        ),
        (
            '{"format": "hepatoboard-case/1",\n "labs": {"inr": 1.1},\n "labs": {}}',
            "duplicate key 'labs' at line 3",
        ),
        (
            '{"format": "hepatoboard-case/1", "labs": {"inr": 1.1,\n"inr": 1.2}}',
            "duplicate key 'inr' at line 2",
        ),
    ],
)
def test_duplicate_keys_are_errors_with_their_line(text, expected):
    assert problems_of(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "format: hepatoboard-case/1\nid: !!python/object/apply:os.system [ls]\n",
        "format: hepatoboard-case/1\nid: !!binary aGk=\n",
        "format: hepatoboard-case/1\nid: !custom x\n",
        "format: hepatoboard-case/1\nid: !!set {a: null}\n",
    ],
)
def test_non_core_tags_are_refused(text):
    (msg,) = problems_of(text)
    assert "tag" in msg and "not accepted" in msg and "line 2" in msg


def test_core_tags_and_iso_dates_stay_accepted():
    case = load_case_text(
        "format: !!str hepatoboard-case/1\nlabs: {date: 2026-11-02, inr: !!float 1.1}\n"
        "varices: {endoscopy_date: '2026-09-15'}\n",
        as_of=AS_OF,
    )
    assert str(case.labs.date) == "2026-11-02" and str(case.varices.endoscopy_date) == "2026-09-15"


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        '{"format": "hepatoboard-case/1", "id": ' + '{"a": ' * 100_000,
        "format: hepatoboard-case/1\nid:\n" + "".join("  " * i + "- \n" for i in range(1, 40)),
    ],
)
def test_deep_nesting_is_refused_before_the_parser_recurses(text):
    (msg,) = problems_of(text)
    assert "nested more than" in msg or "nesting depth" in msg


@pytest.mark.parametrize(
    "text",
    [
        '{"format": "hepatoboard-case/1", "patient": {"age": ' + "9" * 5000 + "}}",
        "format: hepatoboard-case/1\npatient: {age: " + "9" * 5000 + "}\n",
    ],
)
def test_huge_integers_are_refused_before_int_can_raise(text):
    (msg,) = problems_of(text)
    assert "5000 digits is too large" in msg


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"format": "hepatoboard-case/1", "id": "a\\u0000b"}', "id"),
        ('{"format": "hepatoboard-case/1", "id": "a\\u001b[31mb"}', "id"),
        (
            '{"format": "hepatoboard-case/1", "lymph_nodes": [{"station": "x\\u0085"}]}',
            "lymph_nodes[0].station",
        ),
        (
            'format: hepatoboard-case/1\nlabs: {bilirubin: {value: 1, unit: "mg/dL\\x07"}}\n',
            "labs.bilirubin.unit",
        ),
    ],
)
def test_control_characters_are_refused_naming_the_field(text, field):
    (msg,) = problems_of(text)
    assert msg.startswith(f"{field}: ") and "control character" in msg


def test_non_text_keys_are_refused():
    msgs = problems_of("format: hepatoboard-case/1\nyes: 1\n")
    assert msgs == ["key True is not text"]


def test_echoed_input_is_capped():
    huge = "m" * 1_000_000
    for data in (
        {"patient": {"sex": huge}},
        {"labs": {"bilirubin": {"value": 1, "unit": huge}}},
        {huge: 1},
        {"patient": {"sex": [[["x"] * 50] * 50] * 50}},
    ):
        msgs = problems(data)
        assert msgs and all(len(m) < 400 for m in msgs), [m[:200] for m in msgs]


@pytest.mark.parametrize(
    ("section", "field", "value"),
    [
        ({"labs": {"bilirubin": {"value": True, "unit": "mg/dL"}}}, "labs.bilirubin.value", True),
        ({"performance": {"ecog": True}}, "performance.ecog", True),
        ({"patient": {"age": "68"}}, "patient.age", "68"),
        ({"labs": {"inr": "1.1"}}, "labs.inr", "1.1"),
        ({"diagnosis": {"cirrhosis": "yes"}}, "diagnosis.cirrhosis", "yes"),
        ({"diagnosis": {"cirrhosis": 1}}, "diagnosis.cirrhosis", 1),
        ({"labs": {"date": 1_763_251_200}}, "labs.date", 1_763_251_200),  # 2025-11-16 UTC
        ({"labs": {"date": "1763251200"}}, "labs.date", "1763251200"),
        ({"varices": {"endoscopy_date": "2026-02-30"}}, "varices.endoscopy_date", None),
    ],
)
def test_no_coercion_of_numbers_booleans_and_dates(section, field, value):
    msgs = problems(section)
    assert len(msgs) == 1 and msgs[0].startswith(field + ": "), msgs


def test_integer_values_stay_accepted_for_decimal_fields():
    case = parse_case(
        {
            "format": "hepatoboard-case/1",
            "labs": {"inr": 1, "sodium": {"value": 137, "unit": "mmol/L"}},
        },
        as_of=AS_OF,
    )
    assert case.labs.inr == 1.0 and case.labs.sodium.canonical == 137


def test_every_list_of_the_case_has_a_bound_from_the_knowledge_base():
    limits = case_limits().lists
    assert limits.source
    from hepatoboard.contracts.case import Case

    schema = json.dumps(Case.model_json_schema())
    assert schema.count('"maxItems"') == len(limits.max_items)
    list_paths = {p for p in case_field_paths() if p in limits.max_items}
    assert list_paths == set(limits.max_items)


def test_a_huge_node_list_gets_one_short_error():
    nodes = [{"station": "celiac"}] * 49_000
    msgs = problems({"lymph_nodes": nodes})
    assert len(msgs) == 1 and msgs[0].startswith("lymph_nodes: ")
    assert "at most 21" in msgs[0] and len(msgs[0]) < 200


def test_many_defects_are_listed_up_to_a_cap():
    msgs = problems({f"unknown_{i}": i for i in range(500)})
    assert len(msgs) == 51 and msgs[-1] == "... and 450 more problem(s) not listed"


def test_the_examples_still_load():
    text = case_file("seed-father").read_text()
    assert load_case_text(text, as_of=AS_OF).id == "seed-father-example"
