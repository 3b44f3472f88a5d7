"""The JSON report: one versioned object (``schema_version`` 1)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import islice
from json.encoder import c_make_encoder, encode_basestring

from paradup import __version__
from paradup.model import Block, Place, Report, Span
from paradup.paragraphs import doc_counts
from paradup.reports.common import doc_id, params_dict, preview, stats_dict

SCHEMA_VERSION = 1


def to_dict(report: Report, timings: bool = True) -> dict:
    """Return the report as plain data, the same schema the JSON and HTML reports carry."""
    return _data(report, timings, list(_clusters(report)), list(_matches(report)))


def _data(report: Report, timings: bool, clusters, matches) -> dict:
    """The report's top-level keys in order, with ``clusters`` and ``matches`` as given."""
    counts = doc_counts(report.paragraphs, len(report.documents))
    return {
        "schema_version": SCHEMA_VERSION,
        "version": __version__,
        "params": params_dict(report),
        "stats": stats_dict(report, timings),
        "documents": [{"id": d.id, "path": d.path, "paragraphs": n} for d, n in zip(report.documents, counts)],
        "clusters": clusters,
        "matches": matches,
        "blocks": [_block(report, b) for b in report.blocks],
        "problems": [{"path": p.path, "message": p.message} for p in report.problems],
        **({"archive": [_archive(report, a) for a in report.archive]} if report.archive else {}),
    }


def render(report: Report, timings: bool = True) -> str:
    """Render the report as JSON: one top-level key per line, one list item per line.

    Each line is written by the C encoder (``indent`` would fall back to the
    pure-Python one, ten times slower on a large corpus), and a diff of two
    reports still shows which cluster or match changed.

    >>> print(render_dict({"a": 1, "b": [{"x": 1}, {"x": 2}], "c": []}), end="")
    {
    "a": 1,
    "b": [
    {"x": 1},
    {"x": 2}
    ],
    "c": []
    }
    """
    return "".join(render_chunks(report, timings))


def render_chunks(report: Report, timings: bool = True) -> Iterator[str]:
    """Yield :func:`render`'s text in pieces, writing each list item only when it is reached.

    One process writes it: at 1e6 paragraphs, two workers took 1.85 s against
    1.70 s for one (forking a large process and sending 100 MB of text back
    cost more than the work they share).
    """
    return _chunks(_data(report, timings, _Lines(_cluster_lines(report)), _Lines(_match_lines(report))))


def render_dict(data: dict) -> str:
    """Write a dict as JSON with its top-level keys and list items on lines of their own."""
    return "".join(_chunks(data))


def _chunks(data: dict) -> Iterator[str]:
    """Yield the JSON text of ``data``."""
    dump = _encoder()
    yield "{\n"
    for n, (key, value) in enumerate(data.items()):
        head = ",\n" if n else ""
        if isinstance(value, (list, Iterator)):
            write = str if isinstance(value, _Lines) else dump  # _Lines: items written already
            items = iter(value)
            first = next(items, _NONE)
            if first is _NONE:
                yield f"{head}{dump(key)}: []"
                continue
            yield f"{head}{dump(key)}: [\n{write(first)}"
            while batch := list(islice(items, _CHUNK_ITEMS)):
                yield ",\n" + ",\n".join(map(write, batch))
            yield "\n]"
        else:
            yield f"{head}{dump(key)}: {dump(value)}"
    yield "\n}\n"


_NONE = object()
_CHUNK_ITEMS = 2000


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


