"""The run: read inputs, pass documents through the stages in batches, write outputs and a manifest.

Every input document ends in exactly one of three states, all counted in the manifest: processed
(written to documents.jsonl), skipped (not a processable document, with the reason) or failed (an
error in reading or in a stage, also in errors.jsonl). Outputs are committed only at the end.
"""

from __future__ import annotations

import logging
import multiprocessing
import platform
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from importlib import metadata
from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator

from tqdm import tqdm

from . import __version__
from .config import Config
from .document import Document
from .io.readers import InputItem, read_input
from .io.writers import AtomicJsonlWriter, write_json_atomic
from .records import SCHEMA_VERSION, document_record, event_records
from .stages import Stage, StageFailure, build_stages

log = logging.getLogger(__name__)

OUTPUT_FILES = ("documents.jsonl", "events.jsonl", "errors.jsonl")
REPORTED_PACKAGES = ("spacy", "opencc", "torch", "datasets", "charset-normalizer", "cn2an", "hanlp")


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version(), "pipeline": __version__}
    for name in REPORTED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


@dataclass
class RunStats:
    """Counts and timings gathered while running, turned into the manifest at the end."""

    input: int = 0
    processed: int = 0
    characters: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def counts(self) -> dict[str, int]:
        return {"input": self.input, "processed": self.processed, "skipped": len(self.skipped), "failed": len(self.failed)}


class Outputs:
    """The run's output files, written through ``.partial`` files and committed together."""

    def __init__(self, directory: Path, config: Config):
        directory.mkdir(parents=True, exist_ok=True)
        wanted = {
            "documents.jsonl": config.write.enabled and config.write.documents,
            "events.jsonl": config.write.enabled and config.write.events,
            "errors.jsonl": True,
        }
        self.writers = {name: AtomicJsonlWriter(directory / name) for name in OUTPUT_FILES if wanted[name]}

    def write(self, name: str, record: dict[str, Any]) -> None:
        writer = self.writers.get(name)
        if writer is not None:
            writer.write(record)

    def commit(self) -> dict[str, int]:
        for writer in self.writers.values():
            writer.commit()
        return {name: writer.count for name, writer in self.writers.items()}

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()


@dataclass
class BatchResult:
    """What one batch produced: output records, accounting and stage timings (picklable for workers)."""

    documents: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    characters: int = 0


