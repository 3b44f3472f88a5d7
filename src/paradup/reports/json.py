"""The JSON report: one versioned object (``schema_version`` 1)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial
from itertools import islice, pairwise
from json.encoder import c_make_encoder, encode_basestring

import numpy as np

from paradup import __version__
from paradup.found import ClusterTable, cluster_columns, match_columns
from paradup.model import Place, Report, Span
from paradup.paragraphs import doc_counts
from paradup.parallel import Helpers
from paradup.reports import as_text
from paradup.reports.common import doc_id, params_dict, preview, stats_dict
from paradup.reports.json_items import ItemWriter

SCHEMA_VERSION = 1


def to_dict(report: Report, timings: bool = True) -> dict:
    """Return the report as plain data, the same schema the JSON and HTML reports carry."""
    return _data(report, timings, list(_clusters(report)), list(_matches(report)))


def _data(report: Report, timings: bool, clusters, matches, documents=None) -> dict:
    """The report's top-level keys in order, with ``clusters`` and ``matches`` (and ``documents``) as given."""
    if documents is None:
        counts = doc_counts(report.paragraphs, len(report.documents))
        documents = [{"id": d.id, "path": d.path, "paragraphs": n} for d, n in zip(report.documents, counts)]
    return {
        "schema_version": SCHEMA_VERSION,
        "version": __version__,
        "params": params_dict(report),
        "stats": stats_dict(report, timings),
        "documents": documents,
        "clusters": clusters,
        "matches": matches,
        "blocks": _blocks(report),
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
    return "".join(as_text(render_chunks(report, timings)))


def render_chunks(report: Report, timings: bool = True, jobs: int = 1) -> Iterator[str | memoryview]:
    """Yield :func:`render`'s text in pieces, writing each list item only when it is reached.

    With a large report the clusters and matches come as UTF-8 bytes
    (``memoryview``, never decoded here): write them as they are.  With
    ``jobs`` > 1, ``jobs - 1`` threads and this one share them
    (:func:`_shares`; the compiled writer lets go of Python's lock for most of
    its work); with one job this thread writes them a batch at a time.  The
    text does not depend on ``jobs``.
    """
    writer = ItemWriter(report)
    shares = _shares(report, jobs)
    rendered = _Rendered(writer, shares, jobs) if len(shares) >= 2 or _large(report) else None
    if rendered is not None:
        rendered.start()  # the threads begin while this one lays out the rest (blocks, documents)
    try:
        data = _data(report, timings, _Lines(_item_text(writer, "clusters")), _Lines(_item_text(writer, "matches")),
                     _document_lines(report))
    except BaseException:
        if rendered is not None:
            rendered.close()
        raise
    if rendered is not None:
        data["clusters"] = rendered
        del data["matches"]  # written with the clusters, in the same place
    return _chunks(data)


def _document_lines(report: Report) -> _Lines | list:
    """The ``documents`` list written as the encoder writes its dicts, all in one piece (a dict and an
    encoder call a document took 0.07-0.10 s for the 44,421 documents of a million paragraphs, this 0.02 s).

    >>> from paradup.api import scan_texts
    >>> report = scan_texts({"a": "One.", "b\\u00e9\\"": "Two.\\n\\nThree."})
    >>> want = ",\\n".join(map(_encoder(), _data(report, False, [], [])["documents"]))
    >>> "".join(_document_lines(report)) == want
    True
    """
    if not report.documents:
        return []
    counts = doc_counts(report.paragraphs, len(report.documents))
    lines = [f'{{"id": {encode_basestring(d.id)}, "path": {encode_basestring(d.path)}, "paragraphs": {n}}}'
             for d, n in zip(report.documents, counts)]
    return _Lines(iter([",\n".join(lines)]))


#: Below this many clusters and matches together, one thread writes them all (threads cost more).
PARALLEL_ITEMS = 20_000
#: Shares of the clusters and matches a job: the threads take them in order as they finish the last, and
#: this one too once it has written the report's head, so that all finish together however fast each is.
SHARES_PER_JOB = 8


def _large(report: Report) -> bool:
    """Whether the clusters and matches are written as bytes: both kinds there, :data:`PARALLEL_ITEMS` or
    more in all.  Decoded to text, then joined to their separators and encoded again, every batch made
    three more copies of itself: with one job at 10⁷ paragraphs (a 1 GB report) the report took 15-18 s,
    8.6 s of it in ``malloc`` (the main thread's arena, fragmented by then, see
    :func:`paradup.parallel.map_threads`)."""
    c, m = len(report.clusters), len(report.matches)
    return bool(c and m) and c + m >= PARALLEL_ITEMS


def _shares(report: Report, jobs: int) -> list[tuple[int, int]]:
    """Cut the clusters and matches, as one sequence (clusters first), into about ``SHARES_PER_JOB * jobs``
    runs of about equal cost; one run, ``[(0, n)]``, when the report is small or lacks either kind.

    A cluster costs about five units a member, a match three (measured at 1e6
    paragraphs with f-strings: 1.17 s for 256,019 members, 4.6 us each; 0.37 s
    for 144,420 matches, 2.5 us each).

    >>> from types import SimpleNamespace as R
    >>> report = R(clusters=[R(members=(1, 2))] * 3000 + [R(members=tuple(range(10)))] * 1000, matches=[None] * 30000)
    >>> shares = _shares(report, 2)
    >>> len(shares), shares[0], shares[-1], all(a < b == c for (a, b), (c, _) in pairwise(shares))
    (16, (0, 1062), (30458, 34000), True)
    >>> _shares(report, 1), _shares(R(clusters=report.clusters, matches=[]), 2)
    ([(0, 34000)], [(0, 4000)])
    """
    c, m = len(report.clusters), len(report.matches)
    if jobs <= 1 or not c or not m or c + m < PARALLEL_ITEMS:
        return [(0, c + m)]
    cost = np.empty(c + m, dtype=np.float64)
    clusters = report.clusters
    sizes = clusters.sizes if isinstance(clusters, ClusterTable) else [len(x.members) for x in clusters]
    cost[:c] = np.asarray(sizes, dtype=np.float64) * 5
    cost[c:] = 3
    total = np.cumsum(cost)
    parts = SHARES_PER_JOB * jobs
    cuts = np.searchsorted(total, total[-1] * np.arange(1, parts) / parts).tolist()
    bounds = [0, *sorted(set(cuts) - {0, c + m}), c + m]
    return list(pairwise(bounds))


class _Rendered:
    """The clusters and matches lists as UTF-8 bytes: rendered in ``shares`` by threads and this one, or with
    one share by this thread alone, a batch at a time."""

    def __init__(self, writer: ItemWriter, shares: list[tuple[int, int]], jobs: int) -> None:
        # Written as '"clusters": [...], "matches": [...]' with the junction inside a share: both must have items.
        assert writer.report.clusters and writer.report.matches, "shared only when there are clusters and matches"
        self.writer, self.shares, self.jobs = writer, shares, jobs
        self.workers: Helpers | None = None
        self.started = False

    def start(self) -> None:
        """Start the threads, which begin on the first shares while this thread writes what comes before
        (once: a second call does nothing; none for one share)."""
        if self.started:
            return
        self.started = True
        if len(self.shares) >= 2:
            self.workers = Helpers(partial(_share_bytes, self.writer), self.jobs - 1)
            for share in self.shares:
                self.workers.add(share)

    def close(self) -> None:
        if self.workers is not None:
            self.workers.close()

    def chunks(self) -> Iterator[str | memoryview]:
        assert self.started, "started by _chunks, before the keys that come first"
        yield f"{encode_basestring('clusters')}: [\n"
        if self.workers is None:
            for share in self.shares:
                yield from map(memoryview, _share_pieces(self.writer, *share))
        else:
            for written in self.workers.in_order():  # each share written out while the threads make the next
                yield memoryview(written)
        yield "\n]"


def _share_pieces(writer: ItemWriter, first: int, stop: int) -> Iterator[bytes | np.ndarray]:
    """Yield the text (UTF-8) of clusters and matches ``first:stop`` (one sequence, clusters first): each batch
    (:func:`_item_bytes`), preceded by what separates it from the one before (``,\n``, or the end of the
    clusters and the start of the matches) as a piece of its own, so that no batch is copied."""
    c = len(writer.report.clusters)
    for lo, hi, which, offset in ((first, min(stop, c), "clusters", 0), (max(first, c), stop, "matches", c)):
        at = lo
        for text in _item_bytes(writer, which, lo - offset, hi - offset):
            if at:
                yield b'\n],\n"matches": [\n' if at == c else b",\n"
            yield text
            at = min(at + _CHUNK_ITEMS, hi)


def _share_bytes(writer: ItemWriter, share: tuple[int, int]) -> np.ndarray:
    """:func:`_share_pieces` as one array of bytes (a thread's result)."""
    return np.frombuffer(b"".join(_share_pieces(writer, *share)), dtype=np.uint8)


def _item_bytes(writer: ItemWriter, which: str, first: int = 0, stop: int | None = None) -> Iterator[bytes | np.ndarray]:
    """Yield the JSON text (UTF-8 bytes, or an array of them) of ``which`` (``"clusters"`` or ``"matches"``)
    ``first:stop``, a batch of :data:`_CHUNK_ITEMS` at a time, items joined by ``",\n"``."""
    stop = len(getattr(writer.report, which)) if stop is None else stop
    write, items = (writer.clusters, _clusters) if which == "clusters" else (writer.matches, _matches)
    dump = None
    for start in range(first, stop, _CHUNK_ITEMS):
        end = min(start + _CHUNK_ITEMS, stop)
        if writer.takes(which, start, end):
            yield write(start, end)
        else:  # items made by hand with values the compiled writer does not write (ItemWriter.takes)
            dump = dump or _encoder()
            yield ",\n".join(map(dump, items(writer.report, start, end))).encode("utf-8")


def _item_text(writer: ItemWriter, which: str, first: int = 0, stop: int | None = None) -> Iterator[str]:
    """:func:`_item_bytes` decoded."""
    return (str(text, "utf-8") for text in _item_bytes(writer, which, first, stop))


def render_dict(data: dict) -> str:
    """Write a dict as JSON with its top-level keys and list items on lines of their own."""
    return "".join(_chunks(data))


def _chunks(data: dict) -> Iterator[str]:
    """Yield the JSON text of ``data``."""
    rendered = [value for value in data.values() if isinstance(value, _Rendered)]
    try:
        for value in rendered:
            value.start()  # its threads begin while this one writes the keys before it
        yield from _chunks_of(data)
    finally:
        for value in rendered:
            value.close()


def _chunks_of(data: dict) -> Iterator[str]:
    dump = _encoder()
    yield "{\n"
    for n, (key, value) in enumerate(data.items()):
        head = ",\n" if n else ""
        if isinstance(value, _Rendered):
            yield head
            yield from value.chunks()
        elif isinstance(value, (list, Iterator)):
            written = isinstance(value, _Lines)  # batches of items written already
            write, size = (str, 1) if written else (dump, _CHUNK_ITEMS)
            items = iter(value)
            first = next(items, _NONE)
            if first is _NONE:
                yield f"{head}{dump(key)}: []"
                continue
            yield f"{head}{dump(key)}: [\n{write(first)}"
            while batch := list(islice(items, size)):
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
    """An iterator of list items already written as JSON text (or of batches of them, joined by ``",\\n"``)."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines

    def __iter__(self) -> Iterator[str]:
        return self._lines

    def __next__(self) -> str:
        return next(self._lines)


def _cluster_rows(report: Report, first: int = 0, stop: int | None = None):
    """Yield each cluster's id, kind, size, weakest, its members' rows (:class:`Place`'s fields, text, words) and its
    representative's place, gathered a batch at a time: what the dicts are made of."""
    stop = len(report.clusters) if stop is None else stop
    for start in range(first, stop, _CHUNK_ITEMS):
        ids, kinds, weakest, sizes, gids, reps = cluster_columns(report.clusters, start, min(start + _CHUNK_ITEMS, stop))
        texts = report.texts(gids)
        members = iter(zip(*report.place_columns(gids), texts, report.word_counts(gids, texts)))
        for row in zip(ids, kinds, sizes, weakest, report.places(reps)):
            yield row[:4], [next(members) for _ in range(row[2])], row[4]


def _match_rows(report: Report, first: int = 0, stop: int | None = None):
    """Yield each match's fields (:class:`Match`'s, in order) with the places of its two sides, a batch at a time."""
    stop = len(report.matches) if stop is None else stop
    for start in range(first, stop, _CHUNK_ITEMS):
        columns = match_columns(report.matches, start, min(start + _CHUNK_ITEMS, stop))
        yield from zip(zip(*columns), report.places(columns[0]), report.places(columns[1]))


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
    for (cid, kind, size, weakest), members, rep in _cluster_rows(report, first, stop):
        yield {
            "id": cid,
            "kind": kind,
            "size": size,
            "weakest": weakest,
            "members": [_member(report, *member) for member in members],
            "representative": {"doc": doc_id(report, rep), "index": rep.index},
        }


def _matches(report: Report, first: int = 0, stop: int | None = None) -> Iterator[dict]:
    def side(p: Place) -> dict:
        return {"doc": doc_id(report, p), "index": p.index, "line_start": p.line_start}

    for (_, _, kind, similarity, jaccard, containment, contained), a, b in _match_rows(report, first, stop):
        yield {
            "a": side(a),
            "b": side(b),
            "kind": kind,
            "similarity": similarity,
            "jaccard": jaccard,
            "containment": containment,
            "contained": contained,
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
    """Return a block's side as the report writes it: its document, indexes and lines."""
    return _span_dicts(report, [span])[0]


def _span_dicts(report: Report, spans: list[Span]) -> list[dict]:
    """:func:`span_dict` of many spans, their first and last paragraphs' lines gathered at once
    (one at a time took 40 µs a block: 0.12 s for the 2,894 blocks of a million paragraphs)."""
    firsts = report.firsts([s.doc for s in spans])
    line_start = report.place_columns([f + s.index_start for f, s in zip(firsts, spans)])[2]
    line_end = report.place_columns([f + s.index_end for f, s in zip(firsts, spans)])[3]
    return [{"doc": report.documents[s.doc].id, "index_start": s.index_start, "index_end": s.index_end,
             "line_start": first, "line_end": last} for s, first, last in zip(spans, line_start, line_end)]


def _blocks(report: Report) -> list[dict]:
    sides = iter(_span_dicts(report, [span for b in report.blocks for span in (b.a, b.b)]))
    return [{"id": b.id, "a": next(sides), "b": next(sides), "pairs": [list(pair) for pair in b.pairs],
             "similarity": b.similarity} for b in report.blocks]
