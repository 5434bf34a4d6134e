"""``python -m pipeline train ner``: fine-tune the NER model on your annotations, or rebuild the shipped one.

spaCy, torch and `datasets` are imported only when the command runs.
"""

from __future__ import annotations

import shlex
import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Iterator, Optional

import typer

from ..training.format_names import FORMATS
from .common import user_errors

#: The formats as choices for --format (values are the names `read_annotations` takes).
InputFormat = Enum("InputFormat", {name.replace("-", "_"): name for name in FORMATS}, type=str)

train_app = typer.Typer(help="Train components on your own annotated documents.", no_args_is_help=True)

DATA = typer.Option(
    None,
    "--data",
    "-d",
    help="Annotation file or saved-dataset folder (repeatable). Without --data the shipped model is rebuilt from MSRA.",
)
OUTPUT = typer.Option(..., "--output", "-o", help="Model folder to write, e.g. models/zh_policy_ner; its name is the model name.")
FORMAT = typer.Option(
    None,
    "--format",
    "-f",
    help="Format of every --data: columns (BMES/BIO/IOBES char-tag), doccano, label-studio, docbin, datasets. "
    "Default: detected per file.",
)
BASE = typer.Option("zh_msra_ner", "--base", help="Model to start from (name under models/, path or package); 'none': from scratch.")
MIX = typer.Option(0.0, "--mix-base-data", min=0.0, max=1.0, help="Share (0-1) of the MSRA training split mixed in (old skills).")
DEV_SPLIT = typer.Option(0.2, "--dev-split", help="Share of your texts held out (fixed seed) to pick the checkpoint and to report on.")
MAX_TIME = typer.Option(None, "--max-time", help="Training budget: seconds, or e.g. 90s, 10m, 1h30m. Default: until early stopping.")
LABELS = typer.Option(
    [], "--labels", "-l", help="Labels your data may use besides the base model's (repeatable or comma-separated); others rejected."
)
MAX_EPOCHS = typer.Option(None, "--max-epochs", min=1, help="Override training.max_epochs of the config.")
MAX_STEPS = typer.Option(
    None, "--max-steps", min=1, help="Stop after this many batches: unlike --max-time, the same model on any machine."
)
CONFIG = typer.Option(None, "--config", "-c", help="Training hyperparameters (default: configs/ner/bilstm_crf.yaml).")
OPENCC = typer.Option("t2s", "--opencc", help="OpenCC table for Traditional segments, as in the convert stage: t2s, hk2s, tw2s, none.")
MSRA_TEST = typer.Option(None, "--msra-test-sentences", min=0, help="Score on the first N MSRA test sentences (default all; 0 skips).")
SEED = typer.Option(13, "--seed", help="Seed of the dev split and of the MSRA sample.")
SMOKE = typer.Option(False, "--smoke", help="Tiny model (the config's smoke section): seconds, not a usable model.")
FORCE = typer.Option(False, "--force", help="Write into --output even if it exists and is not empty.")
PROGRESS = typer.Option(True, "--progress/--no-progress", help="Progress bar and dev scores while training.")


