"""Cut normalised text into hashed word shingles, a whole batch at once.

A shingle is ``size`` consecutive normalised words.  Its 32-bit hash is built
from the words' hashes, so a batch is hashed with numpy over its bytes
without making a Python object per word or per shingle:

- word hash: ``w = sum(byte[t] * B**t) mod 2**64`` over the word's UTF-8 bytes;
- shingle hash: ``fmix64(sum(fmix64(w_j) * M[j]) mod 2**64) mod 2**32`` over
  the shingle's words ``j = 0 .. size-1`` (a paragraph shorter than ``size``
  words is one shingle of all its words).

:func:`hash_shingle` computes the same from a shingle string: give it to
``datasketch.MinHash(hashfunc=hash_shingle)`` with the shingle strings and it
yields the signatures of :mod:`paradup.signatures`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_MASK = (1 << 64) - 1
_B = 0x100000001B3
_B_INV = pow(_B, -1, 1 << 64)
_M = (
    0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
    0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9,
    0x2545F4914F6CDD1D, 0x9FB21C651E98DF25, 0xA0761D6478BD642F, 0xE7037ED1A0B428DB,
    0x8EBC6AF09C88C6E3, 0x589965CC75374CC3, 0x1D8E4E27C47D124F, 0x5851F42D4C957F2D,
)  # fmt: skip
MAX_SHINGLE = len(_M)


def _fmix64_int(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & _MASK
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & _MASK
    return h ^ (h >> 33)


def fmix64(h: np.ndarray) -> np.ndarray:
    """Apply the MurmurHash3 64-bit finalizer to a uint64 array."""
    with np.errstate(over="ignore"):
        h = h ^ (h >> np.uint64(33))
        h = h * np.uint64(0xFF51AFD7ED558CCD)
        h = h ^ (h >> np.uint64(33))
        h = h * np.uint64(0xC4CEB9FE1A85EC53)
        return h ^ (h >> np.uint64(33))


def word_hash(word: bytes) -> int:
    """Return the 64-bit polynomial hash of one word's bytes.

    >>> word_hash(b"ab") == (ord("a") + ord("b") * 0x100000001B3) % 2**64
    True
    """
    h, power = 0, 1
    for byte in word:
        h = (h + byte * power) & _MASK
        power = (power * _B) & _MASK
    return h


def hash_shingle(shingle: str | bytes) -> int:
    """Hash one shingle (words joined by single spaces) to 32 bits: the ``hashfunc`` for datasketch.

    >>> hash_shingle("protests in peru") == hash_shingle(b"protests in peru")
    True
    >>> 0 <= hash_shingle("protests in peru") < 2**32
    True
    """
    if isinstance(shingle, str):
        shingle = shingle.encode("utf-8")
    words = shingle.split(b" ")
    h = sum(_fmix64_int(word_hash(w)) * _M[j] for j, w in enumerate(words)) & _MASK
    return _fmix64_int(h) & 0xFFFFFFFF


def word_shingles(words: list[str], size: int) -> list[str]:
    """Return the word ``size``-grams of ``words``; fewer words make one shingle.

    >>> word_shingles(["a", "b", "c", "d"], 3)
    ['a b c', 'b c d']
    >>> word_shingles(["a", "b"], 3)
    ['a b']
    >>> word_shingles([], 3)
    []
    """
    if len(words) <= size:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]


@dataclass(frozen=True)
class ShingleBatch:
    """Hashes of a batch of normalised paragraphs, as flat arrays.

    ``values[offsets[i]:offsets[i + 1]]`` are the shingle hashes (uint32) of
    paragraph ``i`` in text order, repeats included (MinHash ignores them;
    :meth:`set` removes them); ``words[i]`` is its word count;
    ``sentence_keys`` (uint64) hash every sentence of at least ``min_words``
    words, and ``sentence_ids`` name the paragraph it is in; ``text_keys``
    (uint64) hash each paragraph's whole word sequence (0 for no words), so
    equal normalised texts have equal keys.
    """

    values: np.ndarray
    offsets: np.ndarray
    words: np.ndarray
    sentence_keys: np.ndarray
    sentence_ids: np.ndarray
    text_keys: np.ndarray | None = None

    def set(self, i: int) -> np.ndarray:
        """Return the sorted, distinct shingle hashes of paragraph ``i``."""
        return np.unique(self.values[self.offsets[i] : self.offsets[i + 1]])

    def sets(self) -> list[np.ndarray]:
        """Return :meth:`set` of every paragraph, with one sort for the whole batch.

        >>> b = shingle_batch(["a b c a b c", "", "x y z"], 3)
        >>> [s.size for s in b.sets()] == [b.set(i).size for i in range(3)] == [3, 0, 1]
        True
        """
        owner = np.repeat(np.arange(self.offsets.size - 1, dtype=np.uint64), np.diff(self.offsets))
        keys = np.sort((owner << np.uint64(32)) | self.values.astype(np.uint64))
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))] if keys.size else keys
        bounds = np.searchsorted(keys >> np.uint64(32), np.arange(1, self.offsets.size - 1, dtype=np.uint64))
        return np.split((keys & np.uint64(0xFFFFFFFF)).astype(np.uint32), bounds)


def shingle_batch(marked: Sequence[str], size: int, min_words: int = 8) -> ShingleBatch:
    """Hash the shingles and long sentences of normalised paragraphs.

    ``marked`` are :func:`paradup.normalize.normalize_batch` outputs: words
    separated by spaces, sentences by ``\\x01``.

    >>> b = shingle_batch(["a b c d", "a b c"], 3)
    >>> b.words.tolist(), (b.offsets[1:] - b.offsets[:-1]).tolist()
    ([4, 3], [2, 1])
    >>> int(b.set(1)[0]) == hash_shingle("a b c")
    True
    >>> k = shingle_batch(["a b\\x01c", "a b c", "a c b", ""], 3).text_keys
    >>> bool(k[0] == k[1]), bool(k[1] == k[2]), int(k[3])
    (True, False, 0)
    """
    buf = np.frombuffer("\x00".join(marked).encode("utf-8"), dtype=np.uint8)
    n = len(marked)
    edges = np.diff((buf >= 33).view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)  # each word is buf[start:end]
    prefix, powers, inverse = _prefix_hashes(buf)
    with np.errstate(over="ignore"):
        mixed = prefix[ends]
        mixed -= prefix[starts]
        mixed *= inverse[starts]
        mixed = fmix64(mixed)
    # Paragraph i's words lie between its NUL separators.
    bounds = np.searchsorted(starts, np.flatnonzero(buf == 0))
    words = np.diff(np.concatenate(([0], bounds, [starts.size])))
    para = np.repeat(np.arange(n), words)
    values, sh_para = _shingles(mixed, para, words, size)
    offsets = np.concatenate(([0], np.cumsum(np.bincount(sh_para, minlength=n)))).astype(np.int64)
    keys, key_para = _sentences(buf, starts, ends, para, prefix, inverse, min_words)
    return ShingleBatch(values, offsets, words, keys, key_para, _text_keys(mixed, words, powers, inverse))


_POWERS: list[np.ndarray] = [np.ones(1, dtype=np.uint64), np.ones(1, dtype=np.uint64)]
_CACHE_LIMIT = 1 << 25  # powers kept between calls: 2 x 256 MiB at most


def _prefix_hashes(buf: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return prefix sums of ``byte[t] * B**t`` and the powers ``B**t`` and ``B**-t`` (mod 2**64)."""
    need = buf.size + 1
    powers = _POWERS
    if powers[0].size < need:
        size = max(need, 2 * powers[0].size)
        with np.errstate(over="ignore"):
            powers = [np.cumprod(np.r_[np.uint64(1), np.full(size - 1, base, dtype=np.uint64)]) for base in (_B, _B_INV)]
        if size <= _CACHE_LIMIT:  # batches are small; a caller hashing a whole corpus at once gets no cache
            _POWERS[:] = powers
    with np.errstate(over="ignore"):
        prefix = np.empty(need, dtype=np.uint64)
        prefix[0] = 0
        np.multiply(buf, powers[0][: buf.size], out=prefix[1:])  # in place: no temporaries
        np.add.accumulate(prefix[1:], out=prefix[1:])
    return prefix, powers[0][:need], powers[1][:need]


