"""Does Baidu LAC's tagger know the ORG names our model misses? LAC against MSRA on story dev.

LAC 2.1.2 (the PyPI sdist whose char vectors start 0.7.0's embeddings, docs/ner-engine.md H) ships a
full lexical analyser learnt on Baidu's data: two BiGRU layers and a CRF over 49 tags, among them
PER, LOC and ORG. Running it needs PaddlePaddle; this script runs the same network in torch from
the sdist's parameter files (read with numpy), with LAC's own input: its dictionary cut
(`conf/small_seg.dic`, LAC's `Segment.fast_cut`), words in its vocabulary as one token and the rest
as characters, folded by `conf/q2b.dic`. Before scoring it checks that it repeats the example of
LAC's README (百度/ORG 是/v 一家/m 高科技/n 公司/n).

Printed, one JSON line each: LAC's PER / LOC / ORG spans scored against story dev's gold (how
close LAC's conventions are to MSRA's), `--model`'s scores, and per label how many of the
model's misses LAC finds exactly and how many of its spurious spans LAC predicts too (how much of
what the model lacks LAC could supply). Test is never read.

Run from the repository root (one thread; LAC runs one sentence at a time, about 2,700 chars/s):

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/lac_msra_agreement.py --model models/zh_msra_ner
"""

from __future__ import annotations

import argparse
import json
import math
import re
import tarfile

import numpy as np
import torch

from pipeline.evaluation.ner import predict_spans, score_spans
from pipeline.ner.msra import Span, tags_to_spans
from pipeline.training.ner import DEFAULT_CONFIG, dev_config_argument, msra_splits
from pipeline.training.pretrain import LAC_MODEL, lac_dict, lac_sdist, read_lod_tensor

LABELS = ("PER", "LOC", "ORG")
LATIN_OR_DIGIT = re.compile("[a-zA-Z0-9]")
#: LAC's README example, as LAC itself tags it: the port must repeat it before anything is scored
LAC_EXAMPLE = ("百度是一家高科技公司", [("百度", "ORG"), ("是", "v"), ("一家", "m"), ("高科技", "n"), ("公司", "n")])


class LacGRU:
    """One direction of a Paddle `dynamic_gru` (origin_mode off) after its input `fc` layer.

    Paddle stores the recurrent weights as a [hidden, 2 * hidden] block for the update and reset
    gates followed by a [hidden, hidden] block for the candidate, in one flat tensor.
    """

    def __init__(self, params: dict[str, torch.Tensor], index: int) -> None:
        self.w_in, self.b_in = params[f"fc_{index}.w_0"], params[f"fc_{index}.b_0"].reshape(-1)
        self.hidden = hidden = self.w_in.shape[1] // 3
        flat = params[f"gru_{index}.w_0"].reshape(-1)
        self.w_gates = flat[: 2 * hidden * hidden].reshape(hidden, 2 * hidden)
        self.w_cand = flat[2 * hidden * hidden :].reshape(hidden, hidden)
        self.bias = params[f"gru_{index}.b_0"].reshape(-1)

    def __call__(self, x: torch.Tensor, reverse: bool) -> torch.Tensor:
        h = self.hidden
        projected = x @ self.w_in + self.b_in + self.bias
        state, out = torch.zeros(h), torch.empty(x.shape[0], h)
        for t in range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0]):
            gates = torch.sigmoid(projected[t, : 2 * h] + state @ self.w_gates)
            update, reset = gates[:h], gates[h:]
            candidate = torch.tanh(projected[t, 2 * h :] + (reset * state) @ self.w_cand)
            state = (1 - update) * state + update * candidate
            out[t] = state
        return out


def _tensor(sdist: tarfile.TarFile, member: str) -> torch.Tensor:
    return torch.from_numpy(np.array(read_lod_tensor(sdist.extractfile(member).read()), dtype=np.float32))


