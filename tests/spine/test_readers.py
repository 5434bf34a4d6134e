"""Every input kind is read, and every input document is accounted for, readable or not."""

from __future__ import annotations

import gzip
import json

import datasets
import opencc
import pytest

from pipeline.config import ReadConfig
from pipeline.io.readers import InputError, read_input

TEXT = "住房和城乡建设部召开脱贫攻坚农村危房改造部署会。"


@pytest.fixture()
def mixed_dir(tmp_path):
    root = tmp_path / "crawl"
    (root / "sub").mkdir(parents=True)
    (root / "utf8.txt").write_text(TEXT, encoding="utf-8")
    (root / "sub" / "gbk.txt").write_bytes(TEXT.encode("gbk"))
    (root / "big5.txt").write_bytes(opencc.OpenCC("s2t").convert(TEXT).encode("big5"))
    (root / "empty.txt").write_bytes(b"")
    (root / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (root / ".hidden.txt").write_text("ignored", encoding="utf-8")
    return root


def test_directory_items_have_ids_statuses_and_reasons(mixed_dir):
    items = {item.id: item for item in read_input(mixed_dir, ReadConfig())}
    assert set(items) == {"utf8", "sub/gbk", "big5", "empty", "image"}
    assert items["utf8"].text == TEXT and items["sub/gbk"].text == TEXT
    assert items["big5"].text == opencc.OpenCC("s2t").convert(TEXT)
    assert items["sub/gbk"].meta["encoding"] == "gb18030"
    assert (items["empty"].status, items["empty"].reason) == ("skipped", "empty file")
    assert items["image"].status == "skipped" and items["image"].reason


def test_glob_selects_files(mixed_dir):
    items = list(read_input(mixed_dir, ReadConfig(glob="*.txt")))
    assert sorted(item.id for item in items) == ["big5", "empty", "utf8"]


def test_jsonl_with_fields_and_bad_lines(tmp_path):
    path = tmp_path / "batch.jsonl.gz"
    lines = [
        json.dumps({"doc": "a", "body": TEXT, "url": "http://x/1", "site": "gov"}, ensure_ascii=False),
        "{not json",
        json.dumps({"doc": "c", "url": "http://x/3"}),
        "",
        json.dumps({"body": TEXT}, ensure_ascii=False),
    ]
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    config = ReadConfig(id_field="doc", text_field="body", meta_fields=["url"])
    items = list(read_input(path, config))
    assert [item.status for item in items] == ["ok", "failed", "failed", "ok"]
    assert items[0].id == "a" and items[0].meta == {"url": "http://x/1"}
    assert "invalid JSON" in items[1].reason and items[1].source.endswith("batch.jsonl.gz:2")
    assert "'body' is missing" in items[2].reason
    assert items[3].id == "batch:5"


def test_saved_dataset_and_parquet(tmp_path):
    dataset = datasets.Dataset.from_dict({"id": ["x", "y"], "text": [TEXT, "  "], "province": ["河南", "湖南"]})
    dataset.save_to_disk(str(tmp_path / "saved"))
    dataset.to_parquet(str(tmp_path / "rows.parquet"))
    for path in (tmp_path / "saved", tmp_path / "rows.parquet"):
        items = list(read_input(path, ReadConfig()))
        assert [(item.id, item.status) for item in items] == [("x", "ok"), ("y", "skipped")]
        assert items[0].meta == {"province": "河南"}


def test_missing_input_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_input(tmp_path / "nope", ReadConfig())


def test_oversized_and_unreadable_files(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    big.write_text(TEXT * 10, encoding="utf-8")
    [item] = read_input(big, ReadConfig(max_bytes=100))
    assert item.status == "skipped" and "max_bytes" in item.reason

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(type(big), "read_bytes", refuse)
    [item] = read_input(big, ReadConfig())
    assert item.status == "failed" and item.reason == f"cannot read {big}: Permission denied"
