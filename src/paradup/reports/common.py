"""What every renderer needs: locations, previews and per-member scores."""

from __future__ import annotations

from paradup.candidates import lsh_threshold
from paradup.model import Match, Paragraph, Place, Report
from paradup.paragraphs import PREVIEW_CHARS, preview

__all__ = ["PREVIEW_CHARS", "doc_id", "member_links", "params_dict", "preview", "stats_dict"]


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


def member_links(report: Report) -> dict[int, Match]:
    """Map each clustered paragraph (not a representative) to the match that
    best explains its place in its cluster: a direct match with the
    representative if there is one, else its strongest match inside the cluster."""
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
