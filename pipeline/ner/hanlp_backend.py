"""HanLP NER wrapped as a spaCy component, plus the CRF fix HanLP's RNN tagger needs.

Imported only by `load_ner_pipeline(backend="hanlp")` and by training code: it imports hanlp.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hanlp
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.ner.component import EntityTagger

FACTORY = "hanlp_ner"

# HanLP tag sets: MSRA (NR/NS/NT), OntoNotes (PERSON/GPE/LOC/ORG) and long names.
LABELS = {
    "NR": "PER",
    "PER": "PER",
    "PERSON": "PER",
    "NS": "LOC",
    "LOC": "LOC",
    "LOCATION": "LOC",
    "GPE": "LOC",
    "NT": "ORG",
    "ORG": "ORG",
    "ORGANIZATION": "ORG",
}


def patch_rnn_crf() -> None:
    """Fix HanLP 2.1.5-2.1.7 `RNNTaggingModel`, which passes its CRF constraints where the CRF
    expects `batch_first`: unpatched, the CRF runs on the wrong axis and nothing is learnt.

    Must run before `fit` and before every `hanlp.load` of such a model; idempotent.
    """
    from hanlp.components.taggers.rnn import rnntaggingmodel
    from hanlp.layers.crf.crf import CRF

    def batch_first_crf(num_tags: int, *_ignored: Any) -> CRF:
        return CRF(num_tags, batch_first=True)

    rnntaggingmodel.CRF = batch_first_crf


def load_hanlp_pipeline(model: str | Path) -> Language:
    """Blank zh (char) pipeline whose `hanlp_ner` component runs `hanlp.load(model)`."""
    import spacy

    patch_rnn_crf()
    try:
        tagger = hanlp.load(str(model))
    except Exception as err:  # hanlp raises plain Exceptions for download and format failures
        raise RuntimeError(
            f"hanlp.load({str(model)!r}) failed: an identifier needs its model already extracted "
            "under $HANLP_HOME (there is no network), a path must be a saved HanLP model directory"
        ) from err
    nlp = spacy.blank("zh")
    nlp.add_pipe(FACTORY, name="ner").tagger = tagger
    nlp.meta.update(name=f"hanlp_{Path(str(model)).name}", version=hanlp.__version__)
    return nlp


@Language.factory(FACTORY, default_config={"batch_size": 64})
def make_hanlp_ner(nlp: Language, name: str, batch_size: int) -> HanLPNer:
    return HanLPNer(name, batch_size)


class HanLPNer(EntityTagger):
    """Runs a loaded HanLP NER tagger on the char tokens and maps its labels to ORG/PER/LOC.

    Not serialisable: the tagger is attached by `load_hanlp_pipeline`, not by `spacy.load`.
    """

    def __init__(self, name: str, batch_size: int = 64) -> None:
        self.name = name
        self.batch_size = batch_size
        self.tagger: Any = None

    def _spans(self, docs: list[Doc]) -> list[list[Span]]:
        if self.tagger is None:
            raise ValueError("hanlp_ner has no tagger: create the pipeline with load_ner_pipeline(backend='hanlp')")
        found: list[list[Span]] = [[] for _ in docs]
        nonempty = [i for i, doc in enumerate(docs) if len(doc)]
        tokens = [[t.text for t in docs[i]] for i in nonempty]
        results = self.tagger(tokens) if tokens else []
        for i, entities in zip(nonempty, results):
            # HanLP NER output: (text, label, start token, end token exclusive)
            found[i] = [
                Span(docs[i], start, end, label=LABELS[label.upper()])
                for _text, label, start, end in entities
                if label.upper() in LABELS
            ]
        return found
