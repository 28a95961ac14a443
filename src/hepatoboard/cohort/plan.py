"""The plan over a cohort: every option's status, reasons and missing fields, the intent,
supportive measures and referrals, from the knowledge base's rules compiled to Polars.

The status algorithm is :func:`hepatoboard.planning.decide.decide`, step by step, over whole
columns (its docstring is the specification; ``ENDORSEMENT`` and ``ACTIVE`` are imported from
the planner, not restated). Reasons are ids rather than sentences (``docs/cohort.md``):

``contraindicated:<i>``, ``requirement_not_met:<i>``, ``not_indicated``, ``cannot_exclude:<i>``,
``cannot_confirm:<i>``, ``to_do_before_deciding:<i>``, ``cannot_decide:<i>``,
``status_rule:<i>``, ``could_be_higher``, ``caution:<i>``, ``to_clarify:<i>``,
``consider_until_caution_excluded``, ``declined``, ``interaction_to_clarify:<j>``,
``interaction_caution:<j>`` -- ``<i>`` is the index of the rule in
``kb.option_rules(option, kind)``, ``<j>`` the index of the entry in
``kb.interactions_for(option)``; they come in the order of the per-case reasons.

Step 6 of the planner (:func:`hepatoboard.planning.decide.notes`) follows: the interactions of
``interactions.yaml`` with the recorded medication classes (an ``avoid`` entry is a caution;
an unrecorded list is an unknown caution) and the dose rules that hold or are unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl

from hepatoboard.cohort.frame import NARROW, WORD, Facts, NewFact, vocabulary
from hepatoboard.criteria.polars import (
    Compiled,
    CompiledClassification,
    FieldBits,
    Mask,
    classify,
    union,
)
from hepatoboard.knowledge.schema import Option
from hepatoboard.planning.plan import TRACE_STATUSES
from hepatoboard.planning.result import ACTIVE, ENDORSEMENT

RECOMMENDED = max(ENDORSEMENT, key=lambda s: ENDORSEMENT[s])
STATUS = pl.Enum(list(ENDORSEMENT))
"""The type of the statuses and could-be statuses inside the engine: one byte per row (as
text, 16); :func:`hepatoboard.cohort.output.build` writes them as text once the masks are
decoded. The peak memory of one 250,000-row chunk of the benchmark went from 1,894 MB to
1,654 MB with it (load average 1.0 on 2 cores)."""


def _status(name: str) -> pl.Expr:
    return pl.lit(name, STATUS)


@dataclass
class OptionColumns:
    """One option's results over the cohort."""

    status: pl.Expr
    reasons: Mask  # over :attr:`reason_bits`
    reason_bits: FieldBits
    missing: Mask
    could_be: pl.Expr
    declined: pl.Expr
    interactions: list[tuple[str, pl.Expr]] = field(default_factory=list)  # (id, applies)
    dose_rules: list[tuple[int, Compiled]] = field(default_factory=list)


@dataclass
class PlanColumns:
    intent: CompiledClassification
    options: dict[str, OptionColumns]
    supportive: list[tuple[str, Compiled]]
    referrals: list[tuple[str, Compiled]]
    blocks: dict[str, Mask] = field(default_factory=dict)  # decision -> missing (plan part)


def _t(c: Compiled) -> pl.Expr:
    return c.value.fill_null(False)


def _f(c: Compiled) -> pl.Expr:
    return (~c.value).fill_null(False)


def _n(c: Compiled) -> pl.Expr:
    return c.value.is_null() if c.nullable else pl.lit(False)


def _any(exprs: list[pl.Expr]) -> pl.Expr:
    return pl.any_horizontal(exprs) if exprs else pl.lit(False)


class _Rules:
    """The compiled rules of every option, each stored once as a truth column."""

    def __init__(self, f: Facts) -> None:
        self.f = f
        self._cache: dict[tuple[int, str | None], Compiled] = {}
        self._pending: dict[str, NewFact] = {}
        self._keys: dict[tuple[int, str | None], str] = {}
        self._used: set[str] = set()  # rules used by an entry of an option
        self._shared: set[str] = set()  # rules used by more than one

    def rule(self, o: Option, when: Any) -> tuple[int, str | None]:
        from hepatoboard.criteria.polars import _uses_bindings

        binding = o.id if _uses_bindings(when, self.f.kb.condition_exprs) else None
        key = (id(when), binding)
        if key not in self._keys:
            c = self.f.compiler()(when, {"self": o.id} if binding else None)
            name = f"#r{len(self._keys)}"
            self._keys[key] = name
            self._pending[name] = NewFact(c.value, c.mask, c.nullable)
        name = self._keys[key]
        (self._shared if name in self._used else self._used).add(name)
        return key

    def store(self) -> None:
        """The truths as columns. The mask of a rule that only one entry of one option uses
        is not stored: it is computed in the one pass that reads it (the options' missing
        fields, in :func:`_decide_all`)."""
        pending = {
            name: replace(nf, stored_mask=name in self._shared)
            for name, nf in self._pending.items()
        }
        self.f.add(pending)
        self._pending = {}

    def __getitem__(self, key: tuple[int, str | None]) -> Compiled:
        col = self.f.columns[self._keys[key]]
        return Compiled(col.value, col.mask, col.nullable)


