"""``hepatoboard fhir``: read a FHIR R4 Bundle into a case, or write a case as a Bundle."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from hepatoboard.cli.common import AsOfOption, fail, parse_date, print_case_error

app = typer.Typer(
    help="FHIR R4: import a Bundle as a case, export a case as a Bundle.", no_args_is_help=True
)


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: cannot read file: {exc}")
    except json.JSONDecodeError as exc:
        fail(f"{path}: not JSON: line {exc.lineno} column {exc.colno}: {exc.msg}")


@app.command("import")
def import_bundle(
    bundle: Annotated[Path, typer.Argument(help="a FHIR R4 Bundle (JSON)", metavar="BUNDLE.json")],
    as_of: AsOfOption = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="write the mapping report (JSON) to this file")
    ] = None,
) -> None:
    """Print the case read from a FHIR Bundle (JSON, ready for `hepatoboard assess`); a summary
    of the mapping report goes to stderr. Exit code 2 if the Bundle cannot be read."""
    from hepatoboard.contracts.errors import CaseError
    from hepatoboard.fhir.to_case import bundle_to_case

    date = parse_date(as_of)
    data = _read_json(bundle)
    try:
        case, mapping = bundle_to_case(data, as_of=date)
    except CaseError as exc:
        print_case_error(exc, bundle)
        raise typer.Exit(2) from None
    doc = case.document()
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    if report is not None:
        report.write_text(json.dumps(mapping.to_json(), indent=2) + "\n", encoding="utf-8")
    print(
        f"{bundle}: mapped {len(mapping.mapped)} element(s), ignored {len(mapping.ignored)}, "
        f"{len(mapping.missing)} case field(s) unknown",
        file=sys.stderr,
    )


@app.command("export")
def export_case(
    case: Annotated[Path, typer.Argument(help="a case file (YAML or JSON)", metavar="CASE")],
    as_of: AsOfOption = None,
) -> None:
    """Print a case as a FHIR R4 Bundle (JSON) that `hepatoboard fhir import` reads back."""
    from hepatoboard.contracts.errors import CaseError
    from hepatoboard.fhir.from_case import case_to_bundle
    from hepatoboard.intake import load_case_file

    try:
        loaded = load_case_file(case, as_of=parse_date(as_of))
    except CaseError as exc:
        print_case_error(exc, case)
        raise typer.Exit(2) from None
    sys.stdout.write(json.dumps(case_to_bundle(loaded), ensure_ascii=False, indent=2) + "\n")


def register(main: typer.Typer) -> None:
    main.add_typer(app, name="fhir")
