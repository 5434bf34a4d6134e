"""The spaCy component for the rule-based entities, and how its spans merge with the model's.

``zh_entity_rules`` runs after the statistical component. It reads ``doc.ents`` once, adds DATE,
then QUANTITY (with the dates masked, so a number inside a date is never a quantity), then ORG,
and writes ``doc.ents`` once (reading ``doc.ents`` costs a pass over the tokens). Rule spans
carry ``span_id`` ``rules:<label>`` so the stage can tell them from model spans.

Merge policy:
- DATE/QUANTITY win over overlapping model spans, except inside a model ORG (a name).
- Model spans that ``model_spans`` rules out (too short, or a common noun here: 大众) are dropped first.
- A rule ORG that contains, extends or partly overlaps a model ORG replaces it (the union),
  unless the model ORG runs on past the rule ORG over a joiner (住房和城乡建设部|联合|驻部纪检监察组):
  then the model ORG is cut to the part beyond the joiner and the two names stay two.
- A model LOC at the start of or right before a rule ORG becomes part of it (河南省 + 扶贫办);
  a model LOC that ends where a rule ORG ends is relabelled ORG; otherwise LOC and PER win.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from .config import EntityRules, load_entity_rules

NUMERIC = ("DATE", "QUANTITY")
LABELS = ("DATE", "QUANTITY", "ORG")
MASK = "\x00"


@dataclass
class Mention:
    """A character span with its label and where it came from."""

    start: int
    end: int
    label: str
    source: str

    def overlaps(self, other: Mention) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Mention) -> bool:
        return self.start <= other.start and other.end <= self.end


def default_rules_path() -> str:
    from pipeline.resources import configs_dir

    return str(configs_dir() / "entities.yaml")


class EntityRuleComponent:
    """Adds the rule-based DATE, QUANTITY and ORG spans (``labels`` selects which) to ``doc.ents``."""

    def __init__(self, name: str, rules_path: str | None = None, labels: Iterable[str] = LABELS):
        self.name = name
        self.rules_path = rules_path or default_rules_path()
        self.rules: EntityRules = load_entity_rules(self.rules_path)
        self.labels = tuple(labels)
        unknown = set(self.labels) - set(LABELS)
        if unknown:
            raise ValueError(f"{name}: unknown labels {sorted(unknown)}; expected some of {LABELS}")

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        mentions = []
        if doc.has_annotation("ENT_IOB"):
            mentions = [
                Mention(e.start_char, e.end_char, e.label_, e.id_ or "model")
                for e in doc.ents
                if e.id_ or self.rules.model_spans.keeps(e.label_, e.text)
            ]
        formulas, placeholders = self.rules.exclusions.scan(text)
        if "DATE" in self.labels:
            # Formulas only block quantities: “十三五”期间 is a date though it looks like a slogan.
            hits = ((h.start, h.end) for h in self.rules.dates.find(text))
            dates = _kept(text, self.rules, ([], placeholders), hits)
            mentions = merge_numeric(mentions, _mentions(dates, "DATE"))
        if "QUANTITY" in self.labels:
            masked = _mask(text, [m for m in mentions if m.label == "DATE"])
            quantities = _kept(masked, self.rules, (formulas, placeholders), self.rules.quantities.find(masked))
            mentions = merge_numeric(mentions, _mentions(quantities, "QUANTITY"))
        if "ORG" in self.labels:
            numeric = [(m.start, m.end) for m in mentions if m.label in NUMERIC]
            found = _mentions(self.rules.orgs.find(text, numeric), "ORG")
            mentions = merge_orgs(mentions, found, text, self.rules.orgs.joiners)
        doc.ents = [
            span
            for m in sorted(mentions, key=lambda m: m.start)
            if (span := doc.char_span(m.start, m.end, label=m.label, span_id=m.source, alignment_mode="contract"))
            is not None and len(span)
        ]
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Nothing to save: the rules are read from the configured YAML file."""

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> EntityRuleComponent:
        return self


