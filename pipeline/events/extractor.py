"""Events of one document: triggers per sentence, slots per trigger, required slots, merging."""

from __future__ import annotations

from typing import Any

from ..document import Document
from . import segments
from .merge import merge_duplicates
from .rules import EventRules, EventType
from .slots import Context, EntityIndex, Value, fill
from .triggers import Trigger, find_triggers, quoted_spans


class EventExtractor:
    """Applies one validated rule set to documents."""

    def __init__(self, rules: EventRules):
        self.rules = rules
        self.settings = rules.settings

    def extract(self, doc: Document) -> list[dict[str, Any]]:
        """The document's events in text order, duplicates merged; none for skipped kinds."""
        if doc.kind in self.settings.skip_kinds:
            return []
        index = EntityIndex(doc.entities)
        quoted = quoted_spans(doc.text, self.settings.compiled_blockers)
        events = []
        for sentence in segments.sentences(doc, self.settings.sentence_delimiters):
            names = index.within(*sentence, set(self.settings.trigger_blockers))
            blockers = [(entity.start, entity.end) for entity in names] + quoted
            for name, event_type in self.rules.types.items():
                for trigger in find_triggers(doc, sentence, event_type, blockers):
                    event = self._event(doc, index, quoted, sentence, name, event_type, trigger)
                    if event is not None:
                        events.append(event)
        events.sort(key=lambda event: (event["trigger"]["start"], event["type"]))
        return merge_duplicates(events, self.rules.types, doc.text)

    def _event(
        self,
        doc: Document,
        index: EntityIndex,
        quoted: list[tuple[int, int]],
        sentence: tuple[int, int],
        name: str,
        event_type: EventType,
        trigger: Trigger,
    ) -> dict[str, Any] | None:
        """One event for a trigger, or None when a required slot group stays empty."""
        trigger_value = Value(trigger.start, trigger.end)
        context = Context(doc, index, sentence, self.settings.clause_delimiters, quoted)
        anchors = {"trigger": trigger_value}
        taken: list[Value] = []
        slots: dict[str, list[Value]] = {}
        date_source = None
        for slot, rules in event_type.slots.items():
            values, source = fill(context, rules, anchors, taken)
            if values:
                slots[slot] = values
                anchors[slot] = values[0]
                taken.extend(value for value in values if value.entity is not None)
                if slot == event_type.date_slot:
                    date_source = source
            elif _required_lost(event_type, slot, slots):
                return None
        event = {
            "type": name,
            "trigger": trigger_value.record(doc),
            "sentence": doc.text[sentence[0] : sentence[1]],
            "slots": {slot: [value.record(doc) for value in values] for slot, values in slots.items()},
            "rule": f"{name}/{trigger.rule}",
        }
        if date_source is not None:
            event["date_source"] = date_source
        return event


def _required_lost(event_type: EventType, slot: str, filled: dict[str, Any]) -> bool:
    """Whether leaving ``slot`` empty leaves a required group with no slot that can still be filled.

    Checked as slots are filled, so a trigger with no chance of an event costs no further lookups.
    """
    order = list(event_type.slots)
    done = order[: order.index(slot) + 1]
    return any(all(member in done and member not in filled for member in group) for group in event_type.required)
