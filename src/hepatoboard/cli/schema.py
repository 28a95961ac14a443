"""``hepatoboard schema``: the JSON Schema of the case (input), the assessment (output) or one
row of the flat cohort layout (``docs/cohort.md``)."""

from __future__ import annotations

import enum
from typing import Annotated

import typer


class SchemaName(enum.StrEnum):
    case = "case"
    assessment = "assessment"
    cohort = "cohort"


def schema(
    name: Annotated[SchemaName, typer.Argument(help="which contract")] = SchemaName.case,
) -> None:
    """Print the JSON Schema of the case (input) or assessment (output) format, or of one row
    of a registry file (cohort)."""
    import json

    if name is SchemaName.cohort:
        from hepatoboard.cohort.layout import json_schema

        print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
        return

    from pydantic import BaseModel

    model: type[BaseModel]
    if name is SchemaName.case:
        from hepatoboard.contracts.case import Case

        model = Case
    else:
        from hepatoboard.contracts.assessment import Assessment

        model = Assessment
    print(json.dumps(model.model_json_schema(by_alias=True), indent=2, ensure_ascii=False))


def register(app: typer.Typer) -> None:
    app.command()(schema)
