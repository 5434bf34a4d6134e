"""``python -m pipeline export``: a run's tidy tables as parquet or CSV files for analysis."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from . import app


class ExportFormat(str, Enum):
    parquet = "parquet"
    csv = "csv"


@app.command()
def export(
    run: Path = typer.Option(..., "--run", "-r", help="A run's output folder (the one holding events.jsonl)."),
    format: ExportFormat = typer.Option(ExportFormat.parquet, "--format", "-f", help="File format of the tables."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Folder for the tables (default: the run folder)."),
) -> None:
    """Write the events, slots, entities and documents tables of a run, one file per table."""
    from ..api import RunFormatError, load_run  # pandas only when the command runs

    try:
        paths = load_run(run).export(output or run, format.value)
    except (FileNotFoundError, RunFormatError) as error:
        typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    for path in paths:
        typer.echo(str(path))
