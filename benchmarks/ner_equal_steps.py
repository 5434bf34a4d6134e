"""Compare training runs at equal steps: a run's dev F1 against the mean of partner runs.

A run is read from its `training_log.json` (written at each new best checkpoint) or from the
stdout of `python -m pipeline train ner` (one JSON line per evaluation), so a run still in
progress can be read too (`pipeline.evaluation.training_runs`; docs/ner-engine.md K, L):

    python benchmarks/ner_equal_steps.py docs/runs/story-dev-KD7-silver-seed7.training_log.json \\
        --partner docs/runs/story-dev-PDLAC-lac-char-vectors.training_log.json \\
        --partner docs/runs/story-dev-S8-lac-seed8.training_log.json --from-step 2800

A run trained with `training.ema_decay` can be read against its own raw weights (`--raw`).
"""

from __future__ import annotations

import argparse
import json

from pipeline.evaluation.training_runs import evaluations, leads, raw_weights, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", help="training_log.json or stdout log of the run to judge")
    parser.add_argument("--partner", action="append", default=[], help="a run to compare with (repeat)")
    parser.add_argument("--raw", action="store_true", help="compare with the run's own raw weights (ema_decay runs)")
    parser.add_argument("--from-step", type=int, default=2800, help="first step compared")
    args = parser.parse_args()
    run = evaluations(args.run)
    partners = [evaluations(p) for p in args.partner] + ([raw_weights(run)] if args.raw else [])
    if not partners:
        parser.error("give --partner LOG or --raw")
    for key in ("dev_f1_ORG", "dev_f1"):
        rows = leads(run, partners, key, args.from_step)
        for step, score, avg, _ in rows:
            print(f"{key:11s} step {step:6d}  run {score:6.2f}  partners' mean {avg:6.2f}  lead {score - avg:+.2f}")
        print(json.dumps({"score": key, **summary(rows)}))


if __name__ == "__main__":
    main()
