"""Normalise paragraph text for matching, one paragraph or a whole batch at once.

Normalisation only serves matching: reports always quote the original text.
:func:`normalize` is the definition; :func:`normalize_batch` gives the same
result for many paragraphs at once, with sentence ends marked, and does the
common case (text that is ASCII once typographic quotes and dashes are
folded) with numpy over the batch's bytes instead of per paragraph.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np

# Typographic quotes and dashes fold to their ASCII forms before punctuation
# is dropped, so "Peru’s" and "Peru's" normalise alike.
_FOLD = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-", "\u00ad": None,
    }
)  # fmt: skip
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_NON_WORD = re.compile(r"[\W_]+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|(?<=[.!?…][\"'”’»)\]])\s+|\n+")

SENTENCE = "\x01"  # marks a sentence end inside a normalised paragraph (normalize_batch)
PARAGRAPH = "\x00"  # separates paragraphs in a batch buffer


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


def split_sentences(text: str) -> list[str]:
    """Split text into sentences at ., !, ? or … (and a closing quote) followed by white space.

    >>> split_sentences("He said “Go.” Then left! Why? Because")
    ['He said “Go.”', 'Then left!', 'Why?', 'Because']
    """
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def normalize_marked(text: str) -> str:
    """Normalise ``text`` sentence by sentence, joining the sentences with :data:`SENTENCE`.

    Replacing the marks with spaces gives :func:`normalize` of the text.

    >>> normalize_marked("One two. Three!") == "one two" + SENTENCE + "three"
    True
    """
    # Sentences are cut after folding, as the batch path cuts them (a soft
    # hyphen between "?" and a space must not hide the sentence end).
    text = text.replace(PARAGRAPH, " ").replace(SENTENCE, " ").translate(_FOLD)
    return SENTENCE.join(n for n in map(normalize, split_sentences(text)) if n)


def normalize_batch(texts: Sequence[str]) -> list[str]:
    """Return :func:`normalize_marked` of every text, computed for the whole batch.

    >>> normalize_batch(["Peru’s capital.  Lima!", "ÉTÉ"]) == ["perus capital" + SENTENCE + "lima", "été"]
    True
    """
    # The batch uses NUL and SOH as separators: a text carrying them (a JSONL
    # "\u0000", say) has them turned into the spaces normalisation makes of them.
    texts = [t.replace(PARAGRAPH, " ").replace(SENTENCE, " ") if PARAGRAPH in t or SENTENCE in t else t for t in texts]
    joined = PARAGRAPH.join(texts).translate(_FOLD)
    if joined.isascii():
        return _normalize_ascii(joined.encode("ascii")).decode("ascii").split(PARAGRAPH)
    folded = joined.split(PARAGRAPH)
    ascii_ids = [i for i, t in enumerate(folded) if t.isascii()]
    out = [""] * len(texts)
    if ascii_ids:
        batch = PARAGRAPH.join(folded[i] for i in ascii_ids).encode("ascii")
        for i, norm in zip(ascii_ids, _normalize_ascii(batch).decode("ascii").split(PARAGRAPH)):
            out[i] = norm
    for i in set(range(len(texts))) - set(ascii_ids):
        out[i] = normalize_marked(texts[i])
    return out


def _table(chars: bytes) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[np.frombuffer(chars, dtype=np.uint8)] = True
    return table


_LOWER = np.arange(256, dtype=np.uint8)
_LOWER[65:91] += 32
_ALNUM = _table(b"abcdefghijklmnopqrstuvwxyz0123456789")
_SPACE = _table(b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f")
_END = _table(b".!?")
_CLOSE = _table(b"\"')]")


def _shift(a: np.ndarray, k: int) -> np.ndarray:
    """Return ``a`` moved ``k`` places right (left when negative), padded with False."""
    out = np.zeros_like(a)
    if k > 0 and k < a.size:
        out[k:] = a[:-k]
    elif k < 0 and -k < a.size:
        out[:k] = a[-k:]
    return out


def _normalize_ascii(batch: bytes) -> bytes:
    """Normalise ASCII paragraphs joined by NUL bytes, marking sentence ends; NULs are kept."""
    b = _LOWER[np.frombuffer(batch, dtype=np.uint8)]
    if b.size == 0:
        return b""
    alnum = _ALNUM[b]
    keep = ~((b == 39) & _shift(alnum, 1) & _shift(alnum, -1))  # an apostrophe inside a word disappears
    end, close = _END[b], _CLOSE[b]
    mark = (_SPACE[b] & (_shift(end, 1) | (_shift(close, 1) & _shift(end, 2)))) | (b == 10)
    if not keep.all():
        b, alnum, mark = b[keep], alnum[keep], mark[keep]
    nul = b == 0
    sep = ~alnum & ~nul
    # Runs of separators collapse to one byte: the sentence mark if the run
    # holds one, else a space; runs touching a paragraph's edge disappear.
    starts = np.flatnonzero(sep & ~np.r_[False, sep[:-1]])
    ends = np.flatnonzero(sep & ~np.r_[sep[1:], False])
    has_mark = np.add.reduceat(mark.astype(np.int64), starts) > 0 if starts.size else np.zeros(0, dtype=bool)
    edge = np.r_[True, nul][starts] | np.r_[nul, True][ends + 1]
    out = b.copy()
    out[starts] = np.where(has_mark, 1, 32)
    drop = sep.copy()
    drop[starts[~edge]] = False
    return out[~drop].tobytes()
