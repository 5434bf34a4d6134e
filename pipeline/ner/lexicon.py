"""Word-lexicon features for the character tagger: which dictionary words cover each character.

A character model sees no word boundaries; lexicon-augmented taggers (Zhang & Yang 2018,
Ma et al. 2020 "SoftLexicon") recover them from a dictionary. We use the cheap form: for every
character and every word class, four flags saying whether some lexicon word of that class
Begins, continues (Middle), Ends or is (Single) at that character. Classes come from the
part-of-speech tags of jieba's dictionary (349k words; `nr` person names, `ns` places, `nt`
organisations), so the flags double as a gazetteer. With `lexicon.gazetteer` in the training
config, the entity strings annotated in the training data are added as one more class per label
(`gazetteer:ORG`, ...; see `gazetteer_lexicons` for how training avoids trusting them blindly).

With `lexicon.word_vectors` the lexicon also knows a row of a pretrained word-vector table for
some words: the SoftLexicon part. For every character the model then averages the vectors of the
words that Begin, continue, End or are it, one average per position (`Lexicon.scan`'s word slots).

The lexicon is saved inside the model directory (`lexicon.tsv`), so a trained model carries
exactly the dictionary it was trained with and needs no jieba at run time; the vector table is
saved with the weights.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.ner.msra import Sentence, tags_to_spans

if TYPE_CHECKING:
    import numpy as np

POSITIONS = "BMES"
WORD_CLASS = "word"  # every lexicon word belongs to it, whatever its part of speech
GAZETTEER_CLASS = "gazetteer:{}"  # class of the entity strings of one label seen in training data
NO_MATCH = "\x00"  # stands in for tokens that are not one character, so no word spans them


class Lexicon:
    """Words with a bit mask of classes (and optionally a word-vector row); `scan` finds them in text."""

    def __init__(
        self,
        classes: Sequence[str],
        words: Mapping[str, int],
        word_rows: Mapping[str, int] | None = None,
        word_vectors: np.ndarray | None = None,
    ) -> None:
        """`word_rows`: {word: row} of the word-vector table (words may have no class); `word_vectors`:
        that table, when a new model is to start from it (a loaded model has it in its weights)."""
        self.classes = list(classes)
        self.words = dict(words)
        self.word_rows = dict(word_rows or {})
        self.word_vectors = word_vectors
        every = self.words.keys() | self.word_rows.keys()
        self.max_len = max(map(len, every), default=0)
        # One lookup per step of the scan: every word and every proper prefix of one maps to
        # (flag masks of its first, inner and last character, or None when not a class word;
        # whether some longer word starts with it; its word-vector row or -1).
        spread = {(m, single): self._spread(m, single) for m in set(self.words.values()) for single in (True, False)}
        prefixes = {w[:k] for w in every for k in range(1, len(w))}
        self._entries = {p: (None, True, -1) for p in prefixes}
        for word in every:
            mask = self.words.get(word)
            masks = None if mask is None else spread[mask, len(word) == 1]
            self._entries[word] = (masks, word in prefixes, self.word_rows.get(word, -1))

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

    def scan(self, chars: Sequence[str]) -> tuple[list[int], list[tuple[int, int]]]:
        """Flags and word slots of a character sequence.

        Flags: one int per character, bit `4 * class + position` set when a word covers it so.
        Word slots: a (4 * character + position, row) pair for each word-vector word covering a
        character, positions B, M, E, S = 0..3. `chars` are in model form (`normalise_char`), as
        the dictionary words are.
        """
        text = "".join(c if len(c) == 1 else NO_MATCH for c in chars)
        flags = [0] * len(text)
        slots: list[tuple[int, int]] = []
        entries = self._entries
        for i in range(len(text)):
            for j in range(i + 1, min(len(text), i + self.max_len) + 1):
                entry = entries.get(text[i:j])
                if entry is None:
                    break
                masks, longer, row = entry
                if masks is not None:
                    begin, middle, end = masks
                    flags[i] |= begin
                    for k in range(i + 1, j - 1):
                        flags[k] |= middle
                    flags[j - 1] |= end
                if row >= 0:
                    slots.extend(_word_slots(i, j, row))
                if not longer:
                    break
        return flags, slots

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
        return Lexicon(merged_classes, merged, self.word_rows, self.word_vectors)

    def write(self, path: str | Path) -> None:
        """`word<TAB>class mask[<TAB>word-vector row]` per line, sorted, so the file hashes the same on every run."""
        lines = []
        for word in sorted(self.words.keys() | self.word_rows.keys()):
            row = self.word_rows.get(word)
            lines.append(f"{word}\t{self.words.get(word, 0)}" + ("" if row is None else f"\t{row}") + "\n")
        Path(path).write_text("".join(lines), encoding="utf-8")

    @classmethod
    def read(cls, path: str | Path, classes: Sequence[str]) -> Lexicon:
        words, rows = {}, {}
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            word, mask, *row = line.split("\t")
            if int(mask):
                words[word] = int(mask)
            if row:
                rows[word] = int(row[0])
        return cls(classes, words, rows)


def _word_slots(start: int, end: int, row: int) -> list[tuple[int, int]]:
    """The (4 * character + position, row) slots of the word at [start, end): B, M..., E or S."""
    if end - start == 1:
        return [(4 * start + 3, row)]
    return [(4 * start, row), *((4 * k + 1, row) for k in range(start + 1, end - 1)), (4 * end - 2, row)]


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
