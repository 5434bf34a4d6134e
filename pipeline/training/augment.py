"""Mention replacement: each epoch, some entity mentions of the training data are swapped for
other mentions of the same label.

A character tagger learns entity strings as well as the contexts and shapes that make them
entities; strings seen in training are recognised better than new ones, and new documents are
full of new ones. Replacing mentions by other mentions keeps a sentence's context and labels but
breaks the pairing of context and string (Dai & Adel 2020, "An Analysis of Simple Data
Augmentation for Named Entity Recognition"). Replacements are drawn from the same group of
sentences (the training folds of the gazetteer, see `pipeline.ner.lexicon.gazetteer_lexicons`), so a
replacement is flagged by the fold lexicon exactly as often as the mentions of that fold are.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Hashable, Sequence

from pipeline.ner.msra import Sentence, Span, spans_to_tags, tags_to_spans


class MentionReplacer:
    """Draws, per epoch, new versions of the training sentences in which mentions were replaced."""

    def __init__(self, sentences: Sequence[Sentence], groups: Sequence[Hashable], probability: float) -> None:
        """`groups[i]` names the group of sentence i; replacements come from the same group."""
        self.sentences = sentences
        self.groups = groups
        self.probability = probability
        self.pools: dict[tuple[Hashable, str], list[list[str]]] = defaultdict(list)
        self.spans = [tags_to_spans(tags) for _, tags in sentences]
        for (chars, _), group, spans in zip(sentences, groups, self.spans, strict=True):
            for start, end, label in spans:
                self.pools[group, label].append(list(chars[start:end]))

    def sample(self, rng: random.Random) -> dict[int, Sentence]:
        """{sentence index: sentence with replaced mentions} for the sentences that changed."""
        changed: dict[int, Sentence] = {}
        for i, spans in enumerate(self.spans):
            picks = {
                start: rng.choice(self.pools[self.groups[i], label])
                for start, _, label in spans
                if rng.random() < self.probability
            }
            if picks:
                changed[i] = _replace(self.sentences[i][0], spans, picks)
        return changed


def _replace(chars: Sequence[str], spans: Sequence[Span], picks: dict[int, list[str]]) -> Sentence:
    """`chars` with the spans starting at a key of `picks` replaced by its mention, and BMES tags."""
    new_chars: list[str] = []
    new_spans: list[Span] = []
    position = 0
    for start, end, label in spans:
        new_chars.extend(chars[position:start])
        mention = picks.get(start, chars[start:end])
        new_spans.append((len(new_chars), len(new_chars) + len(mention), label))
        new_chars.extend(mention)
        position = end
    new_chars.extend(chars[position:])
    return new_chars, spans_to_tags(len(new_chars), new_spans)