@train_app.command("ner")
def train_ner_command(
    data: Optional[list[Path]] = DATA,
    output: Path = OUTPUT,
    fmt: Optional[InputFormat] = FORMAT,
    base: str = BASE,
    mix_base_data: float = MIX,
    dev_split: float = DEV_SPLIT,
    max_time: Optional[str] = MAX_TIME,
    labels: list[str] = LABELS,
    max_epochs: Optional[int] = MAX_EPOCHS,
    max_steps: Optional[int] = MAX_STEPS,
    config: Optional[Path] = CONFIG,
    opencc: str = OPENCC,
    msra_test: Optional[int] = MSRA_TEST,
    seed: int = SEED,
    smoke: bool = SMOKE,
    force: bool = FORCE,
    progress: bool = PROGRESS,
) -> None:
    """Fine-tune the NER model on your annotations (new labels allowed) and compare it with its base.

    Writes a spaCy pipeline to --output with training_report.json/.md (per-label P/R/F1 of base and new model on your dev split and on MSRA test, training time) and MODEL_CARD.md (command, base, data files with sha256).

    Then run with it: python -m pipeline run --set ner.model=OUTPUT
    """  # noqa: E501  (one line per paragraph: the help renders line breaks as they are)
    from ..training.ner import DEFAULT_CONFIG
    from ..training.retrain import parse_duration

    with user_errors(), _value_errors():
        _check_output(output, force)
        seconds = parse_duration(max_time)
        if not data:
            limits = {"max_time": seconds, "max_epochs": max_epochs, "max_steps": max_steps}
            _rebuild_shipped(output, config or DEFAULT_CONFIG, limits, smoke, progress)
            return
        from ..training.retrain import retrain_ner

        result = retrain_ner(
            data,
            output,
            fmt=fmt.value if fmt else None,
            base=None if base.lower() == "none" else base,
            mix_base_data=mix_base_data,
            dev_split=dev_split,
            max_time=seconds,
            labels=[label.strip() for item in labels for label in item.split(",") if label.strip()],
            config=config or DEFAULT_CONFIG,
            smoke=smoke,
            max_epochs=max_epochs,
            max_steps=max_steps,
            msra_test_sentences=msra_test,
            opencc=opencc,
            seed=seed,
            progress=progress,
            command=shlex.join(["python", "-m", "pipeline", *sys.argv[1:]]),
        )
    typer.echo(result.markdown)
    typer.echo(f"model {result.report['model']} written to {output}/; run it with: python -m pipeline run --set ner.model={output}")


@train_app.command("ensemble")
def train_ensemble_command(
    models: list[str] = typer.Argument(..., help="Two or more trained NER models: folders, names under models/, or packages."),
    output: Path = OUTPUT,
    force: bool = FORCE,
) -> None:
    """Combine trained NER models into one that sums their scores (a product of experts); nothing is trained.

    The ensemble is slower in proportion to its size (two models: about half the NER speed, below the shipped model's 20,000 chars/s) and scores higher on MSRA dev than its members (docs/ner-engine.md O, P).

    Then run with it: python -m pipeline run --set ner.model=OUTPUT
    """  # noqa: E501  (one line per paragraph: the help renders line breaks as they are)
    from ..ner.ensemble import build_ensemble
    from ..resources import resolve_model

    with user_errors(), _value_errors():
        _check_output(output, force)
        build_ensemble([resolve_model(m) for m in models], output.name).to_disk(output)
    typer.echo(f"ensemble of {len(models)} models written to {output}/; run it with: python -m pipeline run --set ner.model={output}")


def _rebuild_shipped(output: Path, config: Path, limits: dict, smoke: bool, progress: bool) -> None:
    """No --data: the MSRA training that produced models/zh_msra_ner (pipeline.training.ner)."""
    from ..training.ner import train_ner

    result = train_ner(output, config, **limits, smoke=smoke, progress=progress)
    kept = "no dev: the last step's model" if result.best_dev_f1 is None else f"best dev F1 {100 * result.best_dev_f1:.2f}"
    typer.echo(f"{kept} after {result.epochs:.2f} epochs in {result.seconds:.0f} s -> {output}/")


@contextmanager
def _value_errors() -> Iterator[None]:
    """Bad option values and untrainable data (too few texts, a base that cannot be fine-tuned) exit with 2."""
    try:
        yield
    except ValueError as error:
        typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None


def _check_output(output: Path, force: bool) -> None:
    """Refuse to overwrite a model folder by accident (models/zh_msra_ner is one)."""
    if output.exists() and (not output.is_dir() or any(output.iterdir())) and not force:
        raise ValueError(f"{output} exists and is not empty; choose another --output or add --force")