class _Lines:
    """An iterator of list items already written as JSON text."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines

    def __iter__(self) -> Iterator[str]:
        return self._lines

    def __next__(self) -> str:
        return next(self._lines)


def _cluster_rows(report: Report, first: int = 0, stop: int | None = None):
    """Yield each cluster with its members' rows (:class:`Place`'s fields, text, words) and its representative's place,
    gathered a batch at a time: what both the dicts and the written lines are made of."""
    clusters = report.clusters[first:stop]
    for start in range(0, len(clusters), _CHUNK_ITEMS):
        batch = clusters[start : start + _CHUNK_ITEMS]
        gids = [m for c in batch for m in c.members]
        texts = report.texts(gids)
        members = iter(zip(*report.place_columns(gids), texts, report.word_counts(gids, texts)))
        for c, rep in zip(batch, report.places([c.representative for c in batch])):
            yield c, [next(members) for _ in c.members], rep


def _match_rows(report: Report, first: int = 0, stop: int | None = None):
    """Yield each match with the places of its two sides, gathered a batch at a time."""
    matches = report.matches[first:stop]
    for start in range(0, len(matches), _CHUNK_ITEMS):
        batch = matches[start : start + _CHUNK_ITEMS]
        yield from zip(batch, report.places([m.a for m in batch]), report.places([m.b for m in batch]))


def _cluster_lines(report: Report, first: int = 0, stop: int | None = None) -> Iterator[str]:
    """Yield what the encoder writes of each of :func:`_clusters`' items, formatted directly (3x faster)."""
    ids = [encode_basestring(d.id) for d in report.documents]
    for c, members, rep in _cluster_rows(report, first, stop):
        written = [
            f'{{"doc": {ids[doc]}, "index": {index}, "line_start": {line_start}, "line_end": {line_end}, '
            f'"char_start": {char_start}, "char_end": {char_end}, "words": {words}, '
            f'"preview": {encode_basestring(preview(text))}}}'
            for doc, index, line_start, line_end, char_start, char_end, text, words in members
        ]
        yield (f'{{"id": {c.id}, "kind": {encode_basestring(c.kind)}, "size": {len(c.members)}, '
               f'"weakest": {c.weakest!r}, "members": [{", ".join(written)}], '
               f'"representative": {{"doc": {ids[rep.doc]}, "index": {rep.index}}}}}')


def _match_lines(report: Report, first: int = 0, stop: int | None = None) -> Iterator[str]:
    """Yield what the encoder writes of each of :func:`_matches`' items, formatted directly."""
    ids = [encode_basestring(d.id) for d in report.documents]
    for m, a, b in _match_rows(report, first, stop):
        contained = "null" if m.contained is None else encode_basestring(m.contained)
        yield (f'{{"a": {{"doc": {ids[a.doc]}, "index": {a.index}, "line_start": {a.line_start}}}, '
               f'"b": {{"doc": {ids[b.doc]}, "index": {b.index}, "line_start": {b.line_start}}}, '
               f'"kind": {encode_basestring(m.kind)}, "similarity": {m.similarity!r}, '
               f'"jaccard": {m.jaccard!r}, "containment": {m.containment!r}, "contained": {contained}}}')


def _member(report: Report, doc: int, index: int, line_start: int, line_end: int, char_start: int, char_end: int,
            text: str, words: int) -> dict:
    return {
        "doc": report.documents[doc].id,
        "index": index,
        "line_start": line_start,
        "line_end": line_end,
        "char_start": char_start,
        "char_end": char_end,
        "words": words,
        "preview": preview(text),
    }


def _clusters(report: Report, first: int = 0, stop: int | None = None) -> Iterator[dict]:
    for c, members, rep in _cluster_rows(report, first, stop):
        yield {
            "id": c.id,
            "kind": c.kind,
            "size": len(c.members),
            "weakest": c.weakest,
            "members": [_member(report, *member) for member in members],
            "representative": {"doc": doc_id(report, rep), "index": rep.index},
        }


def _matches(report: Report, first: int = 0, stop: int | None = None) -> Iterator[dict]:
    def side(p: Place) -> dict:
        return {"doc": doc_id(report, p), "index": p.index, "line_start": p.line_start}

    for m, a, b in _match_rows(report, first, stop):
        yield {
            "a": side(a),
            "b": side(b),
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
