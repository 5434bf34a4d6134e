"""Finding the triggers of one event type in one sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..document import Document
from .rules import EventType


@dataclass(frozen=True)
class Trigger:
    """A trigger found in the text, with the rule that found it."""

    rule: str
    start: int
    end: int


def _overlaps(start: int, end: int, other_start: int, other_end: int) -> bool:
    return start < other_end and other_start < end


def _candidates(text: str, sentence: tuple[int, int], event_type: EventType) -> list[Trigger]:
    """Every match of every rule, less those inside the rule's own blocking patterns.

    A rule's blocking patterns mark where its words are a topic rather than an act (``巡查`` in a
    meeting's name, ``考核`` in a report under review); other types may still fire there.
    """
    found = []
    for rule in event_type.triggers:
        blocked = [match.span() for pattern in rule.compiled_blockers for match in pattern.finditer(text, *sentence)]
        for expression in rule.compiled:
            for match in expression.finditer(text, *sentence):
                group = "trigger" if "trigger" in expression.groupindex else 0
                start, end = match.span(group)
                if start < end and not any(_overlaps(start, end, *span) for span in blocked):
                    found.append(Trigger(rule.id, start, end))
    return found


def quoted_spans(text: str, patterns: list[re.Pattern[str]]) -> list[tuple[int, int]]:
    """Matches of the blocking patterns (titles in 《》): quoted words are neither signals nor facts."""
    return sorted(match.span() for pattern in patterns for match in pattern.finditer(text))


def find_triggers(
    doc: Document, sentence: tuple[int, int], event_type: EventType, blockers: list[tuple[int, int]]
) -> list[Trigger]:
    """Non-overlapping triggers (longest first), none flagged and none inside a blocked span.

    A trigger inside an entity is part of a name (``巡查`` in ``省委巡查组``), and one inside a
    title is quoted (``督战`` in ``《……督战工作方案》``): neither is a signal.
    """
    chosen: list[Trigger] = []
    ordered = sorted(_candidates(doc.text, sentence, event_type), key=lambda t: (t.start - t.end, t.start))
    for trigger in ordered:
        if any(_overlaps(trigger.start, trigger.end, other.start, other.end) for other in chosen):
            continue
        if any(_overlaps(trigger.start, trigger.end, *span) for span in blockers):
            continue
        if doc.is_flagged(trigger.start, trigger.end):
            continue
        chosen.append(trigger)
    return sorted(chosen, key=lambda trigger: trigger.start)
