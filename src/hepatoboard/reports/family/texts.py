"""Catalogue tables of the family report: plain names and plain explanations, keyed by the ids of
the knowledge base (option, supportive measure, department, node station, profile, source).

Every string is an English msgid marked with ``N_`` (translated in ``locale/<lang>``). Nothing
here is clinical judgement or a figure: what is proposed, and every number, comes from the
assessment document. Tests check that every id of the knowledge base has an entry.
"""

from __future__ import annotations

from typing import NamedTuple

from hepatoboard.reports.i18n import N_


class Explanation(NamedTuple):
    """How a kind of treatment is explained: one line for the summary, then the details."""

    short: str
    what: tuple[str, ...]
    how: str
    side_effects: str
    procedure: bool = False  # an operation or procedure: "possible problems", not "side effects"


_IO_DEFENCE = N_(
    "Immunotherapy helps the body's own defence system (the immune system) find and attack the "
    "cancer."
)
_IO_DRIP = N_("It is given as a drip into a vein at the hospital, every few weeks.")
_IO_SIDE = N_(
    "Tiredness, rash, itching and diarrhoea. Sometimes the immune system attacks healthy organs "
    "by mistake, such as the liver, gut, lungs or hormone glands. Tell the doctors at once about "
    "any new problem."
)
_HAND_FOOT = N_(
    "Hand-foot skin reaction (red, sore or peeling skin on the palms and soles), diarrhoea, "
    "tiredness, poor appetite and high blood pressure. If side effects are hard, the doctors can "
    "often lower the dose."
)
_RT_HOW = N_(
    "For each session the patient lies still on a table for a few minutes. It does not hurt. The "
    "patient comes to hospital several times, for a short time each visit."
)
_RT_SIDE = N_("Tiredness, nausea, and a sore stomach or sore skin where the rays go.")
_TUBE_HOW = N_(
    "A doctor passes a thin tube (catheter) through a blood vessel, from the groin or wrist to "
    "the liver. The patient usually stays in hospital for a few days."
)
_SURGERY_HOW = N_(
    "The patient is under a general anaesthetic (asleep) during the operation, then stays in "
    "hospital to recover."
)
_SURGERY_SIDE = N_("Pain after the operation, bleeding, infection and slow recovery.")
_SURGERY_ONLY_IF = N_(
    "It is only possible when few lymph nodes have cancer, the patient is fit and the liver works "
    "well."
)

