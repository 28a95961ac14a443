"""Lymph-node facts: which involved stations are regional (N1), distant (M1) or
extra-abdominal (lists from ``staging.yaml``), how many nodes, how large, which compress.

``lymph_nodes: []`` means imaging showed no nodal disease (every fact known: no nodes); an
absent ``lymph_nodes`` leaves every node fact unknown.
"""

from __future__ import annotations

from typing import get_args

from hepatoboard.contracts.case import Compression, LymphNode
from hepatoboard.criteria.evaluate import FactValue
from hepatoboard.facts.registry import Context, Facts, Producer, kleene_any

COMPRESSIONS: tuple[str, ...] = get_args(Compression)
PRODUCES = (
    "nodal_disease",
    "regional_nodes",
    "distant_nodes",
    "extra_abdominal_nodes",
    "regional_node_stations",
    "distant_node_stations",
    "node_total",
    "node_stations",
    "largest_node_mm",
    "compressive_nodes",
    *(f"node_compression_{c}" for c in COMPRESSIONS),
)


def _derive(ctx: Context) -> Facts:
    nodes = ctx.case.lymph_nodes
    if nodes is None:
        return {name: FactValue(None, ("lymph_nodes",)) for name in PRODUCES}
    st = ctx.kb.staging.node_stations
    regional, distant, extra = set(st.regional), set(st.distant), set(st.extra_abdominal)
    out: Facts = {
        "nodal_disease": FactValue(bool(nodes)),
        "regional_node_stations": FactValue([n.station for n in nodes if n.station in regional]),
        "distant_node_stations": FactValue([n.station for n in nodes if n.station in distant]),
        "regional_nodes": FactValue(any(n.station in regional for n in nodes)),
        "distant_nodes": FactValue(any(n.station in distant for n in nodes)),
        "extra_abdominal_nodes": FactValue(any(n.station in extra for n in nodes)),
        "node_stations": FactValue(len(nodes)),
    }
    out["node_total"] = _total(nodes)
    out["largest_node_mm"] = _largest(nodes)
    comp_miss = tuple(
        f"lymph_nodes[{i}].compression" for i, n in enumerate(nodes) if n.compression is None
    )

    def any_node(test: str | None) -> FactValue:
        per = [
            None
            if n.compression is None
            else (test in n.compression if test else bool(n.compression))
            for n in nodes
        ]
        value = kleene_any(per)
        return FactValue(value, comp_miss if value is None else ())

    out["compressive_nodes"] = any_node(None)
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
