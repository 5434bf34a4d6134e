"""Scoring cleaning + conversion against hand-made gold fixtures.

A gold file (YAML) holds ``documents:``, each with the input (``text``, or ``file`` relative to the
gold file) and what must come out:

- ``remove``: noise that must not survive (lines, tails, inline artefacts). An item counts as
  removed when neither it nor its t2s conversion occurs in the cleaned, converted text.
- ``keep``: content sentences that must survive verbatim, written in Simplified: they are
  compared with the text after cleaning and conversion.
- optional ``kind`` (news / not_news), ``script``, ``meta`` (key: value) and ``flagged``
  (``{text, kind}``: the first occurrence of ``text`` in the input must overlap a flag of that kind).

Noise recall is removed items / remove items; content retention is kept sentences / keep
sentences, and kept characters / keep characters. Overall scores pool all items (micro average).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..cleaning.text import converter
from ..config import Config
from ..document import Document
from ..stages.clean import CleanStage
from ..stages.convert import ConvertStage


class GoldError(ValueError):
    """A gold file that cannot be used; the message names the file and document."""


@dataclass
class GoldDocument:
    id: str
    text: str
    remove: list[str] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)
    kind: str | None = None
    script: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    flagged: list[dict[str, str]] = field(default_factory=list)
    origin: str = ""


@dataclass
class Counts:
    """Hits out of a total, in items and in characters."""

    hits: int = 0
    total: int = 0
    hit_chars: int = 0
    total_chars: int = 0

    def add(self, item: str, hit: bool) -> None:
        self.total += 1
        self.total_chars += len(item)
        if hit:
            self.hits += 1
            self.hit_chars += len(item)

    def merge(self, other: Counts) -> None:
        self.hits += other.hits
        self.total += other.total
        self.hit_chars += other.hit_chars
        self.total_chars += other.total_chars

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else 1.0

    @property
    def char_rate(self) -> float:
        return self.hit_chars / self.total_chars if self.total_chars else 1.0


@dataclass
class DocumentScore:
    id: str
    noise: Counts = field(default_factory=Counts)
    content: Counts = field(default_factory=Counts)
    checks: Counts = field(default_factory=Counts)
    misses: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "noise_recall": round(self.noise.rate, 4),
            "noise_recall_chars": round(self.noise.char_rate, 4),
            "content_retention_sentences": round(self.content.rate, 4),
            "content_retention_chars": round(self.content.char_rate, 4),
            "checks_passed": round(self.checks.rate, 4),
            "counts": {name: asdict(getattr(self, name)) for name in ("noise", "content", "checks")},
            "misses": self.misses,
        }


def load_gold(path: str | Path) -> list[GoldDocument]:
    """Every gold document of a YAML file, or of all ``*.yaml`` files under a folder."""
    path = Path(path)
    if not path.exists():
        raise GoldError(f"gold path {path} does not exist")
    files = sorted(path.rglob("*.yaml")) if path.is_dir() else [path]
    if not files:
        raise GoldError(f"no gold *.yaml files under {path}")
    documents = [document for file in files for document in _load_file(file)]
    ids = [document.id for document in documents]
    repeated = sorted({name for name in ids if ids.count(name) > 1})
    if repeated:
        raise GoldError(f"gold document ids must be unique; repeated: {', '.join(repeated)}")
    return documents


def _load_file(path: Path) -> Iterable[GoldDocument]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise GoldError(f"{path}: expected a mapping with a 'documents' list")
    for number, entry in enumerate(entries):
        name = entry.get("id") or f"{path.stem}#{number}"
        if "file" in entry:
            entry = {key: value for key, value in entry.items() if key != "file"} | {
                "text": (path.parent / entry["file"]).read_text(encoding="utf-8")
            }
        if not isinstance(entry.get("text"), str):
            raise GoldError(f"{path}: document {name!r} needs 'text' or 'file'")
        known = {"id", "text", "remove", "keep", "kind", "script", "meta", "flagged", "note"}
        unknown = set(entry) - known
        if unknown:
            raise GoldError(f"{path}: document {name!r} has unknown keys {sorted(unknown)}")
        yield GoldDocument(
            id=name,
            text=entry["text"],
            remove=[str(item) for item in entry.get("remove") or []],
            keep=[str(item) for item in entry.get("keep") or []],
            kind=entry.get("kind"),
            script=entry.get("script"),
            meta={key: str(value) for key, value in (entry.get("meta") or {}).items()},
            flagged=list(entry.get("flagged") or []),
            origin=str(path),
        )


def normalise(documents: list[GoldDocument], config: Config) -> list[Document]:
    """The gold inputs after the enabled cleaning and conversion stages."""
    stages = [stage(config) for stage in (CleanStage, ConvertStage) if getattr(config, stage.name).enabled]
    processed = []
    for gold in documents:
        doc = Document(id=gold.id, raw_text=gold.text)
        for stage in stages:
            stage.process(doc)
        processed.append(doc)
    return processed


def score_document(gold: GoldDocument, doc: Document) -> DocumentScore:
    score = DocumentScore(gold.id)
    t2s = converter("t2s")
    for item in gold.remove:
        survived = item in doc.text or t2s.convert(item) in doc.text
        score.noise.add(item, not survived)
        if survived:
            score.misses.append(f"noise kept: {item}")
    for sentence in gold.keep:
        kept = sentence in doc.text
        score.content.add(sentence, kept)
        if not kept:
            score.misses.append(f"content lost: {sentence}")
    for name, expected, actual in _checks(gold, doc):
        score.checks.add(name, expected == actual)
        if expected != actual:
            score.misses.append(f"{name}: expected {expected!r}, got {actual!r}")
    return score


def _checks(gold: GoldDocument, doc: Document) -> Iterable[tuple[str, Any, Any]]:
    if gold.kind:
        yield "kind", gold.kind, doc.kind
    if gold.script:
        yield "script", gold.script, doc.script
    for key, value in gold.meta.items():
        yield f"meta.{key}", value, doc.meta.get(key)
    for item in gold.flagged:
        start = doc.raw_text.find(item["text"])
        end = start + len(item["text"])
        flagged = start >= 0 and any(
            flag.kind == item["kind"] and flag.raw_start < end and start < flag.raw_end for flag in doc.flags
        )
        yield f"flag {item['kind']} {item['text']}", True, flagged


def evaluate(documents: list[GoldDocument], config: Config) -> dict[str, Any]:
    """Per-document and overall scores (micro averages) as a JSON-ready report."""
    scores = [score_document(gold, doc) for gold, doc in zip(documents, normalise(documents, config))]
    overall = DocumentScore("overall")
    for score in scores:
        for name in ("noise", "content", "checks"):
            getattr(overall, name).merge(getattr(score, name))
    return {"documents": [score.to_dict() for score in scores], "overall": {**overall.to_dict(), "documents": len(scores)}}
