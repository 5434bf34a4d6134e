"""Is model B's dev F1 above model A's by more than another sample of dev sentences could give?

Checkpoints and recipes are chosen on the story dev split (docs/ner-engine.md E, I), and two models
a few tenths apart there need not differ on new text. This script scores both models on the dev
split of `--config` and runs a paired bootstrap (`pipeline.evaluation.ner.paired_bootstrap`):
dev is resampled in runs of `--block` consecutive sentences, and the 95 % interval of F1(B) - F1(A)
is printed per label and overall, one JSON line each. It measures the sampling noise of dev only;
a second training seed varies a model more (docs/ner-engine.md I). Test is never read.

Run from the repository root (one thread, about two minutes per model):

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/ner_paired_bootstrap.py MODEL_A MODEL_B
"""

from __future__ import annotations

import argparse
import json

from pipeline.evaluation.ner import paired_bootstrap, predict_spans
from pipeline.ner.msra import Span, tags_to_spans
from pipeline.training.ner import DEFAULT_CONFIG, dev_config_argument, msra_splits

LABELS = ("ORG", "PER", "LOC", None)


def predict(path: str, texts: list[str]) -> list[list[Span]]:
    """The model's entity spans for each text."""
    from pipeline.ner.loading import load_ner_pipeline

    return predict_spans(load_ner_pipeline("spacy", path), texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model_a", help="the reference model directory")
    parser.add_argument("model_b", help="the model compared with it")
    parser.add_argument(
        "--config", type=dev_config_argument, default=str(DEFAULT_CONFIG), help="the config whose dev split both are scored on"
    )
    parser.add_argument("--block", type=int, default=25, help="consecutive dev sentences resampled together (25)")
    parser.add_argument("--rounds", type=int, default=2000, help="bootstrap samples (2000)")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    dev = msra_splits(args.config["data"])["dev"]
    texts = ["".join(chars) for chars in dev["tokens"]]
    gold = [tags_to_spans(tags) for tags in dev["tags"]]
    predicted_a, predicted_b = predict(args.model_a, texts), predict(args.model_b, texts)
    for label in LABELS:
        result = paired_bootstrap(gold, predicted_a, predicted_b, label=label, block=args.block, rounds=args.rounds)
        row = {"label": label or "overall", **{key: round(value, 3) for key, value in result.items()}}
        print(json.dumps({"a": args.model_a, "b": args.model_b, "sentences": len(texts), **row}))


if __name__ == "__main__":
    main()
