"""English display labels of the case form that the knowledge base does not hold: section
titles, fields without a fact in ``facts.yaml``, help texts and the label of every enumeration
value. Treatment options are labelled with their knowledge-base names (``options.yaml``).

Each string is an English msgid (``N_``); the Vietnamese text is in
``web/locale/vi/LC_MESSAGES/web.po`` (:mod:`hepatoboard.web.i18n`). tests/test_web_i18n.py fails
when a form field or an enumeration value has no label here or in the knowledge base, or no
Vietnamese translation. Nothing here is clinical judgement or a threshold.
"""

from __future__ import annotations

from hepatoboard.reports.clinician import STATUSES
from hepatoboard.reports.i18n import N_

TITLES = {
    "patient": N_("Patient"),
    "diagnosis": N_("Diagnosis"),
    "performance": N_("Performance status"),
    "clinical": N_("Liver decompensation"),
    "labs": N_("Laboratory"),
    "tumor": N_("Liver tumour"),
    "lymph_nodes": N_("Lymph nodes (one row per involved station)"),
    "distant_metastases": N_("Distant metastases"),
    "varices": N_("Varices (upper GI endoscopy)"),
    "comorbidities": N_("Comorbidities"),
    "prior_therapies": N_("Previous treatments (most recent last)"),
    "medications": N_("Current medications"),
    "imaging": N_("Imaging studies (CT/MRI; the first is the baseline)"),
    "symptoms": N_("Symptoms"),
    "preferences": N_("Preferences of the patient"),
}

# Fields without a fact in the knowledge base (keyed by the field path without row index).
FIELDS = {
    "patient.sex": N_("Sex"),
    "labs.date": N_("Date of the laboratory tests"),
    "tumor.bile_duct_invasion": N_("Bile duct invasion"),
    "tumor.sizes_cm": N_("Diameter of each nodule, cm"),
    "lymph_nodes.station": N_("Node station"),
    "lymph_nodes.count": N_("Number of nodes"),
    "lymph_nodes.short_axis_mm": N_("Short axis of the largest node, mm"),
    "lymph_nodes.evidence": N_("Evidence of involvement"),
    "lymph_nodes.compression": N_("Compresses"),
    "distant_metastases.site": N_("Site"),
    "distant_metastases.count": N_("Number of lesions"),
    "varices.endoscopy_date": N_("Date of the last upper GI endoscopy"),
    "comorbidities.autoimmune_disease": N_("Autoimmune disease"),
    "comorbidities.uncontrolled_hypertension": N_("Uncontrolled hypertension"),
    "comorbidities.last_gi_bleeding_date": N_("Date of the last gastrointestinal bleeding"),
    "prior_therapies.regimen": N_("Treatment"),
    "prior_therapies.date": N_("Start date (or date of the procedure)"),
    "prior_therapies.line": N_("Line of systemic treatment"),
    "prior_therapies.best_response": N_("Best response"),
    "prior_therapies.stop_reason": N_("Reason for stopping"),
    "prior_therapies.tolerated": N_("Tolerated"),
    "prior_therapies.irae_grade": N_("Immune-related adverse event: highest grade"),
    "prior_therapies.irae_organ": N_("Immune-related adverse event: organ"),
    "medications.class": N_("Drug class"),
    "medications.name": N_("Drug name"),
    "imaging.date": N_("Date of the study"),
    "imaging.targets": N_("Target lesions"),
    "imaging.new_lesions": N_("New lesions"),
    "imaging.nontarget_progression": N_("Progression of non-target lesions"),
    "imaging.afp": N_("Alpha-fetoprotein at the study"),
    "symptoms.fever": N_("Fever"),
    "symptoms.depression": N_("Depression"),
    "symptoms.anxiety": N_("Anxiety"),
    "preferences.goals": N_("Goals of the patient"),
    "preferences.declines": N_("Treatments the patient declines"),
}

