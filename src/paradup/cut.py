"""Cut documents into paragraphs in one compiled pass (the scan's fast path).

:func:`paradup.paragraphs.cut_paragraphs` is the definition: a paragraph is a
run of non-blank lines, mended across a stray blank line when one part ends
without closing punctuation and the next starts in lower case, its lines
joined with a space and a word hyphenated across a break rejoined.  For a
run of documents that are all ASCII (most of a news corpus), :func:`cut_ascii`
does the same in one loop over their bytes and returns the spans as columns
and the paragraphs' texts as one buffer, NUL between paragraphs, ready for
:func:`paradup.normalize.normalize_ascii`: no Python string per paragraph.
:func:`cut_codes` runs the same loop over the code points of any other text
(curly quotes, accents, any script), which white space, letters and lower
case Python itself says (:func:`paradup.normalize.class_table`).
Tests check both agree with the definition on random documents.  Cutting
is 1.5 ns a byte here against 4.8 for the regular expression and Python
(measured).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from paradup.jit import kernel, on_warm_up
from paradup.normalize import IS_ALNUM, IS_LOWER, IS_SPACE, IS_WORD, class_table
from paradup.paragraphs import PREVIEW_CHARS

Columns = tuple[np.ndarray, ...]  # doc, index, line_start, line_end, char_start, char_end, words


def cut_ascii(texts: Sequence[str], data: bytes | None = None) -> tuple[Columns, np.ndarray]:
    """Cut ASCII documents: ``(doc, index, line_start, line_end, char_start, char_end, words)`` and the texts' buffer.

    ``doc`` counts from 0 over ``texts``.  The texts must hold no NUL or SOH
    (:func:`takes`): those bytes separate paragraphs and sentences later.
    ``data``, when given, is the texts joined and encoded already (the files'
    own bytes): they are not joined and encoded again.

    >>> (doc, index, ls, le, cs, ce, words), buf = cut_ascii(["One\\ntwo.\\n\\n  Three", "re-\\ndeem"])
    >>> doc.tolist(), ls.tolist(), le.tolist(), cs.tolist(), ce.tolist(), words.tolist(), buf.tobytes()
    ([0, 0, 1], [1, 4, 1], [2, 4, 2], [0, 12, 0], [8, 17, 8], [2, 1, 1], b'One two.\\x00Three\\x00redeem')
    """
    data = "".join(texts).encode("ascii") if data is None else data
    return _cut_buffer(texts, np.frombuffer(data, dtype=np.uint8))


def cut_codes(texts: Sequence[str]) -> tuple[Columns, np.ndarray]:
    """:func:`cut_ascii` for texts of any characters (no NUL or SOH: :func:`takes_codes`); the buffer
    holds code points (``uint32``), and ``char_start`` and ``char_end`` count characters, as ``str`` does.

    >>> (doc, index, ls, le, cs, ce, words), buf = cut_codes(["Été\\nà Paris.\\n\\n  Ça\\u00a0va", "ré-\\nélu"])
    >>> cs.tolist(), ce.tolist(), words.tolist(), buf.tobytes().decode("utf-32-le").split("\\x00")
    ([0, 16, 0], [12, 21, 7], [3, 2, 1], ['Été à Paris.', 'Ça\\xa0va', 'réélu'])
    """
    return _cut_buffer(texts, np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32))


def _cut_buffer(texts: Sequence[str], buf: np.ndarray) -> tuple[Columns, np.ndarray]:
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in texts], out=starts[1:])
    out = np.empty(buf.size + len(texts) + 1, dtype=buf.dtype)
    table = class_table(buf) if buf.dtype != np.uint8 else class_table(buf[:0])  # ASCII's classes are known
    columns, count, size = _cut(buf, starts, np.flatnonzero(buf == 10), table, out)
    out = out[:size]
    return (*(c[:count].copy() for c in columns), _count_words(out, count, table)), out


def takes(texts: Sequence[str]) -> bool:
    """Return whether :func:`cut_ascii` takes ``texts``: ASCII without NUL or SOH.

    >>> takes(["plain", "text"]), takes(["café"]), takes(["a\\x00b"])
    (True, False, False)
    """
    return all(t.isascii() and "\x00" not in t and "\x01" not in t for t in texts)


def takes_codes(texts: Sequence[str]) -> bool:
    """Return whether :func:`cut_codes` takes ``texts``: no NUL or SOH.

    >>> takes_codes(["café"]), takes_codes(["a\\x01b"])
    (True, False)
    """
    return all("\x00" not in t and "\x01" not in t for t in texts)


@kernel
def _cut(buf, starts, breaks, table, out):  # pragma: no cover - compiled; tested against cut_paragraphs
    """Cut every document ``buf[starts[d]:starts[d + 1]]`` (bytes or code points) into ``out``; ``breaks`` are
    the line breaks' positions, ``table[c]`` the class flags of code point ``c``."""
    n_docs = starts.size - 1
    cap = breaks.size + n_docs + 1  # a paragraph ends at a line break or a document's end
    doc = np.empty(cap, np.int32)
    index = np.empty(cap, np.int32)
    line_start = np.empty(cap, np.int32)
    line_end = np.empty(cap, np.int32)
    char_start = np.empty(cap, np.int64)
    char_end = np.empty(cap, np.int64)
    count = o = part = current = b = 0
    for d in range(n_docs):
        base, stop = starts[d], starts[d + 1]
        pos, line, paragraphs, last_tail, blank_before = base, 1, 0, 0, True
        while True:
            while b < breaks.size and breaks[b] < pos:
                b += 1
            end = breaks[b] if b < breaks.size and breaks[b] < stop else stop  # the line is buf[pos:end]
            first = pos
            while first < end and table[buf[first]] & IS_SPACE:
                first += 1
            if first == end:
                blank_before = True
            else:
                last = end - 1
                while table[buf[last]] & IS_SPACE:
                    last -= 1
                joining = not blank_before
                if blank_before:  # a new piece: a new paragraph, unless it mends the last one
                    joining = (paragraphs > 0 and table[buf[first]] & IS_LOWER != 0
                               and (table[last_tail] & IS_ALNUM != 0 or last_tail == 44 or last_tail == 45))  # , -
                    if not joining:
                        if count > 0:
                            out[o] = 0
                            o += 1
                        doc[count], index[count], line_start[count], char_start[count] = d, paragraphs, line, first - base
                        current, part = count, 0
                        count += 1
                        paragraphs += 1
                if joining:  # _join: a space between lines, or a hyphenated word rejoined
                    if (part >= 2 and out[o - 1] == 45 and table[out[o - 2]] & IS_WORD
                            and table[buf[first]] & IS_LOWER):
                        o -= 1
                        part -= 1
                    else:
                        out[o] = 32
                        o += 1
                        part = 0
                size = last + 1 - first
                out[o : o + size] = buf[first : last + 1]  # a slice copies far faster than a byte loop here
                o += size
                part += size
                line_end[current], char_end[current] = line, last + 1 - base
                last_tail, blank_before = buf[last], False
            if end >= stop:
                break
            pos = end + 1
            line += 1
    return (doc, index, line_start, line_end, char_start, char_end), count, o


