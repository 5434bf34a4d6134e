"""One way to get an NER pipeline: a `spacy.Language` that sets ORG/PER/LOC in `doc.ents`.

Backends: `spacy` (our shipped model directory or any spaCy package) and `hanlp` (a HanLP NER
model wrapped as a spaCy component). torch and hanlp are imported only when needed.
"""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language

import pipeline.ner.component  # noqa: F401  (registers the bilstm_crf_ner factory for spacy.load)
import pipeline.ner.ensemble  # noqa: F401  (registers bilstm_crf_ensemble_ner)
from pipeline.resources import models_dir

DEFAULT_MODEL = models_dir() / "zh_msra_ner"


def load_ner_pipeline(backend: str = "spacy", model: str | Path = DEFAULT_MODEL) -> Language:
    """Load the NER pipeline.

    backend="spacy": `model` is a directory written by `nlp.to_disk` or an installed spaCy
    package name. backend="hanlp": `model` is a HanLP identifier or a local HanLP model path,
    wrapped on a blank zh (char) pipeline whose component sets `doc.ents`.
    """
    if backend == "spacy":
        return _load_spacy(model)
    if backend == "hanlp":
        return _load_hanlp(model)
    raise ValueError(f"unknown NER backend {backend!r}: expected 'spacy' or 'hanlp'")


def _load_spacy(model: str | Path) -> Language:
    import spacy

    if _is_path(model):
        path = Path(model)
        if not (path / "config.cfg").is_file():
            raise FileNotFoundError(
                f"NER model directory {path} not found or incomplete: expected a spaCy pipeline "
                "directory written by nlp.to_disk (with config.cfg), such as models/zh_msra_ner"
            )
        return spacy.load(path)
    try:
        return spacy.load(str(model))
    except OSError as err:
        raise FileNotFoundError(
            f"NER model {model!r} is neither an existing directory nor an installed spaCy package"
        ) from err


def _load_hanlp(model: str | Path) -> Language:
    try:
        from pipeline.ner.hanlp_backend import load_hanlp_pipeline
    except ImportError as err:
        raise ImportError(f"the hanlp NER backend needs HanLP ({err}): pip install '.[hanlp]'") from err
    if _is_path(model) and not Path(model).exists():
        raise FileNotFoundError(f"HanLP model {model} not found: expected a saved HanLP model directory")
    return load_hanlp_pipeline(model)


def _is_path(model: str | Path) -> bool:
    """Paths are Path objects or strings with a separator or leading dot, or existing entries."""
    text = str(model)
    return isinstance(model, Path) or "/" in text or "\\" in text or text.startswith(".") or Path(text).exists()
