"""Lymph-node facts: which involved stations are regional (N1), distant (M1) or
extra-abdominal (lists from ``staging.yaml``), how many nodes, how large, which compress.

``lymph_nodes: []`` means imaging showed no nodal disease (every fact known: no nodes); an
absent ``lymph_nodes`` leaves every node fact unknown.

A listed node counts as involved unless it is *indeterminate*: seen on imaging only (not PET,
not biopsy) with a short axis below the size that confirms it (``staging.yaml:
node_confirmation``; reactive hilar nodes are common in chronic hepatitis). An indeterminate
node makes "is there regional / distant nodal disease" unknown rather than true, so the N
category, BCLC and the intent stay undetermined until the node is confirmed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import get_args

from hepatoboard.contracts.case import Compression, LymphNode
from hepatoboard.criteria.evaluate import FactValue
from hepatoboard.facts.registry import Context, Facts, Producer, kleene_any
from hepatoboard.knowledge.schema import NodeConfirmation

COMPRESSIONS: tuple[str, ...] = get_args(Compression)
PRODUCES = (
    "nodal_disease",
    "regional_nodes",
    "distant_nodes",
    "extra_abdominal_nodes",
    "regional_node_stations",
    "distant_node_stations",
    "indeterminate_nodes",
    "indeterminate_node_stations",
    "retrocrural_nodes",
    "inferior_phrenic_nodes",
    "node_total",
    "node_stations",
    "largest_node_mm",
    "compressive_nodes",
    *(f"node_compression_{c}" for c in COMPRESSIONS),
)


def involved(node: LymphNode, rule: NodeConfirmation) -> bool | None:
    """True when the node is confirmed (or its size is not given: the contract lists involved
    stations); None when it is imaging-only (or of unknown evidence) and below the size."""
    if node.evidence in rule.confirming_evidence or node.short_axis_mm is None:
        return True
    threshold = rule.min_short_axis_mm.get(node.station, rule.default_min_short_axis_mm)
    return True if node.short_axis_mm >= threshold else None


def _missing_for(nodes: list[LymphNode], flags: list[bool | None]) -> tuple[str, ...]:
    return tuple(f"lymph_nodes[{i}].evidence" for i, f in enumerate(flags) if f is None)


def _derive(ctx: Context) -> Facts:
    nodes = ctx.case.lymph_nodes
    if nodes is None:
        return {name: FactValue(None, ("lymph_nodes",)) for name in PRODUCES}
    st = ctx.kb.staging.node_stations
    flags = [involved(n, ctx.kb.staging.node_confirmation) for n in nodes]
    unsure = _missing_for(nodes, flags)

    def any_involved(stations: set[str] | None) -> FactValue:
        value = kleene_any(f for n, f in zip(nodes, flags, strict=True)
                           if stations is None or n.station in stations)  # fmt: skip  # one call
        return FactValue(value, unsure if value is None else ())

    def confirmed(stations: set[str]) -> FactValue:
        return FactValue([n.station for n, f in zip(nodes, flags, strict=True)
                          if f and n.station in stations])  # fmt: skip  # one comprehension

    out: Facts = {
        "nodal_disease": any_involved(None),
        "regional_nodes": any_involved(set(st.regional)),
        "distant_nodes": any_involved(set(st.distant)),
        "extra_abdominal_nodes": any_involved(set(st.extra_abdominal)),
        "retrocrural_nodes": any_involved({"retrocrural"}),
        "inferior_phrenic_nodes": any_involved({"inferior_phrenic"}),
        "regional_node_stations": confirmed(set(st.regional)),
        "distant_node_stations": confirmed(set(st.distant)),
        "indeterminate_nodes": FactValue(any(f is None for f in flags)),
        "indeterminate_node_stations": FactValue(
            [n.station for n, f in zip(nodes, flags, strict=True) if f is None]
        ),
        "node_stations": FactValue(len(nodes)),
        "node_total": _total(nodes),
        "largest_node_mm": _largest(nodes),
    }
    out.update(_compression(nodes))
    return out


def _compression(nodes: list[LymphNode]) -> Facts:
    comp_miss = tuple(
        f"lymph_nodes[{i}].compression" for i, n in enumerate(nodes) if n.compression is None
    )

    def any_node(test: str | None) -> FactValue:
        def hit(c: Sequence[str]) -> bool:
            return test in c if test else bool(c)

        value = kleene_any(None if n.compression is None else hit(n.compression) for n in nodes)
        return FactValue(value, comp_miss if value is None else ())

    out: Facts = {"compressive_nodes": any_node(None)}
    for kind in COMPRESSIONS:
        out[f"node_compression_{kind}"] = any_node(kind)
    return out


def _total(nodes: list[LymphNode]) -> FactValue:
    miss = tuple(f"lymph_nodes[{i}].count" for i, n in enumerate(nodes) if n.count is None)
    return FactValue(None if miss else sum(n.count or 0 for n in nodes), miss)


def _largest(nodes: list[LymphNode]) -> FactValue:
    sizes = [n.short_axis_mm for n in nodes]
    miss = tuple(f"lymph_nodes[{i}].short_axis_mm" for i, s in enumerate(sizes) if s is None)
    if miss:
        return FactValue(None, miss)
    return FactValue(max((s for s in sizes if s is not None), default=0.0))


PRODUCER = Producer("nodes", PRODUCES, _derive)
