"""Where the statistical NER model spends its time: encoding, batching, BiLSTM emissions, Viterbi.

Tells what a bigger model would cost before training one: if the BiLSTM dominates, a second
layer or a wider one slows the NER stage nearly in proportion. `--int8` also times the emissions
with PyTorch's dynamic int8 quantisation of the LSTM and output layer.

Text: the first N sentences of msra_test.txt, for their characters only (nothing is scored).
Run from the repository root on an otherwise idle machine:

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/ner_model_profile.py --model models/zh_msra_ner --int8
"""

from __future__ import annotations

import argparse
import json
import time


def main() -> None:
    import torch

    from pipeline.ner.bilstm_crf_model import make_batch
    from pipeline.ner.loading import load_ner_pipeline
    from pipeline.ner.msra import read_msra_split

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="models/zh_msra_ner")
    parser.add_argument("--sentences", type=int, default=3000)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--int8", action="store_true", help="also time dynamically quantised emissions")
    args = parser.parse_args()
    torch.set_num_threads(1)

    component = load_ner_pipeline("spacy", args.model).get_pipe("ner")
    model, vocab = component.model.eval(), component.vocab
    sentences = [chars for chars, _ in read_msra_split("test")[: args.sentences]]
    seconds: dict[str, float] = {}

    start = time.perf_counter()
    encoded = [vocab.encode(chars) for chars in sentences]
    seconds["encode"] = time.perf_counter() - start

    start = time.perf_counter()
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i].chars))
    size = args.batch_size
    batches = [make_batch([encoded[i] for i in order[k : k + size]]) for k in range(0, len(order), size)]
    seconds["batch"] = time.perf_counter() - start

    with torch.inference_mode():
        start = time.perf_counter()
        emissions = [model.emissions(batch) for batch in batches]
        seconds["emissions"] = time.perf_counter() - start
        start = time.perf_counter()
        for batch, scores in zip(batches, emissions, strict=True):
            model.crf.decode(scores, batch.mask)
        seconds["viterbi"] = time.perf_counter() - start
        int8 = {}
        if args.int8:
            quantised = torch.ao.quantization.quantize_dynamic(model, {torch.nn.LSTM, torch.nn.Linear}, dtype=torch.qint8)
            start = time.perf_counter()
            for batch in batches:
                quantised.emissions(batch)
            int8["emissions_int8"] = time.perf_counter() - start

    chars = sum(map(len, sentences))
    total = sum(seconds.values())
    print(
        json.dumps(
            {
                "model": args.model,
                "chars": chars,
                "seconds": {k: round(v, 3) for k, v in (seconds | int8).items()},
                "share_pct": {k: round(100 * v / total, 1) for k, v in seconds.items()},
                "chars_per_second": round(chars / total),
            }
        )
    )


if __name__ == "__main__":
    main()
