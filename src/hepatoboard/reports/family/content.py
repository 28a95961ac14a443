"""Plain-language content of the family report, built from one assessment document.

Everything clinical here is *read* from the assessment (statuses, prognosis figures, symptom
measures, referrals, missing data) or the knowledge-base version it names; this module only adds
plain explanations of what a treatment is, how it is given and its common side effects, written
without figures so that no number is invented. Sentences are short on purpose: the family report
aims at about a 12-year-old's reading level (see :mod:`hepatoboard.reports.family.readability`).
"""

from __future__ import annotations

from typing import Any

from hepatoboard.reports.grouping import is_systemic
from hepatoboard.reports.i18n import N_, check_lang, format_number, translations

REALISTIC = ("recommended", "consider")

# Plain explanation "kinds": several options share one explanation (same way of working, same way
# of being given, same common side effects). Option id -> kind.
_KIND_OF = {
    "atezolizumab_bevacizumab": "io_bev",
    "sintilimab_bevacizumab_biosimilar": "io_bev",
    "durvalumab_tremelimumab": "io",
    "nivolumab_ipilimumab": "io",
    "tislelizumab": "io",
    "durvalumab": "io",
    "pembrolizumab": "io",
    "nivolumab": "io",
    "camrelizumab_rivoceranib": "io_tablet",
    "sorafenib": "tki",
    "lenvatinib": "tki",
    "donafenib": "tki",
    "regorafenib": "tki",
    "cabozantinib": "tki",
    "ramucirumab": "targeted_iv",
    "folfox4": "chemo",
    "gemox": "chemo",
    "haic_folfox": "haic",
    "nodal_radiotherapy": "rt_nodes",
    "palliative_radiotherapy": "rt_palliative",
    "lymph_node_dissection": "surgery",
    "selective_lymphadenectomy": "surgery",
    "nodal_ablation": "ablation",
    "biliary_drainage": "drainage",
    "tace": "tace",
    "tare": "tare",
    "best_supportive_care": "bsc",
}

_IO_WHAT = N_(
    "This is immunotherapy. Immunotherapy is a medicine that helps the body's own defence system "
    "(the immune system) find and attack the cancer."
)
_IO_HOW = N_("It is given as a drip into a vein at the hospital, every few weeks.")
_IO_SIDE = N_(
    "Common side effects are tiredness, rash, itching and loose stools. Sometimes the immune "
    "system attacks healthy parts of the body, like the liver, gut, lungs or glands. Tell the "
    "doctors quickly about any new problem."
)
_TKI_WHAT = N_(
    "This is targeted therapy. Targeted therapy is a medicine that blocks the signals the cancer "
    "needs to grow. It also blocks the blood vessels that feed the cancer."
)
_TKI_SIDE = N_(
    "Common side effects are sore, red skin on the hands and feet, loose stools, tiredness, poor "
    "appetite and high blood pressure. The dose can often be lowered if side effects are hard."
)
_RT_HOW = N_(
    "The patient lies still on a table for a few minutes. It does not hurt. There are several "
    "short visits."
)
_RT_SIDE = N_(
    "Common side effects are tiredness, feeling sick, and a sore stomach or skin where the rays go."
)
_TUBE_HOW = N_(
    "A doctor passes a thin tube through a blood vessel, from the groin or wrist to the liver. "
    "It needs a short stay in hospital."
)

