"""The model's input normalisation: the whole-string fast path agrees with the per-character rule."""

from hypothesis import given
from hypothesis import strategies as st

from pipeline.ner.bilstm_crf_model import normalise_char, normalise_chars

TOKENS = st.one_of(st.characters(), st.sampled_from(["Ａ", "İ", "\u3000", "\t", "ﬀ", "  ", "ab", "京"]))


@given(st.lists(TOKENS, max_size=30))
def test_normalise_chars_matches_normalise_char(tokens):
    assert normalise_chars(tokens) == [normalise_char(t) for t in tokens]


def test_full_width_and_space_folding():
    assert normalise_chars(list("ＡＢ１\u3000京")) == ["a", "b", "1", " ", "京"]
