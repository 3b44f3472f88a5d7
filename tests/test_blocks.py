from __future__ import annotations

import numpy as np
from hypothesis import given, settings
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