# kind -> (what it is, how it is given, common side effects); all without figures.
_KINDS: dict[str, tuple[str, str, str]] = {
    "io": (_IO_WHAT, _IO_HOW, _IO_SIDE),
    "io_bev": (
        N_(
            "This is immunotherapy together with a medicine (bevacizumab) that cuts the blood "
            "supply of the cancer. Immunotherapy is a medicine that helps the body's own defence "
            "system (the immune system) find and attack the cancer."
        ),
        N_(
            "Both medicines are given as a drip into a vein at the hospital, every few weeks. "
            "Before starting, a camera test of the food pipe (endoscopy) looks for swollen veins "
            "that could bleed."
        ),
        N_(
            "Common side effects are tiredness, rash, itching and loose stools. Bevacizumab can "
            "raise blood pressure, put protein in the urine and make bleeding more likely. "
            "Sometimes the immune system attacks healthy parts of the body. Tell the doctors "
            "quickly about any new problem."
        ),
    ),
    "io_tablet": (
        N_(
            "This is immunotherapy together with a tablet that cuts the blood supply of the "
            "cancer. Immunotherapy is a medicine that helps the body's own defence system (the "
            "immune system) find and attack the cancer."
        ),
        N_(
            "One medicine is a drip into a vein every few weeks. The other is a tablet taken at "
            "home every day."
        ),
        N_(
            "Common side effects are high blood pressure, sore skin on the hands and feet, "
            "tiredness and changes in liver tests. Sometimes the immune system attacks healthy "
            "parts of the body. Tell the doctors quickly about any new problem."
        ),
    ),
    "tki": (_TKI_WHAT, N_("It is a tablet taken at home every day."), _TKI_SIDE),
    "targeted_iv": (
        _TKI_WHAT,
        N_("It is given as a drip into a vein at the hospital, every few weeks."),
        N_(
            "Common side effects are high blood pressure, swollen legs, protein in the urine and "
            "bleeding."
        ),
    ),
    "chemo": (
        N_(
            "This is chemotherapy. Chemotherapy is a strong medicine that kills cells that grow "
            "fast, like cancer cells."
        ),
        N_("It is given as a drip into a vein at the hospital, in rounds called cycles."),
        N_(
            "Common side effects are tiredness, feeling sick, tingling hands and feet, and low "
            "blood counts. Low blood counts make infections and bruising more likely."
        ),
    ),
    "haic": (
        N_(
            "This is chemotherapy given straight into the artery that feeds the liver. "
            "Chemotherapy is a strong medicine that kills cells that grow fast, like cancer cells."
        ),
        _TUBE_HOW,
        N_("Common side effects are belly pain, feeling sick, fever and tiredness."),
    ),
    "rt_nodes": (
        N_(
            "This is radiotherapy to the lymph nodes. Radiotherapy uses strong, invisible rays to "
            "shrink the cancer. It can ease pain and pressure from swollen lymph nodes."
        ),
        _RT_HOW,
        _RT_SIDE,
    ),
    "rt_palliative": (
        N_(
            "This is radiotherapy to a painful place, like a bone or the liver. Radiotherapy uses "
            "strong, invisible rays. Here the aim is to ease pain."
        ),
        _RT_HOW,
        _RT_SIDE,
    ),
    "surgery": (
        N_(
            "This is an operation to take out the lymph nodes that hold cancer. It is only for a "
            "few lymph nodes, when the patient is strong and the liver works well."
        ),
        N_("The patient is asleep during the operation and then stays in hospital to recover."),
        N_("Common problems are pain after the operation, bleeding, infection and slow recovery."),
    ),
    "ablation": (
        N_(
            "A thin needle is guided to the lymph node with scans. Heat from the needle destroys "
            "the cancer."
        ),
        N_("The patient gets medicine to sleep or not feel pain. It needs a short hospital stay."),
        N_("Common problems are pain and fever. Rarely, nearby organs are hurt."),
    ),
    "drainage": (
        N_(
            "A small tube (a stent) opens a blocked bile duct. Then bile can flow again and yellow "
            "skin (jaundice) can get better."
        ),
        N_(
            "Most often it is done with a camera through the mouth. "
            "Sometimes it is through the skin."
        ),
        N_("Common problems are pain, fever or infection. The tube can block again."),
    ),
    "tace": (
        N_(
            "Medicine and tiny particles are put into the artery that feeds the tumour in the "
            "liver. This blocks its blood supply."
        ),
        _TUBE_HOW,
        N_("For a few days there can be belly pain, fever, feeling sick and tiredness."),
    ),
    "tare": (
        N_("Tiny beads that give off rays are put into the artery that feeds the liver tumour."),
        _TUBE_HOW,
        N_("Common side effects are tiredness, belly pain and feeling sick."),
    ),
    "bsc": (
        N_(
            "This is care that focuses on comfort: less pain, better eating, better sleep and "
            "support for the family. It does not treat the cancer itself. It is also given "
            "together with every other treatment."
        ),
        N_(
            "The palliative care team, doctors and nurses help, at home or in hospital. Palliative "
            "care means care that eases symptoms."
        ),
        N_(
            "It has no side effects of its own. Strong pain medicine can cause constipation or "
            "sleepiness."
        ),
    ),
}