EXPLANATIONS: dict[str, Explanation] = {
    "io": Explanation(
        N_("immunotherapy, given as a drip into a vein every few weeks"),
        (N_("This is immunotherapy."), _IO_DEFENCE),
        _IO_DRIP,
        _IO_SIDE,
    ),
    "io_bev": Explanation(
        N_("immunotherapy with bevacizumab, both given as a drip into a vein every few weeks"),
        (
            N_(
                "This is immunotherapy combined with bevacizumab, a medicine that cuts off the "
                "blood supply of the cancer."
            ),
            _IO_DEFENCE,
        ),
        N_(
            "Both medicines are given as a drip into a vein at the hospital, every few weeks. "
            "Before starting, the doctors do an endoscopy (a camera test of the food pipe and "
            "stomach) to look for swollen veins (varices) that could bleed."
        ),
        N_(
            "Tiredness, rash, itching and diarrhoea. Bevacizumab can raise blood pressure, cause "
            "protein to leak into the urine and make bleeding more likely. Sometimes the immune "
            "system attacks healthy organs by mistake. Tell the doctors at once about any new "
            "problem."
        ),
    ),
    "io_tablet": Explanation(
        N_(
            "immunotherapy as a drip every few weeks, with a daily tablet (rivoceranib) that cuts "
            "off the blood supply of the cancer"
        ),
        (
            N_(
                "This is immunotherapy combined with rivoceranib, a tablet that cuts off the "
                "blood supply of the cancer."
            ),
            _IO_DEFENCE,
        ),
        N_(
            "Camrelizumab is a drip into a vein every few weeks. Rivoceranib is a tablet taken at "
            "home every day."
        ),
        N_(
            "High blood pressure, hand-foot skin reaction (red, sore or peeling skin on the palms "
            "and soles), tiredness and raised liver enzymes. Sometimes the immune system attacks "
            "healthy organs by mistake. Tell the doctors at once about any new problem."
        ),
    ),
    "tki": Explanation(
        N_("targeted therapy, a tablet taken at home every day"),
        (
            N_(
                "This is targeted therapy: a medicine that blocks the signals the cancer needs to "
                "grow and the blood vessels that feed it."
            ),
        ),
        N_("It is a tablet taken at home every day."),
        _HAND_FOOT,
    ),
    "targeted_iv": Explanation(
        N_("targeted therapy, given as a drip into a vein every few weeks"),
        (
            N_(
                "This is targeted therapy: a medicine that blocks the blood vessels that feed "
                "the cancer."
            ),
        ),
        _IO_DRIP,
        N_("High blood pressure, swollen legs, protein in the urine and bleeding."),
    ),
    "chemo": Explanation(
        N_("chemotherapy, given as a drip into a vein in cycles"),
        (
            N_(
                "This is chemotherapy: a strong medicine that kills cells that grow fast, such as "
                "cancer cells."
            ),
        ),
        N_("It is given as a drip into a vein at the hospital, in rounds called cycles."),
        N_(
            "Tiredness, nausea, tingling in the hands and feet, and low blood counts. Low blood "
            "counts make infections and bruising more likely."
        ),
    ),
    "haic": Explanation(
        N_("chemotherapy given through a thin tube straight into the artery of the liver"),
        (
            N_(
                "This is chemotherapy given straight into the artery that feeds the liver. "
                "Chemotherapy is a strong medicine that kills cells that grow fast."
            ),
        ),
        _TUBE_HOW,
        N_("Belly pain, nausea, fever and tiredness."),
    ),
    "rt_nodes": Explanation(
        N_("radiotherapy: high-energy rays aimed at the lymph nodes, to shrink them and ease pain"),
        (
            N_(
                "This is radiotherapy to the lymph nodes with cancer. Radiotherapy uses "
                "high-energy rays aimed at the cancer to shrink it. It can ease pain and pressure "
                "from swollen lymph nodes."
            ),
        ),
        _RT_HOW,
        _RT_SIDE,
    ),
    "rt_palliative": Explanation(
        N_("a short course of radiotherapy to ease pain"),
        (
            N_(
                "This is radiotherapy to a painful place, such as a bone, a lymph node or the "
                "liver. Radiotherapy uses high-energy rays aimed at the cancer. Here the aim is "
                "to ease pain."
            ),
        ),
        _RT_HOW,
        _RT_SIDE,
    ),
    "dissection": Explanation(
        N_("an operation to remove the whole group of lymph nodes around the affected ones"),
        (
            N_(
                "This is an operation that removes the whole group of lymph nodes in the "
                "affected area: the nodes with cancer and the nodes around them."
            ),
            _SURGERY_ONLY_IF,
        ),
        _SURGERY_HOW,
        _SURGERY_SIDE,
        procedure=True,
    ),
    "selective": Explanation(
        N_("an operation to remove only the lymph nodes with cancer"),
        (
            N_(
                "This is an operation that removes only the lymph nodes with cancer (the "
                "enlarged nodes seen on the scans). The other lymph nodes stay in place."
            ),
            _SURGERY_ONLY_IF,
        ),
        _SURGERY_HOW,
        _SURGERY_SIDE,
        procedure=True,
    ),
    "ablation": Explanation(
        N_("a thin needle, guided by scans, that destroys the lymph node with heat"),
        (
            N_(
                "A thin needle is guided to the lymph node with scans. Heat from the needle "
                "destroys the cancer."
            ),
        ),
        N_(
            "The patient has a general anaesthetic, or a local anaesthetic with sedation "
            "(medicine that makes the patient calm and drowsy), so there is no pain. The patient "
            "usually stays in hospital for a short time."
        ),
        N_("Pain and fever. Rarely, nearby organs are hurt."),
        procedure=True,
    ),
    "resection": Explanation(
        N_("an operation to remove the part of the liver with the tumour"),
        (
            N_(
                "This is an operation that removes the part of the liver that contains the "
                "tumour. The rest of the liver grows back and takes over its work."
            ),
            N_(
                "It is only possible when the tumour can be removed safely, the liver works well "
                "and the patient is fit."
            ),
        ),
        _SURGERY_HOW,
        _SURGERY_SIDE,
        procedure=True,
    ),
    "liver_ablation": Explanation(
        N_("a thin needle, guided by scans, that destroys the liver tumour with heat"),
        (
            N_(
                "A thin needle is guided to the tumour in the liver with scans. Heat from the "
                "needle destroys the tumour."
            ),
            N_("It is used for small tumours."),
        ),
        N_(
            "The patient has a general anaesthetic, or a local anaesthetic with sedation "
            "(medicine that makes the patient calm and drowsy), so there is no pain. The patient "
            "usually stays in hospital for a short time."
        ),
        N_("Pain and fever. Rarely, bleeding or injury to nearby organs."),
        procedure=True,
    ),
    "transplant": Explanation(
        N_("replacing the diseased liver with a healthy liver from a donor"),
        (
            N_(
                "The whole diseased liver is removed and replaced with a healthy liver from a "
                "donor. This treats the tumour and the liver disease together."
            ),
            N_(
                "It is only possible when the cancer is still only inside the liver and small "
                "enough, and a donor liver can be found."
            ),
        ),
        N_(
            "A long operation under a general anaesthetic, then weeks in hospital. Afterwards the "
            "patient takes medicines every day for life, so that the body does not reject the new "
            "liver."
        ),
        N_(
            "Rejection of the new liver, infection, and side effects of the anti-rejection "
            "medicines."
        ),
        procedure=True,
    ),
    "hepatectomy_nodes": Explanation(
        N_("one operation to remove the liver tumour and the lymph nodes with cancer"),
        (
            N_(
                "This is one operation that removes the part of the liver with the tumour and the "
                "nearby lymph nodes with cancer."
            ),
            _SURGERY_ONLY_IF,
        ),
        _SURGERY_HOW,
        _SURGERY_SIDE,
        procedure=True,
    ),
    "sbrt": Explanation(
        N_("a few sessions of high-dose radiotherapy aimed precisely at the liver tumour"),
        (
            N_(
                "Radiotherapy beams are aimed very precisely at the tumour in the liver, with a "
                "high dose in a few sessions."
            ),
        ),
        _RT_HOW,
        _RT_SIDE,
    ),
    "drainage": Explanation(
        N_("a small tube (stent) to open a blocked bile duct"),
        (
            N_(
                "The doctors place a small tube (a stent) to open a blocked bile duct. Then bile "
                "can flow again and the yellow skin (jaundice) can get better."
            ),
        ),
        N_(
            "Most often it is done with a camera tube passed through the mouth (endoscopy). "
            "Sometimes it is done through the skin."
        ),
        N_("Pain, fever or infection. The tube can block again."),
        procedure=True,
    ),
    "tace": Explanation(
        N_("medicine and tiny particles put into the artery of the tumour, to cut off its blood"),
        (
            N_(
                "Medicine and tiny particles are put into the artery that feeds the tumour in the "
                "liver. This blocks the tumour's blood supply."
            ),
        ),
        _TUBE_HOW,
        N_("For a few days there can be belly pain, fever, nausea and tiredness."),
        procedure=True,
    ),
    "tare": Explanation(
        N_("tiny radioactive beads put into the artery of the liver tumour"),
        (
            N_(
                "Tiny beads that give off radiation are put into the artery that feeds the liver "
                "tumour. They treat the tumour from inside."
            ),
        ),
        _TUBE_HOW,
        N_("Tiredness, belly pain and nausea."),
        procedure=True,
    ),
}

