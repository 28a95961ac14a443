"""``hepatoboard cohort run``: assess a whole registry (CSV, Parquet, JSON Lines, YAML/JSON
lists, a folder of case files) with the same rules, one output row per case."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from hepatoboard.cli.common import (
    AsOfOption,
    ProfileOption,
    SiteOption,
    check_site,
    fail,
    parse_date,
    resume_gc,
)

app = typer.Typer(
    help="Registries and cohorts: every case of a file assessed with the same rules.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command("run")
def run(
    input: Annotated[
        str,
        typer.Argument(
            help="CSV, Parquet, JSON Lines, YAML/JSON list or multi-document YAML file, a "
            "folder of case files, or - for standard input",
            metavar="INPUT",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="results, one row per case (.parquet/.csv)")],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="mapping file: registry columns and codes")
    ] = None,
    summary: Annotated[
        bool,
        typer.Option("--summary", help="also write OUT.summary.md and OUT.summary.html"),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="run on a local Dask cluster of N processes"),
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="run on the Dask scheduler at tcp://HOST:PORT")
    ] = None,
    prognosis: Annotated[
        bool,
        typer.Option(
            "--prognosis/--no-prognosis",
            help="add median survival per scenario (one model run per distinct profile)",
        ),
    ] = False,
    profile: ProfileOption = None,
    as_of: AsOfOption = None,
    site: SiteOption = None,
) -> None:
    """Assess every row of INPUT. An invalid row is reported (row, field, message), gets no
    plan and does not stop the run."""
    if workers is not None and scheduler is not None:
        fail("--workers and --scheduler: give one of them")
    if out.suffix.lower() not in (".parquet", ".pq", ".csv"):
        fail(f"--out: '{out}' must end in .parquet, .pq or .csv")
    if not out.parent.exists():
        fail(f"--out: folder '{out.parent}' does not exist")
    date = parse_date(as_of)
    check_site(site)
    from hepatoboard.cohort.mapping import InputError

    try:
        result, kb, opts = _assess(
            input, mapping, profile, date, prognosis, workers, scheduler, site
        )
        _write(result, out, summary, kb, opts)
    except InputError as exc:
        fail(str(exc))
    for inv in result.invalid[:20]:
        where = f"{inv.source}: " if inv.source else ""
        for p in inv.problems:
            print(f"row {inv.row}: {where}{p}", file=sys.stderr)
    if len(result.invalid) > 20:
        print(f"... {len(result.invalid) - 20} more invalid rows", file=sys.stderr)
    print(
        f"{result.output.height} rows assessed, {len(result.invalid)} invalid; written to {out}",
        file=sys.stderr,
    )


def _assess(
    input: str,
    mapping_path: Path | None,
    profile: str | None,
    date: Any,
    prognosis: bool,
    workers: int | None,
    scheduler: str | None,
    site: str | None = None,
) -> tuple[Any, Any, Any]:
    import datetime as dt

    from hepatoboard.cohort.mapping import InputError, load_mapping
    from hepatoboard.cohort.read import read_input
    from hepatoboard.cohort.run import Options
    from hepatoboard.cohort.run import run as run_local
    from hepatoboard.knowledge.load import default_knowledge

    kb = default_knowledge()
    resume_gc()  # a cohort is long: collect garbage again (main paused it for the start-up)
    if profile is not None and profile not in kb.profiles:
        raise InputError(
            f"--profile: unknown profile '{profile}'; accepted: {', '.join(kb.profiles)}"
        )
    mapping = load_mapping(mapping_path) if mapping_path is not None else None
    opts = Options(as_of=date or dt.date.today(), profile=profile, prognosis=prognosis, site=site)
    distributed = workers is not None or scheduler is not None
    parquet = Path(input).suffix.lower() in (".parquet", ".pq") and Path(input).is_file()
    if distributed and parquet:
        from hepatoboard.cohort import distributed as dd

        total = sum(rg.rows for rg in dd.row_groups(Path(input)))
        with _progress(total) as step:
            client = dd.client_for(scheduler, workers)
            try:
                return dd.run_parquet(client, Path(input), mapping, opts, kb, step), kb, opts
            finally:
                dd.close_client(client)
    inp = read_input(input, mapping)
    with _progress(inp.rows) as step:
        if distributed:
            from hepatoboard.cohort import distributed as dd

            client = dd.client_for(scheduler, workers)
            try:
                return dd.run_input(client, inp, opts, kb, step), kb, opts
            finally:
                dd.close_client(client)
        return run_local(inp, kb, opts, step), kb, opts


class _progress:
    """A rich progress bar with rows per second on standard error (on a terminal only)."""

    def __init__(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn
        from rich.text import Text

        class Rate(ProgressColumn):
            def render(self, task: Any) -> Text:
                speed = task.finished_speed or task.speed
                return Text(f"{speed:,.0f} rows/s" if speed else "")

        console = Console(stderr=True)
        self.bar = Progress(
            TextColumn("assessing"),
            BarColumn(),
            TextColumn("{task.completed:,}/{task.total:,} rows"),
            Rate(),
            TimeElapsedColumn(),
            console=console,
            disable=not console.is_terminal,
        )
        self.task = self.bar.add_task("rows", total=total)

    def __enter__(self) -> Any:
        self.bar.start()
        return lambda n: self.bar.advance(self.task, n)

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()


def _write(result: Any, out: Path, summary: bool, kb: Any, opts: Any) -> None:
    from hepatoboard.cohort.summary import markdown, to_html, write_output

    write_output(result.output, out)
    if summary:
        base = out.with_suffix("")
        as_of = opts.as_of.isoformat()
        md = base.with_name(base.name + ".summary.md")
        md.write_text(markdown(result.output, result.invalid, kb, as_of), encoding="utf-8")
        page = base.with_name(base.name + ".summary.html")
        page.write_text(to_html(result.output, result.invalid, kb, as_of), encoding="utf-8")
        print(f"summary written to {md} and {page}", file=sys.stderr)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="cohort")