# Plain names for options whose knowledge-base names are clinical English (drug names are kept as
# they are: they are the same in every language).
_PLAIN_NAMES = {
    "haic_folfox": N_("Chemotherapy into the liver artery (HAIC)"),
    "nodal_radiotherapy": N_("Radiotherapy to the lymph nodes"),
    "palliative_radiotherapy": N_("Radiotherapy to ease pain"),
    "lymph_node_dissection": N_("Operation to remove the lymph nodes"),
    "selective_lymphadenectomy": N_("Operation to remove only the affected lymph nodes"),
    "nodal_ablation": N_("Heat treatment of the lymph nodes"),
    "biliary_drainage": N_("Opening a blocked bile duct"),
    "tace": N_("Blocking the tumour's blood supply (TACE)"),
    "tare": N_("Radioactive beads into the liver (TARE)"),
    "best_supportive_care": N_("Comfort care (best supportive care)"),
}

_KIND_LABEL = {
    "immunotherapy": N_("Immunotherapy"),
    "targeted_therapy": N_("Targeted therapy"),
    "chemotherapy": N_("Chemotherapy"),
    "radiotherapy": N_("Radiotherapy"),
    "surgery_interventional": N_("Operation or procedure"),
    "locoregional": N_("Treatment inside the liver"),
    "supportive": N_("Comfort care"),
}

_STATUS_LABEL = {
    "recommended": N_("Often the first choice for patients like this"),
    "consider": N_("May fit; the doctors will weigh it"),
}

_SUPPORTIVE = {
    "analgesia": (
        N_("Pain relief"),
        N_(
            "Pain medicine that is safe for the liver. Some common pain pills can harm the liver "
            "or kidneys. Ask the doctors before taking any medicine."
        ),
    ),
    "laxative_prophylaxis": (
        N_("Preventing constipation"),
        N_(
            "Strong pain medicine can cause constipation. A daily laxative helps. Constipation can "
            "make a weak liver cause confusion."
        ),
    ),
    "paracentesis_with_albumin": (
        N_("Draining fluid from the belly"),
        N_(
            "If the belly is swollen with fluid, a doctor can drain it with a thin needle. A "
            "protein drip (albumin) is often given at the same time."
        ),
    ),
    "diuretics": (
        N_("Less salt and water pills"),
        N_("Eating less salt and taking water pills can stop fluid from building up."),
    ),
    "nutrition_support": (
        N_("Good food"),
        N_(
            "Enough protein and energy keep the body stronger. Small meals often help, with a "
            "snack late in the evening. A dietitian can make a plan."
        ),
    ),
    "fever_evaluation": (
        N_("Fever"),
        N_("A fever can mean an infection. Call the doctors quickly if there is a fever."),
    ),
    "biliary_drainage": (
        N_("Opening a blocked bile duct"),
        N_(
            "If the skin or eyes turn yellow because a bile duct is blocked, a small tube can "
            "open it."
        ),
    ),
    "encephalopathy_treatment": (
        N_("Confusion from the liver"),
        N_(
            "A weak liver can cause sleepiness or confusion. Medicines can help. Tell the doctors "
            "if this happens."
        ),
    ),
    "psychological_support": (
        N_("Worry and low mood"),
        N_(
            "Worry and sadness are common. Talking with a counsellor or a doctor helps. There is "
            "treatment for them."
        ),
    ),
    "antiviral_therapy": (
        N_("Hepatitis medicine"),
        N_(
            "Medicine for hepatitis protects the liver. Take it every day. Do not stop it without "
            "asking the doctor."
        ),
    ),
    "advance_care_planning": (
        N_("Planning ahead"),
        N_(
            "Talk early as a family about what matters most. Talk about where the patient wants to "
            "be cared for. Choose who will decide if the patient cannot."
        ),
    ),
}

_DEPARTMENTS = {
    "oncology": (
        N_("Oncology (cancer medicine)"),
        N_("These doctors choose the cancer treatment and lead the team."),
    ),
    "hepatology_gastroenterology": (
        N_("Liver and digestive medicine"),
        N_("These doctors look after the liver, hepatitis and swollen veins in the food pipe."),
    ),
    "diagnostic_imaging": (
        N_("Scans (imaging)"),
        N_("Scans show where the cancer is and if the treatment is working."),
    ),
    "nutrition": (N_("Nutrition"), N_("This team helps with eating, weight and strength.")),
    "palliative_care": (
        N_("Palliative care"),
        N_(
            "This team eases pain and other symptoms and supports the family. It can start early, "
            "together with other treatment."
        ),
    ),
    "radiation_oncology": (
        N_("Radiotherapy"),
        N_("These doctors treat painful or pressing lymph nodes with rays."),
    ),
    "surgery": (
        N_("Surgery"),
        N_("These doctors check if a few lymph nodes can be taken out by an operation."),
    ),
    "interventional_radiology": (
        N_("Interventional radiology"),
        N_("These doctors treat through thin tubes and needles, guided by scans."),
    ),
    "psychology_psychiatry": (
        N_("Psychology"),
        N_("This team helps with worry, sadness and stress."),
    ),
}

