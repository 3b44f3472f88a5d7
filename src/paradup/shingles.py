"""Cut normalised text into hashed word shingles, a whole batch at once.

A shingle is ``size`` consecutive normalised words.  Its 32-bit hash is built
from the words' hashes, so a batch is hashed by one compiled loop over its
bytes (:mod:`paradup.jit`), without a Python object per word or per shingle:

- word hash: ``w = sum(byte[t] * B**t) mod 2**64`` over the word's UTF-8 bytes;
- shingle hash: ``fmix64(sum(fmix64(w_j) * M[j]) mod 2**64) mod 2**32`` over
  the shingle's words ``j = 0 .. size-1`` (a paragraph shorter than ``size``
  words is one shingle of all its words);
- sentence key: ``fmix64(sum(byte[t] * B**t))`` over a sentence's bytes;
- text key: ``fmix64(sum(fmix64(w_j) * B**j) xor words)`` over a paragraph.

:func:`hash_shingle` computes the same from a shingle string: give it to
``datasketch.MinHash(hashfunc=hash_shingle)`` with the shingle strings and it
yields the signatures of :mod:`paradup.signatures`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from paradup.arrays import unique
from paradup.jit import inline, kernel, on_warm_up

_MASK = (1 << 64) - 1
_B = 0x100000001B3
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
        return unique(self.values[self.offsets[i] : self.offsets[i + 1]])

    def sets(self) -> list[np.ndarray]:
        """Return :meth:`set` of every paragraph, with one sort for the whole batch.

        >>> b = shingle_batch(["a b c a b c", "", "x y z"], 3)
        >>> [s.size for s in b.sets()] == [b.set(i).size for i in range(3)] == [3, 0, 1]
        True
        """
        values, offsets = self.flat_sets()
        return np.split(values, offsets[1:-1])

    def flat_sets(self) -> tuple[np.ndarray, np.ndarray]:
        """Return every paragraph's :meth:`set` stored flat: ``values[offsets[i]:offsets[i + 1]]``.

        >>> values, offsets = shingle_batch(["a b c a b c", "", "x y z"], 3).flat_sets()
        >>> offsets.tolist()
        [0, 3, 3, 4]
        """
        return _flat_sets(np.ascontiguousarray(self.values, dtype=np.uint32), np.ascontiguousarray(self.offsets, dtype=np.int64))


@kernel
def _flat_sets(values, offsets):  # pragma: no cover - compiled; tested through ShingleBatch.sets
    """Sort and deduplicate each paragraph's values on its own: small sorts that stay in cache, faster than
    one sort of every value tagged with its paragraph (2-2.5 times on random sets; in the verification of a
    million paragraphs 0.53 -> 0.36 s, the paragraphs' sets being small)."""
    n = offsets.size - 1
    out = np.empty(values.size, np.uint32)
    out_at = np.zeros(n + 1, np.int64)
    at = 0
    for i in range(n):
        if offsets[i + 1] > offsets[i]:
            part = np.sort(values[offsets[i] : offsets[i + 1]])
            out[at] = part[0]
            at += 1
            for k in range(1, part.size):
                if part[k] != part[k - 1]:
                    out[at] = part[k]
                    at += 1
        out_at[i + 1] = at
    return out[:at].copy(), out_at


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
    return shingle_buffer(np.frombuffer("\x00".join(marked).encode("utf-8"), dtype=np.uint8), size, min_words)


def shingle_buffer(buf: np.ndarray, size: int, min_words: int = 8) -> ShingleBatch:
    """:func:`shingle_batch` of paragraphs given as one buffer of UTF-8 bytes, NUL between paragraphs.

    >>> shingle_buffer(np.frombuffer(b"a b c d\\x00a b c", dtype=np.uint8), 3).words.tolist()
    [4, 3]
    """
    if not 1 <= size <= MAX_SHINGLE:
        raise ValueError(f"shingle size must be 1 to {MAX_SHINGLE}, not {size}")
    buf = buf if buf.flags.writeable else buf.copy()  # one compiled variant (numba types read-only arrays apart)
    values, offsets, words, keys, key_para, text_keys = _hash_words(buf, size, min_words, _M_ARRAY)
    return ShingleBatch(values, offsets, words, keys, key_para, text_keys)


_M_ARRAY = np.array(_M, dtype=np.uint64)
_U0, _U1, _B64, _S33 = np.uint64(0), np.uint64(1), np.uint64(_B), np.uint64(33)
_C1, _C2, _LOW32 = np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53), np.uint64(0xFFFFFFFF)


@inline
def _fmix64_nb(h):
    h ^= h >> _S33
    h *= _C1
    h ^= h >> _S33
    h *= _C2
    return h ^ (h >> _S33)


