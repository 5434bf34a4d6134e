"""Encoder speed on one CPU thread: the shipped BiLSTM against iterated dilated CNNs, random weights.

Answers, before any training, whether a convolutional encoder (Strubell et al. 2017: a block of
three convolutions, kernel 3, dilations 1, 2 and 4, applied `iterations` times with shared weights)
buys capacity at the BiLSTM's cost per character. Only the encoder is timed: the BiLSTM is the
`--model`'s own (`BiLSTMCRF.lstm`), and its input width (chars, bigrams and lexicon flags: 256 for
the shipped model) is the CNNs' too; the tag layer and CRF after it are the same for both. Prints
one JSON line per encoder with characters per second.

Run from the repository root on an otherwise idle machine:

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/ner_encoder_speed.py
"""

from __future__ import annotations

import argparse
import json
import time

CNN_SHAPES = [(128, 4), (256, 1), (256, 2), (256, 4), (384, 2)]  # (width, iterations)


def iterated_dilated_cnn(input_width: int, width: int, iterations: int):
    """Input convolution to `width`, then the dilated block `iterations` times (shared weights)."""
    import torch

    class IteratedDilatedCNN(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.project = torch.nn.Conv1d(input_width, width, 3, padding=1)
            self.block = torch.nn.ModuleList(
                torch.nn.Conv1d(width, width, 3, padding=d, dilation=d) for d in (1, 2, 4)
            )

        def forward(self, x):
            h = torch.relu(self.project(x.transpose(1, 2)))
            for _ in range(iterations):
                for conv in self.block:
                    h = torch.relu(conv(h))
            return h.transpose(1, 2)

    return IteratedDilatedCNN().eval()


def chars_per_second(encode, x, runs: int) -> float:
    """Characters of the batch `x` encoded per second over `runs` passes, after one warm-up pass."""
    import torch

    with torch.inference_mode():
        encode(x)
        start = time.perf_counter()
        for _ in range(runs):
            encode(x)
        seconds = time.perf_counter() - start
    return x.shape[0] * x.shape[1] * runs / seconds


def main() -> None:
    import torch

    from pipeline.ner.loading import load_ner_pipeline

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="models/zh_msra_ner", help="whose BiLSTM to time")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--length", type=int, default=43, help="characters per sentence (msra_test's mean is about 38)")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    lstm = load_ner_pipeline("spacy", args.model).get_pipe("ner").model.lstm.eval()
    x = torch.randn(args.batch_size, args.length, lstm.input_size)

    rate = chars_per_second(lambda batch: lstm(batch)[0], x, args.runs)
    print(json.dumps({"encoder": "bilstm", "hidden_per_direction": lstm.hidden_size, "chars_per_second": round(rate)}))
    for width, iterations in CNN_SHAPES:
        rate = chars_per_second(iterated_dilated_cnn(lstm.input_size, width, iterations), x, args.runs)
        print(json.dumps({"encoder": "iterated_dilated_cnn", "width": width, "iterations": iterations,
                          "chars_per_second": round(rate)}))


if __name__ == "__main__":
    main()
