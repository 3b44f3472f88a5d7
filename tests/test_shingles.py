from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from paradup.shingles import containment, hash_shingle, jaccard, normalize, shingle_set, split_sentences, word_shingles


def test_normalisation_folds_case_quotes_dashes_and_punctuation():
    assert normalize("Peru’s “CAPITAL” — continues…") == normalize("peru's \"capital\" - continues") == "perus capital continues"
    assert normalize("ＦＵＬＬ width") == "full width"  # NFKC
    assert normalize("Straße") == normalize("STRASSE")  # case folding, not lower()


def test_normalisation_never_touches_the_text_reports_quote():
    original = "Protests in Peru’s capital."
    normalize(original)
    assert original == "Protests in Peru’s capital."


def test_shingles_are_word_ngrams_and_short_texts_make_one():
    assert word_shingles("a b c d e".split(), 3) == ["a b c", "b c d", "c d e"]
    assert word_shingles(["solo"], 3) == ["solo"]


def test_shingle_set_hashes_each_distinct_shingle_with_xxh32():
    got = shingle_set("a b c a b c", 3)
    expected = sorted({hash_shingle(s) for s in word_shingles("a b c a b c".split(), 3)})
    assert got.tolist() == expected and got.dtype == np.uint32


def test_sentences_split_at_closing_punctuation():
    assert split_sentences("He said “Go.” Then left! Why? Because") == ["He said “Go.”", "Then left!", "Why?", "Because"]


sets = st.lists(st.integers(0, 50), max_size=30).map(lambda xs: np.unique(np.array(xs, dtype=np.uint32)))


@given(sets, sets)
def test_jaccard_and_containment_agree_with_python_sets(a, b):
    sa, sb = set(a.tolist()), set(b.tolist())
    if sa or sb:
        assert jaccard(a, b) == len(sa & sb) / len(sa | sb)
    assert jaccard(a, b) == jaccard(b, a)
    small = min(len(sa), len(sb))
    assert containment(a, b) == (len(sa & sb) / small if small else 0.0)
