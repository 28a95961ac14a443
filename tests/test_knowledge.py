"""The knowledge base validates itself at load: a typo in a rule fails when the knowledge base is
loaded (and in CI), never at the bedside. Each kind of defect is rejected with a message naming
the file and the place inside it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hepatoboard.contracts.errors import KnowledgeBaseError
from hepatoboard.contracts.vocab import OPTION_IDS
from hepatoboard.knowledge.load import default_knowledge, load_knowledge, raw_files


def test_knowledge_base_loads_with_version_and_every_contract_option():
    kb = default_knowledge()
    assert kb.version
    assert set(kb.options) == set(OPTION_IDS)
    assert {"international", "asia"} <= set(kb.profiles)
    assert kb.profile_sources("international") < kb.profile_sources("asia")
    assert "seed_article" in kb.profile_sources("asia")
    assert "seed_article" not in kb.profile_sources("international")


def test_the_shipped_files_load_unchanged():
    assert load_knowledge(raw_files()).version == default_knowledge().version


def _option(files: dict[str, Any], oid: str) -> dict[str, Any]:
    return next(o for o in files["options.yaml"]["options"] if o["id"] == oid)


def _requirement(when: dict[str, Any], **extra: Any) -> Callable[[dict[str, Any]], None]:
    def edit(files: dict[str, Any]) -> None:
        rule = {"when": when, "reason": "test rule", "source": ["asco2024"], **extra}
        _option(files, "sorafenib").setdefault("requirements", []).insert(0, rule)

    return edit


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(files: dict[str, Any]) -> None:
        node = files
        for key in path[:-1]:
            node = node[key]
        if value is _DELETE:
            del node[path[-1]]
        else:
            node[path[-1]] = value

    return edit


_DELETE = object()


def _cycle(files: dict[str, Any]) -> None:
    files["conditions.yaml"]["conditions"]["loop_a"] = {
        "when": {"ref": "loop_b"},
        "source": ["ajcc8"],
    }
    files["conditions.yaml"]["conditions"]["loop_b"] = {
        "when": {"ref": "loop_a"},
        "source": ["ajcc8"],
    }


def _bound_outside_option(files: dict[str, Any]) -> None:
    files["supportive.yaml"]["measures"][0]["when"] = {
        "fact": "prior_regimens",
        "contains": "$self",
    }


def _prognosis_source(files: dict[str, Any]) -> None:
    anchor = files["prognosis.yaml"]["anchors"]["imbrave150_atezo_bev"]
    anchor["median"] = {**anchor["median"], "source": "no_such_trial"}


def _unknown_station(files: dict[str, Any]) -> None:
    files["staging.yaml"]["node_stations"]["regional"].append("porta_hepatiss")


def _station_twice(files: dict[str, Any]) -> None:
    files["staging.yaml"]["node_stations"]["regional"].append("celiac")


def _drop_option(files: dict[str, Any]) -> None:
    files["options.yaml"]["options"] = [
        o for o in files["options.yaml"]["options"] if o["id"] != "tare"
    ]


BROKEN = [
    (
        "unknown fact",
        _requirement({"fact": "ecgo", "le": 1}),
        "options.yaml: sorafenib.requirements[0]: unknown fact 'ecgo'",
    ),
    (
        "number operand on a category",
        _requirement({"fact": "child_pugh_class", "ge": 2}),
        "sorafenib.requirements[0]: fact 'child_pugh_class' (enum): 'ge' needs a number fact",
    ),
    (
        "value outside the enumeration",
        _requirement({"fact": "portal_vein_invasion", "eq": "vp5"}),
        "'eq' operand 'vp5' does not fit; allowed: none, vp1, vp2, vp3, vp4",
    ),
    (
        "non-boolean fact used as a condition",
        _requirement({"fact": "ascites"}),
        "fact 'ascites' (enum): used as a condition but is not boolean",
    ),
    (
        "text where a number is needed",
        _requirement({"fact": "ecog", "le": "one"}),
        "options.yaml: options.9.requirements.0.when.le",
    ),
    (
        "a fact used before it is known",
        _requirement({"fact": "plan_active_options", "contains": "tace"}),
        "fact 'plan_active_options' is only known in phase 'plan'",
    ),
    (
        "staging fact in a T rule",
        _set(("staging.yaml", "tnm", "t", 0, "when"), {"fact": "bclc_stage", "eq": "C"}),
        "staging.yaml: tnm.t.T4: fact 'bclc_stage' is only known in phase 'bclc'",
    ),
    (
        "unknown condition",
        _requirement({"ref": "no_such_condition"}),
        "options.yaml: sorafenib.requirements[0]: unknown condition 'no_such_condition'",
    ),
    ("condition cycle", _cycle, "conditions.yaml: loop_a: refers to itself (a cycle)"),
    (
        "unknown source",
        _requirement({"fact": "ecog", "le": 1}, source=["imbrave999"]),
        "options.yaml: sorafenib.requirements[0]: unknown source 'imbrave999'",
    ),
    ("$self outside an option", _bound_outside_option, "'$self' is not bound here"),
    (
        "missing score coefficient",
        _set(("scores.yaml", "albi", "bilirubin_coefficient"), _DELETE),
        "scores.yaml: albi.bilirubin_coefficient: Field required",
    ),
    (
        "ALBI grades out of order",
        _set(("scores.yaml", "albi", "grades", 0, "max"), 0.0),
        "scores.yaml: albi: Value error, grades: increasing max values",
    ),
    (
        "canonical unit factor",
        _set(("case_limits.yaml", "quantities", "bilirubin", "units", "mg/dL"), 2.0),
        "case_limits.yaml: quantities.bilirubin: Value error, the canonical unit 'mg/dL'",
    ),
    ("unknown node station", _unknown_station, "staging.yaml: node_stations.regional.7"),
    (
        "station regional and distant",
        _station_twice,
        "staging.yaml: node_stations: 'celiac' must be in exactly one of regional / distant",
    ),
    (
        "missing disclaimer",
        _set(("plan.yaml", "disclaimer"), _DELETE),
        "plan.yaml: disclaimer: Field required",
    ),
    (
        "unknown prognosis source",
        _prognosis_source,
        "prognosis.yaml: anchors.imbrave150_atezo_bev: unknown source 'no_such_trial'",
    ),
    (
        "fact catalogue: unknown case field",
        _set(("facts.yaml", "facts", "ecog", "case"), "performance.ecgo"),
        "facts.yaml: ecog: case field 'performance.ecgo' does not exist",
    ),
    (
        "fact catalogue: producer mismatch",
        _set(("facts.yaml", "facts", "meld_na"), _DELETE),
        "facts.yaml: producer 'liver_scores' makes",
    ),
    (
        "contradiction on an unknown field",
        _set(("contradictions.yaml", "contradictions", 0, "fields"), ["symptoms.ascitess"]),
        "contradictions.yaml: contradictions[0]: unknown field 'symptoms.ascitess'",
    ),
    (
        "a contract option missing",
        _drop_option,
        "options of the assessment contract not defined: ['tare']",
    ),
    (
        "option id outside the contract",
        _set(("options.yaml", "options", 0, "id"), "atezolizumab_bevacizumabb"),
        "options.yaml: options.0.id",
    ),
    ("version format", _set(("manifest.yaml", "version"), "latest"), "manifest.yaml: version"),
]


@pytest.mark.parametrize(("name", "edit", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_each_kind_of_broken_knowledge_base_is_rejected_at_load(name, edit, message):
    files = raw_files()
    edit(files)
    with pytest.raises(KnowledgeBaseError) as exc:
        load_knowledge(files)
    assert message in str(exc.value), str(exc.value)


def test_every_source_has_a_verification_level_and_citation():
    for s in default_knowledge().sources.values():
        assert s.citation.strip() and s.verification in ("verified", "secondary", "unverified")


def test_every_fact_of_the_catalogue_is_produced_for_a_case():
    """The fact catalogue (facts.yaml) and the code that derives facts agree exactly."""
    import datetime as dt

    from hepatoboard.contracts.case import Case
    from hepatoboard.facts import derive_facts

    kb = default_knowledge()
    produced = set(derive_facts(Case(format="hepatoboard-case/1"), kb, dt.date(2026, 1, 1)))
    case_phase = {n for n, spec in kb.facts.items() if spec.phase == "case"}
    assert produced == case_phase
