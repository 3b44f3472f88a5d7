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


def _normalize_ascii(batch: bytes) -> bytes:
    """Normalise ASCII paragraphs joined by NUL bytes, marking sentence ends; NULs are kept."""
    b = np.frombuffer(batch, dtype=np.uint8)
    if b.size == 0:
        return b""
    low = b | 32  # ASCII letters folded to lower case; other bytes only compared below
    alnum = ((low >= 97) & (low <= 122)) | ((b >= 48) & (b <= 57))
    end = (b == 46) | (b == 33) | (b == 63)  # . ! ?
    space = (b == 32) | ((b >= 9) & (b <= 13)) | ((b >= 28) & (b <= 31))
    close = (b == 34) | (b == 39) | (b == 41) | (b == 93)  # " ' ) ]
    mark = b == 10  # a line break, or white space after a sentence's end (and a close quote)
    mark[1:] |= space[1:] & end[:-1]
    mark[2:] |= space[2:] & close[1:-1] & end[:-2]
    inner = np.zeros(b.size, dtype=bool)  # an apostrophe inside a word disappears
    inner[1:-1] = (b[1:-1] == 39) & alnum[:-2] & alnum[2:]
    if inner.any():
        keep = ~inner
        b, alnum, mark = b[keep], alnum[keep], mark[keep]
    nul = b == 0
    sep = ~(alnum | nul)
    # Runs of separators collapse to one byte: the sentence mark if the run
    # holds one, else a space; runs touching a paragraph's edge disappear.
    edges = np.diff(sep.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    has_mark = np.zeros(starts.size, dtype=bool)
    has_mark[np.searchsorted(starts, np.flatnonzero(mark), side="right") - 1] = True  # marks lie in runs
    edge = np.concatenate(([True], nul, [True]))  # is the byte before / after a run a paragraph edge?
    inside = ~(edge[starts] | edge[ends + 2])
    out = b + (((b >= 65) & (b <= 90)).view(np.uint8) << 5)  # lower case: + 32 for A-Z
    out[starts] = np.where(has_mark, 1, 32)
    sep[starts[inside]] = False  # sep now says which bytes to drop
    return out[~sep].tobytes()