def _text_keys(mixed: np.ndarray, words: np.ndarray, powers: np.ndarray, inverse: np.ndarray) -> np.ndarray:
    """Hash each paragraph's word hashes as a polynomial in ``B``: equal word sequences, equal keys.

    A batch has fewer words than bytes, so the byte hash's powers serve.
    """
    with np.errstate(over="ignore"):
        prefix = np.zeros(mixed.size + 1, dtype=np.uint64)
        np.cumsum(mixed * powers[: mixed.size], out=prefix[1:])
        first = np.concatenate(([0], np.cumsum(words)))
        keys = fmix64(((prefix[first[1:]] - prefix[first[:-1]]) * inverse[first[:-1]]) ^ words.astype(np.uint64))
    keys[words == 0] = 0
    return keys


def _shingles(mixed: np.ndarray, para: np.ndarray, words: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Return shingle hashes (uint32) and their paragraph, in paragraph order."""
    count = mixed.size
    with np.errstate(over="ignore"):
        if count >= size:
            full = para[: count - size + 1] == para[size - 1 :]
            acc = np.zeros(count - size + 1, dtype=np.uint64)
            for j in range(size):
                acc += mixed[j : count - size + 1 + j] * np.uint64(_M[j])
            long_vals, long_para = acc[full], para[: count - size + 1][full]
        else:
            long_vals, long_para = np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
        short = np.flatnonzero((words > 0) & (words < size))
        first = np.searchsorted(para, short)
        short_vals = np.zeros(short.size, dtype=np.uint64)
        for j in range(size - 1):
            use = words[short] > j
            short_vals[use] += mixed[first[use] + j] * np.uint64(_M[j])
    if short.size:
        at = np.searchsorted(long_para, short)  # short paragraphs have no long shingles
        long_vals, long_para = np.insert(long_vals, at, short_vals), np.insert(long_para, at, short)
    return (fmix64(long_vals) & np.uint64(0xFFFFFFFF)).astype(np.uint32), long_para.astype(np.int64)


def _sentences(buf, starts, ends, para, prefix, inverse, min_words):
    """Return a 64-bit key for every sentence of at least ``min_words`` words, and its paragraph."""
    if starts.size == 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    # A word opens a sentence when a sentence mark or paragraph break (a byte
    # below 2) precedes it; normalised text has one byte between words.
    opens = np.ones(starts.size, dtype=bool)
    opens[1:] = buf[starts[1:] - 1] < 2
    wide = np.flatnonzero(starts[1:] - ends[:-1] > 1)
    if wide.size:  # text not from normalize_batch: look at every byte between the words
        marks = np.concatenate(([0], np.cumsum(buf < 2)))
        opens[wide + 1] = marks[starts[wide + 1]] > marks[ends[wide]]
    first = np.flatnonzero(opens)
    last = np.concatenate((first[1:], [starts.size])) - 1
    long = (last - first + 1) >= min_words
    s, e = starts[first[long]], ends[last[long]]
    with np.errstate(over="ignore"):
        keys = fmix64((prefix[e] - prefix[s]) * inverse[s])
    return keys, para[first[long]]


def shingle_set(normalized: str, size: int) -> np.ndarray:
    """Return the sorted, distinct shingle hashes of one normalised text (uint32).

    >>> shingle_set("a b c a b c", 3).size
    3
    """
    return shingle_batch([normalized], size).set(0)


def overlap(a: np.ndarray, b: np.ndarray) -> int:
    """Return how many values two sorted, distinct hash sets share.

    Looks the smaller set up in the larger by binary search (no sort, no copy).

    >>> overlap(np.array([1, 2, 3]), np.array([2, 3, 4, 9]))
    2
    """
    if a.size > b.size:
        a, b = b, a
    if a.size == 0:
        return 0
    at = np.searchsorted(b, a)
    at[at == b.size] = 0
    return int(np.count_nonzero(b[at] == a))


def jaccard(a: np.ndarray, b: np.ndarray, inter: int | None = None) -> float:
    """Return the exact Jaccard similarity of two sorted, distinct hash sets.

    >>> jaccard(np.array([1, 2, 3]), np.array([2, 3, 4]))
    0.5
    """
    if a.size == 0 and b.size == 0:
        return 1.0
    inter = overlap(a, b) if inter is None else inter
    return inter / (a.size + b.size - inter)


def containment(a: np.ndarray, b: np.ndarray, inter: int | None = None) -> float:
    """Return the share of the smaller set found in the larger one.

    >>> containment(np.array([1, 2]), np.array([1, 2, 3, 4]))
    1.0
    """
    small = min(a.size, b.size)
    if small == 0:
        return 0.0
    return (overlap(a, b) if inter is None else inter) / small
