"""``hepatoboard knowledge``: the knowledge base in use (version, profiles, options, scores,
response criteria, interactions, availability sites, sources; or the facts)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hepatoboard.cli.common import fail

if TYPE_CHECKING:
    from rich.console import Console

    from hepatoboard.knowledge.base import KnowledgeBase


def knowledge(
    facts: Annotated[bool, typer.Option("--facts", help="list the fact names rules use")] = False,
    profile: Annotated[
        str | None, typer.Option(help="show which sources count in this profile")
    ] = None,
) -> None:
    """List the knowledge base: version, profiles, options, scores, response criteria,
    interactions, availability sites and sources (or the facts)."""
    from rich.console import Console
    from rich.table import Table

    from hepatoboard.knowledge.load import default_knowledge

    kb = default_knowledge()
    if profile is not None and profile not in kb.profiles:
        fail(f"--profile: unknown profile '{profile}'; use one of: {', '.join(kb.profiles)}")
    console = Console(highlight=False)
    if facts:
        t = Table(title="Facts available to rules", header_style="bold")
        for col in ("fact", "type", "phase", "from", "meaning"):
            t.add_column(col)
        for name, spec in sorted(kb.facts.items()):
            origin = spec.case or (f"derived: {spec.derive}" if spec.derive else spec.phase)
            t.add_row(name, spec.type, spec.phase, origin, spec.description)
        console.print(t)
        return
    console.print(f"[bold]Knowledge base {kb.version}[/bold] (released {kb.manifest.released})")
    t = Table(title="Profiles", header_style="bold")
    for col in ("profile", "description", "sources that count"):
        t.add_column(col)
    for name, p in kb.profiles.items():
        t.add_row(name, p.description, str(len(kb.profile_sources(name))))
    console.print(t)
    t = Table(title="Options", header_style="bold")
    for col in ("id", "modality", "systemic", "name", "evidence"):
        t.add_column(col)
    for o in kb.options.values():
        t.add_row(o.id, o.modality, "yes" if o.systemic else "no", o.name, ", ".join(o.evidence))
    console.print(t)
    _scores_and_more(console, kb)
    active = kb.profile_sources(profile) if profile else None
    title = "Sources" + (f" counting in profile '{profile}'" if profile else "")
    t = Table(title=title, header_style="bold")
    for col in ("id", "kind", "year", "verification", "citation"):
        t.add_column(col)
    for s in kb.sources.values():
        if active is None or s.id in active:
            t.add_row(s.id, s.kind, str(s.year), s.verification, s.citation)
    console.print(t)


def _scores_and_more(console: Console, kb: KnowledgeBase) -> None:
    """Scores, response classifiers, the interaction table and the availability sites."""
    from rich.table import Table

    t = Table(title="Scores (scores.yaml)", header_style="bold")
    for col in ("score", "version", "sources"):
        t.add_column(col)
    for key, params in kb.scores.sections().items():
        t.add_row(key, params.version, ", ".join(params.source))
    console.print(t)
    t = Table(title="Response assessment (response.yaml)", header_style="bold")
    for col in ("classifier", "categories", "sources"):
        t.add_column(col)
    for name, c in kb.response.classifiers.items():
        t.add_row(f"{name} ({c.label})", " ".join(r.value for r in c.rules), ", ".join(c.source))
    t.add_row(
        "afp_response", kb.response.afp_response.label, ", ".join(kb.response.afp_response.source)
    )
    console.print(t)
    t = Table(title="Interactions (interactions.yaml)", header_style="bold")
    for col in ("medication class", "options", "severity", "sources"):
        t.add_column(col)
    for ix in kb.interactions.interactions:
        t.add_row(ix.medication_class, ", ".join(ix.options), ix.severity, ", ".join(ix.source))
    console.print(t)
    t = Table(title="Availability sites (--site)", header_style="bold")
    for col in ("site", "name", "options listed", "description"):
        t.add_column(col)
    for code, site in kb.availability.items():
        t.add_row(code, site.name, str(len(site.options)), site.description)
    console.print(t)


def register(app: typer.Typer) -> None:
    app.command()(knowledge)
