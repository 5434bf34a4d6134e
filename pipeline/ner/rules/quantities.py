"""QUANTITY: counts, money, percentages, measures and durations, with normalised values.

One regex (assembled from the word lists in entities.yaml) finds candidates; :func:`read_quantity`
decides whether a candidate is a quantity and computes its norm, so finding and normalising
cannot disagree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .config import RuleFile, alternation
from .numbers import parse_number

KINDS = ("percent", "money", "duration", "measure", "count")


@dataclass(frozen=True)
class QuantityRules:
    regex: re.Pattern[str]
    magnitude: re.Pattern[str]
    unit_kinds: dict[str, str]
    approximate: dict[str, tuple[int, int]]
    inner_qualifiers: tuple[str, ...]
    article_numerals: frozenset[str]
    article_classifiers: frozenset[str]
    duration_suffixes: frozenset[str]
    max_duration_years: int

    @classmethod
    def from_file(cls, rules: RuleFile) -> QuantityRules:
        numbers = rules.get("quantities.numbers", dict)
        for key in ("arabic", "chinese", "magnitude", "range"):
            if not isinstance(numbers.get(key), str):
                raise rules.error(f"quantities.numbers.{key}", "expected a regex string")
            rules.compile(f"quantities.numbers.{key}", numbers[key])
        unit_kinds = _unit_kinds(rules)
        approximate = _approximate(rules)
        inner = alternation(rules.words("quantities.inner_qualifiers"))
        number = f"(?:{numbers['arabic']})(?:\\s*(?:{inner})?(?:{numbers['magnitude']}))?|(?:{numbers['chinese']})"
        units = _unit_regex(rules, unit_kinds)
        suffixes = rules.words("quantities.suffix_qualifiers") + rules.words("quantities.duration_suffix_qualifiers")
        regex = (
            f"(?:(?P<pre>{alternation(rules.words('quantities.prefix_qualifiers'))})\\s*)?"
            f"(?:{re.escape(rules.get('quantities.percent_prefix', str))}(?P<pct>{number})"
            f"|(?P<approx>{alternation(approximate)})(?P<amag>{numbers['magnitude']})?"
            f"|(?P<n1>{number})(?:\\s*(?P<u1>{units})?\\s*(?:{numbers['range']})\\s*(?P<n2>{number}))?)"
            f"(?P<inner>{inner})?"
            f"\\s*(?P<unit>{units})?"
            f"(?P<suf>{alternation(suffixes)})?"
        )
        return cls(
            regex=rules.compile("quantities", regex),
            magnitude=rules.compile("quantities.numbers.magnitude", numbers["magnitude"]),
            unit_kinds=unit_kinds,
            approximate=approximate,
            inner_qualifiers=tuple(rules.words("quantities.inner_qualifiers")),
            article_numerals=frozenset(rules.words("quantities.article.numerals")),
            article_classifiers=frozenset(rules.words("quantities.article.classifiers")),
            duration_suffixes=frozenset(rules.words("quantities.duration_suffix_qualifiers")),
            max_duration_years=int(rules.get("quantities.max_duration_years", int)),
        )

    def find(self, text: str) -> Iterator[tuple[int, int]]:
        """Spans of the quantities in ``text`` (before exclusions)."""
        for match in self.regex.finditer(text):
            read = read_quantity(match, self)
            if read is not None:
                yield match.start(), read[0]


def normalise_quantity(text: str, rules: QuantityRules) -> dict[str, Any] | None:
    """The EVENTS.md norm of a QUANTITY span, or None if the text is not a quantity."""
    match = rules.regex.fullmatch(text)
    read = read_quantity(match, rules) if match else None
    return read[1] if read else None


def read_quantity(match: re.Match[str], rules: QuantityRules) -> tuple[int, dict[str, Any]] | None:
    """The end of the quantity and its norm, or None when the candidate is not a quantity.

    A quantity needs a unit, a magnitude (39.8万) or 百分之; 一个 used as an article and a
    four-digit number of 年 (a year) are not quantities.
    """
    groups = match.groupdict()
    inner = groups["inner"]
    for name in ("n1", "pct"):
        if groups[name]:
            groups[name], inside = _without_inner(groups[name], rules.inner_qualifiers)
            inner = inner or inside
    unit, number = groups["unit"], groups["n1"] or groups["pct"] or groups["approx"] or ""
    if groups["pct"]:
        unit = unit or "%"
    elif not unit and not (rules.magnitude.search(number) or groups["amag"]):
        return None
    if unit and number in rules.article_numerals and unit in rules.article_classifiers:
        return None
    kind = rules.unit_kinds[unit] if unit else "count"
    end, suffix = match.end(), groups["suf"]
    if suffix in rules.duration_suffixes and kind != "duration":
        end, suffix = end - len(suffix), None
    try:
        norm = _values(groups, rules)
    except ValueError:
        return None
    if unit == "年" and max(v for v in (norm.get("value"), norm.get("max")) if v is not None) > rules.max_duration_years:
        return None
    norm.update(unit=unit, kind=kind)
    qualifiers = [q for q in (groups["pre"], inner, suffix) if q]
    if qualifiers:
        norm["qualifiers"] = qualifiers
    return end, _ordered(norm)


def _without_inner(number: str, qualifiers: tuple[str, ...]) -> tuple[str, str | None]:
    """60多万 is the number 60万 with the qualifier 多."""
    for qualifier in qualifiers:
        if qualifier in number:
            return number.replace(qualifier, ""), qualifier
    return number, None


def _values(groups: dict[str, str | None], rules: QuantityRules) -> dict[str, Any]:
    """value, or min and max for a range (value is then null)."""
    if groups["approx"]:
        low, high = rules.approximate[groups["approx"]]
        scale = parse_number("一" + groups["amag"]) if groups["amag"] else 1
        return {"value": None, "min": low * scale, "max": high * scale}
    if groups["n2"]:
        return {"value": None, "min": parse_number(groups["n1"]), "max": parse_number(groups["n2"])}
    return {"value": parse_number(groups["pct"] or groups["n1"])}


def _ordered(norm: dict[str, Any]) -> dict[str, Any]:
    keys = ("value", "unit", "kind", "qualifiers", "min", "max")
    return {key: norm[key] for key in keys if key in norm}


def _unit_kinds(rules: RuleFile) -> dict[str, str]:
    table = rules.get("quantities.units", dict)
    kinds = {}
    for kind in table:
        if kind not in KINDS:
            raise rules.error(f"quantities.units.{kind}", f"unknown kind; expected one of {', '.join(KINDS)}")
        for unit in rules.words(f"quantities.units.{kind}"):
            if unit in kinds:
                raise rules.error(f"quantities.units.{kind}", f"unit {unit!r} already listed under {kinds[unit]}")
            kinds[unit] = kind
    return kinds


def _unit_regex(rules: RuleFile, unit_kinds: dict[str, str]) -> str:
    """Units longest first, each with its own negative lookahead (人 but not 人民)."""
    blocked = rules.get("quantities.unit_not_followed_by", dict)
    for unit in blocked:
        if unit not in unit_kinds:
            raise rules.error(f"quantities.unit_not_followed_by.{unit}", "not a unit listed under quantities.units")
    parts = []
    for unit in sorted(unit_kinds, key=lambda u: (-len(u), u)):
        following = blocked.get(unit)
        parts.append(f"{re.escape(unit)}(?![{re.escape(str(following))}])" if following else re.escape(unit))
    return "|".join(parts)


def _approximate(rules: RuleFile) -> dict[str, tuple[int, int]]:
    table = rules.get("quantities.approximate", dict)
    for key, value in table.items():
        if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
            raise rules.error(f"quantities.approximate.{key}", f"expected [min, max], got {value!r}")
    return {key: tuple(value) for key, value in table.items()}
