"""Score what a system found against a corpus's known answers.

Every system is scored on its **groups**: the connected components of the
pairs and clusters it reports (a system that reports pairs only is grouped
by union-find, as its user would).  With paragraphs as units:

- *truth families*: connected components of every planted repeat except the
  ``negative`` pairs (two paragraphs that must not match);
- **recall of kind k**: the share of kind-k truth pairs whose two paragraphs
  land in one group; for a truth *cluster* (boilerplate footers), the share of
  its member pairs that do (pair counting, so a million footers cost nothing);
- **precision of kind k**: over the copy-side paragraphs ``c`` of kind k
  (``b`` of a pair, every member of a cluster) that a system grouped with
  anything, the share of ``c``'s group-mates that are in ``c``'s truth family:
  ``sum(|G(c) & F(c)| - 1) / sum(|G(c)| - 1)``;
- overall **precision** (pair counting: pairs inside groups that are inside a
  family), overall **recall** (all positive truth pairs, cluster pairs
  counted), F1, and the **adjusted Rand index** of groups against families
  over all paragraphs, unmatched paragraphs being singletons;
- ``negative``: the **false-match rate**, the share of negative pairs grouped;
- ``pairs_precision``: the share of the pairs a system states explicitly
  whose two paragraphs are in one family (no grouping involved);
- **block recall**: a truth block counts as found when one reported block
  covers both of its ranges, each overlapping by at least 80% of the longer of
  the two ranges (either orientation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from benchmarks.corpus import load_truth
from benchmarks.units import Corpus

NEGATIVE = "negative"
BLOCK_OVERLAP = 0.8


@dataclass(frozen=True)
class Truth:
    """Known answers in gid space."""

    kinds: tuple[str, ...]
    pair_a: np.ndarray
    pair_b: np.ndarray
    pair_kind: np.ndarray  # index into kinds
    clusters: tuple[tuple[int, np.ndarray], ...]  # (kind index, member gids)
    blocks: tuple[tuple[int, int, int, int, int, int], ...]  # doc, start, end (a) then (b), inclusive


@dataclass
class Prediction:
    """What one system reported, in gid space; blocks as in :class:`Truth`."""

    pairs: np.ndarray = field(default_factory=lambda: np.empty((0, 2), dtype=np.int64))
    clusters: list[np.ndarray] = field(default_factory=list)
    blocks: list[tuple[int, int, int, int, int, int]] | None = None  # None: the system reports no blocks


def load_truth_gids(path: str | Path, corpus: Corpus) -> Truth:
    """Read a ``truth.jsonl``-style file and translate its positions to gids of ``corpus``."""
    kinds: list[str] = []
    a, b, k = [], [], []
    clusters, blocks = [], []

    def kind_id(kind: str) -> int:
        if kind not in kinds:
            kinds.append(kind)
        return kinds.index(kind)

    for rec in load_truth(path):
        if rec["type"] == "pair":
            a.append(corpus.gid(rec["a"]["doc"], rec["a"]["index"]))
            b.append(corpus.gid(rec["b"]["doc"], rec["b"]["index"]))
            k.append(kind_id(rec["kind"]))
        elif rec["type"] == "cluster":
            members = np.array([corpus.gid(m["doc"], m["index"]) for m in rec["members"]], dtype=np.int64)
            clusters.append((kind_id(rec["kind"]), members))
        elif rec["type"] == "block":
            sides = [(corpus.doc_number(s["doc"]), s["index_start"], s["index_end"]) for s in (rec["a"], rec["b"])]
            blocks.append((*sides[0], *sides[1]))
    return Truth(tuple(kinds), np.array(a, dtype=np.int64), np.array(b, dtype=np.int64),
                 np.array(k, dtype=np.int64), tuple(clusters), tuple(blocks))  # fmt: skip


def components(n: int, pairs: np.ndarray, clusters: list[np.ndarray] | tuple = ()) -> np.ndarray:
    """Label ``n`` paragraphs by the connected components of ``pairs`` and ``clusters``.

    >>> components(4, np.array([[0, 2]]), [np.array([1, 3])]).tolist()
    [0, 1, 0, 1]
    """
    edges = [np.asarray(pairs, dtype=np.int64).reshape(-1, 2)]
    for members in clusters:
        members = np.asarray(members, dtype=np.int64)
        if len(members) > 1:
            edges.append(np.stack([np.full(len(members) - 1, members[0]), members[1:]], axis=1))
    e = np.concatenate(edges)
    graph = coo_matrix((np.ones(len(e), dtype=np.int8), (e[:, 0], e[:, 1])), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _comb2(x: np.ndarray) -> float:
    x = x.astype(np.float64)
    return float((x * (x - 1) / 2).sum())


def adjusted_rand_index(truth: np.ndarray, pred: np.ndarray) -> float:
    """Return the adjusted Rand index of two labelings (Hubert and Arabie).

    >>> adjusted_rand_index(np.array([0, 0, 1, 1]), np.array([5, 5, 7, 7]))
    1.0
    >>> round(adjusted_rand_index(np.array([0, 0, 1, 2]), np.array([0, 1, 2, 3])), 3)
    0.0
    """
    n = len(truth)
    _, joint = np.unique(np.stack([truth, pred]), axis=1, return_counts=True)
    index = _comb2(joint)
    a, b = _comb2(np.bincount(truth)), _comb2(np.bincount(pred))
    expected = a * b / (n * (n - 1) / 2) if n > 1 else 0.0
    top = (a + b) / 2
    return 1.0 if top == expected else (index - expected) / (top - expected)


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def score(truth: Truth, pred: Prediction, n: int) -> dict:
    """Return the metrics of the module docstring as a JSON-ready dict."""
    positive = truth.pair_kind != (truth.kinds.index(NEGATIVE) if NEGATIVE in truth.kinds else -1)
    fam = components(n, np.stack([truth.pair_a[positive], truth.pair_b[positive]], axis=1), [m for _, m in truth.clusters])
    grp = components(n, pred.pairs, pred.clusters)
    _, joint_of, joint_size = np.unique(np.stack([grp, fam]), axis=1, return_inverse=True, return_counts=True)
    n_gf = joint_size[joint_of.ravel()]
    n_g = np.bincount(grp)[grp]
    same = grp[truth.pair_a] == grp[truth.pair_b]
    per_kind, found_all, total_all = {}, 0.0, 0.0
    for k, kind in enumerate(truth.kinds):
        sel = truth.pair_kind == k
        found, total = float(same[sel].sum()), float(sel.sum())
        copies = [truth.pair_b[sel]]
        for ck, members in truth.clusters:
            if ck == k:
                _, counts = np.unique(grp[members], return_counts=True)
                found, total = found + _comb2(counts), total + len(members) * (len(members) - 1) / 2
                copies.append(members)
        recall = found / total if total else None
        if kind == NEGATIVE:
            per_kind[kind] = {"pairs": int(total), "false_match_rate": recall}
            continue
        found_all, total_all = found_all + found, total_all + total
        c = np.unique(np.concatenate(copies))
        c = c[n_g[c] > 1]
        precision = float((n_gf[c] - 1).sum() / (n_g[c] - 1).sum()) if len(c) else None
        per_kind[kind] = {"pairs": int(total), "precision": precision, "recall": recall, "f1": _f1(precision, recall)}
    grouped = _comb2(np.bincount(grp))
    precision = _comb2(joint_size) / grouped if grouped else None
    recall = found_all / total_all if total_all else None
    explicit = np.asarray(pred.pairs, dtype=np.int64).reshape(-1, 2)
    return {
        "precision": precision, "recall": recall, "f1": _f1(precision, recall),
        "ari": adjusted_rand_index(fam, grp),
        "pairs_precision": float((fam[explicit[:, 0]] == fam[explicit[:, 1]]).mean()) if len(explicit) else None,
        "pairs_reported": int(len(explicit)),
        "groups": int((np.bincount(grp) > 1).sum()),
        "per_kind": per_kind,
        **block_scores(truth.blocks, pred.blocks),
    }  # fmt: skip


def _overlap(s1: int, e1: int, s2: int, e2: int) -> float:
    inter = min(e1, e2) - max(s1, s2) + 1
    return max(inter, 0) / max(e1 - s1 + 1, e2 - s2 + 1)


def block_found(t: tuple, blocks: list[tuple]) -> bool:
    """Tell whether some reported block covers both ranges of truth block ``t`` by 80% or more.

    >>> block_found((0, 2, 6, 1, 0, 4), [(1, 0, 3, 0, 2, 6)])
    True
    >>> block_found((0, 2, 6, 1, 0, 4), [(0, 2, 3, 1, 0, 1)])
    False
    """
    for p in blocks:
        for pa, pb in ((p[:3], p[3:]), (p[3:], p[:3])):
            if pa[0] == t[0] and pb[0] == t[3] and _overlap(*t[1:3], *pa[1:]) >= BLOCK_OVERLAP \
                    and _overlap(*t[4:6], *pb[1:]) >= BLOCK_OVERLAP:  # fmt: skip
                return True
    return False


def block_scores(truth_blocks: tuple, blocks: list[tuple] | None) -> dict:
    """Return block recall (None when the system reports no blocks, or there are none to find)."""
    if blocks is None or not truth_blocks:
        return {"block_recall": None, "blocks_reported": None if blocks is None else len(blocks), "blocks": len(truth_blocks)}
    by_docs: dict[tuple[int, int], list[tuple]] = {}
    for p in blocks:
        by_docs.setdefault((min(p[0], p[3]), max(p[0], p[3])), []).append(p)
    found = sum(block_found(t, by_docs.get((min(t[0], t[3]), max(t[0], t[3])), [])) for t in truth_blocks)
    return {"block_recall": found / len(truth_blocks), "blocks_reported": len(blocks), "blocks": len(truth_blocks)}
