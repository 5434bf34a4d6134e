"""Output files that never look complete unless the run completed.

Each output is written to ``<name>.partial`` and renamed into place only when the run ends; a run
that crashes leaves ``.partial`` files and no manifest, never a complete-looking partial file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any


def dumps(record: Any) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


class AtomicJsonlWriter:
    """Writes JSON lines to ``path.partial``; :meth:`commit` moves the file to ``path``."""

    def __init__(self, path: Path):
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        self.count = 0
        self._handle: IO[str] | None = self.partial.open("w", encoding="utf-8")

    def write(self, record: Any) -> None:
        assert self._handle is not None, f"{self.path} is already committed"
        self._handle.write(dumps(record))
        self._handle.write("\n")
        self.count += 1

    def commit(self) -> None:
        assert self._handle is not None, f"{self.path} is already committed"
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        self._handle = None
        os.replace(self.partial, self.path)

    def close(self) -> None:
        """Close without committing (the ``.partial`` file stays, as evidence of the failed run)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def write_json_atomic(path: Path, data: Any) -> None:
    """Write one JSON document through a temporary file and a rename."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)