def plan(f: Facts, profile: str) -> PlanColumns:
    """The plan for every row of ``f`` (which holds the staging facts) under ``profile``."""
    kb = f.kb
    comp = f.compiler()
    intent = classify(kb.plan.intent, [comp(r.when) for r in kb.plan.intent])
    f.add({"plan_intent": NewFact(intent.value, intent.mask)})
    intent = CompiledClassification(
        f.value("plan_intent"), intent.rule, f.columns["plan_intent"].mask
    )
    active = kb.profile_sources(profile)
    rules = _Rules(f)
    keys: dict[str, dict[str, list[Any]]] = {
        o.id: _keys(o, rules, active, kb) for o in kb.options.values()
    }
    rules.store()
    options = _decide_all(f, keys, rules)
    unchecked = _notes(f, options)
    out = PlanColumns(intent, options, [], [])
    out.blocks["plan.intent"] = intent.mask.where(intent.value.is_null())
    for oid, oc in options.items():
        out.blocks[oid] = oc.missing
        if oid in unchecked:
            traced = unchecked[oid] & oc.status.is_in(list(TRACE_STATUSES))
            out.blocks[f"interactions.{oid}"] = f.bit("medications").where(traced)
    _plan_facts(f, options)
    for m in kb.supportive:
        c = comp(m.when)
        out.supportive.append((m.id, c))
        out.blocks[f"supportive.{m.id}"] = c.mask.where(_n(c))
    items = vocabulary(kb, "plan_supportive_measures")
    measures = _or_bits([(1 << items.index(mid), _t(c)) for mid, c in out.supportive])
    f.add({"plan_supportive_measures": NewFact(measures, nullable=False, items=items)})
    for r in kb.referrals:
        c = comp(r.when)
        out.referrals.append((r.department, c))
        key = f"referral.{r.department}"
        out.blocks[key] = (out.blocks.get(key) or Mask()) | c.mask.where(_n(c))
    return out


KINDS = ("contraindications", "requirements", "prerequisites", "status_rules", "cautions")


def _keys(o: Option, rules: _Rules, active: set[str], kb: Any) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for kind in KINDS:
        entries = []
        for i, r in enumerate(kb.option_rules(o, kind)):
            if kind == "status_rules" and not set(r.source) & active:
                continue
            entries.append((i, r, rules.rule(o, r.when)))
        out[kind] = entries
    return out


def _decide_all(
    f: Facts, keys: dict[str, dict[str, list[Any]]], rules: _Rules
) -> dict[str, OptionColumns]:
    """Every option decided; the steps of the algorithm are stored as columns once (each is
    read by many of the option's reasons and missing fields)."""
    steps: dict[str, pl.Expr] = {}
    for oid, k in keys.items():
        for name, e in _steps(k, rules).items():
            steps[f"#o.{oid}.{name}"] = e
    f.store(steps, {})
    out: dict[str, OptionColumns] = {}
    for o in f.kb.options.values():
        step = {n.split(".")[-1]: pl.col(n) for n in steps if n.startswith(f"#o.{o.id}.")}
        out[o.id] = _decide(o, keys[o.id], rules, f, step)
    values = {}
    masks: dict[str, Mask] = {}
    for oid, oc in out.items():
        values[f"#o.{oid}.status"] = oc.status
        values[f"#o.{oid}.could_be"] = oc.could_be
        values[f"#o.{oid}.declined"] = oc.declined
        masks[f"#o.{oid}.missing"] = oc.missing
        masks[f"#o.{oid}.reasons"] = oc.reasons
    stored = f.store(values, masks, cse=False)  # cheaper without it here: frame.PLAIN
    # the rules and the steps are read no more: free their memory before the output is built
    spent = [c for c in f.df.columns if re.match(r"#r\d", c) or c.split(".")[-1] in _STEP_NAMES]
    f.df = f.df.drop(spent)
    for oid, oc in out.items():
        oc.status = pl.col(f"#o.{oid}.status")
        oc.could_be = pl.col(f"#o.{oid}.could_be")
        oc.declined = pl.col(f"#o.{oid}.declined")
        oc.missing = stored[f"#o.{oid}.missing"]
        oc.reasons = stored[f"#o.{oid}.reasons"]
    return out


