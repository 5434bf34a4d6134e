"""The event rule file (``configs/events.yaml``): its format, validation and loading.

Everything an event type needs lives in the file, so adding a type or a trigger never touches
code. A file that cannot be used raises :class:`EventRulesError` naming the file and the entry.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..config import ConfigError, read_yaml_mapping


class EventRulesError(ConfigError):
    """An events rule file that cannot be used; the message names the file and the entry."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_regex(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as error:
        raise ValueError(f"invalid regular expression {pattern!r}: {error}") from None
    return pattern


class TriggerRule(_Strict):
    """Words or regular expressions that signal an event; ``id`` names the rule in the record."""

    id: str = Field(min_length=1)
    words: list[str] = []
    patterns: list[str] = Field([], description="regex; the group 'trigger' (else the whole match) is the trigger")
    blocking_patterns: list[str] = Field(
        [], description="regex; this rule's words inside a match name a topic, not an act (a meeting's name)"
    )

    @field_validator("patterns", "blocking_patterns")
    @classmethod
    def _patterns_compile(cls, patterns: list[str]) -> list[str]:
        return [_check_regex(pattern) for pattern in patterns]

    @model_validator(mode="after")
    def _has_signal(self) -> TriggerRule:
        if not self.words and not self.patterns:
            raise ValueError(f"trigger {self.id!r} needs words or patterns")
        if any(not word for word in self.words):
            raise ValueError(f"trigger {self.id!r} has an empty word")
        return self

    @cached_property
    def compiled(self) -> list[re.Pattern[str]]:
        """Words (longest first) and patterns as regular expressions."""
        words = sorted(set(self.words), key=len, reverse=True)
        expressions = ["|".join(re.escape(word) for word in words)] if words else []
        return [re.compile(expression) for expression in [*expressions, *self.patterns]]

    @cached_property
    def compiled_blockers(self) -> list[re.Pattern[str]]:
        return [re.compile(pattern) for pattern in self.blocking_patterns]


class SlotRule(_Strict):
    """One way to fill a slot: from entities, from a text pattern, or from cue words.

    Constraints place the value relative to an anchor (the trigger or an earlier slot): in the
    same clause or sentence, before or after it, at most ``max_gap`` characters away, and next
    to a cue word (``主持`` after a chair, ``向`` before a recipient).
    """

    labels: list[str] = Field([], description="entity labels that fill the slot")
    pattern: str | None = Field(None, description="regex; the group 'value' (else the whole match) is the value")
    cues: dict[str, list[str]] = Field({}, description="value name -> words; the word found fills the slot")
    norm: dict[str, list[str | int | float]] = Field({}, description="entity norm filter, e.g. {kind: [money]}")
    scope: Literal["clause", "sentence"] = "sentence"
    position: Literal["before", "after", "any"] = "any"
    anchor: str = Field("trigger", description="'trigger' or the name of a slot listed earlier")
    max_gap: int | None = Field(None, ge=0, description="most characters between the value and the anchor")
    cue_words: list[str] = Field([], description="a word that must sit next to the value, in its clause")
    cue_side: Literal["before", "after"] = "after"
    cue_gap: int = Field(0, ge=0, description="most characters between the value and its cue word")
    veto_after: list[str] = Field(
        [], description="a value directly followed by one of these is not one (县委 in 县委书记)"
    )
    veto_before: list[str] = Field(
        [], description="a value directly preceded by one of these is not one (an object: 加强驻村工作队管理)"
    )
    trim_labels: list[str] = Field([], description="a text value does not start inside entities of these labels")
    many: bool = Field(False, description="every value that fits, not only the nearest")
    fallback: Literal["paragraph"] | None = Field(None, description="look in the paragraph when the scope has none")

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, pattern: str | None) -> str | None:
        return None if pattern is None else _check_regex(pattern)

    @model_validator(mode="after")
    def _one_source(self) -> SlotRule:
        sources = [
            name for name, used in (("labels", self.labels), ("pattern", self.pattern), ("cues", self.cues)) if used
        ]
        if len(sources) != 1:
            raise ValueError(f"a slot rule needs exactly one of labels, pattern or cues (got {sources or 'none'})")
        if self.norm and not self.labels:
            raise ValueError("norm filters apply to entity slots (labels) only")
        return self

    @cached_property
    def compiled(self) -> re.Pattern[str] | None:
        return re.compile(self.pattern) if self.pattern else None

    @cached_property
    def compiled_cues(self) -> list[tuple[str, re.Pattern[str]]]:
        return [
            (value, re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))))
            for value, words in self.cues.items()
            if words
        ]


