"""Mention replacement (pipeline.training.augment): labels follow the new mentions."""

from __future__ import annotations

import random

from pipeline.ner.msra import tags_to_spans
from pipeline.training.augment import MentionReplacer

SENTENCES = [
    (list("国务院在北京开会"), ["B-ORG", "M-ORG", "E-ORG", "O", "B-LOC", "E-LOC", "O", "O"]),
    (list("外交部长访问上海市"), ["B-ORG", "M-ORG", "E-ORG", "O", "O", "O", "B-LOC", "M-LOC", "E-LOC"]),
    (list("人民银行在广州"), ["B-ORG", "M-ORG", "M-ORG", "E-ORG", "O", "B-LOC", "E-LOC"]),
]


def mentions(sentence):
    chars, tags = sentence
    return [("".join(chars[s:e]), label) for s, e, label in tags_to_spans(tags)]


def test_every_mention_replaced_keeps_context_and_takes_a_mention_of_its_label():
    replacer = MentionReplacer(SENTENCES, groups=[0, 0, 0], probability=1.0)
    changed = replacer.sample(random.Random(3))
    assert sorted(changed) == [0, 1, 2]
    contexts = ["{}在{}开会", "{}长访问{}", "{}在{}"]
    for i, (chars, tags) in changed.items():
        (org, org_label), (loc, loc_label) = mentions((chars, tags))
        assert (org_label, loc_label) == ("ORG", "LOC")
        assert org in {"国务院", "外交部", "人民银行"} and loc in {"北京", "上海市", "广州"}
        assert "".join(chars) == contexts[i].format(org, loc) and len(tags) == len(chars)


def test_replacements_come_from_the_same_group_and_probability_zero_changes_nothing():
    replacer = MentionReplacer(SENTENCES, groups=["a", "a", "b"], probability=1.0)
    for seed in range(20):
        changed = replacer.sample(random.Random(seed))
        assert mentions(changed[2]) == mentions(SENTENCES[2])  # alone in its group
        assert {m for m, _ in mentions(changed[0])} <= {"国务院", "外交部", "北京", "上海市"}
    assert MentionReplacer(SENTENCES, [0, 0, 0], probability=0.0).sample(random.Random(0)) == {}
