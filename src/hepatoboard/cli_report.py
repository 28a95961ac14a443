"""``hepatoboard report``: the family or clinician report of one case, as PDF or HTML.

Kept out of ``cli.py`` so the report stack (Jinja2, Babel, WeasyPrint) loads only when a report is
asked for. Registered by ``app.command("report")(report)``.
"""

from __future__ import annotations

import datetime as dt
import enum
import sys
from pathlib import Path
from typing import Annotated

import typer


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
    profile: Annotated[
        str | None, typer.Option(help="guideline profile (default: the case's, else international)")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="assessment date YYYY-MM-DD (default: today)")
    ] = None,
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
    date = None
    if as_of is not None:
        try:
            date = dt.date.fromisoformat(as_of)
        except ValueError:
            print(f"--as-of: '{as_of}' is not a date; use YYYY-MM-DD", file=sys.stderr)
            raise typer.Exit(2) from None
    try:
        loaded = load_case_file(case)
        document = assess(loaded, profile=profile, as_of=date).to_json_dict()
    except CaseError as exc:
        source = exc.source or str(case)
        for p in exc.problems:
            print(f"{source}: {p}", file=sys.stderr)
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
