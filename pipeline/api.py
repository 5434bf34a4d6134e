"""The public Python API: run the pipeline from Python and load a run's output as tidy tables.

Researchers count, filter and plot in pandas and `datasets`, not in nested JSON. The loader turns
the records of shared/EVENTS.md into one table per unit of analysis (event, slot value, entity,
document) with real datetimes and numbers and the same columns and dtypes in every run, so code
written against today's run keeps working on tomorrow's. Output whose schema version it does not
know is refused rather than misread.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import __version__
from .records import SCHEMA_VERSION, document_record, event_records

if TYPE_CHECKING:
    import datasets

    from .config import Config
    from .document import Document
    from .stages import StageFailure

#: Schema versions of output records this loader reads; any other version is refused.
KNOWN_SCHEMA_VERSIONS = (SCHEMA_VERSION,)
#: The tables of a run, in the order they are exported.
TABLES = ("events", "slots", "entities", "documents")
EXPORT_FORMATS = ("parquet", "csv")
#: The slot roles of shared/EVENTS.md: always ``slot_<role>`` columns of the events table, so the
#: columns do not depend on which events a run found. Roles added by configuration follow, sorted.
SLOT_ROLES = (
    "name", "date", "organizer", "chair", "attendees", "location", "title", "issuer", "inspector",
    "target", "duration", "value", "metric", "region", "status", "task", "deadline", "responsible",
    "amount", "purpose", "payer", "recipient", "unit", "parent", "count",
)  # fmt: skip
#: Slots whose first QUANTITY is an event's numeric ``value``, in order of preference.
VALUE_ROLES = ("value", "amount", "count")

STRING = "string"
INT = "Int64"
FLOAT = "float64"
DATETIME = "datetime64[ns]"

SPAN_COLUMNS = {"text": STRING, "label": STRING, "start": INT, "end": INT, "raw_start": INT, "raw_end": INT}
NORM_COLUMNS = {
    "norm_text": STRING,
    "norm_value": FLOAT,
    "norm_min": FLOAT,
    "norm_max": FLOAT,
    "norm_unit": STRING,
    "norm_kind": STRING,
    "date_start": DATETIME,
    "date_end": DATETIME,
    "date_granularity": STRING,
    "date_relation": STRING,
    "norm": STRING,
}
EVENT_HEAD_COLUMNS = {
    "event_id": STRING,
    "doc_id": STRING,
    "type": STRING,
    "trigger": STRING,
    "trigger_start": INT,
    "trigger_end": INT,
    "trigger_raw_start": INT,
    "trigger_raw_end": INT,
    "sentence": STRING,
    "rule": STRING,
    "date": DATETIME,
    "date_end": DATETIME,
    "date_source": STRING,
    "value": FLOAT,
    "value_unit": STRING,
    "value_kind": STRING,
}
EVENT_TAIL_COLUMNS = {
    "doc_source": STRING,
    "doc_published": DATETIME,
    "doc_title": STRING,
    "doc_author": STRING,
    "pipeline_version": STRING,
    "ner_model": STRING,
}
SLOT_COLUMNS = {
    "event_id": STRING,
    "doc_id": STRING,
    "type": STRING,
    "role": STRING,
    "index": INT,
    **SPAN_COLUMNS,
    **NORM_COLUMNS,
}
ENTITY_COLUMNS = {"doc_id": STRING, "index": INT, **SPAN_COLUMNS, **NORM_COLUMNS}
DOCUMENT_COLUMNS = {
    "id": STRING,
    "source": STRING,
    "kind": STRING,
    "kind_reason": STRING,
    "script": STRING,
    "n_chars": INT,
    "n_sentences": INT,
    "n_edits": INT,
    "n_flags": INT,
    "n_entities": INT,
    "n_events": INT,
}


class RunFormatError(ValueError):
    """A run's output that this loader cannot read: unknown schema version or malformed line."""


# --- running -------------------------------------------------------------------------------------


@dataclass
class Processed:
    """Documents run through the stages in memory, with the records a run would have written."""

    documents: list[Document]
    failures: list[StageFailure]
    pipeline_info: dict[str, Any]

    def document_records(self) -> list[dict[str, Any]]:
        return [document_record(doc) for doc in self.documents]

    def event_records(self) -> list[dict[str, Any]]:
        return [record for doc in self.documents for record in event_records(doc, self.pipeline_info)]

    def tables(self) -> RunTables:
        """The same tidy tables :func:`load_run` gives for a run on disk."""
        return tables_from_records(self.event_records(), self.document_records())