class Runner:
    """Builds the stages once from a config and runs them over any number of inputs.

    The stages (and so the models) are built on first use: a run with workers builds them only
    in the worker processes and takes their descriptions for the manifest from one worker.
    """

    def __init__(self, config: Config):
        self.config = config
        self.config_sha = config.sha()

    @cached_property
    def stages(self) -> list[Stage]:
        return build_stages(self.config)

    @cached_property
    def stage_descriptions(self) -> dict[str, dict[str, Any]]:
        return {stage.name: stage.describe() for stage in self.stages}

    @cached_property
    def pipeline_info(self) -> dict[str, Any]:
        """Written into every event record: package version, NER model, config hash."""
        ner_model = self.stage_descriptions.get("ner", {}).get("model")
        return {"version": __version__, "ner_model": ner_model, "config_sha": self.config_sha}

    def process(self, docs: list[Document], seconds: dict[str, float] | None = None) -> list[StageFailure]:
        """Run the stages over a batch in place; failed documents leave the batch."""
        failures: list[StageFailure] = []
        for stage in self.stages:
            started = time.perf_counter()
            stage_failures = stage.process_batch(docs)
            if seconds is not None:
                seconds[stage.name] += time.perf_counter() - started
            if stage_failures:
                failed_ids = {id(failure.doc) for failure in stage_failures}
                docs[:] = [doc for doc in docs if id(doc) not in failed_ids]
                failures.extend(stage_failures)
        return failures

    def process_items(self, batch: list[InputItem]) -> BatchResult:
        """Turn a batch of input items into output records; never raises for one document."""
        result = BatchResult()
        docs = []
        for item in batch:
            if item.ok:
                docs.append(Document(id=item.id, raw_text=item.text or "", meta=item.meta, source=item.source))
            elif item.status == "skipped":
                result.skipped.append({"id": item.id, "source": item.source, "reason": item.reason})
            else:
                result.failed.append(_failure(item.id, item.source, "read", item.reason or "unreadable"))
        for failure in self.process(docs, result.seconds):
            result.failed.append(_failure(failure.doc.id, failure.doc.source, failure.stage, failure.error))
        started = time.perf_counter()
        for doc in docs:
            result.characters += len(doc.raw_text)
            result.documents.append(document_record(doc))
            result.events.extend(event_records(doc, self.pipeline_info))
        result.seconds["write"] += time.perf_counter() - started
        return result

    def run(
        self, input_path: str | Path, output_dir: str | Path, progress: bool = False, workers: int = 1
    ) -> dict[str, Any]:
        """Process every document of ``input_path`` into ``output_dir``; returns the manifest.

        With ``workers`` > 1 batches are processed in that many processes (each builds its own
        stages); outputs keep the input order.
        """
        output_dir = Path(output_dir)
        items = read_input(input_path, self.config.read)
        stats = RunStats()
        started_at = datetime.now(timezone.utc)
        started = time.perf_counter()
        outputs = Outputs(output_dir, self.config)
        try:
            with tqdm(unit="doc", disable=not progress, desc="documents", dynamic_ncols=True) as bar:
                for size, result in self._results(_batches(items, self.config.run.batch_size, stats), workers):
                    stats.input += size
                    self._record(result, stats, outputs)
                    bar.update(size)
                    elapsed = max(time.perf_counter() - started, 1e-9)
                    bar.set_postfix_str(f"{stats.characters / elapsed:,.0f} chars/s", refresh=False)
            line_counts = outputs.commit()
        except BaseException:
            outputs.close()
            raise
        manifest = self._manifest(input_path, output_dir, stats, started_at, time.perf_counter() - started, line_counts)
        manifest["workers"] = workers
        write_json_atomic(output_dir / "manifest.json", manifest)
        return manifest

    def _results(self, batches: Iterator[list[InputItem]], workers: int) -> Iterator[tuple[int, BatchResult]]:
        if workers <= 1:
            for batch in batches:
                yield len(batch), self.process_items(batch)
            return
        context = multiprocessing.get_context("spawn")
        with context.Pool(workers, initializer=_init_worker, initargs=(self.config,)) as pool:
            self.stage_descriptions, self.pipeline_info = pool.apply(_describe_in_worker)
            sized = ((len(batch), batch) for batch in batches)
            yield from pool.imap(_process_in_worker, sized)

    @staticmethod
    def _record(result: BatchResult, stats: RunStats, outputs: Outputs) -> None:
        started = time.perf_counter()
        for record in result.documents:
            outputs.write("documents.jsonl", record)
        for record in result.events:
            outputs.write("events.jsonl", record)
        for entry in result.failed:
            log.warning("%s (%s): %s failed: %s", entry["doc_id"], entry["source"], entry["stage"], entry["error"])
            outputs.write("errors.jsonl", entry)
        stats.processed += len(result.documents)
        stats.characters += result.characters
        stats.skipped.extend(result.skipped)
        stats.failed.extend(result.failed)
        for name, seconds in result.seconds.items():
            stats.seconds[name] += seconds
        stats.seconds["write"] += time.perf_counter() - started

    def _manifest(
        self,
        input_path: str | Path,
        output_dir: Path,
        stats: RunStats,
        started_at: datetime,
        elapsed: float,
        line_counts: dict[str, int],
    ) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "pipeline": self.pipeline_info,
            "started": started_at.isoformat(timespec="seconds"),
            "elapsed_s": round(elapsed, 3),
            "input": str(input_path),
            "output": str(output_dir),
            "command": sys.argv,
            "versions": package_versions(),
            "config": self.config.to_dict(),
            "config_sha": self.config_sha,
            "rule_files": {stage: str(path) for stage, path in self.config.rule_files().items()},
            "stages": self.stage_descriptions,
            "documents": stats.counts(),
            "characters": stats.characters,
            "timing": {
                "seconds_per_stage": {name: round(value, 4) for name, value in stats.seconds.items()},
                "documents_per_s": round(stats.processed / elapsed, 2) if elapsed else None,
                "characters_per_s": round(stats.characters / elapsed, 1) if elapsed else None,
            },
            "outputs": line_counts,
            "skipped": stats.skipped,
            "failed": stats.failed,
        }


def _failure(doc_id: str, source: str, stage: str, error: str) -> dict[str, Any]:
    return {"doc_id": doc_id, "source": source, "stage": stage, "error": error}


_worker_runner: Runner | None = None


def _init_worker(config: Config) -> None:
    """Build the stages once per worker process; one thread each, as the workers share the cores."""
    global _worker_runner
    import torch

    torch.set_num_threads(1)
    _worker_runner = Runner(config)


def _describe_in_worker() -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    assert _worker_runner is not None, "worker not initialised"
    return _worker_runner.stage_descriptions, _worker_runner.pipeline_info


def _process_in_worker(sized: tuple[int, list[InputItem]]) -> tuple[int, BatchResult]:
    size, batch = sized
    assert _worker_runner is not None, "worker not initialised"
    return size, _worker_runner.process_items(batch)


def _batches(items: Iterable[InputItem], size: int, stats: RunStats) -> Iterator[list[InputItem]]:
    """Batches of input items; the time spent reading is charged to the ``read`` stage."""
    iterator = iter(items)
    while True:
        started = time.perf_counter()
        batch = list(islice(iterator, size))
        stats.seconds["read"] += time.perf_counter() - started
        if not batch:
            return
        yield batch
