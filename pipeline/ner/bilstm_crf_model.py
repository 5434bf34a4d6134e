"""PyTorch BiLSTM-CRF over characters and character bigrams.

Imported lazily (it imports torch): the spaCy component in `pipeline.ner.component` loads it
only when a model is built or read from disk.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import NamedTuple

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from pipeline.ner.lexicon import Lexicon

PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<s>", "</s>"
NEG = -10000.0


def normalise_char(ch: str) -> str:
    """Fold full-width ASCII to half-width and latin to lower case; whitespace becomes one space.

    MSRA writes digits and latin letters full-width, web text mostly half-width: folding lets
    both share one embedding.
    """
    if ch.isspace():
        return " "
    if len(ch) == 1 and 0xFF01 <= ord(ch) <= 0xFF5E:
        ch = chr(ord(ch) - 0xFEE0)
    return ch.lower()


#: `normalise_char` as a str.translate table (the lower-casing is done after translating).
_FOLD = {c: " " for c in range(0x3001) if chr(c).isspace()} | {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}


def normalise_chars(chars: Sequence[str]) -> list[str]:
    """`normalise_char` over a sequence, on the whole string at once when lengths allow."""
    text = "".join(chars)
    if len(text) == len(chars):
        folded = text.translate(_FOLD).lower()
        if len(folded) == len(text):
            return list(folded)
    return [normalise_char(c) for c in chars]


class Encoded(NamedTuple):
    """Model inputs of one sentence: char ids, the len+1 bigram ids, lexicon flag ints."""

    chars: list[int]
    bigrams: list[int]
    lexicon: list[int]


@dataclass
class Vocab:
    """Char and bigram vocabularies, the tag set and the optional word lexicon.

    Index 0 is padding, 1 unknown. The lexicon is saved in its own file, not in `to_dict`.
    """

    chars: list[str]
    bigrams: list[str]
    tags: list[str]
    lexicon: Lexicon | None = None
    char_index: dict[str, int] = field(init=False, repr=False)
    bigram_index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.char_index = {c: i for i, c in enumerate(self.chars)}
        self.bigram_index = {b: i for i, b in enumerate(self.bigrams)}

    @classmethod
    def build(
        cls,
        sentences: Iterable[Sequence[str]],
        tags: Sequence[str],
        min_char: int,
        min_bigram: int,
        lexicon: Lexicon | None = None,
    ) -> Vocab:
        """Keep chars and bigrams seen at least `min_*` times, so that `<unk>` gets trained too."""
        chars: Counter[str] = Counter()
        bigrams: Counter[str] = Counter()
        for sent in sentences:
            norm = [normalise_char(c) for c in sent]
            chars.update(norm)
            bigrams.update(char_bigrams(norm))
        keep_chars = sorted(c for c, n in chars.items() if n >= min_char)
        keep_bigrams = sorted(b for b, n in bigrams.items() if n >= min_bigram)
        return cls([PAD, UNK, *keep_chars], [PAD, UNK, *keep_bigrams], list(tags), lexicon)

    def to_dict(self) -> dict:
        classes = self.lexicon.classes if self.lexicon is not None else []
        return {"chars": self.chars, "bigrams": self.bigrams, "tags": self.tags, "lexicon_classes": classes}

    @property
    def n_lexicon_flags(self) -> int:
        return self.lexicon.n_flags if self.lexicon is not None else 0

    def encode(self, chars: Sequence[str], lexicon: Lexicon | None = None) -> Encoded:
        """Char ids, bigram ids (bigram i is chars i..i+1, with boundary markers), lexicon flags.

        `lexicon` replaces the vocabulary's own for this sentence (training folds, see
        `pipeline.ner.lexicon.gazetteer_lexicons`); it must have the same classes.
        """
        norm = normalise_chars(chars)
        char_ids = [self.char_index.get(c, 1) for c in norm]
        bigram_ids = [self.bigram_index.get(b, 1) for b in char_bigrams(norm)]
        lexicon = lexicon or self.lexicon
        flags = lexicon.flags(norm) if lexicon is not None else [0] * len(norm)
        return Encoded(char_ids, bigram_ids, flags)


def char_bigrams(chars: Sequence[str]) -> list[str]:
    """The len+1 bigrams of a sentence padded with BOS/EOS; position i sees bigrams i and i+1."""
    padded = [BOS, *chars, EOS]
    return [a + "\t" + b for a, b in pairwise(padded)]


def allowed_transitions(tags: Sequence[str]) -> torch.Tensor:
    """Boolean [from, to] matrix of legal BMES transitions; index len(tags) is START/END.

    M and E must continue an open B/M span of the same label; a span left open cannot be
    followed by B, S or O, nor end the sentence.
    """
    n = len(tags)
    parts = [(t.partition("-")[0], t.partition("-")[2]) for t in tags]
    allowed = torch.zeros(n + 1, n + 1, dtype=torch.bool)
    for i, (p_from, l_from) in enumerate(parts):
        for j, (p_to, l_to) in enumerate(parts):
            if p_to in ("M", "E"):
                allowed[i, j] = p_from in ("B", "M") and l_from == l_to
            else:
                allowed[i, j] = p_from not in ("B", "M")
        allowed[i, n] = p_from not in ("B", "M")
        allowed[n, i] = p_from not in ("M", "E")
    return allowed


class CRF(nn.Module):
    """Linear-chain CRF, batch first, with illegal transitions fixed at a large negative score."""

    def __init__(self, tags: Sequence[str]) -> None:
        super().__init__()
        n = len(tags)
        self.transitions = nn.Parameter(torch.zeros(n, n))
        self.start = nn.Parameter(torch.zeros(n))
        self.end = nn.Parameter(torch.zeros(n))
        allowed = allowed_transitions(tags)
        self.register_buffer("penalty", (~allowed).float() * NEG, persistent=False)

    def _scores(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        n = self.transitions.shape[0]
        trans = self.transitions + self.penalty[:n, :n]
        return trans, self.start + self.penalty[n, :n], self.end + self.penalty[:n, n]

    def nll(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Summed negative log-likelihood of gold tags; mask marks real (non-pad) positions."""
        trans, start, end = self._scores()
        batch = torch.arange(emissions.shape[0])
        lengths = mask.sum(1)
        gold = start[tags[:, 0]] + emissions[batch, 0, tags[:, 0]]
        alpha = start + emissions[:, 0]
        for t in range(1, emissions.shape[1]):
            step = mask[:, t]
            gold = gold + (trans[tags[:, t - 1], tags[:, t]] + emissions[batch, t, tags[:, t]]) * step
            nxt = torch.logsumexp(alpha.unsqueeze(2) + trans + emissions[:, t].unsqueeze(1), dim=1)
            alpha = torch.where(step.unsqueeze(1), nxt, alpha)
        gold = gold + end[tags[batch, lengths - 1]]
        return (torch.logsumexp(alpha + end, dim=1) - gold).sum()

    @torch.inference_mode()
    def decode(self, emissions: torch.Tensor, mask: torch.Tensor) -> list[list[int]]:
        """Viterbi best tag ids per sequence (unpadded).

        Padded steps keep the score and get identity backpointers, so backtracking from the
        last column runs in one vectorised pass for the whole batch.
        """
        trans, start, end = self._scores()
        score = start + emissions[:, 0]
        identity = torch.arange(trans.shape[0]).expand_as(score)
        backpointers = []
        for t in range(1, emissions.shape[1]):
            best, idx = (score.unsqueeze(2) + trans).max(dim=1)
            step = mask[:, t].unsqueeze(1)
            score = torch.where(step, best + emissions[:, t], score)
            backpointers.append(torch.where(step, idx, identity))
        path = [(score + end).argmax(1)]
        for idx in reversed(backpointers):
            path.append(idx.gather(1, path[-1].unsqueeze(1)).squeeze(1))
        tags = torch.stack(path[::-1], 1).tolist()
        return [row[:length] for row, length in zip(tags, mask.sum(1).tolist(), strict=True)]


