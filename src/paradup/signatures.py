"""MinHash signatures of many shingle sets at once, bit-identical to datasketch.

datasketch 2.0's default ``affine32`` scheme hashes a value ``h`` (32 bits)
as ``a * fmix32(h) + b mod 2**32`` for each of ``num_perm`` pairs ``(a, b)``
and keeps the minimum.  We take ``(a, b)`` from
``datasketch.MinHash(num_perm, seed).permutations`` and apply them to a whole
batch of paragraphs in one compiled loop (:mod:`paradup.jit`), many times
faster than a ``MinHash`` object per paragraph (research/perf.md §4) and than
numpy's ``[num_perm, shingles]`` arrays (4.5 µs a paragraph less, measured).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from paradup.jit import inline, kernel, on_warm_up

_EMPTY = np.uint32(0xFFFFFFFF)


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return datasketch's ``affine32`` permutation columns ``(a, b)`` as uint32.

    Drawn as ``datasketch.MinHash(num_perm, seed).permutations`` draws them
    (a test checks they are equal), without importing datasketch: that takes
    0.35 s, a third of a small scan.

    >>> a, b = permutations(4, 1)
    >>> a.dtype, a.shape, bool((a % 2 == 1).all())
    (dtype('uint32'), (4,), True)
    """
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)  # odd: a bijection
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def fmix32(hv: np.ndarray) -> np.ndarray:
    """Apply the MurmurHash3 32-bit finalizer, as datasketch does before permuting.

    >>> int(fmix32(np.array([1], dtype=np.uint32))[0])
    1364076727
    """
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


def compute_signatures(shingle_sets: Sequence[np.ndarray], num_perm: int, seed: int) -> np.ndarray:
    """Return the MinHash signatures of ``shingle_sets`` as a ``[n, num_perm]`` uint32 array.

    An empty set gets the all-``0xFFFFFFFF`` signature of an empty ``MinHash``.

    Args:
        shingle_sets: uint32 shingle hashes, one array per paragraph.
        num_perm: number of permutations (signature length).
        seed: datasketch seed the permutations are drawn with.

    >>> sig = compute_signatures([np.array([1, 2], dtype=np.uint32)], 8, 1)
    >>> sig.shape, sig.dtype
    ((1, 8), dtype('uint32'))
    """
    sizes = np.fromiter((s.size for s in shingle_sets), dtype=np.int64, count=len(shingle_sets))
    values = np.concatenate([np.asarray(s, dtype=np.uint32) for s in shingle_sets]) if shingle_sets else np.zeros(0)
    return sign_flat(values.astype(np.uint32), np.r_[0, np.cumsum(sizes)], num_perm, seed)


def sign_flat(values: np.ndarray, offsets: np.ndarray, num_perm: int, seed: int, use: int | None = None) -> np.ndarray:
    """Return the signatures of sets stored flat: set ``i`` is ``values[offsets[i]:offsets[i+1]]``.

    ``use`` computes only the first ``use`` of the ``num_perm`` hash values
    (LSH with ``bands x rows < num_perm`` never reads the rest).

    >>> sign_flat(np.array([1, 2, 3], dtype=np.uint32), np.array([0, 2, 3]), 4, 1).shape
    (2, 4)
    >>> bool((sign_flat(np.array([1, 2, 3], dtype=np.uint32), np.array([0, 3]), 4, 1, use=2)
    ...       == sign_flat(np.array([1, 2, 3], dtype=np.uint32), np.array([0, 3]), 4, 1)[:, :2]).all())
    True
    """
    a, b = permutations(num_perm, seed)
    if use is not None:
        a, b = a[:use], b[:use]
    out = np.full((offsets.size - 1, a.size), _EMPTY, dtype=np.uint32)
    _sign(np.ascontiguousarray(values, dtype=np.uint32), np.ascontiguousarray(offsets, dtype=np.int64),
          np.ascontiguousarray(a), np.ascontiguousarray(b), out)
    return out


def sign_and_band(values: np.ndarray, offsets: np.ndarray, num_perm: int, seed: int, bands: int, rows: int) -> np.ndarray:
    """Return the LSH band keys ``[bands, n]`` of sets stored flat, without keeping their signatures.

    Equal to ``paradup.candidates.band_keys(sign_flat(..., use=bands * rows), bands, rows).T``
    (a test checks it): each paragraph's ``bands * rows`` hash values are
    made and folded into band keys in one compiled loop.

    >>> sign_and_band(np.array([1, 2, 3], dtype=np.uint32), np.array([0, 2, 3]), 8, 1, 2, 3).shape
    (2, 2)
    """
    a, b = permutations(num_perm, seed)
    use = bands * rows
    out = np.empty((bands, offsets.size - 1), dtype=np.uint64)
    _sign_bands(np.ascontiguousarray(values, dtype=np.uint32), np.ascontiguousarray(offsets, dtype=np.int64),
                np.ascontiguousarray(a[:use]), np.ascontiguousarray(b[:use]), rows, out)
    return out


_M1, _M2 = np.uint32(0x85EBCA6B), np.uint32(0xC2B2AE35)
_FNV_OFFSET, _FNV_PRIME = np.uint64(0xCBF29CE484222325), np.uint64(0x100000001B3)


@kernel
def _sign_bands(values, offsets, a, b, rows, out):  # pragma: no cover - compiled; tested against band_keys
    k = a.size
    row = np.empty((1, k), np.uint32)
    for i in range(offsets.size - 1):
        row[0, :] = _EMPTY
        _sign_one(values, offsets[i], offsets[i + 1], a, b, row[0])
        for band in range(out.shape[0]):
            h = _FNV_OFFSET
            for r in range(band * rows, band * rows + rows):
                h ^= np.uint64(row[0, r])
                h *= _FNV_PRIME
            out[band, i] = h


@inline
def _sign_one(values, start, stop, a, b, row):
    k = a.size
    for t in range(start, stop):
        h = values[t]
        h ^= h >> _R16
        h = np.uint32(h * _M1)
        h ^= h >> _R13
        h = np.uint32(h * _M2)
        h ^= h >> _R16
        for j in range(k):
            v = np.uint32(a[j] * h + b[j])
            if v < row[j]:
                row[j] = v


_R16, _R13 = np.uint32(16), np.uint32(13)


@kernel
def _sign(values, offsets, a, b, out):  # pragma: no cover - compiled; tested against datasketch
    """Fill ``out[i]`` with the minimum of ``a * fmix32(h) + b`` (mod 2**32) over set ``i``'s values.

    The loop over permutations is innermost, over contiguous rows, so the
    compiler turns it into SIMD multiply-add-min.
    """
    for i in range(offsets.size - 1):
        _sign_one(values, offsets[i], offsets[i + 1], a, b, out[i])


on_warm_up(lambda: sign_and_band(np.zeros(1, dtype=np.uint32), np.array([0, 1]), 2, 1, 1, 2))  # what a scan's workers use
