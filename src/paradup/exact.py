"""The exact stage: paragraphs with equal normalised texts become one *node*.

Later stages match nodes, not paragraphs, so a text repeated 100,000 times
(boilerplate) is scored once.  A scan groups by the 64-bit text keys its
workers computed (:func:`group_keys`); dedup and the index group Python
strings (:func:`group_exact`).  Either way node ids follow corpus order of
each text's first appearance, and a paragraph without words belongs to no node.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from paradup.arrays import ranges
from paradup.candidates import may_repeat
from paradup.jit import kernel, on_warm_up


@dataclass(frozen=True)
class Nodes:
    """Distinct normalised texts (nodes) and the paragraphs that carry each, as arrays.

    ``node_of[p]`` is paragraph ``p``'s node (-1: no words); ``reps[n]`` is
    node ``n``'s first paragraph and ``words[n]`` its word count; node ``n``'s
    paragraphs, in corpus order, are ``order[starts[n]:starts[n + 1]]``.

    >>> nodes = group_exact(["a b", "", "c", "a b"])
    >>> nodes.count, nodes.members(0), nodes.reps.tolist(), nodes.node_of.tolist()
    (2, (0, 3), [0, 2], [0, -1, 1, 0])
    """

    node_of: np.ndarray
    reps: np.ndarray
    words: np.ndarray
    order: np.ndarray
    starts: np.ndarray

    @classmethod
    def from_ids(cls, node_of: np.ndarray, words: np.ndarray, count: int | None = None) -> Nodes:
        """Build the node table from each paragraph's node id (ids dense, in first-appearance order; ``count``
        of them, when known).

        Each array is made once, by numpy (which asks for huge pages for a large
        array, where a kernel's own arrays fault in 4 kB at a time), and filled
        by a compiled pass or in place: at 1e7 paragraphs every temporary array
        is 80 MB of fresh memory.
        """
        node_of = np.asarray(node_of, dtype=np.int64)
        if count is None:
            count = int(node_of.max()) + 1 if node_of.size else 0
        starts = np.zeros(count + 1, np.int64)
        _count(node_of, starts[1:])
        np.cumsum(starts, out=starts)
        order = np.empty(starts[-1], np.int64)  # what a stable argsort gives, in linear time
        _counting_sort(node_of, starts[:-1].copy(), order)
        reps = order[starts[:-1]]
        return cls(node_of, reps, np.asarray(words)[reps].astype(np.int64), order, starts)

    @property
    def count(self) -> int:
        return self.reps.size

    @property
    def sizes(self) -> np.ndarray:
        return np.diff(self.starts)

    def members(self, node: int) -> tuple[int, ...]:
        """Return the paragraphs of ``node``, in corpus order."""
        return tuple(self.order[self.starts[node] : self.starts[node + 1]].tolist())

    def members_of(self, nodes: np.ndarray) -> list[tuple[int, ...]]:
        """Return :meth:`members` of each of ``nodes``, gathered in one step.

        >>> group_exact(["a b", "c", "a b", "c", "d"]).members_of(np.array([1, 0]))
        [(1, 3), (0, 2)]
        """
        flat, sizes = self.gather(nodes)
        ends = np.cumsum(sizes)
        flat = flat.tolist()
        return [tuple(flat[a:b]) for a, b in zip((ends - sizes).tolist(), ends.tolist())]

    def gather(self, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the paragraphs of ``nodes`` one node after the other (each in corpus order), and how many each has.

        >>> [a.tolist() for a in group_exact(["a b", "c", "a b", "c", "d"]).gather(np.array([1, 2]))]
        [[1, 3, 4], [2, 1]]
        """
        nodes = np.asarray(nodes, dtype=np.int64)
        sizes = self.sizes[nodes]
        return self.order[ranges(self.starts[nodes], sizes)], sizes

    def repeated(self) -> np.ndarray:
        """Return the nodes carried by more than one paragraph."""
        return np.flatnonzero(self.sizes > 1)


@kernel
def _count(node_of, sizes):  # pragma: no cover - compiled; tested through the node tables
    """Count into ``sizes`` how many paragraphs each node has (``np.bincount`` of the ids that are not negative)."""
    for node in node_of:
        if node >= 0:
            sizes[node] += 1


@kernel
def _counting_sort(node_of, at, order):  # pragma: no cover - compiled; tested through the node tables
    """Put the paragraphs with a node into ``order``, grouped by node and in corpus order inside each (``at``:
    where each node's paragraphs begin, moved on as they are placed)."""
    for p in range(node_of.size):
        node = node_of[p]
        if node >= 0:
            order[at[node]] = p
            at[node] += 1


def group_keys(text_keys: np.ndarray, words: np.ndarray) -> Nodes:
    """Group paragraphs by text key; paragraphs without words are left out.

    Two different texts share a 64-bit key with probability about
    ``n**2 / 2**65`` (3e-8 for a million distinct paragraphs); the key also
    mixes in the word count.

    >>> group_keys(np.array([7, 0, 5, 7], dtype=np.uint64), np.array([2, 0, 1, 2])).node_of.tolist()
    [0, -1, 1, 0]
    """
    words = np.asarray(words)
    keys = np.asarray(text_keys, dtype=np.uint64)
    # Most texts occur once: one pass over a hash table finds the few keys that
    # repeat, and only those are grouped (1e7 keys: 5.6 s for np.unique of all).
    maybe = may_repeat(keys)
    maybe = maybe[words[maybe] > 0]  # (the key of no words repeats, and names no node)
    _, first, inverse = np.unique(keys[maybe], return_index=True, return_inverse=True)
    group_first = maybe[first][inverse.reshape(-1)]  # where each candidate's text first occurs
    node_of = np.empty(words.size, np.int64)  # numpy's, not the kernel's: numpy asks large arrays for huge pages
    count = _node_ids(words, maybe, group_first, node_of)
    return Nodes.from_ids(node_of, words, count)


@kernel
def _node_ids(words, maybe, group_first, node_of):  # pragma: no cover - compiled; tested through group_keys
    """Number the paragraphs' texts in order of first appearance into ``node_of``, and return how many: paragraph
    ``maybe[j]`` (ascending) has the text of ``group_first[j]``; every other paragraph with words has a text of its
    own, and one without none (-1)."""
    count = j = 0
    for p in range(words.size):
        if words[p] <= 0:
            node_of[p] = -1
            continue
        if j < maybe.size and maybe[j] == p:
            first = group_first[j]
            j += 1
            if first != p:
                node_of[p] = node_of[first]
                continue
        node_of[p] = count
        count += 1
    return count


def group_exact(norms: Sequence[str], words: np.ndarray | None = None) -> Nodes:
    """Group paragraphs whose normalised texts are equal; empty texts are left out.

    ``words`` (per paragraph) saves counting them again.

    >>> group_exact(["a b", "", "c", "a b"]).members(1)
    (2,)
    """
    index: dict[str, int] = {}
    node_of = np.fromiter((index.setdefault(n, len(index)) if n else -1 for n in norms), dtype=np.int64,
                          count=len(norms))
    if words is None:
        words = np.fromiter((n.count(" ") + 1 if n else 0 for n in norms), dtype=np.int64, count=len(norms))
    return Nodes.from_ids(node_of, words)


on_warm_up(lambda: Nodes.from_ids(np.zeros(1, np.int64), np.ones(1, np.int64)))
on_warm_up(lambda: group_keys(np.zeros(1, np.uint64), np.ones(1, np.int32)))  # a scan's word counts are int32
