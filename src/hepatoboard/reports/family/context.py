"""What the family report reads from one assessment document, gathered once: the options grouped
as the tumour board reads them (:func:`hepatoboard.reports.grouping.group_options`), their plain
names, the prognosis scenarios, and whether the plan is palliative care as the main care."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hepatoboard.reports.family.texts import OPTIONS
from hepatoboard.reports.grouping import BoardGroups, group_options, is_systemic

ACTIVE = ("recommended", "consider")

Option = Mapping[str, Any]


@dataclass
class ReportCase:
    """One assessment document, read for the family report in one language."""

    assessment: dict[str, Any]
    lang: str
    _: Callable[[str], str]
    groups: BoardGroups = field(init=False)
    options: dict[str, Option] = field(init=False)
    names: dict[str, str] = field(init=False)
    scenarios: list[dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        opts = self.plan.get("options") or []
        self.groups = group_options(opts)
        self.options = {o["id"]: o for o in opts}
        self.names = {o["id"]: self.option_name(o) for o in opts}
        self.scenarios = list((self.assessment.get("prognosis") or {}).get("scenarios") or [])

    @property
    def plan(self) -> dict[str, Any]:
        return self.assessment.get("plan") or {}

    def option_name(self, option: Option) -> str:
        """The plain name of an option (drug names are kept as they are)."""
        plain = OPTIONS.get(str(option["id"]))
        return self._(plain[0]) if plain else str(option.get("name") or option["id"])

    def active(self, options: list[Option]) -> list[Option]:
        """The options a family may hear about: recommended or considered, not declined."""
        return [o for o in options if o["status"] in ACTIVE and not o.get("declined")]

    @property
    def drugs_suitable(self) -> bool:
        """Some medicine against the cancer is recommended or considered (and not declined)."""
        return any(is_systemic(o) for o in self.active(list(self.options.values())))

    @property
    def palliative_main(self) -> bool:
        """No medicine against the cancer fits and the plan is supportive care: palliative care is
        the main care (for example BCLC D)."""
        bsc = self.options.get("best_supportive_care")
        recommended = bool(bsc and bsc["status"] == "recommended")
        return not self.drugs_suitable and (self.plan.get("intent") == "supportive" or recommended)

    @property
    def first_choice(self) -> list[Option]:
        return list(self.groups.first_choice)

    @property
    def alternatives(self) -> list[Option]:
        """Medicines that may fit (considered, not declined)."""
        return self.active(self.groups.alternatives)

    @property
    def local_recommended(self) -> list[Option]:
        return [o for o in self.active(self.groups.local) if o["status"] == "recommended"]

    @property
    def local_considered(self) -> list[Option]:
        return [o for o in self.active(self.groups.local) if o["status"] == "consider"]

    @property
    def undetermined(self) -> list[Option]:
        return [o for o in self.groups.undetermined if not o.get("declined")]

    @property
    def declined(self) -> list[Option]:
        return [o for o in self.options.values() if o.get("declined")]

    def names_of(self, options: list[Option]) -> str:
        return ", ".join(self.names[o["id"]] for o in options)

    def scenario(self, scenario_id: str) -> dict[str, Any] | None:
        """The expected-survival scenario of an option (never a "what is possible" one)."""
        for sc in self.scenarios:
            if sc.get("id") == scenario_id and sc.get("kind", "expected") != "responder":
                return sc
        return None

    def responder(self) -> dict[str, Any] | None:
        """The "what is possible" scenario of the seed article (kind responder), if present."""
        for sc in self.scenarios:
            if sc.get("kind") == "responder" and "seed_article" in (sc.get("sources") or []):
                return sc
        return None
