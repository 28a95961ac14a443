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


# The evaluator compiles expressions into closures and memoises them; this is the tree walk it
# replaced, written from the module docstring, as the reference it must agree with.
def _reference(e, facts, conditions, bindings):
    from hepatoboard.criteria.evaluate import Outcome, compare

    if e.fact is not None:
        op, operand = e.leaf
        fv = facts[e.fact]
        if fv.value is None:
            out = Outcome(None, frozenset(fv.missing or (f"fact:{e.fact}",)))
        else:
            if isinstance(operand, str) and operand.startswith("$"):
                operand = bindings[operand[1:]]
            out = Outcome(compare(op, fv.value, operand))
    elif e.ref is not None:
        out = _reference(conditions[e.ref], facts, conditions, bindings)
    elif e.not_ is not None:
        inner = _reference(e.not_, facts, conditions, bindings)
        out = inner if inner.value is None else Outcome(not inner.value)
    else:
        decisive = e.all is None
        results = [_reference(c, facts, conditions, bindings) for c in (e.all or e.any or [])]
        hits = [r for r in results if r.value is decisive]
        unknown = [r for r in results if r.value is None]
        if hits:
            out = Outcome(decisive, frozenset(), tuple(x for r in hits for x in r.labels))
        elif unknown:
            out = Outcome(None, frozenset().union(*(r.missing for r in unknown)))
        else:
            out = Outcome(not decisive, frozenset(), tuple(x for r in results for x in r.labels))
    if out.value is True and e.label:
        out = Outcome(True, out.missing, (*out.labels, e.label))
    return out


def _expr_docs():
    from hypothesis import strategies as st

    labels = st.one_of(st.none(), st.sampled_from(["L1", "L2", ""]))
    leaf = st.one_of(
        st.fixed_dictionaries({"fact": st.sampled_from(["a", "b"])}),
        st.tuples(st.sampled_from(["lt", "le", "gt", "ge", "eq", "ne"]), st.integers(0, 4)).map(
            lambda t: {"fact": "n", t[0]: t[1]}
        ),
        st.fixed_dictionaries({"fact": st.just("s"), "in": st.just(["x", "y"])}),
        st.fixed_dictionaries({"fact": st.just("s"), "not_in": st.just(["x"])}),
        st.fixed_dictionaries({"fact": st.just("s"), "eq": st.just("$self")}),
        st.fixed_dictionaries({"fact": st.just("l"), "contains": st.just("x")}),
        st.fixed_dictionaries({"ref": st.sampled_from(["c1", "c2"])}),
    )

    def labelled(nodes):
        return st.tuples(nodes, labels).map(
            lambda t: {**t[0], **({"label": t[1]} if t[1] is not None else {})}
        )

    return st.recursive(
        labelled(leaf),
        lambda kids: labelled(
            st.one_of(
                st.fixed_dictionaries({"all": st.lists(kids, max_size=4)}),
                st.fixed_dictionaries({"any": st.lists(kids, max_size=4)}),
                st.fixed_dictionaries({"not": kids}),
            )
        ),
        max_leaves=10,
    )


def _fact_values():
    from hypothesis import strategies as st

    unknown = st.just(FactValue(None, ("case.field",)))
    return st.fixed_dictionaries(
        {
            "a": st.one_of(unknown, st.booleans().map(FactValue)),
            "b": st.one_of(unknown, st.just(FactValue(None)), st.booleans().map(FactValue)),
            "n": st.one_of(unknown, st.integers(0, 4).map(FactValue)),
            "s": st.one_of(unknown, st.sampled_from(["x", "y", "z"]).map(FactValue)),
            "l": st.one_of(unknown, st.sampled_from([[], ["x"], ["y", "x"]]).map(FactValue)),
        }
    )


def test_compiled_evaluation_agrees_with_the_tree_walk():
    """Value, missing fields and labels (in order) of random expressions with labels, named
    conditions and ``$self``, evaluated twice (the second from the memo), plain and bound."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        _expr_docs(),
        _fact_values(),
        st.sampled_from(["x", "z"]),
        st.fixed_dictionaries({"c1": _expr_docs(), "c2": _expr_docs()}),
    )
    def check(doc, facts, self_id, cond_docs):
        if "ref" in str(cond_docs):
            cond_docs = {k: {"fact": "a"} for k in cond_docs}  # no cycles through conditions
        conditions = {k: Expr.model_validate(v) for k, v in cond_docs.items()}
        expr = Expr.model_validate(doc)
        ev = Evaluator(facts, conditions).bind({"self": self_id})
        want = _reference(expr, facts, conditions, {"self": self_id})
        for _ in range(2):
            got = ev(expr)
            assert (got.value, set(got.missing)) == (want.value, set(want.missing))
            assert got.labels == (want.labels if want.value is True else ())
            assert ev.truth(expr) is want.value

    check()


def test_a_fact_added_after_a_memoised_evaluation_is_seen():
    facts = {"a": FactValue(True)}
    expr = Expr.model_validate({"any": [{"fact": "b"}, {"fact": "a", "eq": False}]})
    absent = Evaluator({"a": FactValue(True)})
    with pytest.raises(KeyError):
        absent(expr)
    ev = Evaluator(facts)
    facts["b"] = FactValue(None, ("b.field",))
    assert ev(expr).value is None
    facts["c"] = FactValue(1)  # the memo is emptied when a fact is added
    facts["b"] = FactValue(True)
    assert ev(expr).value is True