# First part of a case field path -> what is missing, in plain words.
_MISSING_SECTION = {
    "labs": N_("Some blood test results are missing."),
    "varices": N_("A recent camera test of the food pipe (endoscopy) is missing."),
    "clinical": N_("Some details about the illness are missing."),
    "lymph_nodes": N_("Some details about the lymph nodes are missing."),
    "tumor": N_("Some details about the tumour in the liver are missing."),
    "performance": N_("How active the patient is day to day is not known."),
    "symptoms": N_("Some details about symptoms are missing."),
    "diagnosis": N_("Some details about the diagnosis are missing."),
    "comorbidities": N_("Some details about other illnesses are missing."),
    "prior_therapies": N_("Some details about past treatment are missing."),
    "distant_metastases": N_("It is not known if the cancer has spread further."),
    "patient": N_("Some details about the patient are missing."),
}

DISCLAIMER = N_("Decision support for qualified clinicians; not a prescription.")
"""The assessment's disclaimer, listed so the catalogue carries its translation."""

_QUESTIONS = (
    N_("Which treatment do you advise first, and why?"),
    N_("What is the goal of this treatment for the patient?"),
    N_("What side effects should we watch for, and whom do we call?"),
    N_("Which tests are needed before starting?"),
    N_("How will we know if the treatment is working?"),
    N_("How can we help with pain, eating and sleep?"),
    N_("What happens if we choose comfort care only?"),
    N_("Is there a clinical trial that could fit?"),
)

_GLOSSARY = {
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
    "radiotherapy": (N_("Radiotherapy"), N_("Treatment with strong, invisible rays.")),
    "palliative_care": (
        N_("Palliative care"),
        N_("Care that eases pain and other symptoms. It can go with any treatment."),
    ),
}


def _fmt(lang: str, value: float) -> str:
    return format_number(value, lang)


def family_content(assessment: dict[str, Any], lang: str) -> dict[str, Any]:
    """Structured plain-language content for the family report (shared by HTML and PDF).

    ``assessment`` is a ``hepatoboard-assessment/1`` document (``to_json_dict()``). Raises
    ValueError for an unsupported ``lang``.
    """
    check_lang(lang)
    _ = translations(lang).gettext
    plan = assessment.get("plan") or {}
    staging = assessment.get("staging") or {}
    nodes = staging.get("nodes") or {}
    bclc = (staging.get("bclc") or {}).get("stage")
    options = plan.get("options") or []
    scenarios = {s["id"]: s for s in (assessment.get("prognosis") or {}).get("scenarios") or []}
    names = {o["id"]: _option_name(o, _) for o in options}
    realistic = [o for o in options if o["status"] in REALISTIC and not o.get("declined")]
    # Recommended first, then "consider"; within a group keep the knowledge-base order.
    realistic.sort(key=lambda o: REALISTIC.index(o["status"]))
    drugs_suitable = any(is_systemic(o) for o in realistic)
    nodal = bool(nodes.get("regional") or nodes.get("distant"))
    kb = assessment.get("knowledge_base") or {}
    disclaimer = assessment.get("disclaimer", "")
    return {
        "lang": lang,
        "case_id": assessment.get("case_id"),
        "assessed_on": assessment.get("assessed_on"),
        "title": _("Liver cancer: a guide for the family"),
        "intro": [
            _("This report explains the doctors' decision support in plain words."),
            _("It is not a prescription. Please read it together with the doctors."),
        ],
        "stage": _stage_text(nodes, bclc, _),
        "bclc_stage": bclc,
        "goals": _goals(plan.get("intent"), _),
        "anticancer_drugs_suitable": drugs_suitable,
        "first_choices": [names[o["id"]] for o in realistic if o["status"] == "recommended"],
        "comfort_focus": [] if drugs_suitable else _comfort_focus(_),
        "options": _option_items(realistic, scenarios, names, lang, _),
        "symptom_care": _symptom_care(plan, _),
        "departments": _departments(plan, _),
        "prognosis": _prognosis(scenarios, realistic, names, lang, _),
        "unknowns": _unknowns(assessment, names, _),
        "questions": [_(q) for q in _QUESTIONS],
        "glossary": _glossary(nodal, realistic, _),
        "disclaimer": _(disclaimer) if disclaimer else "",
        "disclaimer_original": disclaimer,
        "family_note": _(
            "This report helps you talk with the doctors. It does not replace their advice."
        ),
        "kb_version": kb.get("version"),
        "kb_profile": kb.get("profile"),
    }