@Language.factory("zh_entity_rules", default_config={"rules_path": None, "labels": list(LABELS)})
def make_entity_rules(nlp: Language, name: str, rules_path: str | None, labels: list[str]) -> EntityRuleComponent:
    return EntityRuleComponent(name, rules_path, labels)


def _mentions(spans: Iterable[tuple[int, int]], label: str) -> list[Mention]:
    return [Mention(start, end, label, f"rules:{label.lower()}") for start, end in spans]


def _mask(text: str, mentions: list[Mention]) -> str:
    """The text with the mentions blanked out, offsets unchanged."""
    if not mentions:
        return text
    chars = list(text)
    for m in mentions:
        chars[m.start : m.end] = MASK * (m.end - m.start)
    return "".join(chars)


def _kept(
    text: str, rules: EntityRules, exclusions: tuple[list, list], spans: Iterable[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Spans that are not ordinals, inside formulas or next to placeholders."""
    formulas, placeholders = exclusions
    return [(s, e) for s, e in spans if not rules.exclusions.excluded(text, s, e, formulas, placeholders)]


def merge_numeric(current: list[Mention], found: list[Mention]) -> list[Mention]:
    """Add DATE/QUANTITY spans: earlier rules and model ORG names keep their text, others yield."""
    result = list(current)
    for new in found:
        overlapping = [m for m in result if m.overlaps(new)]
        if any(m.label in NUMERIC or (m.label == "ORG" and m.contains(new)) for m in overlapping):
            continue
        result = [m for m in result if not m.overlaps(new)]
        result.append(new)
    return result


def merge_orgs(current: list[Mention], found: list[Mention], text: str, joiners: tuple[str, ...]) -> list[Mention]:
    """Add rule ORG spans (``found`` in ``text``) under the policy in the module docstring."""
    result = list(current)
    for new in found:
        result = [_cut_at_joiner(m, new, text, joiners) for m in result]
        merged = _merge_one(result, new)
        if merged is not None:
            absorbed = [m for m in result if m.overlaps(merged) or (m.label == "LOC" and m.end == merged.start)]
            result = [m for m in result if m not in absorbed]
            result.append(merged)
    return result


def _cut_at_joiner(m: Mention, new: Mention, text: str, joiners: tuple[str, ...]) -> Mention:
    """``m`` cut short of the rule ORG ``new`` and the joiner next to it, when ``m`` is an ORG running past both.

    A model ORG that crosses a rule name and a joiner (联合, 和) covers two bodies, not one.
    """
    if m.label != "ORG" or not m.overlaps(new) or m.contains(new) or new.contains(m):
        return m
    if m.end > new.end:
        joiner = next((j for j in joiners if text.startswith(j, new.end)), "")
        if joiner and new.end + len(joiner) < m.end:
            return Mention(new.end + len(joiner), m.end, m.label, m.source)
    else:
        joiner = next((j for j in joiners if text.endswith(j, 0, new.start)), "")
        if joiner and m.start < new.start - len(joiner):
            return Mention(m.start, new.start - len(joiner), m.label, m.source)
    return m


def _merge_one(current: list[Mention], new: Mention) -> Mention | None:
    """The ORG span that ``new`` becomes given the spans already there, or None to drop it."""
    start, end = new.start, new.end
    for m in current:
        if m.end == new.start and m.label == "LOC":
            start = min(start, m.start)
            continue
        if not m.overlaps(new):
            continue
        if m.label in NUMERIC or m.label == "PER":
            return None
        if m.label == "ORG":
            if m.contains(new):
                return None
            start, end = min(start, m.start), max(end, m.end)
        elif m.label == "LOC":
            decision = _with_loc(m, new)
            if decision is None:
                return None
            start, end = min(start, decision[0]), max(end, decision[1])
        else:
            return None
    return Mention(start, end, "ORG", new.source)


def _with_loc(loc: Mention, org: Mention) -> tuple[int, int] | None:
    """A LOC opening or inside the ORG joins it; a LOC ending with it is relabelled; else LOC wins."""
    if loc.start <= org.start and loc.end < org.end or org.contains(loc):
        return min(loc.start, org.start), org.end
    if loc.contains(org) and loc.end == org.end:
        return loc.start, loc.end
    return None
