"""The HanLP arm of the NER engine comparison (docs/ner-engine.md): HanLP's trainable BiLSTM-CRF
tagger trained from scratch on MSRA for a fixed wall-clock budget, scored with our strict scorer.

What it measures:

- Data: the same train/dev split as our shipped model, `pipeline.ner.msra.load_msra(0.1, 13)`
  (45,260 train / 5,029 dev sentences of msra_train.txt). msra_test.txt is never used for training,
  selection or scoring (`load_msra` reads it as its `test` split; it is dropped at once): it is
  reserved for the evaluation of the shipped model.
- Model: `hanlp.components.ner.rnn_ner.RNNNamedEntityRecognizer` with HanLP's `fit` defaults
  (randomly initialised 100-d character embeddings, one BiLSTM layer of 256 per direction, dropout
  0.5, CRF, Adam lr 0.001, batch 50 sentences, ReduceLROnPlateau on HanLP's dev metric) except a
  fixed seed and BIO tags (IOBES can raise `InvalidTagSequence`). The CRF orientation fix is
  `pipeline.ner.hanlp_backend.patch_rnn_crf` (unpatched, the tagger learns nothing).
- Budget: training stops at `--minutes` of wall-clock time since `fit` started (HanLP's own
  per-epoch dev evaluations and ours count against it), mid-epoch if need be; the weights at that
  moment are the result. One torch thread.
- Dev scores: strict exact-span F1 from `pipeline.evaluation.ner` (never HanLP's SpanF1, which
  merges adjacent same-type entities), overall and per type, every `--eval-minutes` during
  training and at the end of the budget: a dev-F1-versus-wall-seconds curve comparable with
  `docs/runs/zh_msra_ner-0.1.0-no-lexicon.training_log.json` (arm B).
- Throughput: characters per second of the trained tagger on the dev split on one thread, raw
  (`recognizer.predict`) and through our spaCy wrapper (`load_ner_pipeline("hanlp", ...)` +
  `evaluate_ner`, which also re-scores the reloaded model). Model size is the saved directory.

Run from the repository root (about `--minutes` plus two minutes):

    OMP_NUM_THREADS=1 nice -n 5 .venv/bin/python benchmarks/ner_engine_hanlp.py --minutes 35

The JSON summary is printed on stdout and written to OUTPUT/summary.json, the curve to
OUTPUT/curve.jsonl, HanLP's own training log to OUTPUT/model/train.log; the model is saved to
OUTPUT/model (default OUTPUT: /tmp/ner_engine_hanlp). `--limit N` trains on the first N train
sentences (smoke test only).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from pathlib import Path

DEFAULT_OUTPUT = Path("/tmp/ner_engine_hanlp")
#: The training log of arm B (zh_msra_ner 0.1.0, no lexicon features), kept under docs/runs.
REFERENCE_LOG = Path(__file__).resolve().parent.parent / "docs" / "runs" / "zh_msra_ner-0.1.0-no-lexicon.training_log.json"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--minutes",
        type=float,
        default=35.0,
        help="wall-clock training budget (default 35)",
    )
    p.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"output directory (default {DEFAULT_OUTPUT})",
    )
    p.add_argument(
        "--eval-minutes",
        type=float,
        default=5.0,
        help="strict dev evaluation interval (default 5)",
    )
    p.add_argument(
        "--seed", type=int, default=7, help="HanLP training seed (default 7)"
    )
    p.add_argument(
        "--epochs",
        type=int,
        default=100,
        help="HanLP epochs upper bound; the budget stops first (default 100, HanLP's)",
    )
    p.add_argument(
        "--predict-batch-size",
        type=int,
        default=256,
        help="sentences per batch when scoring and timing (default 256)",
    )
    p.add_argument(
        "--limit",
        type=int,
        default=None,
        help="use only the first N train sentences (smoke test)",
    )
    p.add_argument(
        "--reference",
        type=Path,
        default=REFERENCE_LOG,
        help="our engine's training_log.json for the same-time comparison",
    )
    return p.parse_args(argv)


def write_bio(sentences, path: Path) -> int:
    """Write (chars, tags) sentences as `char<TAB>BIO-tag` lines; returns the character count.

    Tags go through spans (lenient reading of the file's few ill-formed BMES sequences), so the
    BIO file encodes exactly the gold spans we score against.
    """
    from pipeline.ner.msra import spans_to_tags, tags_to_spans

    chars = 0
    with open(path, "w", encoding="utf-8") as f:
        for tokens, tags in sentences:
            bio = spans_to_tags(len(tokens), tags_to_spans(tags), "BIO")
            f.write("".join(f"{c}\t{t}\n" for c, t in zip(tokens, bio)) + "\n")
            chars += len(tokens)
    return chars


class BudgetSpent(Exception):
    """Raised from inside HanLP's training loop when the wall-clock budget is used up."""


def make_recognizer_class():
    """`RNNNamedEntityRecognizer` that stops at a deadline and scores dev strictly on a timer.

    Built in a function so that hanlp (and torch) are imported after the thread settings.
    """
    from hanlp.components.ner.rnn_ner import RNNNamedEntityRecognizer

    class TimedRecognizer(RNNNamedEntityRecognizer):
        def arm(self, budget_s: float, eval_every_s: float, on_eval) -> None:
            self.budget_s, self.eval_every_s, self.on_eval = (
                budget_s,
                eval_every_s,
                on_eval,
            )
            self.started = time.monotonic()
            self.next_eval = eval_every_s
            self.steps, self.epochs_done, self.batches_in_epoch = 0, 0, 1

        @property
        def _savable_config(self):
            # saved as the plain HanLP class, so that hanlp.load and our backend can load it
            config = super()._savable_config
            config["classpath"] = (
                f"{RNNNamedEntityRecognizer.__module__}.{RNNNamedEntityRecognizer.__qualname__}"
            )
            return config

        def elapsed(self) -> float:
            return time.monotonic() - self.started

        def progress(self) -> float:
            """Epochs trained, fractional."""
            return self.epochs_done + self.step_in_epoch / self.batches_in_epoch

        def fit_dataloader(self, trn, *args, **kwargs):
            self.batches_in_epoch, self.step_in_epoch = len(trn), 0
            result = super().fit_dataloader(_Watched(trn, self), *args, **kwargs)
            self.epochs_done += 1
            self.step_in_epoch = 0
            return result

        def before_step(self) -> None:
            if self.elapsed() >= self.budget_s:
                raise BudgetSpent

        def after_step(self) -> None:
            self.steps += 1
            self.step_in_epoch += 1
            if self.elapsed() >= self.next_eval and self.elapsed() < self.budget_s:
                self.on_eval(self)
                self.model.train()
                self.next_eval = (
                    self.elapsed() // self.eval_every_s + 1
                ) * self.eval_every_s

    return TimedRecognizer


class _Watched:
    """Wraps HanLP's training dataloader: checks the budget before and evaluates after a step."""

    def __init__(self, loader, owner) -> None:
        self.loader, self.owner = loader, owner

    def __len__(self) -> int:
        return len(self.loader)

    def __iter__(self):
        for batch in self.loader:
            self.owner.before_step()
            yield batch  # HanLP runs forward, backward and the optimizer step before asking again
            self.owner.after_step()


def strict_dev(recognizer, tokens, gold, batch_size: int):
    """Predict dev with the recognizer and score strictly; returns (scores, seconds)."""
    import torch

    from pipeline.evaluation.ner import score_spans

    recognizer.model.eval()
    started = time.perf_counter()
    with torch.no_grad():
        output = recognizer.predict(tokens, batch_size=batch_size)
    seconds = time.perf_counter() - started
    # HanLP NER output per sentence: (text, label, start, end exclusive)
    predicted = [
        [(b, e, label) for _text, label, b, e in entities] for entities in output
    ]
    return score_spans(gold, predicted), seconds


def f1_row(scores) -> dict:
    return {
        "dev_f1": round(100 * scores.overall.f1, 2),
        **{
            f"dev_f1_{k}": round(100 * v.f1, 2)
            for k, v in sorted(scores.per_type.items())
        },
    }


def reference_at(path: Path, seconds: float) -> dict | None:
    """Our engine's dev F1 at the same wall time: last evaluation and best so far by `seconds`."""
    if not path.is_file():
        return None
    log = json.loads(path.read_text(encoding="utf-8"))
    before = [h for h in log["history"] if h["seconds"] <= seconds]
    if not before:
        return None
    best = max(before, key=lambda h: h["dev_f1"])

    def pct(h: dict) -> dict:
        return {
            k: (round(100 * v, 2) if k.startswith("dev_f1") else v)
            for k, v in h.items()
        }

    return {"log": str(path), "last_eval": pct(before[-1]), "best_so_far": pct(best)}


def dir_size(path: Path) -> int:
    return sum(
        f.stat().st_size for f in path.rglob("*") if f.is_file() and f.suffix != ".log"
    )


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    # HanLP logs to stdout; keep stdout for the JSON summary alone
    with contextlib.redirect_stdout(sys.stderr):
        summary = run(args)
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    return summary


def run(args: argparse.Namespace) -> dict:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import torch

    torch.set_num_threads(1)
    import hanlp

    from pipeline.evaluation.ner import evaluate_ner
    from pipeline.ner.hanlp_backend import patch_rnn_crf
    from pipeline.ner.loading import load_ner_pipeline
    from pipeline.ner.msra import load_msra, tags_to_spans

    out = args.output
    model_dir = out / "model"
    out.mkdir(parents=True, exist_ok=True)
    curve_path = out / "curve.jsonl"
    curve_path.write_text("", encoding="utf-8")

    data = load_msra(
        0.1, 13
    )  # the wheel is read from pipeline.ner.msra.default_cache_dir()
    train = list(
        zip(data["train"]["tokens"], data["train"]["tags"])
    )  # data["test"] is never touched
    dev = list(zip(data["dev"]["tokens"], data["dev"]["tags"]))
    if args.limit:
        train = train[: args.limit]
    train_path, dev_path = out / "train_bio.tsv", out / "dev_bio.tsv"
    write_bio(train, train_path)
    dev_chars = write_bio(dev, dev_path)
    dev_tokens = [list(tokens) for tokens, _ in dev]
    dev_gold = [tags_to_spans(tags) for _, tags in dev]

    curve: list[dict] = []

    def on_eval(rec) -> None:
        scores, seconds = strict_dev(rec, dev_tokens, dev_gold, args.predict_batch_size)
        entry = {
            "step": rec.steps,
            "epoch": round(rec.progress(), 3),
            "seconds": round(rec.elapsed(), 1),
            **f1_row(scores),
            "eval_seconds": round(seconds, 1),
        }
        curve.append(entry)
        with open(curve_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")
        print(json.dumps(entry), file=sys.stderr, flush=True)

    patch_rnn_crf()
    recognizer = make_recognizer_class()()
    recognizer.arm(60 * args.minutes, 60 * args.eval_minutes, on_eval)
    stopped_by_budget = False
    try:
        # HanLP's fit defaults apart from the seed and the tag scheme
        recognizer.fit(
            str(train_path),
            str(dev_path),
            str(model_dir),
            epochs=args.epochs,
            seed=args.seed,
            tagging_scheme="BIO",
            verbose=False,
        )
    except BudgetSpent:
        stopped_by_budget = True
    train_seconds = recognizer.elapsed()
    on_eval(
        recognizer
    )  # the weights at the end of the budget (or of HanLP's early stop)
    final = curve[-1]
    recognizer.save_weights(
        str(model_dir)
    )  # overwrite HanLP's last epoch-end checkpoint with them

    # Throughput, raw: a second pass over dev with the warm model
    final_scores, predict_seconds = strict_dev(
        recognizer, dev_tokens, dev_gold, args.predict_batch_size
    )
    # Throughput and score through our spaCy wrapper, from the saved directory
    nlp = load_ner_pipeline("hanlp", model_dir)
    wrapped = evaluate_ner(nlp, dev_path, batch_size=args.predict_batch_size)

    n_params = sum(p.numel() for p in recognizer.model.parameters())
    summary = {
        "engine": "hanlp.components.ner.rnn_ner.RNNNamedEntityRecognizer",
        "hanlp": hanlp.__version__,
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "budget_minutes": args.minutes,
        "stopped_by_budget": stopped_by_budget,
        "train_sentences": len(train),
        "dev_sentences": len(dev),
        "dev_chars": dev_chars,
        "hyperparameters": {
            k: recognizer.config.get(k)
            for k in (
                "embed",
                "rnn_hidden",
                "rnn_input",
                "drop",
                "lr",
                "batch_size",
                "crf",
                "optimizer",
                "anneal_factor",
                "anneal_patience",
                "patience",
                "epochs",
                "seed",
                "tagging_scheme",
            )
        },
        "parameters": n_params,
        "vocab_chars": len(recognizer.vocabs[recognizer.config.token_key]),
        "train_seconds": round(train_seconds, 1),
        "steps": recognizer.steps,
        "epochs": round(recognizer.progress(), 3),
        "final": final,
        "final_per_type": {
            k: {
                "precision": round(100 * v.precision, 2),
                "recall": round(100 * v.recall, 2),
                "f1": round(100 * v.f1, 2),
                "support": v.support,
            }
            for k, v in sorted(
                {**final_scores.per_type, "overall": final_scores.overall}.items()
            )
        },
        "best_in_curve": max(curve, key=lambda e: e["dev_f1"]),
        "curve": curve,
        "throughput_chars_per_s": {
            "hanlp_predict": round(dev_chars / predict_seconds),
            "spacy_wrapper": round(wrapped.chars_per_second),
            "batch_size": args.predict_batch_size,
        },
        "spacy_wrapper_dev_f1": round(100 * wrapped.overall.f1, 2),
        "model_dir": str(model_dir),
        "model_bytes": dir_size(
            model_dir
        ),  # config, vocabs and weights; train.log excluded
        "model_files": {
            f.name: f.stat().st_size for f in sorted(model_dir.iterdir()) if f.is_file()
        },
        "ours_at_same_time": reference_at(args.reference, train_seconds),
    }
    (out / "summary.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return summary


if __name__ == "__main__":
    main()
