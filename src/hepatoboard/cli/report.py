"""``hepatoboard report``: the family or clinician report of one case, as PDF or HTML.

The report stack (Jinja2, Babel, WeasyPrint) loads only when a report is
asked for.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

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


class Audience(enum.StrEnum):
    family = "family"
    clinician = "clinician"


class Lang(enum.StrEnum):
    en = "en"
    vi = "vi"


class Edition(enum.StrEnum):
    summary = "summary"
    full = "full"


def report(
    case: Annotated[Path, typer.Argument(help="case file (YAML or JSON)", metavar="CASE")],
    audience: Annotated[
        Audience, typer.Option(help="family (plain language) or clinician (tumour board)")
    ] = Audience.family,
    lang: Annotated[
        Lang, typer.Option(help="language of the report (family or clinician)")
    ] = Lang.en,
    edition: Annotated[
        Edition,
        typer.Option(
            help="family report: summary (the summary alone) or full (summary, then details)"
        ),
    ] = Edition.full,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="output file: .pdf (WeasyPrint) or .html")
    ] = Path("report.pdf"),
    profile: ProfileOption = None,
    as_of: AsOfOption = None,
    site: SiteOption = None,
) -> None:
    """Write the family or clinician report of one case, in English or Vietnamese, to PDF or
    HTML. Exit code 2 if the case is invalid (one line per problem on stderr)."""
    suffix = out.suffix.lower()
    check_writable("--out", out, (".pdf", ".html"))
    date = parse_date(as_of)
    check_site(site)
    check_profile(profile)
    from hepatoboard.contracts.errors import CaseError
    from hepatoboard.intake import load_case_file
    from hepatoboard.pipeline import assess

    try:
        loaded = load_case_file(case, as_of=date)
        document = assess(loaded, profile=profile, as_of=date, site=site).to_json_dict()
    except CaseError as exc:
        print_case_error(exc, case)
        raise typer.Exit(2) from None

    from hepatoboard.reports.render import render_clinician_html, render_family_html, render_pdf

    if audience is Audience.family:
        html = render_family_html(document, lang.value, edition.value)
    else:
        html = render_clinician_html(document, lang.value)
    try:
        if suffix == ".html":
            out.write_text(html, encoding="utf-8")
        else:
            render_pdf(html, out)
    except OSError as exc:
        fail(f"--out: cannot write '{out}': {exc.strerror or exc}")
    print(f"{audience.value} report written to {out}", file=sys.stderr)


def register(app: typer.Typer) -> None:
    app.command("report")(report)