def _stage_text(nodes: dict[str, Any], bclc: str | None, _: Any) -> list[str]:
    stage: list[str] = []
    nodal = bool(nodes.get("regional") or nodes.get("distant"))
    if nodal:
        stage += [
            _("The cancer started in the liver. It has spread to lymph nodes."),
            _("Lymph nodes are small bean-shaped glands. They help the body fight germs."),
        ]
        if nodes.get("distant") or nodes.get("extra_abdominal"):
            stage.append(_("Some of these lymph nodes are far from the liver."))
        if nodes.get("compressive"):
            stage.append(_("Some swollen lymph nodes press on nearby parts of the body."))
        stage += [
            _("Once liver cancer has spread to lymph nodes, it cannot be cured completely."),
            _(
                "But treatment can slow the cancer down. It can help the patient live longer and "
                "feel better."
            ),
        ]
    else:
        stage.append(_("The cancer is in the liver."))
    if bclc == "D":
        stage.append(
            _(
                "The liver is very weak, or the body is very tired. Strong cancer medicine would "
                "likely do more harm than good now."
            )
        )
    if bclc:
        stage.append(_("Doctors call this stage {stage} (BCLC system).").format(stage=bclc))
    return stage


def _goals(intent: str | None, _: Any) -> list[str]:
    return {
        "life_prolonging": [
            _("Help the patient live longer."),
            _("Keep a good quality of life."),
            _("Ease symptoms such as pain."),
        ],
        "supportive": [
            _("Ease pain and other symptoms."),
            _("Keep the best possible quality of life."),
            _("Support the patient and the family."),
        ],
        "curative": [_("Remove or destroy all of the cancer.")],
    }.get(intent or "", [_("The goals of treatment are not clear yet. Ask the doctors.")])


def _comfort_focus(_: Any) -> list[str]:
    return [
        _(
            "Medicines that fight the cancer are not suitable now. "
            "This includes immunotherapy, targeted therapy and chemotherapy."
        ),
        _("They would likely do more harm than good."),
        _("Care now focuses on comfort. Doctors call this best supportive care."),
    ]


def _option_items(
    realistic: list[dict[str, Any]],
    scenarios: dict[str, Any],
    names: dict[str, str],
    lang: str,
    _: Any,
) -> list[dict[str, Any]]:
    bsc = scenarios.get("best_supportive_care")
    bsc_text = (
        _(
            "With comfort care only, half lived longer than about {median} months (the estimate is "
            "{low} to {high} months)."
        ).format(**_nums(bsc, lang))
        if bsc
        else None
    )
    items = []
    for o in realistic:
        kind = _KIND_OF.get(o["id"])
        what, how, side = (_(t) for t in _KINDS[kind]) if kind else ("", "", "")
        sc = scenarios.get(o["id"])
        items.append(
            {
                "id": o["id"],
                "name": names[o["id"]],
                "kind_label": _(_KIND_LABEL.get(o["modality"], o["modality"])),
                "status": o["status"],
                "status_label": _(_STATUS_LABEL[o["status"]]),
                "what": what,
                "how": how,
                "side_effects": side,
                "gain": _gain(o, sc, bsc_text, lang, _),
                "scenario": _scenario_numbers(sc) if sc else None,
            }
        )
    return items


def _gain(
    o: dict[str, Any], sc: dict[str, Any] | None, bsc_text: str | None, lang: str, _: Any
) -> list[str]:
    gain: list[str] = []
    if o["id"] == "best_supportive_care":
        if bsc_text:
            gain.append(bsc_text)
    elif sc:
        gain.append(
            _(
                "With this treatment, half of similar patients lived longer than about "
                "{median} months (the estimate is {low} to {high} months)."
            ).format(**_nums(sc, lang))
        )
        if bsc_text:
            gain.append(bsc_text)
    elif is_systemic(o):
        gain.append(_("There is no reliable survival number for this treatment yet."))
    else:
        gain.append(
            _(
                "This treatment mainly aims to control the cancer in one place and ease "
                "symptoms. This report has no survival number for it."
            )
        )
    return gain


