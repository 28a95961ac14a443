"""Questions of the family report: every missing fact of the assessment becomes one plain question
the family can answer or ask the doctors, without repeats, ordered by what it decides; and the
standing questions to ask the doctors (cost and health insurance among them, and for palliative
care as the main care, "when must we come to hospital at once?").

The map is data: case field path (``missing_data[].field``, list indices dropped) -> question
key, and question key -> English msgid. Several fields can share one question (the blood tests
are asked together, with the names of the missing ones).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from hepatoboard.reports.family.texts import DEPARTMENTS, SUPPORTIVE
from hepatoboard.reports.i18n import N_

Tr = Callable[[str], str]


class Question(NamedTuple):
    text: str  # English msgid
    family: bool  # True: the family can answer it; False: a result to ask the doctors about


QUESTIONS: dict[str, Question] = {
    "age": Question(N_("How old is the patient?"), True),
    "sex": Question(N_("Is the patient a man or a woman?"), True),
    "weight": Question(N_("How much does the patient weigh now?"), True),
    "height": Question(N_("How tall is the patient?"), True),
    "patient_details": Question(N_("What are the patient's age, weight and height?"), True),
    "diagnosis_how": Question(N_("Was the liver cancer confirmed by a biopsy or by scans?"), False),
    "etiology": Question(
        N_(
            "What caused the liver disease: hepatitis B, hepatitis C, alcohol, fatty liver or "
            "something else?"
        ),
        True,
    ),
    "cirrhosis": Question(N_("Does the patient have cirrhosis (scarring of the liver)?"), False),
    "activity": Question(
        N_(
            "How active is the patient? Can they look after themselves and walk about, or are "
            "they in bed or a chair for much of the day?"
        ),
        True,
    ),
    "activity_cause": Question(
        N_("Is the patient's weakness caused by the cancer or by another illness?"), False
    ),
    "ascites": Question(N_("Is there fluid in the belly (ascites), and how much?"), False),
    "confusion": Question(N_("Has the patient been unusually sleepy or confused?"), True),
    "dialysis": Question(N_("Has the patient had kidney dialysis in the past week?"), True),
    "bile_drained": Question(
        N_("Has a blocked bile duct been opened, and were the liver tests repeated afterwards?"),
        False,
    ),
    "liver_signs": Question(
        N_("Are there signs that the liver is failing, such as fluid in the belly or confusion?"),
        False,
    ),
    "tests": Question(N_("Are there recent results for these tests: {tests}?"), False),
    "tumour": Question(
        N_(
            "What does the latest scan show about the tumour in the liver: how many tumours, how "
            "big and where?"
        ),
        False,
    ),
    "vessels": Question(
        N_("Has the cancer grown into the large blood vessels of the liver?"), False
    ),
    "nearby_organs": Question(
        N_("Has the tumour grown into nearby organs, the lining of the belly or the bile ducts?"),
        False,
    ),
    "small_vessels": Question(
        N_("Did the biopsy or the operation show cancer in small blood vessels?"), False
    ),
    "resectable": Question(
        N_("Can a surgeon remove the tumour in the liver together with the lymph nodes?"), False
    ),
    "nodes": Question(
        N_("What do the scans show about the lymph nodes: where they are, how many and how big?"),
        False,
    ),
    "node_pressure": Question(
        N_(
            "Does a swollen lymph node press on something, such as a bile duct, a vein, the bowel "
            "or the airway, or does it cause pain?"
        ),
        False,
    ),
    "spread": Question(
        N_("Has the cancer spread to other organs, such as the lungs or the bones?"), False
    ),
    "endoscopy_date": Question(
        N_("When was the last endoscopy (a camera test of the food pipe and stomach)?"), False
    ),
    "varices": Question(
        N_("What did the last endoscopy show: are there swollen veins (varices) in the food pipe?"),
        False,
    ),
    "varices_treated": Question(
        N_("Have the swollen veins (varices) been treated, with bands or with tablets?"), False
    ),
    "bleeding_ever": Question(
        N_(
            "Has the patient ever vomited blood or had black stools? If so, when was the last time?"
        ),
        True,
    ),
    "bleeding_recent": Question(
        N_(
            "In the last 3 months, has there been serious bleeding, vomiting of blood or black "
            "stools?"
        ),
        True,
    ),
    "heart_stroke": Question(
        N_("In the last 6 months, has the patient had a heart attack or a stroke?"), True
    ),
    "blood_pressure": Question(
        N_("Is the patient's blood pressure high, even with medicine?"), True
    ),
    "blood_thinners": Question(N_("Does the patient take medicine to thin the blood?"), True),
    "autoimmune": Question(
        N_("Does the patient have an autoimmune disease, such as lupus or rheumatoid arthritis?"),
        True,
    ),
    "transplant": Question(N_("Has the patient ever had an organ transplant?"), True),
    "antiviral": Question(N_("Is the patient taking medicine for hepatitis B or C now?"), True),
    "other_illness": Question(
        N_("Does the patient have other illnesses, and which medicines do they take?"), True
    ),
    "past_treatment": Question(
        N_(
            "Has the patient had treatment for the liver cancer before? If so, which treatment, "
            "and how did it go?"
        ),
        True,
    ),
    "pain": Question(N_("How strong is the pain, from 0 (none) to 10 (the worst)?"), True),
    "pain_where": Question(
        N_("Where does the pain come from: the lymph nodes, the liver, a bone or elsewhere?"),
        False,
    ),
    "fever": Question(N_("Has the patient had a fever?"), True),
    "tired": Question(N_("Is the patient often very tired or weak?"), True),
    "appetite": Question(N_("Has the patient lost their appetite?"), True),
    "weight_loss": Question(N_("How much weight has the patient lost in the last 6 months?"), True),
    "yellow": Question(N_("Have the skin or the whites of the eyes turned yellow?"), True),
    "bile_ducts": Question(
        N_("Do the scans show widened bile ducts (a sign of a blockage)?"), False
    ),
    "belly": Question(N_("Is the belly swollen, tight or uncomfortable?"), True),
    "low_mood": Question(N_("Has the patient felt low or sad most of the time?"), True),
    "worry": Question(N_("Has the patient been very worried or anxious?"), True),
    "symptoms": Question(N_("Which symptoms does the patient have now?"), True),
    "wishes": Question(
        N_("What matters most to the patient now, and is there any treatment they do not want?"),
        True,
    ),
    "other": Question(N_("Which other information do the doctors still need?"), False),
}

# Case field path (list indices written as "[]") -> question key.
FIELDS: dict[str, str] = {
    "patient.age": "age",
    "patient.sex": "sex",
    "patient.weight_kg": "weight",
    "patient.height_cm": "height",
    "diagnosis.confirmed_by": "diagnosis_how",
    "diagnosis.etiology": "etiology",
    "diagnosis.cirrhosis": "cirrhosis",
    "performance.ecog": "activity",
    "performance.ecog_cause": "activity_cause",
    "clinical.ascites": "ascites",
    "clinical.encephalopathy": "confusion",
    "clinical.dialysis_past_week": "dialysis",
    "clinical.biliary_drained": "bile_drained",
    "tumor.nodules": "tumour",
    "tumor.largest_cm": "tumour",
    "tumor.liver_involvement_over_50pct": "tumour",
    "tumor.infiltrative": "tumour",
    "tumor.bilobar": "tumour",
    "tumor.portal_vein_invasion": "vessels",
    "tumor.hepatic_vein_invasion": "vessels",
    "tumor.adjacent_organ_invasion": "nearby_organs",
    "tumor.visceral_peritoneum_perforation": "nearby_organs",
    "tumor.bile_duct_invasion": "nearby_organs",
    "tumor.microvascular_invasion": "small_vessels",
    "tumor.resectable": "resectable",
    "lymph_nodes": "nodes",
    "lymph_nodes[].compression": "node_pressure",
    "distant_metastases": "spread",
    "varices.endoscopy_date": "endoscopy_date",
    "varices.status": "varices",
    "varices.treated": "varices_treated",
    "varices.bleeding_history": "bleeding_ever",
    "comorbidities.last_gi_bleeding_date": "bleeding_ever",
    "comorbidities.recent_bleeding": "bleeding_recent",
    "comorbidities.arterial_thrombosis_recent": "heart_stroke",
    "comorbidities.uncontrolled_hypertension": "blood_pressure",
    "comorbidities.therapeutic_anticoagulation": "blood_thinners",
    "comorbidities.autoimmune_disease": "autoimmune",
    "comorbidities.organ_transplant": "transplant",
    "comorbidities.antiviral_therapy": "antiviral",
    "prior_therapies": "past_treatment",
    "symptoms.pain_nrs": "pain",
    "symptoms.pain_source": "pain_where",
    "symptoms.fever": "fever",
    "symptoms.fatigue": "tired",
    "symptoms.appetite_loss": "appetite",
    "symptoms.weight_loss_pct_6mo": "weight_loss",
    "symptoms.jaundice": "yellow",
    "symptoms.bile_ducts_dilated": "bile_ducts",
    "symptoms.ascites_symptomatic": "belly",
    "symptoms.depression": "low_mood",
    "symptoms.anxiety": "worry",
    "preferences": "wishes",
}

# First part of a path -> question key, for a field the table above does not name.
SECTIONS: dict[str, str] = {
    "patient": "patient_details",
    "diagnosis": "diagnosis_how",
    "performance": "activity",
    "clinical": "liver_signs",
    "labs": "tests",
    "tumor": "tumour",
    "lymph_nodes": "nodes",
    "distant_metastases": "spread",
    "varices": "varices",
    "comorbidities": "other_illness",
    "prior_therapies": "past_treatment",
    "symptoms": "symptoms",
    "preferences": "wishes",
}

# labs.<name> -> the test, named in the "tests" question.
TESTS: dict[str, str] = {
    "bilirubin": N_("bilirubin (liver)"),
    "albumin": N_("albumin (liver)"),
    "inr": N_("INR (blood clotting)"),
    "creatinine": N_("creatinine (kidneys)"),
    "sodium": N_("sodium (salt in the blood)"),
    "afp": N_("AFP (a tumour marker)"),
    "platelets": N_("platelet count"),
    "hbv_dna": N_("hepatitis B virus level (HBV DNA)"),
    "urine_protein_g_per_24h": N_("protein in the urine"),
    "date": N_("the date of the blood tests"),
}
OTHER_TESTS = N_("other blood tests")
HELPS_DECIDE = N_("This helps decide: {items}.")
MAX_NAMED = 3  # a list of more option names than this is summarised (layout, not clinical)
MAX_LISTED = 6  # the summary's "not decided yet" line lists at most this many names (layout)
SEVERAL = N_("several treatments")
SEVERAL_AMONG = N_("several treatments, among them {names}")

TREATMENT_QUESTIONS = (
    N_("Which treatment do you advise first and why?"),
    N_("How much will the treatment cost? How much does health insurance (BHYT) pay?"),
    N_("Is this medicine available at this hospital? If not, where can we get it?"),
    N_("How long will the treatment last, and how often must we come to hospital?"),
    N_("Which side effects should we watch for, and whom do we call?"),
    N_("How will we know if the treatment is working?"),
    N_("What should the patient eat, and what should they avoid?"),
    N_("What happens if we choose palliative care only, without treatment against the cancer?"),
    N_("Is there a clinical trial that could fit?"),
)

COMFORT_QUESTIONS = (
    N_("When must we come to hospital at once?"),
    N_("How can we care for the patient at home?"),
    N_("Whom do we call, day or night, when a problem comes up?"),
    N_("What can we do if the pain or discomfort gets worse?"),
    N_("Can the palliative care team visit us at home?"),
    N_("How much will the care cost? How much does health insurance (BHYT) pay?"),
    N_("What should the patient eat, and what should they avoid?"),
)

_INDEX = re.compile(r"\[\d+\]")


def question_key(field: str) -> str:
    """The question for a missing case field (``lymph_nodes[0].compression`` -> node_pressure)."""
    path = _INDEX.sub("[]", field)
    if path in FIELDS:
        return FIELDS[path]
    if path.startswith("labs."):
        return "tests"
    list_head = path.split("[]", 1)[0]  # lymph_nodes[].count -> lymph_nodes
    if "[]" in path and list_head in FIELDS:
        return FIELDS[list_head]
    return SECTIONS.get(path.split(".", 1)[0].split("[", 1)[0], "other")


# What a missing fact can decide, most decisive first (the order of the questions).
IMPACT = ("undetermined_medicine", "option", "staging", "scores", "other")


def _rank(blocked: str, options: Mapping[str, Mapping[str, Any]]) -> int:
    """How much a missing fact matters: an undecided anticancer medicine first, then any
    treatment option, then the stage, then the liver scores, then the rest."""
    option = options.get(blocked)
    if option is not None:
        undecided = option.get("systemic") and option.get("status") == "undetermined"
        return IMPACT.index("undetermined_medicine" if undecided else "option")
    head = blocked.split(".", 1)[0]
    return IMPACT.index(head if head in IMPACT else "other")


def blocked_label(blocked: str, names: Mapping[str, str], _: Tr) -> str:
    """What a missing fact helps decide, in plain words."""
    if blocked in names:
        return names[blocked]
    head, _dot, rest = blocked.partition(".")
    if head == "staging":
        return _("the stage of the cancer")
    if head == "scores":
        return _("the liver scores")
    if head == "supportive" and rest in SUPPORTIVE:
        return _(SUPPORTIVE[rest][0])
    if head == "referral" and rest in DEPARTMENTS:
        return _(DEPARTMENTS[rest][0])
    return _("the plan")


def _affects(
    blocks: list[str], options: Mapping[str, Any], names: Mapping[str, str], _: Tr
) -> list[str]:
    """What a question helps decide: a few option names (or "several treatments"), then the
    stage, scores and care it also decides; "the plan" only when nothing else is named."""
    named = [names[b] for b in blocks if b in options and b in names]
    rest = [blocked_label(b, names, _) for b in blocks if b not in options]
    out = named if len(named) <= MAX_NAMED else [_(SEVERAL)]
    out += [label for label in dict.fromkeys(rest) if label not in out]
    plan = _("the plan")
    return [label for label in out if label != plan] or out


def missing_questions(
    missing: Iterable[Mapping[str, Any]],
    options: Mapping[str, Mapping[str, Any]],
    names: Mapping[str, str],
    _: Tr,
) -> list[dict[str, Any]]:
    """One plain question per missing fact (merged when several facts share one), most decisive
    first. Each item: ``text``, ``family`` (the family can answer), ``affects`` (plain labels of
    what it helps decide), ``note`` (the same as a sentence), ``fields`` (the case fields it
    stands for)."""
    found: dict[str, dict[str, Any]] = {}
    tests: list[str] = []
    for order, item in enumerate(missing):
        key = question_key(item["field"])
        entry = found.setdefault(
            key, {"key": key, "order": order, "rank": len(IMPACT), "blocks": []}
        )
        entry.setdefault("fields", []).append(item["field"])
        for blocked in item.get("blocks") or []:
            entry["rank"] = min(entry["rank"], _rank(blocked, options))
            if blocked not in entry["blocks"]:
                entry["blocks"].append(blocked)
        if key == "tests":
            test = TESTS.get(item["field"].split(".", 1)[-1], OTHER_TESTS)
            if test not in tests:
                tests.append(test)
    out = []
    for entry in sorted(found.values(), key=lambda e: (e["rank"], e["order"])):
        question = QUESTIONS[entry["key"]]
        text = _(question.text)
        if entry["key"] == "tests":
            text = text.format(tests=", ".join(_(t) for t in tests))
        affects = _affects(entry["blocks"], options, names, _)
        note = _(HELPS_DECIDE).format(items=", ".join(affects)) if affects else ""
        out.append(
            {
                "text": text,
                "family": question.family,
                "affects": affects,
                "note": note,
                "fields": entry["fields"],
            }
        )
    return out
