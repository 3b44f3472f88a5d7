"""The JSON report: one versioned object (``schema_version`` 1)."""

from __future__ import annotations

import json
from json.encoder import c_make_encoder, encode_basestring

from paradup import __version__
from paradup.model import Block, Place, Report, Span
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
        "clusters": _clusters(report),
        "matches": _matches(report),
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
    dump = _encoder()
    lines = []
    for key, value in data.items():
        if isinstance(value, list) and value:
            items = ",\n".join(map(dump, value))
            lines.append(f"{dump(key)}: [\n{items}\n]")
        else:
            lines.append(f"{dump(key)}: {dump(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _encoder():
    """Return ``json.dumps(value, ensure_ascii=False, separators=(", ", ": "))`` as a function,
    with the C encoder made once instead of once a call (a large report has 10**5 items)."""
    options = {"ensure_ascii": False, "separators": (", ", ": ")}
    encoder = json.JSONEncoder(**options)
    if c_make_encoder is None:  # pragma: no cover - CPython always has it
        return encoder.encode
    make = c_make_encoder(None, encoder.default, encode_basestring, None, ": ", ", ", False, False, True)

    def dump(value) -> str:
        if isinstance(value, str):
            return encode_basestring(value)
        return "".join(make(value, 0))

    return dump


def _member(report: Report, gid: int, p: Place) -> dict:
    text = report.text(gid)
    return {
        "doc": doc_id(report, p),
        "index": p.index,
        "line_start": p.line_start,
        "line_end": p.line_end,
        "char_start": p.char_start,
        "char_end": p.char_end,
        "words": len(text.split()),
        "preview": preview(text),
    }


def _clusters(report: Report) -> list[dict]:
    gids = [m for c in report.clusters for m in c.members]
    places = iter(report.places(gids))
    reps = report.places([c.representative for c in report.clusters])
    out = []
    for c, rep in zip(report.clusters, reps):
        out.append({
            "id": c.id,
            "kind": c.kind,
            "size": len(c.members),
            "weakest": c.weakest,
            "members": [_member(report, m, next(places)) for m in c.members],
            "representative": {"doc": doc_id(report, rep), "index": rep.index},
        })
    return out


def _matches(report: Report) -> list[dict]:
    def side(p: Place) -> dict:
        return {"doc": doc_id(report, p), "index": p.index, "line_start": p.line_start}

    a_sides = report.places([m.a for m in report.matches])
    b_sides = report.places([m.b for m in report.matches])
    return [
        {
            "a": side(a),
            "b": side(b),
            "kind": m.kind,
            "similarity": m.similarity,
            "jaccard": m.jaccard,
            "containment": m.containment,
            "contained": m.contained,
        }
        for m, a, b in zip(report.matches, a_sides, b_sides)
    ]


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
