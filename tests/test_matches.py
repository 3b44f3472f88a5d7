from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from paradup.matches import score_pair, verify_candidates, word_diff
from paradup.model import Params
from paradup.normalize import normalize
from paradup.shingles import shingle_set

BASE = ("the general confederation of peruvian workers veered from initially recognizing the regime "
        "to feigning support for the demonstrations and calling a series of national strikes")


def score(a, b, **kw):
    na, nb = normalize(a), normalize(b)
    return score_pair(na, nb, shingle_set(na, 3), shingle_set(nb, 3), Params(**kw))


def test_equal_normalised_texts_are_exact():
    assert score(BASE.upper(), BASE).kind == "exact"


def test_a_lightly_edited_copy_is_near():
    s = score(BASE, BASE.replace("initially", "first").replace("series", "set"))
    assert s.kind == "near" and s.similarity > 0.9 and s.contained is None


def test_a_trimmed_copy_is_a_containment_and_names_the_contained_side():
    s = score(BASE, BASE.split(" to feigning")[0])
    assert (s.kind, s.contained, s.containment) == ("containment", "b", 1.0)
    assert score(BASE.split(" to feigning")[0], BASE).contained == "a"


def test_unrelated_text_on_the_same_topic_is_rejected():
    other = ("the peruvian workers of the confederation called national strikes while the regime "
             "sent the police against the demonstrations in the south of the country")
    s = score(BASE, other)
    assert s.kind is None and s.similarity < 0.8


def test_verify_keeps_only_accepted_pairs_with_scores_in_unit_range():
    texts = [normalize(BASE), normalize(BASE + " and more"), normalize("something else entirely different here")]
    sets = [shingle_set(t, 3) for t in texts]
    got = verify_candidates(np.array([[0, 1], [0, 2], [1, 2]]), texts, sets, Params())
    assert [(m.a, m.b) for m in got] == [(0, 1)]
    assert all(0 <= v <= 1 for m in got for v in (m.similarity, m.jaccard, m.containment))


words = st.lists(st.sampled_from("a b c d e f g h".split()), min_size=1, max_size=25).map(" ".join)


@given(words, words)
def test_scores_are_symmetric(a, b):
    x, y = score(a, b), score(b, a)
    assert (x.similarity, x.jaccard, x.containment, x.kind) == (y.similarity, y.jaccard, y.containment, y.kind)
    if x.contained:
        assert {x.contained, y.contained} == {"a", "b"}


@given(words, words)
def test_word_diff_rebuilds_both_texts(a, b):
    ops = word_diff(a, b)
    assert " ".join(x for _, x, _ in ops if x) == a
    assert " ".join(y for _, _, y in ops if y) == b
