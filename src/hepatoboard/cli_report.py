"""``hepatoboard report``: the family or clinician report of one case, as PDF or HTML.

Kept out of ``cli.py`` so the report stack (Jinja2, Babel, WeasyPrint) loads only when a report is
asked for. Registered by ``app.command("report")(report)``.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from hepatoboard.cli_common import AsOfOption, ProfileOption, parse_date, print_case_error


class Audience(enum.StrEnum):
    family = "family"
    clinician = "clinician"


class Lang(enum.StrEnum):
    en = "en"
    vi = "vi"


def report(
    case: Annotated[Path, typer.Argument(help="case file (YAML or JSON)", metavar="CASE")],
    audience: Annotated[
        Audience, typer.Option(help="family (plain language) or clinician (tumour board)")
    ] = Audience.family,
    lang: Annotated[Lang, typer.Option(help="language of the family report")] = Lang.en,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="output file: .pdf (WeasyPrint) or .html")
    ] = Path("report.pdf"),
    profile: ProfileOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Write the family (English or Vietnamese) or clinician report of one case to PDF or HTML.
    Exit code 2 if the case is invalid (one line per problem on stderr)."""
    from hepatoboard.assessment import assess
    from hepatoboard.case import load_case_file
    from hepatoboard.errors import CaseError

    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".html"):
        print(f"--out: '{out}' must end in .pdf or .html", file=sys.stderr)
        raise typer.Exit(2)
    date = parse_date(as_of)
    try:
        loaded = load_case_file(case)
        document = assess(loaded, profile=profile, as_of=date).to_json_dict()
    except CaseError as exc:
        print_case_error(exc, case)
        raise typer.Exit(2) from None

    from hepatoboard.family import render_clinician_html, render_family_html, render_pdf

    if audience is Audience.family:
        html = render_family_html(document, lang.value)
    else:
        html = render_clinician_html(document)
    if suffix == ".html":
        out.write_text(html, encoding="utf-8")
    else:
        render_pdf(html, out)
    print(f"{audience.value} report written to {out}", file=sys.stderr)