DATE_HELP = N_("dd/mm/yyyy (yyyy-mm-dd is accepted too)")
HELP = {
    "performance.ecog": N_(
        "0 fully active; 1 restricted in strenuous activity; 2 up and about more than half of "
        "the day; 3 in bed or chair more than half of the day; 4 completely disabled"
    ),
    "lymph_nodes.short_axis_mm": N_("On CT or MRI, in the axial plane"),
    "symptoms.pain_nrs": N_("Numeric rating scale: 0 no pain, 10 worst pain imaginable"),
    "prior_therapies.irae_grade": N_("CTCAE grade 1-4"),
    "comorbidities.recent_bleeding": N_("For example vomiting blood or black stools"),
}

COMMON = {"unknown": N_("unknown"), "none": N_("None"), "other": N_("Other")}
MODALITIES = {
    "immunotherapy": N_("Any immunotherapy"),
    "targeted_therapy": N_("Any targeted therapy"),
    "chemotherapy": N_("Any chemotherapy"),
    "radiotherapy": N_("Any radiotherapy"),
    "surgery_interventional": N_("Any surgery or interventional procedure"),
    "locoregional": N_("Any locoregional treatment"),
    "supportive": N_("Any supportive care"),
}
STATIONS = {
    "porta_hepatis": N_("Porta hepatis"),
    "hepatic_artery": N_("Along the hepatic artery"),
    "hepatic_pedicle": N_("Hepatic pedicle"),
    "hepatoduodenal_ligament": N_("Hepatoduodenal ligament"),
    "periportal": N_("Periportal"),
    "portal_vein": N_("Along the portal vein"),
    "caval": N_("Next to the inferior vena cava"),
    "inferior_phrenic": N_("Inferior phrenic"),
    "celiac": N_("Coeliac axis"),
    "peripancreatic": N_("Peripancreatic"),
    "para_aortic": N_("Para-aortic"),
    "retroperitoneal": N_("Retroperitoneal"),
    "mesenteric": N_("Mesenteric"),
    "retrocrural": N_("Retrocrural"),
    "cardiophrenic": N_("Cardiophrenic"),
    "mediastinal": N_("Mediastinal"),
    "internal_mammary": N_("Internal mammary"),
    "supraclavicular": N_("Supraclavicular"),
    "cervical": N_("Cervical"),
    "axillary": N_("Axillary"),
}
CHOICES: dict[str, dict[str, str]] = {
    "patient.sex": {"male": N_("Male"), "female": N_("Female")},
    "diagnosis.confirmed_by": {
        "histology": N_("Histology (biopsy)"),
        "imaging": N_("Typical imaging (non-invasive criteria)"),
    },
    "diagnosis.etiology": {
        "hbv": N_("Hepatitis B (HBV)"),
        "hcv": N_("Hepatitis C (HCV)"),
        "alcohol": N_("Alcohol"),
        "masld": N_("MASLD (metabolic dysfunction-associated fatty liver)"),
    },
    "performance.ecog_cause": {"cancer": N_("The cancer"), "comorbidity": N_("A comorbidity")},
    "clinical.ascites": {"mild": N_("Mild"), "moderate_severe": N_("Moderate or severe")},
    "clinical.encephalopathy": {"grade_1_2": N_("Grade 1-2"), "grade_3_4": N_("Grade 3-4")},
    "tumor.portal_vein_invasion": {
        "vp1": N_("Vp1: beyond the second-order branches"),
        "vp2": N_("Vp2: second-order branches"),
        "vp3": N_("Vp3: first-order branches"),
        "vp4": N_("Vp4: main trunk or contralateral branch"),
    },
    "tumor.hepatic_vein_invasion": {
        "vv1": N_("Vv1: peripheral hepatic vein branches"),
        "vv2": N_("Vv2: right, middle or left hepatic vein"),
        "vv3": N_("Vv3: inferior vena cava"),
    },
    "tumor.morphology": {
        "nodular": N_("Nodular"),
        "massive": N_("Massive"),
        "diffuse": N_("Diffuse"),
    },
    "lymph_nodes.station": STATIONS,
    "lymph_nodes.evidence": {
        "imaging": N_("Imaging (CT/MRI)"),
        "pet": N_("PET/CT"),
        "biopsy": N_("Biopsy or cytology"),
    },
    "lymph_nodes.compression": {
        "bile_duct": N_("Bile duct"),
        "portal_vein": N_("Portal vein"),
        "ivc": N_("Inferior vena cava"),
        "duodenum": N_("Duodenum"),
        "stomach": N_("Stomach"),
        "airway": N_("Airway"),
        "pain": N_("Causes pain"),
    },
    "distant_metastases.site": {
        "lung": N_("Lung"),
        "bone": N_("Bone"),
        "adrenal": N_("Adrenal gland"),
        "peritoneum": N_("Peritoneum"),
        "brain": N_("Brain"),
    },
    "varices.status": {"small": N_("Small"), "large": N_("Large")},
    "comorbidities.autoimmune_disease": {
        "controlled": N_("Controlled"),
        "active": N_("Active"),
    },
    "prior_therapies.best_response": {
        "cr": N_("Complete response (CR)"),
        "pr": N_("Partial response (PR)"),
        "sd": N_("Stable disease (SD)"),
        "pd": N_("Progressive disease (PD)"),
    },
    "prior_therapies.stop_reason": {
        "progression": N_("Progression"),
        "toxicity": N_("Toxicity"),
        "completed": N_("Completed"),
        "ongoing": N_("Ongoing"),
    },
    "prior_therapies.irae_organ": {
        "liver": N_("Liver (hepatitis)"),
        "gut": N_("Gut (colitis)"),
        "lung": N_("Lung (pneumonitis)"),
        "skin": N_("Skin"),
        "endocrine": N_("Endocrine glands"),
        "kidney": N_("Kidney (nephritis)"),
        "heart": N_("Heart (myocarditis)"),
        "nerve": N_("Nerves"),
    },
    "medications.class": {
        "calcineurin_inhibitor": N_("Calcineurin inhibitor (tacrolimus, ciclosporin)"),
        "mtor_inhibitor": N_("mTOR inhibitor (sirolimus, everolimus)"),
        "anticoagulant": N_("Anticoagulant"),
        "antiplatelet": N_("Antiplatelet agent"),
        "strong_cyp3a4_inducer": N_("Strong CYP3A4 inducer"),
        "strong_cyp3a4_inhibitor": N_("Strong CYP3A4 inhibitor"),
        "systemic_corticosteroid": N_("Systemic corticosteroid"),
        "nsaid": N_("Non-steroidal anti-inflammatory drug (NSAID)"),
    },
    "symptoms.pain_source": {
        "nodal_compression": N_("Compression by lymph nodes"),
        "liver_capsule": N_("Stretching of the liver capsule"),
        "bone": N_("Bone metastasis"),
    },
    "preferences.goals": {
        "longer_survival": N_("Live longer"),
        "symptom_control": N_("Control of symptoms"),
        "stay_at_home": N_("Stay at home"),
        "avoid_hospital": N_("Avoid hospital stays"),
    },
}
OPTION_FIELDS = ("prior_therapies.regimen", "preferences.declines")


