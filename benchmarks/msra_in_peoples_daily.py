"""How much of MSRA is People's Daily 1998 H1, how its name tags agree with MSRA's, and how models score on it.

The char and bigram embeddings are pretrained on People's Daily January-June 1998 (the PKU/Fujitsu
"PFR" corpus, pipeline/training/pretrain.py), newswire tagged with parts of speech, names among them
(nr person, ns place, nt organisation, `[...]nt` compounds). Most of msra_train.txt is that same text,
sentence for sentence, while msra_test.txt is not: train and test are not the same kind of sample,
and a dev split cut from train is mostly People's Daily. This script measures that. It prints JSON lines:

- `sentences`: how many train and test sentences of `--min-chars` or more characters occur verbatim
  (both sides folded by `normalise_chars`) in People's Daily H1 (`in_pd`), how many do not
  (`not_in_pd`) and how many are too short to tell (`short`);
- `train_not_in_pd_per_1000_lines`: where in msra_train.txt the train sentences not found are, per
  1,000 lines (a line is a sentence's number in the file, `load_msra`'s `line`);
- `pfr_vs_msra`: on the train sentences found, the agreement of the corpus's name tags, read as
  entities by `pretrain.pfr_entities`, with MSRA's annotation (MSRA as gold, strict spans);
- with `--model` (repeatable): the model's per-type P/R/F1 on the dev sentences of `--config`
  (a config with a dev split, such as the shipped one, whose dev is the story split) found in
  People's Daily H1, not found, and short. The shipped config's pretraining drops the People's Daily
  paragraphs that share 15 characters with a dev sentence, so neither part was seen as raw text.

Test labels are never used: for msra_test.txt only whether a sentence's text occurs is counted.

Run from the repository root (one thread; with two models 1.5 minutes and 3.3 GB peak memory on
this project's 2-core machine, both cores busy with training):

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/msra_in_peoples_daily.py --model models/zh_msra_ner
"""

from __future__ import annotations

import argparse
import bisect
import json
from collections import Counter
from collections.abc import Sequence

from pipeline.evaluation.ner import NERScores, TypeScore, predict_spans, score_spans
from pipeline.ner.bilstm_crf_model import normalise_chars
from pipeline.ner.msra import Sentence, Span, read_msra_split, tags_to_spans
from pipeline.training.ner import DEFAULT_CONFIG, load_dev_config, msra_splits
from pipeline.training.pretrain import peoples_daily_h1_months, pfr_entities

PARTS = ("in_pd", "not_in_pd", "short")
LABELS = ("ORG", "PER", "LOC")


def fold(text: str) -> str:
    """`normalise_chars` as a string of the same length, so that offsets still hold (a char whose lower
    case is longer, such as `İ`, keeps its first char)."""
    return "".join(c[0] for c in normalise_chars(text))


class PeoplesDaily:
    """People's Daily H1 paragraphs, folded, with their PFR name spans, and where each `n`-char string
    first occurs in them: a sentence is looked up by its first `n` chars, then compared in full."""

    def __init__(self, paragraphs: Sequence[tuple[str, list[Span]]], n: int):
        self.n = n
        self.spans = [spans for _, spans in paragraphs]
        self.text = "\n".join(fold(text) for text, _ in paragraphs)  # folded sentences hold no "\n"
        self.starts = [0]
        for text, _ in paragraphs:
            self.starts.append(self.starts[-1] + len(text) + 1)
        self.first = {self.text[i : i + n]: i for i in range(len(self.text) - n, -1, -1)}

    def find(self, sentence: str) -> tuple[int, int] | None:
        """(paragraph, offset) of a verbatim occurrence of the folded `sentence` (n+ chars), or None."""
        position = self.first.get(sentence[: self.n])
        if position is not None and not self.text.startswith(sentence, position):
            position = self.text.find(sentence)  # the first string occurs more than once: rare
        if position is None or position < 0:
            return None
        paragraph = bisect.bisect_right(self.starts, position) - 1
        return paragraph, position - self.starts[paragraph]

    def part(self, sentence: str) -> str:
        """Which of `PARTS` the folded `sentence` falls in."""
        if len(sentence) < self.n:
            return "short"
        return "in_pd" if self.find(sentence) else "not_in_pd"


def read_peoples_daily(n: int) -> PeoplesDaily:
    """The six months' paragraphs with their name spans, indexed by `n`-char strings."""
    lines = (line for month in peoples_daily_h1_months() for line in month.splitlines())
    return PeoplesDaily([entry for entry in map(pfr_entities, lines) if entry[0]], n)


