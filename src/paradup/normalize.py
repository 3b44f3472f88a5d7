"""Normalise paragraph text for matching, one paragraph or a whole batch at once.

Normalisation only serves matching: reports always quote the original text.
:func:`normalize` is the definition; :func:`normalize_batch` gives the same
result for many paragraphs at once, with sentence ends marked, and does the
common case (text that is ASCII once typographic quotes and dashes are
folded) in one compiled loop over the batch's bytes instead of per paragraph.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np

from paradup.arrays import unique
from paradup.jit import inline, kernel, on_warm_up

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


def _fold(text: str) -> str:
    """Return ``text.translate(_FOLD)``, made with ``str.replace``: translate looks every
    character up in a dict, replace scans in C (a worker's paragraph with curly quotes took
    39 µs with translate, 11 µs with this, measured).

    >>> _fold("l’été — “oui”") == "l’été — “oui”".translate(_FOLD)
    True
    """
    for char, to in _FOLD_PAIRS:
        if char in text:
            text = text.replace(char, to)
    return text


_FOLD_PAIRS = [(chr(code), to or "") for code, to in _FOLD.items()]
# The same as a table for compiled loops: what code point c folds to (-1: itself, -2: nothing), for c < its size.
_FOLD_TO = np.full(max(_FOLD) + 1, -1, dtype=np.int32)
for _code, _to in _FOLD.items():
    _FOLD_TO[_code] = ord(_to) if _to else -2
del _code, _to


def fold_plain(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fold paragraphs given as code points, NUL between them, and keep those that are ASCII once folded.

    Returns the kept paragraphs as bytes, NUL between paragraphs, the others
    left empty, and which paragraphs were kept: the ASCII path takes those
    (:func:`normalize_ascii` of them is :func:`normalize_buffer` of their texts).

    >>> kept, plain = fold_plain(np.frombuffer("It’s\\x00été\\x00a\u00adb".encode("utf-32-le"), dtype=np.uint32))
    >>> kept.tobytes(), plain.tolist()
    (b"It's\\x00\\x00ab", [True, False, True])
    """
    plain = np.ones(int(np.count_nonzero(codes == 0)) + 1, dtype=np.bool_)
    out = np.empty(codes.size, dtype=np.uint8)
    return out[: _fold_plain_kernel(codes, _FOLD_TO, out, plain)], plain


@kernel
def _fold_plain_kernel(codes, fold, out, plain):  # pragma: no cover - compiled; tested against normalize_buffer
    o = start = para = 0
    for t in range(codes.size):
        c = codes[t]
        if c == 0:
            out[o] = 0
            o += 1
            start = o
            para += 1
        elif not plain[para]:
            continue
        elif c < 128:
            out[o] = c
            o += 1
        elif c < fold.size and fold[c] != -1:
            if fold[c] >= 0:
                out[o] = fold[c]
                o += 1
        else:  # not ASCII once folded: the paragraph is left empty
            plain[para] = False
            o = start
    return o


def fold_others(codes: np.ndarray, plain: np.ndarray) -> np.ndarray:
    """Fold the paragraphs that :func:`fold_plain` did not keep, the kept ones left empty: code points, NUL between
    paragraphs (what :func:`normalize_simple` takes).

    >>> _from_code_points(fold_others(_code_points("It’s\\x00l’été"), np.array([True, False])))
    "\\x00l'été"
    """
    out = np.empty(codes.size, dtype=np.uint32)
    return out[: _fold_others_kernel(codes, _FOLD_TO, plain, out)]


@kernel
def _fold_others_kernel(codes, fold, plain, out):  # pragma: no cover - compiled; tested through the digests
    o = para = 0
    for t in range(codes.size):
        c = codes[t]
        if c == 0:
            out[o] = 0
            o += 1
            para += 1
        elif plain[para]:
            continue
        elif c < fold.size and fold[c] != -1:
            if fold[c] >= 0:
                out[o] = fold[c]
                o += 1
        else:
            out[o] = c
            o += 1
    return o


def normalize(text: str) -> str:
    """Return ``text`` in the form paradup matches on.

    NFKC, case folding, typographic quotes and dashes folded, apostrophes
    inside words dropped, every other run of punctuation or white space
    turned into one space.

    >>> normalize("Peru’s  CAPITAL — “continues”!")
    'perus capital continues'
    """
    text = _fold(unicodedata.normalize("NFKC", text).casefold())
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
    text = _fold(text.replace(PARAGRAPH, " ").replace(SENTENCE, " "))
    return SENTENCE.join(n for n in map(normalize, split_sentences(text)) if n)


