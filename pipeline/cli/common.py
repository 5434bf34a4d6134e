"""Options and error handling shared by the commands."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import typer

from ..config import ConfigError
from ..io.readers import InputError

CONFIG_OPTION = typer.Option(None, "--config", "-c", help="YAML config file (default: the shipped configs/default.yaml).")
SET_OPTION = typer.Option(
    [], "--set", "-s", metavar="KEY=VALUE", help="Override a config key, e.g. --set clean.enabled=false (repeatable)."
)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn errors in what the user gave (config, input) into a message and exit code 2."""
    try:
        yield
    except (ConfigError, InputError, FileNotFoundError) as error:
        typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None


