"""Strict exact-span NER scoring: a prediction counts only if start, end and label all match.

HanLP's own metric merges adjacent same-type entities; this one never does, so scores from
different engines are comparable.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.ner.msra import (
    Sentence,
    Span,
    read_column_file,
    read_msra_split,
    tags_to_spans,
)

if TYPE_CHECKING:
    from spacy.language import Language

NAMED_DATA = {"msra_test": "test", "msra_train": "train"}


@dataclass
class TypeScore:
    """Counts for one label (or all labels) with the derived ratios."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.support if self.support else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "support": self.support,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class NERScores:
    """Per-type and micro-averaged overall scores, plus optional speed of the run."""

    per_type: dict[str, TypeScore]
    overall: TypeScore
    chars: int = 0
    seconds: float = 0.0
    meta: dict = field(default_factory=dict)

    @property
    def chars_per_second(self) -> float:
        return self.chars / self.seconds if self.seconds else 0.0

    def table(self) -> str:
        """Fixed-width table, percentages with one decimal."""
        rows = [f"{'type':<8}{'P':>7}{'R':>7}{'F1':>7}{'support':>9}"]
        for label, s in [*sorted(self.per_type.items()), ("overall", self.overall)]:
            rows.append(
                f"{label:<8}{100 * s.precision:>7.1f}{100 * s.recall:>7.1f}{100 * s.f1:>7.1f}{s.support:>9}"
            )
        if self.seconds:
            rows.append(f"{self.chars} chars in {self.seconds:.1f} s: {self.chars_per_second:,.0f} chars/s")
        return "\n".join(rows)

    def to_dict(self) -> dict:
        return {
            "overall": self.overall.to_dict(),
            "per_type": {k: v.to_dict() for k, v in sorted(self.per_type.items())},
            "chars": self.chars,
            "seconds": self.seconds,
            "chars_per_second": self.chars_per_second,
            **({"meta": self.meta} if self.meta else {}),
        }


def score_spans(gold: Iterable[Iterable[Span]], predicted: Iterable[Iterable[Span]]) -> NERScores:
    """Score aligned sequences of gold and predicted (start, end, label) spans."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for gold_spans, pred_spans in zip(gold, predicted, strict=True):
        g, p = set(gold_spans), set(pred_spans)
        tp.update(s[2] for s in g & p)
        fp.update(s[2] for s in p - g)
        fn.update(s[2] for s in g - p)
    labels = set(tp) | set(fp) | set(fn)
    per_type = {label: TypeScore(tp[label], fp[label], fn[label]) for label in labels}
    overall = TypeScore(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return NERScores(per_type, overall)


def predict_spans(nlp: Language, texts: Iterable[str], batch_size: int = 256) -> list[list[Span]]:
    """`doc.ents` of each text as (start, end, label) in character offsets, so scores do not depend
    on how the pipeline tokenises."""
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in nlp.pipe(texts, batch_size=batch_size)]


def score_tags(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> NERScores:
    """Score aligned tag sequences (any BMES/BIO/IOBES scheme)."""
    return score_spans(map(tags_to_spans, gold), map(tags_to_spans, predicted))


def paired_bootstrap(
    gold: Sequence[Iterable[Span]],
    predicted_a: Sequence[Iterable[Span]],
    predicted_b: Sequence[Iterable[Span]],
    *,
    label: str | None = None,
    block: int = 25,
    rounds: int = 2000,
    seed: int = 0,
) -> dict[str, float]:
    """How far F1(b) - F1(a) on these sentences could move with another sample of them.

    The sentences are resampled with replacement in runs of `block` consecutive ones (neighbours
    share a story, so single sentences are not independent), both models on the same sample, and
    the 2.5th and 97.5th percentiles of the difference are returned as `low` and `high` (in F1
    points), with the share of samples in which b scores higher. `label` restricts to one type.
    """
    keep = (lambda spans: set(spans)) if label is None else (lambda spans: {s for s in spans if s[2] == label})
    counts_a, counts_b = [], []
    for g, a, b in zip(gold, predicted_a, predicted_b, strict=True):
        g, a, b = keep(g), keep(a), keep(b)
        counts_a.append((len(g & a), len(a) + len(g)))
        counts_b.append((len(g & b), len(b) + len(g)))
    units = [range(i, min(i + block, len(gold))) for i in range(0, len(gold), block)]

    def f1(counts: list[tuple[int, int]], sample: Iterable[int]) -> float:
        sample = list(sample)
        both = sum(counts[i][1] for i in sample)
        return 200 * sum(counts[i][0] for i in sample) / both if both else 0.0

    rng = random.Random(seed)
    differences = []
    for _ in range(rounds):
        sample = [i for unit in rng.choices(units, k=len(units)) for i in unit]
        differences.append(f1(counts_b, sample) - f1(counts_a, sample))
    differences.sort()
    everything = range(len(gold))
    f1_a, f1_b = f1(counts_a, everything), f1(counts_b, everything)
    return {
        "f1_a": f1_a,
        "f1_b": f1_b,
        "difference": f1_b - f1_a,
        "low": differences[int(0.025 * rounds)],
        "high": differences[int(0.975 * rounds) - 1],
        "share_b_higher": sum(d > 0 for d in differences) / rounds,
    }


def load_eval_data(data: str | Path, cache_dir: str | Path | None = None) -> list[Sentence]:
    """`msra_test`/`msra_train` name the wheel's files; anything else is a column-file path."""
    if isinstance(data, str) and data in NAMED_DATA:
        return read_msra_split(NAMED_DATA[data], cache_dir)
    path = Path(data)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file; expected 'msra_test' or a char<space>tag file")
    return read_column_file(path)


def evaluate_ner(
    nlp: Language,
    data: str | Path = "msra_test",
    batch_size: int = 256,
    cache_dir: str | Path | None = None,
) -> NERScores:
    """Run `nlp.pipe` over the joined sentences and score `doc.ents` against gold spans.

    Gold spans are in character offsets, predictions are taken from `ent.start_char` and
    `ent.end_char`, so the score does not depend on how the pipeline tokenises.
    """
    sentences = load_eval_data(data, cache_dir)
    texts = ["".join(chars) for chars, _ in sentences]
    gold = [_char_spans(chars, tags) for chars, tags in sentences]
    started = time.perf_counter()
    predicted = predict_spans(nlp, texts, batch_size)
    seconds = time.perf_counter() - started
    scores = score_spans(gold, predicted)
    scores.chars, scores.seconds = sum(map(len, texts)), seconds
    scores.meta = {"data": str(data), "model": f"{nlp.meta.get('name')}-{nlp.meta.get('version')}"}
    return scores


def _char_spans(chars: Sequence[str], tags: Sequence[str]) -> list[Span]:
    """Token spans to character offsets (a column file's token may be longer than one char)."""
    offsets = [0]
    for c in chars:
        offsets.append(offsets[-1] + len(c))
    return [(offsets[s], offsets[e], label) for s, e, label in tags_to_spans(tags)]
