"""Cut ASCII documents into paragraphs in one compiled pass (the scan's fast path).

:func:`paradup.paragraphs.cut_paragraphs` is the definition: a paragraph is a
run of non-blank lines, mended across a stray blank line when one part ends
without closing punctuation and the next starts in lower case, its lines
joined with a space and a word hyphenated across a break rejoined.  For a
run of documents that are all ASCII (most of a news corpus), :func:`cut_ascii`
does the same in one loop over their bytes and returns the spans as columns
and the paragraphs' texts as one buffer, NUL between paragraphs, ready for
:func:`paradup.normalize.normalize_ascii`: no Python string per paragraph.
A test checks both cutters agree on random documents.  Cutting is 1.5 ns a
byte here against 4.8 for the regular expression and Python (measured).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from paradup.jit import inline, kernel, on_warm_up


def cut_ascii(texts: Sequence[str]) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """Cut ASCII documents: ``(doc, index, line_start, line_end, char_start, char_end, words)`` and the texts' buffer.

    ``doc`` counts from 0 over ``texts``.  The texts must hold no NUL or SOH
    (:func:`takes`): those bytes separate paragraphs and sentences later.

    >>> (doc, index, ls, le, cs, ce, words), buf = cut_ascii(["One\\ntwo.\\n\\n  Three", "re-\\ndeem"])
    >>> doc.tolist(), ls.tolist(), le.tolist(), cs.tolist(), ce.tolist(), words.tolist(), buf.tobytes()
    ([0, 0, 1], [1, 4, 1], [2, 4, 2], [0, 12, 0], [8, 17, 8], [2, 1, 1], b'One two.\\x00Three\\x00redeem')
    """
    buf = np.frombuffer("".join(texts).encode("ascii"), dtype=np.uint8)
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in texts], out=starts[1:])
    columns, count, out, size = _cut(buf, starts, np.flatnonzero(buf == 10))
    out = out[:size]
    return (*(c[:count].copy() for c in columns), _count_words(out, count)), out


def takes(texts: Sequence[str]) -> bool:
    """Return whether :func:`cut_ascii` takes ``texts``: ASCII without NUL or SOH.

    >>> takes(["plain", "text"]), takes(["café"]), takes(["a\\x00b"])
    (True, False, False)
    """
    return all(t.isascii() and "\x00" not in t and "\x01" not in t for t in texts)


@inline
def _space(c):  # str.isspace() for an ASCII byte
    return c == 32 or 9 <= c <= 13 or 28 <= c <= 31


@inline
def _alnum(c):
    return 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122


@inline
def _lower(c):
    return 97 <= c <= 122


@kernel
def _cut(buf, starts, breaks):  # pragma: no cover - compiled; tested against cut_paragraphs
    """Cut every document ``buf[starts[d]:starts[d + 1]]``; ``breaks`` are the line breaks' positions."""
    n_docs = starts.size - 1
    cap = breaks.size + n_docs + 1  # a paragraph ends at a line break or a document's end
    doc = np.empty(cap, np.int32)
    index = np.empty(cap, np.int32)
    line_start = np.empty(cap, np.int32)
    line_end = np.empty(cap, np.int32)
    char_start = np.empty(cap, np.int64)
    char_end = np.empty(cap, np.int64)
    out = np.empty(buf.size + n_docs + 1, np.uint8)
    count = o = part = current = b = 0
    for d in range(n_docs):
        base, stop = starts[d], starts[d + 1]
        pos, line, paragraphs, last_tail, blank_before = base, 1, 0, 0, True
        while True:
            while b < breaks.size and breaks[b] < pos:
                b += 1
            end = breaks[b] if b < breaks.size and breaks[b] < stop else stop  # the line is buf[pos:end]
            first = pos
            while first < end and _space(buf[first]):
                first += 1
            if first == end:
                blank_before = True
            else:
                last = end - 1
                while _space(buf[last]):
                    last -= 1
                joining = not blank_before
                if blank_before:  # a new piece: a new paragraph, unless it mends the last one
                    joining = (paragraphs > 0 and _lower(buf[first])
                               and (_alnum(last_tail) or last_tail == 44 or last_tail == 45))  # , -
                    if not joining:
                        if count > 0:
                            out[o] = 0
                            o += 1
                        doc[count], index[count], line_start[count], char_start[count] = d, paragraphs, line, first - base
                        current, part = count, 0
                        count += 1
                        paragraphs += 1
                if joining:  # _join: a space between lines, or a hyphenated word rejoined
                    if (part >= 2 and out[o - 1] == 45 and (_alnum(out[o - 2]) or out[o - 2] == 95)
                            and _lower(buf[first])):
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
    return (doc, index, line_start, line_end, char_start, char_end), count, out, o


_BREAKS = np.zeros(256, dtype=np.uint8)  # white space, and NUL between paragraphs
_BREAKS[[0, 9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = 1


def _count_words(out: np.ndarray, count: int) -> np.ndarray:
    """Count the words (runs of non-space bytes) of each of ``count`` NUL-separated paragraphs."""
    return _count_runs(out, count, _BREAKS)


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
