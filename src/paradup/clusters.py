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
    parent = list(range(n))
    size = [1] * n
    weakest = [1.0] * n
    kinds: dict[int, set[str]] = {}
    strength = [m.strength for m in matches]

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(child: int, root: int, i: int) -> None:
        parent[child] = root
        size[root] += size[child]
        weakest[root] = min(weakest[root], weakest[child], strength[i])
        kinds.setdefault(root, set()).update(kinds.pop(child, set()) | {matches[i].kind})

    def in_order(ids: list[int]) -> list[int]:  # strongest first, then by ids
        return sorted(ids, key=lambda i: (-strength[i], matches[i].a, matches[i].b))

    core = [m.kind == "near" and m.similarity >= params.core_similarity for m in matches]
    for i in in_order([i for i, c in enumerate(core) if c]):
        ra, rb = find(matches[i].a), find(matches[i].b)
        if ra != rb:
            join(max(ra, rb), min(ra, rb), i)
    leaf = [False] * n
    for i in in_order([i for i, c in enumerate(core) if not c]):
        joiner, target = _attach(matches[i], find, size, leaf)
        if joiner is None:
            continue
        join(joiner, find(target), i)
        leaf[joiner] = True
    touched = sorted({m.a for m in matches} | {m.b for m in matches})
    return _collect(touched, find, weakest, kinds)


def _attach(m: Match, find, size: list[int], leaf: list[bool]) -> tuple[int | None, int]:
    """Pick which side of a marginal link attaches to the other, if any may."""
    if m.kind == "containment":
        options = [(m.a, m.b)] if m.contained == "a" else [(m.b, m.a)]
    else:
        options = [(m.b, m.a), (m.a, m.b)]
    for joiner, target in options:
        alone = find(joiner) == joiner and size[joiner] == 1
        if alone and not leaf[target] and find(target) != joiner:
            return joiner, target
    return None, -1


def _collect(touched: list[int], find, weakest: list[float], kinds: dict[int, set[str]]) -> list[NodeCluster]:
    groups: dict[int, list[int]] = {}
    for x in touched:
        groups.setdefault(find(x), []).append(x)
    out = []
    for root, nodes in groups.items():
        if len(nodes) > 1:
            k = kinds.get(root, {"near"})
            kind = "containment" if "containment" in k else "near"
            out.append(NodeCluster(tuple(nodes), kind, round(weakest[root], 4)))
    return sorted(out, key=lambda c: c.nodes[0])