_STEP_NAMES = {
    "hard",
    "ni",
    "gate",
    "nt",
    "ch",
    "rec_true",
    "higher",
    "cau_any",
    "until",
    "best_possible_rec",
    "best_pending_rec",
}


def _steps(keys: dict[str, list[Any]], rules: _Rules) -> dict[str, pl.Expr]:
    """The decision steps of one option (each a Boolean column)."""
    ci = [rules[k] for _, _, k in keys["contraindications"]]
    req = [rules[k] for _, _, k in keys["requirements"]]
    pre = [rules[k] for _, _, k in keys["prerequisites"]]
    sr = [(r.status, rules[k]) for _, r, k in keys["status_rules"]]
    cau = [rules[k] for _, _, k in keys["cautions"]]
    rec = [c for s, c in sr if s == RECOMMENDED]
    hard = _any([_t(c) for c in ci] + [_f(c) for c in req])
    any_possible = _any([~_f(c) for _, c in sr])
    gate = _any([_n(c) for c in ci] + [_n(c) for c in req] + [~_t(c) for c in pre])
    any_true = _any([_t(c) for _, c in sr])
    rec_true = _any([_t(c) for c in rec])
    cau_true = _any([_t(c) for c in cau])
    cau_null = _any([_n(c) for c in cau])
    p_ch = ~hard & any_possible & ~gate & any_true
    return {
        "hard": hard,
        "ni": ~hard & ~any_possible,
        "gate": ~hard & any_possible & gate,
        "nt": ~hard & any_possible & ~gate & ~any_true,
        "ch": p_ch,
        "rec_true": rec_true,
        "higher": p_ch & ~rec_true & _any([_n(c) for c in rec]),
        "cau_any": cau_true | cau_null,
        "until": p_ch & rec_true & ~cau_true & cau_null,
        "best_possible_rec": _any([~_f(c) for c in rec]),
        "best_pending_rec": _any([_n(c) for c in rec]),
    }


def _decide(
    o: Option, keys: dict[str, list[Any]], rules: _Rules, f: Facts, step: dict[str, pl.Expr]
) -> OptionColumns:
    """:func:`hepatoboard.planning.decide.decide` over columns (see the module docstring)."""
    ci = [(i, rules[k]) for i, _, k in keys["contraindications"]]
    req = [(i, rules[k]) for i, _, k in keys["requirements"]]
    pre = [(i, rules[k]) for i, _, k in keys["prerequisites"]]
    sr = [(i, r.status, rules[k]) for i, r, k in keys["status_rules"]]
    cau = [(i, rules[k]) for i, _, k in keys["cautions"]]
    rec = [c for _, s, c in sr if s == RECOMMENDED]
    p_hard, p_ni, p_gate, p_nt, p_ch = (step[k] for k in ("hard", "ni", "gate", "nt", "ch"))
    rec_true, higher, until = step["rec_true"], step["higher"], step["until"]

    chosen: Any = pl
    for level in sorted({ENDORSEMENT[s] for _, s, _ in sr}, reverse=True):
        for i, s, c in sr:
            if ENDORSEMENT[s] == level:
                chosen = chosen.when(_t(c)).then(pl.lit(i))
    chosen_rule = chosen.otherwise(None) if sr else pl.lit(None)
    chosen_status = pl.when(rec_true).then(_status(RECOMMENDED)).otherwise(_status("consider"))
    status = (
        pl.when(p_hard | p_ni)
        .then(_status("not_eligible"))
        .when(p_gate | p_nt)
        .then(_status("undetermined"))
        .when(rec_true & step["cau_any"])
        .then(_status("consider"))
        .otherwise(chosen_status)
    )
    missing = union(
        [
            *(c.mask.where(p_gate & _n(c)) for _, c in ci),
            *(c.mask.where(p_gate & _n(c)) for _, c in req),
            *(c.mask.where(p_gate & _n(c)) for _, c in pre),
            *(c.mask.where(p_nt & _n(c)) for _, _, c in sr),
            *(c.mask.where(higher & _n(c)) for c in rec),
            *(c.mask.where(until & _n(c)) for _, c in cau),
        ]
    )
    best_possible = pl.when(step["best_possible_rec"]).then(_status(RECOMMENDED))
    best_pending = pl.when(step["best_pending_rec"]).then(_status(RECOMMENDED))
    could_be = (
        pl.when(p_gate)
        .then(best_possible.otherwise(_status("consider")))
        .when(p_nt)
        .then(best_pending.otherwise(_status("consider")))
        .when(higher | until)
        .then(_status(RECOMMENDED))
        .otherwise(pl.lit(None, STATUS))
    )
    declined_set = f.columns["declined"]
    declined = declined_set.member(o.id) | declined_set.member(o.modality)
    bits = FieldBits()
    conds: list[tuple[str, pl.Expr]] = [
        *((f"contraindicated:{i}", p_hard & _t(c)) for i, c in ci),
        *((f"requirement_not_met:{i}", p_hard & _f(c)) for i, c in req),
        ("not_indicated", p_ni),
        *((f"cannot_exclude:{i}", p_gate & _n(c)) for i, c in ci),
        *((f"cannot_confirm:{i}", p_gate & _n(c)) for i, c in req),
        *((f"to_do_before_deciding:{i}", p_gate & ~_t(c)) for i, c in pre),
        *((f"cannot_decide:{i}", p_nt & _n(c)) for i, _, c in sr),
        *((f"status_rule:{i}", p_ch & (chosen_rule == i)) for i, _, _ in sr),
        ("could_be_higher", higher),
        *((f"caution:{i}", p_ch & _t(c)) for i, c in cau),
        *((f"to_clarify:{i}", p_ch & _n(c)) for i, c in cau),
        ("consider_until_caution_excluded", until),
        ("declined", declined),
    ]
    return OptionColumns(status, _flags(bits, conds), bits, missing, could_be, declined)


