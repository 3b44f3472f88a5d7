"""Signatures must equal datasketch's for the same seed, permutations and hash function."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from datasketch import LeanMinHash, MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from paradup.normalize import normalize
from paradup.paragraphs import split_paragraphs
from paradup.shingles import hash_shingle, shingle_set, word_shingles
from paradup.signatures import compute_signatures

SEED = Path(__file__).parent / "data" / "peru-protests-article.txt"


def datasketch_signature(text: str, num_perm: int, seed: int, size: int = 3) -> np.ndarray:
    m = MinHash(num_perm=num_perm, seed=seed, hashfunc=hash_shingle)
    m.update_batch(word_shingles(normalize(text).split(), size))
    return m.hashvalues


def test_signatures_equal_datasketch_minhash_on_real_text():
    paragraphs = [p.text for p in split_paragraphs(SEED.read_text(encoding="utf-8"))]
    for num_perm, seed in ((128, 1), (64, 42)):
        ours = compute_signatures([shingle_set(normalize(t), 3) for t in paragraphs], num_perm, seed)
        for row, text in zip(ours, paragraphs):
            assert np.array_equal(row, datasketch_signature(text, num_perm, seed))


def test_signature_rows_make_equal_lean_minhashes():
    text = "Protests in Peru’s capital continue as the demonstrators who traveled from across the country"
    row = compute_signatures([shingle_set(normalize(text), 3)], 128, 1)[0]
    m = MinHash(num_perm=128, seed=1, hashfunc=hash_shingle)
    m.update_batch(word_shingles(normalize(text).split(), 3))
    assert LeanMinHash(seed=1, hashvalues=row, scheme="affine32") == LeanMinHash(m)


def test_an_empty_set_gets_the_empty_minhash():
    sig = compute_signatures([np.array([], dtype=np.uint32), np.array([5], dtype=np.uint32)], 16, 1)
    assert np.array_equal(sig[0], MinHash(num_perm=16, seed=1).hashvalues)
    assert not np.array_equal(sig[1], sig[0])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.integers(0, 2**32 - 1), max_size=40), min_size=1, max_size=300))
def test_batches_agree_with_one_minhash_each(value_lists):
    sets = [np.unique(np.array(v, dtype=np.uint32)) for v in value_lists]
    sig = compute_signatures(sets, 32, 7)
    for row, values in zip(sig, sets):
        m = MinHash(num_perm=32, seed=7, hashfunc=lambda x: x)
        m.update_batch(values.tolist())
        assert np.array_equal(row, m.hashvalues)


def test_the_permutations_are_datasketchs():
    from datasketch import MinHash

    from paradup.signatures import permutations

    for num_perm, seed in ((128, 1), (16, 7), (256, 12345)):
        a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
        ours = permutations(num_perm, seed)
        assert ours[0].tolist() == a.tolist() and ours[1].tolist() == b.tolist()


def test_band_keys_made_with_the_signatures_equal_band_keys_of_the_signatures():
    import numpy as np

    from paradup.candidates import band_keys
    from paradup.signatures import sign_and_band, sign_flat

    rng = np.random.default_rng(3)
    sizes = rng.integers(0, 40, 300)
    values = rng.integers(0, 2**32, int(sizes.sum()), dtype=np.uint32)
    offsets = np.r_[0, np.cumsum(sizes)]
    for bands, rows in ((37, 3), (25, 5), (1, 128), (9, 13)):
        want = band_keys(sign_flat(values, offsets, 128, 1, use=bands * rows), bands, rows).T
        assert np.array_equal(sign_and_band(values, offsets, 128, 1, bands, rows), want)