def process_texts(
    texts: Iterable[str],
    ids: Sequence[str] | None = None,
    meta: Sequence[Mapping[str, Any]] | None = None,
    config: Config | str | Path | None = None,
    overrides: Sequence[str] = (),
) -> Processed:
    """Run the pipeline over texts held in memory, without writing files.

    ``ids`` default to ``text-<n>``; ``meta`` is one mapping per text (``source``, ``published``,
    ``title`` reach the events' ``doc`` block). Documents a stage failed on are left out of
    ``documents`` and listed in ``failures``.
    """
    from .document import Document
    from .runner import Runner

    if isinstance(texts, str):
        raise TypeError("process_texts expects a sequence of texts; wrap a single text in a list")
    texts = list(texts)
    width = len(str(max(len(texts) - 1, 0)))
    ids = _aligned(ids, texts, "ids") or [f"text-{number:0{width}d}" for number in range(len(texts))]
    if len(set(ids)) != len(ids):
        raise ValueError("ids must be unique: they become the documents' and events' ids")
    metas = _aligned(meta, texts, "meta") or [{} for _ in texts]
    docs = [
        Document(id=str(doc_id), raw_text=text, meta=dict(doc_meta), source=f"texts[{number}]")
        for number, (doc_id, text, doc_meta) in enumerate(zip(ids, texts, metas, strict=True))
    ]
    runner = Runner(resolve_config(config, overrides))
    failures = runner.process(docs)
    return Processed(documents=docs, failures=failures, pipeline_info=runner.pipeline_info)


def run(
    input: str | Path,
    output: str | Path,
    config: Config | str | Path | None = None,
    overrides: Sequence[str] = (),
    progress: bool = False,
) -> dict[str, Any]:
    """Run the pipeline over an input path into an output folder, as ``python -m pipeline run``; returns the manifest."""
    from .runner import Runner

    return Runner(resolve_config(config, overrides)).run(input, output, progress=progress)


def resolve_config(config: Config | str | Path | None, overrides: Sequence[str] = ()) -> Config:
    """A config object as given, or loaded from a file (the shipped default for None) with overrides."""
    from .config import Config, load_config

    if isinstance(config, Config):
        if overrides:
            raise ValueError("overrides apply to a config file: pass config as a path (or None for the default)")
        return config
    return load_config(config, list(overrides))


def _aligned(values: Sequence[Any] | None, texts: Sequence[str], name: str) -> list[Any] | None:
    if values is None:
        return None
    values = list(values)
    if len(values) != len(texts):
        raise ValueError(f"{name} has {len(values)} items for {len(texts)} texts")
    return values


# --- loading -------------------------------------------------------------------------------------


@dataclass
class RunTables:
    """A run's output as tidy pandas tables; see docs/analysis.md for every column."""

    events: pd.DataFrame
    slots: pd.DataFrame
    entities: pd.DataFrame
    documents: pd.DataFrame
    manifest: dict[str, Any] | None = None
    run_dir: Path | None = None

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, _check_table(name))

    def to_datasets(self) -> dict[str, datasets.Dataset]:
        """Each table as a ``datasets.Dataset`` (datetimes become timestamps, strings stay strings)."""
        return {name: _to_dataset(self.table(name)) for name in TABLES}

    def export(self, directory: str | Path, format: str = "parquet") -> list[Path]:
        """Write one file per table, named after it (``events.parquet``, ...); returns the paths."""
        if format not in EXPORT_FORMATS:
            raise ValueError(f"unknown export format {format!r}; use one of {', '.join(EXPORT_FORMATS)}")
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        return [_write_table(self.table(name), directory / f"{name}.{format}", format) for name in TABLES]


def load_run(run_dir: str | Path) -> RunTables:
    """Load the output folder of a run as tidy tables, refusing records of an unknown schema version."""
    run_dir = Path(run_dir)
    events_path = _events_path(run_dir)
    documents_path = run_dir / "documents.jsonl"
    documents = read_records(documents_path) if documents_path.is_file() else iter(())
    tables = tables_from_records(read_records(events_path), documents)
    tables.manifest = read_manifest(run_dir / "manifest.json")
    tables.run_dir = run_dir
    return tables


def load_run_dataset(run_dir: str | Path, table: str = "events") -> datasets.Dataset:
    """One table of a run as a ``datasets.Dataset``."""
    return _to_dataset(load_run(run_dir).table(_check_table(table)))


def _check_table(name: str) -> str:
    """The table name, checked before any loading so a typo fails fast."""
    if name not in TABLES:
        raise ValueError(f"unknown table {name!r}; the tables are {', '.join(TABLES)}")
    return name


