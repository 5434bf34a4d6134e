"""The event scorer: text matching, event matching, counts, the gold loader and the command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import ConfigError
from pipeline.evaluation.events import GoldDocument, GoldEvent, load_gold, score, text_matches

GOLD_DIR = Path(__file__).parent / "gold"


def value(text: str, **extra) -> dict:
    return {"text": text, "start": 0, "end": len(text), "raw_start": 0, "raw_end": len(text), **extra}


def predicted(event_type: str, sentence: str, **slots) -> dict:
    return {
        "type": event_type,
        "sentence": sentence,
        "slots": {role: [value(t) for t in texts] for role, texts in slots.items()},
    }


@pytest.mark.parametrize(
    ("gold", "prediction", "expected"),
    [
        ("《工作方案》", "工作方案", True),
        ("住房和城乡建设部", "住房和城乡建设部党组", True),
        ("农村贫困人口", "农村贫困人口脱贫", True),
        ("会议", "决战决胜脱贫攻坚农村危房改造部署会议", False),
        ("4月8日", "4月10日", False),
        ("", "会议", False),
    ],
)
def test_text_matching(gold, prediction, expected):
    assert text_matches(gold, prediction) is expected


def test_counts_per_type_and_role():
    gold = GoldDocument(
        "d",
        Path("d.txt"),
        events=[
            GoldEvent("meeting", "召开推进会", {"name": ["推进会"], "date": ["5月6日"]}),
            GoldEvent("statistic", "386户", {"value": ["386户"], "metric": ["脱贫"]}),
        ],
    )
    events = [
        predicted("meeting", "5月6日，县委召开推进会。", name=["推进会"], date=["5月7日"], organizer=["县委"]),
        predicted("meeting", "县委召开常委会。", name=["常委会"]),
    ]
    scores = score([gold], {"d": events}).to_dict()
    meeting = scores["events"]["by_type"]["meeting"]
    assert (meeting["tp"], meeting["fp"], meeting["fn"]) == (1, 1, 0)
    assert scores["events"]["by_type"]["statistic"]["fn"] == 1
    roles = scores["slots"]["by_type_role"]
    assert (roles["meeting"]["name"]["tp"], roles["meeting"]["name"]["fp"]) == (1, 1)
    assert (roles["meeting"]["date"]["tp"], roles["meeting"]["date"]["fp"], roles["meeting"]["date"]["fn"]) == (0, 1, 1)
    assert roles["meeting"]["organizer"]["fp"] == 1
    assert roles["statistic"]["value"]["fn"] == 1
    assert scores["slots"]["overall"]["tp"] == 1


def test_partial_gold_counts_no_false_positives():
    gold = GoldDocument(
        "d", Path("d.txt"), complete=False, events=[GoldEvent("meeting", "召开推进会", {"name": ["推进会"]})]
    )
    events = [
        predicted("meeting", "县委召开推进会。", name=["推进会"]),
        predicted("meeting", "县委召开常委会。", name=["常委会"]),
    ]
    scores = score([gold], {"d": events}).to_dict()
    assert scores["events"]["overall"]["fp"] == 0 and scores["events"]["overall"]["tp"] == 1


def test_gold_complete_for_listed_types_counts_their_false_positives_only():
    gold = GoldDocument("d", Path("d.txt"), complete=frozenset({"meeting"}))
    events = [predicted("meeting", "县委召开常委会。", name=["常委会"]), predicted("statistic", "完成385个村出列。")]
    detection = score([gold], {"d": events}).to_dict()["events"]
    assert detection["by_type"]["meeting"]["fp"] == 1 and detection["overall"]["fp"] == 1


def test_gold_completeness_is_a_bool_or_a_list_of_types(tmp_path):
    (tmp_path / "d.txt").write_text("县委召开常委会。", encoding="utf-8")
    (tmp_path / "gold.yaml").write_text("documents:\n  - file: d.txt\n    complete: [meeting]\n", encoding="utf-8")
    assert load_gold(tmp_path)[0].complete == frozenset({"meeting"})
    (tmp_path / "gold.yaml").write_text("documents:\n  - file: d.txt\n    complete: meeting\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="complete. must be true, false or a list"):
        load_gold(tmp_path)


def test_one_to_one_by_agreement_within_a_sentence():
    sentence = "完成39.8万人脱贫、385个村出列。"
    gold = GoldDocument(
        "d",
        Path("d.txt"),
        events=[
            GoldEvent("statistic", "39.8万", {"value": ["39.8万"]}),
            GoldEvent("statistic", "39.8万", {"value": ["385个"]}),
        ],
    )
    events = [predicted("statistic", sentence, value=["385个"]), predicted("statistic", sentence, value=["39.8万"])]
    assert score([gold], {"d": events}).to_dict()["slots"]["overall"]["tp"] == 2


def test_gold_files_load_and_refer_to_existing_texts():
    documents = load_gold(GOLD_DIR)
    team = [document for document in documents if "samples" not in str(document.path)]
    assert len(team) >= 25
    assert sum(len(document.events) for document in documents) >= 60
    assert {"meeting", "document_issued", "inspection", "statistic", "target", "funding", "organization_formed"} <= {
        event.type for document in documents for event in document.events
    }


def test_bad_gold_is_reported(tmp_path):
    (tmp_path / "gold.yaml").write_text("documents:\n  - file: missing.txt\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="missing.txt not found"):
        load_gold(tmp_path)


def test_command_scores_a_gold_folder(tmp_path):
    (tmp_path / "a.txt").write_text("5月6日，县委召开脱贫攻坚推进会。\n", encoding="utf-8")
    (tmp_path / "gold.yaml").write_text(
        "documents:\n  - file: a.txt\n    events:\n      - {type: meeting, anchor: 召开, slots: {name: 脱贫攻坚推进会}}\n",
        encoding="utf-8",
    )
    overrides = ["--set", "clean.enabled=false", "--set", "convert.enabled=false", "--set", "ner.enabled=false"]
    result = CliRunner().invoke(app, ["evaluate", "events", "--gold", str(tmp_path), *overrides, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["scores"]["events"]["overall"]["f1"] == 1.0
    assert report["scores"]["slots"]["by_type_role"]["meeting"]["name"]["tp"] == 1
    text = CliRunner().invoke(app, ["evaluate", "events", "--gold", str(tmp_path), *overrides])
    assert "event detection" in text.output and "meeting.name" in text.output
