"""Cases written for a test: the seed-father example with whole sections replaced or merged."""

from __future__ import annotations

import copy
from typing import Any

import yaml

from hepatoboard.intake import parse_case
from hepatoboard.pipeline import assess

from conftest import AS_OF, case_file

SEED = yaml.safe_load(case_file("seed-father").read_text())
NO_SPREAD = {"lymph_nodes": [], "distant_metastases": []}
# An early HCC with nothing left unknown that the curative options need: single 3.5 cm tumour,
# Child-Pugh A5, ECOG 0, no portal hypertension, normal bilirubin, no spread, resectable.
EARLY = {
    **copy.deepcopy(SEED),
    **NO_SPREAD,
    "id": "early-single",
    "performance": {"ecog": 0},
    "labs": {**SEED["labs"], "bilirubin": {"value": 0.8, "unit": "mg/dL"},
             "albumin": {"value": 4.0, "unit": "g/dL"}, "inr": 1.05,
             "platelets": {"value": 180, "unit": "10^9/L"}, "afp": {"value": 12, "unit": "ng/mL"}},
    "clinical": {**SEED["clinical"], "portal_hypertension": False},
    "varices": {**SEED["varices"], "status": "none", "treated": False},
    "tumor": {**SEED["tumor"], "nodules": 1, "largest_cm": 3.5, "bilobar": False,
              "microvascular_invasion": False, "resectable": True, "morphology": "nodular"},
    "symptoms": {"pain_nrs": 0, "fatigue": False, "appetite_loss": False, "anxiety": False,
                 "jaundice": False, "bile_ducts_dilated": False, "fever": False},
}  # fmt: skip  # a case laid out as a clinician reads it


def make(base: dict[str, Any] | None = None, **sections: Any) -> dict[str, Any]:
    """``base`` (default the seed father) with sections replaced, or merged when both are
    dicts."""
    doc = copy.deepcopy(base or SEED)
    for name, value in sections.items():
        if isinstance(value, dict) and isinstance(doc.get(name), dict):
            doc[name] = {**doc[name], **value}
        else:
            doc[name] = value
    return doc


def run(doc: dict[str, Any], **kw: Any):
    return assess(parse_case(doc, as_of=AS_OF), as_of=AS_OF, with_prognosis=False, **kw)


def opt(a: Any, oid: str) -> Any:
    return next(o for o in a.plan.options if o.id == oid)
