"""Issue 10, "every promise is true": one test per broken promise, each failing before the fix.

The promises (README, docs/knowledge-base.md, the planner docstring):
- "Unknown never becomes recommended": an unknown caution caps an option at consider;
- the assessment date reaches every date check;
- a lab value can never silently read as 0;
- "systemic" has one definition (options.yaml);
- the knowledge base passed to assess() is honoured.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from hepatoboard.contracts.case import Bilirubin, Measurement
from hepatoboard.contracts.errors import CaseError
from hepatoboard.intake import parse_case
from hepatoboard.knowledge.load import default_knowledge
from hepatoboard.pipeline import assess

from conftest import AS_OF, case_file

SEED = yaml.safe_load(case_file("seed-father").read_text())
EXE = str(Path(sys.executable).with_name("hepatoboard"))


def plan_of(doc, **kw):
    return assess(parse_case(doc, as_of=AS_OF), as_of=AS_OF, with_prognosis=False, **kw).plan


def option(plan, oid):
    return next(o for o in plan.options if o.id == oid)


# --- 1. an unknown caution or hard stop never leaves an option "recommended" -----------------

HARD_STOP_FIELDS = {  # bevacizumab label / IMbrave150: withhold or stop (KB 2026.12.1)
    "comorbidities.uncontrolled_hypertension": ("comorbidities", "uncontrolled_hypertension"),
    "comorbidities.arterial_thrombosis_recent": ("comorbidities", "arterial_thrombosis_recent"),
    "labs.urine_protein_g_per_24h": ("labs", "urine_protein_g_per_24h"),
}


def test_unknown_bevacizumab_caution_caps_atezolizumab_bevacizumab_at_consider():
    """IMbrave150 / ASCO 2024: therapeutic anticoagulation caps bevacizumab; unknown, it must
    be asked before the combination is recommended."""
    assert option(plan_of(SEED), "atezolizumab_bevacizumab").status == "recommended"
    doc = copy.deepcopy(SEED)
    del doc["comorbidities"]["therapeutic_anticoagulation"]
    o = option(plan_of(doc), "atezolizumab_bevacizumab")
    assert o.status == "consider" and o.could_be == "recommended"
    assert o.missing == ["comorbidities.therapeutic_anticoagulation"]
    a = assess(parse_case(doc, as_of=AS_OF), as_of=AS_OF, with_prognosis=False)
    blocked = {m.field: m.blocks for m in a.missing_data}
    assert "atezolizumab_bevacizumab" in blocked["comorbidities.therapeutic_anticoagulation"]
    # durvalumab + tremelimumab has no bevacizumab caution: unaffected (HIMALAYA)
    assert option(plan_of(doc), "durvalumab_tremelimumab").status == "recommended"


def test_unknown_bevacizumab_hard_stops_leave_it_undetermined_and_say_which():
    doc = copy.deepcopy(SEED)
    for section, key in HARD_STOP_FIELDS.values():
        del doc[section][key]
    o = option(plan_of(doc), "atezolizumab_bevacizumab")
    assert o.status == "undetermined" and o.could_be == "recommended"
    assert set(HARD_STOP_FIELDS) == set(o.missing)


# --- 2. the assessment date reaches the date checks ------------------------------------------


def test_a_finding_after_the_assessment_date_is_an_error_naming_the_field():
    with pytest.raises(CaseError) as exc:
        parse_case(SEED, as_of=dt.date(2026, 3, 1))
    lines = [str(p) for p in exc.value.problems]
    assert (
        "varices.endoscopy_date: the endoscopy date 2026-09-15 is after the assessment date "
        "2026-03-01" in lines
    )
    assert any(line.startswith("labs.date: the labs date 2026-11-02 is after") for line in lines)


def test_cli_as_of_reaches_the_date_checks_and_is_bounded(tmp_path):
    seed = case_file("seed-father")
    r = subprocess.run(
        [EXE, "assess", str(seed), "--as-of", "2026-03-01"], capture_output=True, text=True
    )
    assert r.returncode == 2
    assert "varices.endoscopy_date: the endoscopy date 2026-09-15 is after" in r.stderr
    assert "Traceback" not in r.stderr
    future = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    r = subprocess.run(
        [EXE, "assess", str(seed), "--as-of", future], capture_output=True, text=True
    )
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "after today" in r.stderr
    r = subprocess.run(
        [EXE, "assess", str(seed), "--as-of", "1066-10-14"], capture_output=True, text=True
    )
    assert r.returncode == 2 and "before 1990-01-01" in r.stderr


def test_assess_checks_its_own_date():
    case = parse_case(SEED, as_of=AS_OF)
    with pytest.raises(CaseError, match="after today"):
        assess(case, as_of=dt.date.today() + dt.timedelta(days=30))


# --- 3. a measurement cannot silently read 0 ----------------------------------------------------


def test_measurement_canonical_is_computed_from_value_and_unit():
    case = parse_case(SEED, as_of=AS_OF)
    labs = case.labs.model_copy(update={"bilirubin": Bilirubin(value=8, unit="mg/dL")})
    changed = case.model_copy(update={"labs": labs})
    a = assess(changed, as_of=AS_OF, with_prognosis=False)
    # bilirubin 8 mg/dL: 3 Child-Pugh points (Pugh 1973), MELD well above the floor of 6
    assert a.scores.child_pugh.points == 7
    assert a.scores.meld.meld > 6
    assert Bilirubin(value=136.8, unit="umol/L").canonical == pytest.approx(8.0)
    with pytest.raises(ValueError):
        Measurement(value=1.0, unit="mg/dL")  # the abstract measurement has no quantity


# --- 4. one definition of "systemic" ----------------------------------------------------------


def test_haic_is_not_a_line_of_systemic_therapy():
    """options.yaml marks HAIC-FOLFOX systemic: false (liver-directed): after one HAIC course
    the next systemic treatment is still first line (ASCO 2024 first-line algorithm)."""
    doc = copy.deepcopy(SEED)
    doc["prior_therapies"] = [{"regimen": "haic_folfox", "stop_reason": "completed"}]
    p = plan_of(doc)
    assert option(p, "atezolizumab_bevacizumab").line == 1
    assert option(p, "atezolizumab_bevacizumab").status == "recommended"
    assert option(p, "sorafenib").status == "consider"
    assert option(p, "haic_folfox").systemic is False and option(p, "haic_folfox").line is None


# --- 5. the knowledge base passed in is the one used -------------------------------------------


def test_assess_honours_a_modified_knowledge_base():
    kb = default_knowledge()
    case = parse_case(SEED, as_of=AS_OF)
    base = assess(case, as_of=AS_OF, kb=kb, with_prognosis=False)
    assert base.scores.albi.grade == 2
    grades = list(kb.scores.albi.grades)
    grades[0] = grades[0].model_copy(update={"max": -2.0})  # the grade 1 threshold changed
    albi = kb.scores.albi.model_copy(update={"grades": grades})
    scores = kb.scores.model_copy(update={"albi": albi})
    kb_albi = dataclasses.replace(kb, scores=scores)
    changed = assess(case, as_of=AS_OF, kb=kb_albi, with_prognosis=False)
    assert changed.scores.albi.grade == 1
    band = kb.scores.child_pugh.albumin_g_dl.model_copy(update={"one_point_above": 3.8})
    cp = kb.scores.child_pugh.model_copy(update={"albumin_g_dl": band})
    kb_cp = dataclasses.replace(kb, scores=kb.scores.model_copy(update={"child_pugh": cp}))
    changed = assess(case, as_of=AS_OF, with_prognosis=False, kb=kb_cp)
    assert changed.scores.child_pugh.points == base.scores.child_pugh.points + 1


def test_a_copied_rule_still_evaluates():
    """The rule-leaf cache used to be keyed by id(): a copy of a rule raised KeyError."""
    from hepatoboard.criteria import Evaluator, Expr, FactValue

    e = Expr.model_validate({"fact": "ecog", "le": 1})
    for copied in (e.model_copy(), copy.deepcopy(e)):
        assert Evaluator({"ecog": FactValue(1)})(copied).value is True


UNKNOWN_RULE = (
    "An option is recommended only when no unknown fact could lower its status: an unknown "
    "contraindication, requirement or prerequisite makes it undetermined, and an unknown caution "
    "caps it at consider. Every unknown fact that could change an option's status is listed in "
    "its `missing` and in `missing_data`."
)


@pytest.mark.parametrize(
    "where", ["README.md", "docs/knowledge-base.md", "src/hepatoboard/planning/decide.py"]
)
def test_the_unknown_rule_is_stated_word_for_word(where):
    root = Path(__file__).resolve().parents[1]
    text = " ".join((root / where).read_text(encoding="utf-8").replace(">", " ").split())
    assert UNKNOWN_RULE in text
