"""Scoring extracted events against hand-made gold events, written by text rather than offsets.

Gold lives in YAML files (any ``*.yaml`` under the gold folder), each with a ``documents`` list:

    documents:
      - file: d01.txt                 # beside the YAML file; or `sample: 000_x.txt` (bundled samples)
        id: d01                       # optional, default the file's stem
        meta: {published: 2020-05-06} # optional document metadata (the year of relative dates)
        complete: true                # false: only some events are annotated (recall only);
                                      # [inspection, ...]: every event of these types is annotated
        events:
          - type: meeting
            anchor: 召开脱贫攻坚推进会   # a piece of the event's sentence
            slots: {name: 脱贫攻坚推进会, date: 5月6日, organizer: [县委, 县政府]}

Matching (see docs/events.md):

* Texts are compared after :func:`~pipeline.events.textnorm.normalise` (NFKC, no whitespace or
  punctuation). A predicted slot value matches a gold text when the texts are equal, or one
  contains the other and the shorter is at least half as long as the longer (a text-level span
  overlap). A value with a string ``norm`` (a statistic's status) may match by its norm.
* A predicted event can match a gold event of the same type in the same document whose anchor
  lies in the predicted sentence. Pairs are assigned one to one, best first, by the number of
  gold slot values they agree on.
* Event detection counts matched pairs (tp), unmatched gold (fn) and unmatched predictions (fp;
  counted only for the types a document is complete for: all with ``complete: true``, none with
  ``complete: false``, the listed ones with ``complete: [type, ...]``). Slots are scored per type
  and role over matched pairs, one to one by value; the values of an unmatched gold event are all
  missed, and those of an unmatched prediction all spurious (again only where its type is complete).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..config import Config, ConfigError
from ..document import Document
from ..events.textnorm import normalise
from ..io.readers import read_file
from ..resources import SAMPLES_DIR
from .ner import TypeScore

if TYPE_CHECKING:
    from ..runner import Runner


@dataclass
class GoldEvent:
    type: str
    anchor: str
    slots: dict[str, list[str]]


@dataclass
class GoldDocument:
    id: str
    path: Path
    meta: dict[str, Any] = field(default_factory=dict)
    complete: bool | frozenset[str] = True
    events: list[GoldEvent] = field(default_factory=list)

    def complete_for(self, event_type: str) -> bool:
        """Whether every event of this type is annotated, so unmatched predictions of it are false positives."""
        return self.complete if isinstance(self.complete, bool) else event_type in self.complete


def _as_list(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def _gold_event(entry: dict[str, Any], where: str) -> GoldEvent:
    if not isinstance(entry, dict) or "type" not in entry:
        raise ConfigError(f"{where}: a gold event needs a type")
    slots = {role: _as_list(value) for role, value in (entry.get("slots") or {}).items()}
    return GoldEvent(str(entry["type"]), str(entry.get("anchor", "")), slots)


def _completeness(value: Any, where: str) -> bool | frozenset[str]:
    """`complete:` as written: true, false or a list of the event types annotated in full."""
    if isinstance(value, bool):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return frozenset(value)
    raise ConfigError(f"{where}: `complete` must be true, false or a list of event types, not {value!r}")


def _gold_document(entry: dict[str, Any], base: Path, where: str) -> GoldDocument:
    if "sample" in entry:
        path = SAMPLES_DIR / entry["sample"]
    elif "file" in entry:
        path = base / entry["file"]
    else:
        raise ConfigError(f"{where}: a gold document needs `file` or `sample`")
    if not path.is_file():
        raise ConfigError(f"{where}: text file {path} not found")
    events = [_gold_event(event, f"{where}.events[{n}]") for n, event in enumerate(entry.get("events") or [])]
    return GoldDocument(
        id=str(entry.get("id", path.stem)),
        path=path,
        meta=dict(entry.get("meta") or {}),
        complete=_completeness(entry.get("complete", True), f"{where}.complete"),
        events=events,
    )


def load_gold(directory: str | Path) -> list[GoldDocument]:
    """Every gold document of every ``*.yaml`` file under ``directory`` (or of one YAML file)."""
    directory = Path(directory)
    files = [directory] if directory.is_file() else sorted(directory.rglob("*.yaml"))
    if not files:
        raise ConfigError(f"no gold *.yaml files under {directory}")
    documents = []
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        entries = data.get("documents") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise ConfigError(f"gold file {path} needs a `documents` list")
        documents.extend(
            _gold_document(entry, path.parent, f"{path}: documents[{n}]") for n, entry in enumerate(entries)
        )
    ids = [document.id for document in documents]
    duplicates = sorted({doc_id for doc_id in ids if ids.count(doc_id) > 1})
    if duplicates:
        raise ConfigError(f"gold document ids are not unique: {duplicates}")
    return documents


def gold_inputs(gold: list[GoldDocument], config: Config) -> list[Document]:
    """Documents for the pipeline, read like ``run`` reads files, with the gold's metadata."""
    documents = []
    for entry in gold:
        item = read_file(entry.path, entry.id, config.read)
        if not item.ok:
            raise ConfigError(f"gold text {entry.path} cannot be read: {item.reason}")
        documents.append(
            Document(id=entry.id, raw_text=item.text or "", meta={**item.meta, **entry.meta}, source=str(entry.path))
        )
    return documents


