"""The CSV report: one row per cluster membership."""

from __future__ import annotations

import csv
import io

from paradup.model import Report
from paradup.reports.common import cluster_batches, member_links, member_spans, preview

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
    for ids, kinds, _, sizes, members, reps in cluster_batches(report):  # places, texts, word counts: a batch at once
        doc, index, line_start, line_end, char_start, char_end = report.place_columns(members)
        texts = report.texts(members)
        words = report.word_counts(members, texts)
        for cid, kind, size, rep, span in zip(ids, kinds, sizes, reps, member_spans(sizes)):
            for k in span:
                gid, document, link = members[k], report.documents[doc[k]], links.get(members[k])
                scores = ("", "", "", "") if link is None else (link.kind, link.similarity, link.jaccard, link.containment)
                writer.writerow((cid, kind, size, int(gid == rep), document.id, document.path, index[k], line_start[k],
                                 line_end[k], char_start[k], char_end[k], words[k], *scores, preview(texts[k])))
    return out.getvalue()
