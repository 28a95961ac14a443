"""A FHIR R4 Bundle -> a ``hepatoboard-case/1`` case and a mapping report.

What is read (codes from ``knowledge/data/fhir_codes.yaml``): Patient (sex, birth date); the
HCC Condition (mCODE primary cancer condition); secondary cancer Conditions for nodal and
distant metastases with their body sites; LOINC-coded lab Observations with UCUM units; ECOG;
TNM category Observations (cN0 / cM0 say "no nodal / no distant disease"); MedicationStatement
and MedicationRequest for prior systemic therapy; the upper GI endoscopy Procedure; and
hepatoboard ``case-field`` Observations for case fields no standard code carries
(:mod:`hepatoboard.fhir.local`). An unknown unit or an unrecognised body site of a metastasis is
an error naming the resource and the element; anything else not understood is listed as ignored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hepatoboard.contracts.case import CASE_FORMAT, Case
from hepatoboard.contracts.errors import CaseError, Problem
from hepatoboard.fhir import local
from hepatoboard.fhir.codes import CodeMaps, codings
from hepatoboard.fhir.parse import Entry, read_bundle
from hepatoboard.fhir.report import MappingReport
from hepatoboard.fhir.therapies import read_therapies
from hepatoboard.fhir.units import quantity_unit
from hepatoboard.intake import check_as_of, parse_case

NO_HCC = "Condition.code"  # the path of the one problem "no HCC Condition in the Bundle"
OBSERVATION_OK = ("final", "amended", "corrected")
CONDITION_NOT = ("refuted", "entered-in-error")
CONDITION_INACTIVE = ("inactive", "resolved", "remission")


class Reader:
    """Collects case values from the resources of one Bundle."""

    def __init__(self, maps: CodeMaps, as_of: dt.date) -> None:
        self.maps = maps
        self.as_of = as_of
        self.values: dict[str, tuple[Any, str]] = {}  # case path -> (value, resource label)
        self.problems: list[Problem] = []
        self.report = MappingReport()
        self.targets: dict[str, dict[str, Any]] = {}  # reference -> list entry being built
        self.entries: dict[str, list[tuple[dict[str, Any], str]]] = {
            "lymph_nodes": [],
            "distant_metastases": [],
            "prior_therapies": [],
        }
        self.lab_dates: dict[str, dt.date | None] = {}
        self.tnm_negative: dict[str, str] = {}  # "n"/"m" -> label of the cN0 / cM0 observation
        self.none_of: dict[str, str] = {}  # list field -> label of a case-field "none"
        self.hcc: str | None = None  # label of the HCC Condition
        self.birth_date: tuple[Any, str] | None = None

    def set(self, path: str, value: Any, label: str) -> None:
        old = self.values.get(path)
        if old is not None and old[0] != value:
            self.problems.append(
                Problem(label, f"{path} = {value!r} contradicts {old[1]} ({path} = {old[0]!r})")
            )
            return
        self.values[path] = (value, label)
        self.report.map(label, path)

    def register(self, entry: Entry, target: dict[str, Any]) -> None:
        """Make a list entry reachable from Observation.focus (by id and by fullUrl)."""
        r = entry.resource
        if r.id:
            self.targets[f"{r.get_resource_type()}/{r.id}"] = target
        if entry.full_url:
            self.targets[entry.full_url] = target

    # ------------------------------------------------------------------ resources
    def patient(self, e: Entry) -> None:
        r = e.resource
        if r.gender in ("male", "female"):
            self.set("patient.sex", r.gender, e.label)
        elif r.gender:
            self.report.ignore(e.label, f"gender '{r.gender}' has no case value")
        if r.birthDate is not None:
            self.birth_date = (r.birthDate, e.label)

    def condition(self, e: Entry) -> None:
        r = e.resource
        status = {c.code for c in codings(r.verificationStatus)}
        if status & set(CONDITION_NOT):
            self.report.ignore(e.label, "verification status refuted / entered-in-error")
            return
        c = self.maps.data.conditions
        if self.maps.first(c.organ_transplant, r.code):
            self.set("comorbidities.organ_transplant", True, e.label)
            return
        active = not ({x.code for x in codings(r.clinicalStatus)} & set(CONDITION_INACTIVE))
        if self.maps.first(c.hcc, r.code):
            self.hcc = e.label
            self.report.map(e.label, "(the hepatocellular carcinoma)")
            return
        secondary = self.maps.first(c.secondary, r.code)
        nodal = self.maps.first(c.nodal, r.code)
        distant = self.maps.first(c.distant, r.code)
        if not (secondary or nodal or distant):
            self.report.ignore(e.label, "condition code not used by hepatoboard")
            return
        if not active:
            self.report.ignore(e.label, "clinical status inactive / resolved / remission")
            return
        self._metastasis(e, nodal is not None, distant.site if distant else None)

    def _metastasis(self, e: Entry, nodal: bool, icd_site: str | None) -> None:
        r = e.resource
        station = next((s for b in r.bodySite or [] if (s := self.maps.node_station(b))), None)
        site = next((s for b in r.bodySite or [] if (s := self.maps.distant_site(b))), None)
        if station and not icd_site:
            target: dict[str, Any] = {"station": station}
            self.entries["lymph_nodes"].append((target, e.label))
        elif (site or icd_site) and not nodal:
            target = {"site": site or icd_site}
            self.entries["distant_metastases"].append((target, e.label))
        else:
            accepted = [s.code for s in self.maps.data.node_sites + self.maps.data.distant_sites]
            what = "lymph-node station" if nodal else "metastasis site"
            self.problems.append(
                Problem(
                    f"{e.label}.bodySite",
                    f"a secondary cancer condition needs a recognised {what} body site (SNOMED "
                    f"{', '.join(accepted)}, or hepatoboard's node-station / metastasis-site "
                    "codes); the station decides regional vs distant spread, so it is not guessed",
                )
            )
            return
        self.register(e, target)
        self.report.map(e.label, "lymph_nodes[]" if "station" in target else "distant_metastases[]")

    def procedure(self, e: Entry) -> None:
        r = e.resource
        if not self.maps.first(self.maps.data.endoscopy.codes, r.code):
            self.report.ignore(e.label, "procedure code not used by hepatoboard")
            return
        if r.status != "completed":
            self.report.ignore(e.label, f"endoscopy status '{r.status}' (not completed)")
            return
        when = r.performedDateTime or (r.performedPeriod.start if r.performedPeriod else None)
        if when is None:
            self.report.ignore(e.label, "endoscopy without a date (performed[x])")
            return
        day = _date(when)
        old = self.values.get("varices.endoscopy_date")
        if old is None or dt.date.fromisoformat(old[0]) < day:
            self.values.pop("varices.endoscopy_date", None)
            self.set("varices.endoscopy_date", day.isoformat(), e.label)

    def observation(self, e: Entry) -> None:
        r = e.resource
        if r.status not in OBSERVATION_OK:
            self.report.ignore(e.label, f"status '{r.status}' (only final, amended, corrected)")
            return
        path = self.maps.local_field(r.code)
        if path is not None:
            return self._local(e, path)
        lab = self.maps.lab(r.code)
        if lab is not None:
            return self._lab(e, lab)
        spec = self.maps.observation(r.code)
        if spec is not None:
            return self._standard(e, spec)
        category = self.maps.tnm_category(r.code)
        if category is not None:
            return self._tnm(e, category)
        self.report.ignore(e.label, "observation code not used by hepatoboard")

    def _lab(self, e: Entry, lab: Any) -> None:
        r = e.resource
        where = f"{e.label}.valueQuantity"
        if r.valueQuantity is None or r.valueQuantity.value is None:
            self.problems.append(Problem(where, f"a {lab.field} result needs valueQuantity.value"))
            return
        unit, problem = quantity_unit(
            r.valueQuantity, lab.units, self.maps.system("ucum"), where, lab.unitless
        )
        if problem is not None:
            self.problems.append(problem)
            return
        when = r.effectiveDateTime or (r.effectivePeriod.start if r.effectivePeriod else None)
        day = _date(when) if when is not None else None
        path = f"labs.{lab.field}"
        if path in self.values:
            previous = self.lab_dates.get(path)
            if day is None or (previous is not None and previous >= day):
                self.report.ignore(e.label, f"an equally recent or later {lab.field} is used")
                return
            self.values.pop(path)
        number = float(r.valueQuantity.value)
        value: Any = number if lab.unitless else {"value": number, "unit": unit}
        self.set(path, value, e.label)
        self.lab_dates[path] = day

    def _standard(self, e: Entry, spec: Any) -> None:
        r = e.resource
        if spec.value == "integer":
            if r.valueInteger is None:
                self.problems.append(Problem(f"{e.label}.valueInteger", "an integer is required"))
                return
            self.set(spec.field, r.valueInteger, e.label)
            return
        where = f"{e.label}.valueQuantity"
        if r.valueQuantity is None or r.valueQuantity.value is None:
            self.problems.append(Problem(where, "valueQuantity.value is required"))
            return
        _, problem = quantity_unit(r.valueQuantity, spec.units, self.maps.system("ucum"), where)
        if problem is not None:
            self.problems.append(problem)
            return
        number = float(r.valueQuantity.value)
        self.set(spec.field, int(number) if spec.field == "patient.age" else number, e.label)

    def _tnm(self, e: Entry, category: str) -> None:
        value = self.maps.tnm_value(e.resource.valueCodeableConcept)
        if category in ("n", "m") and value in ("cN0", "cM0", "N0", "M0"):
            self.tnm_negative[category] = e.label
            self.report.map(e.label, "lymph_nodes" if category == "n" else "distant_metastases")
            return
        self.report.ignore(
            e.label,
            f"TNM {category} {value or '(value not recognised)'}: hepatoboard stages from the "
            "case itself; spread is read from secondary cancer conditions",
        )

    def _local(self, e: Entry, path: str) -> None:
        value, error = local.decode(path, e.resource)
        if error is not None:
            self.problems.append(Problem(f"{e.label}.code", error))
            return
        head, _, sub = path.partition(".")
        if not sub and value == []:
            self.none_of[head] = e.label
            self.report.map(e.label, head)
            return
        if local.field_kinds().get(head) != "entries":
            self.set(path, value, e.label)
            return
        focus = [f.reference for f in e.resource.focus or [] if f.reference]
        target = next((self.targets[f] for f in focus if f in self.targets), None)
        if target is None:
            self.problems.append(
                Problem(f"{e.label}.focus", f"{path} needs a focus on its {head} resource")
            )
            return
        target[sub] = value
        self.report.map(e.label, f"{head}[].{sub}")


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _nest(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in values.items():
        node = out
        *parents, last = path.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[last] = value
    return out


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _finish(reader: Reader, bundle: Any) -> dict[str, Any]:
    """The case document from what the reader collected (list entries, TNM negatives, dates)."""
    for key, category in (("lymph_nodes", "n"), ("distant_metastases", "m")):
        found = reader.entries[key]
        negative = reader.tnm_negative.get(category) or reader.none_of.get(key)
        if found and negative:
            reader.problems.append(
                Problem(negative, f"says no {key.replace('_', ' ')}, but {found[0][1]} has one")
            )
        elif found or negative:
            reader.values[key] = ([t for t, _ in found], found[0][1] if found else str(negative))
    for key, items in reader.entries.items():
        none = reader.none_of.get(key)
        if items and none and key == "prior_therapies":
            reader.problems.append(Problem(none, f"says no {key}, but {items[0][1]} has one"))
        elif key == "prior_therapies" and (items or none):
            reader.values[key] = ([t for t, _ in items], items[0][1] if items else str(none))
    dates = [d for d in reader.lab_dates.values() if d is not None]
    if dates and "labs.date" not in reader.values:
        reader.values["labs.date"] = (max(dates).isoformat(), "lab Observations")
    birth = reader.birth_date
    if birth is not None and "patient.age" not in reader.values:
        reader.set("patient.age", _age(_date(birth[0]), reader.as_of), birth[1])
    data: dict[str, Any] = {"format": CASE_FORMAT}
    ident = bundle.identifier
    if ident is not None and ident.system == reader.maps.system("case_id") and ident.value:
        data["id"] = ident.value
    for tag in (bundle.meta.tag if bundle.meta else None) or []:
        if tag.system == reader.maps.system("profile_tag") and tag.code:
            data["profile"] = tag.code
    data.update(_nest({k: v for k, (v, _) in reader.values.items()}))
    return data


def _relabel(exc: CaseError, reader: Reader) -> CaseError:
    """Case validation problems, each also naming the resource that gave the field."""
    problems = []
    for p in exc.problems:
        head = p.path.split("[")[0]
        for n in range(p.path.count(".") + 1, 0, -1):
            candidate = ".".join(p.path.split(".")[:n])
            if candidate in reader.values:
                head = candidate
                break
        source = reader.values.get(head, (None, None))[1]
        problems.append(Problem(f"{source} ({p.path})" if source else p.path, p.message))
    return CaseError(problems, "FHIR Bundle")


def bundle_to_case(
    data: Any, as_of: dt.date | None = None, maps: CodeMaps | None = None
) -> tuple[Case, MappingReport]:
    """Read a Bundle (parsed JSON) into a validated case and its mapping report, or raise
    :class:`CaseError` naming each resource and element at fault."""
    as_of = check_as_of(as_of)
    bundle, entries = read_bundle(data)
    reader = Reader(maps or CodeMaps(), as_of)
    handlers = {
        "Patient": reader.patient,
        "Condition": reader.condition,
        "Procedure": reader.procedure,
    }
    patients = [e for e in entries if e.resource.get_resource_type() == "Patient"]
    if len(patients) > 1:
        reader.problems.append(Problem(patients[1].label, "a Bundle holds one patient's record"))
    for e in entries:
        rtype = e.resource.get_resource_type()
        if rtype in handlers:
            handlers[rtype](e)
    read_therapies(reader, entries)
    for e in entries:
        rtype = e.resource.get_resource_type()
        if rtype == "Observation":
            reader.observation(e)
        elif rtype not in (*handlers, "MedicationStatement", "MedicationRequest", "Medication"):
            reader.report.ignore(e.label, f"{rtype} is not read by hepatoboard")
    if reader.hcc is None:
        reader.problems.append(
            Problem(
                NO_HCC,
                "no hepatocellular carcinoma Condition (ICD-10 C22.0 or SNOMED 109841003)",
            )
        )
    case_data = _finish(reader, bundle)
    if reader.problems:
        raise CaseError(reader.problems, "FHIR Bundle")
    try:
        case = parse_case(case_data, "FHIR Bundle", as_of)
    except CaseError as exc:
        raise _relabel(exc, reader) from None
    reader.report.fill_missing(case_data)
    return case, reader.report
