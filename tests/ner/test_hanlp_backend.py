"""The HanLP backend, loaded from a tiny HanLP RNN model trained inside the test."""

import pytest

hanlp = pytest.importorskip("hanlp")

from pipeline.ner.hanlp_backend import patch_rnn_crf  # noqa: E402 (after the skip when HanLP is missing)
from pipeline.ner.loading import load_ner_pipeline  # noqa: E402


@pytest.fixture(scope="module")
def hanlp_model(corpus_dir, tmp_path_factory):
    import torch
    from hanlp.components.ner.rnn_ner import RNNNamedEntityRecognizer

    torch.set_num_threads(1)
    patch_rnn_crf()
    save_dir = tmp_path_factory.mktemp("hanlp") / "rnn_ner"
    RNNNamedEntityRecognizer().fit(
        str(corpus_dir / "train_bio.tsv"),
        str(corpus_dir / "dev_bio.tsv"),
        str(save_dir),
        epochs=2,
        embed=16,
        rnn_hidden=16,
        batch_size=32,
        tagging_scheme="BIO",
        verbose=False,
    )
    return save_dir


def test_hanlp_model_loads_as_spacy_pipeline(hanlp_model):
    nlp = load_ner_pipeline("hanlp", hanlp_model)
    texts = ["张伟在河南省考察国务院扶贫办。", "", "北京的河南日报召开会议，李娜主持。"]
    docs = list(nlp.pipe(texts, batch_size=2))
    assert [d.text for d in docs] == texts
    assert all({e.label_ for e in d.ents} <= {"ORG", "PER", "LOC"} for d in docs)
    assert nlp.meta["name"] == "hanlp_rnn_ner"


def test_missing_hanlp_model_path_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing"):
        load_ner_pipeline("hanlp", tmp_path / "nothing")
