"""Char vectors from Baidu LAC: the PaddlePaddle tensor reader, the lookup, PCA and the embedding init."""

from __future__ import annotations

import io
import json
import struct
import tarfile
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml

from pipeline import pypi_data
from pipeline.ner.bilstm_crf_model import BiLSTMCRF, ModelConfig, Vocab
from pipeline.pypi_data import sha256_file
from pipeline.training import pretrain
from pipeline.training.ner import DEFAULT_CONFIG, load_config, train_ner

PADDLE_TYPES = {np.dtype("<f4"): 5, np.dtype("<i8"): 3}


def _varint(n: int) -> bytes:
    out = b""
    while n >= 0x80:
        out += bytes([n & 0x7F | 0x80])
        n >>= 7
    return out + bytes([n])


def lod_tensor_bytes(array: np.ndarray, lod: list[list[int]] | tuple = ()) -> bytes:
    """`array` as PaddlePaddle saves a persistable LoDTensor (the layout `read_lod_tensor` documents)."""
    desc = b"\x08" + _varint(PADDLE_TYPES[array.dtype]) + b"".join(b"\x10" + _varint(d) for d in array.shape)
    levels = b"".join(struct.pack("<Q", 8 * len(level)) + struct.pack(f"<{len(level)}Q", *level) for level in lod)
    return (
        struct.pack("<IQ", 0, len(lod)) + levels + struct.pack("<Ii", 0, len(desc)) + desc + array.tobytes()
    )


@pytest.mark.parametrize(
    "array, lod",
    [
        (np.arange(130 * 3, dtype="<f4").reshape(130, 3) / 7, []),  # a dim over 127: a two-byte varint
        (np.arange(6, dtype="<i8").reshape(2, 3), [[0, 1, 2]]),
    ],
)
def test_read_lod_tensor_reads_paddles_layout(array, lod):
    read = pretrain.read_lod_tensor(lod_tensor_bytes(array, lod))
    assert read.dtype == array.dtype and np.array_equal(read, array)


def test_read_lod_tensor_rejects_an_unknown_version():
    data = bytearray(lod_tensor_bytes(np.zeros((2, 2), dtype="<f4")))
    data[0] = 1
    with pytest.raises(ValueError, match="version"):
        pretrain.read_lod_tensor(bytes(data))


def test_pca_is_deterministic_and_ordered_by_variance():
    matrix = np.random.default_rng(0).normal(size=(50, 12)).astype("float32") * np.arange(1, 13)
    reduced = pretrain.pca(matrix, 5)
    assert reduced.shape == (50, 5)
    assert np.array_equal(reduced, pretrain.pca(matrix.copy(), 5))
    variances = reduced.var(axis=0)
    assert np.all(variances[:-1] >= variances[1:])
    assert pretrain.pca(matrix, 12) is matrix
    for too_wide in (matrix[:, :4], matrix[:4]):  # fewer dimensions or rows than asked for
        with pytest.raises(ValueError, match="cannot reduce"):
            pretrain.pca(too_wide, 5)


def test_pca_signs_do_not_depend_on_the_svd(monkeypatch):
    matrix = np.random.default_rng(1).normal(size=(30, 6))
    reduced = pretrain.pca(matrix, 3)
    svd = np.linalg.svd
    monkeypatch.setattr(np.linalg, "svd", lambda a, **kw: (lambda u, s, vt: (-u, s, -vt))(*svd(a, **kw)))
    assert np.allclose(pretrain.pca(matrix, 3), reduced)


