"""Array helpers that numpy has, done the fast way on the numpy paradup runs on.

``np.unique(a)`` (values only) uses a hash set since numpy 2.3 (one node
allocation per distinct value): on this machine with numpy 2.4 it took 1.44 s
for 2 million node ids and 5.1 s for 7 million pair keys, where sorting and
masking took 0.026 s and 0.13 s (numpy issue #31969).  :func:`unique` sorts,
:func:`isin_sorted` searches a sorted array.  :class:`Blocks` keeps an array
as the blocks it was made in.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def unique(values) -> np.ndarray:
    """Return the sorted distinct values of ``values`` (flattened), as ``np.unique(values)`` does.

    >>> unique(np.array([[3, 1], [3, 2]])).tolist()
    [1, 2, 3]
    """
    out = np.sort(np.asarray(values).ravel())
    if out.size < 2:
        return out
    keep = np.empty(out.size, dtype=bool)
    keep[0] = True
    np.not_equal(out[1:], out[:-1], out=keep[1:])
    return out[keep]


def isin_sorted(values, sorted_set: np.ndarray) -> np.ndarray:
    """Return whether each of ``values`` is in ``sorted_set`` (ascending): ``np.isin`` by binary search.

    ``np.isin`` goes through the same hash set: 0.65 s for 1.8 million keys
    against 0.8 million here (0.56 s with ``kind="sort"``).

    >>> isin_sorted(np.array([5, 1, 9, 7]), np.array([1, 5, 7])).tolist()
    [True, True, False, True]
    """
    values = np.asarray(values)
    if not sorted_set.size:
        return np.zeros(values.shape, dtype=bool)
    at = np.searchsorted(sorted_set, values)
    at[at == sorted_set.size] = 0
    return sorted_set[at] == values


def ranges(starts, sizes) -> np.ndarray:
    """Return the positions of ranges ``starts[k] : starts[k] + sizes[k]``, one range after the other
    (``np.concatenate`` of their ``np.arange``, without a Python loop).

    >>> ranges(np.array([5, 0, 9]), np.array([2, 0, 3])).tolist()
    [5, 6, 9, 10, 11]
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    ends = np.cumsum(sizes)
    total = int(ends[-1]) if ends.size else 0
    return np.repeat(np.asarray(starts, dtype=np.int64) - (ends - sizes), sizes) + np.arange(total)


def ragged(pieces: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Return ``pieces`` as one ``uint8`` buffer and offsets: piece ``i`` is ``data[offsets[i]:offsets[i + 1]]``.

    >>> data, offsets = ragged([b"ab", b"", b"c"])
    >>> data.tobytes(), offsets.tolist()
    (b'abc', [0, 2, 2, 3])
    """
    offsets = np.zeros(len(pieces) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in pieces], out=offsets[1:])
    return np.frombuffer(bytearray(b"".join(pieces)), dtype=np.uint8), offsets


def joined_offsets(offsets: Sequence[np.ndarray]) -> np.ndarray:
    """Return the offsets of ragged tables (each ``[0, ..., size]``, :func:`ragged`'s) joined end to end.

    >>> joined_offsets([np.array([0, 2, 3]), np.array([0, 1])]).tolist()
    [0, 2, 3, 4]
    """
    shifts = np.cumsum([0] + [int(o[-1]) for o in offsets])
    return np.concatenate([np.zeros(1, np.int64), *(o[1:] + shift for o, shift in zip(offsets, shifts))]).astype(np.int64)


def round4(x: np.ndarray) -> np.ndarray:
    """``[round(v, 4) for v in x]`` (Python's rounding, as reports always had it) for scores in [0, 1], in numpy.

    ``k / 10000`` is the float nearest to the decimal Python rounds to, once
    ``k`` is right; ``rint(x * 10000)`` finds it except near a tie, where the
    product's own rounding could tip it, and those few go to Python.

    >>> values = [0.12345, 0.5, 1 / 3, 0.00015, 1.0]
    >>> round4(np.array(values)).tolist() == [round(v, 4) for v in values]
    True
    """
    scaled = np.asarray(x, dtype=np.float64) * 10000.0
    out = np.rint(scaled) / 10000.0
    near = np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6)
    out[near] = [round(v, 4) for v in np.asarray(x, dtype=np.float64)[near].tolist()]
    return out


class Blocks:
    """A one-dimensional array kept as the blocks it was made in, ``shifts[k]`` to be added to block ``k``'s
    values (the sentence keys of a scan's batches, and their paragraph ids, each counted from its batch's first).

    Joining them would write fresh memory in one thread while the other
    waits: 75 MB at 10⁶ paragraphs, 750 MB and 2 s at 10⁷ (measured);
    :func:`paradup.candidates.partition_keys` reads the blocks as they are
    (:func:`pieces`).  ``np.asarray`` joins them.

    >>> ids = Blocks([np.array([0, 2]), np.array([1])], [0, 3])
    >>> ids.size, np.asarray(ids).tolist(), ids.pieces()[1][1]
    (3, [0, 2, 4], 3)
    """

    def __init__(self, blocks: Sequence[np.ndarray], shifts: Sequence[int] | None = None, dtype=np.uint64) -> None:
        self.blocks = list(blocks)
        self.shifts = list(shifts) if shifts is not None else [0] * len(self.blocks)
        self.dtype = np.dtype(blocks[0].dtype if self.blocks else dtype)
        self.size = sum(b.size for b in self.blocks)

    @classmethod
    def join(cls, parts: Sequence[np.ndarray | Blocks], starts: Sequence[int], dtype=np.uint64) -> Blocks:
        """The blocks of ``parts`` one after the other, part ``k``'s values shifted by ``starts[k]``."""
        blocks, shifts = [], []
        for part, start in zip(parts, starts):
            for block, shift in pieces(part):
                if block.size:
                    blocks.append(block)
                    shifts.append(shift + start)
        return cls(blocks, shifts, dtype)

    def pieces(self) -> list[tuple[np.ndarray, int]]:
        """Each block with its shift."""
        return list(zip(self.blocks, self.shifts))

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        joined = (np.concatenate([b + np.asarray(shift, b.dtype) if shift else b for b, shift in self.pieces()])
                  if self.blocks else np.zeros(0, self.dtype))
        return joined if dtype is None else joined.astype(dtype)


def pieces(values: np.ndarray | Blocks) -> list[tuple[np.ndarray, int]]:
    """The blocks of ``values`` with their shifts: an array is one block, unshifted.

    >>> [(b.tolist(), shift) for b, shift in pieces(np.array([4, 5]))]
    [([4, 5], 0)]
    """
    return values.pieces() if isinstance(values, Blocks) else [(values, 0)]
