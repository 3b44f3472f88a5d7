"""Run the stages end to end: documents in, :class:`~paradup.model.Report` out.

Stages (each timed in ``Report.stats["seconds"]``):

1. ``sketch``: split every document into paragraphs, normalise, shingle and
   MinHash them, in ``jobs`` processes;
2. ``exact``: group equal normalised texts into *nodes* (exact copies are one node);
3. ``candidates``: LSH banding over nodes of at least ``min_words`` words, plus
   nodes that share a whole sentence (containment);
4. ``verify``: score candidates, keep the matches (passages apart);
5. ``clusters`` and ``blocks``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from paradup.blocks import Link, find_blocks
from paradup.candidates import find_candidates, group_pairs
from paradup.clusters import cluster_matches
from paradup.matches import verify_candidates
from paradup.model import Cluster, Document, InputProblem, Match, Paragraph, Params, Report
from paradup.sketch import Sketch, paragraphs_and_sketch

Progress = Callable[[str], None]
# Loose matching only extends a block at its ends, where the run around it
# already vouches for the pair.
_LOOSE_RATIO = 0.7
_LOOSE_TOKEN_SET = 0.9


@dataclass(frozen=True)
class Nodes:
    """Distinct normalised texts and the paragraphs that carry each of them."""

    texts: tuple[str, ...]
    members: tuple[tuple[int, ...], ...]
    words: np.ndarray


def find_duplicates(
    documents: Sequence[Document],
    params: Params | None = None,
    problems: Sequence[InputProblem] = (),
    root: str = ".",
    progress: Progress | None = None,
    jobs: int = 1,
) -> Report:
    """Find repeated paragraphs and blocks in ``documents``.

    >>> from paradup.model import Document
    >>> text = "Alpha beta gamma delta epsilon zeta eta theta.\\n\\nOther words here.\\n\\n"
    >>> report = find_duplicates([Document("a", "a.txt", text), Document("b", "b.txt", text)])
    >>> [(c.kind, len(c.members)) for c in report.clusters]
    [('exact', 2), ('exact', 2)]
    """
    params = params or Params()
    seconds: dict[str, float] = {}
    stage = _stage_timer(seconds, progress)
    with stage("sketch"):
        paragraphs, sketch = paragraphs_and_sketch([d.text for d in documents], params, jobs)
    with stage("exact"):
        nodes = group_exact(sketch.norms, sketch.words)
    with stage("candidates"):
        reps = np.array([m[0] for m in nodes.members], dtype=np.int64)
        long_ids = np.flatnonzero(nodes.words >= params.min_words)
        lsh = find_candidates(sketch.signatures[reps[long_ids]], long_ids, params.bands, params.rows,
                              params.max_bucket)
        sentence = sentence_candidates(sketch, nodes, reps, params)
        pairs = np.unique(np.concatenate([lsh, sentence]), axis=0) if len(lsh) + len(sentence) else lsh
        shared = np.isin(pairs[:, 0] * len(nodes.texts) + pairs[:, 1], sentence[:, 0] * len(nodes.texts) + sentence[:, 1])
    with stage("verify"):
        node_matches = verify_candidates(pairs, nodes.texts, _SetView(sketch, reps), params, shared)
        copies = [m for m in node_matches if m.kind != "passage"]  # passages are reported, never grouped
    with stage("clusters"):
        clusters = build_clusters(nodes, copies, params)
        matches = paragraph_matches(nodes, node_matches)
    with stage("blocks"):
        links = block_links(nodes, copies, clusters, params)
        blocks = find_blocks(paragraphs, links, params, _loose(nodes, paragraphs))
    stats = {
        "documents": len(documents),
        "paragraphs": len(paragraphs),
        "distinct": len(nodes.texts),
        "short": sum(len(nodes.members[i]) for i in np.flatnonzero(nodes.words < params.min_words).tolist()),
        "empty": len(paragraphs) - sum(len(m) for m in nodes.members),
        "candidates": int(len(pairs)),
        "candidates_lsh": int(len(lsh)),
        "candidates_sentence": int(len(sentence)),
        "verified": len(node_matches),
        "passages": len(node_matches) - len(copies),
        "matches": len(matches),
        "clusters": len(clusters),
        "blocks": len(blocks),
        "seconds": {k: round(v, 4) for k, v in seconds.items()},
    }
    return Report(params, tuple(documents), tuple(paragraphs), tuple(matches), tuple(clusters), tuple(blocks),
                  tuple(problems), stats, root)


def group_exact(norms: Sequence[str], words: np.ndarray | None = None) -> Nodes:
    """Group paragraphs whose normalised texts are equal; empty texts are left out.

    Node ids follow corpus order of each text's first appearance; ``words``
    (per paragraph) saves counting them again.

    >>> group_exact(["a b", "", "c", "a b"]).members
    ((0, 3), (2,))
    """
    index: dict[str, int] = {}
    members: list[list[int]] = []
    for gid, norm in enumerate(norms):
        if not norm:
            continue
        node = index.setdefault(norm, len(index))
        if node == len(members):
            members.append([])
        members[node].append(gid)
    texts = tuple(index)
    if words is None:
        counts = np.fromiter((t.count(" ") + 1 for t in texts), dtype=np.int64, count=len(texts))
    else:
        counts = np.asarray(words, dtype=np.int64)[[m[0] for m in members]] if members else np.zeros(0, np.int64)
    return Nodes(texts, tuple(tuple(m) for m in members), counts)


def sentence_candidates(sketch: Sketch, nodes: Nodes, reps: np.ndarray, params: Params) -> np.ndarray:
    """Return node pairs that share a whole sentence of at least ``min_words`` words.

    This finds a paragraph split in two, or quoted inside a longer one, whose
    Jaccard similarity with its original is too low for LSH to catch.
    """
    node_of = np.full(len(sketch.norms), -1, dtype=np.int64)
    node_of[reps] = np.arange(reps.size)
    nodes_with = node_of[sketch.sentence_ids]
    keep = nodes_with >= 0
    keep[keep] &= nodes.words[nodes_with[keep]] >= params.min_words
    if not keep.any():
        return np.empty((0, 2), dtype=np.int64)
    pairs = group_pairs(sketch.sentence_keys[keep], nodes_with[keep], params.max_bucket)
    return pairs[pairs[:, 0] != pairs[:, 1]]


def build_clusters(nodes: Nodes, node_matches: Sequence[Match], params: Params) -> list[Cluster]:
    """Return paragraph clusters: node clusters expanded, plus exact-only groups."""
    grouped = cluster_matches(len(nodes.texts), node_matches, params)
    in_cluster = {n for c in grouped for n in c.nodes}
    raw = [(c.nodes, c.kind, c.weakest) for c in grouped]
    raw += [((n,), "exact", 1.0) for n, m in enumerate(nodes.members) if len(m) > 1 and n not in in_cluster]
    out = []
    for node_ids, kind, weakest in raw:
        members = tuple(sorted(p for n in node_ids for p in nodes.members[n]))
        out.append((members, kind, weakest))
    out.sort(key=lambda c: c[0][0])
    return [Cluster(i, kind, members, members[0], weakest) for i, (members, kind, weakest) in enumerate(out)]


def paragraph_matches(nodes: Nodes, node_matches: Sequence[Match]) -> list[Match]:
    """Return matches between paragraphs: each exact copy against its first
    occurrence, and each verified node match between the first occurrences."""
    out = [Match(m[0], p, "exact", 1.0, 1.0, 1.0) for m in nodes.members for p in m[1:]]
    for m in node_matches:
        a, b = nodes.members[m.a][0], nodes.members[m.b][0]
        out.append(Match(a, b, m.kind, m.similarity, m.jaccard, m.containment, m.contained))
    return sorted(out, key=lambda m: (m.a, m.b))


def block_links(nodes: Nodes, node_matches: Sequence[Match], clusters: Sequence[Cluster], params: Params) -> list[Link]:
    """Return every linked paragraph pair, skipping paragraphs whose cluster has
    more than ``max_bucket`` members (boilerplate is reported by clusters, not blocks)."""
    crowded = {p for c in clusters if len(c.members) > params.max_bucket for p in c.members}

    def small(node: int) -> bool:
        return len(nodes.members[node]) <= params.max_bucket and nodes.members[node][0] not in crowded

    links = []
    for node, members in enumerate(nodes.members):
        if small(node):
            links += [Link(p, q, 1.0) for i, p in enumerate(members) for q in members[i + 1 :]]
    for m in node_matches:
        if small(m.a) and small(m.b):
            links += [Link(min(p, q), max(p, q), m.strength) for p in nodes.members[m.a] for q in nodes.members[m.b]]
    return links


def _loose(nodes: Nodes, paragraphs: Sequence[Paragraph]):
    norms = {p: text for text, members in zip(nodes.texts, nodes.members) for p in members}

    def loose(p: int, q: int) -> float | None:
        a, b = norms.get(p), norms.get(q)
        if not a or not b:
            return None
        ratio = fuzz.ratio(a, b) / 100.0
        if ratio >= _LOOSE_RATIO:
            return round(ratio, 4)
        shorter = min(a.count(" "), b.count(" ")) + 1
        if shorter >= 3 and fuzz.token_set_ratio(a, b) / 100.0 >= _LOOSE_TOKEN_SET:
            return round(ratio, 4)
        return None

    return loose


class _SetView:
    """Index the shingle sets of a sketch by node id."""

    def __init__(self, sketch: Sketch, reps: np.ndarray) -> None:
        self._sketch, self._reps = sketch, reps

    def __getitem__(self, node: int) -> np.ndarray:
        i = self._reps[node]
        return np.unique(self._sketch.values[self._sketch.offsets[i] : self._sketch.offsets[i + 1]])


def _stage_timer(seconds: dict[str, float], progress: Progress | None):
    @contextmanager
    def stage(name: str):
        if progress is not None:
            progress(name)
        start = time.perf_counter()
        yield
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - start

    return stage
