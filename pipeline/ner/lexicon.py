"""Word-lexicon features for the character tagger: which dictionary words cover each character.

A character model sees no word boundaries; lexicon-augmented taggers (Zhang & Yang 2018,
Ma et al. 2020 "SoftLexicon") recover them from a dictionary. We use the cheap form: for every
character and every word class, four flags saying whether some lexicon word of that class
Begins, continues (Middle), Ends or is (Single) at that character. Classes come from the
part-of-speech tags of jieba's dictionary (349k words; `nr` person names, `ns` places, `nt`
organisations), so the flags double as a gazetteer. With `lexicon.gazetteer` in the training
config, the entity strings annotated in the training data are added as one more class per label
(`gazetteer:ORG`, ...; see `gazetteer_lexicons` for how training avoids trusting them blindly).

The lexicon is saved inside the model directory (`lexicon.tsv`), so a trained model carries
exactly the dictionary it was trained with and needs no jieba at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from pipeline.ner.msra import Sentence, tags_to_spans

POSITIONS = "BMES"
WORD_CLASS = "word"  # every lexicon word belongs to it, whatever its part of speech
GAZETTEER_CLASS = "gazetteer:{}"  # class of the entity strings of one label seen in training data
NO_MATCH = "\x00"  # stands in for tokens that are not one character, so no word spans them


class Lexicon:
    """Words with a bit mask of classes; every word found in a character sequence sets flags."""

    def __init__(self, classes: Sequence[str], words: Mapping[str, int]) -> None:
        self.classes = list(classes)
        self.words = dict(words)
        self.max_len = max(map(len, self.words), default=0)
        # One lookup per step of the scan: every word and every proper prefix of one maps to
        # (flag masks of its first, inner and last character, or None when only a prefix;
        # whether some longer word starts with it).
        spread = {(m, single): self._spread(m, single) for m in set(self.words.values()) for single in (True, False)}
        prefixes = {w[:k] for w in self.words for k in range(1, len(w))}
        self._entries = {p: (None, True) for p in prefixes}
        for word, mask in self.words.items():
            self._entries[word] = (spread[mask, len(word) == 1], word in prefixes)

    @property
    def n_flags(self) -> int:
        return len(self.classes) * len(POSITIONS)

    def _spread(self, class_mask: int, single: bool) -> tuple[int, int, int]:
        def flags(position: str) -> int:
            offset = POSITIONS.index(position)
            return sum(1 << (c * 4 + offset) for c in range(len(self.classes)) if class_mask >> c & 1)

        if single:
            return flags("S"), flags("S"), flags("S")
        return flags("B"), flags("M"), flags("E")

    def flags(self, chars: Sequence[str]) -> list[int]:
        """One int per character: bit `4 * class + position` set when a word covers it so.

        `chars` are in model form (`normalise_char`), as the dictionary words are.
        """
        text = "".join(c if len(c) == 1 else NO_MATCH for c in chars)
        result = [0] * len(text)
        entries = self._entries
        for i in range(len(text)):
            for j in range(i + 1, min(len(text), i + self.max_len) + 1):
                entry = entries.get(text[i:j])
                if entry is None:
                    break
                masks, longer = entry
                if masks is not None:
                    begin, middle, end = masks
                    result[i] |= begin
                    for k in range(i + 1, j - 1):
                        result[k] |= middle
                    result[j - 1] |= end
                if not longer:
                    break
        return result

    def extended(self, classes: Sequence[str], words: Mapping[str, int]) -> Lexicon:
        """This lexicon plus `words`, whose masks are over `classes`.

        Classes this lexicon already has keep their bit (fine-tuning adds entities to a base
        model's gazetteer); the others are appended after the present ones.
        """
        merged_classes = [*self.classes, *(c for c in classes if c not in self.classes)]
        bits = [merged_classes.index(c) for c in classes]
        merged = dict(self.words)
        for word, mask in words.items():
            merged[word] = merged.get(word, 0) | sum(1 << bit for k, bit in enumerate(bits) if mask >> k & 1)
        return Lexicon(merged_classes, merged)

    def write(self, path: str | Path) -> None:
        """`word<TAB>class mask` per line, sorted, so the file hashes the same on every run."""
        lines = (f"{w}\t{m}\n" for w, m in sorted(self.words.items()))
        Path(path).write_text("".join(lines), encoding="utf-8")

    @classmethod
    def read(cls, path: str | Path, classes: Sequence[str]) -> Lexicon:
        words = {}
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            word, _, mask = line.partition("\t")
            words[word] = int(mask)
        return cls(classes, words)


def jieba_lexicon(classes: Mapping[str, Sequence[str]], normalise: Callable[[str], str]) -> Lexicon:
    """The lexicon from the dictionary bundled with jieba, with `classes` as {class: [POS tags]}.

    `normalise` maps one character to its model form (full-width folding, lower case), so
    dictionary words look like the text they are matched against.
    """
    from importlib.resources import files

    lines = files("jieba").joinpath("dict.txt").read_text(encoding="utf-8").splitlines()
    return Lexicon([WORD_CLASS, *classes], _class_masks(lines, classes, normalise))


def _class_masks(
    lines: Iterable[str], classes: Mapping[str, Sequence[str]], normalise: Callable[[str], str]
) -> dict[str, int]:
    """{word: mask}; bit 0 is the word class, bit k the k-th entry of `classes`."""
    bit_of_tag = {tag: 1 << (k + 1) for k, tags in enumerate(classes.values()) for tag in tags}
    words: dict[str, int] = {}
    for line in lines:
        parts = line.split()
        if not parts:
            continue
        chars = [normalise(c) for c in parts[0]]
        if any(len(c) != 1 for c in chars):
            continue
        word = "".join(chars)
        tag = parts[2] if len(parts) > 2 else ""
        words[word] = words.get(word, 0) | 1 | bit_of_tag.get(tag, 0)
    return words


def gazetteer_lexicons(
    base: Lexicon | None,
    sentences: Sequence[Sentence],
    labels: Sequence[str],
    folds: int,
    normalise: Callable[[str], str],
    min_length: int = 2,
) -> tuple[Lexicon, list[Lexicon]]:
    """`base` plus every entity string annotated in `sentences` (class `gazetteer:LABEL`), and for
    each sentence the lexicon to encode it with in training.

    `sentences` are cut into `folds` blocks of consecutive sentences; a sentence's lexicon holds
    only the entities of the other blocks, so its flags come from other documents, as they do for
    new text. Otherwise every training entity would be flagged and the model would learn to trust
    the gazetteer blindly. Keep `sentences` in document order. When `base` already has the
    gazetteer classes (a model being fine-tuned), the entities are added to them.
    """
    base = base if base is not None else Lexicon([], {})
    classes = [GAZETTEER_CLASS.format(label) for label in labels]
    size = -(-len(sentences) // folds)
    starts = range(0, len(sentences), size)
    blocks = [_entity_words(sentences[k : k + size], labels, normalise, min_length) for k in starts]
    per_fold = [base.extended(classes, _merge(blocks[:k] + blocks[k + 1 :])) for k in range(len(blocks))]
    return base.extended(classes, _merge(blocks)), [per_fold[i // size] for i in range(len(sentences))]


def _entity_words(
    sentences: Iterable[Sentence], labels: Sequence[str], normalise: Callable[[str], str], min_length: int
) -> dict[str, int]:
    """{entity string: bit mask over `labels`} of the annotated spans at least `min_length` long."""
    bit = {label: 1 << k for k, label in enumerate(labels)}
    words: dict[str, int] = {}
    for chars, tags in sentences:
        for start, end, label in tags_to_spans(tags):
            word = "".join(normalise(c) for c in chars[start:end])
            if label in bit and end - start >= min_length and len(word) == end - start:
                words[word] = words.get(word, 0) | bit[label]
    return words


def _merge(blocks: Iterable[Mapping[str, int]]) -> dict[str, int]:
    merged: dict[str, int] = {}
    for block in blocks:
        for word, mask in block.items():
            merged[word] = merged.get(word, 0) | mask
    return merged
