"""Filling one slot of one event: candidates from entities, patterns or cue words, then constraints.

A slot lists one or more rules; the first rule that yields a value fills it. Every value is a
span of the cleaned text with its raw offsets, so it can be traced to the input file.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

from ..document import Document, Entity
from . import segments
from .rules import SlotRule

#: Characters skipped after a trimmed entity at the start of a text value.
_LEADING_JUNK = re.compile(r"[\s，,、；;：:的了]*")


@dataclass(frozen=True)
class Value:
    """A candidate slot value: its span, where it came from, and the span that places it.

    A pattern's value can be a group inside a longer match (``了`` or a count before a name);
    position and distance are measured on the whole match, ``outer``. The output record is
    built only for the values kept, since raw offsets cost a lookup.
    """

    start: int
    end: int
    entity: Entity | None = field(default=None, compare=False, hash=False)
    norm: str | None = field(default=None, compare=False, hash=False)
    outer: tuple[int, int] | None = field(default=None, compare=False, hash=False)

    @property
    def reach(self) -> tuple[int, int]:
        return self.outer or (self.start, self.end)

    def record(self, doc: Document) -> dict[str, Any]:
        """The slot value of the event record: an entity's record, or the span (with a cue's norm)."""
        if self.entity is not None:
            return self.entity.to_record()
        span = doc.span(self.start, self.end)
        return span if self.norm is None else {**span, "norm": self.norm}


class EntityIndex:
    """A document's entities sorted by start, for fast lookup by span and label."""

    def __init__(self, entities: list[Entity]):
        self.entities = sorted(entities, key=lambda entity: (entity.start, entity.end))
        self.starts = [entity.start for entity in self.entities]

    def within(self, start: int, end: int, labels: list[str] | set[str] | None = None) -> list[Entity]:
        """Entities lying inside ``[start, end)``, optionally of the given labels."""
        found = []
        for entity in self.entities[bisect_left(self.starts, start) :]:
            if entity.start >= end:
                break
            if entity.end <= end and (labels is None or entity.label in labels):
                found.append(entity)
        return found


@dataclass
class Context:
    """What slot filling needs to know about the trigger's surroundings."""

    doc: Document
    entities: EntityIndex
    sentence: tuple[int, int]
    clause_delimiters: str
    quoted: list[tuple[int, int]] = field(default_factory=list)


def gap(value: Value, anchor: Value) -> int:
    """Characters between a value (its whole match) and its anchor (0 when they touch or overlap)."""
    start, end = value.reach
    if end <= anchor.start:
        return anchor.start - end
    return max(start - anchor.end, 0)


def _region(context: Context, rule: SlotRule, anchor: Value) -> tuple[int, int]:
    if rule.scope == "clause":
        return segments.clause(
            context.doc.text, (anchor.start, anchor.end), context.sentence, context.clause_delimiters
        )
    return context.sentence


def _norm_fits(entity: Entity, rule: SlotRule) -> bool:
    norm = entity.norm if isinstance(entity.norm, dict) else {}
    return all(norm.get(key) in allowed for key, allowed in rule.norm.items())


def _entity_values(context: Context, rule: SlotRule, region: tuple[int, int]) -> list[Value]:
    return [
        Value(entity.start, entity.end, entity=entity)
        for entity in context.entities.within(*region, set(rule.labels))
        if _norm_fits(entity, rule)
    ]


#: The longest entity a text value's start is looked up in (entities are names, dates, figures).
_ENTITY_REACH = 64


def _trimmed_start(context: Context, rule: SlotRule, start: int, end: int) -> int:
    """Move a text value's start past entities it begins with or inside (a date before a name)."""
    for entity in context.entities.within(max(0, start - _ENTITY_REACH), end, set(rule.trim_labels)):
        if entity.start <= start < entity.end:
            start = _LEADING_JUNK.match(context.doc.text, entity.end, end).end()
    return start


def _pattern_values(context: Context, rule: SlotRule, region: tuple[int, int], anchor: Value) -> list[Value]:
    expression = rule.compiled
    text = context.doc.text
    start, end = region
    if rule.position == "after" and rule.max_gap is not None:
        first = max(anchor.end, start)
        matches = [
            expression.match(text, position, end) for position in range(first, min(first + rule.max_gap, end) + 1)
        ]
    else:
        end = min(end, anchor.start) if rule.position == "before" else end
        start = max(start, anchor.end) if rule.position == "after" else start
        matches = list(expression.finditer(text, start, end))
    values = []
    for match in filter(None, matches):
        group = "value" if "value" in expression.groupindex else 0
        value_start, value_end = match.span(group)
        value_start = _trimmed_start(context, rule, value_start, value_end)
        if value_start < value_end:
            values.append(Value(value_start, value_end, outer=match.span()))
    return values


