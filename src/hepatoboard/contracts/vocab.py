"""Controlled vocabularies of the public contracts (``hepatoboard-case/1`` and
``hepatoboard-assessment/1``). These are identifiers, not clinical rules: which station is
regional, which option suits whom, lives in the knowledge base.
"""

from __future__ import annotations

from typing import Literal, get_args

NodeStation = Literal[
    "porta_hepatis",
    "hepatic_artery",
    "hepatic_pedicle",
    "hepatoduodenal_ligament",
    "periportal",
    "portal_vein",
    "caval",
    "inferior_phrenic",
    "celiac",
    "peripancreatic",
    "para_aortic",
    "retroperitoneal",
    "mesenteric",
    "retrocrural",
    "cardiophrenic",
    "mediastinal",
    "internal_mammary",
    "supraclavicular",
    "cervical",
    "axillary",
    "other",
]

OptionId = Literal[
    # immunotherapy
    "atezolizumab_bevacizumab",
    "durvalumab_tremelimumab",
    "nivolumab_ipilimumab",
    "camrelizumab_rivoceranib",
    "sintilimab_bevacizumab_biosimilar",
    "tislelizumab",
    "durvalumab",
    "pembrolizumab",
    "nivolumab",
    # targeted therapy
    "sorafenib",
    "lenvatinib",
    "donafenib",
    "regorafenib",
    "cabozantinib",
    "ramucirumab",
    # chemotherapy
    "folfox4",
    "gemox",
    "haic_folfox",
    # radiotherapy
    "nodal_radiotherapy",
    "palliative_radiotherapy",
    # surgery / interventional
    "lymph_node_dissection",
    "selective_lymphadenectomy",
    "nodal_ablation",
    "biliary_drainage",
    # locoregional
    "tace",
    "tare",
    # curative and liver-directed (case format 1.1)
    "resection",
    "thermal_ablation",
    "liver_transplantation",
    "hepatectomy_lymphadenectomy",
    "sbrt_liver",
    # supportive
    "best_supportive_care",
]

Modality = Literal[
    "immunotherapy",
    "targeted_therapy",
    "chemotherapy",
    "radiotherapy",
    "surgery_interventional",
    "locoregional",
    "supportive",
]

SupportiveMeasureId = Literal[
    "analgesia",
    "laxative_prophylaxis",
    "paracentesis_with_albumin",
    "diuretics",
    "nutrition_support",
    "fever_evaluation",
    "biliary_drainage",
    "encephalopathy_treatment",
    "psychological_support",
    "antiviral_therapy",
    "advance_care_planning",
    "variceal_prophylaxis",
]

Department = Literal[
    "oncology",
    "hepatology_gastroenterology",
    "diagnostic_imaging",
    "nutrition",
    "palliative_care",
    "radiation_oncology",
    "surgery",
    "interventional_radiology",
    "psychology_psychiatry",
]

MedicationClass = Literal[
    "calcineurin_inhibitor",
    "mtor_inhibitor",
    "anticoagulant",
    "antiplatelet",
    "strong_cyp3a4_inducer",
    "strong_cyp3a4_inhibitor",
    "systemic_corticosteroid",
    "nsaid",
    "other",
]

MetastasisSite = Literal["lung", "bone", "adrenal", "peritoneum", "brain", "other"]

OPTION_IDS: tuple[str, ...] = get_args(OptionId)
MODALITIES: tuple[str, ...] = get_args(Modality)
NODE_STATIONS: tuple[str, ...] = get_args(NodeStation)
SUPPORTIVE_MEASURE_IDS: tuple[str, ...] = get_args(SupportiveMeasureId)
DEPARTMENTS: tuple[str, ...] = get_args(Department)
MEDICATION_CLASSES: tuple[str, ...] = get_args(MedicationClass)
METASTASIS_SITES: tuple[str, ...] = get_args(MetastasisSite)
