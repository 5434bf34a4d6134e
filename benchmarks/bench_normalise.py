"""Throughput of cleaning + script conversion, in MB of UTF-8 input text per second per core.

The corpus is the bundled samples repeated to the requested size (each copy a separate document,
as in a real run). CPU time of this process is reported next to wall time, so the figure is per
core even on a busy machine.

    .venv/bin/python benchmarks/bench_normalise.py --mb 4
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from pipeline.config import load_config
from pipeline.document import Document
from pipeline.resources import SAMPLES_DIR
from pipeline.stages.clean import CleanStage
from pipeline.stages.convert import ConvertStage


def build_corpus(megabytes: float) -> list[str]:
    """The samples repeated until the corpus holds ``megabytes`` of UTF-8 text."""
    samples = [path.read_text(encoding="utf-8") for path in sorted(Path(SAMPLES_DIR).glob("*.txt"))]
    corpus: list[str] = []
    size = 0
    while size < megabytes * 1_000_000:
        sample = samples[len(corpus) % len(samples)]
        corpus.append(sample)
        size += len(sample.encode("utf-8"))
    return corpus


def run(megabytes: float, overrides: list[str]) -> dict[str, float]:
    config = load_config(overrides=overrides)
    stages = [CleanStage(config), ConvertStage(config)]
    corpus = build_corpus(megabytes)
    size = sum(len(text.encode("utf-8")) for text in corpus) / 1_000_000
    warm = Document(id="warm", raw_text=corpus[0])
    for stage in stages:
        stage.process(warm)
    docs = [Document(id=str(number), raw_text=text) for number, text in enumerate(corpus)]
    result: dict[str, float] = {"megabytes": round(size, 2), "documents": len(docs)}
    cpu_total = wall_total = 0.0
    for stage in stages:
        cpu, wall = time.process_time(), time.perf_counter()
        for doc in docs:
            stage.process(doc)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        cpu_total, wall_total = cpu_total + cpu, wall_total + wall
        result[f"{stage.name}_mb_per_s_cpu"] = round(size / cpu, 2)
    result["total_mb_per_s_cpu"] = round(size / cpu_total, 2)
    result["total_mb_per_s_wall"] = round(size / wall_total, 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=4.0, help="corpus size in MB of UTF-8 text")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    result = run(args.mb, args.overrides)
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:<24} {value}")


if __name__ == "__main__":
    main()