def normalize_batch(texts: Sequence[str]) -> list[str]:
    """Return :func:`normalize_marked` of every text, computed for the whole batch.

    >>> normalize_batch(["Peru’s capital.  Lima!", "ÉTÉ"]) == ["perus capital" + SENTENCE + "lima", "été"]
    True
    """
    if not texts:
        return []
    return normalize_buffer(texts).tobytes().decode("utf-8").split(PARAGRAPH)


def normalize_buffer(texts: Sequence[str]) -> np.ndarray:
    """Return :func:`normalize_batch` of ``texts`` as one UTF-8 buffer, NUL between paragraphs.

    Text that is ASCII once typographic quotes and dashes are folded (most
    text) goes through one compiled loop over the batch's bytes; other
    paragraphs through :func:`normalize_folded` (compiled loops over code points).

    >>> normalize_buffer(["It's  HERE.", "Two"]).tobytes()
    b'its here\\x00two'
    """
    # The batch uses NUL and SOH as separators: a text carrying them (a JSONL
    # "\u0000", say) has them turned into the spaces normalisation makes of them.
    texts = [t.replace(PARAGRAPH, " ").replace(SENTENCE, " ") if PARAGRAPH in t or SENTENCE in t else t for t in texts]
    joined = PARAGRAPH.join(texts)
    if not joined.isascii():
        joined = _fold(joined)  # every folded character is outside ASCII
    if joined.isascii():
        return normalize_ascii(np.frombuffer(joined.encode("ascii"), dtype=np.uint8))
    folded = joined.split(PARAGRAPH)
    ascii_ids = [i for i, t in enumerate(folded) if t.isascii()]
    out = [""] * len(texts)
    if ascii_ids:
        batch = PARAGRAPH.join(folded[i] for i in ascii_ids).encode("ascii")
        for i, norm in zip(ascii_ids, _normalize_ascii(batch).decode("ascii").split(PARAGRAPH)):
            out[i] = norm
    others = sorted(set(range(len(texts))) - set(ascii_ids))
    for i, norm in zip(others, normalize_folded([folded[i] for i in others])):
        out[i] = norm
    return np.frombuffer(PARAGRAPH.join(out).encode("utf-8"), dtype=np.uint8)


def normalize_folded(folded: list[str]) -> list[str]:
    """Return :func:`normalize_marked` of each text, for texts folded already (:func:`_fold`) and free of
    NUL and SOH, in two compiled loops over the batch's code points.

    The steps are :func:`normalize_marked`'s, on all the texts at once: sentence
    ends marked (:func:`_mark_sentences_kernel`, what ``_SENTENCE_END`` matches),
    NFKC, case folding and folding again (in C, for the whole batch), then
    apostrophes inside words dropped and every other run of non-word
    characters turned into a space or, when it holds a sentence end, a mark
    (:func:`_words_kernel`, what ``_APOSTROPHE`` and ``_NON_WORD`` do).  Which
    characters are white space, punctuation or word characters Python itself
    says (``str.isspace``, ``str.isalnum``: what ``re`` uses), once for each
    code point met.  A property test checks it against the definition on any
    Unicode text.  Measured on 5,330 paragraphs with an accented letter in each
    (``cut_and_digest``, one core, cutting included): 70 µs a paragraph with
    the regular expressions sentence by sentence, 26 µs with these loops.

    >>> normalize_folded(["Été. Ça va?  Oui…", "x"]) == ["été" + SENTENCE + "ça va" + SENTENCE + "oui", "x"]
    True
    """
    if not folded:
        return []
    codes = _code_points(PARAGRAPH.join(folded))
    out = np.empty(codes.size, dtype=np.uint32)
    text = _from_code_points(out[: _mark_sentences_kernel(codes, class_table(codes), out)])
    codes = _code_points(_fold(unicodedata.normalize("NFKC", text).casefold()))
    out = np.empty(codes.size, dtype=np.uint32)
    return _from_code_points(out[: _words_kernel(codes, class_table(codes), out)]).split(PARAGRAPH)