# Option id -> (plain name, explanation kind). Drug names are the same in every language; an
# option whose knowledge-base name has clinical English gets a plain name.
OPTIONS: dict[str, tuple[str, str | None]] = {
    "atezolizumab_bevacizumab": (N_("Atezolizumab + bevacizumab"), "io_bev"),
    "durvalumab_tremelimumab": (N_("Durvalumab + tremelimumab (STRIDE)"), "io"),
    "nivolumab_ipilimumab": (N_("Nivolumab + ipilimumab"), "io"),
    "camrelizumab_rivoceranib": (N_("Camrelizumab + rivoceranib"), "io_tablet"),
    "sintilimab_bevacizumab_biosimilar": (
        N_("Sintilimab + a bevacizumab biosimilar (IBI305)"),
        "io_bev",
    ),
    "tislelizumab": (N_("Tislelizumab"), "io"),
    "durvalumab": (N_("Durvalumab (alone)"), "io"),
    "pembrolizumab": (N_("Pembrolizumab"), "io"),
    "nivolumab": (N_("Nivolumab (alone)"), "io"),
    "sorafenib": (N_("Sorafenib"), "tki"),
    "lenvatinib": (N_("Lenvatinib"), "tki"),
    "donafenib": (N_("Donafenib"), "tki"),
    "regorafenib": (N_("Regorafenib"), "tki"),
    "cabozantinib": (N_("Cabozantinib"), "tki"),
    "ramucirumab": (N_("Ramucirumab"), "targeted_iv"),
    "folfox4": (N_("FOLFOX4 chemotherapy"), "chemo"),
    "gemox": (N_("GEMOX chemotherapy"), "chemo"),
    "haic_folfox": (N_("Chemotherapy into the liver artery (HAIC)"), "haic"),
    "nodal_radiotherapy": (N_("Radiotherapy to the lymph nodes"), "rt_nodes"),
    "palliative_radiotherapy": (N_("Radiotherapy to ease pain"), "rt_palliative"),
    "lymph_node_dissection": (N_("Lymph node dissection"), "dissection"),
    "selective_lymphadenectomy": (N_("Removal of only the lymph nodes with cancer"), "selective"),
    "nodal_ablation": (N_("Heat treatment (ablation) of the lymph nodes"), "ablation"),
    "biliary_drainage": (N_("Opening a blocked bile duct"), "drainage"),
    "tace": (N_("Blocking the tumour's blood supply (TACE)"), "tace"),
    "tare": (N_("Putting radioactive beads into the liver artery (TARE)"), "tare"),
    "resection": (N_("Operation to remove part of the liver"), "resection"),
    "thermal_ablation": (N_("Heat treatment (ablation) of the liver tumour"), "liver_ablation"),
    "liver_transplantation": (N_("Liver transplant"), "transplant"),
    "hepatectomy_lymphadenectomy": (
        N_("Operation to remove the liver tumour and the lymph nodes together"),
        "hepatectomy_nodes",
    ),
    "sbrt_liver": (N_("Precise radiotherapy to the liver tumour (SBRT)"), "sbrt"),
    "best_supportive_care": (N_("Palliative care only"), None),
}

