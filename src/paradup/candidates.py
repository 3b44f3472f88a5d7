"""LSH banding: turn MinHash signatures into candidate pairs.

A signature of ``bands * rows`` values is cut into ``bands`` bands of
``rows`` values; two paragraphs become candidates when any band is equal.
For a pair with Jaccard similarity ``s`` that happens with probability
``1 - (1 - s**rows)**bands`` (:func:`lsh_probability`), an S-curve whose
steepest point lies near ``(1 / bands)**(1 / rows)`` (:func:`lsh_threshold`).

Banding is done by sorting each band's keys with numpy, which yields the same
candidate set as ``datasketch.MinHashLSH`` at a fraction of its time and memory
(research/perf.md §10).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from paradup.arrays import Blocks, pieces, unique
from paradup.jit import kernel, on_warm_up

_FNV = np.uint64(0x100000001B3)


@lru_cache(maxsize=64)
def choose_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """Return datasketch's optimal ``(bands, rows)`` for a Jaccard ``threshold``.

    The ``(b, r)`` with ``b * r <= num_perm`` that minimises the area under
    the S-curve below the threshold (false positives) plus the area above it
    (false negatives), equally weighted, as ``datasketch.MinHashLSH`` picks
    it.  ``P(s)`` is a polynomial of degree ``b * r``, so Gauss-Legendre
    quadrature with ``num_perm // 2 + 1`` nodes integrates it exactly, for
    every ``(b, r)`` at once: milliseconds where datasketch's loop of
    adaptive integrals takes a second.

    >>> choose_bands(0.5, 128)
    (25, 5)
    """
    if num_perm > 1024:  # the node grid would grow too large: ask datasketch
        return _choose_bands_datasketch(threshold, num_perm)
    pairs = np.array([(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)], dtype=np.float64)
    x, w = np.polynomial.legendre.leggauss(num_perm // 2 + 1)
    below = (x + 1) * threshold / 2  # nodes on [0, threshold]
    above = threshold + (x + 1) * (1 - threshold) / 2  # nodes on [threshold, 1]
    b, r = pairs[:, :1], pairs[:, 1:]
    fp = (1 - (1 - below**r) ** b) @ w * threshold / 2
    fn = ((1 - above**r) ** b) @ w * (1 - threshold) / 2
    best = pairs[int(np.argmin(0.5 * fp + 0.5 * fn))]
    if best[0] < 2:
        return 1, num_perm  # see _choose_bands_datasketch
    return int(best[0]), int(best[1])


def _choose_bands_datasketch(threshold: float, num_perm: int) -> tuple[int, int]:
    from datasketch import MinHashLSH

    try:
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    except ValueError:
        # datasketch finds no split with two bands or more (threshold near 1,
        # or few permutations): one band of every row only catches near-equal pairs.
        return 1, num_perm
    return lsh.b, lsh.r


def lsh_threshold(bands: int, rows: int) -> float:
    """Return the similarity where the S-curve is steepest: ``(1 / bands) ** (1 / rows)``.

    >>> round(lsh_threshold(25, 5), 3)
    0.525
    """
    return (1.0 / bands) ** (1.0 / rows)


def lsh_probability(similarity: float, bands: int, rows: int) -> float:
    """Return the chance a pair of Jaccard ``similarity`` becomes a candidate.

    ``P(s) = 1 - (1 - s**rows) ** bands``

    >>> round(lsh_probability(0.8, 25, 5), 4)
    1.0
    >>> round(lsh_probability(0.2, 25, 5), 4)
    0.008
    """
    return 1.0 - (1.0 - similarity**rows) ** bands


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Return one 64-bit key per paragraph and band, shape ``[n, bands]``.

    Band ``k`` hashes hash values ``k * rows .. (k + 1) * rows - 1`` (FNV-1a
    over the values), the slices ``datasketch.MinHashLSH`` compares.  The
    result is a transposed view of a band-major array: ``.T`` is contiguous.

    >>> sig = np.array([[1, 2, 3, 4], [1, 2, 9, 9]], dtype=np.uint32)
    >>> keys = band_keys(sig, 2, 2)
    >>> bool(keys[0, 0] == keys[1, 0]), bool(keys[0, 1] == keys[1, 1])
    (True, False)
    """
    n = signatures.shape[0]
    values = np.ascontiguousarray(signatures[:, : bands * rows].T).reshape(bands, rows, n)
    keys = np.full((bands, n), 0xCBF29CE484222325, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for row in range(rows):
            keys ^= values[:, row, :]
            keys *= _FNV
    return keys.T


def group_pairs(keys: np.ndarray, ids: np.ndarray, max_bucket: int, table: np.ndarray | None = None) -> np.ndarray:
    """Return the pairs of ``ids`` whose ``keys`` are equal, as ``[m, 2]`` with ``a < b``
    (``table``: :func:`repeated`'s, to reuse).

    A bucket of more than ``max_bucket`` members (boilerplate, say) yields a
    star around its first member plus a chain through the rest, so cost stays
    linear while the members still end up connected.

    >>> group_pairs(np.array([7, 5, 7, 7]), np.array([0, 1, 2, 3]), 8).tolist()
    [[0, 2], [0, 3], [2, 3]]
    """
    keys = np.asarray(keys, dtype=np.uint64)
    if keys.size > _PREFILTER:
        maybe = may_repeat(keys, table)
        keys, ids = keys[maybe], np.asarray(ids)[maybe]
    order = np.argsort(keys)  # bucket members are sorted below, so the sort need not be stable
    sorted_keys, sorted_ids = keys[order], ids[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
    sizes = np.diff(np.concatenate((starts, [sorted_keys.size])))
    # Most buckets hold a pair: those are emitted in one vectorised step.
    two = starts[sizes == 2]
    a, b = sorted_ids[two], sorted_ids[two + 1]
    chunks = [np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1)]
    # Buckets of one size are expanded together: all their pairs in one step.
    for size in unique(sizes[(sizes > 2) & (sizes <= max_bucket)]).tolist():
        first = starts[sizes == size]
        members = np.sort(sorted_ids[first[:, None] + np.arange(size)], axis=1)
        i, j = np.triu_indices(size, k=1)
        chunks.append(np.stack([members[:, i].ravel(), members[:, j].ravel()], axis=1))
    for start, size in zip(starts[sizes > max_bucket].tolist(), sizes[sizes > max_bucket].tolist()):
        members = np.sort(sorted_ids[start : start + size])
        star = np.stack([np.full(size - 1, members[0]), members[1:]], axis=1)
        chain = np.stack([members[1:-1], members[2:]], axis=1)
        chunks.append(np.concatenate([star, chain]))
    return unique_pairs(chunks)


_PREFILTER = 4096  # above this many keys, first drop those that surely occur once


def may_repeat(keys: np.ndarray, table: np.ndarray | None = None) -> np.ndarray:
    """Return the positions of the keys that occur more than once (all of them, for a few keys);
    ``table`` as :func:`repeated` takes it.

    Dropping the others changes no grouping by key: a test checks it.

    >>> may_repeat(np.array([5, 9, 5, 3], dtype=np.uint64)).tolist()
    [0, 1, 2, 3]
    """
    keys = np.asarray(keys, dtype=np.uint64)
    return np.flatnonzero(repeated(keys, table)) if keys.size > _PREFILTER else np.arange(keys.size)


def repeated(keys: np.ndarray, table: np.ndarray | None = None) -> np.ndarray:
    """Return which ``keys`` occur more than once, found in one pass over a hash table.

    An open-addressing table of at least twice as many slots as keys, each
    holding the position of the first key that landed there (``int32`` while
    positions fit: half the memory to touch), looked up by the key's
    Fibonacci hash and probed linearly.  On this machine a million keys take
    7-8 ms, where one plain SIMD sort of them took 50 ms (and argsort 77 ms):
    the 37 bands of a million paragraphs are grouped 1.5 s sooner.  A key
    repeated 100,000 times finds its first copy at the first probe each time.
    ``table`` (:func:`hash_table` of as many keys) is used instead of a new one:
    the bands of a scan reuse one, as fresh memory costs a page fault every 4 kB.

    >>> repeated(np.array([5, 9, 5, 3], dtype=np.uint64)).tolist()
    [True, False, True, False]
    """
    keys = np.ascontiguousarray(keys, dtype=np.uint64)
    if table is None or table.size != _table_size(keys.size):
        table = hash_table(keys.size)
    table.fill(-1)
    return _mark_repeated(keys, table, np.uint64(65 - table.size.bit_length()))  # 64 - log2(size)


def hash_table(n: int) -> np.ndarray:
    """Return a table for :func:`repeated` of ``n`` keys (it empties the table itself)."""
    return np.empty(_table_size(n), dtype=np.int32 if n < 2**31 else np.int64)


def _table_size(n: int) -> int:
    return 1 << max(1, (2 * n - 1).bit_length())


@kernel
def _mark_repeated(keys, slots, shift):  # pragma: no cover - compiled; tested through repeated and group_pairs
    out = np.zeros(keys.size, np.bool_)
    mask = np.uint64(slots.size - 1)
    golden = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / the golden ratio: spreads keys of any structure
    for i in range(keys.size):
        key = keys[i]
        s = (key * golden) >> shift
        while True:
            first = slots[s]
            if first < 0:
                slots[s] = i
                break
            if keys[first] == key:
                out[i] = True
                out[first] = True
                break
            s = (s + np.uint64(1)) & mask
    return out


def partition_keys(keys: np.ndarray | Blocks, ids: np.ndarray | Blocks, owner_of: np.ndarray, parts: int
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the ``keys`` whose owner ``owner_of[ids]`` is not negative, with those owners,
    arranged in ``parts`` partitions by the keys' high bits: partition ``k`` is
    ``[offsets[k]:offsets[k + 1]]``, every occurrence of a key falls in one,
    and each keeps the keys' order.

    ``keys`` and ``ids`` are arrays, or :class:`paradup.arrays.Blocks` of
    blocks of equal sizes (a scan's, read block by block: never joined).
    Two compiled passes (count, then place) instead of a gather, a mask and
    a selection per partition: at 1e7 paragraphs the plain numpy took 2.8 s
    for the gather alone, and 0.7 s to select each partition.

    >>> k, o, offsets = partition_keys(np.array([2**63, 5, 2**63], dtype=np.uint64), np.array([0, 1, 2]),
    ...                                np.array([7, -1, 8]), 2)
    >>> k.tolist(), o.tolist(), offsets.tolist()
    ([9223372036854775808, 9223372036854775808], [7, 8], [0, 0, 2])
    """
    blocks = [(np.ascontiguousarray(k, dtype=np.uint64), np.ascontiguousarray(i, dtype=np.int64), np.int64(shift))
              for (k, _), (i, shift) in zip(pieces(keys), pieces(ids))]
    owner_of, parts = np.ascontiguousarray(owner_of, dtype=np.int64), np.uint64(parts)
    counts = np.zeros(int(parts) + 1, np.int64)
    for k, i, shift in blocks:
        _partition_count(k, i, shift, owner_of, parts, counts)
    offsets = np.cumsum(counts)
    out_keys, out_owners = np.empty(offsets[-1], np.uint64), np.empty(offsets[-1], np.int64)
    at = offsets[:-1].copy()
    for k, i, shift in blocks:
        _partition_place(k, i, shift, owner_of, parts, at, out_keys, out_owners)
    return out_keys, out_owners, offsets


@kernel
def _partition_count(keys, ids, shift, owner_of, parts, counts):  # pragma: no cover - compiled; tested against numpy
    high = np.uint64(32)
    for i in range(keys.size):
        if owner_of[ids[i] + shift] >= 0:
            counts[np.int64(((keys[i] >> high) * parts) >> high) + 1] += 1


@kernel
def _partition_place(keys, ids, shift, owner_of, parts, at, out_keys, out_owners):  # pragma: no cover - compiled
    high = np.uint64(32)
    for i in range(keys.size):
        owner = owner_of[ids[i] + shift]
        if owner >= 0:
            k = np.int64(((keys[i] >> high) * parts) >> high)
            out_keys[at[k]] = keys[i]
            out_owners[at[k]] = owner
            at[k] += 1


def find_candidates(signatures: np.ndarray, ids: np.ndarray, bands: int, rows: int, max_bucket: int) -> np.ndarray:
    """Return the candidate pairs of ``ids`` that share at least one band.

    >>> sig = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [5, 6, 7, 8]], dtype=np.uint32)
    >>> find_candidates(sig, np.array([10, 11, 12]), 2, 2, 8).tolist()
    [[10, 11]]
    """
    keys = band_keys(signatures, bands, rows).T
    return band_candidates(keys, np.arange(keys.shape[1]), ids, max_bucket)


def band_candidates(keys: np.ndarray, rows: np.ndarray, ids: np.ndarray, max_bucket: int,
                    bands: Sequence[int] | None = None) -> np.ndarray:
    """Return the pairs of ``ids`` sharing a key in one of ``bands`` (default all);
    ``ids[i]``'s keys are ``keys[:, rows[i]]`` (band-major keys, as a scan keeps them).

    >>> keys = np.array([[1, 2, 1], [5, 6, 7]], dtype=np.uint64)  # [bands, paragraphs]
    >>> band_candidates(keys, np.array([0, 1, 2]), np.array([10, 11, 12]), 64).tolist()
    [[10, 12]]
    """
    bands = range(keys.shape[0]) if bands is None else bands
    table = hash_table(len(rows))  # one for every band: each has a key per row
    return unique_pairs([group_pairs(keys[band][rows], ids, max_bucket, table) for band in bands])


def unique_pairs(chunks: Sequence[np.ndarray]) -> np.ndarray:
    """Return the distinct rows of ``[m, 2]`` pair arrays, sorted, as int64.

    >>> unique_pairs([np.array([[3, 4], [1, 2]]), np.array([[1, 2]])]).tolist()
    [[1, 2], [3, 4]]
    """
    chunks = [c.reshape(-1, 2) for c in chunks if c.size]
    if not chunks:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(chunks).astype(np.int64)
    base = int(pairs.max()) + 1
    if base < 2**31:  # one int64 per pair sorts far faster than rows
        packed = unique(pairs[:, 0] * base + pairs[:, 1])
        return np.stack([packed // base, packed % base], axis=1)
    return np.unique(pairs, axis=0)


on_warm_up(lambda: repeated(np.zeros(2, dtype=np.uint64)))
on_warm_up(lambda: partition_keys(np.zeros(1, np.uint64), np.zeros(1, np.int64), np.zeros(1, np.int64), 1))
