"""Annotation exports read into one internal form: `Example` (text + character spans with labels).

Readers: BMES/BIO/IOBES column files (through `pipeline.ner.msra`), doccano JSONL, Label Studio
JSON, spaCy DocBin and `datasets` folders. Every span is checked (inside the text, non-empty,
non-overlapping, a known label) so that bad input stops before training with a message naming the
file, the line or record and the problem. Traditional text is converted to Simplified with its spans
by the convert stage's own converter, because the pipeline tags the converted text.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

import numpy as np

from pipeline.document import Document
from pipeline.io.readers import InputError, is_saved_dataset
from pipeline.ner.component import SENTENCE_END
from pipeline.ner.msra import Sentence, Span, parse_column_lines, spans_to_tags, tags_to_spans
from pipeline.training.format_names import FORMATS

if TYPE_CHECKING:
    from pipeline.conversion import ScriptConverter

log = logging.getLogger(__name__)

TAG_PATTERN = re.compile(r"^(O|[BIMES]-\S+)$")
TAG_COLUMNS = ("tags", "ner_tags", "labels")
SPAN_KEYS = ("entities", "label", "labels", "spans")


class AnnotationError(InputError):
    """Annotations that cannot be trained on: the message names the file, the line or record, and the problem."""

    def __init__(self, path: str | Path, where: str, problem: str) -> None:
        self.path, self.where, self.problem = str(path), where, problem
        super().__init__(f"{path}: {where}: {problem}")


class _Problem(Exception):
    """A problem found by a helper that does not know the file; the reader adds file and location."""


@dataclass(frozen=True)
class Example:
    """One annotated text: spans are (start, end, label), end exclusive, sorted and non-overlapping."""

    text: str
    spans: tuple[Span, ...]
    path: str = ""
    where: str = ""


def detect_format(path: str | Path) -> str:
    """Guess the format from the extension, then from the first non-blank characters."""
    path = Path(path)
    if path.is_dir():
        if is_saved_dataset(path):
            return "datasets"
        raise AnnotationError(path, "format", "a folder, but not a dataset saved with datasets' save_to_disk")
    if not path.is_file():
        raise AnnotationError(path, "format", "no such file")
    if path.suffix == ".spacy":
        return "docbin"
    if path.suffix == ".jsonl":
        return "doccano"
    with open(path, encoding="utf-8-sig", errors="replace") as f:
        head = f.read(4096).lstrip()
    if head.startswith("["):
        return "label-studio"
    if head.startswith("{"):
        return "doccano"
    return "columns"


def read_annotations(
    paths: Sequence[str | Path],
    fmt: str | None = None,
    labels: Iterable[str] | None = None,
    opencc: str | None = "t2s",
) -> list[Example]:
    """Read, check and convert the examples of every file; `labels`, if given, is the allowed label set."""
    allowed = set(labels) if labels is not None else None
    converter = _converter(opencc)
    examples = []
    for path in paths:
        kind = fmt or detect_format(path)
        if kind not in READERS:
            raise AnnotationError(path, "format", f"unknown format {kind!r}; expected one of {', '.join(FORMATS)}")
        for example in READERS[kind](Path(path)):
            try:
                check_spans(example.text, example.spans, allowed)
                examples.append(to_simplified(example, converter) if converter else example)
            except _Problem as problem:
                raise AnnotationError(example.path, example.where, str(problem)) from None
    return examples


def check_spans(text: str, spans: Sequence[Span], labels: set[str] | None = None) -> None:
    """Raise `_Problem` for a span that is empty, negative, past the text, overlapping or unknown."""
    for start, end, label in spans:
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
            raise _Problem(f"span [{start!r}, {end!r}) needs integer offsets")
        if start < 0 or end <= start:
            raise _Problem(f"empty or negative span [{start}, {end}) {label}")
        if end > len(text):
            raise _Problem(f"span [{start}, {end}) {label} ends past the end of the text (length {len(text)})")
        if not isinstance(label, str) or not label.strip() or label != label.strip():
            raise _Problem(f"span [{start}, {end}) has an invalid label {label!r}")
        if labels is not None and label not in labels:
            raise _Problem(f"unknown label {label!r} on span [{start}, {end}); allowed: {', '.join(sorted(labels))}")
    ordered = sorted(spans)
    for (s1, e1, l1), (s2, e2, l2) in zip(ordered, ordered[1:]):
        if s2 < e1:
            raise _Problem(f"spans [{s1}, {e1}) {l1} and [{s2}, {e2}) {l2} overlap")


def to_simplified(example: Example, converter: "ScriptConverter") -> Example:
    """Convert the Traditional parts of the text as the pipeline's convert stage does, spans moved along.

    The stage's own converter decides per segment what to convert and with which table, so the
    training text is the text the NER stage will see at run time.
    """
    doc = Document(id=example.where, raw_text=example.text)
    converter.convert(doc)
    if doc.text == example.text:
        return example
    return replace(example, text=doc.text, spans=move_spans(doc, example.spans))


def move_spans(doc: Document, spans: Sequence[Span]) -> tuple[Span, ...]:
    """Raw-text spans of `doc` in its current text, through the offset map of its edits.

    OpenCC t2s, hk2s and tw2s keep the length character for character, so offsets do not move; a
    replacement of unequal length moves later offsets, and a span boundary inside one is an error.
    """
    starts, ends = doc.offsets.starts[:-1], doc.offsets.ends[:-1]

    def forward(offset: int) -> int:
        if np.any((starts < offset) & (ends > offset)):
            raise _Problem(f"conversion replaced text across offset {offset}, a span boundary")
        return int(np.count_nonzero(ends <= offset))

    return tuple((forward(start), forward(end), label) for start, end, label in spans)


def to_sentences(example: Example, max_length: int = 150) -> list[Sentence]:
    """Cut a text into (chars, BMES tags) sentences the way the NER component cuts documents.

    Cuts fall after sentence punctuation or at `max_length`, never inside a span unless the span
    itself is longer than `max_length`; whitespace-only pieces are dropped.
    """
    text, spans = example.text, example.spans
    covered = [False] * (len(text) + 1)
    for start, end, _ in spans:
        covered[start + 1 : end] = [True] * (end - start - 1)
    cuts, safe = [0], 0
    for end in range(1, len(text) + 1):
        if not covered[end]:
            safe = end
        if SENTENCE_END.search(text[end - 1]) and not covered[end]:
            cuts.append(end)
        elif end - cuts[-1] >= max_length:
            cuts.append(safe if safe > cuts[-1] else end)
    if cuts[-1] < len(text):
        cuts.append(len(text))
    sentences = []
    for a, b in zip(cuts, cuts[1:]):
        if text[a:b].strip():
            inside = [(max(s, a) - a, min(e, b) - a, label) for s, e, label in spans if s < b and e > a]
            sentences.append((list(text[a:b]), spans_to_tags(b - a, inside)))
    return sentences


def _converter(opencc: str | None) -> "ScriptConverter | None":
    """The convert stage's converter with its default settings for the OpenCC table `opencc`."""
    if not opencc or opencc == "none":
        return None
    from pipeline.config import ConfigError, ConvertConfig
    from pipeline.conversion import ScriptConverter

    try:
        section = ConvertConfig(opencc=opencc)
    except ValueError:
        raise ConfigError(f"--opencc {opencc!r}: expected t2s, hk2s, tw2s or none") from None
    return ScriptConverter(section.opencc, section.traditional_share)


