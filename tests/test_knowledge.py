"""The knowledge base validates itself: a typo in a rule fails at load, never at the bedside."""

from __future__ import annotations

import dataclasses

import pytest

from hepatoboard.contracts.errors import KnowledgeBaseError
from hepatoboard.contracts.vocab import OPTION_IDS
from hepatoboard.knowledge.load import default_knowledge as knowledge
from hepatoboard.knowledge.schema import SourcedRule
from hepatoboard.knowledge.validate import check as _check_references


def broken(option_id: str, **rule) -> None:
    kb = knowledge()
    opt = kb.options[option_id]
    bad = SourcedRule.model_validate({"reason": "test", "source": ["asco2024"], **rule})
    options = {**kb.options, option_id: opt.model_copy(update={"requirements": [bad]})}
    _check_references(dataclasses.replace(kb, options=options))


def test_knowledge_base_loads_with_version_and_every_contract_option():
    kb = knowledge()
    assert kb.version
    assert set(kb.options) == set(OPTION_IDS)
    assert {"international", "asia"} <= set(kb.profiles)
    assert kb.profile_sources("international") < kb.profile_sources("asia")
    assert "seed_article" in kb.profile_sources("asia")
    assert "seed_article" not in kb.profile_sources("international")


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"when": {"fact": "ecgo", "le": 1}}, "unknown fact 'ecgo'"),
        ({"when": {"ref": "no_such_condition"}}, "unknown condition"),
        ({"when": {"fact": "ecog", "le": 1}, "source": ["imbrave999"]}, "unknown source"),
    ],
)
def test_broken_references_are_rejected(rule, message):
    with pytest.raises(KnowledgeBaseError, match=message):
        broken("sorafenib", **rule)


def test_every_source_has_a_verification_level_and_citation():
    for s in knowledge().sources.values():
        assert s.citation.strip() and s.verification in ("verified", "secondary", "unverified")