@dataclass
class ModelConfig:
    """Architecture hyperparameters (values come from configs/ner/*.yaml); saved with the weights."""

    char_dim: int
    bigram_dim: int
    hidden: int
    layers: int
    dropout: float


class BiLSTMCRF(nn.Module):
    """Char + left/right bigram embeddings (+ lexicon flags) -> BiLSTM -> linear emissions -> CRF."""

    def __init__(self, vocab: Vocab, cfg: ModelConfig) -> None:
        super().__init__()
        self.char_emb = nn.Embedding(len(vocab.chars), cfg.char_dim, padding_idx=0, sparse=True)
        self.bigram_emb = nn.Embedding(len(vocab.bigrams), cfg.bigram_dim, padding_idx=0, sparse=True)
        self.dropout = nn.Dropout(cfg.dropout)
        self.register_buffer("lexicon_bits", torch.arange(vocab.n_lexicon_flags), persistent=False)
        self.lstm = nn.LSTM(
            cfg.char_dim + 2 * cfg.bigram_dim + vocab.n_lexicon_flags,
            cfg.hidden,
            num_layers=cfg.layers,
            bidirectional=True,
            batch_first=True,
            dropout=cfg.dropout if cfg.layers > 1 else 0.0,
        )
        self.out = nn.Linear(2 * cfg.hidden, len(vocab.tags))
        self.crf = CRF(vocab.tags)

    def emissions(self, batch: Batch) -> torch.Tensor:
        """Per-position tag scores (B, T, K)."""
        bigrams = batch.bigrams
        parts = [self.char_emb(batch.chars), self.bigram_emb(bigrams[:, :-1]), self.bigram_emb(bigrams[:, 1:])]
        if len(self.lexicon_bits):
            parts.append((batch.lexicon.unsqueeze(-1) >> self.lexicon_bits & 1).float())
        x = torch.cat(parts, dim=-1)
        packed = pack_padded_sequence(self.dropout(x), batch.lengths, batch_first=True, enforce_sorted=False)
        total = batch.chars.shape[1]
        hidden, _ = pad_packed_sequence(self.lstm(packed)[0], batch_first=True, total_length=total)
        return self.out(self.dropout(hidden))

    def loss(self, batch: Batch) -> torch.Tensor:
        return self.crf.nll(self.emissions(batch), batch.tags, batch.mask)

    @torch.inference_mode()
    def predict(self, batch: Batch) -> list[list[int]]:
        return self.crf.decode(self.emissions(batch), batch.mask)