# --------------------------------------------------------------------------------------------
# Readers: each yields Examples with their file and location; read_annotations checks them.
# --------------------------------------------------------------------------------------------


class _NumberedLines:
    """Iterates lines and remembers the number and content of the last one handed out."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines, self.number, self.current = lines, 0, ""

    def __iter__(self) -> Iterator[str]:
        for line in self.lines:
            self.number += 1
            self.current = line
            yield line

    def sentence_start(self, length: int) -> int:
        """First line of a sentence of `length` lines just read: it ended at a blank line or at the end of file."""
        return self.number - length + (1 if self.current.strip() else 0)


def read_columns(path: Path) -> Iterator[Example]:
    """A `char tag` file (space or tab, BMES/BIO/IOBES), a blank line between sentences."""
    with open(path, encoding="utf-8-sig") as f:
        lines = _NumberedLines(f)
        try:
            for chars, tags in parse_column_lines(lines):
                first = lines.sentence_start(len(chars))
                yield _tagged_example(chars, tags, path, lambda k, first=first: f"line {first + k}")
        except ValueError as err:
            if isinstance(err, AnnotationError):
                raise
            got = lines.current.rstrip()
            raise AnnotationError(path, f"line {lines.number}", f"expected 'char tag' columns, got {got!r}") from None


def _tagged_example(chars: Sequence[str], tags: Sequence[str], path: Path, where: Callable[[int], str]) -> Example:
    """Chars + tags to an Example; `where(k)` locates token k for messages."""
    for k, (char, tag) in enumerate(zip(chars, tags, strict=True)):
        if len(char) != 1:
            raise AnnotationError(path, where(k), f"token {char!r}: the model is character-based, one character per token")
        if not TAG_PATTERN.match(tag):
            raise AnnotationError(path, where(k), f"tag {tag!r} is neither O nor B-/I-/M-/E-/S- plus a label")
    return Example("".join(chars), tuple(tags_to_spans(tags)), str(path), where(0))


def read_doccano(path: Path) -> Iterator[Example]:
    """doccano JSONL: `text` plus `label` ([[start, end, label], ...]) or `entities` objects."""
    with open(path, encoding="utf-8-sig") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"line {number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise AnnotationError(path, where, f"invalid JSON: {err.msg} at column {err.colno}") from None
            yield _record_example(record, path, where)


def _record_example(record: Any, path: Path, where: str) -> Example:
    """A {text, spans} record (doccano line, or dataset row with text + spans) to an Example."""
    try:
        if not isinstance(record, dict):
            raise _Problem(f"expected a JSON object, got {type(record).__name__}")
        text = record.get("text")
        if not isinstance(text, str):
            raise _Problem("no 'text' string")
        key = next((k for k in SPAN_KEYS if k in record), None)
        items = (record[key] if key else None) or []
        if not isinstance(items, list):
            raise _Problem(f"'{key}' must be a list of spans")
        spans = tuple(_span(item) for item in items)
    except _Problem as problem:
        raise AnnotationError(path, where, str(problem)) from None
    return Example(text, spans, str(path), where)


def _span(item: Any) -> Span:
    """[start, end, label] or {start_offset|start, end_offset|end, label} to a span tuple."""
    if isinstance(item, (list, tuple)) and len(item) == 3:
        return item[0], item[1], item[2]
    if isinstance(item, dict):
        start = item.get("start_offset", item.get("start"))
        end = item.get("end_offset", item.get("end"))
        label = item.get("label")
        if start is not None and end is not None and label is not None:
            return start, end, label
    raise _Problem(f"span {item!r} is not [start, end, label] nor an object with start, end and label")


def read_label_studio(path: Path) -> Iterator[Example]:
    """Label Studio JSON export: tasks with `data.text` and `annotations[].result[].value`.

    The first annotation that was not cancelled is used; tasks without one are skipped (unlabelled
    text is not evidence that it holds no entity).
    """
    try:
        tasks = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as err:
        raise AnnotationError(path, f"line {err.lineno}", f"invalid JSON: {err.msg} at column {err.colno}") from None
    if not isinstance(tasks, list):
        raise AnnotationError(path, "top level", "expected a list of tasks (Label Studio JSON export)")
    for index, task in enumerate(tasks):
        where = f"record {index}" + (f" (task id {task['id']})" if isinstance(task, dict) and "id" in task else "")
        try:
            example = _task_example(task, path, where)
        except _Problem as problem:
            raise AnnotationError(path, where, str(problem)) from None
        if example is not None:
            yield example


def _task_example(task: Any, path: Path, where: str) -> Example | None:
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise _Problem("a task needs a 'data' object")
    text = task["data"].get("text")
    if not isinstance(text, str):
        raise _Problem("no data.text string")
    annotations = [a for a in task.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]
    if not annotations:
        log.warning("%s: %s has no annotation; skipped", path, where)
        return None
    spans = []
    for item in annotations[0].get("result") or []:
        value = item.get("value", {}) if isinstance(item, dict) else {}
        if "labels" not in value:
            continue
        if not isinstance(value["labels"], list) or len(value["labels"]) != 1:
            raise _Problem(f"span {value.get('start')}-{value.get('end')} needs exactly one label, got {value['labels']!r}")
        span = (value.get("start"), value.get("end"), value["labels"][0])
        check_spans(text, [span])
        if "text" in value and text[span[0] : span[1]] != value["text"]:
            raise _Problem(f"span [{span[0]}, {span[1]}) covers {text[span[0]:span[1]]!r}, but the export says {value['text']!r}")
        spans.append(span)
    return Example(text, tuple(spans), str(path), where)


def read_docbin(path: Path) -> Iterator[Example]:
    """spaCy DocBin (`.spacy`): each doc's text and `doc.ents`."""
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    try:
        docs = list(DocBin().from_disk(path).get_docs(Vocab()))
    except Exception as err:  # DocBin raises several kinds for a file that is not one
        raise AnnotationError(path, "file", f"not a spaCy DocBin: {type(err).__name__}: {err}") from None
    for index, doc in enumerate(docs):
        spans = tuple((e.start_char, e.end_char, e.label_) for e in doc.ents)
        yield Example(doc.text, spans, str(path), f"record {index}")


