"""Training runs read back: their dev evaluations, compared at equal steps.

The reading rules of docs/ner-engine.md K and L judge a recipe by its story-dev scores at the same
steps as earlier runs' (PDLAC, S8), not by one best checkpoint, whose ORG F1 moves more than a
point with the seed. `benchmarks/ner_equal_steps.py` prints the comparison.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from statistics import mean

EVALUATION = re.compile(r'\{"step".*?\}')


def evaluations(path: str | Path) -> dict[int, dict]:
    """Step -> evaluation entry, from a training log JSON or a training run's stdout."""
    text = Path(path).read_text(encoding="utf-8")
    if text.lstrip().startswith("{") and '"history"' in text:
        entries = json.loads(text)["history"]
    else:
        entries = [json.loads(line) for line in EVALUATION.findall(text)]
    return {entry["step"]: entry for entry in entries}


def raw_weights(run: dict[int, dict]) -> dict[int, dict]:
    """A weight-averaged run's raw-weight scores (`raw_dev_f1`, ...) under the usual keys, to compare with."""
    return {step: {k.removeprefix("raw_"): v for k, v in e.items() if k.startswith("raw_")} for step, e in run.items()}


def leads(run: dict[int, dict], partners: list[dict[int, dict]], key: str, from_step: int) -> list[tuple[int, float, float, float]]:
    """(step, run score, partners' mean, partners' max) in points, at steps every partner has."""
    rows = []
    for step in sorted(run):
        if step >= from_step and all(step in p for p in partners):
            others = [100 * p[step][key] for p in partners]
            rows.append((step, 100 * run[step][key], mean(others), max(others)))
    return rows


def summary(rows: list[tuple[int, float, float, float]]) -> dict:
    """Mean lead over the partners' mean, and at how many steps the run is above all of them."""
    if not rows:
        return {"evaluations": 0}
    diffs = [score - avg for _, score, avg, _ in rows]
    return {
        "evaluations": len(rows),
        "mean_lead": round(mean(diffs), 2),
        "min_lead": round(min(diffs), 2),
        "max_lead": round(max(diffs), 2),
        "above_all": sum(score > top for _, score, _, top in rows),
        "last_step": rows[-1][0],
    }
