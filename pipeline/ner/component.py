"""spaCy component `bilstm_crf_ner`: our PyTorch BiLSTM-CRF behind the ordinary spaCy interface.

torch is imported only when a model is built or loaded, so registering the factory is cheap.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.ner.msra import ENTITY_LABELS, tags_to_spans

if TYPE_CHECKING:
    from pipeline.ner.bilstm_crf_model import BiLSTMCRF, ModelConfig, Vocab

FACTORY = "bilstm_crf_ner"
SENTENCE_END_CHARS = frozenset("。！？!?；;\n")
SENTENCE_END = re.compile(f"[{''.join(sorted(SENTENCE_END_CHARS))}]")  # also used by training.formats
CONFIG_FILE, VOCAB_FILE, WEIGHTS_FILE, LEXICON_FILE = "cfg.json", "vocab.json", "model.pt", "lexicon.tsv"


@Language.factory(FACTORY, default_config={"batch_size": 128, "max_length": 150})
def make_bilstm_crf_ner(nlp: Language, name: str, batch_size: int, max_length: int) -> BiLSTMCRFNer:
    """Factory registered with spaCy (also exposed as a `spacy_factories` entry point)."""
    return BiLSTMCRFNer(name, batch_size=batch_size, max_length=max_length)


class EntityTagger:
    """Base of our NER components: tags docs in groups so that models can batch across docs.

    Subclasses implement `_spans(docs)`, returning new ORG/PER/LOC spans per doc.
    """

    name: str
    batch_size: int

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        """Tag docs in groups of `batch_size`."""
        size = batch_size or self.batch_size
        group: list[Doc] = []
        for doc in docs:
            group.append(doc)
            if len(group) >= size:
                yield from self._tag_group(group)
                group = []
        if group:
            yield from self._tag_group(group)

    def _tag_group(self, docs: list[Doc]) -> list[Doc]:
        for doc, spans in zip(docs, self._spans(docs)):
            # Entities of other types set by earlier components (e.g. DATE) are kept when they
            # do not overlap ours; filter_spans prefers the longer span on overlap.
            others = [e for e in doc.ents if e.label_ not in ENTITY_LABELS]
            doc.ents = filter_spans(spans + others)
        return docs

    def _spans(self, docs: list[Doc]) -> list[list[Span]]:
        raise NotImplementedError


class SegmentTagger(EntityTagger):
    """Base of the character taggers: docs are cut into sentence-like segments of at most
    `max_length` tokens, the way the training data is cut, and segments from a group of docs are
    tagged together. Subclasses implement `predict_tags`.
    """

    def __init__(self, name: str, batch_size: int = 128, max_length: int = 150) -> None:
        self.name = name
        self.batch_size = batch_size
        self.max_length = max_length

    def _spans(self, docs: list[Doc]) -> list[list[Span]]:
        words = [[t.text for t in doc] for doc in docs]
        segments = [(d, s, e) for d, w in enumerate(words) for s, e in self._segments(w)]
        texts = [words[d][s:e] for d, s, e in segments]
        found: list[list[Span]] = [[] for _ in docs]
        for (d, s, _), tags in zip(segments, self.predict_tags(texts)):
            for start, end, label in tags_to_spans(tags):
                found[d].append(Span(docs[d], s + start, s + end, label=label))
        return found

    def _segments(self, words: list[str]) -> Iterator[tuple[int, int]]:
        """Token ranges ending after sentence punctuation, cut hard at `max_length`."""
        start = 0
        for i, word in enumerate(words):
            if i + 1 - start >= self.max_length or word[-1:] in SENTENCE_END_CHARS or "\n" in word:
                yield start, i + 1
                start = i + 1
        if start < len(words):
            yield start, len(words)

    def predict_tags(self, sentences: list[list[str]]) -> list[list[str]]:
        """BMES tag strings for token sequences."""
        raise NotImplementedError


class BiLSTMCRFNer(SegmentTagger):
    """Sets `doc.ents` (ORG/PER/LOC) from a character BiLSTM-CRF, one token per character."""

    def __init__(self, name: str, batch_size: int = 128, max_length: int = 150) -> None:
        super().__init__(name, batch_size, max_length)
        self.model: BiLSTMCRF | None = None
        self.vocab: Vocab | None = None
        self.model_cfg: ModelConfig | None = None

    def set_model(self, model: BiLSTMCRF, vocab: Vocab, cfg: ModelConfig) -> None:
        """Attach a trained model (used by training and by `from_disk`)."""
        self.model, self.vocab, self.model_cfg = model.eval(), vocab, cfg

    def predict_tags(self, sentences: list[list[str]]) -> list[list[str]]:
        """Tag string sequences for token sequences, sorted by length so batches pad little."""
        from pipeline.ner.bilstm_crf_model import predict_tag_ids

        if self.model is None or self.vocab is None:
            raise ValueError(f"component {self.name!r} has no model: train it or load it from disk")
        ids = predict_tag_ids(self.model, [self.vocab.encode(s) for s in sentences], self.batch_size)
        return [[self.vocab.tags[i] for i in seq] for seq in ids]

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Write config, vocabularies and fp16 weights (halves the size, no measurable F1 change)."""
        import torch

        if self.model is None:
            raise ValueError(f"component {self.name!r} has no model to save")
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / CONFIG_FILE).write_text(json.dumps(asdict(self.model_cfg), indent=2))
        (path / VOCAB_FILE).write_text(json.dumps(self.vocab.to_dict(), ensure_ascii=False))
        if self.vocab.lexicon is not None:
            self.vocab.lexicon.write(path / LEXICON_FILE)
        state = {k: v.half() if v.is_floating_point() else v for k, v in self.model.state_dict().items()}
        torch.save(state, path / WEIGHTS_FILE)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> BiLSTMCRFNer:
        """Rebuild the model from `to_disk` output."""
        import torch

        from pipeline.ner.bilstm_crf_model import BiLSTMCRF, ModelConfig, Vocab
        from pipeline.ner.lexicon import Lexicon

        path = Path(path)
        for needed in (CONFIG_FILE, VOCAB_FILE, WEIGHTS_FILE):
            if not (path / needed).exists():
                raise FileNotFoundError(f"{path / needed} missing: not a {FACTORY} model directory")
        cfg = ModelConfig(**json.loads((path / CONFIG_FILE).read_text()))
        vocab_data = json.loads((path / VOCAB_FILE).read_text(encoding="utf-8"))
        classes = vocab_data.pop("lexicon_classes", [])
        lexicon = Lexicon.read(path / LEXICON_FILE, classes) if classes else None
        vocab = Vocab(**vocab_data, lexicon=lexicon)
        model = BiLSTMCRF(vocab, cfg)
        state = torch.load(path / WEIGHTS_FILE, map_location="cpu", weights_only=True)
        model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
        self.set_model(model, vocab, cfg)
        return self
