"""``python -m pipeline evaluate cleaning --gold DIR``: noise recall and content retention.

The scorer (and through the stages spaCy and torch) is imported only when the command runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from ..config import load_config
from . import evaluate_app
from .common import CONFIG_OPTION, SET_OPTION, user_errors

COLUMNS = ("noise_recall", "noise_recall_chars", "content_retention_sentences", "content_retention_chars", "checks_passed")


def _row(name: str, score: dict[str, Any]) -> str:
    return f"{name:<36} " + " ".join(f"{score[column]:>9.4f}" for column in COLUMNS)


def format_report(report: dict[str, Any], misses: bool) -> str:
    """The scores as a plain-text table, optionally with what each document missed."""
    header = f"{'document':<36} " + " ".join(f"{label:>9}" for label in ("noise", "noise_ch", "keep_sent", "keep_ch", "checks"))
    lines = [header]
    for score in report["documents"]:
        lines.append(_row(score["id"], score))
        if misses:
            lines.extend(f"    {miss}" for miss in score["misses"])
    overall = report["overall"]
    lines += ["", _row(f"overall ({overall['documents']} documents)", overall)]
    counts = overall["counts"]
    lines.append(
        f"noise items {counts['noise']['hits']}/{counts['noise']['total']}, content sentences "
        f"{counts['content']['hits']}/{counts['content']['total']}, checks {counts['checks']['hits']}/{counts['checks']['total']}"
    )
    return "\n".join(lines)


@evaluate_app.command("cleaning")
def evaluate_cleaning(
    gold: Path = typer.Option(..., "--gold", "-g", help="A folder of gold *.yaml files (searched recursively) or one file."),
    config: Path | None = CONFIG_OPTION,
    overrides: list[str] = SET_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    misses: bool = typer.Option(False, "--misses", help="List the noise kept, content lost and failed checks."),
) -> None:
    """Clean and convert gold documents; print noise recall and content retention per document and overall."""
    from ..evaluation.cleaning import GoldError, evaluate, load_gold

    with user_errors():
        try:
            documents = load_gold(gold)
        except GoldError as error:
            typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
            raise typer.Exit(2) from None
        report = evaluate(documents, load_config(config, overrides))
    if as_json:
        typer.echo(json.dumps({"gold": str(gold), **report}, ensure_ascii=False, indent=2))
    else:
        typer.echo(format_report(report, misses))
