from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from paradup.blocks import Link, find_blocks
from paradup.model import Params
from paradup.paragraphs import split_paragraphs


def paras(n_a, n_b):
    """Two documents of n_a and n_b paragraphs (ids 0..n_a-1, then n_a..)."""
    a = split_paragraphs("\n\n".join(f"A{i}." for i in range(n_a)), 0)
    b = split_paragraphs("\n\n".join(f"B{i}." for i in range(n_b)), 1)
    return a + b


def block_spans(blocks):
    return [(b.a.doc, b.a.index_start, b.a.index_end, b.b.doc, b.b.index_start, b.b.index_end) for b in blocks]


def test_a_run_with_a_dropped_paragraph_is_one_block():
    ps = paras(6, 6)
    links = [Link(i, 6 + j, 1.0) for i, j in [(0, 0), (1, 1), (3, 2), (4, 3), (5, 4)]]  # A2 dropped
    assert block_spans(find_blocks(ps, links, Params())) == [(0, 0, 5, 1, 0, 4)]


def test_a_split_paragraph_and_a_moved_one_stay_inside_the_block():
    ps = paras(5, 7)
    pairs = [(0, 0), (1, 1), (1, 2), (2, 3), (3, 5), (4, 6), (2, 4)]  # A1 split in B1+B2; A2 also at B4 (moved)
    blocks = find_blocks(ps, [Link(i, 5 + j, 0.9) for i, j in pairs], Params())
    assert block_spans(blocks) == [(0, 0, 4, 1, 0, 6)]
    assert set(blocks[0].pairs) == set(pairs)


def test_gaps_longer_than_max_gap_end_the_block():
    ps = paras(10, 10)
    links = [Link(i, 10 + i, 1.0) for i in (0, 1, 2, 6, 7, 8)]
    assert block_spans(find_blocks(ps, links, Params(max_gap=1))) == [(0, 0, 2, 1, 0, 2), (0, 6, 8, 1, 6, 8)]
    assert block_spans(find_blocks(ps, links, Params(max_gap=3))) == [(0, 0, 8, 1, 0, 8)]


def test_a_lone_matching_pair_is_not_a_block():
    assert find_blocks(paras(3, 3), [Link(0, 3, 1.0)], Params()) == []


def test_ends_extend_over_loosely_matching_neighbours():
    ps = paras(4, 4)
    links = [Link(1, 5, 1.0), Link(2, 6, 1.0)]
    loose = {(0, 4): 0.75, (3, 7): 0.72}
    blocks = find_blocks(ps, links, Params(), loose=lambda p, q: loose.get((p, q)))
    assert block_spans(blocks) == [(0, 0, 3, 1, 0, 3)]


def test_a_paragraph_repeated_in_a_row_is_not_a_block_with_itself():
    ps = split_paragraphs("X.\n\nX.\n\nX.\n\nX.", 0)
    links = [Link(i, j, 1.0) for i in range(4) for j in range(i + 1, 4)]
    for b in find_blocks(ps, links, Params()):
        assert b.a.index_end < b.b.index_start


def test_a_paragraph_matching_a_row_of_neighbours_is_not_a_run():
    ps = paras(3, 8)
    links = [Link(0, 3 + j, 0.9) for j in range(8)]  # A0 matches every paragraph of B
    assert find_blocks(ps, links, Params()) == []


def test_blocks_found_in_parts_are_the_blocks_found_at_once():
    """What the pipeline does with jobs > 1: each process finds the blocks of every n-th document pair."""
    from paradup.blocks import block_spans as spans_of
    from paradup.blocks import number_blocks

    docs = [split_paragraphs("\n\n".join(f"D{d}P{i}." for i in range(8)), d) for d in range(5)]
    ps = [p for doc in docs for p in doc]
    # Document 0's run 1..4 reprinted in every other document, at a shift of d.
    links = [Link(1 + i, 8 * d + ((1 + i + d) % 8), 1.0) for d in range(1, 5) for i in range(4)]
    whole = find_blocks(ps, links, Params())
    assert len(whole) >= 4
    for n in (2, 3, 7):
        parts = [spans_of(ps, links, Params(), None, (k, n)) for k in range(n)]
        assert all(len(p) < len(whole) for p in parts)  # each part found only its own
        assert number_blocks(f for part in parts for f in part) == whole