def normalize_simple(folded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`normalize_folded` of paragraphs given as folded code points, NUL between them, for those whose
    every character is *simple*, without Python strings: the normalised code points, NUL between
    paragraphs, the others left empty, and which paragraphs were simple.

    A character is simple when NFKC, case folding and folding make at most three code
    points of it, none a mark, the same wherever it stands (:func:`simple_table`): the
    letters, digits, punctuation and spaces of the Basic Multilingual Plane, Latin,
    Greek, Cyrillic, Arabic, Hebrew, CJK, kana and Hangul's syllables among them,
    marks aside (a combining accent may join the letter before it) and Hangul's
    conjoining jamo.  Text whose words carry marks (Arabic or Hebrew with their
    vowel points, the Indic scripts' vowel signs and viramas, Thai's vowels above
    and below) takes :func:`normalize_folded` instead.  So the steps of
    :func:`normalize_folded` are a table look-up between its two compiled loops.
    A property test checks it against :func:`normalize_marked`.

    >>> out, simple = normalize_simple(_code_points("Ça VA. Straße\\x00e\\u0301t\\u00e9"))
    >>> _from_code_points(out).split(PARAGRAPH) == ["ça va" + SENTENCE + "strasse", ""], simple.tolist()
    (True, [True, False])
    """
    out = np.empty(folded.size, dtype=np.uint32)
    marked = out[: _mark_sentences_kernel(folded, class_table(folded), out)]
    simple = np.ones(int(np.count_nonzero(marked == 0)) + 1, dtype=np.bool_)
    mapped = np.empty(3 * marked.size, dtype=np.uint32)  # "ß" case folds to "ss": up to three code points from one
    to, lengths = simple_table(marked)
    mapped = mapped[: _simple_kernel(marked, lengths, to, mapped, simple)]
    out = np.empty(mapped.size, dtype=np.uint32)
    return out[: _words_kernel(mapped, class_table(mapped), out)], simple


@kernel
def _simple_kernel(codes, lengths, to, out, simple):  # pragma: no cover - compiled; tested against normalize_marked
    """Write each code point as the table says (:func:`simple_table`); a paragraph with one it refuses is left
    empty and marked not simple; return the count written."""
    o = start = para = 0
    for t in range(codes.size):
        c = codes[t]
        if c == 0:
            out[o] = 0
            o += 1
            start = o
            para += 1
        elif not simple[para]:
            continue
        elif c < lengths.size and lengths[c] >= 0:
            for k in range(lengths[c]):
                out[o] = to[c, k]
                o += 1
        else:
            simple[para] = False
            o = start
    return o


def _simple_table(size: int) -> tuple[np.ndarray, np.ndarray]:
    """What each code point below ``size`` becomes (:func:`normalize_simple`): up to three code points, and
    how many (-1 where it is not simple).

    Refused: marks and any character of a non-zero combining class (they
    compose with or reorder around their neighbours), Hangul's conjoining
    jamo (the only characters outside the marks that NFKC composes with the
    one before), and every character whose NFKC, case folding and folding
    hold one of those or make more than three code points.  Made for all at
    once: NFKC and case folding of every character joined by NUL, which no
    composition crosses (a test checks it against the characters one by one).
    """
    codes = [c for c in range(1, size) if not 0xD800 <= c <= 0xDFFF]  # NUL ends a paragraph; surrogates are no text
    chars = [chr(c) for c in codes]
    once = unicodedata.normalize("NFKC", PARAGRAPH.join(chars)).split(PARAGRAPH)  # "ǅ" is "Dž", "½" is "1⁄2"
    folded = _fold(PARAGRAPH.join(once).casefold()).split(PARAGRAPH)

    def refused(char: str) -> bool:
        code = ord(char)
        return (unicodedata.category(char)[0] == "M" or unicodedata.combining(char) != 0 or 0x1100 <= code < 0x1200
                or 0xA960 <= code < 0xA980 or 0xD7B0 <= code < 0xD800)

    taken = [(code, f) for code, char, o, f in zip(codes, chars, once, folded)
             if len(f) <= 3 and not refused(char) and (o == char == f or not any(map(refused, o + f)))]
    to = np.zeros((size, 3), dtype=np.uint32)
    lengths = np.full(size, -1, dtype=np.int64)
    rows = np.array([code for code, _ in taken], dtype=np.int64)
    sizes = np.array([len(f) for _, f in taken], dtype=np.int64)
    values = np.frombuffer("".join(f for _, f in taken).encode("utf-32-le"), dtype=np.uint32)
    lengths[rows] = sizes
    to[np.repeat(rows, sizes), np.arange(values.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)] = values
    lengths[0] = 1  # NUL is itself, to[0] being zeros (the kernel reads it as a paragraph's end first)
    return to, lengths


# Up to the end of Cyrillic (ASCII, Latin-1, the Latin extensions, IPA, Greek, Cyrillic) when imported, in 1 ms;
# the rest of the Basic Multilingual Plane (Arabic, Hebrew, Indic scripts, Thai, CJK, Hangul, ...) the first time
# a paragraph holds a code point beyond it (simple_table), in about 55 ms.
_SIMPLE = _simple_table(0x530)  # one object, replaced whole: a thread never sees one half new and the other old
_WHOLE_PLANE = 0x10000


def simple_table(codes: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Return :func:`normalize_simple`'s table (what each code point becomes, and how many), made for the whole
    Basic Multilingual Plane first when ``codes`` hold a code point beyond the table made so far."""
    global _SIMPLE
    table = _SIMPLE
    if codes is not None and codes.size and table[1].size < _WHOLE_PLANE and int(codes.max()) >= table[1].size:
        _SIMPLE = table = _simple_table(_WHOLE_PLANE)  # two threads may both make it: the same table
    return table


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def _from_code_points(codes: np.ndarray) -> str:
    return codes.tobytes().decode("utf-32-le")


# What each code point is, found once for each one met: bit flags (constants to the kernels).
_KNOWN, _SPACE, _END, _CLOSE, _ALNUM, _WORD, _LOWER = 1, 2, 4, 8, 16, 32, 64  # cut._count_words: _SPACE is 2
_CLASS = np.zeros(0x110000, dtype=np.uint8)
IS_SPACE, IS_ALNUM, IS_WORD, IS_LOWER = _SPACE, _ALNUM, _WORD, _LOWER  # the flags other modules' kernels read


def class_table(codes: np.ndarray) -> np.ndarray:
    """Return the table of every code point's class flags, with those of ``codes`` filled in: white space
    (``\\s``), a sentence's end (``.!?…``), a closing quote or bracket, alphanumeric, word character
    (``\\w``), lower case.

    Index it with a code point: ``class_table(codes)[ord("a")] & IS_LOWER``.  Only
    the code points met so far are known: ASCII's always, the rest of the Basic
    Multilingual Plane all at once (20 ms) when the first of them is met, the
    others (emoji, say) one by one.  A batch with no code point beyond U+FFFF
    costs one SIMD ``max`` here: a mask and two gathers of every code point took
    0.8 s of a one-core scan of 10**5 paragraphs in Arabic letters.
    """
    if not codes.size:
        return _CLASS
    top = int(codes.max())
    if top >= 128 and not _CLASS[0xFFFF] & _KNOWN:
        _learn(np.arange(128, 0x10000, dtype=np.uint32))
    if top >= 0x10000:
        astral = codes[codes >= 0x10000]
        unknown = astral[(_CLASS[astral] & _KNOWN) == 0]
        if unknown.size:
            _learn(unknown)
    return _CLASS


def _learn(codes: np.ndarray) -> None:
    for code in unique(codes).tolist():
        char = chr(code)
        _CLASS[code] = (_KNOWN | _SPACE * char.isspace() | _END * (char in ".!?…") | _CLOSE * (char in "\"'”’»)]")
                        | _ALNUM * char.isalnum() | _WORD * (char.isalnum() or char == "_") | _LOWER * char.islower())  # fmt: skip


_learn(np.arange(128, dtype=np.uint32))


@kernel
def _mark_sentences_kernel(codes, table, out):  # pragma: no cover - compiled; tested against normalize_marked
    """Write ``codes`` to ``out`` with each sentence end made one SOH, as ``_SENTENCE_END.sub`` would:
    white space after ``.!?…`` (or after one of them and a closing quote or bracket), or a run of
    line breaks; return the count written."""
    n = codes.size
    o = i = 0
    while i < n:
        c = codes[i]
        if table[c] & _SPACE and i > 0 and (table[codes[i - 1]] & _END
                                             or (i > 1 and table[codes[i - 1]] & _CLOSE and table[codes[i - 2]] & _END)):
            while i < n and table[codes[i]] & _SPACE:
                i += 1
        elif c == 10:
            while i < n and codes[i] == 10:
                i += 1
        else:
            out[o] = c
            o += 1
            i += 1
            continue
        out[o] = 1
        o += 1
    return o


@kernel
def _words_kernel(codes, table, out):  # pragma: no cover - compiled; tested against normalize_marked
    """Keep word characters (``\\w`` but ``_``), drop an apostrophe between two ``\\w``, and turn every
    other run into a space, or an SOH if it holds one; runs at a paragraph's edges go (like
    :func:`_normalize_ascii_kernel`, for any code point); return the count written."""
    n = codes.size
    o = 0
    run = mark = False
    start = True
    for t in range(n):
        c = codes[t]
        if c == 0:
            out[o] = 0
            o += 1
            run = mark = False
            start = True
        elif c == 1:
            run = mark = True
        elif table[c] & _ALNUM:
            if run and not start:
                out[o] = 1 if mark else 32
                o += 1
            run = mark = False
            start = False
            out[o] = c
            o += 1
        elif not (c == 39 and 0 < t < n - 1 and table[codes[t - 1]] & _WORD and table[codes[t + 1]] & _WORD):
            run = True
    return o


def _normalize_ascii(batch: bytes) -> bytes:
    """Normalise ASCII paragraphs joined by NUL bytes, marking sentence ends; NULs are kept."""
    return normalize_ascii(np.frombuffer(batch, dtype=np.uint8)).tobytes()


def normalize_ascii(b: np.ndarray) -> np.ndarray:
    """Normalise ASCII paragraphs given as bytes, NUL between them (NUL and SOH nowhere else).

    >>> normalize_ascii(np.frombuffer(b"It's  HERE. Now\\x00two", dtype=np.uint8)).tobytes()
    b'its here\\x01now\\x00two'
    """
    out = np.empty(b.size, dtype=np.uint8)
    return out[: _normalize_ascii_kernel(b, out)]


@kernel
def _normalize_ascii_kernel(b, out):  # pragma: no cover - compiled; tested against normalize_marked
    """Write the normalised bytes of ``b`` to ``out`` and return their count.

    Letters are lower-cased, digits kept, an apostrophe between two letters
    or digits dropped; every other run of bytes becomes one byte: ``\\x01``
    (a sentence end) if the run holds a line break or white space after
    ``.``, ``!`` or ``?`` (and a closing quote or bracket), else a space; a
    run at a paragraph's edge disappears.  NUL bytes (paragraph breaks) are
    kept.
    """
    n = b.size
    o = 0
    run = mark = False  # inside a run of separators; the run holds a sentence end
    start = True  # nothing written yet in this paragraph
    for t in range(n):
        c = b[t]
        if c == 0:
            out[o] = 0
            o += 1
            run = mark = False
            start = True
            continue
        if _alnum(c):
            if run and not start:
                out[o] = 1 if mark else 32
                o += 1
            run = mark = False
            start = False
            out[o] = c + 32 if 65 <= c <= 90 else c
            o += 1
            continue
        if c == 39 and 0 < t < n - 1 and _alnum(b[t - 1]) and _alnum(b[t + 1]):
            continue  # an apostrophe inside a word disappears
        run = True
        if c == 10:
            mark = True
        elif t > 0 and (c == 32 or 9 <= c <= 13 or 28 <= c <= 31):
            before = b[t - 1]
            if before == 46 or before == 33 or before == 63:  # . ! ?
                mark = True
            elif t > 1 and (before == 34 or before == 39 or before == 41 or before == 93):  # " ' ) ]
                two = b[t - 2]
                mark |= two == 46 or two == 33 or two == 63
    return o


@inline
def _alnum(c):
    return 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122


on_warm_up(lambda: normalize_buffer(["A"]))
on_warm_up(lambda: normalize_folded(["é"]))
on_warm_up(lambda: normalize_simple(np.array([233, 0, 97], dtype=np.uint32)))
on_warm_up(lambda: fold_plain(np.array([233, 0, 97], dtype=np.uint32)))
on_warm_up(lambda: fold_others(np.array([233, 0, 97], dtype=np.uint32), np.array([False, True])))
