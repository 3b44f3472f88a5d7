from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from paradup.shingles import containment, hash_shingle, jaccard, overlap, shingle_batch, shingle_set, word_shingles


def test_shingles_are_word_ngrams_and_short_texts_make_one():
    assert word_shingles("a b c d e".split(), 3) == ["a b c", "b c d", "c d e"]
    assert word_shingles(["solo"], 3) == ["solo"]


def test_shingle_set_hashes_each_distinct_shingle_with_hash_shingle():
    got = shingle_set("a b c a b c", 3)
    expected = sorted({hash_shingle(s) for s in word_shingles("a b c a b c".split(), 3)})
    assert got.tolist() == expected and got.dtype == np.uint32


sets = st.lists(st.integers(0, 50), max_size=30).map(lambda xs: np.unique(np.array(xs, dtype=np.uint32)))


@given(sets, sets)
def test_jaccard_and_containment_agree_with_python_sets(a, b):
    sa, sb = set(a.tolist()), set(b.tolist())
    if sa or sb:
        assert jaccard(a, b) == len(sa & sb) / len(sa | sb)
    assert jaccard(a, b) == jaccard(b, a)
    small = min(len(sa), len(sb))
    assert containment(a, b) == (len(sa & sb) / small if small else 0.0)


words = st.lists(st.sampled_from(["a", "bb", "ccc", "été", "x1", "peru", "lima", "🙂"]), max_size=12)
marked_paragraph = st.lists(words.map(" ".join), max_size=4).map(lambda ss: "\x01".join(s for s in ss if s))


@given(st.lists(marked_paragraph, min_size=1, max_size=6), st.integers(1, 5))
def test_batch_hashing_equals_hash_shingle_of_every_shingle_string(paragraphs, size):
    batch = shingle_batch(paragraphs, size, min_words=2)
    flat = batch.sets()  # every paragraph's set from one compiled pass
    for i, paragraph in enumerate(paragraphs):
        plain = paragraph.replace("\x01", " ").split()
        assert batch.set(i).tolist() == flat[i].tolist() == sorted({hash_shingle(s) for s in word_shingles(plain, size)})
        assert batch.words[i] == len(plain)


@given(st.lists(marked_paragraph, min_size=1, max_size=6))
def test_long_sentences_get_equal_keys_wherever_they_stand(paragraphs):
    batch = shingle_batch(paragraphs, 3, min_words=2)
    sentences = [(s, i) for i, p in enumerate(paragraphs) for s in p.split("\x01") if len(s.split()) >= 2]
    assert len(batch.sentence_keys) == len(sentences)
    assert batch.sentence_ids.tolist() == [i for _, i in sentences]
    key_of = {}
    for key, (sentence, _) in zip(batch.sentence_keys.tolist(), sentences):
        assert key_of.setdefault(sentence, key) == key
    assert len(set(key_of.values())) == len(key_of)


@given(st.lists(st.integers(0, 40), max_size=30), st.lists(st.integers(0, 40), max_size=30))
def test_overlap_jaccard_and_containment_agree_with_python_sets(a, b):
    sa, sb = np.unique(np.array(a, dtype=np.uint32)), np.unique(np.array(b, dtype=np.uint32))
    shared = len(set(a) & set(b))
    assert overlap(sa, sb) == overlap(sb, sa) == shared
    if a or b:
        assert jaccard(sa, sb) == shared / len(set(a) | set(b))
    if a and b:
        assert containment(sa, sb) == shared / min(len(set(a)), len(set(b)))


ascii_text = st.lists(st.sampled_from(list("aZ9 '\".!?)]\n\t\x0b\x1c-_,x\x00") + ["bc", "DEF", "  ", ". "]), max_size=40).map("".join)


@given(ascii_text, st.integers(1, 5), st.integers(1, 4))
def test_hashing_while_normalising_equals_normalising_then_hashing(text, size, min_words):
    import numpy as np

    from paradup.normalize import normalize_ascii
    from paradup.shingles import shingle_ascii, shingle_buffer

    buf = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    one, two = shingle_ascii(buf, size, min_words), shingle_buffer(normalize_ascii(buf), size, min_words)
    for field in ("values", "offsets", "words", "sentence_keys", "sentence_ids", "text_keys"):
        assert getattr(one, field).tolist() == getattr(two, field).tolist(), field
