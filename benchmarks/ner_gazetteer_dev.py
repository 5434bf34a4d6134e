"""How much of a gazetteer model's dev score comes from dev sharing documents with train.

The MSRA dev split is a random 10 % of msra_train.txt's sentences, so most dev sentences have
neighbours from the same news story in train, and the training-entity gazetteer (`lexicon.gazetteer`
in configs/ner/bilstm_crf.yaml) flags their entities far more often than it can flag entities of
new documents. The dev F1 that selects the checkpoint is therefore optimistic. This script scores
a model on dev twice:

- `full`: dev flags from the model's own lexicon (every training entity), as during training;
- `fold`: each dev sentence is flagged with the fold lexicon of its place in the file (entities of
  the other four fifths of the file only), as the training sentences were: the flags then come from
  other documents, as they do for new text.

It also prints how often a gold mention (2+ characters) is a training entity of its label: for
train sentences in the other folds, for dev in all of train, and with `--test` for msra_test.txt
(a property of the data only; nothing is scored on test), and for each model and mode the recall
of dev mentions (2+ characters) that are training entities of their label ("seen") and of the others,
and the % of characters and bigrams of train, dev (and test) text outside the model's vocabulary (text
only; a sign of how new each split's text is to the model).
With `--config` naming a config whose `data.dev_block` is set, dev is the story split the model
was trained with (docs/ner-engine.md E).

Run from the repository root (one thread, about two minutes per model):

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/ner_gazetteer_dev.py models/zh_msra_ner --test
"""

from __future__ import annotations

import argparse
import bisect
import json
from collections import Counter
from collections.abc import Sequence
from itertools import groupby

from pipeline.evaluation.ner import score_tags
from pipeline.ner.msra import Sentence, tags_to_spans, train_in_file_order
from pipeline.training.ner import (
    DEFAULT_CONFIG,
    TAGS,
    build_vocab,
    dev_config_argument,
    msra_splits,
)


def mentions(sentences: Sequence[Sentence]) -> list[tuple[str, str]]:
    """(string, label) of every gold mention of two or more characters."""
    return [("".join(c[s:e]), label) for c, t in sentences for s, e, label in tags_to_spans(t) if e - s >= 2]


def seen_share(pairs: Sequence[tuple[Sequence[tuple[str, str]], set[tuple[str, str]]]]) -> dict[str, float]:
    """Per label, the % of mentions that are known, pooled over (mentions, known mentions) pairs."""
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for found, known in pairs:
        totals.update(label for _, label in found)
        hits.update(label for string, label in found if (string, label) in known)
    return {label: round(100 * hits[label] / totals[label], 1) for label in sorted(totals)}


def recall_by_seen(
    sentences: Sequence[tuple[Sequence[str], Sequence[str]]], predicted: Sequence[Sequence[str]], known: set[tuple[str, str]]
) -> dict[str, dict[str, float]]:
    """Per label, the % of gold mentions (2+ characters) found exactly, for training entities and the others."""
    found: Counter[tuple[str, bool]] = Counter()
    totals: Counter[tuple[str, bool]] = Counter()
    for (chars, tags), pred in zip(sentences, predicted, strict=True):
        hits = set(tags_to_spans(pred))
        for start, end, label in tags_to_spans(tags):
            if end - start >= 2:
                key = (label, ("".join(chars[start:end]), label) in known)
                totals[key] += 1
                found[key] += (start, end, label) in hits
    return {
        label: {kind: round(100 * found[label, seen] / totals[label, seen], 1) for kind, seen in (("seen", True), ("unseen", False))}
        for label in sorted({label for label, _ in totals})
    }


