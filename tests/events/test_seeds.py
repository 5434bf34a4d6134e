"""End to end on the bundled seeds: the events issue #5 names, through every stage as it stands.

Runs with the statistical NER model when models/zh_msra_ner exists, else with the NER stage's
rule-based DATE/QUANTITY/ORG only; checks needing people's names skip without the model.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.document import Document
from pipeline.evaluation.events import load_gold, score
from pipeline.io.readers import read_file
from pipeline.resources import SAMPLES_DIR
from pipeline.runner import Runner


@pytest.fixture(scope="module")
def seeds() -> dict[str, list[dict]]:
    """Events per seed, keyed by the seed's number (000 ... 004)."""
    config = load_config()
    docs = []
    for path in sorted(SAMPLES_DIR.glob("*.txt")):
        item = read_file(path, path.stem, config.read)
        docs.append(Document(id=path.stem, raw_text=item.text, meta=item.meta, source=str(path)))
    failures = Runner(config).process(docs)
    assert not failures, [(failure.stage, failure.error) for failure in failures]
    return {doc.id[:3]: doc.events for doc in docs}


def texts(event: dict, role: str) -> list[str]:
    return [value["text"] for value in event["slots"].get(role, [])]


def of_type(events: list[dict], event_type: str) -> list[dict]:
    return [event for event in events if event["type"] == event_type]


@pytest.mark.parametrize(
    ("date", "organizer"),
    [
        ("4月8日", "住房和城乡建设部党组"),
        ("4月10日", "住房和城乡建设部"),
        ("4月16日", "住房和城乡建设部"),
        ("4月29日", "住房和城乡建设部"),
    ],
)
def test_seed_000_meetings_with_date_and_organiser(seeds, date, organizer):
    meetings = [event for event in of_type(seeds["000"], "meeting") if date in texts(event, "date")]
    assert len(meetings) == 1, [texts(event, "date") for event in of_type(seeds["000"], "meeting")]
    # contained, not equal: the statistical model returns 住房和城乡建设部联合驻部纪检监察组 as one ORG
    assert any(organizer in text for text in texts(meetings[0], "organizer"))
    assert meetings[0]["date_source"] == "sentence"


def test_seed_000_document_and_statistic(seeds):
    titles = [texts(event, "title") for event in of_type(seeds["000"], "document_issued")]
    assert ["脱贫攻坚农村危房改造挂牌督战工作方案"] in titles
    statistic = [event for event in of_type(seeds["000"], "statistic") if texts(event, "value") == ["733万户"]]
    assert len(statistic) == 1
    assert statistic[0]["slots"]["value"][0]["norm"]["value"] == 7330000


def test_seed_004_figures_and_target(seeds):
    values = [value for event in of_type(seeds["004"], "statistic") for value in texts(event, "value")]
    for figure in ("39.8万", "385", "4.5万"):
        assert any(value.startswith(figure) for value in values), values
    targets = [
        event for event in of_type(seeds["004"], "target") if any(v.startswith("3万") for v in texts(event, "value"))
    ]
    assert len(targets) == 1 and "帮助3万人以上贫困人口脱贫" in texts(targets[0], "task")


def test_every_slot_points_at_its_text(seeds):
    for events in seeds.values():
        for event in events:
            for values in event["slots"].values():
                assert all(value["start"] < value["end"] and value["raw_start"] <= value["raw_end"] for value in values)


def test_seed_002_chair_and_attendees(seeds):
    meetings = [event for event in of_type(seeds["002"], "meeting") if "喻红秋" in texts(event, "chair")]
    assert len(meetings) == 1
    assert {"黄强", "穆为民", "徐光", "戴柏华", "刘伟", "霍金花"} <= set(texts(meetings[0], "attendees"))


def test_seed_001_inspections_are_the_annotated_ones(seeds):
    """Seed 001, a long speech, names many inspections as topics; its gold lists every real one."""
    (gold,) = [doc for doc in load_gold(Path(__file__).parent / "gold" / "seeds") if doc.id.startswith("001")]
    assert gold.complete_for("inspection") and not gold.complete_for("meeting")
    gold.events = [event for event in gold.events if event.type == "inspection"]
    scores = score([gold], {gold.id: of_type(seeds["001"], "inspection")})
    assert [error["sentence"] for error in scores.errors if error["error"] == "spurious"] == []
    assert scores.events["inspection"].tp >= 6