def _events_path(run_dir: Path) -> Path:
    """The run's events.jsonl, or FileNotFoundError saying why a folder is not a finished run."""
    if not run_dir.is_dir():
        raise FileNotFoundError(f"run folder {run_dir} does not exist")
    path = run_dir / "events.jsonl"
    if path.is_file():
        return path
    if path.with_name("events.jsonl.partial").exists():
        raise FileNotFoundError(f"{run_dir} holds only events.jsonl.partial: the run did not finish")
    if path.with_name("manifest.json").is_file():
        raise FileNotFoundError(f"{run_dir} has a manifest but no events.jsonl: was the run made with write.events=false?")
    raise FileNotFoundError(f"{run_dir} holds no events.jsonl: not the output folder of a run")


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """The records of one JSONL output file, each checked for a schema version this loader knows."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise RunFormatError(f"{path}, line {number}: not valid JSON ({error.msg})") from None
            check_schema_version(record, path, number)
            yield record


def read_manifest(path: Path) -> dict[str, Any] | None:
    """The run's manifest, checked like the records; None when the run wrote none."""
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise RunFormatError(f"{path}: not valid JSON ({error.msg})") from None
    check_schema_version(manifest, path, None)
    return manifest


def check_schema_version(record: Any, path: Path, line: int | None) -> None:
    """Refuse a record whose ``schema_version`` this loader does not know, naming where it is."""
    version = record.get("schema_version") if isinstance(record, dict) else None
    if version in KNOWN_SCHEMA_VERSIONS:
        return
    where = f"{path}, line {line}" if line is not None else str(path)
    found = f"schema_version {version!r}" if version is not None else "no schema_version"
    raise RunFormatError(
        f"{where}: {found}; pipeline {__version__} reads schema versions {', '.join(KNOWN_SCHEMA_VERSIONS)}. "
        "Load this run with the pipeline version that wrote it, or run the pipeline again."
    )


# --- records to tables ---------------------------------------------------------------------------


def tables_from_records(events: Iterable[dict[str, Any]], documents: Iterable[dict[str, Any]]) -> RunTables:
    """Tidy tables from event and document records (as read from JSONL or made in memory)."""
    event_rows: list[dict[str, Any]] = []
    slot_rows: list[dict[str, Any]] = []
    for record in events:
        event_rows.append(event_row(record))
        slot_rows.extend(slot_rows_of(record))
    events_per_doc = Counter(row["doc_id"] for row in event_rows)
    document_rows: list[dict[str, Any]] = []
    entity_rows: list[dict[str, Any]] = []
    for record in documents:
        document_rows.append(document_row(record, events_per_doc[record.get("id")]))
        entity_rows.extend(entity_rows_of(record))
    return RunTables(
        events=_frame(event_rows, event_columns(event_rows)),
        slots=_frame(slot_rows, SLOT_COLUMNS),
        entities=_frame(entity_rows, ENTITY_COLUMNS),
        documents=_frame(document_rows, document_columns(document_rows)),
    )


def flatten_norm(norm: Any) -> dict[str, Any]:
    """A ``norm`` (of a slot value or an entity) as flat columns: name, number, unit, date range.

    The one place that reads norms, so slots and entities agree; the whole norm is kept as JSON.
    """
    row: dict[str, Any] = dict.fromkeys(NORM_COLUMNS)
    if norm is None:
        return row
    row["norm"] = json.dumps(norm, ensure_ascii=False)
    if isinstance(norm, str):
        row["norm_text"] = norm
    elif isinstance(norm, dict):
        row.update(
            norm_value=_number(norm.get("value")),
            norm_min=_number(norm.get("min")),
            norm_max=_number(norm.get("max")),
            norm_unit=norm.get("unit"),
            norm_kind=norm.get("kind"),
            date_start=_timestamp(norm.get("start")),
            date_end=_timestamp(norm.get("end")),
            date_granularity=norm.get("granularity"),
            date_relation=norm.get("relation"),
        )
    else:
        row["norm_value"] = _number(norm)
    return row


def span_columns(span: Mapping[str, Any]) -> dict[str, Any]:
    return {name: span.get(name) for name in SPAN_COLUMNS}


