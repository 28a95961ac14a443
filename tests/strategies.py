"""Hypothesis strategies: random *valid* hepatoboard-case/1 documents, any field may be absent."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from hepatoboard.contracts.vocab import NODE_STATIONS, OPTION_IDS


def maybe(strategy):
    return st.one_of(st.none(), strategy)


def _section(**fields):
    """A mapping whose keys are each present or absent."""
    return st.fixed_dictionaries({}, optional=fields)


def _lab(lo, hi, unit):
    return st.builds(
        lambda v: {"value": v, "unit": unit}, st.floats(lo, hi).map(lambda x: round(x, 2))
    )


booleans = st.booleans()

node = st.fixed_dictionaries(
    {"station": st.sampled_from(NODE_STATIONS)},
    optional={
        "count": st.integers(1, 6),
        "short_axis_mm": st.floats(5, 60),
        "evidence": st.sampled_from(["imaging", "pet", "biopsy"]),
        "compression": st.lists(
            st.sampled_from(
                ["bile_duct", "portal_vein", "ivc", "duodenum", "stomach", "airway", "pain"]
            ),
            max_size=2,
            unique=True,
        ),
    },
)

prior = st.fixed_dictionaries(
    {"regimen": st.sampled_from([o for o in OPTION_IDS if o not in ("best_supportive_care",)])},
    optional={
        "best_response": st.sampled_from(["cr", "pr", "sd", "pd"]),
        "stop_reason": st.sampled_from(["progression", "toxicity", "completed"]),
        "tolerated": booleans,
    },
)


@st.composite
def case_documents(draw):
    doc = {"format": "hepatoboard-case/1", "id": "generated"}
    sections = {
        "patient": _section(
            age=st.integers(18, 95),
            sex=st.sampled_from(["male", "female"]),
            weight_kg=st.floats(35, 120),
        ),
        "performance": _section(ecog=st.integers(0, 4)),
        "clinical": _section(
            ascites=st.sampled_from(["none", "mild", "moderate_severe"]),
            encephalopathy=st.sampled_from(["none", "grade_1_2", "grade_3_4"]),
            dialysis_past_week=booleans,
        ),
        "labs": _section(
            bilirubin=_lab(0.2, 15, "mg/dL"),
            albumin=_lab(1.8, 5.0, "g/dL"),
            inr=st.floats(0.8, 4.0),
            creatinine=_lab(0.4, 6, "mg/dL"),
            sodium=_lab(118, 145, "mmol/L"),
            afp=_lab(1, 50000, "ng/mL"),
            hbv_dna=_lab(0, 1e6, "IU/mL"),
            urine_protein_g_per_24h=st.floats(0, 5),
        ),
        "tumor": _section(
            nodules=st.integers(1, 10),
            largest_cm=st.floats(0.5, 20),
            portal_vein_invasion=st.sampled_from(["none", "vp1", "vp2", "vp3", "vp4"]),
            hepatic_vein_invasion=st.sampled_from(["none", "vv1", "vv2", "vv3"]),
            microvascular_invasion=st.sampled_from([True, False, "unknown"]),
            adjacent_organ_invasion=booleans,
            visceral_peritoneum_perforation=booleans,
            liver_involvement_over_50pct=booleans,
            bile_duct_invasion=booleans,
        ),
        "varices": _section(
            endoscopy_date=st.dates(dt.date(2025, 1, 1), dt.date(2026, 11, 25)),
            status=st.sampled_from(["none", "small", "large", "unknown"]),
            treated=booleans,
            bleeding_history=booleans,
        ),
        "comorbidities": _section(
            autoimmune_disease=st.sampled_from(["none", "controlled", "active"]),
            organ_transplant=booleans,
            recent_bleeding=booleans,
            arterial_thrombosis_recent=booleans,
            uncontrolled_hypertension=booleans,
            therapeutic_anticoagulation=booleans,
            antiviral_therapy=booleans,
        ),
        "symptoms": _section(
            pain_nrs=st.integers(1, 10),
            pain_source=st.sampled_from(["nodal_compression", "liver_capsule", "bone", "other"]),
            fever=booleans,
            jaundice=booleans,
            bile_ducts_dilated=booleans,
            appetite_loss=booleans,
            depression=booleans,
            anxiety=booleans,
        ),
    }
    for name, strategy in sections.items():
        if draw(booleans):
            doc[name] = draw(strategy)
    if draw(booleans):
        doc["lymph_nodes"] = draw(st.lists(node, max_size=3, unique_by=lambda n: n["station"]))
    if draw(booleans):
        doc["distant_metastases"] = draw(
            st.lists(
                st.fixed_dictionaries({"site": st.sampled_from(["lung", "bone", "adrenal"])}),
                max_size=2,
                unique_by=lambda m: m["site"],
            )
        )
    if draw(booleans):
        priors = draw(st.lists(prior, max_size=2))
        doc["prior_therapies"] = [{**p, "line": i + 1} for i, p in enumerate(priors)]
    return _without_contradictions(doc)


def _without_contradictions(doc):
    """Drop the fields that would make a generated case contradictory (contradictions.yaml)."""
    sym, perf, clin = doc.get("symptoms", {}), doc.get("performance", {}), doc.get("clinical", {})
    if sym.get("pain_source") == "nodal_compression" and doc.get("lymph_nodes") == []:
        sym.pop("pain_source")
    if clin.get("encephalopathy") == "grade_3_4" and perf.get("ecog") == 0:
        clin.pop("encephalopathy")
    if clin.get("ascites") == "none" and sym.get("ascites_symptomatic"):
        sym.pop("ascites_symptomatic")
    return doc


# --- hostile documents (issue 14): valid cases with wrong-typed, oversized or control-laden
# values spliced in at random places ------------------------------------------------------

hostile_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**40), 10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x9F), max_size=20),  # C0/C1 controls
    st.sampled_from(["68", "yes", "true", "1e3", "６８", "6_8", "2026-02-30", "[/bold]", "$x$"]),
    st.integers(0, 2_000_000_000),  # epoch seconds where a date belongs
)
hostile_values = st.recursive(
    hostile_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def hostile_documents(draw):
    """A generated case with up to three values replaced (or keys added) at random paths."""
    doc = draw(case_documents())
    for _ in range(draw(st.integers(1, 3))):
        target = doc
        path = [k for k in doc if isinstance(doc[k], dict)]
        if path and draw(st.booleans()):
            target = doc[draw(st.sampled_from(sorted(path)))]
        keys = sorted(target) or ["x"]
        key = draw(st.one_of(st.sampled_from(keys), st.text(min_size=1, max_size=12)))
        target[key] = draw(hostile_values)
    return doc