def reference_chains(grid: dict[tuple[int, int], float], params: Params) -> list[list[tuple[int, int]]]:
    """The definition (paradup's before it was compiled): maximal diagonal chains of grid points, longest first,
    disjoint.

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


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), min_size=1, max_size=40), min_size=1, max_size=6),
       st.integers(0, 3), st.integers(2, 4))
def test_compiled_chains_are_the_reference_chains(grids, max_gap, min_block):
    from paradup.blocks import _chain_points

    params = Params(max_gap=max_gap, min_block=min_block)
    points = [sorted(set(g)) for g in grids]
    ia = np.array([i for g in points for i, _ in g], dtype=np.int64)
    ib = np.array([j for g in points for _, j in g], dtype=np.int64)
    sizes = [len(g) for g in points]
    starts = np.cumsum([0, *sizes[:-1]]).astype(np.int64)
    grid_of, at, found = _chain_points(ia, ib, starts, starts + np.array(sizes), max_gap + 1, min_block)
    got = [[] for _ in points]
    for c, g in enumerate(grid_of.tolist()):
        got[g].append([(int(ia[k]), int(ib[k])) for k in found[at[c] : at[c + 1]].tolist()])
    assert got == [reference_chains(dict.fromkeys(g, 1.0), params) for g in points]


def reference_blocks(paragraphs, links, params: Params, loose=None) -> list:
    """The definition (paradup's before its ranges were found compiled): per pair of documents, the grid of linked
    points (the strongest link of a point), its :func:`reference_chains`; each chain takes in every other point
    inside both its ranges, then extends its ends while the next pair matches loosely."""
    from paradup.blocks import number_blocks
    from paradup.model import Span

    docs = [p.doc for p in paragraphs]
    first = {d: docs.index(d) for d in set(docs)}
    grids: dict[tuple[int, int], dict[tuple[int, int], float]] = {}
    for link in sorted(links, key=lambda x: -x.strength):
        a, b = paragraphs[link.p], paragraphs[link.q]
        grids.setdefault((a.doc, b.doc), {}).setdefault((a.index, b.index), link.strength)

    def pair(da, db, i, j):
        p, q = first[da] + i, first[db] + j
        if q >= len(paragraphs) or docs[p] != da or docs[q] != db or p >= q:
            return None
        return p, q

    def loosely(da, db, i, j):
        found = pair(da, db, i, j)
        return None if found is None or loose is None else loose(*found)

    found = []
    for (da, db), grid in sorted(grids.items()):
        if len(grid) < params.min_block:
            continue
        for chain in reference_chains(grid, params):
            scores = {point: grid[point] for point in chain}
            a0, a1 = min(i for i, _ in chain), max(i for i, _ in chain)
            b0, b1 = min(j for _, j in chain), max(j for _, j in chain)
            for (i, j), s in sorted(grid.items()):
                if a0 <= i <= a1 and b0 <= j <= b1:
                    scores.setdefault((i, j), s)
            while a0 > 0 and b0 > 0 and (s := loosely(da, db, a0 - 1, b0 - 1)) is not None:
                a0, b0 = a0 - 1, b0 - 1
                scores[(a0, b0)] = s
            while (s := loosely(da, db, a1 + 1, b1 + 1)) is not None:
                a1, b1 = a1 + 1, b1 + 1
                scores[(a1, b1)] = s
            if da == db and a1 >= b0:
                continue
            found.append((Span(da, a0, a1), Span(db, b0, b1), tuple(sorted(scores)),
                          round(sum(scores.values()) / len(scores), 4)))
    return number_blocks(found)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_blocks_are_the_reference_blocks(data):
    """Random links between a few documents, points linked twice, equal strengths, loose matches around the runs:
    the blocks (ranges, pairs, similarity to the last bit) are those of the definition, found at once or in parts."""
    from paradup.blocks import Link, block_spans, number_blocks

    sizes = data.draw(st.lists(st.integers(1, 9), min_size=1, max_size=3))
    ps = [p for d, n in enumerate(sizes) for p in split_paragraphs("\n\n".join(f"D{d}P{i}." for i in range(n)), d)]
    n = len(ps)
    assume(n >= 2)
    pairs = st.tuples(st.integers(0, n - 2), st.integers(1, n - 1)).filter(lambda x: x[0] < x[1])
    strength = st.sampled_from([0.55, 0.8, 0.8, 0.9341, 1.0])
    points = data.draw(st.lists(pairs, max_size=20))
    for _ in range(data.draw(st.integers(0, 3))):  # runs down a diagonal, with points beside it (moved, split)
        p0, q0, length = data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, n - 1)), data.draw(st.integers(2, 6))
        for t in range(length):
            for dq in data.draw(st.sets(st.sampled_from([0, 0, -1, 1, 2]), min_size=1, max_size=3)):
                if p0 + t < q0 + t + dq < n:
                    points.append((p0 + t, q0 + t + dq))
    links = [Link(p, q, data.draw(strength)) for p, q in points]
    near = data.draw(st.dictionaries(pairs, st.one_of(st.none(), st.sampled_from([0.7, 0.75, 0.9])), max_size=20))
    params = Params(max_gap=data.draw(st.integers(0, 3)), min_block=data.draw(st.integers(2, 3)))

    def loose(p, q):
        return near.get((p, q))

    want = reference_blocks(ps, links, params, loose)
    assert find_blocks(ps, links, params, loose) == want
    k = data.draw(st.integers(2, 3))
    assert number_blocks(f for part in range(k) for f in block_spans(ps, links, params, loose, (part, k))) == want
