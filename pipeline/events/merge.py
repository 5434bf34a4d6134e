"""Merging duplicate events of one document: the same meeting or figure told twice.

Two events of one type are the same when

* they come from one sentence of a type marked ``merge_in_sentence`` (a meeting convened and
  chaired in one sentence);
* the later one only refers back: all its ``merge_on`` values are anaphors of the type
  (``会议`` in ``县长主持会议``) or dates borrowed from the paragraph, and an event of its type
  comes before it in the same paragraph (the latest such event is the one meant);
* or they agree on every ``merge_on`` slot both have and share at least ``merge_min`` of them.
  Texts agree when one contains the other (``会议`` and ``全体会议``) or one is an anaphor;
  normalised values (dates, figures) must be equal.

The merged event is the main mention (trigger, sentence and slots): the one found by the
earlier-listed trigger rule (convening before chairing), else the one with more slot values,
else the first; the slots it lacks are taken from the other mention.
"""

from __future__ import annotations

from typing import Any

from .rules import EventType
from .textnorm import normalise, value_key


def _keys(event: dict[str, Any], slot: str) -> set[str]:
    return {value_key(value) for value in event["slots"].get(slot, [])}


def _nested(key: str, other: str) -> bool:
    """Text keys one inside the other; normalised values (JSON objects) only when equal."""
    if key.startswith("{") or other.startswith("{"):
        return key == other
    return key in other or other in key


def _agree(keys: set[str], other: set[str], anaphors: set[str]) -> bool:
    if keys & anaphors or other & anaphors:
        return True
    return any(_nested(key, second) for key in keys for second in other)


def _anaphors(rules: EventType) -> set[str]:
    return {normalise(word) for word in rules.merge_anaphors}


def refers_back(event: dict[str, Any], rules: EventType) -> bool:
    """Whether every identifying value of the event is an anaphor or a borrowed date."""
    anaphors = _anaphors(rules)
    found_anaphor = False
    for slot in rules.merge_on:
        keys = _keys(event, slot)
        if slot == rules.date_slot and event.get("date_source") == "paragraph":
            continue
        if keys - anaphors:
            return False
        found_anaphor = found_anaphor or bool(keys)
    return found_anaphor


def same_event(first: dict[str, Any], second: dict[str, Any], rules: EventType) -> bool:
    """Whether two events of one type describe the same thing, by the values they carry."""
    if first["type"] != second["type"]:
        return False
    if (
        rules.merge_in_sentence
        and first["sentence"] == second["sentence"]
        and first["trigger"]["start"] != second["trigger"]["start"]
    ):
        return True
    shared = 0
    for slot in rules.merge_on:
        keys, other = _keys(first, slot), _keys(second, slot)
        if keys and other:
            if not _agree(keys, other, _anaphors(rules)):
                return False
            shared += 1
    return bool(rules.merge_on) and shared >= rules.merge_min


def _rank(event: dict[str, Any], rules: EventType) -> tuple[int, int]:
    """Sort key of a mention as the main one: earlier trigger rule, then more slot values."""
    rule_ids = [trigger.id for trigger in rules.triggers]
    rule_id = event["rule"].partition("/")[2]
    return rule_ids.index(rule_id) if rule_id in rule_ids else len(rule_ids), -sum(map(len, event["slots"].values()))


def merge_pair(first: dict[str, Any], second: dict[str, Any], rules: EventType) -> dict[str, Any]:
    """One event from two mentions: the main mention, completed with the other's missing slots."""
    kept, other = (second, first) if _rank(second, rules) < _rank(first, rules) else (first, second)
    missing = {slot: values for slot, values in other["slots"].items() if slot not in kept["slots"]}
    merged = {**kept, "slots": {**kept["slots"], **missing}}
    if rules.date_slot in missing:
        merged["date_source"] = other["date_source"]
    return merged


def _referent(kept: list[dict[str, Any]], event: dict[str, Any], text: str) -> int | None:
    """The latest kept event of the same type earlier in the event's paragraph."""
    for position in range(len(kept) - 1, -1, -1):
        other = kept[position]
        if other["type"] == event["type"] and other["trigger"]["end"] <= event["trigger"]["start"]:
            between = text[other["trigger"]["end"] : event["trigger"]["start"]]
            return None if "\n" in between else position
    return None


def merge_duplicates(events: list[dict[str, Any]], types: dict[str, EventType], text: str) -> list[dict[str, Any]]:
    """Events in text order, each duplicate folded into the event it repeats or refers back to."""
    kept: list[dict[str, Any]] = []
    for event in events:
        rules = types[event["type"]]
        position = next((n for n, other in enumerate(kept) if same_event(other, event, rules)), None)
        if position is None and refers_back(event, rules):
            position = _referent(kept, event, text)
        if position is None:
            kept.append(event)
        else:
            kept[position] = merge_pair(kept[position], event, rules)
    return kept
