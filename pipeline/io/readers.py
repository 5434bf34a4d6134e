"""Input readers: one text file, a folder of files, JSONL (optionally gzipped), or a `datasets` dataset.

Every reader yields one :class:`InputItem` per input document, whether it could be read or not,
so the run's manifest can account for every document. A reader never raises for one bad
document; it yields that item as skipped (not a document we can process) or failed (an error).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ..config import ReadConfig
from .decoding import DecodingError, decode_bytes

DATASET_MARKERS = ("dataset_info.json", "state.json", "dataset_dict.json")


class InputError(ValueError):
    """The ``--input`` itself cannot be read (missing path, unknown kind)."""


@dataclass
class InputItem:
    """One input document: its text, or the reason it has none."""

    id: str
    source: str
    text: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    status: str = "ok"
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def read_file(path: Path, doc_id: str, config: ReadConfig) -> InputItem:
    """Read and decode one text file; never raises for the file's content."""
    item = InputItem(id=doc_id, source=str(path))
    try:
        size = path.stat().st_size
        if size > config.max_bytes:
            item.status, item.reason = "skipped", f"file of {size} bytes exceeds read.max_bytes={config.max_bytes}"
            return item
        decoded = decode_bytes(path.read_bytes(), config.encoding)
    except DecodingError as error:
        item.status, item.reason = "skipped", str(error)
        return item
    except OSError as error:
        item.status, item.reason = "failed", f"cannot read {path}: {error.strerror or error}"
        return item
    if not decoded.text.strip():
        item.status, item.reason = "skipped", "no text (only white space)"
        return item
    item.text = decoded.text
    item.meta = {"encoding": decoded.encoding}
    return item


def _record_item(record: Any, fallback_id: str, source: str, config: ReadConfig) -> InputItem:
    """An input item from one JSON record or dataset row."""
    if not isinstance(record, dict):
        return InputItem(fallback_id, source, status="failed", reason=f"record is a {type(record).__name__}, not an object")
    doc_id = str(record.get(config.id_field) or fallback_id)
    text = record.get(config.text_field)
    if not isinstance(text, str):
        reason = f"field {config.text_field!r} is missing" if text is None else f"field {config.text_field!r} is not a string"
        return InputItem(doc_id, source, status="failed", reason=reason)
    if not text.strip():
        return InputItem(doc_id, source, status="skipped", reason="no text (only white space)")
    keys = config.meta_fields if config.meta_fields is not None else record.keys()
    meta = {key: record[key] for key in keys if key in record and key not in (config.id_field, config.text_field)}
    return InputItem(doc_id, source, text=text, meta=meta)


def read_jsonl(path: Path, config: ReadConfig) -> Iterator[InputItem]:
    """One item per line of a ``.jsonl`` or ``.jsonl.gz`` file; blank lines are ignored."""
    opener = gzip.open if path.name.endswith(".gz") else open
    stem = path.name.split(".")[0]
    try:
        with opener(path, "rt", encoding="utf-8", errors="strict") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield _jsonl_line(line, f"{stem}:{number}", f"{path}:{number}", config)
    except (OSError, UnicodeDecodeError, EOFError) as error:
        yield InputItem(f"{stem}:unreadable", str(path), status="failed", reason=f"cannot read {path} to the end: {error}")


def _jsonl_line(line: str, fallback_id: str, source: str, config: ReadConfig) -> InputItem:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return InputItem(fallback_id, source, status="failed", reason=f"invalid JSON: {error.msg} at column {error.colno}")
    return _record_item(record, fallback_id, source, config)


def read_dataset(path: Path, config: ReadConfig) -> Iterator[InputItem]:
    """Rows of a dataset saved with ``save_to_disk``, or of parquet files, read through `datasets`."""
    import datasets

    if path.suffix == ".parquet":
        dataset = datasets.Dataset.from_parquet(str(path))
    else:
        dataset = datasets.load_from_disk(str(path))
        if isinstance(dataset, datasets.DatasetDict):
            for split, part in dataset.items():
                yield from _dataset_rows(part, f"{path.name}/{split}", f"{path}[{split}]", config)
            return
    yield from _dataset_rows(dataset, path.stem, str(path), config)


def _dataset_rows(dataset: Any, prefix: str, source: str, config: ReadConfig) -> Iterator[InputItem]:
    for number, row in enumerate(dataset):
        yield _record_item(row, f"{prefix}:{number}", f"{source}:{number}", config)


def is_saved_dataset(path: Path) -> bool:
    return path.is_dir() and any((path / marker).exists() for marker in DATASET_MARKERS)


def _is_jsonl(path: Path) -> bool:
    return path.name.endswith((".jsonl", ".jsonl.gz"))


def _doc_id(path: Path, root: Path) -> str:
    relative = path.relative_to(root)
    name = relative.name
    for suffix in (".jsonl.gz", ".txt.gz"):
        if name.endswith(suffix):
            return str(relative.with_name(name[: -len(suffix)]))
    return str(relative.with_suffix(""))


def read_directory(root: Path, config: ReadConfig) -> Iterator[InputItem]:
    """Every file under ``root`` that matches ``read.glob``, in sorted order; hidden files are ignored."""
    paths = sorted(path for path in root.glob(config.glob) if path.is_file() and not _hidden(path, root))
    for path in paths:
        yield from read_path(path, config, root)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def read_path(path: Path, config: ReadConfig, root: Path | None = None) -> Iterator[InputItem]:
    """Items from a file of any supported kind; ids are relative to ``root`` (the file's folder)."""
    if _is_jsonl(path):
        yield from read_jsonl(path, config)
    elif path.suffix == ".parquet":
        yield from read_dataset(path, config)
    else:
        yield read_file(path, _doc_id(path, root or path.parent), config)


def read_input(path: str | Path, config: ReadConfig) -> Iterator[InputItem]:
    """Items from ``--input``: a file, a folder, a JSONL file or a saved `datasets` dataset."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"input {path} does not exist")
    if is_saved_dataset(path):
        return read_dataset(path, config)
    if path.is_dir():
        return read_directory(path, config)
    return read_path(path, config)
