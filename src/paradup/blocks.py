"""Find blocks: runs of consecutive paragraphs reprinted elsewhere as a unit.

For each pair of places (two documents, or one document against itself) the
linked paragraph pairs ``(i, j)`` are points on a grid; a reprinted run is a
chain of points going down the diagonal.  A chain may step over up to
``max_gap`` paragraphs on either side (a dropped or inserted paragraph), may
stay on one row or column for a step (a paragraph split in two), and once the
chain fixes the two ranges, every other linked pair inside both ranges joins
the block (a paragraph moved within the run).  Finally each end is extended
while the next pair of paragraphs still matches loosely (a trimmed or
re-titled paragraph at the edge of the run).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from paradup.jit import inline, kernel, on_warm_up
from paradup.model import Block, Paragraph, Params, Span
from paradup.paragraphs import columns

Loose = Callable[[int, int], float | None]


@dataclass(frozen=True, slots=True)
class Link:
    """Two linked paragraphs (global ids, ``p < q``) and the strength of the link."""

    p: int
    q: int
    strength: float


@dataclass(frozen=True)
class Links:
    """Many links as arrays: ``p[i] < q[i]`` linked with ``strength[i]`` (what a scan makes)."""

    p: np.ndarray
    q: np.ndarray
    strength: np.ndarray

    @staticmethod
    def of(links: Sequence[Link]) -> Links:
        """Return ``links`` as arrays.

        >>> Links.of([Link(1, 4, 0.9)]).q.tolist()
        [4]
        """
        n = len(links)
        return Links(np.fromiter((x.p for x in links), dtype=np.int64, count=n),
                     np.fromiter((x.q for x in links), dtype=np.int64, count=n),
                     np.fromiter((x.strength for x in links), dtype=np.float64, count=n))


def find_blocks(
    paragraphs: Sequence[Paragraph], links: Sequence[Link] | Links, params: Params, loose: Loose | None = None
) -> list[Block]:
    """Return the blocks formed by ``links``, in corpus order of their first range.

    ``loose(p, q)`` scores two paragraphs next to a block's end, or ``None``
    when they do not match even loosely.

    >>> from paradup.paragraphs import split_paragraphs
    >>> ps = split_paragraphs("A.\\n\\nB.\\n\\nC.\\n\\nX.\\n\\nA.\\n\\nB.\\n\\nC.")
    >>> links = [Link(0, 4, 1.0), Link(1, 5, 1.0), Link(2, 6, 1.0)]
    >>> b = find_blocks(ps, links, Params())[0]
    >>> (b.a.index_start, b.a.index_end, b.b.index_start, b.b.index_end)
    (0, 2, 4, 6)
    """
    return number_blocks(block_spans(paragraphs, links, params, loose))


Found = tuple[Span, Span, tuple[tuple[int, int], ...], float]


def block_spans(paragraphs: Sequence[Paragraph], links: Sequence[Link] | Links, params: Params,
                loose: Loose | None = None, part: tuple[int, int] = (0, 1)) -> list[Found]:
    """Return the blocks of every ``part[1]``-th pair of documents, from the ``part[0]``-th, unnumbered and unordered:
    the parts can be found separately, and :func:`number_blocks` of them all is :func:`find_blocks`."""
    links = links if isinstance(links, Links) else Links.of(links)
    docs, indexes = columns(paragraphs)
    first = dict(zip(*(a.tolist() for a in np.unique(docs, return_index=True))))
    ends = (docs, len(paragraphs))
    chains = _chains(docs, indexes, links, params, part)
    prefetch = getattr(loose, "prefetch", None)
    if prefetch is not None:  # the pairs next to each chain's ends, scored at once: most blocks stop there
        nexts = []
        for (da, db), (a0, a1, b0, b1), _, _ in chains:
            nexts += [(da, db, a0 - 1, b0 - 1), (da, db, a1 + 1, b1 + 1)]
        prefetch([pair for da, db, i, j in nexts if i >= 0 and j >= 0
                  and (pair := _pair(first, da, db, i, j, ends)) is not None])
    found = []
    for (da, db), bounds, pairs, scores in chains:
        block = _widen(da, db, bounds, pairs, scores, first, ends, loose)
        if block is not None:
            found.append(block)
    return found


def number_blocks(found: Iterable[Found]) -> list[Block]:
    """Return blocks found by :func:`block_spans` as :class:`Block` objects, numbered in corpus order of their first range."""
    ordered = sorted(found, key=lambda b: (b[0].doc, b[0].index_start, b[1].doc, b[1].index_start))
    return [Block(i, a, b, pairs, sim) for i, (a, b, pairs, sim) in enumerate(ordered)]


def _chains(docs: np.ndarray, indexes: np.ndarray, links: Links, params: Params, part: tuple[int, int] = (0, 1)):
    """Return, for each chain :func:`_chain_points` finds in the pairs of documents (every ``part[1]``-th of those
    with ``min_block`` linked pairs or more, from the ``part[0]``-th): ``((da, db), (a0, a1, b0, b1), pairs,
    strengths)``, where ``a0:a1`` and ``b0:b1`` are the ranges the chain spans (ends included) and ``pairs`` every
    linked point inside both, the chain's first (in its order), then the others row by row.

    Points are ``(index in da, index in db)``, the strongest link kept for a
    repeated point; most document pairs share one paragraph and are dropped
    here, on arrays, before any Python object is made for them.
    """
    da, db, ia, ib = docs[links.p], docs[links.q], indexes[links.p], indexes[links.q]
    order = np.lexsort((-links.strength, ib, ia, db, da))  # per point, its strongest link first
    da, db, ia, ib, strength = da[order], db[order], ia[order], ib[order], links.strength[order]
    new_point = np.ones(order.size, dtype=bool)
    new_point[1:] = (da[1:] != da[:-1]) | (db[1:] != db[:-1]) | (ia[1:] != ia[:-1]) | (ib[1:] != ib[:-1])
    da, db, ia, ib, strength = da[new_point], db[new_point], ia[new_point], ib[new_point], strength[new_point]
    starts = np.flatnonzero(np.r_[True, (da[1:] != da[:-1]) | (db[1:] != db[:-1])]) if da.size else np.zeros(0, np.int64)
    stops = np.r_[starts[1:], da.size].astype(np.int64)
    enough = stops - starts >= params.min_block
    starts, stops = starts[enough][part[0] :: part[1]].astype(np.int64), stops[enough][part[0] :: part[1]]
    ia, ib = ia.astype(np.int64), ib.astype(np.int64)
    grid_of, chain_at, points = _chain_points(ia, ib, starts, stops, params.max_gap + 1, params.min_block)
    bounds, rect_at, rect = _rectangles(ia, ib, starts, stops, grid_of, chain_at, points)
    first = starts[grid_of]
    doc_pairs = zip(da[first].tolist(), db[first].tolist())
    at, ria, rib, rs = rect_at.tolist(), ia[rect].tolist(), ib[rect].tolist(), strength[rect].tolist()
    return [(pair, tuple(bound), list(zip(ria[lo:hi], rib[lo:hi])), rs[lo:hi])
            for pair, bound, lo, hi in zip(doc_pairs, bounds.tolist(), at[:-1], at[1:])]


def _rectangles(ia: np.ndarray, ib: np.ndarray, starts: np.ndarray, stops: np.ndarray, grid_of: np.ndarray,
                chain_at: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each chain of :func:`_chain_points`: the ranges it spans ``[a0, a1, b0, b1]``, and the points of its grid
    inside both ranges (their positions in ``ia``, ``ib``), the chain's own first, in its order, then the others
    in ``(i, j)`` order; chain ``c``'s are ``rect[rect_at[c]:rect_at[c + 1]]``.

    >>> ia, ib = np.array([0, 1, 1, 2, 3]), np.array([0, 1, 2, 2, 9])  # (1, 2) inside, (3, 9) outside
    >>> bounds, at, rect = _rectangles(ia, ib, np.array([0]), np.array([5]), np.array([0]), np.array([0, 3]),
    ...                                np.array([0, 1, 3]))
    >>> bounds.tolist(), at.tolist(), rect.tolist()
    ([[0, 2, 0, 2]], [0, 4], [0, 1, 3, 2])
    """
    return _rectangle_kernel(ia, ib, starts, stops, grid_of, chain_at, points)


