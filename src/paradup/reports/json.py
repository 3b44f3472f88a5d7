"""The JSON report: one versioned object (``schema_version`` 1)."""

from __future__ import annotations

import json

from paradup import __version__
from paradup.model import Block, Match, Report, Span
from paradup.paragraphs import doc_counts
from paradup.reports.common import doc_id, params_dict, preview, stats_dict

SCHEMA_VERSION = 1


def to_dict(report: Report, timings: bool = True) -> dict:
    """Return the report as plain data, the same schema the JSON and HTML reports carry."""
    counts = doc_counts(report.paragraphs, len(report.documents))
    return {
        "schema_version": SCHEMA_VERSION,
        "version": __version__,
        "params": params_dict(report),
        "stats": stats_dict(report, timings),
        "documents": [{"id": d.id, "path": d.path, "paragraphs": n} for d, n in zip(report.documents, counts)],
        "clusters": [_cluster(report, c) for c in report.clusters],
        "matches": [_match(report, m) for m in report.matches],
        "blocks": [_block(report, b) for b in report.blocks],
        "problems": [{"path": p.path, "message": p.message} for p in report.problems],
        **({"archive": [_archive(report, a) for a in report.archive]} if report.archive else {}),
    }


def render(report: Report, timings: bool = True) -> str:
    """Render the report as JSON: one top-level key per line, one list item per line.

    Each line is written by the C encoder (``indent`` would fall back to the
    pure-Python one, ten times slower on a large corpus), and a diff of two
    reports still shows which cluster or match changed.

    >>> print(render_dict({"a": 1, "b": [{"x": 1}, {"x": 2}]}), end="")
    {
    "a": 1,
    "b": [
    {"x": 1},
    {"x": 2}
    ]
    }
    """
    return render_dict(to_dict(report, timings))


def render_dict(data: dict) -> str:
    """Write a dict as JSON with its top-level keys and list items on lines of their own."""
    def dump(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

    lines = []
    for key, value in data.items():
        if isinstance(value, list) and value:
            items = ",\n".join(dump(v) for v in value)
            lines.append(f"{dump(key)}: [\n{items}\n]")
        else:
            lines.append(f"{dump(key)}: {dump(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _member(report: Report, gid: int) -> dict:
    p = report.paragraphs[gid]
    return {
        "doc": doc_id(report, p),
        "index": p.index,
        "line_start": p.line_start,
        "line_end": p.line_end,
        "char_start": p.char_start,
        "char_end": p.char_end,
        "words": p.words,
        "preview": preview(p.text),
    }


def _cluster(report: Report, c) -> dict:
    rep = report.place(c.representative)
    return {
        "id": c.id,
        "kind": c.kind,
        "size": len(c.members),
        "weakest": c.weakest,
        "members": [_member(report, m) for m in c.members],
        "representative": {"doc": doc_id(report, rep), "index": rep.index},
    }


def _match(report: Report, m: Match) -> dict:
    def side(gid: int) -> dict:
        p = report.place(gid)
        return {"doc": doc_id(report, p), "index": p.index, "line_start": p.line_start}

    return {
        "a": side(m.a),
        "b": side(m.b),
        "kind": m.kind,
        "similarity": m.similarity,
        "jaccard": m.jaccard,
        "containment": m.containment,
        "contained": m.contained,
    }


def _archive(report: Report, a) -> dict:
    p = report.place(a.paragraph)
    return {
        "paragraph": {"doc": doc_id(report, p), "index": p.index, "line_start": p.line_start},
        "archive": {"doc": a.archive_doc, "path": a.archive_path, "index": a.archive_index,
                    "line_start": a.archive_line_start},
        "kind": a.kind,
        "similarity": a.similarity,
        "jaccard": a.jaccard,
        "containment": a.containment,
        "contained": a.contained,
    }


def span_dict(report: Report, span: Span) -> dict:
    first = report.place(report.first(span.doc) + span.index_start)
    last = report.place(report.first(span.doc) + span.index_end)
    return {
        "doc": report.documents[span.doc].id,
        "index_start": span.index_start,
        "index_end": span.index_end,
        "line_start": first.line_start,
        "line_end": last.line_end,
    }


def _block(report: Report, b: Block) -> dict:
    return {
        "id": b.id,
        "a": span_dict(report, b.a),
        "b": span_dict(report, b.b),
        "pairs": [list(pair) for pair in b.pairs],
        "similarity": b.similarity,
    }
