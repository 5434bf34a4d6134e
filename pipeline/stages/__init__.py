"""The processing stages, in the order the runner applies them (reading and writing are the runner's)."""

from __future__ import annotations

from ..config import Config
from .base import Stage, StageFailure
from .clean import CleanStage
from .convert import ConvertStage
from .events import EventsStage
from .ner import NerStage

STAGE_ORDER: tuple[type[Stage], ...] = (CleanStage, ConvertStage, NerStage, EventsStage)


def build_stages(config: Config) -> list[Stage]:
    """The enabled stages, constructed from the config, in processing order."""
    return [stage(config) for stage in STAGE_ORDER if getattr(config, stage.name).enabled]


__all__ = ["Stage", "StageFailure", "STAGE_ORDER", "build_stages"]
