"""``hepatoboard assess``: assess case files and print a report or JSON Lines."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from hepatoboard.cli.common import (
    AsOfOption,
    ProfileOption,
    SiteOption,
    check_profile,
    check_site,
    check_writable,
    fail,
    parse_date,
    print_case_error,
)


class Format(enum.StrEnum):
    text = "text"
    json = "json"
    fhir = "fhir"


def assess(
    cases: Annotated[
        list[Path], typer.Argument(help="case files (YAML or JSON)", metavar="CASE...")
    ],
    format: Annotated[
        Format,
        typer.Option(
            "--format", "-f", help="text report, JSON Lines, or FHIR R4 Bundles (JSON Lines)"
        ),
    ] = Format.text,
    profile: ProfileOption = None,
    as_of: AsOfOption = None,
    site: SiteOption = None,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="draw the survival curves to this .png or .svg file"),
    ] = None,
) -> None:
    """Assess one or more cases: scores, staging, plan, prognosis. Exit code 2 if any case is
    invalid (the other cases are still assessed)."""
    date = parse_date(as_of)
    check_site(site)
    if plot is not None:
        check_writable("--plot", plot, (".png", ".svg"))
    check_profile(profile)
    from hepatoboard.contracts.errors import CaseError
    from hepatoboard.intake import load_case_file
    from hepatoboard.pipeline import assess as run

    failed = False
    for i, path in enumerate(cases):
        try:
            case = load_case_file(path, as_of=date)
            result = run(case, profile=profile, as_of=date, site=site)
        except CaseError as exc:
            failed = True
            print_case_error(exc, path)
            continue
        doc = result.to_json_dict()
        if plot is not None:
            target = (
                plot if len(cases) == 1 else plot.with_name(f"{plot.stem}-{i + 1}{plot.suffix}")
            )
            _plot(doc, target, case.id or str(i + 1))
        if format is Format.json:
            import json

            sys.stdout.write(json.dumps(doc, ensure_ascii=False) + "\n")
        elif format is Format.fhir:
            import json

            from hepatoboard.fhir.from_assessment import assessment_to_bundle

            sys.stdout.write(json.dumps(assessment_to_bundle(result), ensure_ascii=False) + "\n")
        else:
            from hepatoboard.reports.text import print_report

            if i:
                sys.stdout.write("\n")
            print_report(doc, source=str(path))
    if failed:
        raise typer.Exit(2)


def _plot(doc: dict[str, Any], target: Path, label: str) -> None:
    """Survival curves drawn from the assessment's stored prognosis (never recomputed); the
    recommended options get their uncertainty bands."""
    from hepatoboard.prognosis import plot_curves

    recommended = [o["id"] for o in doc["plan"]["options"] if o["status"] == "recommended"]
    try:
        plot_curves(
            doc.get("prognosis") or {"scenarios": []},
            str(target),
            title=f"Estimated survival - case {label}",
            highlight=recommended,
        )
    except OSError as exc:
        fail(f"--plot: cannot write '{target}': {exc.strerror or exc}")
    print(f"survival curves written to {target}", file=sys.stderr)


def register(app: typer.Typer) -> None:
    app.command()(assess)