@kernel
def _hash_words(buf, size, min_words, mult):  # pragma: no cover - compiled; tested through shingle_batch
    """Hash a batch buffer in two passes: words and sentences, then shingles and text keys.

    A word is a run of bytes above the space; a byte below 2 (NUL between
    paragraphs, ``\\x01`` between sentences) in the gap before a word opens a
    sentence.  A sentence's key hashes its bytes from its first word's start
    to its last word's end, gaps included.
    """
    n_bytes = buf.size
    n_para = 1
    for t in range(n_bytes):
        if buf[t] == 0:
            n_para += 1
    cap = n_bytes // 2 + 1  # words (and sentences) are at most one per two bytes
    mixed = np.empty(cap, np.uint64)
    words = np.zeros(n_para, np.int64)
    keys = np.empty(cap, np.uint64)
    key_para = np.empty(cap, np.int64)
    n_words = n_keys = para = sentence_words = sentence_para = 0
    mark = True  # a sentence mark since the last word
    acc = end_acc = _U0  # the sentence's polynomial hash so far, and at its last word's end
    power = _U1
    t = 0
    while t < n_bytes:
        c = buf[t]
        if c < 33:
            if c < 2:
                mark = True
                para += c == 0
            t += 1
            continue
        if mark:  # this word opens a sentence: close the last one
            if sentence_words >= min_words:
                keys[n_keys], key_para[n_keys] = _fmix64_nb(end_acc), sentence_para
                n_keys += 1
            acc, power, sentence_words, sentence_para, mark = _U0, _U1, 0, para, False
        else:  # the gap between two words of a sentence is part of it
            g = t - 1
            while buf[g] < 33:
                g -= 1
            for u in range(g + 1, t):
                acc += np.uint64(buf[u]) * power
                power *= _B64
        h = _U0
        word_power = _U1
        while t < n_bytes and buf[t] >= 33:
            v = np.uint64(buf[t])
            h += v * word_power
            acc += v * power
            word_power *= _B64
            power *= _B64
            t += 1
        mixed[n_words] = _fmix64_nb(h)
        n_words += 1
        words[para] += 1
        sentence_words += 1
        end_acc = acc
    if sentence_words >= min_words:
        keys[n_keys], key_para[n_keys] = _fmix64_nb(end_acc), sentence_para
        n_keys += 1
    values, offsets, text_keys = _shingle_pass(mixed, words, size, mult)
    return values, offsets, words, keys[:n_keys].copy(), key_para[:n_keys].copy(), text_keys


@kernel
def _shingle_pass(mixed, words, size, mult):  # pragma: no cover - compiled; tested through shingle_batch
    """Return the shingle hashes, their offsets and the text keys of paragraphs of ``words[i]`` mixed word hashes."""
    n_para = words.size
    values = np.empty(mixed.size + n_para, np.uint32)
    offsets = np.zeros(n_para + 1, np.int64)
    text_keys = np.zeros(n_para, np.uint64)
    n_values = first = 0
    for i in range(n_para):
        k = words[i]
        if k > 0:
            h, word_power = _U0, _U1
            for j in range(first, first + k):
                h += mixed[j] * word_power
                word_power *= _B64
            text_keys[i] = _fmix64_nb(h ^ np.uint64(k))
            for s in range(first, first + max(k - size + 1, 1)):
                h = _U0
                for j in range(min(size, k)):
                    h += mixed[s + j] * mult[j]
                values[n_values] = np.uint32(_fmix64_nb(h) & _LOW32)
                n_values += 1
        offsets[i + 1] = n_values
        first += k
    return values[:n_values].copy(), offsets, text_keys


def shingle_ascii(buf: np.ndarray, size: int, min_words: int = 8) -> ShingleBatch:
    """:func:`shingle_buffer` of :func:`paradup.normalize.normalize_ascii` of ``buf``, in one pass.

    The normalised bytes are hashed as they are made, never written: the
    scan's path for ASCII text (a test checks it equals the two steps).

    >>> b = np.frombuffer(b"It's  HERE. Now\\x00two", dtype=np.uint8)
    >>> shingle_ascii(b, 3).words.tolist(), bool(shingle_ascii(b, 3).text_keys[1] == shingle_batch(["two"], 3).text_keys[0])
    ([3, 1], True)
    """
    if not 1 <= size <= MAX_SHINGLE:
        raise ValueError(f"shingle size must be 1 to {MAX_SHINGLE}, not {size}")
    buf = buf if buf.flags.writeable else buf.copy()  # one compiled variant
    mixed, n_words, words, keys, key_para = _normalize_and_hash(buf, min_words)
    values, offsets, text_keys = _shingle_pass(mixed[:n_words], words, size, _M_ARRAY)
    return ShingleBatch(values, offsets, words, keys, key_para, text_keys)


