"""DATE: finding date expressions and normalising them to ISO ranges.

Finding is one combined regex (patterns in entities.yaml). Normalising is a plain function of
the span text, the rules and a :class:`DateContext` (publication date, the last day-level date
of the document for 当天, and a year set earlier in the same sentence), because a spaCy
component does not know the document's publication date.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .config import RuleFile, alternation
from .numbers import parse_number
from .patterns import Hit, PatternSet

GRANULARITY_YEAR_LEVEL = frozenset({"year", "half_year", "quarter"})


@dataclass(frozen=True)
class DateRules:
    patterns: PatternSet
    prefixes: list[tuple[re.Pattern[str], str]]
    suffixes: list[tuple[re.Pattern[str], str]]
    relative_years: dict[str, int]
    relative_days: dict[str, int | str]
    month_parts: dict[str, tuple[int, int]]
    year_parts: dict[str, tuple[tuple[int, int], str]]
    vague: dict[str, str]
    fixed: dict[str, dict[str, Any]]
    anchors: dict[str, date]
    plan_first_numbered: int
    plan_first_year: int
    max_months_ahead: int

    @classmethod
    def from_file(cls, rules: RuleFile) -> DateRules:
        vocab = {
            "relative_years": _int_map(rules, "dates.relative_years"),
            "relative_days": _relative_days(rules),
            "month_parts": _month_parts(rules),
            "year_parts": _year_parts(rules),
            "vague": _relation_map(rules, "dates.vague"),
            "fixed": _fixed(rules),
            "anchors": _anchors(rules),
        }
        for name, words in vocab.items():
            rules.macros[name.upper()] = alternation(words)
        prefixes = _relations(rules, "dates.relations.prefix")
        suffixes = _relations(rules, "dates.relations.suffix")
        prefix_regex = "|".join(p.pattern for p, _ in prefixes)
        suffix_regex = "|".join(p.pattern for p, _ in suffixes)
        compiled = []
        for number, entry in enumerate(rules.get("dates.patterns", list)):
            where = f"dates.patterns[{number}]"
            if not isinstance(entry, dict) or not isinstance(entry.get("regex"), str) or not entry.get("name"):
                raise rules.error(where, "expected a mapping with 'name' and 'regex'")
            core = rules.expand(f"{where} ({entry['name']})", entry["regex"])
            if entry.get("affixes", True):
                core = f"(?:(?P<rel_pre>{prefix_regex})\\s*)?(?:{core})(?:\\s*(?P<rel_suf>{suffix_regex}))?"
            rules.compile(f"{where} ({entry['name']})", core, re.VERBOSE)
            compiled.append((str(entry["name"]), core))
        plan = rules.get("dates.five_year_plan", dict)
        first = rules.get("dates.first_chars", str)
        rules.compile("dates.first_chars", f"[{first}]")
        return cls(
            patterns=PatternSet(compiled, re.VERBOSE, first_chars=first),
            prefixes=prefixes,
            suffixes=suffixes,
            plan_first_numbered=int(plan.get("first_numbered", 3)),
            plan_first_year=int(plan.get("first_year", 1966)),
            max_months_ahead=int(rules.get("dates.max_months_ahead", int)),
            **vocab,
        )

    def find(self, text: str) -> Iterator[Hit]:
        return self.patterns.finditer(text)

    def parse(self, text: str) -> Hit | None:
        return self.patterns.fullmatch(text)

    def relation(self, hit: Hit) -> str:
        """The relation a prefix, suffix or the expression itself gives; ``on`` by default."""
        for group, table in (("rel_pre", self.prefixes), ("rel_suf", self.suffixes)):
            marker = hit.groups.get(group)
            if marker:
                return next(relation for regex, relation in table if regex.fullmatch(marker))
        if "vague" in hit.groups:
            return self.vague[hit.groups["vague"]]
        if "fixed" in hit.groups:
            return self.fixed[hit.groups["fixed"]].get("relation", "on")
        return "on"


@dataclass
class DateContext:
    """What a date is resolved against: the publication date and earlier dates of the document."""

    reference: date | None = None
    previous_day: dict[str, Any] | None = None
    sentence_year: tuple[int, str] | None = None
    sentence: int | None = None

    def enter_sentence(self, sentence: int) -> None:
        """A year set in one sentence does not carry into the next."""
        if sentence != self.sentence:
            self.sentence, self.sentence_year = sentence, None

    def remember(self, norm: dict[str, Any]) -> None:
        """Keep a day-level date for 当天 and a plain year (明年是…) for later dates of the sentence."""
        if norm["start"] is None:
            return
        if norm["granularity"] == "day":
            self.previous_day = norm
        if norm["granularity"] in GRANULARITY_YEAR_LEVEL and norm["relation"] == "on":
            self.sentence_year = (int(norm["start"][:4]), norm["year_from"])


@dataclass
class _Range:
    start: date | None
    end: date | None
    granularity: str
    year_from: str = "explicit"


def normalise_date(text: str, rules: DateRules, context: DateContext | None = None) -> dict[str, Any]:
    """The EVENTS.md norm of a DATE span: ISO start/end, granularity, relation, year_from."""
    context = context or DateContext()
    hit = rules.parse(text)
    if hit is None:
        return _norm(_Range(None, None, "period", "unresolved"), "on")
    try:
        resolved = _resolve(hit.groups, rules, context)
    except ValueError:
        resolved = _Range(None, None, "day", "unresolved")
    return _norm(resolved, rules.relation(hit))


def _norm(resolved: _Range, relation: str) -> dict[str, Any]:
    return {
        "start": resolved.start.isoformat() if resolved.start else None,
        "end": resolved.end.isoformat() if resolved.end else None,
        "granularity": resolved.granularity,
        "relation": relation,
        "year_from": resolved.year_from,
    }


def _resolve(groups: dict[str, str], rules: DateRules, context: DateContext) -> _Range:
    """Dispatch on which named groups took part in the match."""
    ref = context.reference
    if "anchor" in groups:
        day = rules.anchors[groups["anchor"]]
        return _Range(day, day, "day")
    if "fyp" in groups:
        first = rules.plan_first_year + 5 * (int(parse_number(groups["fyp"])) - rules.plan_first_numbered)
        return _Range(date(first, 1, 1), date(first + 4, 12, 31), "period")
    if "vague" in groups:
        return _Range(None, ref, "period", _from_reference(ref))
    if "now" in groups:
        return _Range(ref, ref, "day", _from_reference(ref))
    if "rd" in groups:
        return _relative_day(rules.relative_days[groups["rd"]], context)
    if "fixed" in groups:
        return _fixed_range(rules.fixed[groups["fixed"]], ref)
    if "m" in groups:
        return _month_expression(groups, rules, context)
    if "d" in groups:
        if ref is None:
            return _Range(None, None, "day", "unresolved")
        day = date(ref.year, ref.month, int(parse_number(groups["d"])))
        return _Range(day, day, "day", "document_date")
    return _year_expression(groups, rules, context)


def _from_reference(ref: date | None) -> str:
    return "document_date" if ref else "unresolved"


def _relative_day(offset: int | str, context: DateContext) -> _Range:
    if offset == "previous":
        previous = context.previous_day
        if previous is None:
            return _Range(None, None, "day", "unresolved")
        day = date.fromisoformat(previous["start"])
        return _Range(day, day, "day", previous["year_from"])
    if context.reference is None:
        return _Range(None, None, "day", "unresolved")
    day = context.reference + timedelta(days=int(offset))
    return _Range(day, day, "day", "document_date")


def _fixed_range(spec: dict[str, Any], ref: date | None) -> _Range:
    if ref is None:
        return _Range(None, None, spec.get("granularity", "year"), "unresolved")
    year = ref.year + int(spec.get("year", 0))
    first, last = spec.get("months", (1, 12))
    return _Range(date(year, first, 1), _month_end(year, last), spec.get("granularity", "year"), "document_date")


def _year_of(groups: dict[str, str], rules: DateRules, context: DateContext, month: int | None) -> tuple[int | None, str]:
    """The year of an expression: explicit, relative to the reference, from the sentence, or guessed.

    A year-less month more than ``max_months_ahead`` after the reference month belongs to the
    year before (a December date in a January article).
    """
    if "y" in groups:
        return int(parse_number(groups["y"])), "explicit"
    ref = context.reference
    if "ry" in groups:
        return (ref.year + rules.relative_years[groups["ry"]], "document_date") if ref else (None, "unresolved")
    if context.sentence_year is not None:
        return context.sentence_year
    if ref is None:
        return None, "unresolved"
    if month is not None and month - ref.month > rules.max_months_ahead:
        return ref.year - 1, "document_date"
    return ref.year, "document_date"


def _month_expression(groups: dict[str, str], rules: DateRules, context: DateContext) -> _Range:
    month = int(parse_number(groups["m"]))
    year, year_from = _year_of(groups, rules, context, month)
    if year is None:
        granularity = "day" if "d" in groups else "ten_days" if "mpart" in groups else "month"
        return _Range(None, None, granularity, year_from)
    if "d" in groups:
        start = date(year, month, int(parse_number(groups["d"])))
        if "d2" not in groups:
            return _Range(start, start, "day", year_from)
        end_month = int(parse_number(groups["m3"])) if "m3" in groups else month
        return _Range(start, date(year, end_month, int(parse_number(groups["d2"]))), "day", year_from)
    if "mpart" in groups:
        first, last = rules.month_parts[groups["mpart"]]
        end = _month_end(year, month) if last == -1 else date(year, month, last)
        return _Range(date(year, month, first), end, "ten_days", year_from)
    end_month = int(parse_number(groups["m2"])) if "m2" in groups else month
    return _Range(date(year, month, 1), _month_end(year, end_month), "month", year_from)


def _year_expression(groups: dict[str, str], rules: DateRules, context: DateContext) -> _Range:
    year, year_from = _year_of(groups, rules, context, None)
    part = groups.get("ypart")
    (first, last), granularity = rules.year_parts[part.removeprefix("年")] if part else ((1, 12), "year")
    if year is None:
        return _Range(None, None, granularity, year_from)
    last_year = int(parse_number(groups["y2"])) if "y2" in groups else year
    return _Range(date(year, first, 1), _month_end(last_year, last), granularity, year_from)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# --- reading the vocabulary -------------------------------------------------------------------


def _mapping(rules: RuleFile, entry: str) -> dict[str, Any]:
    table = rules.get(entry, dict)
    for key in table:
        if not isinstance(key, str) or not key:
            raise rules.error(entry, f"keys must be non-empty strings, got {key!r}")
    return table


def _int_map(rules: RuleFile, entry: str) -> dict[str, int]:
    table = _mapping(rules, entry)
    for key, value in table.items():
        if not isinstance(value, int):
            raise rules.error(f"{entry}.{key}", f"expected an integer, got {value!r}")
    return table


def _relative_days(rules: RuleFile) -> dict[str, int | str]:
    table = _mapping(rules, "dates.relative_days")
    for key, value in table.items():
        if not isinstance(value, int) and value != "previous":
            raise rules.error(f"dates.relative_days.{key}", f"expected an integer or 'previous', got {value!r}")
    return table


def _day_pair(rules: RuleFile, entry: str, value: Any, low: int, high: int) -> tuple[int, int]:
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
        raise rules.error(entry, f"expected [first, last], got {value!r}")
    first, last = value
    if not (low <= first <= high and (last == -1 or first <= last <= high)):
        raise rules.error(entry, f"[first, last] out of range {low}..{high}: {value!r}")
    return first, last


def _month_parts(rules: RuleFile) -> dict[str, tuple[int, int]]:
    table = _mapping(rules, "dates.month_parts")
    return {key: _day_pair(rules, f"dates.month_parts.{key}", value, 1, 31) for key, value in table.items()}


def _year_parts(rules: RuleFile) -> dict[str, tuple[tuple[int, int], str]]:
    parts = {}
    for key, spec in _mapping(rules, "dates.year_parts").items():
        where = f"dates.year_parts.{key}"
        if not isinstance(spec, dict) or "months" not in spec or "granularity" not in spec:
            raise rules.error(where, "expected {months: [first, last], granularity: ...}")
        parts[key] = (_day_pair(rules, where, spec["months"], 1, 12), str(spec["granularity"]))
    return parts


RELATIONS = frozenset({"on", "before", "after", "since", "until"})


def _relation_map(rules: RuleFile, entry: str) -> dict[str, str]:
    table = _mapping(rules, entry)
    for key, value in table.items():
        if value not in RELATIONS:
            raise rules.error(f"{entry}.{key}", f"relation must be one of {sorted(RELATIONS)}, got {value!r}")
    return table


def _fixed(rules: RuleFile) -> dict[str, dict[str, Any]]:
    table = _mapping(rules, "dates.fixed")
    for key, spec in table.items():
        where = f"dates.fixed.{key}"
        if not isinstance(spec, dict) or spec.get("relation", "on") not in RELATIONS:
            raise rules.error(where, "expected a mapping with year, optional months, granularity and relation")
        if "months" in spec:
            _day_pair(rules, where, spec["months"], 1, 12)
    return table


def _anchors(rules: RuleFile) -> dict[str, date]:
    anchors = {}
    for key, value in _mapping(rules, "dates.anchors").items():
        try:
            anchors[key] = date.fromisoformat(str(value))
        except ValueError:
            raise rules.error(f"dates.anchors.{key}", f"expected an ISO date, got {value!r}") from None
    return anchors


def _relations(rules: RuleFile, entry: str) -> list[tuple[re.Pattern[str], str]]:
    table = []
    for number, item in enumerate(rules.get(entry, list)):
        where = f"{entry}[{number}]"
        if not isinstance(item, dict) or not isinstance(item.get("regex"), str) or item.get("relation") not in RELATIONS:
            raise rules.error(where, f"expected {{regex: ..., relation: one of {sorted(RELATIONS)}}}")
        table.append((rules.compile(where, item["regex"]), item["relation"]))
    return table
