"""The memo of derived facts (``facts/__init__.py``) must be invisible: the contradiction check
and the assessment of the same case object share one derivation, but every caller gets its own
dict, and another assessment date or knowledge base derives again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hepatoboard.facts import derive_facts
from hepatoboard.intake import load_case_file
from hepatoboard.knowledge.load import default_knowledge

SEED = Path(__file__).resolve().parent.parent / "examples" / "seed-father.yaml"
AS_OF = dt.date(2026, 11, 15)


def test_each_call_gets_its_own_facts() -> None:
    kb = default_knowledge()
    case = load_case_file(SEED, as_of=AS_OF)
    first = derive_facts(case, kb, AS_OF)
    first["staging_fact_added_by_a_caller"] = first["endoscopy_age_days"]
    second = derive_facts(case, kb, AS_OF)
    assert "staging_fact_added_by_a_caller" not in second
    assert second == {k: v for k, v in first.items() if k != "staging_fact_added_by_a_caller"}


def test_another_date_derives_again() -> None:
    kb = default_knowledge()
    case = load_case_file(SEED, as_of=AS_OF)
    # the seed case's endoscopy is dated 2026-09-15 (examples/seed-father.yaml)
    assert derive_facts(case, kb, AS_OF)["endoscopy_age_days"].value == 61
    later = AS_OF + dt.timedelta(days=30)
    assert derive_facts(case, kb, later)["endoscopy_age_days"].value == 91