@kernel
def _normalize_and_hash(b, min_words):  # pragma: no cover - compiled; tested against the two steps
    """:func:`paradup.normalize._normalize_ascii_kernel` feeding :func:`_hash_words`' first pass byte by byte.

    In normalised text one byte stands between two words of a paragraph: a
    space (the gap the next word's sentence key takes in) or a sentence
    mark; paragraphs are apart by NUL.  The two loops' steps are written out
    here again: shared through inlined helpers they made this kernel 40%
    slower (2.5 -> 3.6 us a paragraph, measured).
    """
    n = b.size
    n_para = 1
    for t in range(n):
        if b[t] == 0:
            n_para += 1
    cap = n // 2 + 1
    mixed = np.empty(cap, np.uint64)
    words = np.zeros(n_para, np.int64)
    keys = np.empty(cap, np.uint64)
    key_para = np.empty(cap, np.int64)
    n_words = n_keys = para = sentence_words = sentence_para = 0
    run = mark = False  # the normaliser: in a run of separators, the run holds a sentence end
    start = True  # the normaliser: nothing kept yet in this paragraph
    opens = True  # the hasher: the next word opens a sentence
    in_word = False
    h = acc = end_acc = _U0
    power = word_power = _U1
    for t in range(n):
        c = b[t]
        if c == 0:
            run = mark = False
            start = opens = True
            if in_word:
                mixed[n_words] = _fmix64_nb(h)
                n_words += 1
                words[para] += 1
                sentence_words += 1
                end_acc = acc
                in_word = False
            para += 1
            continue
        if 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122:
            if run and not start:  # the separator before this word: the last word ends
                mixed[n_words] = _fmix64_nb(h)
                n_words += 1
                words[para] += 1
                sentence_words += 1
                end_acc = acc
                in_word = False
                if mark:
                    opens = True
                else:
                    acc += np.uint64(32) * power
                    power *= _B64
            run = mark = False
            start = False
            if not in_word:
                if opens:
                    if sentence_words >= min_words:
                        keys[n_keys], key_para[n_keys] = _fmix64_nb(end_acc), sentence_para
                        n_keys += 1
                    acc, power, sentence_words, sentence_para, opens = _U0, _U1, 0, para, False
                h, word_power, in_word = _U0, _U1, True
            v = np.uint64(c + 32 if c <= 90 and c >= 65 else c)
            h += v * word_power
            acc += v * power
            word_power *= _B64
            power *= _B64
            continue
        if c == 39 and 0 < t < n - 1 and _alnum(b[t - 1]) and _alnum(b[t + 1]):
            continue  # an apostrophe inside a word disappears
        run = True
        if c == 10:
            mark = True
        elif t > 0 and (c == 32 or 9 <= c <= 13 or 28 <= c <= 31):
            before = b[t - 1]
            if before == 46 or before == 33 or before == 63:
                mark = True
            elif t > 1 and (before == 34 or before == 39 or before == 41 or before == 93):
                two = b[t - 2]
                mark |= two == 46 or two == 33 or two == 63
    if in_word:
        mixed[n_words] = _fmix64_nb(h)
        n_words += 1
        words[para] += 1
        sentence_words += 1
        end_acc = acc
    if sentence_words >= min_words:
        keys[n_keys], key_para[n_keys] = _fmix64_nb(end_acc), sentence_para
        n_keys += 1
    return mixed, n_words, words, keys[:n_keys].copy(), key_para[:n_keys].copy()


@inline
def _alnum(c):
    return 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122


on_warm_up(lambda: (shingle_buffer(np.zeros(1, dtype=np.uint8), 3), shingle_ascii(np.zeros(1, dtype=np.uint8), 3)))


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


def overlaps(values: np.ndarray, offsets: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Return :func:`overlap` of the sets of each pair, sets stored flat as :meth:`ShingleBatch.flat_sets` gives them.

    >>> values, offsets = np.array([1, 2, 3, 2, 3, 4, 9], dtype=np.uint32), np.array([0, 3, 7])
    >>> overlaps(values, offsets, np.array([[0, 1], [1, 1]])).tolist()
    [2, 4]
    """
    return _overlaps(values, np.asarray(offsets, dtype=np.int64), np.asarray(pairs, dtype=np.int64).reshape(-1, 2))


@kernel
def _overlaps(values, offsets, pairs):  # pragma: no cover - compiled; tested against overlap
    out = np.zeros(pairs.shape[0], np.int64)
    for k in range(pairs.shape[0]):
        i, i_end = offsets[pairs[k, 0]], offsets[pairs[k, 0] + 1]
        j, j_end = offsets[pairs[k, 1]], offsets[pairs[k, 1] + 1]
        shared = 0
        while i < i_end and j < j_end:  # a merge walk over two sorted sets
            x, y = values[i], values[j]
            if x == y:
                shared += 1
            i += x <= y
            j += y <= x
        out[k] = shared
    return out


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


on_warm_up(lambda: overlaps(np.zeros(1, dtype=np.uint32), np.zeros(2, dtype=np.int64), np.zeros((1, 2), dtype=np.int64)))
on_warm_up(lambda: _flat_sets(np.zeros(1, dtype=np.uint32), np.array([0, 1], dtype=np.int64)))
