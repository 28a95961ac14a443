"""The mapping report of a FHIR import: what was mapped (resource -> case field), what was
ignored (and why) and which case fields stayed unknown."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hepatoboard.fhir.local import field_kinds

NOT_CLINICAL = ("format", "id", "profile")


@dataclass
class MappingReport:
    mapped: list[dict[str, str]] = field(default_factory=list)
    ignored: list[dict[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def map(self, resource: str, to: str) -> None:
        self.mapped.append({"resource": resource, "to": to})

    def ignore(self, resource: str, reason: str) -> None:
        self.ignored.append({"resource": resource, "reason": reason})

    def fill_missing(self, data: dict[str, Any]) -> None:
        """Every case field (outside list entries) that the Bundle did not give."""
        out = []
        for path in field_kinds():
            head = path.split(".")[0]
            if path in NOT_CLINICAL or (head != path and field_kinds().get(head) == "entries"):
                continue
            node: Any = data
            for part in path.split("."):
                node = node.get(part) if isinstance(node, dict) else None
            if node is None:
                out.append(path)
        self.missing = out

    def to_json(self) -> dict[str, Any]:
        return {"mapped": self.mapped, "ignored": self.ignored, "missing": self.missing}
