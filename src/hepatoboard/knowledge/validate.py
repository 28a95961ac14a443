"""Cross-reference checks of a loaded knowledge base (run by the loader; any problem is fatal).

Every rule is visited once by :func:`rules` with where it lives and the phase it runs in, and
checked for: known named conditions (no cycles), known facts known by that phase, operand types
that fit the fact (a number for ``le``, one of the enumeration's values for ``eq``, a boolean
fact for a bare ``{fact: x}``), and known source ids. The fact catalogue is checked against the
code that produces it, the node-station lists against the contract's enumeration, and option
ids against the assessment contract.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from hepatoboard.contracts import vocab
from hepatoboard.contracts.errors import KnowledgeBaseError
from hepatoboard.criteria.expr import NUMERIC_COMPARISONS, Expr
from hepatoboard.knowledge.base import RULE_KINDS, KnowledgeBase
from hepatoboard.knowledge.schema import PHASES, FactSpec


@dataclass(frozen=True)
class RuleSite:
    """One rule of the knowledge base: where it is, when it runs, what it cites."""

    where: str
    phase: str
    expr: Expr | None
    sources: tuple[str, ...]
    bindings: tuple[str, ...] = ()


def _site(where: str, phase: str, expr: Expr | None, sources: Iterable[str], **kw: Any) -> RuleSite:
    return RuleSite(where, phase, expr, tuple(sources), **kw)


def rules(kb: KnowledgeBase) -> Iterator[RuleSite]:
    """Every rule and citation of the knowledge base, once."""
    for name, c in kb.conditions.items():
        # a condition's own bindings are checked where it is used (an option binds $self)
        yield _site(f"conditions.yaml: {name}", "referral", c.when, c.source, bindings=("self",))
    st = kb.staging
    for part in ("t", "n", "m", "stage"):
        phase = "tnm_stage" if part == "stage" else "tnm"
        for r in getattr(st.tnm, part):
            yield _site(f"staging.yaml: tnm.{part}.{r.value}", phase, r.when, st.tnm.source)
    for r in st.bclc.rules:
        yield _site(f"staging.yaml: bclc.rules.{r.value}", "bclc", r.when, st.bclc.source)
    yield _site("staging.yaml: node_stations", "case", None, st.node_stations.source)
    for i, sc in enumerate(st.node_stations.conflicts):
        yield _site(f"staging.yaml: node_stations.conflicts[{i}]", "case", None, sc.source)
    yield _site("staging.yaml: node_confirmation", "case", None, st.node_confirmation.source)
    yield _site("plan.yaml: irae", "case", None, kb.plan.irae.source)
    for i, w in enumerate(st.warnings):
        yield _site(f"staging.yaml: warnings[{i}]", "plan", w.when, w.source)
    for name, clf in kb.response.classifiers.items():
        for r in clf.rules:
            yield _site(f"response.yaml: {name}.{r.value}", "tnm", r.when, clf.source)
    yield _site("response.yaml: progression", "tnm", None, kb.response.progression.source)
    yield _site("response.yaml: measurable", "tnm", None, kb.response.measurable.source)
    afp = kb.response.afp_response
    yield _site("response.yaml: afp_response", "tnm", afp.when, afp.source)
    for i, k in enumerate(kb.contradictions):
        yield _site(f"contradictions.yaml: contradictions[{i}]", "tnm", k.when, k.source)
    for r in kb.plan.intent:
        yield _site(f"plan.yaml: intent.{r.value}", "plan", r.when, kb.plan.intent_source)
    for i, chk in enumerate(kb.plan.staging_checks):
        yield _site(f"plan.yaml: staging_checks[{i}]", "plan", chk.when, chk.source)
    for i, w in enumerate(kb.plan.warnings):
        yield _site(f"plan.yaml: warnings[{i}]", "plan", w.when, w.source)
    for key, params in kb.scores.sections().items():
        yield _site(f"scores.yaml: {key}", "case", None, params.source)
    for key, ps in kb.scores.point_scores.items():
        for item in ps.items:
            for i, row in enumerate(item.rows):
                where = f"scores.yaml: point_scores.{key}.{item.name}[{i}]"
                yield _site(where, "tnm", row.when, ps.source)
    yield from _option_sites(kb)
    for m in kb.supportive:
        yield _site(f"supportive.yaml: {m.id}", "plan", m.when, m.source)
    for r in kb.referrals:
        yield _site(f"referrals.yaml: {r.department}", "referral", r.when, r.source)
    for pname, p in kb.profiles.items():
        yield _site(f"profiles.yaml: {pname}", "case", None, p.guideline_sources)
    yield _site("interactions.yaml: review_check", "plan", None, kb.interactions.review_source)
    for ix in kb.interactions.interactions:
        yield _site(f"interactions.yaml: {ix.id}", "plan", ix.when, ix.source)
    for site_name, av in kb.availability.items():
        where = f"availability/{site_name}.yaml"
        yield _site(f"{where}: default", "case", None, av.default.source)
        for oid, entry in av.options.items():
            yield _site(f"{where}: options.{oid}", "case", None, entry.source)
    from hepatoboard.prognosis.data import rule_sites

    for where, expr, sources in rule_sites(kb.prognosis):
        yield _site(f"prognosis.yaml: {where}", "plan", expr, sources)


def _option_sites(kb: KnowledgeBase) -> Iterator[RuleSite]:
    for gname, g in kb.groups.items():
        for attr in RULE_KINDS:
            for i, r in enumerate(getattr(g, attr)):
                yield _site(
                    f"options.yaml: groups.{gname}.{attr}[{i}]",
                    "plan",
                    r.when,
                    r.source,
                    bindings=("self",),
                )
    for o in kb.options.values():
        for attr in RULE_KINDS:
            for i, r in enumerate(getattr(o, attr)):
                yield _site(
                    f"options.yaml: {o.id}.{attr}[{i}]",
                    "plan",
                    r.when,
                    r.source,
                    bindings=("self",),
                )
        for i, dr in enumerate(o.dose_rules):
            where = f"options.yaml: {o.id}.dose_rules[{i}]"
            yield _site(where, "plan", dr.when, dr.source, bindings=("self",))
        yield _site(f"options.yaml: {o.id}.evidence", "plan", None, o.evidence)
        yield _site(f"options.yaml: {o.id}.outcomes", "plan", None, [x.source for x in o.outcomes])
        yield _site(
            f"options.yaml: {o.id}.positions", "plan", None, [x.source for x in o.positions]
        )


def check(kb: KnowledgeBase) -> None:
    """Raise :class:`KnowledgeBaseError` listing every inconsistency of ``kb``."""
    problems: list[str] = []
    problems += _check_catalogue(kb)
    problems += _check_condition_cycles(kb)
    for site in rules(kb):
        problems += _check_site(kb, site)
    problems += _check_options(kb)
    problems += _check_stations(kb)
    problems += _check_profiles(kb)
    if problems:
        raise KnowledgeBaseError("knowledge base is inconsistent:\n" + "\n".join(problems))


def _check_site(kb: KnowledgeBase, site: RuleSite) -> list[str]:
    out = [f"{site.where}: unknown source '{sid}'" for sid in site.sources if sid not in kb.sources]
    if site.expr is None:
        return out
    for ref in site.expr.refs_used():
        if ref not in kb.conditions:
            out.append(f"{site.where}: unknown condition '{ref}'")
    allowed = PHASES[: PHASES.index(site.phase)]
    for name in sorted(site.expr.facts_used(kb.condition_exprs)):
        spec = kb.facts.get(name)
        if spec is None:
            out.append(f"{site.where}: unknown fact '{name}'")
        elif spec.phase not in allowed:
            out.append(
                f"{site.where}: fact '{name}' is only known in phase '{spec.phase}', "
                f"after this rule runs (phase '{site.phase}')"
            )
    for node in _nodes(site.expr, kb):
        if node.fact is not None and node.fact in kb.facts:
            out += _check_leaf(site, node, kb.facts[node.fact])
    return out


def _nodes(expr: Expr, kb: KnowledgeBase) -> Iterator[Expr]:
    """Every node of an expression, following refs (each condition once)."""
    seen: set[str] = set()
    stack = [expr]
    while stack:
        for node in stack.pop().walk():
            yield node
            if node.ref is not None and node.ref in kb.conditions and node.ref not in seen:
                seen.add(node.ref)
                stack.append(kb.conditions[node.ref].when)


def vocabulary(name: str) -> tuple[str, ...]:
    """The values of a named vocabulary of the contracts (used by list facts)."""
    return {
        "option_id": vocab.OPTION_IDS,
        "modality": vocab.MODALITIES,
        "option_or_modality": vocab.OPTION_IDS + vocab.MODALITIES,
        "node_station": vocab.NODE_STATIONS,
        "metastasis_site": vocab.METASTASIS_SITES,
        "supportive_measure_id": vocab.SUPPORTIVE_MEASURE_IDS,
    }[name]


def _allowed_values(spec: FactSpec) -> tuple[str, ...] | None:
    if spec.type == "enum":
        return tuple(spec.values or ())
    if spec.type == "list":
        return vocabulary(spec.items) if isinstance(spec.items, str) else tuple(spec.items or ())
    return None


def _fits(spec: FactSpec, value: Any, *, element: bool) -> bool:
    """Does ``value`` fit the fact (or, with ``element``, one element of a list fact)?"""
    kind = spec.type
    if kind == "list" and not element:
        return False
    if kind in ("enum", "list"):
        return value in (_allowed_values(spec) or ())
    if kind == "bool":
        return isinstance(value, bool)
    if kind in ("int", "number"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, str)


def _check_leaf(site: RuleSite, node: Expr, spec: FactSpec) -> list[str]:
    op, operand = node.leaf
    where = f"{site.where}: fact '{node.fact}' ({spec.type})"
    if isinstance(operand, str) and operand.startswith("$"):
        if operand[1:] not in site.bindings:
            return [f"{where}: '{operand}' is not bound here"]
        return (
            []
            if op in ("eq", "ne", "contains")
            else [f"{where}: '{operand}' only with eq/ne/contains"]
        )
    if op is None:
        return [] if spec.type == "bool" else [f"{where}: used as a condition but is not boolean"]
    if op in NUMERIC_COMPARISONS:
        return [] if spec.type in ("int", "number") else [f"{where}: '{op}' needs a number fact"]
    if op == "contains":
        ok = spec.type == "list" and _fits(spec, operand, element=True)
        return [] if ok else [f"{where}: 'contains {operand!r}' does not fit"]
    values = operand if op in ("in", "not_in") else [operand]
    bad = [v for v in values if not _fits(spec, v, element=False)]
    allowed = _allowed_values(spec)
    hint = f"; allowed: {', '.join(allowed)}" if allowed and spec.type == "enum" else ""
    return [f"{where}: '{op}' operand {v!r} does not fit{hint}" for v in bad]


def _check_condition_cycles(kb: KnowledgeBase) -> list[str]:
    out = []
    for name in kb.conditions:
        stack, seen = [name], set()
        while stack:
            cur = stack.pop()
            cond = kb.conditions.get(cur)
            if cond is None:
                continue
            for ref in cond.when.refs_used():
                if ref == name:
                    out.append(f"conditions.yaml: {name}: refers to itself (a cycle)")
                    stack = []
                    break
                if ref not in seen:
                    seen.add(ref)
                    stack.append(ref)
    return out


def _check_catalogue(kb: KnowledgeBase) -> list[str]:
    from hepatoboard.contracts.case import case_field_paths
    from hepatoboard.facts import PRODUCERS

    out = []
    paths = case_field_paths()
    declared: dict[str, set[str]] = {}
    for name, spec in kb.facts.items():
        where = f"facts.yaml: {name}"
        if spec.case is not None and spec.case not in paths:
            out.append(f"{where}: case field '{spec.case}' does not exist in the case model")
        if spec.measure is not None and spec.measure not in kb.limits.quantities:
            out.append(f"{where}: unknown quantity '{spec.measure}' (case_limits.yaml)")
        if spec.derive is not None:
            declared.setdefault(spec.derive, set()).add(name)
    for i, c in enumerate(kb.contradictions):
        for path in c.fields:
            if path not in paths:
                out.append(f"contradictions.yaml: contradictions[{i}]: unknown field '{path}'")
    for producer, names in sorted(declared.items()):
        made = PRODUCERS.get(producer)
        if made is None:
            out.append(f"facts.yaml: unknown producer '{producer}' (hepatoboard.facts)")
        elif set(made.produces) != names:
            out.append(
                f"facts.yaml: producer '{producer}' makes {sorted(made.produces)} but the "
                f"catalogue declares {sorted(names)}"
            )
    return out


def _check_options(kb: KnowledgeBase) -> list[str]:
    out = []
    missing = sorted(set(vocab.OPTION_IDS) - set(kb.options))
    if missing:
        out.append(f"options.yaml: options of the assessment contract not defined: {missing}")
    for o in kb.options.values():
        for g in o.inherits:
            if g not in kb.groups:
                out.append(f"options.yaml: {o.id}.inherits: unknown group '{g}'")
        for c in kb.option_rules(o, "checks"):
            if c.id not in kb.checks:
                out.append(f"options.yaml: {o.id}: check '{c.id}' not defined in plan.yaml")
    for c in kb.plan.staging_checks:
        if c.id not in kb.checks:
            out.append(f"plan.yaml: staging check '{c.id}' not defined in checks")
    if kb.interactions.review_check not in kb.checks:
        out.append(
            f"interactions.yaml: review_check '{kb.interactions.review_check}' not defined in "
            "plan.yaml checks"
        )
    ids = [ix.id for ix in kb.interactions.interactions]
    out += [f"interactions.yaml: duplicate id '{i}'" for i in sorted(set(ids)) if ids.count(i) > 1]
    return out


def _check_stations(kb: KnowledgeBase) -> list[str]:
    ns = kb.staging.node_stations
    out = []
    for station in vocab.NODE_STATIONS:
        n = (station in ns.regional) + (station in ns.distant)
        if n != 1:
            out.append(
                f"staging.yaml: node_stations: '{station}' must be in exactly one of "
                f"regional / distant (found in {n})"
            )
    for station in ns.extra_abdominal:
        if station not in ns.distant:
            out.append(f"staging.yaml: node_stations.extra_abdominal: '{station}' is not distant")
    return out


REQUIRED_CONDITIONS = ("liver_scores_confounded",)  # read by name in hepatoboard.facts.liver


def _check_profiles(kb: KnowledgeBase) -> list[str]:
    out = []
    for pname, p in kb.profiles.items():
        if p.inherits and p.inherits not in kb.profiles:
            out.append(f"profiles.yaml: {pname}.inherits: unknown profile '{p.inherits}'")
    for name in REQUIRED_CONDITIONS:
        if name not in kb.conditions:
            out.append(f"conditions.yaml: the condition '{name}' is required (facts use it)")
    if "international" not in kb.profiles:
        out.append("profiles.yaml: the default profile 'international' is missing")
    return out