def previews_of(out: np.ndarray, count: int, nuls: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The previews (:func:`paradup.paragraphs.preview`) of the ``count`` paragraphs of a cut buffer
    (:func:`cut_ascii`'s bytes or :func:`cut_codes`' code points, NUL between paragraphs; ``nuls``, their
    positions, when known), as UTF-8 and offsets: :class:`paradup.paragraphs.Previews`' fields.

    >>> data, offsets = previews_of(cut_codes(["Été.\\n\\n" + "mot " * 30])[1], 2)
    >>> [data[a:b].tobytes().decode() for a, b in zip(offsets[:-1], offsets[1:])][1][-6:]
    't mot…'
    """
    nuls = np.flatnonzero(out == 0) if nuls is None else nuls
    starts = np.r_[0, nuls + 1][:count].astype(np.int64)
    ends = np.r_[nuls, out.size][:count].astype(np.int64)
    return _previews(out, starts, ends, PREVIEW_CHARS)


@kernel
def _previews(out, starts, ends, limit):  # pragma: no cover - compiled; tested against preview()
    count = starts.size
    stops = np.empty(count, np.int64)
    offsets = np.zeros(count + 1, np.int64)
    size = 0
    for p in range(count):
        a, b = starts[p], ends[p]
        e = b
        if b - a > limit:  # text[:limit - 1] up to its last space, and an ellipsis
            e = a + limit - 1
            for k in range(a + limit - 2, a - 1, -1):
                if out[k] == 32:
                    e = k
                    break
            size += 3
        stops[p] = e
        for k in range(a, e):
            c = out[k]
            size += 1 if c < 0x80 else 2 if c < 0x800 else 3 if c < 0x10000 else 4
        offsets[p + 1] = size
    data = np.empty(size, np.uint8)
    at = 0
    for p in range(count):
        for k in range(starts[p], stops[p]):
            c = np.uint32(out[k])
            if c < 0x80:
                data[at] = c
                at += 1
            elif c < 0x800:
                data[at], data[at + 1] = 0xC0 | (c >> 6), 0x80 | (c & 0x3F)
                at += 2
            elif c < 0x10000:
                data[at], data[at + 1], data[at + 2] = 0xE0 | (c >> 12), 0x80 | ((c >> 6) & 0x3F), 0x80 | (c & 0x3F)
                at += 3
            else:
                data[at], data[at + 1] = 0xF0 | (c >> 18), 0x80 | ((c >> 12) & 0x3F)
                data[at + 2], data[at + 3] = 0x80 | ((c >> 6) & 0x3F), 0x80 | (c & 0x3F)
                at += 4
        if at < offsets[p + 1]:  # cut: "…"
            data[at], data[at + 1], data[at + 2] = 0xE2, 0x80, 0xA6
            at += 3
    return data, offsets


_BREAKS = np.zeros(256, dtype=np.uint8)  # white space, and NUL between paragraphs
_BREAKS[[0, 9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = 1


def _count_words(out: np.ndarray, count: int, table: np.ndarray) -> np.ndarray:
    """Count the words (runs of non-space characters: ``str.split``'s) of each of ``count`` NUL-separated paragraphs."""
    if out.dtype == np.uint8:
        return _count_runs(out, count, _BREAKS)
    breaks = (table & IS_SPACE) >> 1  # 1 for white space (IS_SPACE is 2), for every code point met
    breaks[0] = 1
    return _count_runs(out, count, breaks)


@kernel
def _count_runs(out, count, breaks):  # pragma: no cover - compiled; tested against len(text.split())
    words = np.zeros(count, np.int32)
    para = run = 0
    before = np.uint8(1)
    for t in range(out.size):
        c = out[t]
        brk = breaks[c]
        run += (1 - brk) & before  # a word starts: no break here, a break before (no branch: 5x faster)
        before = brk
        if c == 0:
            words[para] = run
            run = 0
            para += 1
    if count:
        words[para] = run
    return words


on_warm_up(lambda: cut_ascii(["a"]))
on_warm_up(lambda: cut_codes(["\u00e9"]))
on_warm_up(lambda: (previews_of(np.zeros(1, np.uint8), 1), previews_of(np.zeros(1, np.uint32), 1)))
