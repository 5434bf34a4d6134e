"""Loading and validating the cleaning rule file (configs/cleaning.yaml).

All patterns, keyword lists and thresholds live in the YAML file; this module checks it once,
compiles every regular expression once, and names the file and the rule in any error, so a user
adding a site's footer learns exactly what is wrong.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..config import read_yaml_mapping

MACRO = re.compile(r"\{\{(\w+)\}\}")
NAMED_GROUP = re.compile(r"\(\?P<\w+>")


class RuleError(ValueError):
    """The rule file cannot be used; the message names the file and the rule."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LineRule(_Strict):
    """A whole line is noise when one of its patterns or keywords matches (within the limits)."""

    id: str
    category: str
    reason: str = ""
    patterns: list[str] = []
    keywords: list[str] = []
    tokens: list[str] = Field([], description="the line is noise when every token is one of these")
    where: Literal["anywhere", "head", "tail"] = "anywhere"
    max_length: int = Field(200, gt=0)

    @model_validator(mode="after")
    def _has_a_test(self) -> LineRule:
        if not (self.patterns or self.keywords or self.tokens):
            raise ValueError("needs at least one of patterns, keywords or tokens")
        return self


class TailRule(_Strict):
    """A marker that starts a tail (related reading): everything from it to the end goes."""

    id: str
    category: str = "related"
    reason: str = ""
    markers: list[str]
    min_position: float = Field(0.5, ge=0, le=1, description="share of the document before the marker")
    max_lines_after: int = Field(25, ge=0, description="or: at most this many non-empty lines after the marker")


class LinkFarm(_Strict):
    id: str = "linkfarm"
    separators: str = "|｜"
    min_separators: int = Field(6, gt=0)
    min_separators_next_to_farm: int = Field(3, gt=0, description="for a line next to a link-farm line")
    max_mean_segment: float = Field(10, gt=0)


class Repeated(_Strict):
    id: str = "repeated.line"
    min_count: int = Field(3, ge=2)
    max_length: int = Field(60, gt=0)


class NoHan(_Strict):
    id: str = "residue.no_han"
    max_length: int = Field(30, gt=0)


class HeaderBlock(_Strict):
    id: str = "chrome.header_block"
    max_lines: int = Field(15, gt=0)
    max_length: int = Field(25, gt=0)


class LineFeatures(_Strict):
    head_lines: int = Field(12, gt=0, description="non-empty lines that count as the head")
    tail_lines: int = Field(25, gt=0, description="non-empty lines that count as the tail")
    link_farm: LinkFarm = LinkFarm()
    repeated: Repeated = Repeated()
    no_han: NoHan = NoHan()
    header_block: HeaderBlock = HeaderBlock()


class InlineRule(_Strict):
    """A repair inside sentences: what the pattern matches (or its ``drop`` group) is changed."""

    id: str
    kind: str = "repair"
    reason: str = ""
    pattern: str = ""
    action: Literal["delete", "replace", "unescape", "numeral", "numeral_words", "lost_reading"] = "delete"
    replacement: str = ""
    recover_from: str = Field("", description="lost_reading: rule whose readings name the lost character")
    batch: int = Field(1, ge=1, description="batches run in order, so a later batch sees the earlier repairs")

    @model_validator(mode="after")
    def _has_pattern(self) -> InlineRule:
        if not self.pattern and self.action != "numeral_words":
            raise ValueError("needs a pattern")
        return self


class NumeralWord(_Strict):
    word: str
    not_followed_by: str = ""


class Numerals(_Strict):
    words: list[str | NumeralWord] = []


class FlagRule(_Strict):
    id: str
    kind: Literal["placeholder", "lost_char", "lost_range"]
    pattern: str


class MetaRule(_Strict):
    """Extracts ``key`` from lines: removed lines, or also the head's kept lines (scope head)."""

    id: str
    key: Literal["published", "source", "author", "reporter", "editor"]
    pattern: str
    scope: Literal["removed", "head"] = "removed"


class Title(_Strict):
    max_length: int = Field(60, gt=0)
    min_han_share: float = Field(0.5, ge=0, le=1)
    sentence_end: str = "。！？!?"


class FeatureRange(_Strict):
    min: float | None = None
    max: float | None = None


class KindRule(_Strict):
    """Marks a document not_news when its patterns hit often enough and its features are in range."""

    id: str
    reason: str
    patterns: list[str] = []
    keywords: list[str] = []
    min_hits: int = Field(1, ge=1)
    features: dict[
        Literal["han_chars", "dialogue_share", "pronoun_rate", "repeated_sentence_share", "sentences", "sentence_line_share", "lines"],
        FeatureRange,
    ] = {}

    @model_validator(mode="after")
    def _has_a_test(self) -> KindRule:
        if not (self.patterns or self.keywords or self.features):
            raise ValueError("needs patterns, keywords or features")
        return self


class Whitespace(_Strict):
    id: str = "whitespace"
    strip_lines: bool = True
    max_blank_lines: int = Field(1, ge=0)