def read_datasets(path: Path) -> Iterator[Example]:
    """A `save_to_disk` folder: `tokens` + `tags`/`ner_tags` (strings or ClassLabel ids), or `text` + spans.

    A DatasetDict is read split by split; point at one split's folder to read only that split.
    """
    import datasets

    loaded = datasets.load_from_disk(str(path))
    parts = loaded.items() if isinstance(loaded, datasets.DatasetDict) else [("", loaded)]
    for split, dataset in parts:
        yield from _dataset_examples(dataset, path, f"{split} " if split else "")


def _dataset_examples(dataset: Any, path: Path, prefix: str) -> Iterator[Example]:
    columns = set(dataset.column_names)
    tag_column = next((c for c in TAG_COLUMNS if c in columns), None)
    if "tokens" in columns and tag_column:
        names = _class_names(dataset.features[tag_column])
        for index, row in enumerate(dataset):
            tags = [names[t] if names and isinstance(t, int) else t for t in row[tag_column]]
            yield _tagged_example(row["tokens"], tags, path, lambda k, i=index: f"{prefix}record {i}, token {k}")
    elif "text" in columns:
        for index, row in enumerate(dataset):
            yield _record_example(row, path, f"{prefix}record {index}")
    else:
        problem = f"expected columns tokens + tags or text + spans, got {sorted(columns)}"
        raise AnnotationError(path, prefix.strip() or "dataset", problem)


def _class_names(feature: Any) -> list[str] | None:
    """Tag names of a Sequence(ClassLabel) column, or None for string tags."""
    inner = getattr(feature, "feature", None)
    return list(inner.names) if hasattr(inner, "names") else None


READERS: dict[str, Callable[[Path], Iterator[Example]]] = {
    "columns": read_columns,
    "doccano": read_doccano,
    "label-studio": read_label_studio,
    "docbin": read_docbin,
    "datasets": read_datasets,
}
