"""UCUM units of a FHIR Quantity -> the unit the case writes. Only the short list of accepted
UCUM codes per analyte in ``fhir_codes.yaml`` is understood: an unknown unit is an error, never
a guess (the display text ``unit`` is not read)."""

from __future__ import annotations

from typing import Any

from hepatoboard.contracts.errors import Problem


def quantity_unit(
    quantity: Any, accepted: dict[str, str], ucum: str, where: str, unitless: bool = False
) -> tuple[str | None, Problem | None]:
    """(case unit, None) or (None, problem). ``unitless`` analytes (INR) may omit the unit."""
    system, code = quantity.system, quantity.code
    if code is None and system is None:
        if unitless:
            return "", None
        return None, Problem(
            f"{where}.code", f"a UCUM unit code is required; accepted: {', '.join(accepted)}"
        )
    if system != ucum:
        return None, Problem(f"{where}.system", f"the unit must be a UCUM code (system {ucum})")
    if code not in accepted:
        return None, Problem(
            f"{where}.code",
            f"unit '{code}' is not accepted here; accepted UCUM codes: {', '.join(accepted)}",
        )
    return accepted[code], None
