"""The unknown-handling rule, checked over generated cases (issue 10).

The rule (README, docs/knowledge-base.md and planning/decide.py state it word for word):
an option is recommended only when no unknown fact could lower its status. An unknown
contraindication, requirement or prerequisite makes the option undetermined; an unknown
caution caps it at consider. Every unknown fact that could change an option's status is
listed in its `missing` and in `missing_data`.

Property: take a complete case, give one field each of several possible values, and remove it.
For every option, the status without the field is never stronger (recommended > consider >
undetermined = not_eligible) than the weakest status any of those values gives; and whenever
removing the field changes the status, the field is in the option's ``missing``.
"""

from __future__ import annotations

import copy
import datetime as dt

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hepatoboard.contracts.errors import CaseError
from hepatoboard.intake import parse_case
from hepatoboard.knowledge.load import default_knowledge
from hepatoboard.pipeline import assess
from hepatoboard.planning.result import ENDORSEMENT

from conftest import AS_OF, case_file

BASES = [
    yaml.safe_load(case_file(n).read_text())
    for n in ("seed-father", "second-line-mediastinal", "decompensated")
]
YES_NO = [True, False]
# Field -> values it may take (around every threshold the rules use). Rule kinds covered:
# requirements (ecog, labs, ascites), hard stops (transplant, autoimmune, bleeding, varices),
# prerequisites (endoscopy date, varices treated), cautions (hypertension, proteinuria, ...).
CANDIDATES: dict[tuple[str, str], list[object]] = {
    ("performance", "ecog"): [0, 1, 2, 3, 4],
    ("clinical", "ascites"): ["none", "mild", "moderate_severe"],
    ("clinical", "encephalopathy"): ["none", "grade_1_2", "grade_3_4"],
    ("labs", "bilirubin"): [{"value": v, "unit": "mg/dL"} for v in (0.8, 2.5, 4.0)],
    ("labs", "albumin"): [{"value": v, "unit": "g/dL"} for v in (2.5, 3.2, 4.0)],
    ("labs", "inr"): [1.0, 2.0, 2.6],
    ("labs", "afp"): [{"value": v, "unit": "ng/mL"} for v in (20, 399, 400, 5000)],
    ("labs", "urine_protein_g_per_24h"): [0.1, 1.9, 2.0, 3.5],
    ("labs", "date"): [dt.date(2026, 11, 20), dt.date(2026, 8, 1)],
    ("tumor", "portal_vein_invasion"): ["none", "vp1", "vp3", "vp4"],
    ("tumor", "liver_involvement_over_50pct"): YES_NO,
    ("tumor", "bile_duct_invasion"): YES_NO,
    ("varices", "endoscopy_date"): [dt.date(2026, 9, 15), dt.date(2025, 9, 1)],
    ("varices", "status"): ["none", "small", "large"],
    ("varices", "treated"): YES_NO,
    ("varices", "bleeding_history"): YES_NO,
    ("comorbidities", "autoimmune_disease"): ["none", "controlled", "active"],
    ("comorbidities", "organ_transplant"): YES_NO,
    ("comorbidities", "recent_bleeding"): YES_NO,
    ("comorbidities", "arterial_thrombosis_recent"): YES_NO,
    ("comorbidities", "uncontrolled_hypertension"): YES_NO,
    ("comorbidities", "therapeutic_anticoagulation"): YES_NO,
    ("symptoms", "pain_source"): ["nodal_compression", "liver_capsule", "bone", "other"],
    ("symptoms", "jaundice"): YES_NO,
    ("symptoms", "bile_ducts_dilated"): YES_NO,
}
FIELDS = sorted(CANDIDATES)


def _statuses(doc: dict) -> dict[str, tuple[str, list[str]]] | None:
    try:
        case = parse_case(doc, as_of=AS_OF)
    except CaseError:
        return None  # that value contradicts another field of this case: not a possible value
    a = assess(case, as_of=AS_OF, kb=default_knowledge(), with_prognosis=False)
    return {o.id: (o.status, o.missing) for o in a.plan.options}


def _with(doc: dict, field: tuple[str, str], value: object) -> dict:
    d = copy.deepcopy(doc)
    section, key = field
    if value is _ABSENT:
        d.get(section, {}).pop(key, None)
    else:
        d.setdefault(section, {})[key] = value
    return d


_ABSENT = object()


@st.composite
def perturbed(draw):
    """A complete example case with a few fields changed, and one field to remove."""
    doc = copy.deepcopy(draw(st.sampled_from(BASES)))
    for field in draw(st.lists(st.sampled_from(FIELDS), max_size=4, unique=True)):
        doc = _with(doc, field, draw(st.sampled_from(CANDIDATES[field])))
    return doc, draw(st.sampled_from(FIELDS))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(perturbed())
def test_removing_a_fact_never_strengthens_a_status_and_is_always_listed(example):
    doc, field = example
    if _statuses(doc) is None:
        return
    removed = _statuses(_with(doc, field, _ABSENT))
    assert removed is not None
    possible = [s for v in CANDIDATES[field] if (s := _statuses(_with(doc, field, v)))]
    original = _statuses(doc)
    path = ".".join(field)
    for oid, (status, missing) in removed.items():
        weakest = min(ENDORSEMENT[p[oid][0]] for p in possible)
        assert ENDORSEMENT[status] <= weakest, (oid, path, status, [p[oid][0] for p in possible])
        if status != original[oid][0]:
            assert path in missing, (oid, path, original[oid][0], status, missing)
