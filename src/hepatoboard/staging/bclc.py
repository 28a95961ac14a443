"""Barcelona Clinic Liver Cancer (BCLC) stage, run from ``staging.yaml`` (``bclc:``).

References: Reig M et al. J Hepatol 2022;76(3):681-693 (``bclc2022``); the 2025 update keeps the
2022 stages (``bclc2025``).

Rule table, first match wins: D (ECOG 3-4 or end-stage liver function) -> C (extrahepatic spread,
macrovascular invasion or cancer-related symptoms, ECOG <= 2) -> 0 -> A -> B. An unknown earlier
row leaves the stage unknown with the missing fields (never a guessed stage).

Known gaps: BCLC asks for "preserved liver function", read here from Child-Pugh (A/B preserved,
C end-stage); a Child-Pugh B warning asks the team to confirm (``staging.yaml: warnings``).
"""

from __future__ import annotations

from hepatoboard.criteria.evaluate import Classification, Evaluator, FactValue, classify
from hepatoboard.knowledge.schema import Bclc
from hepatoboard.staging.tnm import as_fact


def bclc(rules: Bclc, facts: dict[str, FactValue], ev: Evaluator) -> Classification:
    """Classify the BCLC stage; adds ``bclc_stage`` to ``facts``."""
    out = classify(rules.rules, ev)
    facts["bclc_stage"] = as_fact(out)
    return out
