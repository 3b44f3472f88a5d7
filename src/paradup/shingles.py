"""Normalise paragraph text for matching and cut it into hashed word shingles.

Normalisation only serves matching: reports always quote the original text.
A shingle is ``shingle_size`` consecutive normalised words joined by one
space; its hash is ``xxh32`` of its UTF-8 bytes, so a
``datasketch.MinHash(hashfunc=hash_shingle)`` fed the same shingle strings
gives the same signature as :mod:`paradup.signatures`.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import xxhash

# Typographic quotes and dashes fold to their ASCII forms before punctuation
# is dropped, so "Peru’s" and "Peru's" normalise alike.
_FOLD = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-", "\u00ad": None,
    }
)
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_NON_WORD = re.compile(r"[\W_]+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|(?<=[.!?…][\"'”’»)\]])\s+|\n+")


def normalize(text: str) -> str:
    """Return ``text`` in the form paradup matches on.

    NFKC, case folding, typographic quotes and dashes folded, apostrophes
    inside words dropped, every other run of punctuation or white space
    turned into one space.

    >>> normalize("Peru’s  CAPITAL — “continues”!")
    'perus capital continues'
    """
    text = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    text = _APOSTROPHE.sub("", text)
    return _NON_WORD.sub(" ", text).strip()


def hash_shingle(shingle: str | bytes) -> int:
    """Hash one shingle to 32 bits (xxh32, seed 0): the ``hashfunc`` for datasketch.

    >>> hash_shingle("protests in peru") == hash_shingle(b"protests in peru")
    True
    """
    if isinstance(shingle, str):
        shingle = shingle.encode("utf-8")
    return xxhash.xxh32_intdigest(shingle)


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


def shingle_set(normalized: str, size: int) -> np.ndarray:
    """Return the sorted, distinct shingle hashes of a normalised text (uint32).

    >>> shingle_set("a b c a b c", 3).size
    3
    """
    hashes = [xxhash.xxh32_intdigest(s.encode("utf-8")) for s in word_shingles(normalized.split(), size)]
    return np.unique(np.asarray(hashes, dtype=np.uint32))


def split_sentences(text: str) -> list[str]:
    """Split text into sentences at ., !, ? or … followed by white space.

    >>> split_sentences("One two. Three four! Five")
    ['One two.', 'Three four!', 'Five']
    """
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Return the exact Jaccard similarity of two sorted, distinct hash sets.

    >>> jaccard(np.array([1, 2, 3]), np.array([2, 3, 4]))
    0.5
    """
    if a.size == 0 and b.size == 0:
        return 1.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter)


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """Return the share of the smaller set found in the larger one.

    >>> containment(np.array([1, 2]), np.array([1, 2, 3, 4]))
    1.0
    """
    small = min(a.size, b.size)
    if small == 0:
        return 0.0
    return np.intersect1d(a, b, assume_unique=True).size / small