class EventType(_Strict):
    """One event type: its triggers, its slots (tried in order) and which slots it needs."""

    triggers: list[TriggerRule] = Field(min_length=1)
    slots: dict[str, list[SlotRule]] = Field(min_length=1)
    required: list[list[str]] = Field(
        min_length=1, description="every group needs one filled slot: [[name]], [[inspector, target]]"
    )
    merge_on: list[str] = Field([], description="slots that identify the same event told twice")
    merge_min: int = Field(1, ge=1, description="how many merge_on slots two mentions must share")
    merge_in_sentence: bool = Field(False, description="events of this type in one sentence are one event")
    merge_anaphors: list[str] = Field([], description="values that refer back (会议) and agree with any value")

    @field_validator("slots", mode="before")
    @classmethod
    def _listify(cls, slots: object) -> object:
        if isinstance(slots, dict):
            return {name: rule if isinstance(rule, list) else [rule] for name, rule in slots.items()}
        return slots

    @model_validator(mode="after")
    def _references(self) -> EventType:
        names = list(self.slots)
        for group in self.required:
            self._known(group, "required")
        self._known(self.merge_on, "merge_on")
        if self.merge_on and self.merge_min > len(self.merge_on):
            raise ValueError(f"merge_min {self.merge_min} exceeds the {len(self.merge_on)} merge_on slots")
        for position, (name, rules) in enumerate(self.slots.items()):
            for rule in rules:
                if rule.anchor != "trigger" and rule.anchor not in names[:position]:
                    raise ValueError(f"slot {name!r}: anchor {rule.anchor!r} is not a slot listed before it")
        fallbacks = [name for name, rules in self.slots.items() if any(rule.fallback for rule in rules)]
        if len(fallbacks) > 1:
            raise ValueError(f"at most one slot may fall back to the paragraph (got {fallbacks})")
        ids = [trigger.id for trigger in self.triggers]
        if len(ids) != len(set(ids)):
            raise ValueError(f"trigger ids must be unique (got {ids})")
        return self

    def _known(self, names: list[str], field: str) -> None:
        unknown = [name for name in names if name not in self.slots]
        if unknown:
            raise ValueError(f"{field} names unknown slots {unknown}")

    @property
    def date_slot(self) -> str | None:
        """The slot whose paragraph fallback the record reports as ``date_source``."""
        return next((name for name, rules in self.slots.items() if any(rule.fallback for rule in rules)), None)


class Settings(_Strict):
    clause_delimiters: str = "，,；;：:"
    sentence_delimiters: str = "。！？!?"
    skip_kinds: list[str] = Field(["not_news"], description="document kinds that never yield events")
    trigger_blockers: list[str] = Field(
        ["ORG", "PER", "LOC"], description="a trigger inside an entity of these labels is part of a name"
    )
    blocking_patterns: list[str] = Field(
        ["《[^》\n]*》"],
        description="regex; words inside a match are quoted (a title): neither triggers nor slot entities",
    )

    @field_validator("blocking_patterns")
    @classmethod
    def _patterns_compile(cls, patterns: list[str]) -> list[str]:
        return [_check_regex(pattern) for pattern in patterns]

    @cached_property
    def compiled_blockers(self) -> list[re.Pattern[str]]:
        return [re.compile(pattern) for pattern in self.blocking_patterns]


class EventRules(_Strict):
    settings: Settings = Settings()
    types: dict[str, EventType] = Field(min_length=1)


def _format(error: ValidationError, path: Path) -> str:
    lines = [f"invalid event rules in {path}:"]
    for problem in error.errors():
        location = ".".join(str(part) for part in problem["loc"]) or "(top level)"
        message = "unknown key" if problem["type"] == "extra_forbidden" else problem["msg"]
        lines.append(f"  {location}: {message}")
    return "\n".join(lines)


def load_rules(path: str | Path) -> EventRules:
    """Read and validate an events rule file."""
    path = Path(path)
    data = read_yaml_mapping(path, "event rules", EventRulesError)
    try:
        return EventRules.model_validate(data)
    except ValidationError as error:
        raise EventRulesError(_format(error, path)) from None
