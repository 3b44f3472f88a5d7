from __future__ import annotations

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHashLSH
from planted import build

from paradup.candidates import choose_bands, find_candidates, group_pairs, lsh_probability, lsh_threshold, partition_keys
from paradup.normalize import normalize
from paradup.paragraphs import split_paragraphs
from paradup.shingles import shingle_set
from paradup.signatures import compute_signatures
from paradup.sketch import Blocks


def test_lsh_maths_follow_the_textbook_formulas():
    assert lsh_threshold(20, 5) == pytest.approx((1 / 20) ** (1 / 5))
    assert lsh_probability(0.6, 20, 5) == pytest.approx(1 - (1 - 0.6**5) ** 20)
    curve = [lsh_probability(s / 10, 32, 4) for s in range(11)]
    assert curve == sorted(curve) and curve[0] == 0.0 and curve[-1] == 1.0


def test_bands_and_rows_are_datasketchs_choice():
    for num_perm, threshold in ((128, 0.1), (128, 0.3), (128, 0.5), (128, 0.8), (32, 0.45), (256, 0.7)):
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        assert choose_bands(threshold, num_perm) == (lsh.b, lsh.r)


def test_a_threshold_too_high_for_two_bands_gets_one_band_of_every_row():
    with pytest.raises(ValueError):
        MinHashLSH(threshold=0.99, num_perm=128)  # datasketch cannot split it
    assert choose_bands(0.99, 128) == (1, 128)


def test_sort_based_banding_finds_exactly_the_pairs_minhashlsh_finds():
    planted = build(seed=5, docs=8, per_doc=15)
    texts = sorted({normalize(p.text) for t in planted.texts.values() for p in split_paragraphs(t)})
    sig = compute_signatures([shingle_set(t, 3) for t in texts], 128, 1)
    ids = np.arange(len(texts))
    ours = {tuple(p) for p in find_candidates(sig, ids, 32, 4, max_bucket=10**6).tolist()}
    lsh = MinHashLSH(num_perm=128, params=(32, 4))
    for i, row in enumerate(sig):
        lsh.insert(i, LeanMinHash(seed=1, hashvalues=row, scheme="affine32"))
    theirs = set()
    for i, row in enumerate(sig):
        for j in lsh.query(LeanMinHash(seed=1, hashvalues=row, scheme="affine32")):
            if i < j:
                theirs.add((i, j))
    assert ours == theirs and ours


def test_a_huge_bucket_yields_linear_pairs_that_still_connect_every_member():
    keys = np.zeros(1000, dtype=np.uint64)
    pairs = group_pairs(keys, np.arange(1000), max_bucket=50)
    assert len(pairs) < 2 * 1000
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(1000, 1000))
    assert connected_components(graph, directed=False)[0] == 1


def test_small_buckets_yield_every_pair_once():
    pairs = group_pairs(np.array([3, 3, 3, 4, 4, 9]), np.array([10, 11, 12, 13, 14, 15]), max_bucket=8)
    assert pairs.tolist() == [[10, 11], [10, 12], [11, 12], [13, 14]]


def test_buckets_of_every_size_give_all_their_pairs_and_crowded_ones_a_star_and_a_chain():
    rng = np.random.default_rng(8)
    keys = rng.integers(0, 40, 1_500).astype(np.uint64)  # buckets of about 37 members, some over 40
    ids = rng.permutation(keys.size) * 3
    expected = set()
    for key in np.unique(keys).tolist():
        members = sorted(ids[keys == key].tolist())
        if len(members) <= 40:
            expected |= {(a, b) for i, a in enumerate(members) for b in members[i + 1 :]}
        else:
            expected |= {(members[0], m) for m in members[1:]} | set(zip(members[1:-1], members[2:]))
    assert {tuple(p) for p in group_pairs(keys, ids, 40).tolist()} == expected


@pytest.mark.parametrize("spread", [2**64, 2**20, 40])
def test_dropping_surely_single_keys_before_the_exact_grouping_changes_no_pair(monkeypatch, spread):
    from paradup import candidates

    rng = np.random.default_rng(4)
    keys = rng.integers(0, spread, 50_000, dtype=np.uint64)
    keys[rng.integers(0, keys.size, 3_000)] = keys[rng.integers(0, keys.size, 3_000)]  # planted repeats
    keys[:100] = keys[100]  # and one crowded bucket
    ids = rng.permutation(keys.size)
    monkeypatch.setattr(candidates, "_PREFILTER", 10**9)
    plain = group_pairs(keys, ids, 64)
    monkeypatch.setattr(candidates, "_PREFILTER", 0)
    assert len(plain) > 3_000 and np.array_equal(group_pairs(keys, ids, 64), plain)