def _flags(bits: FieldBits, conds: list[tuple[str, pl.Expr]]) -> Mask:
    """``union(bits.mask([name]).where(cond) for name, cond in conds)``, each word computed in
    the narrowest unsigned type its bits fit (:data:`hepatoboard.cohort.frame.NARROW`) and
    widened once: the same values with a half to an eighth of the memory written per term. The
    reasons of the plan's options pass, alone, on 250,000 rows of the benchmark: 0.51-0.55 s of
    CPU in 64 bits, 0.33-0.40 s so (2 runs each, load average 1.2-1.4 on 2 cores)."""
    terms: dict[int, list[tuple[int, pl.Expr]]] = {}
    for name, cond in conds:
        for w, v in bits.mask([name]).const.items():
            terms.setdefault(w, []).append((v, cond))
    return Mask(exprs={w: _or_bits(items) for w, items in terms.items()})


def _or_bits(items: list[tuple[int, pl.Expr]]) -> pl.Expr:
    """The OR of ``bit`` where ``cond`` holds (null = false), for every ``(bit, cond)``, as a
    word: computed in the narrowest unsigned type the bits fit, widened once (see
    :func:`_flags`)."""
    top = max((v for v, _ in items), default=0)
    dtype = next((d for d, width in NARROW if top < 1 << width), WORD)
    word: pl.Expr | None = None
    for v, cond in items:
        term = pl.when(cond).then(pl.lit(v, dtype)).otherwise(pl.lit(0, dtype))
        word = term if word is None else word | term
    return (pl.lit(0, dtype) if word is None else word).cast(WORD)


