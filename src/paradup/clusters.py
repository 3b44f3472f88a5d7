"""Group verified matches into clusters that resist chaining.

Nodes are distinct (normalised) texts; exact copies are already one node.
Clustering runs in two phases:

1. *Core links* (near matches with ``similarity >= core_similarity``) are
   merged with union-find: these paragraphs are copies of each other.
2. *Marginal links* (weaker near matches, and every containment) may only
   attach a node that is still alone to a node that did not itself join
   through such a link (two lone nodes may pair up this way), and a node
   attached that way never attaches anything else.  For a containment the
   contained side is the one that attaches.

So no paragraph joins a cluster through a chain of marginal links, a short
quote found in two unrelated paragraphs does not glue them together, and two
clusters are never merged by one borderline pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from paradup.arrays import ranges, round4, unique
from paradup.jit import inline, kernel, on_warm_up
from paradup.model import Match, Params


@dataclass(frozen=True)
class NodeCluster:
    """A cluster over node ids, before nodes are expanded to paragraphs."""

    nodes: tuple[int, ...]
    kind: str
    weakest: float


def cluster_matches(n: int, matches: Sequence[Match], params: Params) -> list[NodeCluster]:
    """Return the clusters of ``n`` nodes linked by ``matches`` (singletons left out).

    Clusters come sorted by their smallest node id.

    >>> m = [Match(0, 1, "near", 0.95, 0.8, 0.9), Match(1, 2, "near", 0.82, 0.5, 0.6), Match(2, 3, "near", 0.81, 0.5, 0.6)]
    >>> [c.nodes for c in cluster_matches(4, m, Params())]
    [(0, 1, 2)]
    """
    found = cluster_arrays(n, MatchArrays.of(matches), params)
    nodes = found.nodes.tolist()
    bounds = found.offsets.tolist()
    return [NodeCluster(tuple(nodes[bounds[k] : bounds[k + 1]]), "containment" if found.containment[k] else "near",
                        found.weakest[k]) for k in range(len(bounds) - 1)]


@dataclass(frozen=True)
class MatchArrays:
    """The columns of many matches that clustering reads."""

    a: np.ndarray
    b: np.ndarray
    near: np.ndarray  # bool: a near match
    containment: np.ndarray  # bool: a containment
    contained_a: np.ndarray  # bool: a containment's smaller side is ``a``
    similarity: np.ndarray
    strength: np.ndarray

    @staticmethod
    def of(matches: Sequence[Match]) -> MatchArrays:
        n = len(matches)

        def column(get, dtype):
            return np.fromiter(map(get, matches), dtype=dtype, count=n)

        return MatchArrays(column(lambda m: m.a, np.int64), column(lambda m: m.b, np.int64),
                           column(lambda m: m.kind == "near", bool), column(lambda m: m.kind == "containment", bool),
                           column(lambda m: m.contained == "a", bool),
                           column(lambda m: m.similarity, np.float64), column(lambda m: m.strength, np.float64))


@dataclass(frozen=True)
class ClusterArrays:
    """Clusters over nodes: cluster ``k`` is ``nodes[offsets[k]:offsets[k + 1]]`` (ascending),
    sorted by first node; ``containment[k]`` if a containment holds it; ``weakest[k]`` rounded."""

    nodes: np.ndarray
    offsets: np.ndarray
    containment: np.ndarray
    weakest: list[float]


def cluster_arrays(n: int, m: MatchArrays, params: Params) -> ClusterArrays:
    """:func:`cluster_matches` on arrays (node ids below ``n``): links taken strongest first (then by ids), core links
    before marginal ones."""
    core = m.near & (m.similarity >= params.core_similarity)
    order = np.lexsort((m.b, m.a, -m.strength))
    order = np.concatenate([order[core[order]], order[~core[order]]])
    touched = unique(np.concatenate([m.a, m.b]))
    # The nodes as their ranks among the touched ones (the same order, so the same joins): the kernel's arrays
    # are as long as the nodes with a match, not as all ``n`` (164,626 of 947,627 at 1e6 paragraphs; at 1e7,
    # 14,400 page faults instead of 57,500-62,100).
    a, b = np.searchsorted(touched, m.a), np.searchsorted(touched, m.b)
    roots, weakest, kinds = _union(touched.size, a, b, m.containment, m.contained_a, m.strength, core, order)
    grouped = np.lexsort((touched, roots))  # roots are ranks: ordered as their nodes
    roots, members = roots[grouped], touched[grouped]
    starts = np.flatnonzero(np.r_[True, roots[1:] != roots[:-1]]) if roots.size else np.zeros(0, np.int64)
    sizes = np.diff(np.r_[starts, roots.size])
    starts, sizes = starts[sizes > 1], sizes[sizes > 1]
    by_first = np.argsort(members[starts], kind="stable")
    starts, sizes = starts[by_first], sizes[by_first]
    root_of = roots[starts]
    return ClusterArrays(members[ranges(starts, sizes)], np.r_[0, np.cumsum(sizes)].astype(np.int64), (kinds[root_of] & 2) > 0,
                         round4(weakest[root_of]).tolist())


@kernel
def _union(n, a, b, containment, contained_a, strength, core, order):  # pragma: no cover - compiled
    """Join nodes ``0:n`` along the links in ``order``; return the root of each node, and each root's weakest
    link and kinds (bit 1 near, bit 2 containment)."""
    parent = np.arange(n)
    size = np.ones(n, np.int64)
    weakest = np.ones(n, np.float64)
    kinds = np.zeros(n, np.uint8)
    leaf = np.zeros(n, np.bool_)
    for i in order:
        if core[i]:
            ra, rb = _find(parent, a[i]), _find(parent, b[i])
            if ra != rb:
                _join(parent, size, weakest, kinds, max(ra, rb), min(ra, rb), strength[i], containment[i])
            continue
        # A marginal link: it may attach a lone node to a node that did not join through such a link.
        for option in range(2):
            if containment[i]:
                if option == 1:
                    break
                joiner, target = (a[i], b[i]) if contained_a[i] else (b[i], a[i])
            else:
                joiner, target = (b[i], a[i]) if option == 0 else (a[i], b[i])
            if _find(parent, joiner) == joiner and size[joiner] == 1 and not leaf[target]:
                root = _find(parent, target)
                if root != joiner:
                    _join(parent, size, weakest, kinds, joiner, root, strength[i], containment[i])
                    leaf[joiner] = True
                    break
    roots = np.empty(n, np.int64)
    for k in range(n):
        roots[k] = _find(parent, k)
    return roots, weakest, kinds


@inline
def _find(parent, x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


@inline
def _join(parent, size, weakest, kinds, child, root, strength, containment):
    parent[child] = root
    size[root] += size[child]
    weakest[root] = min(weakest[root], weakest[child], strength)
    kinds[root] |= kinds[child] | (2 if containment else 1)


def _warm_up() -> None:
    one, no = np.arange(1), np.zeros(1, dtype=bool)
    cluster_arrays(2, MatchArrays(one - 1, one, ~no, no, no, np.ones(1), np.ones(1)), Params())


on_warm_up(_warm_up)
