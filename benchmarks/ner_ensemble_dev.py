"""How far does more of the same model go? Story-dev F1 of a product of experts of BiLSTM-CRF models.

Each model encodes the dev sentences with its own vocabulary and lexicon; their emission scores
and their CRF transition, start and end scores are summed and decoded in one Viterbi pass (the
`bilstm_crf_ensemble_ner` component of `pipeline.ner.ensemble`, here on whole sentences). An
ensemble of N models costs N times the NER time, so it cannot be the default under the 20,000
chars/s target; it measures the ceiling of this model family on story dev (docs/ner-engine.md L, O).
Scored on the dev split of `--config`, one JSON line per label; test is never read.

Run from the repository root (one thread, about 40 seconds per model):

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/ner_ensemble_dev.py MODEL [MODEL ...]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from pipeline.evaluation.ner import score_tags
from pipeline.training.ner import DEFAULT_CONFIG, dev_config_argument, msra_splits


def ensemble_tags(
    model_dirs: Sequence[str], sentences: Sequence[Sequence[str]], batch_size: int = 256
) -> list[list[str]]:
    """BMES tags of each sentence from the summed scores of the models in `model_dirs`
    (`pipeline.ner.ensemble`); one model tags alone."""
    from pipeline.ner.ensemble import EnsembleNer
    from pipeline.ner.loading import load_ner_pipeline

    members = [load_ner_pipeline("spacy", path).get_pipe("ner") for path in model_dirs]
    tagger = members[0]
    if len(members) > 1:
        tagger = EnsembleNer("ner")
        tagger.set_members(members)
    tagger.batch_size = batch_size
    return tagger.predict_tags([list(s) for s in sentences])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="+", help="model directories (one gives that model's own score)")
    parser.add_argument(
        "--config", type=dev_config_argument, default=str(DEFAULT_CONFIG), help="the config whose dev split is scored"
    )
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    dev = msra_splits(args.config["data"])["dev"]
    scores = score_tags(dev["tags"], ensemble_tags(args.models, dev["tokens"])).to_dict()
    for label, value in [("overall", scores["overall"]), *sorted(scores["per_type"].items())]:
        row = {key: round(100 * value[key], 2) for key in ("precision", "recall", "f1")}
        print(json.dumps({"models": args.models, "label": label, **row, "support": value["support"]}))


if __name__ == "__main__":
    main()