# Availability badge -> what the family reads (nothing when no site is configured).
AVAILABILITY: dict[str, str] = {
    "not_registered": N_("It may not be available in this country (it is not registered here)."),
    "not_reimbursed": N_("Health insurance here does not pay for it."),
    "partly_reimbursed": N_("Health insurance here pays for part of it."),
    "unknown": N_(
        "Whether it is available here and paid for by health insurance is not known: ask the "
        "doctors."
    ),
    "registered": N_("It is available here; ask whether health insurance pays for it."),
    "available": N_("It is available here and health insurance pays for it."),
}

# Response category of the latest scans -> a plain sentence ({date} = the latest scan).
RESPONSE: dict[str, str] = {
    "CR": N_("The scans of {date} no longer show the measured cancer."),
    "PR": N_("The scans of {date} show that the cancer has shrunk."),
    "SD": N_("The scans of {date} show that the cancer has stayed about the same."),
    "PD": N_("The scans of {date} show that the cancer has grown."),
    "iUPD": N_(
        "The scans of {date} suggest that the cancer has grown. With immunotherapy a tumour "
        "sometimes looks bigger before it shrinks, so the doctors check again with the next scan."
    ),
}

PALLIATIVE = {
    "name": N_("Palliative care"),
    "what": N_(
        "Palliative care eases pain and other symptoms and supports the patient and the family. "
        "It starts now, together with any other treatment."
    ),
    "how": N_(
        "Doctors and nurses of the palliative care team help the patient and the family, at the "
        "hospital or at home."
    ),
    "side_effects": N_(
        "It has no side effects of its own. Strong pain medicine can cause constipation or "
        "sleepiness."
    ),
    "main_care": N_(
        "Palliative care is now the main care. It does not treat the cancer itself. It aims at "
        "comfort: less pain, better eating and sleep, and support for the whole family."
    ),
}

