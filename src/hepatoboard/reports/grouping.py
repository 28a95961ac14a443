"""The tumour-board grouping of a plan, written once and used by every presentation (terminal
report, clinician report, plan page, family report).

A board reads a plan in this order: the first choice (systemic options recommended and not
declined), the alternatives (systemic options to consider, or recommended but declined), local
treatment (nodes, liver, bile ducts), supportive care, what cannot be decided yet and why, and
what is not eligible. Options are dicts of the stored assessment document
(``plan.options[]``), so old stored documents group the same way as new ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

ACTIVE = ("recommended", "consider")
STATUS_ORDER = {"recommended": 0, "consider": 1, "undetermined": 2, "not_eligible": 3}

Option = Mapping[str, Any]


@dataclass
class BoardGroups:
    first_choice: list[Option] = field(default_factory=list)
    alternatives: list[Option] = field(default_factory=list)
    local: list[Option] = field(default_factory=list)
    supportive: list[Option] = field(default_factory=list)
    undetermined: list[Option] = field(default_factory=list)
    not_eligible: list[Option] = field(default_factory=list)

    def sections(self) -> list[tuple[str, str, list[Option]]]:
        """(key, heading, options) in reading order."""
        return [
            ("first_choice", "First choice", self.first_choice),
            ("alternatives", "Alternatives", self.alternatives),
            ("local", "Local treatment (nodes, liver, bile ducts)", self.local),
            ("supportive", "Supportive care", self.supportive),
            ("undetermined", "Cannot decide yet", self.undetermined),
            ("not_eligible", "Not eligible / not indicated", self.not_eligible),
        ]


def is_systemic(o: Option) -> bool:
    """The option's own flag (``systemic`` in the document, from options.yaml)."""
    if "systemic" in o:
        return bool(o["systemic"])
    from hepatoboard.knowledge.load import default_knowledge  # documents stored before the flag

    known = default_knowledge().options.get(str(o.get("id")))
    return bool(known and known.systemic)


def group_options(options: Sequence[Option]) -> BoardGroups:
    """Group a plan's options the way a tumour board reads them (stable within a group)."""
    g = BoardGroups()
    for o in sorted(options, key=lambda x: STATUS_ORDER[x["status"]]):
        status, declined = o["status"], bool(o.get("declined"))
        if status == "undetermined":
            g.undetermined.append(o)
        elif status == "not_eligible":
            g.not_eligible.append(o)
        elif o["modality"] == "supportive":
            g.supportive.append(o)
        elif not is_systemic(o):
            g.local.append(o)
        elif status == "recommended" and not declined:
            g.first_choice.append(o)
        else:
            g.alternatives.append(o)
    return g
