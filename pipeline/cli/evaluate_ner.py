"""``python -m pipeline evaluate ner --data FILE``: strict per-type precision, recall and F1.

spaCy and torch are imported only when the command runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ..config import load_config
from ..resources import resolve_model
from . import evaluate_app
from .common import CONFIG_OPTION, SET_OPTION, user_errors


@evaluate_app.command("ner")
def evaluate_ner_command(
    data: str = typer.Option(
        "msra_test", "--data", "-d", help="A BMES/BIO/IOBES column file (char<space>tag), or msra_test for the MSRA test file."
    ),
    config: Path | None = CONFIG_OPTION,
    overrides: list[str] = SET_OPTION,
    with_rules: bool = typer.Option(
        False, "--with-rules", help="Also run the rule components (DATE, QUANTITY, ORG rules) as the pipeline does."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
) -> None:
    """Score the configured NER model (ner.model, ner.backend) on a tagged file: exact-span P/R/F1 per type."""
    from ..evaluation.ner import evaluate_ner
    from ..ner.loading import load_ner_pipeline
    from ..stages.ner import build_ner_pipeline, limit_torch_threads

    with user_errors():
        loaded = load_config(config, overrides)
        section = loaded.ner
        if with_rules:
            nlp = build_ner_pipeline(section.backend, section.model, loaded.rule_path(section.rules), section.threads)
        elif section.model is None:
            raise typer.BadParameter("ner.model is null: there is no statistical model to score (add --with-rules)")
        else:
            nlp = load_ner_pipeline(section.backend, resolve_model(section.model))
            limit_torch_threads(section.threads)
        scores = evaluate_ner(nlp, data)
    typer.echo(json.dumps(scores.to_dict(), ensure_ascii=False, indent=2) if as_json else scores.table())
