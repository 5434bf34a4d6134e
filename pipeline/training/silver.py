"""Silver training data: raw People's Daily sentences labelled by an ensemble of trained models.

Sequence-level knowledge distillation (Kim and Rush 2016): several BiLSTM-CRF models, combined as
a product of experts (emission and transition scores summed, one Viterbi pass), label text none of
them was trained on; a student then trains on the gold sentences plus these. The ensemble scores
above each of its members on dev (docs/ner-engine.md L), and the student keeps one model's speed.

The text is People's Daily of January-March 1998: MSRA's training sentences come from April-June
(docs/ner-engine.md J), and paragraphs sharing a `decontaminate`-character string with a dev or
MSRA test sentence are dropped, as for pretraining. Sentences end at 。 (the runs of L).

    OMP_NUM_THREADS=1 python -m pipeline.training.silver --teacher A --teacher B --output silver.txt
"""

from __future__ import annotations

import argparse
import copy
import re
from collections.abc import Sequence
from pathlib import Path

from pipeline.ner.msra import Sentence, tags_to_spans

#: months of People's Daily 1998 (`pretrain.WAPIC_MONTHS` indices) without MSRA training text
SILVER_MONTHS = (0, 1, 2)
#: the text is normalised first (`clean_raw_text`), so ！ and ？ are half-width by then and not cut at
SENTENCE_END = re.compile(r"(?<=。)")
MAX_CHARS = 200


def raw_sentences(paragraphs: Sequence[str], max_chars: int = MAX_CHARS) -> list[str]:
    """Paragraphs cut after 。, whitespace removed; sentences longer than `max_chars` are left out."""
    sentences = (re.sub(r"\s+", "", s) for p in paragraphs for s in SENTENCE_END.split(p))
    return [s for s in sentences if 1 < len(s) <= max_chars]


def ensemble_tags(model_dirs: Sequence[str | Path], sentences: Sequence[str], batch_size: int = 256) -> list[list[str]]:
    """BMES tags of each sentence from the product of experts of the models in `model_dirs`.

    The models must share one tag set; each encodes the text with its own vocabulary and lexicon.
    """
    import spacy
    import torch

    import pipeline.ner  # noqa: F401  (registers the component factory)
    from pipeline.ner.bilstm_crf_model import make_batch

    components = [spacy.load(path).get_pipe("ner") for path in model_dirs]
    tags = components[0].vocab.tags
    if any(c.vocab.tags != tags for c in components):
        raise ValueError("the teacher models do not share one tag set")
    crf = copy.deepcopy(components[0].model.crf)
    with torch.no_grad():
        for name in ("transitions", "start", "end"):
            getattr(crf, name).copy_(sum(getattr(c.model.crf, name) for c in components))
    order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
    result: list[list[str]] = [[] for _ in sentences]
    with torch.inference_mode():
        for c in components:
            c.model.eval()
        for k in range(0, len(order), batch_size):
            chunk = order[k : k + batch_size]
            batches = [make_batch([c.vocab.encode(list(sentences[i])) for i in chunk]) for c in components]
            emissions = sum(c.model.emissions(b) for c, b in zip(components, batches, strict=True))
            for i, path in zip(chunk, crf.decode(emissions, batches[0].mask), strict=True):
                result[i] = [tags[t] for t in path]
    return result


def write_column_file(sentences: Sequence[Sentence], path: str | Path) -> None:
    """`char tag` lines, a blank line after each sentence (what `read_column_file` reads)."""
    with open(path, "w", encoding="utf-8") as f:
        for chars, tags in sentences:
            f.writelines(f"{c} {t}\n" for c, t in zip(chars, tags, strict=True))
            f.write("\n")


def main(argv: Sequence[str] | None = None) -> None:
    from pipeline.training.ner import DEFAULT_CONFIG, clean_raw_text, load_dev_config, msra_splits
    from pipeline.training.pretrain import peoples_daily_h1_months, pfr_paragraphs

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--teacher", action="append", required=True, help="a trained model folder (repeat)")
    parser.add_argument("--output", required=True, help="column file to write")
    parser.add_argument("--config", default=str(DEFAULT_CONFIG), help="training config whose dev split is held out")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    cfg = load_dev_config(args.config)
    msra = msra_splits(cfg["data"])
    dev = list(zip(msra["dev"]["tokens"], msra["dev"]["tags"]))
    months = peoples_daily_h1_months()
    paragraphs = [p for m in SILVER_MONTHS for p in pfr_paragraphs(months[m])]
    kept = clean_raw_text(paragraphs, dev, cfg["pretrain"]["decontaminate"])
    sentences = raw_sentences(kept)
    tags = ensemble_tags(args.teacher, sentences)
    write_column_file([(list(s), t) for s, t in zip(sentences, tags, strict=True)], args.output)
    mentions = sum(len(tags_to_spans(t)) for t in tags)
    print(f"{len(paragraphs)} paragraphs, {len(kept)} after decontamination, {len(sentences)} sentences, "
          f"{sum(map(len, sentences))} chars, {mentions} mentions -> {args.output}")


if __name__ == "__main__":
    main()