@kernel
def _rectangle_kernel(ia, ib, starts, stops, grid_of, chain_at, points):  # pragma: no cover - compiled; tested against a reference
    chains = grid_of.size
    bounds = np.empty((chains, 4), np.int64)
    rect_at = np.zeros(chains + 1, np.int64)
    mine = np.zeros(ia.size, np.bool_)
    for c in range(chains):  # the ranges each chain spans
        k = points[chain_at[c]]
        a0, a1, b0, b1 = ia[k], ia[k], ib[k], ib[k]
        for t in range(chain_at[c] + 1, chain_at[c + 1]):
            k = points[t]
            a0, a1, b0, b1 = min(a0, ia[k]), max(a1, ia[k]), min(b0, ib[k]), max(b1, ib[k])
        bounds[c, 0], bounds[c, 1], bounds[c, 2], bounds[c, 3] = a0, a1, b0, b1
    for fill in range(2):  # count the points inside each chain's ranges, then write them
        rect = np.empty(rect_at[-1] if fill else 0, np.int64)
        for c in range(chains):
            a0, a1, b0, b1 = bounds[c, 0], bounds[c, 1], bounds[c, 2], bounds[c, 3]
            at = rect_at[c]
            for t in range(chain_at[c], chain_at[c + 1]):  # the chain's own, in its order
                mine[points[t]] = True
                if fill:
                    rect[at] = points[t]
                at += 1
            lo, hi = starts[grid_of[c]], stops[grid_of[c]]
            k = _row_start(ia, lo, hi, a0)
            while k < hi and ia[k] <= a1:  # then its grid's others inside both ranges, in (i, j) order
                if b0 <= ib[k] <= b1 and not mine[k]:
                    if fill:
                        rect[at] = k
                    at += 1
                k += 1
            for t in range(chain_at[c], chain_at[c + 1]):
                mine[points[t]] = False
            if not fill:
                rect_at[c + 1] = at  # where the next chain's points start
    return bounds, rect_at, rect


