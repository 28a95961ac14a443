"""Kleene three-valued logic of the criteria language."""

from __future__ import annotations

import itertools

import pytest

from hepatoboard.criteria import Evaluator, Expr, FactValue, Rule, classify

VALUES = {True: FactValue(True), False: FactValue(False), None: FactValue(None, ("x.field",))}


def ev(a, b, kind):
    facts = {"a": VALUES[a], "b": VALUES[b]}
    expr = Expr.model_validate({kind: [{"fact": "a"}, {"fact": "b"}]})
    return Evaluator(facts)(expr).value


def kleene_and(a, b):
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def kleene_or(a, b):
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


@pytest.mark.parametrize(("a", "b"), list(itertools.product([True, False, None], repeat=2)))
def test_truth_tables(a, b):
    assert ev(a, b, "all") == kleene_and(a, b)
    assert ev(a, b, "any") == kleene_or(a, b)


def test_not_unknown_is_unknown_and_reports_missing():
    out = Evaluator({"a": VALUES[None]})(Expr.model_validate({"not": {"fact": "a"}}))
    assert out.value is None and out.missing == {"x.field"}


def test_comparisons():
    facts = {"n": FactValue(3), "s": FactValue("vp3"), "l": FactValue(["sorafenib"])}
    e = Evaluator(facts)
    assert e(Expr.model_validate({"fact": "n", "le": 3})).value is True
    assert e(Expr.model_validate({"fact": "n", "gt": 3})).value is False
    assert e(Expr.model_validate({"fact": "s", "in": ["vp3", "vp4"]})).value is True
    assert e(Expr.model_validate({"fact": "l", "contains": "sorafenib"})).value is True


def test_labels_explain_only_true_paths():
    facts = {"a": FactValue(True), "b": FactValue(False)}
    expr = Expr.model_validate(
        {"any": [{"fact": "a", "label": "A holds"}, {"fact": "b", "label": "B holds"}]}
    )
    assert Evaluator(facts)(expr).labels == ("A holds",)


def test_expression_must_have_one_kind():
    with pytest.raises(ValueError):
        Expr.model_validate({"fact": "a", "all": []})
    with pytest.raises(ValueError):
        Expr.model_validate({"le": 3})


def test_classify_unknown_earlier_rule_blocks_later_rule():
    rules = [
        Rule(value="D", when=Expr.model_validate({"fact": "a"})),
        Rule(value="C", when=Expr.model_validate({"fact": "b"})),
    ]
    out = classify(rules, Evaluator({"a": VALUES[None], "b": VALUES[True]}))
    assert out.value is None and out.missing == {"x.field"}
    out = classify(rules, Evaluator({"a": VALUES[False], "b": VALUES[True]}))
    assert out.value == "C"
