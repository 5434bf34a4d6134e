"""The domain NER set (tests/ner_domain/gold): reading it and scoring the NER stage on it.

Gold files hold one item per line: ``<reference date or ->\\t<text with marks>``, where a mark
is ``{{surface|LABEL}}`` or ``{{surface|LABEL|norm}}``. DATE norms are written
``start,end,granularity,relation,year_from`` and QUANTITY norms
``value,unit,kind[,q=A+B][,min=N][,max=N]``, with ``-`` for null. Spans are scored with the
strict scorer of :mod:`pipeline.evaluation.ner`; norms are compared on matched DATE and
QUANTITY spans.

Run: ``python -m pipeline.ner.rules.evaluation --part dev`` (``--set ner.model=null`` for rules only).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.evaluation.ner import NERScores, score_spans

MARK = re.compile(r"\{\{([^|{}]+)\|([A-Z]+)(?:\|([^{}]*))?\}\}")
SCORED_LABELS = ("ORG", "DATE", "QUANTITY")
NORMED_LABELS = ("DATE", "QUANTITY")
GOLD_DIR = Path(__file__).resolve().parents[3] / "tests" / "ner_domain" / "gold"


@dataclass
class GoldSpan:
    start: int
    end: int
    label: str
    text: str
    norm: dict[str, Any] | None = None


@dataclass
class GoldItem:
    text: str
    reference: str | None
    spans: list[GoldSpan]
    where: str


@dataclass
class DomainScores:
    """Span scores plus the share of matched DATE/QUANTITY spans whose norm is right."""

    spans: NERScores
    norm_right: dict[str, int]
    norm_matched: dict[str, int]
    errors: list[dict[str, Any]] = field(default_factory=list)
    chars_per_second: float = 0.0

    def norm_accuracy(self, label: str | None = None) -> float:
        labels = [label] if label else list(NORMED_LABELS)
        matched = sum(self.norm_matched.get(name, 0) for name in labels)
        return sum(self.norm_right.get(name, 0) for name in labels) / matched if matched else 0.0

    def f1(self, label: str) -> float:
        score = self.spans.per_type.get(label)
        return score.f1 if score else 0.0

    def table(self) -> str:
        lines = [self.spans.table()]
        for label in NORMED_LABELS:
            lines.append(f"norm right {label:<9}{100 * self.norm_accuracy(label):6.1f}% of {self.norm_matched.get(label, 0)} matched")
        lines.append(f"norm right overall  {100 * self.norm_accuracy():6.1f}%")
        return "\n".join(lines)


def parse_line(line: str, where: str) -> GoldItem:
    """One gold line to text, reference date and spans (offsets in the unmarked text)."""
    reference, sep, marked = line.rstrip("\n").partition("\t")
    if not sep:
        raise ValueError(f"{where}: expected '<reference date>\\t<marked text>'")
    parts, spans, cursor, length = [], [], 0, 0
    for match in MARK.finditer(marked):
        before = marked[cursor : match.start()]
        parts.append(before)
        length += len(before)
        surface, label, norm = match.groups()
        spans.append(GoldSpan(length, length + len(surface), label, surface, parse_norm(label, norm, where)))
        parts.append(surface)
        length += len(surface)
        cursor = match.end()
    parts.append(marked[cursor:])
    text = "".join(parts)
    if "{{" in text or "}}" in text:
        raise ValueError(f"{where}: malformed mark in {marked!r}")
    return GoldItem(text, None if reference.strip() in ("", "-") else reference.strip(), spans, where)


def parse_norm(label: str, spec: str | None, where: str) -> dict[str, Any] | None:
    if label not in NORMED_LABELS:
        return None
    if spec is None:
        raise ValueError(f"{where}: a {label} mark needs a norm")
    fields = spec.split(",")
    if label == "DATE":
        if len(fields) != 5:
            raise ValueError(f"{where}: DATE norm needs start,end,granularity,relation,year_from: {spec!r}")
        keys = ("start", "end", "granularity", "relation", "year_from")
        return {key: None if value == "-" else value for key, value in zip(keys, fields)}
    norm: dict[str, Any] = {"value": _number(fields[0]), "unit": None if fields[1] == "-" else fields[1], "kind": fields[2]}
    for extra in fields[3:]:
        key, _, value = extra.partition("=")
        if key == "q":
            norm["qualifiers"] = value.split("+")
        elif key in ("min", "max"):
            norm[key] = _number(value)
        else:
            raise ValueError(f"{where}: unknown QUANTITY norm field {key!r}")
    return norm


def _number(text: str) -> int | float | None:
    if text == "-":
        return None
    value = float(text)
    return int(value) if value.is_integer() else value


def read_gold(part: str, gold_dir: Path = GOLD_DIR) -> list[GoldItem]:
    """Items of ``dev``, ``test`` or ``all``."""
    names = ["dev", "test"] if part == "all" else [part]
    items = []
    for name in names:
        path = gold_dir / f"{name}.txt"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip() and not line.startswith("#"):
                items.append(parse_line(line, f"{path.name}:{number}"))
    return items


def count_mentions(items: list[GoldItem]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        for span in item.spans:
            counts[span.label] = counts.get(span.label, 0) + 1
    return counts


def evaluate(items: list[GoldItem], stage: Any) -> DomainScores:
    """Run the NER stage over the gold texts (as cleaned documents) and score them."""
    from pipeline.document import Document

    docs = [
        Document(id=item.where, raw_text=item.text, meta={"published": item.reference} if item.reference else {})
        for item in items
    ]
    started = time.perf_counter()
    failures = stage.process_batch(docs)
    seconds = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"the NER stage failed on {failures[0].doc.id}: {failures[0].error}")
    gold = [[(s.start, s.end, s.label) for s in item.spans] for item in items]
    predicted = [[(e.start, e.end, e.label) for e in doc.entities if e.label in SCORED_LABELS] for doc in docs]
    scores = DomainScores(score_spans(gold, predicted), {}, {})
    scores.chars_per_second = sum(len(item.text) for item in items) / seconds if seconds else 0.0
    for item, doc, pred in zip(items, docs, predicted):
        _compare(item, doc, set(pred), scores)
    return scores


def _compare(item: GoldItem, doc: Any, predicted: set[tuple[int, int, str]], scores: DomainScores) -> None:
    """Count norm agreement on matched spans and record every span or norm error."""
    norms = {(e.start, e.end, e.label): e.norm for e in doc.entities}
    gold_keys = {(s.start, s.end, s.label) for s in item.spans}
    for span in item.spans:
        key = (span.start, span.end, span.label)
        if key not in predicted:
            scores.errors.append({"where": item.where, "kind": "missed", "label": span.label, "text": span.text})
        elif span.label in NORMED_LABELS:
            scores.norm_matched[span.label] = scores.norm_matched.get(span.label, 0) + 1
            if norms[key] == span.norm:
                scores.norm_right[span.label] = scores.norm_right.get(span.label, 0) + 1
            else:
                scores.errors.append({"where": item.where, "kind": "norm", "text": span.text, "gold": span.norm, "got": norms[key]})
    for start, end, label in sorted(predicted - gold_keys):
        scores.errors.append({"where": item.where, "kind": "spurious", "label": label, "text": item.text[start:end]})


def main(argv: list[str] | None = None) -> int:
    from pipeline.config import load_config
    from pipeline.stages.ner import NerStage

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("--config", help="a run config (default: the shipped one)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="config override, e.g. ner.model=null")
    parser.add_argument("--errors", action="store_true", help="print every missed, spurious or mis-normalised span")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    items = read_gold(args.part)
    stage = NerStage(load_config(args.config, args.set))
    scores = evaluate(items, stage)
    if args.errors:
        for error in scores.errors:
            print(json.dumps(error, ensure_ascii=False))
    if args.json:
        result = {"part": args.part, "mentions": count_mentions(items), "spans": scores.spans.to_dict(),
                  "norm_accuracy": {label: scores.norm_accuracy(label) for label in NORMED_LABELS},
                  "model": stage.describe()["model"]}
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(f"part {args.part}: {len(items)} items, mentions {count_mentions(items)}, model {stage.describe()['model']}")
        print(scores.table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
