"""Write text from tokens, compiled: the JSON report's clusters and matches without a Python string per field.

A million paragraphs' JSON report has about 256,000 cluster members and
144,000 matches, ten fields each; formatted with f-strings they took 1.0 s of
the report's 1.9 s here.  Instead the report lays each batch out as *tokens*,
numpy arrays made column by column: a token writes an integer in decimal
(:data:`INT`) or the ``i``-th entry of one of two tables of UTF-8 strings,
one made once for the whole report (:data:`FIXED`: JSON punctuation, keys,
document ids) and one for the batch (:data:`BATCH`: previews, scores).  One
compiled pass measures the text, a second writes it.

>>> fixed = Strings(['{"n": ', "}"])
>>> tokens = Tokens.of([(FIXED, 0), (INT, -42), (FIXED, 1)])
>>> bytes(emit(tokens, fixed, Strings([])))
b'{"n": -42}'
>>> bytes(emit(Tokens.of([(INT, 0), (FIXED, 1), (INT, -2**63), (FIXED, 1), (INT, 2**63 - 1)]), fixed, Strings([])))
b'0}-9223372036854775808}9223372036854775807'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from paradup.arrays import joined_offsets, ragged
from paradup.jit import inline, kernel, on_warm_up

INT, FIXED, BATCH = 0, 1, 2


@dataclass(frozen=True)
class Strings:
    """A table of strings as one UTF-8 buffer: entry ``i`` is ``data[offsets[i]:offsets[i + 1]]``."""

    data: np.ndarray
    offsets: np.ndarray

    def __init__(self, texts: Sequence[str]) -> None:
        data, offsets = ragged([t.encode("utf-8") for t in texts])
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "offsets", offsets)

    @staticmethod
    def of_arrays(data: np.ndarray, offsets: np.ndarray) -> Strings:
        """The table whose entry ``i`` is ``data[offsets[i]:offsets[i + 1]]`` (UTF-8), ``offsets[0]`` being 0."""
        strings = object.__new__(Strings)
        object.__setattr__(strings, "data", data)
        object.__setattr__(strings, "offsets", offsets)
        return strings

    @staticmethod
    def concat(parts: Sequence[Strings]) -> Strings:
        """One table of every entry of ``parts``, in order.

        >>> joined = Strings.concat([Strings(["a", "bc"]), Strings(["d"])])
        >>> joined.data.tobytes(), joined.offsets.tolist()
        (b'abcd', [0, 1, 3, 4])
        """
        return Strings.of_arrays(np.concatenate([np.zeros(0, np.uint8), *(p.data for p in parts)]),
                                 joined_offsets([p.offsets for p in parts]))


def quoted(data: np.ndarray, offsets: np.ndarray) -> Strings:
    r"""The JSON string literals of UTF-8 strings ``data[offsets[i]:offsets[i + 1]]``, as
    ``json.encoder.encode_basestring`` writes them (``ensure_ascii=False``): ``"``, ``\\`` and control
    characters escaped, every other character as it is.

    >>> q = quoted(np.frombuffer('a"b\\c\n\x1bé'.encode(), dtype=np.uint8), np.array([0, 5, 9]))
    >>> [q.data[a:b].tobytes().decode() for a, b in zip(q.offsets[:-1], q.offsets[1:])]
    ['"a\\"b\\\\c"', '"\\n\\u001bé"']
    """
    return Strings.of_arrays(*_quoted(data, offsets, _SHORT, _HEX))


_SHORT = np.zeros(128, dtype=np.uint8)  # the letter of a two-character escape (\" \\ \b \f \n \r \t), 0 for none
for _c, _e in zip(b'"\\\b\f\n\r\t', b'"\\bfnrt'):
    _SHORT[_c] = _e
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8).copy()


@kernel
def _quoted(data, offsets, short, hexits):  # pragma: no cover - compiled; tested against encode_basestring
    n = offsets.size - 1
    out_at = np.zeros(n + 1, np.int64)
    size = 0
    for i in range(n):
        size += 2
        for k in range(offsets[i], offsets[i + 1]):
            c = data[k]
            size += 1 if c >= 128 or (c >= 32 and short[c] == 0) else 2 if short[c] != 0 else 6
        out_at[i + 1] = size
    out = np.empty(size, np.uint8)
    at = 0
    for i in range(n):
        out[at] = 34
        at += 1
        for k in range(offsets[i], offsets[i + 1]):
            c = data[k]
            if c >= 128 or (c >= 32 and short[c] == 0):
                out[at] = c
                at += 1
            elif short[c] != 0:
                out[at], out[at + 1] = 92, short[c]
                at += 2
            else:  # \u00XX
                out[at], out[at + 1], out[at + 2], out[at + 3] = 92, 117, 48, 48
                out[at + 4], out[at + 5] = hexits[c >> 4], hexits[c & 15]
                at += 6
        out[at] = 34
        at += 1
    return out, out_at


@dataclass(frozen=True)
class Tokens:
    """What to write, in order: ``kinds[i]`` (:data:`INT`, :data:`FIXED` or :data:`BATCH`) and ``values[i]``
    (the integer, or the entry of that table)."""

    kinds: np.ndarray
    values: np.ndarray

    @staticmethod
    def of(pairs: Sequence[tuple[int, int]]) -> Tokens:
        return Tokens(np.array([k for k, _ in pairs], dtype=np.uint8), np.array([v for _, v in pairs], dtype=np.int64))


def emit(tokens: Tokens, fixed: Strings, batch: Strings) -> np.ndarray:
    """Return the UTF-8 bytes ``tokens`` write (a ``uint8`` array)."""
    return _emit(tokens.kinds, tokens.values, fixed.data, fixed.offsets, batch.data, batch.offsets)


_TEN = np.uint64(10)


@inline
def _magnitude(v):  # |v| as uint64, -2**63 included (whose negation overflows int64)
    return np.uint64(v) if v >= 0 else np.uint64(-(v + 1)) + np.uint64(1)


@kernel
def _emit(kinds, values, fixed, fixed_at, batch, batch_at):  # pragma: no cover - compiled; tested through emit
    size = 0
    for i in range(kinds.size):
        v = values[i]
        if kinds[i] == 0:
            u = _magnitude(v)
            size += 1 if v >= 0 else 2  # the last digit, and a minus sign
            while u >= _TEN:
                size += 1
                u //= _TEN
        elif kinds[i] == 1:
            size += fixed_at[v + 1] - fixed_at[v]
        else:
            size += batch_at[v + 1] - batch_at[v]
    out = np.empty(size, np.uint8)
    digits = np.empty(20, np.uint8)
    at = 0
    for i in range(kinds.size):
        v = values[i]
        if kinds[i] == 0:
            if v < 0:
                out[at] = 45  # "-"
                at += 1
            u = _magnitude(v)
            n = 0
            while True:
                digits[n] = np.uint8(48) + np.uint8(u % _TEN)
                n += 1
                u //= _TEN
                if u == 0:
                    break
            for k in range(n):
                out[at + k] = digits[n - 1 - k]
            at += n
        else:
            table, starts = (fixed, fixed_at) if kinds[i] == 1 else (batch, batch_at)
            for k in range(starts[v], starts[v + 1]):
                out[at] = table[k]
                at += 1
    return out


on_warm_up(lambda: quoted(np.zeros(1, np.uint8), np.array([0, 1])))
on_warm_up(lambda: emit(Tokens.of([(INT, 1), (FIXED, 0), (BATCH, 0)]), Strings(["a"]), Strings(["b"])))