def _cue_values(context: Context, rule: SlotRule, region: tuple[int, int]) -> list[Value]:
    values = []
    for name, expression in rule.compiled_cues:
        for match in expression.finditer(context.doc.text, *region):
            values.append(Value(match.start(), match.end(), norm=name))
    return values


def _has_cue(context: Context, rule: SlotRule, value: Value) -> bool:
    """Whether a cue word sits on the required side of the value, close enough, in its clause."""
    text = context.doc.text
    clause_start, clause_end = segments.clause(
        text, (value.start, value.end), context.sentence, context.clause_delimiters
    )
    for word in rule.cue_words:
        if rule.cue_side == "after":
            found = text.find(word, value.end, min(clause_end, value.end + rule.cue_gap + len(word)))
        else:
            found = text.rfind(word, max(clause_start, value.start - rule.cue_gap - len(word)), value.start)
        if found != -1:
            return True
    return False


def _placed(rule: SlotRule, value: Value, anchor: Value) -> bool:
    """Whether the value lies on the rule's side of its anchor, close enough."""
    start, end = value.reach
    if rule.position == "before" and end > anchor.start:
        return False
    if rule.position == "after" and start < anchor.end:
        return False
    return rule.max_gap is None or gap(value, anchor) <= rule.max_gap


def _free_entity(context: Context, value: Value, taken: list[Value]) -> bool:
    """An entity fills one role only, and one quoted in a title is not a fact of the event."""
    if any(value.start < other.end and other.start < value.end for other in taken):
        return False
    return not any(start <= value.start and value.end <= end for start, end in context.quoted)


def _fits(context: Context, rule: SlotRule, value: Value, anchor: Value, taken: list[Value]) -> bool:
    if not _placed(rule, value, anchor):
        return False
    if value.entity is not None and not _free_entity(context, value, taken):
        return False
    if rule.cue_words and not _has_cue(context, rule, value):
        return False
    text = context.doc.text
    if any(text.startswith(word, value.end) for word in rule.veto_after):
        return False
    if any(text.endswith(word, 0, value.start) for word in rule.veto_before):
        return False
    return not context.doc.is_flagged(value.start, value.end)


def _candidates(context: Context, rule: SlotRule, region: tuple[int, int], anchor: Value) -> list[Value]:
    if rule.labels:
        return _entity_values(context, rule, region)
    if rule.pattern:
        return _pattern_values(context, rule, region, anchor)
    return _cue_values(context, rule, region)


def _select(rule: SlotRule, values: list[Value], anchor: Value) -> list[Value]:
    unique = sorted(set(values), key=lambda value: (value.start, value.end))
    if rule.many or not unique:
        return unique
    return [min(unique, key=lambda value: (gap(value, anchor), -(value.end - value.start)))]


def fill(
    context: Context, rules: list[SlotRule], anchors: dict[str, Value], taken: list[Value]
) -> tuple[list[Value], str]:
    """The values of one slot and where they came from (``sentence`` or ``paragraph``).

    ``anchors`` maps ``trigger`` and each filled slot to its first value; a rule whose anchor is
    missing is skipped. ``taken`` holds the entities other slots use: one entity fills one role,
    while a text value may contain entities (a task names its figure).
    """
    usable = [(rule, anchors[rule.anchor]) for rule in rules if rule.anchor in anchors]
    for rule, anchor in usable:
        region = _region(context, rule, anchor)
        values = [
            value for value in _candidates(context, rule, region, anchor) if _fits(context, rule, value, anchor, taken)
        ]
        if values:
            return _select(rule, values, anchor), "sentence"
    for rule, anchor in usable:
        if rule.fallback == "paragraph":
            values = _paragraph_values(context, rule, anchor, taken)
            if values:
                return values, "paragraph"
    return [], "sentence"


def _paragraph_values(context: Context, rule: SlotRule, anchor: Value, taken: list[Value]) -> list[Value]:
    """The nearest fitting value in the rest of the anchor's paragraph, at any position or distance.

    Values of the sentence itself were already judged by the rules and are not taken back.
    """
    relaxed = rule.model_copy(update={"position": "any", "max_gap": None, "many": False})
    region = segments.paragraph(context.doc.text, anchor.start)
    start, end = context.sentence
    values = [
        value
        for value in _candidates(context, relaxed, region, anchor)
        if not (start <= value.start and value.end <= end) and _fits(context, relaxed, value, anchor, taken)
    ]
    return _select(relaxed, values, anchor)