def _notes(f: Facts, options: dict[str, OptionColumns]) -> dict[str, pl.Expr]:
    """Step 6 of the planner for every option: dose rules, and the interactions, which may cap
    ``recommended`` at ``consider``. Returns, per option with interaction entries, where its
    interactions are unchecked (medications not recorded)."""
    kb, comp = f.kb, f.compiler()
    meds = f.columns["medication_classes"]
    unknown = meds.value.is_null()
    unchecked: dict[str, pl.Expr] = {}
    values: dict[str, pl.Expr] = {}
    masks: dict[str, Mask] = {}
    for oid, oc in options.items():
        o = kb.options[oid]
        oc.dose_rules = [(i, comp(dr.when, {"self": oid})) for i, dr in enumerate(o.dose_rules)]
        entries = kb.interactions_for(oid)
        if not entries:
            continue
        unchecked[oid] = unknown
        s = oc.status
        avoid = [j for j, ix in enumerate(entries) if ix.severity == "avoid"]
        clarify = unknown & pl.lit(bool(avoid)) & ~s.is_in(["not_eligible", "undetermined"])
        for _j, ix in enumerate(entries):
            hit = ~unknown & meds.member(ix.medication_class)
            if ix.when is not None:
                hit = hit & ~_f(comp(ix.when, {"self": oid}))
            oc.interactions.append((ix.id, hit.fill_null(False)))
        cautions = [oc.interactions[j][1] & (s != "not_eligible") for j in avoid]
        capped = (clarify | _any(cautions)) & (s == RECOMMENDED)
        bits = oc.reason_bits
        extra = [bits.mask([f"interaction_to_clarify:{j}"]).where(clarify) for j in avoid]
        extra += [
            bits.mask([f"interaction_caution:{j}"]).where(c)
            for j, c in zip(avoid, cautions, strict=True)
        ]
        values[f"#o.{oid}.status"] = pl.when(capped).then(_status("consider")).otherwise(s)
        values[f"#o.{oid}.could_be"] = (
            pl.when(clarify & (s == RECOMMENDED)).then(_status(RECOMMENDED)).otherwise(oc.could_be)
        )
        masks[f"#i.{oid}.missing"] = oc.missing | f.bit("medications").where(clarify)
        masks[f"#i.{oid}.reasons"] = union([oc.reasons, *extra])
    stored = f.store(values, masks)
    for oid in unchecked:
        oc = options[oid]
        oc.status = pl.col(f"#o.{oid}.status")
        oc.could_be = pl.col(f"#o.{oid}.could_be")
        oc.missing = stored[f"#i.{oid}.missing"]
        oc.reasons = stored[f"#i.{oid}.reasons"]
    return unchecked


def _plan_facts(f: Facts, options: dict[str, OptionColumns]) -> None:
    """``plan_*`` facts (for the referral rules), as bit sets."""
    kb = f.kb
    ids = vocabulary(kb, "plan_active_options")
    modalities = vocabulary(kb, "plan_active_modalities")

    def bitset(statuses: tuple[str, ...], modality: bool = False) -> pl.Expr:
        items = []
        for oid in options:
            bit = 1 << (modalities.index(kb.options[oid].modality) if modality else ids.index(oid))
            items.append((bit, options[oid].status.is_in(list(statuses))))
        return _or_bits(items)

    f.add(
        {
            "plan_active_options": NewFact(bitset(ACTIVE), nullable=False, items=ids),
            "plan_open_options": NewFact(bitset(TRACE_STATUSES), nullable=False, items=ids),
            "plan_recommended_options": NewFact(bitset((RECOMMENDED,)), nullable=False, items=ids),
            "plan_active_modalities": NewFact(
                bitset(ACTIVE, modality=True), nullable=False, items=modalities
            ),
        }
    )


REASON_PREFIX = {
    "contraindicated": ("contraindications", "contraindicated: "),
    "requirement_not_met": ("requirements", "requirement not met: "),
    "cannot_exclude": ("contraindications", "cannot exclude: "),
    "cannot_confirm": ("requirements", "cannot confirm: "),
    "to_do_before_deciding": ("prerequisites", "to do before deciding: "),
    "cannot_decide": ("status_rules", "cannot decide whether it is indicated: "),
    "status_rule": ("status_rules", ""),
    "caution": ("cautions", "caution: "),
    "to_clarify": ("cautions", "to clarify before starting: "),
}
REASON_WORDS = {
    "could_be_higher": "could be recommended once known: <the missing fields>",
    "consider_until_caution_excluded": "consider (not recommended) until a possible caution is "
    "excluded: could be recommended once known: <the missing fields>",
    "declined": "the patient has declined this option",
}
INTERACTION_PREFIX = {
    "interaction_to_clarify": "to clarify before starting: ",
    "interaction_caution": "caution: ",
}


def reason_text(kb: Any, option_id: str, reason_id: str) -> str:
    """The words of a reason id (the planner's reason, without the labels of the conditions
    that held; ``<the missing fields>`` stands for the option's missing fields)."""
    o = kb.options[option_id]
    if reason_id == "not_indicated":
        return str(o.not_indicated_reason)
    if reason_id in REASON_WORDS:
        return REASON_WORDS[reason_id]
    kind, _, index = reason_id.partition(":")
    if kind in INTERACTION_PREFIX:
        return INTERACTION_PREFIX[kind] + kb.interactions_for(option_id)[int(index)].text
    attr, prefix = REASON_PREFIX[kind]
    return prefix + kb.option_rules(o, attr)[int(index)].reason
