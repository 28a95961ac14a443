"""``hepatoboard version``: the program and knowledge-base versions."""

from __future__ import annotations

import typer


def version() -> None:
    """Print the program and knowledge-base versions."""
    from importlib.metadata import version as pkg_version

    from hepatoboard.knowledge.load import read_file

    kb_version = read_file("manifest.yaml")["version"]
    print(f"hepatoboard {pkg_version('hepatoboard')}, knowledge base {kb_version}")


def register(app: typer.Typer) -> None:
    app.command()(version)