@dataclass
class Batch:
    """Padded tensors of one batch; `tags` only when training."""

    chars: torch.Tensor
    bigrams: torch.Tensor
    lexicon: torch.Tensor
    lengths: torch.Tensor
    mask: torch.Tensor
    tags: torch.Tensor | None = None


def make_batch(encoded: Sequence[Encoded], tags: Sequence[list[int]] | None = None) -> Batch:
    """Pad encoded sentences (non-empty) into tensors, one `torch.tensor` call per field."""
    lengths = [len(e.chars) for e in encoded]
    width = max(lengths)
    chars = _padded([e.chars for e in encoded], width)
    bigrams = _padded([e.bigrams for e in encoded], width + 1)
    lexicon = _padded([e.lexicon for e in encoded], width)
    tag_ids = _padded(tags, width) if tags is not None else None
    length_t = torch.tensor(lengths)
    mask = torch.arange(width).unsqueeze(0) < length_t.unsqueeze(1)
    return Batch(chars, bigrams, lexicon, length_t, mask, tag_ids)


def _padded(rows: Sequence[Sequence[int]], width: int) -> torch.Tensor:
    return torch.tensor([[*row, *[0] * (width - len(row))] for row in rows], dtype=torch.long)


def length_sorted_chunks(lengths: Sequence[int], batch_size: int) -> Iterator[list[int]]:
    """Indices of the non-empty sentences, sorted by length and cut into batches, so little is padded."""
    order = sorted((i for i, n in enumerate(lengths) if n), key=lengths.__getitem__)
    for k in range(0, len(order), batch_size):
        yield order[k : k + batch_size]


def predict_tag_ids(model: BiLSTMCRF, encoded: Sequence[Encoded], batch_size: int) -> list[list[int]]:
    """Viterbi tag ids for encoded sentences, in input order; batches are length-sorted."""
    model.eval()
    result: list[list[int]] = [[] for _ in encoded]
    for chunk in length_sorted_chunks([len(e.chars) for e in encoded], batch_size):
        for i, path in zip(chunk, model.predict(make_batch([encoded[i] for i in chunk]))):
            result[i] = path
    return result


class ProductOfExperts(nn.Module):
    """Several BiLSTM-CRF models over one tag set, decoded as one model.

    Their emission scores and their CRF transition, start and end scores are summed and decoded in
    one Viterbi pass. Each member reads a sentence through its own vocabulary and lexicon, so
    members trained with other seeds or vocabularies combine. N members cost N times the encoding.
    """

    def __init__(self, members: Sequence[BiLSTMCRF], tags: Sequence[str]) -> None:
        super().__init__()
        self.members = nn.ModuleList(members)
        self.crf = CRF(tags)
        with torch.no_grad():
            for name in ("transitions", "start", "end"):
                getattr(self.crf, name).copy_(sum(getattr(m.crf, name) for m in members))

    @torch.inference_mode()
    def predict_tag_ids(self, encoded: Sequence[Sequence[Encoded]], batch_size: int) -> list[list[int]]:
        """Tag ids per sentence, in input order; `encoded[i][m]` is sentence i in member m's vocabulary."""
        self.eval()
        result: list[list[int]] = [[] for _ in encoded]
        for chunk in length_sorted_chunks([len(e[0].chars) for e in encoded], batch_size):
            batches = [make_batch([encoded[i][m] for i in chunk]) for m in range(len(self.members))]
            emissions = sum(m.emissions(b) for m, b in zip(self.members, batches, strict=True))
            for i, path in zip(chunk, self.crf.decode(emissions, batches[0].mask), strict=True):
                result[i] = path
        return result