# Supportive measure id -> (title, plain text).
SUPPORTIVE: dict[str, tuple[str, str]] = {
    "analgesia": (
        N_("Pain relief"),
        N_(
            "The doctors choose pain medicine that is safe for the liver. Some common pain pills "
            "can harm the liver or kidneys, so ask the doctors before taking any medicine."
        ),
    ),
    "laxative_prophylaxis": (
        N_("Preventing constipation"),
        N_(
            "Strong pain medicine often causes constipation. The doctors usually give a laxative "
            "to take every day with it. This matters because, when the liver is weak, "
            "constipation can bring on confusion."
        ),
    ),
    "paracentesis_with_albumin": (
        N_("Draining fluid from the belly"),
        N_(
            "If the belly is swollen and tight with fluid, a doctor can drain it with a thin "
            "needle. A protein drip (albumin) is often given at the same time."
        ),
    ),
    "diuretics": (
        N_("Water pills and less salt"),
        N_(
            "Eating less salt and taking water pills (diuretics) help stop fluid from building up "
            "in the belly."
        ),
    ),
    "nutrition_support": (
        N_("Eating well"),
        N_(
            "Enough protein and energy keep the body stronger. Do not cut down on protein (meat, "
            "fish, eggs, milk, beans), even when the liver is weak. Small, frequent meals help, "
            "with a snack before bed. A dietitian can make a plan."
        ),
    ),
    "fever_evaluation": (
        N_("Fever"),
        N_("A fever can mean an infection. Call the doctors quickly if there is a fever."),
    ),
    "biliary_drainage": (
        N_("Opening a blocked bile duct"),
        N_(
            "If the skin or eyes turn yellow because a bile duct is blocked, the doctors can place "
            "a small tube to open it."
        ),
    ),
    "encephalopathy_treatment": (
        N_("Confusion caused by the liver"),
        N_(
            "When the liver is weak, the patient can become very sleepy, drowsy or confused. "
            "Medicines can help. Tell the doctors at once if this happens."
        ),
    ),
    "psychological_support": (
        N_("Worry and sadness"),
        N_(
            "Worry and sadness are common. Talking with a counsellor or a doctor helps. These "
            "problems can be treated."
        ),
    ),
    "antiviral_therapy": (
        N_("Hepatitis B medicine"),
        N_(
            "Medicine for hepatitis B protects the liver, most of all during cancer treatment. "
            "Take it every day. Do not stop it without asking the doctor."
        ),
    ),
    "advance_care_planning": (
        N_("Planning ahead together"),
        N_(
            "Talk early, as a family and with the patient, about what matters most to them. Talk "
            "about where they want to be cared for. Agree who will speak with the doctors if one "
            "day the patient can no longer decide."
        ),
    ),
    "variceal_prophylaxis": (
        N_("Preventing bleeding from swollen veins"),
        N_(
            "Swollen veins in the food pipe (varices) can bleed. Tablets (beta-blockers) or tying "
            "off the veins with small bands during an endoscopy lower this risk."
        ),
    ),
}

# Department id -> (name, why the family goes there). One name per department, used everywhere.
DEPARTMENTS: dict[str, tuple[str, str]] = {
    "oncology": (
        N_("Oncology department (cancer medicine)"),
        N_("These doctors choose the cancer treatment and coordinate the team."),
    ),
    "hepatology_gastroenterology": (
        N_("Hepatology department (liver and digestive medicine)"),
        N_(
            "These doctors look after the liver, hepatitis and swollen veins in the food pipe "
            "(varices)."
        ),
    ),
    "diagnostic_imaging": (
        N_("Imaging department (scans)"),
        N_("Scans show where the cancer is and whether the treatment is working."),
    ),
    "nutrition": (
        N_("Nutrition department"),
        N_("This team helps with eating, weight and strength."),
    ),
    "palliative_care": (
        N_("Palliative care department"),
        N_(
            "This team eases pain and other symptoms and supports the family, from now on, "
            "together with any treatment."
        ),
    ),
    "radiation_oncology": (
        N_("Radiotherapy department"),
        N_("These doctors treat painful or pressing lymph nodes with radiotherapy."),
    ),
    "surgery": (
        N_("Surgery department"),
        N_("These doctors check whether an operation on the lymph nodes is possible."),
    ),
    "interventional_radiology": (
        N_("Interventional radiology department"),
        N_(
            "These doctors treat through thin tubes (catheters) or needles, guided by scans such "
            "as ultrasound, CT or angiography."
        ),
    ),
    "psychology_psychiatry": (
        N_("Psychology and mental health department"),
        N_("This team helps with worry, sadness and stress."),
    ),
}

