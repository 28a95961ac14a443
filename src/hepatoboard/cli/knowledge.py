"""``hepatoboard knowledge``: the knowledge base in use (version, profiles, options, sources,
facts)."""

from __future__ import annotations

from typing import Annotated

import typer

from hepatoboard.cli.common import fail


def knowledge(
    facts: Annotated[bool, typer.Option("--facts", help="list the fact names rules use")] = False,
    profile: Annotated[
        str | None, typer.Option(help="show which sources count in this profile")
    ] = None,
) -> None:
    """List the knowledge base: version, profiles, options and sources (or the facts)."""
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
    active = kb.profile_sources(profile) if profile else None
    title = "Sources" + (f" counting in profile '{profile}'" if profile else "")
    t = Table(title=title, header_style="bold")
    for col in ("id", "kind", "year", "verification", "citation"):
        t.add_column(col)
    for s in kb.sources.values():
        if active is None or s.id in active:
            t.add_row(s.id, s.kind, str(s.year), s.verification, s.citation)
    console.print(t)


def register(app: typer.Typer) -> None:
    app.command()(knowledge)
