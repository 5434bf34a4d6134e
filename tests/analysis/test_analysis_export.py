"""``python -m pipeline export``: one file per table, readable back with the same rows and types."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline import api
from pipeline.cli import app
from tests.analysis.analysis_runs import write_synthetic_run
from tests.conftest import read_jsonl

EXPORTED = ("events", "slots", "entities", "documents")


@pytest.fixture
def synthetic_run(tmp_path):
    return write_synthetic_run(tmp_path / "run")


def export(*args: str):
    return CliRunner().invoke(app, ["export", *args])


def test_parquet_export_writes_each_table_into_the_run_folder(synthetic_run):
    result = export("--run", str(synthetic_run), "--format", "parquet")
    assert result.exit_code == 0, result.output
    tables = api.load_run(synthetic_run)
    for name in EXPORTED:
        path = synthetic_run / f"{name}.parquet"
        assert str(path) in result.output
        frame = pd.read_parquet(path)
        pd.testing.assert_frame_equal(frame, tables.table(name))
    events = pd.read_parquet(synthetic_run / "events.parquet").set_index("event_id")
    assert events.loc["doc-a#1", "date"] == pd.Timestamp("2020-04-08")
    assert events.loc["doc-a#2", "value"] == 7_330_000.0


def test_csv_export_goes_to_the_output_folder(synthetic_run, tmp_path):
    target = tmp_path / "tables"
    result = export("--run", str(synthetic_run), "--format", "csv", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in target.iterdir()) == sorted(f"{name}.csv" for name in EXPORTED)
    assert not list(synthetic_run.glob("*.csv"))
    events = pd.read_csv(target / "events.csv", parse_dates=["date"]).set_index("event_id")
    assert len(events) == 2
    assert events.loc["doc-a#1", "date"] == pd.Timestamp("2020-04-08")
    assert events.loc["doc-a#2", "value"] == 7_330_000.0
    assert len(pd.read_csv(target / "slots.csv")) == 6


def test_export_of_a_missing_folder_fails_clearly(tmp_path):
    result = export("--run", str(tmp_path / "absent"))
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_export_of_a_folder_without_events_fails_clearly(tmp_path):
    result = export("--run", str(tmp_path))
    assert result.exit_code == 2
    assert "holds no events.jsonl" in result.output


def test_export_refuses_an_unknown_schema_version(synthetic_run):
    path = synthetic_run / "events.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    record["schema_version"] = "3.1"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = export("--run", str(synthetic_run))
    assert result.exit_code == 2
    assert "line 1: schema_version '3.1'" in result.output
    assert not list(synthetic_run.glob("*.parquet"))


def test_export_rejects_an_unknown_format(synthetic_run):
    result = export("--run", str(synthetic_run), "--format", "xlsx")
    assert result.exit_code == 2


def test_export_runs_as_a_module_command(synthetic_run):
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "export", "--run", str(synthetic_run), "--format", "csv"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (synthetic_run / "entities.csv").is_file()


def test_export_of_a_real_run_over_the_samples_matches_the_jsonl(tmp_path):
    out = tmp_path / "run"
    ran = subprocess.run([sys.executable, "-m", "pipeline", "run", "-o", str(out)], capture_output=True, text=True, timeout=600)
    assert ran.returncode == 0, ran.stderr
    result = export("--run", str(out), "--format", "parquet", "--output", str(tmp_path / "tables"))
    assert result.exit_code == 0, result.output
    events = read_jsonl(out / "events.jsonl")
    documents = read_jsonl(out / "documents.jsonl")
    expected = {
        "events": len(events),
        "slots": sum(len(values) for event in events for values in event["slots"].values()),
        "entities": sum(len(record["entities"]) for record in documents),
        "documents": len(documents),
    }
    assert {name: len(pd.read_parquet(tmp_path / "tables" / f"{name}.parquet")) for name in EXPORTED} == expected
