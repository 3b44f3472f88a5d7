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

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from paradup.model import Block, Paragraph, Params, Span
from paradup.paragraphs import columns

Loose = Callable[[int, int], float | None]


@dataclass(frozen=True, slots=True)
class Link:
    """Two linked paragraphs (global ids, ``p < q``) and the strength of the link."""

    p: int
    q: int
    strength: float


def find_blocks(
    paragraphs: Sequence[Paragraph], links: Sequence[Link], params: Params, loose: Loose | None = None
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
    docs, indexes = columns(paragraphs)
    first = dict(zip(*(a.tolist() for a in np.unique(docs, return_index=True))))
    ends = (docs, len(paragraphs))
    grids: dict[tuple[int, int], dict[tuple[int, int], float]] = {}
    ps, qs = [link.p for link in links], [link.q for link in links]
    for link, da, db, ia, ib in zip(links, docs[ps].tolist(), docs[qs].tolist(), indexes[ps].tolist(), indexes[qs].tolist()):
        grid = grids.setdefault((da, db), {})
        grid[(ia, ib)] = max(link.strength, grid.get((ia, ib), 0.0))
    found = []
    for (da, db), grid in sorted(grids.items()):
        if len(grid) < params.min_block:
            continue  # most document pairs share one paragraph: no run to find
        rows: dict[int, list[tuple[int, float]]] = {}
        for (i, j), s in grid.items():
            rows.setdefault(i, []).append((j, s))
        for pairs in _chains(grid, params):
            block = _widen(pairs, grid, rows, da, db, first, ends, params, loose)
            if block is not None:
                found.append(block)
    found.sort(key=lambda b: (b[0].doc, b[0].index_start, b[1].doc, b[1].index_start))
    return [Block(i, a, b, pairs, sim) for i, (a, b, pairs, sim) in enumerate(found)]


def _chains(grid: dict[tuple[int, int], float], params: Params) -> list[list[tuple[int, int]]]:
    """Return maximal diagonal chains of grid points, longest first, disjoint.

    A step may move along one side only (a split paragraph) but never twice in
    a row, so a paragraph matching many neighbours does not make a run.
    """
    step = params.max_gap + 1
    best: dict[tuple[int, int], tuple[int, tuple[int, int] | None, bool]] = {}  # length, previous, flat step
    for i, j in sorted(grid):
        length, prev, flat = 1, None, False
        for di in range(step + 1):
            for dj in range(step + 1):
                key = (i - di, j - dj)
                if not (di or dj) or key not in best:
                    continue
                is_flat = di == 0 or dj == 0
                if is_flat and best[key][2]:
                    continue
                if best[key][0] + 1 > length:
                    length, prev, flat = best[key][0] + 1, key, is_flat
        best[(i, j)] = (length, prev, flat)
    used: set[tuple[int, int]] = set()
    chains = []
    for end in sorted(best, key=lambda k: (-best[k][0], k)):
        chain, node = [], end
        while node is not None and node not in used:
            chain.append(node)
            node = best[node][1]
        used.update(chain)
        rows, cols = {i for i, _ in chain}, {j for _, j in chain}
        if len(chain) >= params.min_block and min(len(rows), len(cols)) >= 2:
            chains.append(chain[::-1])
    return chains


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
    docs, n = ends
    p, q = first[da] + i, first[db] + j
    if q >= n or docs[p] != da or docs[q] != db or p >= q:
        return None
    return loose(p, q)
