"""Named facts derived from a case: the vocabulary that knowledge-base rules are written in.

This module only *extracts* and *aggregates* (a value, a unit conversion, a count, a score from
its sourced formula). It holds no clinical judgement: what a fact means for staging or
eligibility is written in the knowledge base. Every fact is a :class:`FactValue`; an unknown
fact carries the case fields whose absence made it unknown.

The catalogue of fact names is :data:`FACT_DOCS` (shown by ``hepatoboard knowledge --facts``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from hepatoboard.case.model import Case
from hepatoboard.criteria.expr import FactValue
from hepatoboard.knowledge.files import read
from hepatoboard.scores import albi, child_pugh, meld_3_0, meld_i, meld_na

Facts = dict[str, FactValue]

FACT_DOCS: dict[str, str] = {}


def _doc(name: str, text: str) -> None:
    FACT_DOCS[name] = text


def _get(case: Case, path: str) -> Any:
    obj: Any = case
    for part in path.split("."):
        obj = getattr(obj, part, None) if obj is not None else None
    return obj


def _field(facts: Facts, case: Case, name: str, path: str, text: str, conv: Callable | None = None):
    value = _get(case, path)
    if value is not None and conv is not None:
        value = conv(value)
    facts[name] = FactValue(value, () if value is not None else (path,))
    _doc(name, f"{text} (case: {path})")


def _combine(inputs: Iterable[tuple[Any, str]]) -> tuple[list[Any], tuple[str, ...]]:
    values, missing = [], []
    for value, path in inputs:
        values.append(value)
        if value is None:
            missing.append(path)
    return values, tuple(missing)


def _kleene_any(items: list[bool | None]) -> bool | None:
    if any(x is True for x in items):
        return True
    if any(x is None for x in items):
        return None
    return False


# Direct case fields: fact name -> (path, description, converter)
_DIRECT: list[tuple[str, str, str, Callable | None]] = [
    ("age", "patient.age", "age in years", None),
    ("sex", "patient.sex", "male | female", None),
    ("weight_kg", "patient.weight_kg", "body weight, kg", None),
    ("height_cm", "patient.height_cm", "height, cm", None),
    ("cirrhosis", "diagnosis.cirrhosis", "cirrhosis present", None),
    ("diagnosis_confirmed_by", "diagnosis.confirmed_by", "histology | imaging", None),
    ("etiology", "diagnosis.etiology", "list of aetiologies", None),
    ("ecog", "performance.ecog", "ECOG performance status 0-4", None),
    ("ascites", "clinical.ascites", "none | mild | moderate_severe", None),
    ("encephalopathy", "clinical.encephalopathy", "none | grade_1_2 | grade_3_4", None),
    ("dialysis", "clinical.dialysis_past_week", "dialysis in the past week", None),
    ("bilirubin_mg_dl", "labs.bilirubin", "total bilirubin, mg/dL", lambda m: m.canonical),
    ("albumin_g_dl", "labs.albumin", "albumin, g/dL", lambda m: m.canonical),
    ("inr", "labs.inr", "INR", None),
    ("creatinine_mg_dl", "labs.creatinine", "creatinine, mg/dL", lambda m: m.canonical),
    ("sodium_mmol_l", "labs.sodium", "sodium, mmol/L", lambda m: m.canonical),
    ("afp_ng_ml", "labs.afp", "alpha-fetoprotein, ng/mL", lambda m: m.canonical),
    ("platelets", "labs.platelets", "platelets, 10^9/L", lambda m: m.canonical),
    ("hbv_dna_iu_ml", "labs.hbv_dna", "HBV DNA, IU/mL", lambda m: m.canonical),
    ("urine_protein_g_24h", "labs.urine_protein_g_per_24h", "urine protein, g/24 h", None),
    ("nodules", "tumor.nodules", "number of intrahepatic nodules (10 = innumerable)", None),
    ("largest_cm", "tumor.largest_cm", "largest intrahepatic nodule, cm", None),
    ("liver_involvement_over_50pct", "tumor.liver_involvement_over_50pct", "> 50% of liver", None),
    ("infiltrative", "tumor.infiltrative", "infiltrative tumour", None),
    ("bilobar", "tumor.bilobar", "bilobar tumour", None),
    (
        "microvascular_invasion",
        "tumor.microvascular_invasion",
        "microvascular invasion on pathology",
        lambda v: None if v == "unknown" else v,
    ),
    ("portal_vein_invasion", "tumor.portal_vein_invasion", "none | vp1..vp4", None),
    ("hepatic_vein_invasion", "tumor.hepatic_vein_invasion", "none | vv1..vv3", None),
    ("adjacent_organ_invasion", "tumor.adjacent_organ_invasion", "adjacent organ invaded", None),
    (
        "visceral_peritoneum_perforation",
        "tumor.visceral_peritoneum_perforation",
        "visceral peritoneum perforated",
        None,
    ),
    ("bile_duct_invasion", "tumor.bile_duct_invasion", "bile duct invasion", None),
    ("varices_status", "varices.status", "none | small | large | unknown", None),
    ("varices_treated", "varices.treated", "varices treated (banding or NSBB)", None),
    ("variceal_bleeding_history", "varices.bleeding_history", "previous variceal bleeding", None),
    ("autoimmune_disease", "comorbidities.autoimmune_disease", "none | controlled | active", None),
    ("organ_transplant", "comorbidities.organ_transplant", "prior organ transplant", None),
    ("recent_bleeding", "comorbidities.recent_bleeding", "significant bleeding < 3 months", None),
    (
        "arterial_thrombosis_recent",
        "comorbidities.arterial_thrombosis_recent",
        "MI or stroke in the past 3-6 months",
        None,
    ),
    (
        "uncontrolled_hypertension",
        "comorbidities.uncontrolled_hypertension",
        "uncontrolled hypertension",
        None,
    ),
    (
        "therapeutic_anticoagulation",
        "comorbidities.therapeutic_anticoagulation",
        "on therapeutic anticoagulation",
        None,
    ),
    ("antiviral_therapy", "comorbidities.antiviral_therapy", "on HBV/HCV antivirals", None),
    ("pain_nrs", "symptoms.pain_nrs", "pain 0-10", None),
    (
        "pain_source",
        "symptoms.pain_source",
        "nodal_compression | liver_capsule | bone | other",
        None,
    ),
    ("fever", "symptoms.fever", "fever", None),
    ("fatigue", "symptoms.fatigue", "fatigue / weakness", None),
    ("appetite_loss", "symptoms.appetite_loss", "loss of appetite", None),
    ("weight_loss_pct_6mo", "symptoms.weight_loss_pct_6mo", "weight loss in 6 months, %", None),
    ("jaundice", "symptoms.jaundice", "clinical jaundice", None),
    ("bile_ducts_dilated", "symptoms.bile_ducts_dilated", "dilated bile ducts on imaging", None),
    ("ascites_symptomatic", "symptoms.ascites_symptomatic", "tense/uncomfortable ascites", None),
    ("depression", "symptoms.depression", "depression", None),
    ("anxiety", "symptoms.anxiety", "anxiety", None),
]


def derive_facts(case: Case, as_of: dt.date) -> Facts:
    """All named facts for one case (staging facts are added by :mod:`hepatoboard.staging`)."""
    facts: Facts = {}
    for name, path, text, conv in _DIRECT:
        _field(facts, case, name, path, text, conv)
    _etiology(facts, case)
    _scores(facts, case)
    _nodes(facts, case)
    _metastases(facts, case)
    _varices(facts, case, as_of)
    _prior(facts, case)
    facts["declined"] = FactValue(
        list(case.preferences.declines or []) if case.preferences else [], ()
    )
    _doc("declined", "option ids and modalities the patient declines ([] if none given)")
    return facts


def _etiology(facts: Facts, case: Case) -> None:
    et = _get(case, "diagnosis.etiology")
    for virus in ("hbv", "hcv"):
        facts[f"etiology_{virus}"] = FactValue(
            None if et is None else virus in et, () if et is not None else ("diagnosis.etiology",)
        )
        _doc(f"etiology_{virus}", f"{virus.upper()} is among the aetiologies")


def _scores(facts: Facts, case: Case) -> None:
    f = {k: facts[k].value for k in facts}
    (bili, alb, inr, asc, enc), miss = _combine(
        [
            (f["bilirubin_mg_dl"], "labs.bilirubin"),
            (f["albumin_g_dl"], "labs.albumin"),
            (f["inr"], "labs.inr"),
            (f["ascites"], "clinical.ascites"),
            (f["encephalopathy"], "clinical.encephalopathy"),
        ]
    )
    cp = None if miss else child_pugh(bili, alb, inr, asc, enc)
    facts["child_pugh_points"] = FactValue(cp.points if cp else None, miss)
    facts["child_pugh_class"] = FactValue(cp.klass if cp else None, miss)
    _doc("child_pugh_points", "Child-Pugh points 5-15")
    _doc("child_pugh_class", "Child-Pugh class A | B | C")

    (bili, alb), miss = _combine([(bili, "labs.bilirubin"), (alb, "labs.albumin")])
    al = None if miss else albi(bili, alb)
    facts["albi_score"] = FactValue(al.raw if al else None, miss)
    facts["albi_grade"] = FactValue(al.grade if al else None, miss)
    facts["malbi_grade"] = FactValue(al.malbi_grade if al else None, miss)
    _doc("albi_score", "ALBI score (unrounded)")
    _doc("albi_grade", "ALBI grade 1 | 2 | 3")
    _doc("malbi_grade", "modified ALBI grade 1 | 2a | 2b | 3")

    (bili, inr, cr, dia), miss = _combine(
        [
            (bili, "labs.bilirubin"),
            (f["inr"], "labs.inr"),
            (f["creatinine_mg_dl"], "labs.creatinine"),
            (f["dialysis"], "clinical.dialysis_past_week"),
        ]
    )
    mi = None if miss else meld_i(bili, inr, cr, dia)
    facts["meld"] = FactValue(mi, miss)
    na = f["sodium_mmol_l"]
    miss_na = miss + (() if na is not None else ("labs.sodium",))
    facts["meld_na"] = FactValue(None if miss_na else meld_na(mi, na), miss_na)
    (alb, sex), miss_extra = _combine([(alb, "labs.albumin"), (f["sex"], "patient.sex")])
    miss3 = miss_na + miss_extra
    facts["meld_3_0"] = FactValue(
        None if miss3 else meld_3_0(bili, inr, cr, na, alb, sex == "female", dia), miss3
    )
    _doc("meld", "MELD (OPTN 2002-2015)")
    _doc("meld_na", "MELD-Na (OPTN 2016)")
    _doc("meld_3_0", "MELD 3.0 (Kim 2021 / OPTN 2023)")


def _nodes(facts: Facts, case: Case) -> None:
    stations = read("staging.yaml")["node_stations"]
    regional, distant = set(stations["regional"]), set(stations["distant"])
    extra = set(stations["extra_abdominal"])
    nodes = case.lymph_nodes
    miss = () if nodes is not None else ("lymph_nodes",)

    def put(name: str, value: Any, text: str, missing: tuple[str, ...] = miss) -> None:
        facts[name] = FactValue(value, missing if value is None else ())
        _doc(name, text)

    if nodes is None:
        for name in (
            "nodal_disease",
            "regional_nodes",
            "distant_nodes",
            "extra_abdominal_nodes",
            "node_total",
            "node_stations",
            "compressive_nodes",
            "largest_node_mm",
            "regional_node_stations",
            "distant_node_stations",
        ):
            put(name, None, "")
        for kind in _COMPRESSIONS:
            put(f"node_compression_{kind}", None, "")
        _describe_node_facts()
        return
    put("nodal_disease", bool(nodes), "")
    put("regional_node_stations", [n.station for n in nodes if n.station in regional], "")
    put("distant_node_stations", [n.station for n in nodes if n.station in distant], "")
    put("regional_nodes", any(n.station in regional for n in nodes), "")
    put("distant_nodes", any(n.station in distant for n in nodes), "")
    put("extra_abdominal_nodes", any(n.station in extra for n in nodes), "")
    counts = [n.count for n in nodes]
    count_miss = tuple(f"lymph_nodes[{i}].count" for i, c in enumerate(counts) if c is None)
    put("node_total", None if count_miss else sum(counts), "", count_miss)
    put("node_stations", len(nodes), "")
    sizes = [n.short_axis_mm for n in nodes]
    size_miss = tuple(f"lymph_nodes[{i}].short_axis_mm" for i, s in enumerate(sizes) if s is None)
    put("largest_node_mm", None if size_miss else max(sizes, default=0), "", size_miss)
    comp_miss = tuple(
        f"lymph_nodes[{i}].compression" for i, n in enumerate(nodes) if n.compression is None
    )
    per_node = [None if n.compression is None else bool(n.compression) for n in nodes]
    put("compressive_nodes", _kleene_any(per_node), "", comp_miss)
    for kind in _COMPRESSIONS:
        vals = [None if n.compression is None else kind in n.compression for n in nodes]
        put(f"node_compression_{kind}", _kleene_any(vals), "", comp_miss)
    _describe_node_facts()


_COMPRESSIONS = ("bile_duct", "portal_vein", "ivc", "duodenum", "stomach", "airway", "pain")


def _describe_node_facts() -> None:
    _doc("nodal_disease", "any involved lymph node station (lymph_nodes non-empty)")
    _doc("regional_nodes", "any involved regional (N1) station, per staging.yaml")
    _doc("distant_nodes", "any involved distant (M1) station, per staging.yaml")
    _doc("extra_abdominal_nodes", "any involved extra-abdominal station")
    _doc("regional_node_stations", "list of involved regional stations")
    _doc("distant_node_stations", "list of involved distant stations")
    _doc("node_total", "total number of involved nodes")
    _doc("node_stations", "number of involved stations")
    _doc("largest_node_mm", "largest short axis of involved nodes, mm")
    _doc("compressive_nodes", "any node compresses a structure or causes pain")
    for kind in _COMPRESSIONS:
        _doc(f"node_compression_{kind}", f"a node compresses / causes: {kind}")


def _metastases(facts: Facts, case: Case) -> None:
    mets = case.distant_metastases
    miss = () if mets is not None else ("distant_metastases",)
    present = None if mets is None else bool(mets)
    facts["distant_metastases"] = FactValue(present, miss if present is None else ())
    _doc("distant_metastases", "any non-nodal distant metastasis")
    sites = None if mets is None else [m.site for m in mets]
    facts["metastasis_sites"] = FactValue(sites, miss if sites is None else ())
    _doc("metastasis_sites", "list of distant metastasis sites")
    bone = None if mets is None else "bone" in sites
    facts["bone_metastases"] = FactValue(bone, miss if bone is None else ())
    _doc("bone_metastases", "bone metastases present")


def _varices(facts: Facts, case: Case, as_of: dt.date) -> None:
    date = _get(case, "varices.endoscopy_date")
    days = (as_of - date).days if date is not None else None
    facts["endoscopy_age_days"] = FactValue(days, () if date else ("varices.endoscopy_date",))
    _doc("endoscopy_age_days", "days since the last upper GI endoscopy")
    labs_date = _get(case, "labs.date")
    lab_days = (as_of - labs_date).days if labs_date is not None else None
    facts["labs_age_days"] = FactValue(lab_days, () if labs_date else ("labs.date",))
    _doc("labs_age_days", "days since the labs were drawn")


def _prior(facts: Facts, case: Case) -> None:
    prior = case.prior_therapies
    miss = () if prior is not None else ("prior_therapies",)
    modality = {o["id"]: o["modality"] for o in _option_index()}

    def put(name: str, value: Any, text: str) -> None:
        facts[name] = FactValue(value, miss if value is None else ())
        _doc(name, text)

    if prior is None:
        for name in (
            "prior_regimens",
            "progressed_on",
            "intolerant_of",
            "prior_modalities",
            "progressed_modalities",
            "intolerant_modalities",
            "systemic_lines",
            "next_line",
            "sorafenib_tolerated",
            "no_response_modalities",
        ):
            put(name, None, "")
        _describe_prior()
        return
    systemic = {"immunotherapy", "targeted_therapy", "chemotherapy"}
    progressed = [
        p.regimen for p in prior if p.stop_reason == "progression" or p.best_response == "pd"
    ]
    intolerant = [p.regimen for p in prior if p.stop_reason == "toxicity" or p.tolerated is False]
    no_resp = [p.regimen for p in prior if p.best_response in ("sd", "pd")]
    put("prior_regimens", [p.regimen for p in prior], "")
    put("progressed_on", progressed, "")
    put("intolerant_of", intolerant, "")
    put("prior_modalities", sorted({modality[p.regimen] for p in prior}), "")
    put("progressed_modalities", sorted({modality[r] for r in progressed}), "")
    put("intolerant_modalities", sorted({modality[r] for r in intolerant}), "")
    put("no_response_modalities", sorted({modality[r] for r in no_resp}), "")
    lines = {
        p.line if p.line is not None else i + 1
        for i, p in enumerate(prior)
        if modality[p.regimen] in systemic
    }
    put("systemic_lines", len(lines), "")
    put("next_line", len(lines) + 1, "")
    sora = [p for p in prior if p.regimen == "sorafenib"]
    if not sora:
        facts["sorafenib_tolerated"] = FactValue(False, ())
    else:
        tol = sora[-1].tolerated
        facts["sorafenib_tolerated"] = FactValue(
            tol, () if tol is not None else ("prior_therapies.tolerated",)
        )
    _describe_prior()


def _describe_prior() -> None:
    _doc("prior_regimens", "option ids of previous treatments")
    _doc("progressed_on", "regimens with progression (stop_reason progression or best_response pd)")
    _doc("intolerant_of", "regimens stopped for toxicity or not tolerated")
    _doc("no_response_modalities", "modalities whose best response was sd or pd")
    _doc("prior_modalities", "modalities of previous treatments")
    _doc("progressed_modalities", "modalities the disease progressed on")
    _doc("intolerant_modalities", "modalities not tolerated")
    _doc("systemic_lines", "number of previous systemic lines")
    _doc("next_line", "the line of systemic therapy the next treatment would be")
    _doc("sorafenib_tolerated", "prior sorafenib was tolerated (false if never given)")


def _option_index() -> list[dict[str, Any]]:
    return read("options.yaml")["options"]