# Lymph-node station (case-format.md) -> where it is, in plain words.
STATIONS: dict[str, str] = {
    "porta_hepatis": N_("where the vessels enter the liver (porta hepatis)"),
    "hepatic_artery": N_("along the artery of the liver"),
    "hepatic_pedicle": N_("at the stalk of vessels of the liver (hepatic pedicle)"),
    "hepatoduodenal_ligament": N_("between the liver and the bowel (hepatoduodenal ligament)"),
    "periportal": N_("around the portal vein"),
    "portal_vein": N_("along the portal vein"),
    "caval": N_("next to the large vein behind the liver (vena cava)"),
    "inferior_phrenic": N_("under the diaphragm"),
    "celiac": N_("around the coeliac artery, behind the stomach"),
    "peripancreatic": N_("around the pancreas"),
    "para_aortic": N_("along the aorta, at the back of the belly"),
    "retroperitoneal": N_("at the back of the belly (retroperitoneum)"),
    "mesenteric": N_("around the bowel (mesentery)"),
    "retrocrural": N_("behind the diaphragm"),
    "cardiophrenic": N_("next to the heart, above the diaphragm"),
    "mediastinal": N_("in the middle of the chest (mediastinum)"),
    "internal_mammary": N_("inside the chest wall, next to the breastbone"),
    "supraclavicular": N_("above the collarbone"),
    "cervical": N_("in the neck"),
    "axillary": N_("in the armpit"),
    "other": N_("in another place"),
}

PROFILES: dict[str, str] = {
    "international": N_("international"),
    "asia": N_("Asia"),
    "china": N_("China"),
}

# Sources a family report names: {year} comes from sources.yaml.
SOURCES: dict[str, str] = {
    "seed_article": N_(
        "Assoc. Prof. Ngo Thi Tinh, Department of Oncology, Tam Anh General Hospital, Hanoi, "
        "answering a patient's family (VnExpress, {year})"
    ),
}

GLOSSARY: dict[str, tuple[str, str]] = {
    "lymph_nodes": (
        N_("Lymph nodes"),
        N_("Small bean-shaped glands. They help the body fight germs."),
    ),
    "immunotherapy": (
        N_("Immunotherapy"),
        N_("Medicine that helps the body's defence system attack the cancer."),
    ),
    "targeted_therapy": (
        N_("Targeted therapy"),
        N_("Medicine that blocks the signals and blood supply the cancer needs to grow."),
    ),
    "chemotherapy": (
        N_("Chemotherapy"),
        N_("Strong medicine that kills cells that grow fast."),
    ),
    "radiotherapy": (
        N_("Radiotherapy"),
        N_("Treatment with high-energy rays aimed at the cancer."),
    ),
    "endoscopy": (
        N_("Endoscopy"),
        N_("A camera test of the food pipe and stomach, through the mouth."),
    ),
    "palliative_care": (
        N_("Palliative care"),
        N_(
            "Care that eases pain and other symptoms and supports the family. It is given "
            "alongside any treatment."
        ),
    ),
}

# Modality (vocab.py) -> glossary entry.
GLOSSARY_OF_MODALITY = {
    "immunotherapy": "immunotherapy",
    "targeted_therapy": "targeted_therapy",
    "chemotherapy": "chemotherapy",
    "radiotherapy": "radiotherapy",
}

# Label of an option's explanation section.
SIDE_EFFECTS_LABEL = N_("Common side effects:")
PROBLEMS_LABEL = N_("Possible problems:")