def _symptom_care(plan: dict[str, Any], _: Any) -> list[dict[str, str]]:
    return [
        {"id": m["id"], "title": _(_SUPPORTIVE[m["id"]][0]), "text": _(_SUPPORTIVE[m["id"]][1])}
        if m["id"] in _SUPPORTIVE
        else {"id": m["id"], "title": m.get("name", m["id"]), "text": ""}
        for m in plan.get("supportive") or []
    ]


def _departments(plan: dict[str, Any], _: Any) -> list[dict[str, str]]:
    return [
        {
            "id": r["department"],
            "name": _(_DEPARTMENTS[r["department"]][0]),
            "why": _(_DEPARTMENTS[r["department"]][1]),
        }
        if r["department"] in _DEPARTMENTS
        else {"id": r["department"], "name": r["department"], "why": r.get("reason", "")}
        for r in plan.get("referrals") or []
    ]


def _prognosis(
    scenarios: dict[str, Any],
    realistic: list[dict[str, Any]],
    names: dict[str, str],
    lang: str,
    _: Any,
) -> dict[str, Any]:
    realistic_ids = {o["id"] for o in realistic}
    rows = []
    for sid, sc in scenarios.items():
        if sid != "best_supportive_care" and sid not in realistic_ids:
            continue
        n = _nums(sc, lang)
        rows.append(
            {
                "id": sid,
                "name": names.get(sid, sc.get("label", sid)),
                "median": n["median"],
                "low": n["low"],
                "high": n["high"],
                "alive_1y": n["alive_1y"],
            }
        )
    return {
        "paragraphs": [
            _(
                "These numbers come from studies of many patients. They were adjusted to the "
                "patient's liver, strength and spread of the cancer."
            ),
            _(
                "No one can say how long one person will live. Some people live much longer, some "
                "shorter."
            ),
            _(
                "“Half lived longer than” means: out of every 100 similar patients, "
                "50 lived longer than this time. The range shows how sure the estimate is."
            ),
        ],
        "rows": rows,
    }


def _unknowns(assessment: dict[str, Any], names: dict[str, str], _: Any) -> list[dict[str, Any]]:
    unknowns = []
    seen: set[str] = set()
    for item in assessment.get("missing_data") or []:
        section = item["field"].split(".")[0].split("[")[0]
        what = _(_MISSING_SECTION.get(section, N_("Some details are missing.")))
        affects = sorted({_blocked_label(b, names, _) for b in item.get("blocks") or []})
        key = what + "|".join(affects)
        if key in seen:
            continue
        seen.add(key)
        unknowns.append({"field": item["field"], "what": what, "affects": affects})
    return unknowns


def _glossary(nodal: bool, realistic: list[dict[str, Any]], _: Any) -> list[dict[str, str]]:
    used = {o["modality"] for o in realistic}
    keys = ["lymph_nodes"] if nodal else []
    keys += [k for k in ("immunotherapy", "targeted_therapy", "chemotherapy") if k in used]
    if "radiotherapy" in used:
        keys.append("radiotherapy")
    keys.append("palliative_care")
    return [{"term": _(_GLOSSARY[k][0]), "meaning": _(_GLOSSARY[k][1])} for k in keys]


def _option_name(option: dict[str, Any], tr: Any) -> str:
    """Drug names stay as they are; procedures get a plain translated name."""
    plain = _PLAIN_NAMES.get(option["id"])
    return tr(plain) if plain else option.get("name", option["id"])


def _scenario_numbers(sc: dict[str, Any]) -> dict[str, Any]:
    """Raw figures of a prognosis scenario (for tests and templates that format them)."""
    low, high = sc["interval_months"]
    return {"median": sc["median_months"], "low": low, "high": high, "survival": sc.get("survival")}


def _nums(sc: dict[str, Any], lang: str) -> dict[str, str]:
    low, high = sc["interval_months"]
    one_year = (sc.get("survival") or {}).get("12")
    return {
        "median": _fmt(lang, sc["median_months"]),
        "low": _fmt(lang, low),
        "high": _fmt(lang, high),
        "alive_1y": str(round(one_year * 100)) if one_year is not None else "–",
    }


def _blocked_label(blocked: str, names: dict[str, str], _: Any) -> str:
    """What a missing field blocks, in plain words."""
    tr = _
    if blocked in names:
        return names[blocked]
    head = blocked.split(".")[0]
    if head == "scores":
        return _("liver scores")
    if head == "staging":
        return _("the stage")
    if head == "referral":
        dept = blocked.split(".", 1)[1] if "." in blocked else ""
        return tr(_DEPARTMENTS[dept][0]) if dept in _DEPARTMENTS else _("the plan")
    return _("the plan")
