"""End-to-end and per-stage throughput and peak memory of `pipeline run` on a corpus built from the samples.

    python benchmarks/bench_pipeline.py --docs 500
    python benchmarks/bench_pipeline.py --docs 200 --set ner.enabled=false --json report.json

The corpus is the bundled sample documents copied round-robin into N files (so every stage does
real work on real text), written to a temporary folder and run like `python -m pipeline run`.
Throughput is characters of raw input per second of wall time; per stage it is the same characters
over the seconds that stage took. Peak memory is the process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from pipeline.config import load_config
from pipeline.resources import SAMPLES_DIR
from pipeline.runner import Runner


def build_corpus(directory: Path, count: int) -> int:
    """Copy the samples round-robin into ``count`` files; returns the total bytes."""
    samples = sorted(SAMPLES_DIR.glob("*.txt"))
    total = 0
    for index in range(count):
        source = samples[index % len(samples)]
        target = directory / f"{index:06d}_{source.name}"
        shutil.copyfile(source, target)
        total += target.stat().st_size
    return total


def report(manifest: dict, wall: float, corpus_bytes: int, setup: float) -> dict:
    characters = manifest["characters"]
    stages = manifest["timing"]["seconds_per_stage"]
    return {
        "documents": manifest["documents"],
        "characters": characters,
        "megabytes": round(corpus_bytes / 1e6, 3),
        "setup_s": round(setup, 2),
        "wall_s": round(wall, 2),
        "end_to_end_chars_per_s": round(characters / wall),
        "end_to_end_mb_per_s": round(corpus_bytes / 1e6 / wall, 3),
        "per_stage_chars_per_s": {name: round(characters / seconds) if seconds else None for name, seconds in stages.items()},
        "per_stage_s": stages,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "config_sha": manifest["config_sha"],
        "ner_model": manifest["pipeline"]["ner_model"],
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200, help="documents in the corpus (default 200)")
    parser.add_argument("--config", type=Path, default=None, help="config file (default: the shipped one)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--json", type=Path, default=None, help="also write the report to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temp:
        corpus = Path(temp) / "corpus"
        corpus.mkdir()
        corpus_bytes = build_corpus(corpus, args.docs)
        started = time.perf_counter()
        runner = Runner(load_config(args.config, args.overrides))
        setup = time.perf_counter() - started
        started = time.perf_counter()
        manifest = runner.run(corpus, Path(temp) / "out")
        result = report(manifest, time.perf_counter() - started, corpus_bytes, setup)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