def event_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """One row of the events table: the event, its date and value, first slot texts, its document."""
    slots = record.get("slots") or {}
    trigger = record.get("trigger") or {}
    doc = record.get("doc") or {}
    date = flatten_norm(_first(slots.get("date")).get("norm"))
    value = _first_quantity(slots)
    row = {
        "event_id": record.get("event_id"),
        "doc_id": record.get("doc_id"),
        "type": record.get("type"),
        "trigger": trigger.get("text"),
        **{f"trigger_{name}": trigger.get(name) for name in ("start", "end", "raw_start", "raw_end")},
        "sentence": record.get("sentence"),
        "rule": record.get("rule"),
        "date": date["date_start"],
        "date_end": date["date_end"],
        "date_source": record.get("date_source"),
        "value": value["norm_value"],
        "value_unit": value["norm_unit"],
        "value_kind": value["norm_kind"],
        "doc_source": doc.get("source"),
        "doc_published": _timestamp(doc.get("published")),
        "doc_title": doc.get("title"),
        "doc_author": doc.get("author"),
        "pipeline_version": (record.get("pipeline") or {}).get("version"),
        "ner_model": (record.get("pipeline") or {}).get("ner_model"),
    }
    row.update({f"slot_{role}": _first(values).get("text") for role, values in slots.items()})
    return row


def slot_rows_of(record: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The long-form rows of an event's slots: one per slot value."""
    for role, values in (record.get("slots") or {}).items():
        for index, value in enumerate(values):
            yield {
                "event_id": record.get("event_id"),
                "doc_id": record.get("doc_id"),
                "type": record.get("type"),
                "role": role,
                "index": index,
                **span_columns(value),
                **flatten_norm(value.get("norm")),
            }


def entity_rows_of(record: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    for index, entity in enumerate(record.get("entities") or []):
        yield {"doc_id": record.get("id"), "index": index, **span_columns(entity), **flatten_norm(entity.get("norm"))}


def document_row(record: Mapping[str, Any], n_events: int) -> dict[str, Any]:
    """One row of the documents table; metadata as ``meta_<key>`` text columns."""
    row = {name: record.get(name) for name in ("id", "source", "kind", "kind_reason", "script")}
    row.update(
        n_chars=len(record.get("clean_text") or ""),
        n_sentences=len(record.get("sentences") or []),
        n_edits=len(record.get("edits") or []),
        n_flags=len(record.get("flags") or []),
        n_entities=len(record.get("entities") or []),
        n_events=n_events,
    )
    row.update({f"meta_{key}": _text(value) for key, value in (record.get("meta") or {}).items()})
    return row


def event_columns(rows: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """The events table's columns: fixed ones, a slot column per known role plus any other role seen."""
    seen = {name for row in rows for name in row if name.startswith("slot_")}
    extra = sorted(seen - {f"slot_{role}" for role in SLOT_ROLES})
    slot_names = [f"slot_{role}" for role in SLOT_ROLES] + extra
    return {**EVENT_HEAD_COLUMNS, **dict.fromkeys(slot_names, STRING), **EVENT_TAIL_COLUMNS}


def document_columns(rows: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    meta_names = sorted({name for row in rows for name in row if name.startswith("meta_")})
    return {**DOCUMENT_COLUMNS, **dict.fromkeys(meta_names, STRING)}


def _first(values: Sequence[Mapping[str, Any]] | None) -> Mapping[str, Any]:
    return values[0] if values else {}


def _first_quantity(slots: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, Any]:
    """The flattened norm of the first slot value with a number, looking at VALUE_ROLES in order."""
    for role in VALUE_ROLES:
        for value in slots.get(role) or []:
            flat = flatten_norm(value.get("norm"))
            if flat["norm_value"] is not None:
                return flat
    return flatten_norm(None)


def _number(value: Any) -> float | None:
    """A number as float; None for anything that is not one (booleans included)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _timestamp(value: Any) -> pd.Timestamp:
    """An ISO date or datetime as a naive Timestamp (local wall time kept); NaT when not one."""
    if not isinstance(value, str) or not value.strip():
        return pd.NaT
    try:
        stamp = pd.Timestamp(value)
        return stamp.tz_localize(None).as_unit("ns") if stamp.tzinfo else stamp.as_unit("ns")
    except (ValueError, OverflowError):
        return pd.NaT


def _text(value: Any) -> str | None:
    """Metadata as text: strings as they are, anything else as JSON, so a column has one type."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _frame(rows: list[dict[str, Any]], columns: Mapping[str, str]) -> pd.DataFrame:
    """A table with exactly these columns and dtypes, also when there are no rows."""
    return pd.DataFrame.from_records(rows, columns=list(columns)).astype(dict(columns))


def _to_dataset(frame: pd.DataFrame) -> datasets.Dataset:
    import datasets

    return datasets.Dataset.from_pandas(frame, preserve_index=False)


def _write_table(frame: pd.DataFrame, path: Path, format: str) -> Path:
    """Write through a temporary file so a table is never left half written."""
    partial = path.with_name(path.name + ".partial")
    if format == "parquet":
        frame.to_parquet(partial, index=False)
    else:
        frame.to_csv(partial, index=False)
    os.replace(partial, path)
    return path
