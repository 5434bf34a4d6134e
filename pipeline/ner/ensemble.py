"""spaCy component `bilstm_crf_ensemble_ner`: several trained BiLSTM-CRF models tagging as one.

A product of experts: every member reads a segment through its own vocabulary and lexicon, their
emission and CRF scores are summed, and one Viterbi pass decodes the sum. It is for users who
trade speed for accuracy: N members cost about N times the model's time, so two members already run
below the 20,000 chars/s of the shipped single model (docs/ner-engine.md O, P), which stays the
default. Build one from trained model folders and run with it:

    python -m pipeline train ensemble models/zh_msra_ner OTHER_MODEL --output models/zh_msra_ner_x2
    python -m pipeline run --set ner.model=models/zh_msra_ner_x2
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from spacy.language import Language

from pipeline.ner.component import BiLSTMCRFNer, SegmentTagger

if TYPE_CHECKING:
    from pipeline.ner.bilstm_crf_model import ProductOfExperts

ENSEMBLE_FACTORY = "bilstm_crf_ensemble_ner"
MEMBER_PREFIX = "member"


@Language.factory(ENSEMBLE_FACTORY, default_config={"batch_size": 128, "max_length": 150})
def make_ensemble_ner(nlp: Language, name: str, batch_size: int, max_length: int) -> EnsembleNer:
    """Factory registered with spaCy (also exposed as a `spacy_factories` entry point)."""
    return EnsembleNer(name, batch_size=batch_size, max_length=max_length)


class EnsembleNer(SegmentTagger):
    """Sets `doc.ents` (ORG/PER/LOC) from the summed scores of two or more `bilstm_crf_ner` models."""

    def __init__(self, name: str, batch_size: int = 128, max_length: int = 150) -> None:
        super().__init__(name, batch_size, max_length)
        self.members: list[BiLSTMCRFNer] = []
        self.model: ProductOfExperts | None = None

    def set_members(self, members: Sequence[BiLSTMCRFNer]) -> None:
        """Combine trained components; they must share one tag set (same labels, same order)."""
        from pipeline.ner.bilstm_crf_model import ProductOfExperts

        if len(members) < 2:
            raise ValueError(f"an ensemble needs two or more models, got {len(members)}")
        untrained = [m.name for m in members if m.model is None or m.vocab is None]
        if untrained:
            raise ValueError(f"ensemble members without a model: {', '.join(untrained)}")
        tags = members[0].vocab.tags
        for member in members[1:]:
            if member.vocab.tags != tags:
                raise ValueError(f"ensemble members tag differently: {tags} against {member.vocab.tags}")
        self.model = ProductOfExperts([m.model for m in members], tags)
        self.members = list(members)

    def predict_tags(self, sentences: list[list[str]]) -> list[list[str]]:
        """Tag string sequences from the members' summed scores."""
        if self.model is None:
            raise ValueError(f"component {self.name!r} has no members: build it with `train ensemble` or load it")
        encoded = [[m.vocab.encode(s) for m in self.members] for s in sentences]
        tags = self.members[0].vocab.tags
        return [[tags[i] for i in seq] for seq in self.model.predict_tag_ids(encoded, self.batch_size)]

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Each member in its own folder `member0`, `member1`, ... as `bilstm_crf_ner` writes it."""
        if not self.members:
            raise ValueError(f"component {self.name!r} has no members to save")
        for k, member in enumerate(self.members):
            member.to_disk(Path(path) / f"{MEMBER_PREFIX}{k}")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> EnsembleNer:
        """Read the member folders written by `to_disk`, in their order."""
        folders = [p for p in Path(path).glob(f"{MEMBER_PREFIX}*") if p.name[len(MEMBER_PREFIX) :].isdigit()]
        folders.sort(key=lambda p: int(p.name[len(MEMBER_PREFIX) :]))
        if len(folders) < 2:
            raise FileNotFoundError(f"{path}: expected folders {MEMBER_PREFIX}0, {MEMBER_PREFIX}1, ... of an ensemble")
        self.set_members([BiLSTMCRFNer(f"{self.name}.{p.name}").from_disk(p) for p in folders])
        return self


def build_ensemble(model_dirs: Sequence[str | Path], name: str) -> Language:
    """A pipeline whose `ner` combines the `ner` components of the model folders (or packages) given.

    Output records name the ensemble (`name`); its `meta.json` lists each member as `name-version`
    with the folder or package it came from, since seeds of one recipe share a name and version.
    """
    import spacy

    from pipeline.ner.loading import load_ner_pipeline

    members, ids, sources = [], [], []
    for model in model_dirs:
        nlp = load_ner_pipeline("spacy", model)
        component = nlp.get_pipe("ner") if "ner" in nlp.pipe_names else None
        if not isinstance(component, BiLSTMCRFNer):
            raise ValueError(f"{model}: no bilstm_crf_ner component named 'ner', so it cannot join an ensemble")
        members.append(component)
        ids.append(f"{nlp.meta.get('name')}-{nlp.meta.get('version')}")
        sources.append(str(model))
    ensemble = spacy.blank("zh")
    ensemble.add_pipe(ENSEMBLE_FACTORY, name="ner").set_members(members)
    ensemble.meta.update(
        name=name,
        description=f"product of experts of {len(ids)} BiLSTM-CRF NER models: {', '.join(ids)}",
        license="see each member's model card",
    )
    ensemble.meta["members"] = [{"model": i, "source": s} for i, s in zip(ids, sources, strict=True)]
    return ensemble