def option_names() -> dict[str, str]:
    """Treatment options by id, with their knowledge-base names (English msgids)."""
    from hepatoboard.knowledge.load import default_knowledge

    return {k: str(o.name) for k, o in default_knowledge().options.items()}


def choice_label(path: str, value: str) -> str | None:
    """The English label of an enumeration value of the form field ``path`` (no row index),
    or None when it has none (the test fails on that)."""
    if path in OPTION_FIELDS:
        return option_names().get(value) or MODALITIES.get(value) or COMMON.get(value)
    return CHOICES.get(path, {}).get(value) or COMMON.get(value)


PROFILES = {
    "international": N_("International (default)"),
    "china": N_("China: international plus CNLC 2022"),
    "asia": N_("Asia: international plus Asian practice (Vietnam MOH 3129/2020, CNLC, INASL)"),
}

# The same status words as the clinician report (one table, one set of translations).
STATUS_NAMES = STATUSES
MODALITY_NAMES = {
    "immunotherapy": N_("immunotherapy"),
    "targeted_therapy": N_("targeted therapy"),
    "chemotherapy": N_("chemotherapy"),
    "radiotherapy": N_("radiotherapy"),
    "surgery_interventional": N_("surgery or intervention"),
    "locoregional": N_("locoregional treatment"),
    "supportive": N_("supportive care"),
}
