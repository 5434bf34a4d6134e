"""``python -m pipeline evaluate events --gold DIR``: event detection and slot scores on gold events.

The runner and the scorer (and with them spaCy and torch) are imported only when the command runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ..config import load_config
from . import evaluate_app
from .common import CONFIG_OPTION, SET_OPTION, user_errors

if TYPE_CHECKING:
    from ..evaluation.events import EventScores


def _row(name: str, score: dict[str, Any]) -> str:
    return (
        f"{name:<34} {score['precision']:6.3f} {score['recall']:6.3f} {score['f1']:6.3f} "
        f"{score['tp']:5d} {score['fp']:5d} {score['fn']:5d}"
    )


def format_report(report: dict[str, Any]) -> str:
    """The scores as a plain-text table."""
    header = f"{'':<34} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"
    events, slots = report["scores"]["events"], report["scores"]["slots"]
    lines = [
        f"{report['run']['documents']} documents, {report['run']['events']} events predicted",
        "",
        "event detection",
        header,
    ]
    lines.append(_row("overall", events["overall"]))
    lines.extend(_row(name, score) for name, score in events["by_type"].items())
    lines += ["", "slots", header, _row("overall", slots["overall"])]
    for event_type, roles in slots["by_type_role"].items():
        lines.extend(_row(f"{event_type}.{role}", score) for role, score in roles.items())
    for failure in report["run"]["failed"]:
        lines.append(f"failed: {failure['doc']} in {failure['stage']}: {failure['error']}")
    return "\n".join(lines)


def format_errors(scores: EventScores) -> str:
    """One line per missed or spurious event and per wrong slot, for tuning rules on dev gold."""
    return "\n".join(json.dumps(error, ensure_ascii=False) for error in scores.errors)


@evaluate_app.command("events")
def evaluate_events(
    gold: Path = typer.Option(
        ..., "--gold", "-g", help="A folder of gold *.yaml files (searched recursively) or one file."
    ),
    config: Path | None = CONFIG_OPTION,
    overrides: list[str] = SET_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    errors: bool = typer.Option(False, "--errors", help="Also list missed and spurious events and wrong slots."),
) -> None:
    """Run the pipeline over gold documents and score event detection and slots per type and role."""
    from ..evaluation.events import evaluate, load_gold
    from ..runner import Runner

    with user_errors():
        documents = load_gold(gold)
        scores, run = evaluate(documents, Runner(load_config(config, overrides)))
    report = {"gold": str(gold), "run": run, "scores": scores.to_dict()}
    if as_json:
        if errors:
            report["errors"] = scores.errors
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    typer.echo(format_report(report))
    if errors:
        typer.echo(format_errors(scores))
