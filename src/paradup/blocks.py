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
    found = []
    grids = list(_grids(docs, indexes, links, params, part))
    prefetch = getattr(loose, "prefetch", None)
    if prefetch is not None:  # the pairs next to each chain's ends, scored at once: most blocks stop there
        nexts = []
        for (da, db), _, chains in grids:
            for chain in chains:
                rows, cols = [i for i, _ in chain], [j for _, j in chain]
                nexts += [(da, db, min(rows) - 1, min(cols) - 1), (da, db, max(rows) + 1, max(cols) + 1)]
        prefetch([pair for da, db, i, j in nexts if i >= 0 and j >= 0
                  and (pair := _pair(first, da, db, i, j, ends)) is not None])
    for (da, db), grid, chains in grids:
        rows: dict[int, list[tuple[int, float]]] = {}
        for (i, j), s in grid.items():
            rows.setdefault(i, []).append((j, s))
        for pairs in chains:
            block = _widen(pairs, grid, rows, da, db, first, ends, params, loose)
            if block is not None:
                found.append(block)
    return found


def number_blocks(found: Iterable[Found]) -> list[Block]:
    """Return blocks found by :func:`block_spans` as :class:`Block` objects, numbered in corpus order of their first range."""
    ordered = sorted(found, key=lambda b: (b[0].doc, b[0].index_start, b[1].doc, b[1].index_start))
    return [Block(i, a, b, pairs, sim) for i, (a, b, pairs, sim) in enumerate(ordered)]


def _grids(docs: np.ndarray, indexes: np.ndarray, links: Links, params: Params, part: tuple[int, int] = (0, 1)):
    """Yield ``((da, db), {(i, j): strength}, chains)`` for each pair of documents (every ``part[1]``-th of those with
    ``min_block`` linked pairs or more, from the ``part[0]``-th) where :func:`_chain_points` finds a chain.

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
    chain_at, points = chain_at.tolist(), points.tolist()
    ia_list, ib_list = ia.tolist(), ib.tolist()
    # A grid's chains are consecutive (the kernel finds them grid after grid): one slice of them a grid.
    firsts = np.flatnonzero(np.r_[True, grid_of[1:] != grid_of[:-1]]) if grid_of.size else grid_of
    bounds = np.r_[firsts, grid_of.size].tolist()
    for c0, c1 in zip(bounds[:-1], bounds[1:]):
        g = int(grid_of[c0])
        start, stop = int(starts[g]), int(stops[g])
        grid = {(i, j): s for i, j, s in zip(ia_list[start:stop], ib_list[start:stop], strength[start:stop].tolist())}
        chains = [[(ia_list[k], ib_list[k]) for k in points[chain_at[c] : chain_at[c + 1]]] for c in range(c0, c1)]
        yield (int(da[start]), int(db[start])), grid, chains


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


def _widen(pairs, grid, rows, da, db, first, ends, params, loose):
    """Add moved pairs inside the ranges, extend the ends loosely, and check the block."""
    a0, a1 = min(i for i, _ in pairs), max(i for i, _ in pairs)
    b0, b1 = min(j for _, j in pairs), max(j for _, j in pairs)
    scores = {pair: grid[pair] for pair in pairs}
    for i in range(a0, a1 + 1):  # pairs moved inside both ranges join the block
        for j, s in rows.get(i, ()):
            if b0 <= j <= b1:
                scores.setdefault((i, j), s)
    if loose is not None:
        while a0 > 0 and b0 > 0 and (s := _loose(loose, first, da, db, a0 - 1, b0 - 1, ends)) is not None:
            a0, b0 = a0 - 1, b0 - 1
            scores[(a0, b0)] = s
        while (s := _loose(loose, first, da, db, a1 + 1, b1 + 1, ends)) is not None:
            a1, b1 = a1 + 1, b1 + 1
            scores[(a1, b1)] = s
    if da == db and a1 >= b0:
        return None  # a run overlapping its own copy is a repeated paragraph, not a block
    ordered = tuple(sorted(scores))
    similarity = round(sum(scores.values()) / len(scores), 4)
    return Span(da, a0, a1), Span(db, b0, b1), ordered, similarity


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
