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


def check_batch_scores_equal_pair_scores(texts, pairs, shared, **kw):
    from paradup.matches import _KINDS, score_pairs
    from paradup.shingles import shingle_batch

    params = Params(**kw)
    values, offsets = shingle_batch(texts, params.shingle_size).flat_sets()
    got = score_pairs(pairs, texts, values, offsets, params, shared)
    for i, (a, b) in enumerate(pairs.tolist()):
        want = score_pair(texts[a], texts[b], values[offsets[a] : offsets[a + 1]], values[offsets[b] : offsets[b + 1]], params)
        kind = want.kind or ("passage" if shared[i] else None)
        assert (got.similarity[i], got.jaccard[i], got.containment[i], _KINDS[got.kind[i]]) == (
            want.similarity, want.jaccard, want.containment, kind)
        if kind == "containment":
            assert ("a" if got.smaller_a[i] else "b") == want.contained


def test_batch_scores_equal_pair_scores_on_every_pair_of_the_seed_article():
    from pathlib import Path

    from paradup.paragraphs import split_paragraphs

    article = Path(__file__).parent / "data" / "peru-protests-article.txt"
    texts = [normalize(p.text) for p in split_paragraphs(article.read_text(encoding="utf-8"))]
    n = len(texts)
    pairs = np.array([(a, b) for a in range(n) for b in range(a + 1, n)])
    shared = np.arange(len(pairs)) % 3 == 0
    check_batch_scores_equal_pair_scores(texts, pairs, shared)
    check_batch_scores_equal_pair_scores(texts, pairs, shared, min_similarity=0.3, min_containment=0.2, min_jaccard=0.1)


@given(st.lists(words | st.just(""), min_size=2, max_size=8), st.data())
def test_batch_scores_equal_pair_scores_on_random_texts(texts, data):
    n = len(texts)
    pairs = np.array(data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), min_size=1, max_size=20)))
    shared = np.array(data.draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs))))
    check_batch_scores_equal_pair_scores(texts, pairs, shared, min_similarity=0.5, min_jaccard=0.3, min_containment=0.5)
