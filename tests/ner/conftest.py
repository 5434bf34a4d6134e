"""Shared fixtures: a tiny synthetic char-tag corpus and a smoke model trained on it, so tests need
neither network nor MSRA."""

import random
from pathlib import Path

import pytest

from pipeline.ner.msra import spans_to_tags

NAMES = {
    "PER": ["张伟", "李娜", "王芳", "刘洋", "陈"],
    "ORG": ["国务院扶贫办", "河南日报", "县扶贫办", "住房和城乡建设部", "省委巡查组"],
    "LOC": ["河南省", "兰考县", "北京", "贵州", "大别山区"],
}
TEMPLATES = ["{PER}在{LOC}考察{ORG}。", "{ORG}派{PER}到{LOC}调研", "{LOC}的{ORG}召开会议，{PER}主持。"]


def make_corpus(path: Path, sentences: int, seed: int, scheme: str = "BMES", sep: str = " ") -> Path:
    """Write `sentences` templated sentences as a char-tag column file."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        for _ in range(sentences):
            text, spans = "", []
            for piece in rng.choice(TEMPLATES).replace("}", "{").split("{"):
                if piece in NAMES:
                    name = rng.choice(NAMES[piece])
                    spans.append((len(text), len(text) + len(name), piece))
                    piece = name
                text += piece
            tags = spans_to_tags(len(text), spans, scheme)
            f.write("".join(f"{c}{sep}{t}\n" for c, t in zip(text, tags)) + "\n")
    return path


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    make_corpus(root / "train.txt", 300, seed=1)
    make_corpus(root / "dev.txt", 40, seed=2)
    make_corpus(root / "train_bio.tsv", 300, seed=1, scheme="BIO", sep="\t")
    make_corpus(root / "dev_bio.tsv", 40, seed=2, scheme="BIO", sep="\t")
    return root


@pytest.fixture(scope="session")
def tiny_model(corpus_dir, tmp_path_factory) -> Path:
    """A smoke-sized model trained once on the synthetic corpus; tests load it, never change the folder."""
    from pipeline.training.ner import train_ner

    out = tmp_path_factory.mktemp("model") / "zh_tiny"
    result = train_ner(
        out, smoke=True, train_file=corpus_dir / "train.txt", dev_file=corpus_dir / "dev.txt", progress=False
    )
    assert result.history and 0.0 <= result.best_dev_f1 <= 1.0
    return out