class RuleFile(_Strict):
    version: Literal[1]
    macros: dict[str, str | list[str]] = {}
    lines: list[LineRule]
    tails: list[TailRule] = []
    features: LineFeatures = LineFeatures()
    inline: list[InlineRule] = []
    numerals: Numerals = Numerals()
    flags: list[FlagRule] = []
    metadata: list[MetaRule] = []
    title: Title = Title()
    not_news: list[KindRule] = []
    whitespace: Whitespace = Whitespace()


def load_rules(path: str | Path) -> RuleFile:
    """Read, validate and macro-expand a rule file; raise RuleError naming the file and rule."""
    path = Path(path)
    data = read_yaml_mapping(path, "rule file", RuleError)
    try:
        rules = RuleFile.model_validate(data)
    except ValidationError as error:
        raise RuleError(_describe(error, data, path)) from None
    _expand_macros(rules, path)
    _check_regexes(rules, path)
    _check_references(rules, path)
    return rules


def _check_references(rules: RuleFile, path: Path) -> None:
    ids = [rule.id for rule in [*rules.lines, *rules.tails, *rules.inline, *rules.flags, *rules.metadata, *rules.not_news]]
    duplicates = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
    if duplicates:
        raise RuleError(f"{path}: rule ids must be unique; repeated: {', '.join(duplicates)}")
    for rule in rules.inline:
        source = next((other for other in rules.inline if other.id == rule.recover_from), None)
        if rule.recover_from and (source is None or source.batch != rule.batch):
            raise RuleError(f"{path}: rule {rule.id!r}: recover_from names no inline rule of the same batch ({rule.recover_from!r})")


def _describe(error: ValidationError, data: dict[str, Any], path: Path) -> str:
    lines = [f"invalid rule file {path}:"]
    for problem in error.errors():
        location = ".".join(str(part) for part in problem["loc"])
        lines.append(f"  rule {_rule_name(data, problem['loc'])!r} ({location}): {problem['msg']}")
    return "\n".join(lines)


def _rule_name(data: Any, loc: tuple[Any, ...]) -> str:
    """The id of the innermost rule on the error's path, else the path's first key."""
    name = str(loc[0]) if loc else "?"
    node = data
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and "id" in node:
            name = str(node["id"])
    return name


def _macro_value(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "|".join(re.escape(item) for item in value)


def _expand(pattern: str, macros: dict[str, str], rule_id: str, path: Path) -> str:
    def substitute(match: re.Match[str]) -> str:
        if match.group(1) not in macros:
            raise RuleError(f"{path}: rule {rule_id!r} uses unknown macro {{{{{match.group(1)}}}}}")
        return macros[match.group(1)]

    return MACRO.sub(substitute, pattern)


def _expand_macros(rules: RuleFile, path: Path) -> None:
    macros = {name: _macro_value(value) for name, value in rules.macros.items()}
    for rule in [*rules.lines, *rules.inline, *rules.flags, *rules.metadata, *rules.not_news, *rules.tails]:
        for field in ("patterns", "pattern", "markers"):
            value = getattr(rule, field, None)
            if isinstance(value, list):
                setattr(rule, field, [_expand(item, macros, rule.id, path) for item in value])
            elif isinstance(value, str):
                setattr(rule, field, _expand(value, macros, rule.id, path))


def _check_regexes(rules: RuleFile, path: Path) -> None:
    for entry in rules.numerals.words:
        if isinstance(entry, NumeralWord) and entry.not_followed_by:
            try:
                re.compile(entry.not_followed_by)
            except re.error as error:
                raise RuleError(f"{path}: numeral word {entry.word!r}: invalid not_followed_by: {error}") from None
    for rule in [*rules.lines, *rules.inline, *rules.flags, *rules.metadata, *rules.not_news, *rules.tails]:
        for field in ("patterns", "pattern", "markers"):
            value = getattr(rule, field, None)
            for pattern in value if isinstance(value, list) else [value] if value else []:
                try:
                    compiled = re.compile(pattern)
                except re.error as error:
                    raise RuleError(f"{path}: rule {rule.id!r}: invalid regular expression {pattern!r}: {error}") from None
                if isinstance(rule, MetaRule) and not {"value", "y"} & set(compiled.groupindex):
                    raise RuleError(f"{path}: rule {rule.id!r}: pattern needs a (?P<value>...) group or a date (?P<y>...)")
    for rule in [*rules.lines, *rules.not_news]:
        try:
            compile_any(rule.patterns, rule.keywords)
        except re.error as error:
            raise RuleError(f"{path}: rule {rule.id!r}: its patterns cannot be joined ({error}); use scoped flags like (?m:^)") from None


def compile_any(patterns: list[str], keywords: list[str] = (), flags: int = 0) -> re.Pattern[str] | None:
    """One regex matching any of the patterns or (escaped) keywords; None when there are none.

    Named groups are made plain so that patterns sharing a macro can be joined.
    """
    parts = [f"(?:{NAMED_GROUP.sub('(?:', pattern)})" for pattern in patterns] + [re.escape(keyword) for keyword in keywords]
    return re.compile("|".join(parts), flags) if parts else None