class LacTagger:
    """LAC's `lac` mode: text in, one tag per character (`ORG-B`, `ORG-I`, `n-B`, ...) out."""

    def __init__(self) -> None:
        with tarfile.open(lac_sdist()) as sdist:
            names = [m for m in sdist.getnames() if m.startswith(LAC_MODEL + "model/") and not m.endswith("__model__")]
            params = {name.rsplit("/", 1)[1]: _tensor(sdist, name) for name in names}
            self.word_id = {token: int(i) for i, token in lac_dict(sdist, "conf/word.dic").items()}
            self.fold = lac_dict(sdist, "conf/q2b.dic")
            self.tag_of = {int(i): tag for i, tag in lac_dict(sdist, "conf/tag.dic").items()}
            seg_lines = sdist.extractfile(LAC_MODEL + "conf/small_seg.dic").read().decode("utf-8").splitlines()
            seg_dict = [line.split(" ") for line in seg_lines]
        self.embedding = params["word_emb"]
        self.layers = [(LacGRU(params, 2 * k), LacGRU(params, 2 * k + 1)) for k in range(2)]
        self.w_out, self.b_out = params["fc_4.w_0"], params["fc_4.b_0"].reshape(-1)
        crf = params["crfw"]
        self.start, self.end, self.transitions = crf[0], crf[1], crf[2:]
        self.oov = self.word_id["OOV"]
        # LAC's prefix dict: a word maps to its length, a proper prefix to None (prefix_tree.TriedTree)
        self.prefixes: dict[str, int | None] = {}
        for word, _ in seg_dict:
            for i in range(1, len(word)):
                self.prefixes.setdefault(word[:i], None)
            self.prefixes[word] = len(word)
        self.log_total = math.log(sum(int(count) for _, count in seg_dict))

    def cut(self, text: str) -> list[str]:
        """LAC's `Segment.fast_cut`, including its scoring of a word by the log of its length."""
        n = len(text)
        ends = []
        for i in range(n):
            found, j = [i], i + 1
            while j <= n and text[i:j] in self.prefixes:
                if self.prefixes[text[i:j]]:
                    found.append(j - 1)
                j += 1
            ends.append(found)
        route = {n: (0.0, 0)}
        for i in range(n - 1, -1, -1):
            route[i] = max(
                (math.log(self.prefixes.get(text[i : e + 1]) or 1) - self.log_total + route[e + 1][0], e)
                for e in ends[i]
            )
        words, buffer, i = [], "", 0
        while i < n:
            word = text[i : route[i][1] + 1]
            if len(word) == 1 and LATIN_OR_DIGIT.match(word):
                buffer += word
            else:
                words += [buffer, word] if buffer else [word]
                buffer = ""
            i += len(word)
        return words + [buffer] if buffer else words

    def _ids(self, text: str) -> tuple[list[int], list[int]]:
        ids, lengths = [], []
        for word in self.cut(text):
            pieces = [word] if word in self.word_id else list(word)
            ids += [self.word_id.get(self.fold.get(p, p), self.oov) for p in pieces]
            lengths += [len(p) for p in pieces]
        return ids, lengths

    @torch.inference_mode()
    def tag(self, text: str) -> list[str]:
        if not text:
            return []
        ids, lengths = self._ids(text)
        x = self.embedding[torch.tensor(ids)]
        for forward, backward in self.layers:
            x = torch.cat([forward(x, False), backward(x, True)], 1)
        emissions = x @ self.w_out + self.b_out
        score, backpointers = self.start + emissions[0], []
        for t in range(1, emissions.shape[0]):
            score, best = (score.unsqueeze(1) + self.transitions).max(0)
            score = score + emissions[t]
            backpointers.append(best)
        path = [int((score + self.end).argmax())]
        for best in reversed(backpointers):
            path.append(int(best[path[-1]]))
        tags = []
        for tag_id, length in zip(reversed(path), lengths, strict=True):
            tag = self.tag_of[tag_id]
            tags += [tag] + [tag[:-2] + "-I"] * (length - 1)
        return tags

    def words(self, text: str) -> list[tuple[str, str]]:
        """(word, tag) pairs as LAC prints them."""
        out: list[tuple[str, str]] = []
        for char, tag in zip(text, self.tag(text), strict=True):
            if tag.endswith("-B") or not out:
                out.append((char, tag[:-2]))
            else:
                out[-1] = (out[-1][0] + char, tag[:-2])
        return out

    def spans(self, text: str) -> list[Span]:
        """LAC's PER / LOC / ORG words as (start, end, label)."""
        spans: list[Span] = []
        start = 0
        for word, label in self.words(text):
            if label in LABELS:
                spans.append((start, start + len(word), label))
            start += len(word)
        return spans


def complement(gold: list[list[Span]], model: list[list[Span]], lac: list[list[Span]], label: str) -> dict[str, int]:
    """How many of the model's misses LAC finds exactly, and how many of its spurious spans LAC shares."""
    counts = dict.fromkeys(("model_misses", "lac_finds", "model_spurious", "lac_shares"), 0)
    for gold_spans, model_spans, lac_spans in zip(gold, model, lac, strict=True):
        wanted = {s for s in gold_spans if s[2] == label}
        got = {s for s in model_spans if s[2] == label}
        lac_set = set(lac_spans)
        counts["model_misses"] += len(wanted - got)
        counts["lac_finds"] += len((wanted - got) & lac_set)
        counts["model_spurious"] += len(got - wanted)
        counts["lac_shares"] += len((got - wanted) & lac_set)
    return counts


def scores_row(name: str, gold: list[list[Span]], predicted: list[list[Span]]) -> dict:
    scores = score_spans(gold, predicted)
    per_type = {
        k: {m: round(100 * getattr(v, m), 2) for m in ("precision", "recall", "f1")}
        for k, v in sorted(scores.per_type.items())
    }
    return {"tagger": name, "overall_f1": round(100 * scores.overall.f1, 2), **per_type}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--model", default="models/zh_msra_ner", help="the model whose misses are looked up in LAC's output"
    )
    parser.add_argument(
        "--config", type=dev_config_argument, default=str(DEFAULT_CONFIG), help="the config whose dev split is scored"
    )
    parser.add_argument("--sentences", type=int, help="only the first N dev sentences")
    args = parser.parse_args()
    from pipeline.ner.loading import load_ner_pipeline

    torch.set_num_threads(1)
    dev = msra_splits(args.config["data"])["dev"]
    n = len(dev) if args.sentences is None else args.sentences
    texts = ["".join(chars) for chars in dev["tokens"][:n]]
    gold = [tags_to_spans(tags) for tags in dev["tags"][:n]]
    tagger = LacTagger()
    if tagger.words(LAC_EXAMPLE[0]) != LAC_EXAMPLE[1]:
        raise SystemExit(f"the LAC port does not repeat LAC's own example: {tagger.words(LAC_EXAMPLE[0])}")
    lac = [tagger.spans(text) for text in texts]
    model = predict_spans(load_ner_pipeline("spacy", args.model), texts)
    print(json.dumps({"sentences": len(texts), **scores_row("LAC 2.1.2", gold, lac)}))
    print(json.dumps({"sentences": len(texts), **scores_row(args.model, gold, model)}))
    for label in LABELS:
        print(json.dumps({"label": label, **complement(gold, model, lac, label)}))


if __name__ == "__main__":
    main()
