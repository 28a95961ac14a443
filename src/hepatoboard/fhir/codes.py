"""Look-ups in the FHIR code maps (``knowledge/data/fhir_codes.yaml``): which case field a coded
resource carries. Nothing here knows a code: every code comes from the knowledge base."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hepatoboard.knowledge.load import fhir_codes
from hepatoboard.knowledge.schema import FhirCode, FhirCodes, LabCode, ObservationCode


@dataclass(frozen=True)
class Coding:
    system: str
    code: str


def codings(concept: Any) -> list[Coding]:
    """The (system, code) pairs of a CodeableConcept (model or dict); codings without both are
    left out."""
    if concept is None:
        return []
    raw = concept.get("coding") if isinstance(concept, dict) else concept.coding
    out = []
    for c in raw or []:
        system = c.get("system") if isinstance(c, dict) else c.system
        code = c.get("code") if isinstance(c, dict) else c.code
        if system and code:
            out.append(Coding(str(system), str(code)))
    return out


class CodeMaps:
    """The code maps of one knowledge base, indexed for look-up."""

    def __init__(self, data: FhirCodes | None = None) -> None:
        self.data = data or fhir_codes()
        self.url = self.data.systems

    def system(self, key: str) -> str:
        return self.url[key]

    def _is(self, refs: Iterable[FhirCode], coding: Coding) -> FhirCode | None:
        for ref in refs:
            if self.url[ref.system] == coding.system and ref.matches(coding.code):
                return ref
        return None

    def first(self, refs: Iterable[FhirCode], concept: Any) -> FhirCode | None:
        refs = list(refs)
        for c in codings(concept):
            hit = self._is(refs, c)
            if hit is not None:
                return hit
        return None

    def lab(self, concept: Any) -> LabCode | None:
        loinc = self.url["loinc"]
        for c in codings(concept):
            for lab in self.data.labs:
                if c.system == loinc and c.code == lab.loinc:
                    return lab
        return None

    def observation(self, concept: Any) -> ObservationCode | None:
        for c in codings(concept):
            for o in self.data.observations:
                if c.system == self.url[o.system] and c.code == o.code:
                    return o
        return None

    def local_field(self, concept: Any) -> str | None:
        """The case field path of a hepatoboard ``case-field`` code."""
        for c in codings(concept):
            if c.system == self.url["case_field"]:
                return c.code
        return None

    def tnm_category(self, concept: Any) -> str | None:
        """t / n / m / stage for an mCODE SNOMED or deprecated LOINC TNM observation code."""
        for c in codings(concept):
            for key, cat in self.data.tnm.categories.items():
                if (c.system, c.code) in (
                    (self.url["snomed"], cat.snomed),
                    (self.url["loinc"], cat.loinc),
                ):
                    return key
        return None

    def tnm_value(self, concept: Any) -> str | None:
        """An AJCC category value such as ``cN0`` (AJCC code system or a listed SNOMED concept)."""
        by_snomed = {v: k for k, v in self.data.tnm.snomed_values.items()}
        for c in codings(concept):
            if c.system == self.url["ajcc"]:
                return c.code
            if c.system == self.url["snomed"] and c.code in by_snomed:
                return by_snomed[c.code]
        return None

    def node_station(self, site: Any) -> str | None:
        for c in codings(site):
            if c.system == self.url["node_station"]:
                return c.code
            if c.system == self.url["snomed"]:
                for s in self.data.node_sites:
                    if s.code == c.code:
                        return s.station
        return None

    def distant_site(self, site: Any) -> str | None:
        for c in codings(site):
            if c.system == self.url["metastasis_site"]:
                return c.code
            if c.system == self.url["snomed"]:
                for s in self.data.distant_sites:
                    if s.code == c.code:
                        return s.site
        return None

    def drug(self, concept: Any) -> str | None:
        """The drug name (``drugs:`` key) of an RxNorm or ATC coding."""
        for c in codings(concept):
            for name, d in self.data.drugs.items():
                if (c.system == self.url["rxnorm"] and c.code in d.rxnorm) or (
                    c.system == self.url["atc"] and c.code in d.atc
                ):
                    return name
        return None

    def regimen_code(self, concept: Any) -> str | None:
        for c in codings(concept):
            if c.system == self.url["regimen"]:
                return c.code
        return None

    def regimen_of(self, drugs: set[str]) -> str | None:
        """The regimen (option id) made of exactly these drugs."""
        for option, names in self.data.regimens.items():
            if set(names) == drugs:
                return option
        return None

    def regimens_with(self, drug: str) -> list[str]:
        """Regimens (option ids) that include this drug."""
        return [o for o, names in self.data.regimens.items() if drug in names]

    def drug_coding(self, name: str) -> list[dict[str, str]]:
        d = self.data.drugs[name]
        return [{"system": self.url["rxnorm"], "code": c} for c in d.rxnorm] + [
            {"system": self.url["atc"], "code": c} for c in d.atc
        ]

    def profile(self, name: str) -> str:
        return self.data.profiles.base + name

    def local_profile(self, name: str) -> str:
        return self.data.profiles.local_base + name