@pytest.mark.parametrize("spread", [2**64, 2**20, 40, 1])
def test_repeated_keys_are_those_a_count_finds_more_than_once(spread):
    from paradup.candidates import hash_table, repeated

    rng = np.random.default_rng(spread % 1000)
    keys = rng.integers(0, spread, 30_000, dtype=np.uint64) if spread > 1 else np.zeros(30_000, dtype=np.uint64)
    keys[rng.integers(0, keys.size, 2_000)] = keys[rng.integers(0, keys.size, 2_000)]
    keys[:5] = np.arange(5, dtype=np.uint64) << np.uint64(40)  # equal low bits, different high bits
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    expected = counts[inverse] > 1
    assert np.array_equal(repeated(keys), expected) and 0 < expected.sum() <= keys.size
    table = hash_table(keys.size)
    repeated(keys[::-1].copy(), table)  # a table used before, as the bands of a scan share one
    assert np.array_equal(repeated(keys, table), expected) and np.array_equal(repeated(keys, hash_table(7)), expected)
    assert repeated(keys[:0]).size == 0 and not repeated(keys[:1]).any()


def test_partitioned_keys_are_the_owned_keys_selected_partition_by_partition():
    rng = np.random.default_rng(5)
    keys = rng.integers(0, 2**63, size=20_000, dtype=np.uint64) * np.uint64(2) + rng.integers(0, 2, 20_000).astype(np.uint64)
    keys[::7] = keys[3]  # repeated keys land in one partition
    ids = rng.integers(0, 3_000, size=keys.size)
    owner_of = np.where(rng.random(3_000) < 0.3, -1, rng.integers(0, 1_000, size=3_000))
    for parts in (1, 2, 8, 37):
        got_keys, got_owners, offsets = partition_keys(keys, ids, owner_of, parts)
        owners = owner_of[ids]
        kept, owners = keys[owners >= 0], owners[owners >= 0]
        part = ((kept >> np.uint64(32)) * np.uint64(parts)) >> np.uint64(32)
        assert offsets.tolist() == [0, *np.cumsum(np.bincount(part.astype(np.int64), minlength=parts)).tolist()]
        for k in range(parts):
            mine = part == k
            assert np.array_equal(got_keys[offsets[k] : offsets[k + 1]], kept[mine])
            assert np.array_equal(got_owners[offsets[k] : offsets[k + 1]], owners[mine])


def test_keys_kept_in_blocks_are_partitioned_as_if_joined():
    rng = np.random.default_rng(6)
    keys = rng.integers(0, 2**64 - 1, size=5_000, dtype=np.uint64)
    keys[::5] = keys[1]
    ids = np.sort(rng.integers(0, 2_000, size=keys.size))  # as a scan's: in paragraph order
    owner_of = np.where(rng.random(2_000) < 0.4, -1, rng.integers(0, 900, size=2_000))
    cuts = [0, 1, 1, 700, 2_400, 2_401, keys.size]  # an empty block, a block of one
    starts = [int(ids[a]) if a < keys.size else 0 for a in cuts[:-1]]  # each block's ids counted from its start
    key_blocks = Blocks.join([keys[a:b] for a, b in zip(cuts, cuts[1:])], [0] * (len(cuts) - 1))
    id_blocks = Blocks.join([ids[a:b] - s for a, b, s in zip(cuts, cuts[1:], starts)], starts, np.int64)
    assert np.array_equal(np.asarray(key_blocks), keys) and np.array_equal(np.asarray(id_blocks), ids)
    assert key_blocks.size == id_blocks.size == keys.size
    for parts in (1, 3, 8):
        want = partition_keys(keys, ids, owner_of, parts)
        got = partition_keys(key_blocks, id_blocks, owner_of, parts)
        assert all(np.array_equal(a, b) for a, b in zip(got, want)) and want[0].size > 0
