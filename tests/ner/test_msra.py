import pytest

from pipeline.ner.msra import (
    WHEEL_NAME,
    default_cache_dir,
    load_msra,
    parse_column_lines,
    read_column_file,
    read_msra_split,
    spans_to_tags,
    story_dev_lines,
    tags_to_spans,
)


def test_reader_groups_sentences_and_accepts_tabs_and_crlf(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes("张 B-PER\r\n三 E-PER\r\n\r\n\r\n去\tO\n京\tS-LOC\n".encode())
    assert read_column_file(path) == [(["张", "三"], ["B-PER", "E-PER"]), (["去", "京"], ["O", "S-LOC"])]


def test_reader_rejects_a_line_without_tag():
    try:
        list(parse_column_lines(["张 B-PER", "三"]))
    except ValueError as err:
        assert "line 2" in str(err)
    else:
        raise AssertionError("expected ValueError")


def test_bmes_spans():
    tags = ["B-ORG", "M-ORG", "E-ORG", "O", "S-LOC", "B-PER", "E-PER"]
    assert tags_to_spans(tags) == [(0, 3, "ORG"), (4, 5, "LOC"), (5, 7, "PER")]


def test_bio_and_iobes_spans():
    assert tags_to_spans(["B-PER", "I-PER", "B-PER", "O", "I-LOC"]) == [(0, 2, "PER"), (2, 3, "PER"), (4, 5, "LOC")]
    assert tags_to_spans(["S-ORG", "B-LOC", "I-LOC", "E-LOC"]) == [(0, 1, "ORG"), (1, 4, "LOC")]


def test_ill_formed_sequences_are_read_leniently():
    # a label change closes the open span; an unterminated span runs to the end
    assert tags_to_spans(["B-ORG", "M-LOC", "E-LOC", "B-PER", "M-PER"]) == [(0, 1, "ORG"), (1, 3, "LOC"), (3, 5, "PER")]
    assert tags_to_spans(["E-ORG", "O"]) == [(0, 1, "ORG")]


def test_spans_to_tags_round_trip():
    spans = [(0, 3, "ORG"), (4, 5, "LOC"), (5, 7, "PER")]
    for scheme in ("BMES", "BIO"):
        assert tags_to_spans(spans_to_tags(8, spans, scheme)) == spans
    assert spans_to_tags(3, [(0, 1, "LOC"), (1, 3, "PER")]) == ["S-LOC", "B-PER", "E-PER"]


@pytest.mark.skipif(not (default_cache_dir() / WHEEL_NAME).exists(), reason="MSRA wheel not cached")
def test_train_and_dev_sentences_know_their_line_in_the_file():
    """Training keeps document order through `line` (gazetteer folds are blocks of the file)."""
    msra = load_msra(0.1, 13)
    lines = list(msra["train"]["line"]) + list(msra["dev"]["line"])
    original = read_msra_split("train")
    assert sorted(lines) == list(range(len(original)))
    for split in ("train", "dev"):
        row = msra[split][0]
        assert (row["tokens"], row["tags"]) == tuple(map(list, original[row["line"]]))


def test_story_dev_takes_every_tenth_block_of_consecutive_sentences():
    lines = story_dev_lines(2_000, 0.1, 50, seed=13)  # blocks of 50; every 10th, starting at block 3
    assert sorted(lines)[:3] == [150, 151, 152]
    assert set(range(150, 200)) <= lines and 149 not in lines and 200 not in lines
    assert set(range(650, 700)) <= lines
    assert len(lines) == 200


@pytest.mark.skipif(not (default_cache_dir() / WHEEL_NAME).exists(), reason="MSRA wheel not cached")
def test_story_dev_split_keeps_lines_and_partitions_the_file():
    msra = load_msra(0.1, 13, dev_block=500)
    dev_lines = list(msra["dev"]["line"])
    assert dev_lines[:2] == [1500, 1501] and 1999 in dev_lines and 2000 not in dev_lines
    assert sorted(dev_lines + list(msra["train"]["line"])) == list(range(len(read_msra_split("train"))))


@pytest.mark.skipif(not (default_cache_dir() / WHEEL_NAME).exists(), reason="MSRA wheel not cached")
def test_dev_fraction_zero_trains_on_every_sentence():
    msra = load_msra(0.0, 13)
    assert len(msra["dev"]) == 0 and msra["dev"].column_names == msra["train"].column_names
    assert list(msra["train"]["line"]) == list(range(len(read_msra_split("train"))))
