"""The command line: ``python -m pipeline <command>``.

Each command lives in its own module and registers itself on :data:`app` (or on a group such as
:data:`evaluate_app`); groups are shown only once they hold a command.
"""

from __future__ import annotations

import logging

import typer

app = typer.Typer(
    name="pipeline",
    help="Extract events (meetings, documents issued, inspections, statistics, targets, funding, new bodies) "
    "from noisy Chinese web documents into JSONL.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
evaluate_app = typer.Typer(help="Score a component against gold data.", no_args_is_help=True)


@app.callback()
def main(
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, help="More log output (-vv for debug)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only errors."),
) -> None:
    level = logging.ERROR if quiet else logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


# Each command module registers itself on app or evaluate_app when imported.
from . import evaluate_cleaning, evaluate_events, evaluate_ner, export, info, run  # noqa: E402, F401
from .train import train_app  # noqa: E402

app.add_typer(train_app, name="train")

if evaluate_app.registered_commands:
    app.add_typer(evaluate_app, name="evaluate")
