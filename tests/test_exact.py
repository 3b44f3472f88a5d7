from __future__ import annotations

import numpy as np
import pytest

from paradup.exact import Nodes, group_keys


def reference_nodes(keys: np.ndarray, words: np.ndarray) -> Nodes:
    """The node table by definition: a dict numbers the texts (keys) in order of first appearance."""
    ids: dict[int, int] = {}
    node_of = np.array([ids.setdefault(int(k), len(ids)) if w > 0 else -1 for k, w in zip(keys, words)], dtype=np.int64)
    order = np.argsort(node_of, kind="stable")
    order = order[node_of[order] >= 0]
    sizes = np.bincount(node_of[node_of >= 0], minlength=len(ids))
    starts = np.r_[0, np.cumsum(sizes)].astype(np.int64)
    reps = order[starts[:-1]]
    return Nodes(node_of, reps, words[reps].astype(np.int64), order, starts)


@pytest.mark.parametrize("n", [0, 1, 50, 20_000])  # below and above the size where repeats are prefiltered
def test_text_keys_are_grouped_as_a_dict_numbers_them(n):
    rng = np.random.default_rng(n)
    keys = rng.integers(1, 2**64 - 1, size=n, dtype=np.uint64)
    if n > 1:
        copies = rng.integers(0, n, size=n // 3)
        keys[copies] = keys[rng.integers(0, n, size=copies.size)]  # texts repeated, some many times
        keys[rng.integers(0, n, size=n // 50 + 1)] = keys[0]
    words = rng.integers(1, 40, size=n).astype(np.int32)  # a scan's word counts are int32
    empty = rng.random(n) < 0.05
    words[empty], keys[empty] = 0, 0  # no words: key 0, no node
    got, want = group_keys(keys, words), reference_nodes(keys, words)
    for field in ("node_of", "reps", "words", "order", "starts"):
        assert np.array_equal(getattr(got, field), getattr(want, field)), field
        assert getattr(got, field).dtype == np.int64, field
    if n > 1:
        assert got.repeated().size > 0 and (got.node_of == -1).any()