def sentence_counts(parts: dict[str, list[str]]) -> dict:
    """Per split, how many sentences fall in each part."""
    return {split: {part: found.count(part) for part in PARTS} for split, found in parts.items()}


def per_thousand_lines(parts: Sequence[str], part: str) -> list[int]:
    """How many of the sentences in `part` are in each run of 1,000 lines."""
    blocks = Counter(line // 1000 for line, found in enumerate(parts) if found == part)
    return [blocks[block] for block in range((len(parts) + 999) // 1000)]


def pfr_spans_of(pd: PeoplesDaily, sentence: str) -> list[Span]:
    """The PFR name spans inside a found sentence's occurrence, in the sentence's offsets."""
    paragraph, offset = pd.find(sentence)
    end = offset + len(sentence)
    return [(s - offset, e - offset, label) for s, e, label in pd.spans[paragraph] if s >= offset and e <= end]


def pfr_vs_msra(pd: PeoplesDaily, train: Sequence[Sentence], parts: Sequence[str]) -> dict:
    """PFR name tags scored against MSRA's annotation on the train sentences found."""
    found = [chars for (chars, _), part in zip(train, parts, strict=True) if part == "in_pd"]
    gold = [tags_to_spans(tags) for (_, tags), part in zip(train, parts, strict=True) if part == "in_pd"]
    scores = score_spans(gold, [pfr_spans_of(pd, fold("".join(chars))) for chars in found])
    return {"sentences": len(found), **per_type(scores, pred_key="pfr")}


def per_type(scores: NERScores, pred_key: str = "predicted") -> dict:
    """P/R/F1 in % per label, with the gold and predicted counts."""
    return {label: percent(scores.per_type.get(label, TypeScore()), pred_key) for label in LABELS}


def percent(score: TypeScore, pred_key: str) -> dict:
    return {
        "p": round(100 * score.precision, 2),
        "r": round(100 * score.recall, 2),
        "f1": round(100 * score.f1, 2),
        "gold": score.support,
        pred_key: score.tp + score.fp,
    }


def score_model(path: str, dev: Sequence[Sentence], parts: Sequence[str]) -> list[dict]:
    """The model's scores on the dev sentences of each part."""
    from pipeline.ner.loading import load_ner_pipeline

    nlp = load_ner_pipeline("spacy", path)
    predicted = predict_spans(nlp, ["".join(chars) for chars, _ in dev])
    rows = []
    for part in PARTS:
        chosen = [i for i, p in enumerate(parts) if p == part]
        scores = score_spans([tags_to_spans(dev[i][1]) for i in chosen], [predicted[i] for i in chosen])
        row = {"model": path, "version": nlp.meta.get("version"), "dev": part, "sentences": len(chosen)}
        rows.append({**row, "f1": round(100 * scores.overall.f1, 2), **per_type(scores)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", action="append", default=[], help="a model directory to score on dev (repeatable)")
    parser.add_argument("--config", default=str(DEFAULT_CONFIG), help="the config whose dev split --model is scored on")
    parser.add_argument("--min-chars", type=int, default=15, help="shortest sentence looked up (default 15)")
    args = parser.parse_args()
    if args.model:
        try:
            cfg = load_dev_config(args.config)
        except ValueError as error:
            parser.error(str(error))

    pd = read_peoples_daily(args.min_chars)
    train = read_msra_split("train")
    test_texts = ["".join(chars) for chars, _ in read_msra_split("test")]  # the text only: test tags stay unread
    parts = {
        "train": [pd.part(fold("".join(chars))) for chars, _ in train],
        "test": [pd.part(fold(text)) for text in test_texts],
    }
    print(json.dumps({"min_chars": args.min_chars, "sentences": sentence_counts(parts)}))
    print(json.dumps({"train_not_in_pd_per_1000_lines": per_thousand_lines(parts["train"], "not_in_pd")}))
    print(json.dumps({"pfr_vs_msra": pfr_vs_msra(pd, train, parts["train"])}))
    if args.model:
        import torch

        torch.set_num_threads(1)
        dev = msra_splits(cfg["data"])["dev"]
        dev_sentences = list(zip(dev["tokens"], dev["tags"]))
        dev_parts = [parts["train"][line] for line in dev["line"]]
        for path in args.model:
            for row in score_model(path, dev_sentences, dev_parts):
                print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