def text_matches(gold: str, predicted: str) -> bool:
    """Equal normalised texts, or one inside the other and at least half its length."""
    gold, predicted = normalise(gold), normalise(predicted)
    if not gold or not predicted:
        return False
    shorter, longer = sorted((gold, predicted), key=len)
    return shorter == longer or (shorter in longer and 2 * len(shorter) >= len(longer))


def value_matches(gold: str, value: dict[str, Any]) -> bool:
    norm = value.get("norm")
    return text_matches(gold, value["text"]) or (isinstance(norm, str) and normalise(norm) == normalise(gold))


def _match_values(gold: list[str], predicted: list[dict[str, Any]]) -> int:
    """How many gold texts find a distinct matching predicted value (greedy, in order)."""
    free = list(predicted)
    matched = 0
    for text in gold:
        hit = next((value for value in free if value_matches(text, value)), None)
        if hit is not None:
            free.remove(hit)
            matched += 1
    return matched


def _agreement(gold: GoldEvent, predicted: dict[str, Any]) -> int:
    return sum(_match_values(texts, predicted["slots"].get(role, [])) for role, texts in gold.slots.items())


def match_events(gold: list[GoldEvent], predicted: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """One-to-one (gold index, predicted index) pairs: same type, anchor in sentence, best agreement first."""
    candidates = []
    for g, gold_event in enumerate(gold):
        anchor = normalise(gold_event.anchor)
        for p, event in enumerate(predicted):
            if event["type"] == gold_event.type and anchor in normalise(event["sentence"]):
                candidates.append((-_agreement(gold_event, event), g, p))
    pairs, used_gold, used_predicted = [], set(), set()
    for _, g, p in sorted(candidates):
        if g not in used_gold and p not in used_predicted:
            pairs.append((g, p))
            used_gold.add(g)
            used_predicted.add(p)
    return pairs


@dataclass
class EventScores:
    """Detection counts per type and slot counts per (type, role)."""

    events: dict[str, TypeScore] = field(default_factory=lambda: defaultdict(TypeScore))
    slots: dict[tuple[str, str], TypeScore] = field(default_factory=lambda: defaultdict(TypeScore))
    errors: list[dict[str, Any]] = field(default_factory=list)

    @staticmethod
    def total(scores: Iterable[TypeScore]) -> TypeScore:
        overall = TypeScore()
        for score in scores:
            overall.tp += score.tp
            overall.fp += score.fp
            overall.fn += score.fn
        return overall

    def to_dict(self) -> dict[str, Any]:
        by_type: dict[str, dict[str, Any]] = defaultdict(dict)
        for (event_type, role), score in sorted(self.slots.items()):
            by_type[event_type][role] = score.to_dict()
        return {
            "events": {
                "overall": self.total(self.events.values()).to_dict(),
                "by_type": {name: score.to_dict() for name, score in sorted(self.events.items())},
            },
            "slots": {"overall": self.total(self.slots.values()).to_dict(), "by_type_role": dict(by_type)},
        }


def _score_pair(scores: EventScores, doc_id: str, gold: GoldEvent, predicted: dict[str, Any]) -> None:
    for role in sorted(set(gold.slots) | set(predicted["slots"])):
        texts, values = gold.slots.get(role, []), predicted["slots"].get(role, [])
        matched = _match_values(texts, values)
        score = scores.slots[(gold.type, role)]
        score.tp += matched
        score.fn += len(texts) - matched
        score.fp += len(values) - matched
        if matched < max(len(texts), len(values)):
            scores.errors.append(
                {
                    "doc": doc_id,
                    "error": "slot",
                    "type": gold.type,
                    "role": role,
                    "gold": texts,
                    "predicted": [value["text"] for value in values],
                    "sentence": predicted["sentence"],
                }
            )


def _score_missed(scores: EventScores, doc_id: str, gold: GoldEvent) -> None:
    scores.events[gold.type].fn += 1
    for role, texts in gold.slots.items():
        scores.slots[(gold.type, role)].fn += len(texts)
    scores.errors.append(
        {"doc": doc_id, "error": "missed", "type": gold.type, "anchor": gold.anchor, "slots": gold.slots}
    )


def _score_spurious(scores: EventScores, doc_id: str, predicted: dict[str, Any]) -> None:
    scores.events[predicted["type"]].fp += 1
    for role, values in predicted["slots"].items():
        scores.slots[(predicted["type"], role)].fp += len(values)
    scores.errors.append(
        {
            "doc": doc_id,
            "error": "spurious",
            "type": predicted["type"],
            "sentence": predicted["sentence"],
            "slots": {role: [value["text"] for value in values] for role, values in predicted["slots"].items()},
        }
    )


def score_document(scores: EventScores, gold: GoldDocument, predicted: list[dict[str, Any]]) -> None:
    """Add one document's counts to ``scores``."""
    pairs = match_events(gold.events, predicted)
    for g, p in pairs:
        scores.events[gold.events[g].type].tp += 1
        _score_pair(scores, gold.id, gold.events[g], predicted[p])
    matched_gold = {g for g, _ in pairs}
    matched_predicted = {p for _, p in pairs}
    for g, event in enumerate(gold.events):
        if g not in matched_gold:
            _score_missed(scores, gold.id, event)
    for p, event in enumerate(predicted):
        if p not in matched_predicted and gold.complete_for(event["type"]):
            _score_spurious(scores, gold.id, event)


def score(gold: list[GoldDocument], predicted: dict[str, list[dict[str, Any]]]) -> EventScores:
    """Scores of predicted events (by document id) against the gold documents."""
    scores = EventScores()
    for document in gold:
        score_document(scores, document, predicted.get(document.id, []))
    return scores


def evaluate(gold: list[GoldDocument], runner: Runner) -> tuple[EventScores, dict[str, Any]]:
    """Run the pipeline over the gold texts and score its events.

    Also returns what the run looked like: documents, failures by stage and events per document.
    """
    documents = gold_inputs(gold, runner.config)
    failures = runner.process(documents)
    predicted = {doc.id: doc.events for doc in documents}
    run = {
        "documents": len(gold),
        "failed": [{"doc": failure.doc.id, "stage": failure.stage, "error": failure.error} for failure in failures],
        "events": sum(len(events) for events in predicted.values()),
        "pipeline": runner.pipeline_info,
    }
    return score(gold, predicted), run
