"""The CSV report: one row per cluster membership."""

from __future__ import annotations

import csv
import io

from paradup.model import Report
from paradup.reports.common import member_links, preview

COLUMNS = (
    "cluster", "kind", "size", "representative", "doc", "path", "index", "line_start", "line_end",
    "char_start", "char_end", "words", "match_kind", "similarity", "jaccard", "containment", "preview",
)


def render(report: Report, timings: bool = True) -> str:
    """Render cluster memberships as CSV (``timings`` has no effect: CSV has none)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    links = member_links(report)
    for c in report.clusters:
        for gid in c.members:
            p = report.paragraphs[gid]
            doc = report.documents[p.doc]
            link = links.get(gid)
            scores = ("", "", "", "") if link is None else (link.kind, link.similarity, link.jaccard, link.containment)
            writer.writerow((c.id, c.kind, len(c.members), int(gid == c.representative), doc.id, doc.path, p.index,
                             p.line_start, p.line_end, p.char_start, p.char_end, p.words, *scores, preview(p.text)))
    return out.getvalue()
