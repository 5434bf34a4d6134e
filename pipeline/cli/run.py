"""``python -m pipeline run``: the main job.

The runner (and with its stages spaCy and torch) is imported only when the command runs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from ..config import load_config
from ..resources import SAMPLES_DIR
from . import app
from .common import CONFIG_OPTION, SET_OPTION, user_errors


@app.command()
def run(
    input: Path = typer.Option(
        SAMPLES_DIR,
        "--input",
        "-i",
        help="A text file; a folder (recursive, see --glob); a .jsonl or .jsonl.gz file; a dataset saved with "
        "`datasets` save_to_disk; or a .parquet file. Default: the bundled sample of five documents.",
        show_default="bundled sample",
    ),
    output: Path = typer.Option(Path("out"), "--output", "-o", help="Folder for the outputs."),
    glob: Optional[str] = typer.Option(None, "--glob", help="Which files of a folder to read (read.glob, default **/*)."),
    config: Optional[Path] = CONFIG_OPTION,
    overrides: list[str] = SET_OPTION,
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Worker processes (each loads the models once)."),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress", help="Progress bar (default: on a terminal)."),
) -> None:
    """Process documents into events.jsonl, documents.jsonl, errors.jsonl and manifest.json."""
    from ..runner import Runner

    with user_errors():
        if glob is not None:
            overrides = [*overrides, f"read.glob={glob}"]
        runner = Runner(load_config(config, overrides))
        show_progress = sys.stderr.isatty() if progress is None else progress
        manifest = runner.run(input, output, progress=show_progress, workers=workers)
    counts = manifest["documents"]
    typer.echo(
        f"{counts['input']} documents: {counts['processed']} processed, {counts['skipped']} skipped, "
        f"{counts['failed']} failed; {manifest['outputs'].get('events.jsonl', 0)} events -> {output}/"
    )
    if counts["failed"]:
        typer.echo(f"see {output}/errors.jsonl for the failures", err=True)