@inline
def _row_start(ia, lo, hi, i):  # the first k in lo:hi with ia[k] >= i (sorted)
    while lo < hi:
        mid = (lo + hi) // 2
        if ia[mid] < i:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _chain_points(ia: np.ndarray, ib: np.ndarray, starts: np.ndarray, stops: np.ndarray, step: int,
                  min_block: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Find the chains of grids ``g`` (points ``ia[k], ib[k]`` for ``k`` in ``starts[g]:stops[g]``, sorted):
    maximal diagonal chains of grid points, longest first, disjoint.

    A step moves at most ``step`` along each side, may move along one side only
    (a split paragraph) but never twice in a row, so a paragraph matching many
    neighbours does not make a run.  A chain is kept with ``min_block`` points
    or more on two rows and two columns at least.  Returns each chain's grid,
    where its points start (and the last end), and its points, first to last.

    >>> grid, at, points = _chain_points(np.array([0, 1, 2, 5]), np.array([4, 5, 6, 0]), np.array([0]), np.array([4]), 2, 2)
    >>> grid.tolist(), at.tolist(), points.tolist()
    ([0], [0, 3], [0, 1, 2])
    """
    return _chain_kernel(ia, ib, starts, stops, step, min_block)


@kernel
def _chain_kernel(ia, ib, starts, stops, step, min_block):  # pragma: no cover - compiled; tested against a reference
    n = ia.size
    length = np.ones(n, np.int64)
    prev = np.full(n, -1, np.int64)
    flat = np.zeros(n, np.bool_)
    used = np.zeros(n, np.bool_)
    chain = np.empty(n, np.int64)
    grid_of = np.empty(n, np.int64)
    chain_at = np.zeros(n + 1, np.int64)
    points = np.empty(n, np.int64)
    chains = kept = 0
    for g in range(starts.size):
        a, b = starts[g], stops[g]
        for p in range(a, b):
            i, j = ia[p], ib[p]
            best, before, is_flat_best = 1, -1, False
            for di in range(step + 1):
                for dj in range(step + 1):
                    if di == 0 and dj == 0:
                        continue
                    q = _point(ia, ib, a, p, i - di, j - dj)
                    if q < 0:
                        continue
                    is_flat = di == 0 or dj == 0
                    if is_flat and flat[q]:
                        continue
                    if length[q] + 1 > best:
                        best, before, is_flat_best = length[q] + 1, q, is_flat
            length[p], prev[p], flat[p] = best, before, is_flat_best
        order = np.argsort(-length[a:b], kind="mergesort") + a  # longest first, then in (i, j) order
        for end in order:
            m, node = 0, end
            while node >= 0 and not used[node]:
                chain[m] = node
                m += 1
                node = prev[node]
            rows = cols = False
            for k in range(m):
                used[chain[k]] = True
                rows = rows or ia[chain[k]] != ia[chain[0]]
                cols = cols or ib[chain[k]] != ib[chain[0]]
            if m >= min_block and rows and cols:
                for k in range(m):
                    points[kept + k] = chain[m - 1 - k]
                kept += m
                grid_of[chains] = g
                chains += 1
                chain_at[chains] = kept
    return grid_of[:chains].copy(), chain_at[: chains + 1].copy(), points[:kept].copy()


@inline
def _point(ia, ib, lo, hi, i, j):  # the k in lo:hi with (ia[k], ib[k]) == (i, j), -1 if none (sorted)
    end = hi
    while lo < hi:
        mid = (lo + hi) // 2
        if ia[mid] < i or (ia[mid] == i and ib[mid] < j):
            lo = mid + 1
        else:
            hi = mid
    return lo if lo < end and ia[lo] == i and ib[lo] == j else -1


def _widen(da: int, db: int, bounds: tuple[int, int, int, int], pairs: list[tuple[int, int]], scores: list[float],
           first: dict[int, int], ends, loose: Loose | None) -> Found | None:
    """Extend a chain's ranges (``bounds``, with the linked ``pairs`` inside them and their ``scores``) over loosely
    matching neighbours, and check the block; its similarity is the mean score, summed in the order given."""
    a0, a1, b0, b1 = bounds
    if loose is not None:
        while a0 > 0 and b0 > 0 and (s := _loose(loose, first, da, db, a0 - 1, b0 - 1, ends)) is not None:
            a0, b0 = a0 - 1, b0 - 1
            pairs.append((a0, b0))
            scores.append(s)
        while (s := _loose(loose, first, da, db, a1 + 1, b1 + 1, ends)) is not None:
            a1, b1 = a1 + 1, b1 + 1
            pairs.append((a1, b1))
            scores.append(s)
    if da == db and a1 >= b0:
        return None  # a run overlapping its own copy is a repeated paragraph, not a block
    return Span(da, a0, a1), Span(db, b0, b1), tuple(sorted(pairs)), round(sum(scores) / len(scores), 4)


def _loose(loose, first, da, db, i, j, ends) -> float | None:
    pair = _pair(first, da, db, i, j, ends)
    return None if pair is None else loose(*pair)


def _pair(first, da, db, i, j, ends) -> tuple[int, int] | None:
    """Paragraphs ``i`` of document ``da`` and ``j`` of ``db`` (global ids, ``p < q``), None if either is not there."""
    docs, n = ends
    p, q = first[da] + i, first[db] + j
    if q >= n or docs[p] != da or docs[q] != db or p >= q:
        return None
    return p, q


on_warm_up(lambda: _chain_points(np.zeros(2, np.int64), np.arange(2), np.array([0]), np.array([2]), 2, 2))
on_warm_up(lambda: _rectangles(np.zeros(1, np.int64), np.zeros(1, np.int64), np.array([0]), np.array([1]), np.array([0]),
                               np.array([0, 1]), np.array([0])))
