"""The tidy loader: row counts, dtypes, values, schema-version refusal, datasets, the in-memory API."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import pipeline
from pipeline import api
from pipeline.resources import SAMPLES_DIR
from tests.analysis.analysis_runs import (
    CLEAN_TEXT,
    ORG,
    T2S,
    document_records,
    event_records,
    write_synthetic_run,
)
from tests.conftest import read_jsonl, validator


@pytest.fixture
def synthetic_run(tmp_path):
    return write_synthetic_run(tmp_path / "run")


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    """The real pipeline over the bundled sample, through the API."""
    out = tmp_path_factory.mktemp("sample-run")
    manifest = pipeline.run(SAMPLES_DIR, out)
    return out, manifest


def slot_value_count(events: list[dict]) -> int:
    return sum(len(values) for event in events for values in event["slots"].values())


def test_the_synthetic_records_are_valid_output(synthetic_run):
    for name, schema in (("documents.jsonl", "document"), ("events.jsonl", "event")):
        check = validator(schema)
        for record in read_jsonl(synthetic_run / name):
            check.validate(record)


def test_row_counts_match_the_jsonl(synthetic_run):
    tables = api.load_run(synthetic_run)
    events = read_jsonl(synthetic_run / "events.jsonl")
    documents = read_jsonl(synthetic_run / "documents.jsonl")
    assert len(tables.events) == len(events) == 2
    assert len(tables.slots) == slot_value_count(events) == 6
    assert len(tables.entities) == sum(len(record["entities"]) for record in documents) == 3
    assert len(tables.documents) == len(documents) == 2


def test_event_date_and_value_are_real_datetimes_and_numbers(synthetic_run):
    events = api.load_run(synthetic_run).events.set_index("event_id")
    assert events["date"].dtype == "datetime64[ns]"
    assert events["value"].dtype == "float64"
    assert events.loc["doc-a#1", "date"] == pd.Timestamp("2020-04-08")
    assert events.loc["doc-a#1", "date_end"] == pd.Timestamp("2020-04-08")
    assert pd.isna(events.loc["doc-a#2", "date"])
    assert events.loc["doc-a#2", "value"] == 7_330_000.0
    assert events.loc["doc-a#2", "value_unit"] == "户"
    assert pd.isna(events.loc["doc-a#1", "value"])


def test_event_rows_carry_first_slot_texts_and_document_metadata(synthetic_run):
    events = api.load_run(synthetic_run).events.set_index("event_id")
    meeting = events.loc["doc-a#1"]
    assert meeting["slot_organizer"] == ORG
    assert meeting["slot_name"] == "会议"
    assert meeting["slot_venue_note"] == "党组"
    assert meeting["doc_source"] == "中国建设报"
    assert meeting["doc_published"] == pd.Timestamp("2020-04-09")
    assert pd.isna(events.loc["doc-a#2", "doc_published"])
    assert events["doc_published"].dtype == "datetime64[ns]"


def test_event_columns_are_the_known_ones_then_extra_roles_then_document(synthetic_run):
    columns = list(api.load_run(synthetic_run).events.columns)
    known = [f"slot_{role}" for role in api.SLOT_ROLES]
    assert columns[: len(api.EVENT_HEAD_COLUMNS)] == list(api.EVENT_HEAD_COLUMNS)
    slot_columns = [name for name in columns if name.startswith("slot_")]
    assert slot_columns == known + ["slot_venue_note"]
    assert columns[-len(api.EVENT_TAIL_COLUMNS) :] == list(api.EVENT_TAIL_COLUMNS)


def test_slots_and_entities_flatten_norms_alike(synthetic_run):
    tables = api.load_run(synthetic_run)
    quantity_slot = tables.slots.query("role == 'value'").iloc[0]
    quantity_entity = tables.entities.query("label == 'QUANTITY'").iloc[0]
    for row in (quantity_slot, quantity_entity):
        assert row["norm_value"] == 7_330_000.0
        assert (row["norm_unit"], row["norm_kind"]) == ("户", "count")
        assert json.loads(row["norm"])["qualifiers"] == ["累计"]
    date_entity = tables.entities.query("label == 'DATE'").iloc[0]
    assert date_entity["date_start"] == pd.Timestamp("2020-04-08")
    assert date_entity["date_granularity"] == "day"
    assert tables.entities.query("label == 'ORG'").iloc[0]["norm_text"] == ORG
    for frame in (tables.slots, tables.entities):
        assert frame["norm_value"].dtype == "float64"
        assert frame["date_start"].dtype == "datetime64[ns]"


def test_offsets_trace_back_to_the_raw_input(synthetic_run):
    tables = api.load_run(synthetic_run)
    raw_text = (synthetic_run / "doc-a.txt").read_text(encoding="utf-8")
    for row in pd.concat([tables.slots, tables.entities]).itertuples():
        assert CLEAN_TEXT[row.start : row.end] == row.text
        assert T2S.convert(raw_text[row.raw_start : row.raw_end]) == row.text


def test_documents_table_counts_and_metadata(synthetic_run):
    documents = api.load_run(synthetic_run).documents.set_index("id")
    assert documents.loc["doc-a", "n_entities"] == 3
    assert documents.loc["doc-a", "n_events"] == 2
    assert documents.loc["doc-b", "n_events"] == 0
    assert documents.loc["doc-a", "n_edits"] == 1
    assert json.loads(documents.loc["doc-a", "meta_tags"]) == ["housing", "poverty"]
    assert documents.loc["doc-b", "meta_published"] == "2020-04-13"
    assert pd.isna(documents.loc["doc-a", "meta_published"])


def test_an_empty_run_has_the_same_columns_and_dtypes(synthetic_run, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "events.jsonl").write_text("", encoding="utf-8")
    full, none = api.load_run(synthetic_run), api.load_run(empty)
    for name in ("slots", "entities"):
        assert none.table(name).empty
        assert none.table(name).dtypes.to_dict() == full.table(name).dtypes.to_dict()
    assert none.events.empty
    expected = full.events.drop(columns=["slot_venue_note"]).dtypes.to_dict()
    assert none.events.dtypes.to_dict() == expected
    assert list(none.documents.columns) == list(api.DOCUMENT_COLUMNS)


def test_an_unknown_schema_version_is_refused_naming_file_line_and_versions(synthetic_run):
    records = event_records()
    records[1]["schema_version"] = "9.9"
    path = synthetic_run / "events.jsonl"
    path.write_text("\n".join(json.dumps(record) for record in records) + "\n", encoding="utf-8")
    with pytest.raises(api.RunFormatError) as error:
        api.load_run(synthetic_run)
    message = str(error.value)
    assert str(path) in message and "line 2" in message and "'9.9'" in message
    assert "1.0" in message


def test_a_record_without_schema_version_is_refused(synthetic_run):
    records = document_records(synthetic_run / "doc-a.txt")
    del records[0]["schema_version"]
    (synthetic_run / "documents.jsonl").write_text(json.dumps(records[0]) + "\n", encoding="utf-8")
    with pytest.raises(api.RunFormatError, match=r"documents.jsonl, line 1: no schema_version"):
        api.load_run(synthetic_run)


def test_a_manifest_of_unknown_version_is_refused(synthetic_run):
    (synthetic_run / "manifest.json").write_text(json.dumps({"schema_version": "2.0"}), encoding="utf-8")
    with pytest.raises(api.RunFormatError, match=r"manifest.json: schema_version '2.0'"):
        api.load_run(synthetic_run)


def test_missing_or_unfinished_run_folders_are_explained(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        api.load_run(tmp_path / "absent")
    with pytest.raises(FileNotFoundError, match="holds no events.jsonl"):
        api.load_run(tmp_path)
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="write.events=false"):
        api.load_run(tmp_path)
    (tmp_path / "events.jsonl.partial").write_text("", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="did not finish"):
        api.load_run(tmp_path)


def test_tables_convert_to_datasets_with_typed_features(synthetic_run):
    datasets = api.load_run(synthetic_run).to_datasets()
    assert {name: len(dataset) for name, dataset in datasets.items()} == {"events": 2, "slots": 6, "entities": 3, "documents": 2}
    events = datasets["events"]
    assert events.features["date"].dtype.startswith("timestamp")
    assert events.features["value"].dtype == "float64"
    assert events.features["slot_organizer"].dtype in ("string", "large_string")
    assert api.load_run_dataset(synthetic_run, "slots").num_rows == 6
    with pytest.raises(ValueError, match="unknown table 'event'"):
        api.load_run_dataset(synthetic_run, "event")


def test_the_api_is_reexported_lazily_from_the_package():
    assert pipeline.load_run is api.load_run
    assert {"process_texts", "run", "load_run", "load_run_dataset"} <= set(dir(pipeline))
    with pytest.raises(AttributeError):
        pipeline.no_such_name  # noqa: B018


def test_real_run_over_the_samples_loads_with_matching_counts(sample_run):
    out, manifest = sample_run
    tables = api.load_run(out)
    events = read_jsonl(out / "events.jsonl")
    documents = read_jsonl(out / "documents.jsonl")
    assert len(tables.events) == len(events) == manifest["outputs"]["events.jsonl"]
    assert len(tables.slots) == slot_value_count(events)
    assert len(tables.entities) == sum(len(record["entities"]) for record in documents)
    assert len(tables.documents) == len(documents) == manifest["documents"]["processed"] == 5
    assert tables.documents["n_events"].sum() == len(events)
    assert tables.manifest["config_sha"] == manifest["config_sha"]


def test_real_run_spans_index_the_clean_text(sample_run):
    out, _ = sample_run
    tables = api.load_run(out)
    clean = {record["id"]: record["clean_text"] for record in read_jsonl(out / "documents.jsonl")}
    for row in pd.concat([tables.slots, tables.entities]).itertuples():
        assert clean[row.doc_id][row.start : row.end] == row.text


def test_process_texts_gives_the_records_and_tables_a_run_would_write(sample_run, sample_texts):
    out, _ = sample_run
    ids = sorted(sample_texts)
    processed = api.process_texts([sample_texts[doc_id] for doc_id in ids], ids=ids, meta=[{"encoding": "utf-8"}] * len(ids))
    assert processed.failures == []
    on_disk = {record["id"]: record for record in read_jsonl(out / "documents.jsonl")}
    for record in processed.document_records():
        assert record["entities"] == on_disk[record["id"]]["entities"]
        assert record["clean_text"] == on_disk[record["id"]]["clean_text"]
    assert len(processed.tables().events) == len(read_jsonl(out / "events.jsonl"))


def test_process_texts_checks_its_arguments():
    with pytest.raises(TypeError, match="wrap a single text"):
        api.process_texts("一段文字")
    with pytest.raises(ValueError, match="ids has 1 items for 2 texts"):
        api.process_texts(["甲", "乙"], ids=["a"])
    with pytest.raises(ValueError, match="ids must be unique"):
        api.process_texts(["甲", "乙"], ids=["a", "a"])
    with pytest.raises(ValueError, match="overrides apply to a config file"):
        api.resolve_config(api.resolve_config(None), ["events.enabled=false"])


def test_a_run_that_wrote_no_events_is_explained(tmp_path):
    manifest = pipeline.run(SAMPLES_DIR, tmp_path, overrides=["write.events=false"])
    assert "events.jsonl" not in manifest["outputs"]
    with pytest.raises(FileNotFoundError, match="write.events=false"):
        api.load_run(tmp_path)
