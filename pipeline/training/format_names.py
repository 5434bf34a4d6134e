"""The names of the annotation formats `pipeline.training.formats` reads, in a module without its
heavy imports (spaCy, numpy), so that the CLI can offer them as choices without loading the readers."""

from __future__ import annotations

FORMATS = ("columns", "doccano", "label-studio", "docbin", "datasets")