def unknown_share(vocab, texts: Sequence[Sequence[str]]) -> dict[str, float]:
    """% of characters and of bigrams that `vocab` maps to `<unk>` (after the model's normalisation)."""
    from pipeline.ner.bilstm_crf_model import char_bigrams, normalise_chars

    counts: Counter[str] = Counter()
    for chars in texts:
        norm = normalise_chars(chars)
        bigrams = char_bigrams(norm)
        counts.update(chars=len(norm), bigrams=len(bigrams))
        counts.update(unknown_chars=sum(c not in vocab.char_index for c in norm))
        counts.update(unknown_bigrams=sum(b not in vocab.bigram_index for b in bigrams))
    return {kind: round(100 * counts["unknown_" + kind] / counts[kind], 2) for kind in ("chars", "bigrams")}


def main() -> None:
    import spacy
    import torch

    import pipeline.ner  # noqa: F401  (registers the component factory)
    from pipeline.ner.bilstm_crf_model import predict_tag_ids

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="*", help="model directories trained with the gazetteer (none: shares only)")
    parser.add_argument(
        "--config", type=dev_config_argument, default=str(DEFAULT_CONFIG), help="the config the models were trained with"
    )
    parser.add_argument("--test", action="store_true", help="also report the mention overlap of msra_test.txt")
    parser.add_argument("--dev-block", type=int, help="override the config's data.dev_block (0: random dev sentences)")
    args = parser.parse_args()
    torch.set_num_threads(1)

    cfg = args.config
    if args.dev_block is not None:
        cfg["data"]["dev_block"] = args.dev_block or None
    msra = msra_splits(cfg["data"])
    in_file_order = train_in_file_order(msra)
    train = [(chars, tags) for _, chars, tags in in_file_order]
    train_lines = [line for line, _, _ in in_file_order]
    dev = list(zip(msra["dev"]["line"], msra["dev"]["tokens"], msra["dev"]["tags"]))
    dev_sentences = [(chars, tags) for _, chars, tags in dev]
    _, train_lexicons = build_vocab(train, TAGS, cfg)
    # a dev sentence takes the lexicon of the training sentence that follows it in the file
    fold_of_dev = [train_lexicons[min(bisect.bisect(train_lines, line), len(train) - 1)] for line, _, _ in dev]

    # the folds are the runs of consecutive training sentences that share a lexicon
    folds = groupby(range(len(train)), key=lambda i: id(train_lexicons[i]))
    blocks = [mentions([train[i] for i in fold]) for _, fold in folds]
    others = [{m for j, b in enumerate(blocks) if j != k for m in b} for k in range(len(blocks))]
    known = {m for b in blocks for m in b}
    overlap = {
        "train_in_other_folds": seen_share(list(zip(blocks, others))),
        "dev_in_train": seen_share([(mentions(dev_sentences), known)]),
    }
    if args.test:
        overlap["test_in_train"] = seen_share([(mentions(list(zip(msra["test"]["tokens"], msra["test"]["tags"]))), known)])
    print(json.dumps({"mention_is_training_entity_pct": overlap}))

    gold = [tags for _, tags in dev_sentences]
    texts = {"train": [chars for chars, _ in train], "dev": [chars for chars, _ in dev_sentences]}
    if args.test:
        texts["test"] = msra["test"]["tokens"]
    for path in args.models:
        ner = spacy.load(path).get_pipe("ner")
        print(json.dumps({"model": path, "unknown_pct": {split: unknown_share(ner.vocab, t) for split, t in texts.items()}}))
        for mode, lexicons in (("full", [None] * len(dev)), ("fold", fold_of_dev)):
            encoded = [ner.vocab.encode(chars, lexicon) for (chars, _), lexicon in zip(dev_sentences, lexicons)]
            ids = predict_tag_ids(ner.model, encoded, 256)
            predicted = [[ner.vocab.tags[i] for i in seq] for seq in ids]
            scores = score_tags(gold, predicted)
            per_type = {k: round(100 * v.f1, 2) for k, v in sorted(scores.per_type.items())}
            recall = recall_by_seen(dev_sentences, predicted, known)
            print(json.dumps({"model": path, "dev_flags": mode, "f1": round(100 * scores.overall.f1, 2), **per_type, "recall_pct": recall}))


if __name__ == "__main__":
    main()
