"""What every renderer needs: locations, previews and per-member scores."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import accumulate

import numpy as np

from paradup.candidates import lsh_threshold
from paradup.found import ClusterTable, MatchTable, cluster_columns
from paradup.model import Match, Paragraph, Place, Report
from paradup.paragraphs import PREVIEW_CHARS, preview

__all__ = ["PREVIEW_CHARS", "cluster_batches", "doc_id", "member_links", "member_spans", "params_dict", "preview",
           "stats_dict"]


def params_dict(report: Report) -> dict:
    """Return every parameter in force, with the LSH threshold the bands give."""
    p = report.params
    out = {name: getattr(p, name) for name in p.__dataclass_fields__}
    out["effective_threshold"] = round(lsh_threshold(p.bands, p.rows), 4)
    return out


def stats_dict(report: Report, timings: bool) -> dict:
    """Return the run's counters, with the seconds per stage only when asked."""
    stats = dict(report.stats)
    if not timings:
        stats.pop("seconds", None)
    return stats


def doc_id(report: Report, paragraph: Paragraph | Place) -> str:
    return report.documents[paragraph.doc].id


def cluster_batches(report: Report, batch: int = 2000) -> Iterator[tuple]:
    """Yield the columns of the report's clusters (:func:`~paradup.found.cluster_columns`: ids, kinds, weakest,
    sizes, their members one after another, representatives) ``batch`` clusters at a time, so that a renderer
    gathers their members' places and texts at once.

    >>> from paradup import scan_texts
    >>> [columns[3:] for columns in cluster_batches(scan_texts({"a": "One two.\\n\\nOne two."}))]
    [([2], [0, 1], [0])]
    """
    for start in range(0, len(report.clusters), batch):
        yield cluster_columns(report.clusters, start, min(start + batch, len(report.clusters)))


def member_spans(sizes: Sequence[int]) -> list[range]:
    """Where each cluster's members are in a batch's members (:func:`cluster_batches`), one cluster after another.

    >>> member_spans([2, 3])
    [range(0, 2), range(2, 5)]
    """
    return [range(end - size, end) for size, end in zip(sizes, accumulate(sizes))]


def member_links(report: Report) -> dict[int, Match]:
    """Map each clustered paragraph (not a representative) to the match that
    best explains its place in its cluster: a direct match with the
    representative if there is one, else its strongest match inside the cluster
    (the first such, in the matches' order, a match's ``a`` before its ``b``)."""
    if isinstance(report.clusters, ClusterTable) and isinstance(report.matches, MatchTable):
        return _member_links(report.clusters, report.matches)
    cluster_of = {m: c for c in report.clusters for m in c.members}
    best: dict[int, tuple[tuple[bool, float], Match]] = {}
    for match in report.matches:
        c = cluster_of.get(match.a)
        if c is None or cluster_of.get(match.b) is not c:
            continue
        for member, other in ((match.a, match.b), (match.b, match.a)):
            if member == c.representative:
                continue
            key = (other == c.representative, match.strength)
            if member not in best or key > best[member][0]:
                best[member] = (key, match)
    return {member: match for member, (_, match) in best.items()}


def _member_links(clusters: ClusterTable, matches: MatchTable) -> dict[int, Match]:
    """:func:`member_links` of a scan's tables, on their arrays (a Python loop over the matches took 0.9 s for the
    144,420 matches of a million paragraphs)."""
    v = matches.verified
    a, b = v.a.astype(np.int64), v.b.astype(np.int64)
    if not a.size or not clusters.members.size:
        return {}
    cluster_of = np.full(int(max(a.max(), b.max(), clusters.members.max())) + 1, -1, dtype=np.int64)
    cluster_of[clusters.members] = np.repeat(np.arange(len(clusters)), clusters.sizes)
    ca, cb = cluster_of[a], cluster_of[b]
    inside = np.flatnonzero((ca >= 0) & (ca == cb))
    rep = np.repeat(clusters.members[clusters.offsets[:-1]][ca[inside]], 2)
    # Each match inside a cluster offers itself to its a, then to its b, in the matches' order.
    member = np.stack([a[inside], b[inside]], axis=1).ravel()
    other = np.stack([b[inside], a[inside]], axis=1).ravel()
    match = np.repeat(inside, 2)
    strength = np.repeat(v.strength()[inside], 2)
    offer = np.flatnonzero(member != rep)
    member, match, strength, to_rep = member[offer], match[offer], strength[offer], other[offer] == rep[offer]
    # Per member: a match with the representative first, then the strongest, then the first offered.
    order = np.lexsort((offer, -strength, ~to_rep, member))
    best = order[np.r_[True, member[order][1:] != member[order][:-1]]] if order.size else order
    return dict(zip(member[best].tolist(), matches.take(match[best])))