def _fake_lac_sdist(tmp_path, monkeypatch) -> np.ndarray:
    table = np.random.default_rng(2).normal(size=(5, 4)).astype("<f4")
    members = {
        "model/word_emb": lod_tensor_bytes(table),
        "conf/word.dic": "0\t \n1\t县\n2\t兰考\n3\t叁\n4\tOOV\n".encode(),
        "conf/q2b.dic": "縣\t县\n三\t叁\n".encode(),
    }
    sdist = tmp_path / "LAC-test.tar.gz"
    with tarfile.open(sdist, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(pretrain.LAC_MODEL + name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    monkeypatch.setattr(pretrain, "LAC", ("LAC==0", sdist.name, sha256_file(sdist)))
    return table


def test_lac_char_vectors_looks_chars_up_as_lac_does(tmp_path, monkeypatch):
    table = _fake_lac_sdist(tmp_path, monkeypatch)
    vectors = pretrain.lac_char_vectors([" ", "县", "縣", "三", "兰", "考", "乡"], tmp_path)
    assert list(vectors) == [" ", "县", "縣", "三"]  # words (兰考) are not chars; 乡 is unknown
    assert np.array_equal(vectors["縣"], table[1]) and np.array_equal(vectors["三"], table[3])


def test_lac_is_fetched_with_an_old_setuptools_for_its_setup_py(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(pypi_data.subprocess, "run", lambda cmd, check, env: calls.append(env))
    with pytest.raises(FileNotFoundError):
        pretrain.lac_char_vectors(["县"], tmp_path)
    assert open(calls[0]["PIP_CONSTRAINT"]).read().split() == pretrain.LAC_BUILD_CONSTRAINTS


def test_initialise_char_vectors_replaces_exactly_the_rows_of_known_chars(monkeypatch):
    vocab = Vocab.build([list("兰考县扶贫办召开会议"), list("省委巡查组")], ["O", "S-ORG"], 1, 1)
    known = {"县", "省", "办", "组"}
    rng = np.random.default_rng(3)
    monkeypatch.setitem(pretrain.CHAR_VECTORS, "fake", lambda chars: {c: rng.normal(size=12) for c in chars if c in known})
    torch.manual_seed(0)
    model = BiLSTMCRF(vocab, ModelConfig(char_dim=3, bigram_dim=4, hidden=4, layers=1, dropout=0.0))
    before = model.char_emb.weight.detach().clone()
    assert pretrain.initialise_char_vectors(model, vocab, "fake") == len(known)
    changed = {vocab.chars[i] for i in range(len(vocab.chars)) if not torch.equal(model.char_emb.weight[i], before[i])}
    assert changed == known
    rows = [vocab.char_index[c] for c in known]
    assert model.char_emb.weight[rows].std(correction=0).item() == pytest.approx(1.0, rel=1e-4)


def _config(tmp_path: Path, char_vectors: str) -> Path:
    cfg = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    cfg["pretrain"]["char_vectors"] = char_vectors
    del cfg["smoke"]["pretrain"]["char_vectors"]  # smoke runs start without LAC's vectors; these tests want them
    (tmp_path / "cfg.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return tmp_path / "cfg.yaml"


def test_training_log_records_the_rows_from_char_vectors(corpus_dir, tmp_path, monkeypatch):
    rng = np.random.default_rng(4)
    monkeypatch.setitem(pretrain.CHAR_VECTORS, "fake", lambda chars: {c: rng.normal(size=20) for c in chars if c != "县"})
    files = {"train_file": corpus_dir / "train.txt", "dev_file": corpus_dir / "dev.txt"}
    train_ner(tmp_path / "m", _config(tmp_path, "fake"), smoke=True, max_steps=1, progress=False, **files)
    log = json.loads((tmp_path / "m" / "training_log.json").read_text(encoding="utf-8"))
    chars = json.loads((tmp_path / "m" / "ner" / "vocab.json").read_text(encoding="utf-8"))["chars"]
    assert "县" in chars  # smoke: no raw text, so no other pretraining entries
    assert log["pretrain"] == {"char_vectors": "fake", "char_rows_from_char_vectors": len(chars) - 3}


def test_the_shipped_recipe_uses_lac_vectors_but_a_smoke_run_fetches_nothing():
    assert load_config()["pretrain"]["char_vectors"] == "lac"
    assert load_config(smoke=True)["pretrain"] == load_config()["pretrain"] | {"raw_text": None, "char_vectors": None}


def test_unknown_char_vectors_is_a_clear_error(corpus_dir, tmp_path):
    with pytest.raises(ValueError, match="char_vectors: unknown 'glove'"):
        train_ner(
            tmp_path / "m",
            _config(tmp_path, "glove"),
            smoke=True,
            train_file=corpus_dir / "train.txt",
            dev_file=corpus_dir / "dev.txt",
            progress=False,
        )


def test_the_real_lac_vectors_when_cached():
    cache = pypi_data.default_cache_dir() / "lac"
    if not (cache / pretrain.LAC[1]).exists():
        pytest.skip("LAC sdist not in the local cache")
    vectors = pretrain.lac_char_vectors(["省", "市", "县", "张", "橥"], cache)
    assert set(vectors) == {"省", "市", "县", "张"}
    assert all(v.shape == (128,) and np.isfinite(v).all() for v in vectors.values())
    unit = {c: v / np.linalg.norm(v) for c, v in vectors.items()}
    assert unit["省"] @ unit["市"] > 0.4 and unit["市"] @ unit["县"] > 0.4 and unit["省"] @ unit["张"] < 0.2
