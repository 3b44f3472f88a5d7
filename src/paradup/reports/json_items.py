"""The JSON report's clusters and matches, a batch at a time, laid out as tokens for :func:`~paradup.reports.emit.emit`.

Each item is written exactly as the C JSON encoder writes its dict
(``json.dumps(item, ensure_ascii=False, separators=(", ", ": "))``; a test
holds them equal), items joined by ``",\\n"``.  Numbers come from the
report's arrays; scores are written with ``repr`` once per distinct value of
a batch; previews are the scan's (:class:`~paradup.paragraphs.Previews`), quoted compiled, or made from
each member's text for a report built by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from json.encoder import encode_basestring

import numpy as np

from paradup.arrays import unique
from paradup.found import CLUSTER_KINDS, ClusterTable, MatchTable, cluster_columns, match_columns
from paradup.matches import _KINDS, CONTAINMENT
from paradup.model import Report
from paradup.paragraphs import _COLUMNS, ParagraphTable
from paradup.reports.common import preview
from paradup.reports.emit import BATCH, FIXED, INT, Strings, Tokens, emit, quoted

# The fixed text between values, in the order each item writes it.
_MEMBER = ['{"doc": ', ', "index": ', ', "line_start": ', ', "line_end": ', ', "char_start": ', ', "char_end": ',
           ', "words": ', ', "preview": ', "}"]
_CLUSTER = ['{"id": ', ', "kind": ', ', "size": ', ', "weakest": ', ', "members": [', '], "representative": {"doc": ',
            ', "index": ', "}}"]
_MATCH = ['{"a": {"doc": ', ', "index": ', ', "line_start": ', '}, "b": {"doc": ', ', "index": ', ', "line_start": ',
          '}, "kind": ', ', "similarity": ', ', "jaccard": ', ', "containment": ', ', "contained": ', "}"]
_PUNCTUATION = ["", ", ", ",\n", "null"]


class ItemWriter:
    """Writes a report's clusters and matches as JSON text; made once a report (its fixed strings: keys, document ids)."""

    def __init__(self, report: Report) -> None:
        self.report = report
        kinds = sorted(set(CLUSTER_KINDS) | {k for k in _KINDS if k})
        fixed = _MEMBER + _CLUSTER + _MATCH + _PUNCTUATION + [encode_basestring(k) for k in kinds]
        self._at = {text: i for i, text in reversed(list(enumerate(fixed)))}  # a repeated text: its first entry
        self._kind = {k: self._at[encode_basestring(k)] for k in kinds}
        self._docs = len(fixed)  # document d's id is entry _docs + d
        ids = [encode_basestring(d.id) for d in report.documents]
        # A scan's tables: their kinds' codes and every distinct score, written once for the whole report.
        self._tables = isinstance(report.clusters, ClusterTable) and isinstance(report.matches, MatchTable)
        if self._tables:
            self._cluster_kind = np.array([self._kind[k] for k in CLUSTER_KINDS], dtype=np.int64)
            self._match_kind = np.array([self._kind[k] if k else -1 for k in _KINDS], dtype=np.int64)
            v = report.matches.verified
            self._score_bits, scores = _distinct(np.concatenate([report.clusters.weakest, v.similarity, v.jaccard,
                                                                 v.containment]))
            self._scores = self._docs + len(ids)  # score k is entry _scores + k
            self._contained = np.array([self._at["null"], self._scores + len(scores), self._scores + len(scores) + 1])
            ids += scores + [encode_basestring("a"), encode_basestring("b")]
        self.fixed = Strings(fixed + ids)

    def takes(self, which: str, start: int, stop: int) -> bool:
        """Whether :meth:`clusters` (``which``) or :meth:`matches` writes items ``start:stop`` as the encoder does.

        Always for a scan's tables; items made by hand are checked: ids and
        paragraph ids integers of 64 bits (not ``bool``), kinds paradup's own,
        scores ``float``, ``contained`` ``None`` or a string, no cluster
        without members.  The others go to the encoder (:mod:`paradup.reports.json`).
        """
        items = getattr(self.report, which)
        if isinstance(items, (ClusterTable, MatchTable)):
            return True
        if which == "clusters":
            ids, kinds, weakest, sizes, members, reps = cluster_columns(items, start, stop)
            return (_ints(ids) and _ints(members) and _ints(reps) and min(sizes, default=1) >= 1
                    and all(k in self._kind for k in kinds) and _floats(weakest))
        a, b, kinds, similarity, jaccard, containment, contained = match_columns(items, start, stop)
        return (_ints(a) and _ints(b) and all(k in self._kind for k in kinds) and _floats(similarity)
                and _floats(jaccard) and _floats(containment) and all(c is None or isinstance(c, str) for c in contained))

    def clusters(self, start: int, stop: int) -> np.ndarray:
        """Clusters ``start:stop``, joined by ``",\\n"``, as UTF-8 (an array of bytes, written as it is)."""
        table = self.report.clusters
        if self._tables:  # arrays throughout, scores written once a report
            lo, hi = int(table.offsets[start]), int(table.offsets[stop])
            ids = np.arange(start, stop, dtype=np.int64)
            sizes = np.diff(table.offsets[start : stop + 1]).astype(np.int64)
            members, reps = table.members[lo:hi].astype(np.int64), table.members[table.offsets[start:stop]].astype(np.int64)
            kind_of, scores = self._cluster_kind[table.kinds[start:stop]], []
            weakest_of = (FIXED, self._score_of(table.weakest[start:stop]))
        else:
            ids, kinds, weakest, sizes, members, reps = cluster_columns(table, start, stop)
            ids, sizes, members, reps = (np.asarray(x, dtype=np.int64) for x in (ids, sizes, members, reps))
            scores, score_of = _reprs(np.asarray(weakest, dtype=np.float64))
            kind_of, weakest_of = np.array([self._kind[k] for k in kinds], dtype=np.int64), (BATCH, score_of)
        n, m = sizes.size, members.size
        stored = getattr(self.report.paragraphs, "previews", None)  # a scan's table: previews made as it was cut
        if stored is not None:
            taken = stored.take(members)
            batch = Strings.concat([Strings(scores), quoted(taken.data, taken.offsets)])
            words = self.report.paragraphs.words[members].astype(np.int64)
        else:
            texts = self.report.texts(members.tolist())
            batch = Strings(scores + [encode_basestring(preview(t)) for t in texts])
            words = np.asarray(self.report.word_counts(members, texts), dtype=np.int64)
        doc, index, line_start, line_end, char_start, char_end = self._places(members)
        first = np.zeros(m, dtype=bool)
        first[np.cumsum(sizes) - sizes] = True
        member = self._rows(m, [(FIXED, np.where(first, self._at[""], self._at[", "]))], _MEMBER, [
            (FIXED, self._docs + doc), (INT, index), (INT, line_start), (INT, line_end), (INT, char_start),
            (INT, char_end), (INT, words), (BATCH, len(scores) + np.arange(m))])
        rep_doc, rep_index = self._places(reps)[:2]
        head = self._rows(n, [], _CLUSTER[:5], [(INT, ids), (FIXED, kind_of), (INT, sizes), weakest_of])
        tail = self._rows(n, [], [_CLUSTER[5], *_CLUSTER[6:], ""], [(FIXED, self._docs + rep_doc), (INT, rep_index),
                                                                      (FIXED, self._separators(n))])
        # Cluster c: its head, its members' rows, its tail (the last token its separator).
        per_member = member[0].shape[1]
        lengths = head[0].shape[1] + sizes * per_member + tail[0].shape[1]
        starts = np.cumsum(lengths) - lengths
        kinds_out = np.empty(int(lengths.sum()), dtype=np.uint8)
        values_out = np.empty(kinds_out.size, dtype=np.int64)
        owner = np.repeat(np.arange(n), sizes)
        rank = np.arange(m) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        for (kind, value), at in (
            (head, starts[:, None] + np.arange(head[0].shape[1])),
            (member, (starts[owner] + head[0].shape[1] + rank * per_member)[:, None] + np.arange(per_member)),
            (tail, (starts + head[0].shape[1] + sizes * per_member)[:, None] + np.arange(tail[0].shape[1])),
        ):
            kinds_out[at] = kind
            values_out[at] = value
        return emit(Tokens(kinds_out, values_out), self.fixed, batch)

    def matches(self, start: int, stop: int) -> np.ndarray:
        """Matches ``start:stop``, joined by ``",\\n"``, as UTF-8 (an array of bytes, written as it is)."""
        if self._tables:  # arrays throughout, scores and "contained" written once a report
            v, part = self.report.matches.verified, slice(start, stop)
            a, b, n = v.a[part].astype(np.int64), v.b[part].astype(np.int64), stop - start
            kind_of = self._match_kind[v.kind[part]]
            scores = [(FIXED, self._score_of(x[part])) for x in (v.similarity, v.jaccard, v.containment)]
            contained_of = self._contained[np.where(v.kind[part] == CONTAINMENT, np.where(v.smaller_a[part], 1, 2), 0)]
            written, some = [], np.zeros(n, dtype=bool)
        else:
            a, b, kinds, similarity, jaccard, containment, contained = match_columns(self.report.matches, start, stop)
            n = len(a)
            reprs, score_of = _reprs(np.array([*similarity, *jaccard, *containment], dtype=np.float64))
            kind_of = np.array([self._kind[k] for k in kinds], dtype=np.int64)
            scores = [(BATCH, score_of[:n]), (BATCH, score_of[n : 2 * n]), (BATCH, score_of[2 * n :])]
            written = reprs + [encode_basestring(c) for c in contained if c is not None]
            contained_of = np.full(n, self._at["null"], dtype=np.int64)
            some = np.array([c is not None for c in contained], dtype=bool)
            contained_of[some] = np.arange(int(some.sum())) + len(reprs)
            a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
        pa, pb = self._places(a), self._places(b)
        kind_rows, value_rows = self._rows(n, [], [*_MATCH, ""], [
            (FIXED, self._docs + pa[0]), (INT, pa[1]), (INT, pa[2]), (FIXED, self._docs + pb[0]), (INT, pb[1]),
            (INT, pb[2]), (FIXED, kind_of), *scores, (FIXED, contained_of), (FIXED, self._separators(n))])
        kind_rows[:, -4] = np.where(some, BATCH, FIXED)  # "contained": a batch string, or a fixed one
        tokens = Tokens(kind_rows.ravel(), value_rows.ravel())
        return emit(tokens, self.fixed, Strings(written))

    def _score_of(self, values: np.ndarray) -> np.ndarray:
        """The fixed entries of scores ``values`` (every score of the report is one)."""
        return self._scores + np.searchsorted(self._score_bits, np.asarray(values, dtype=np.float64).view(np.int64))

    def _separators(self, n: int) -> np.ndarray:
        """``",\\n"`` after every item but the last."""
        out = np.full(n, self._at[",\n"], dtype=np.int64)
        out[-1:] = self._at[""]
        return out

    def _rows(self, n: int, before: list, texts: Sequence[str], values: list) -> tuple[np.ndarray, np.ndarray]:
        """Tokens ``[n, k]`` of ``n`` items: ``before``, then ``texts[0]``, value 0, ``texts[1]``, value 1, ...,
        and the last text; a value is ``(kind, array or scalar)``."""
        columns = list(before)
        for i, text in enumerate(texts):
            columns.append((FIXED, self._at[text]))
            if i < len(values):
                columns.append(values[i])
        kinds = np.empty((n, len(columns)), dtype=np.uint8)
        out = np.empty((n, len(columns)), dtype=np.int64)
        for k, (kind, value) in enumerate(columns):
            kinds[:, k], out[:, k] = kind, value
        return kinds, out

    def _places(self, gids: np.ndarray) -> list[np.ndarray]:
        """Doc, index, line_start, line_end, char_start, char_end of paragraphs ``gids``, as arrays."""
        paragraphs = self.report.paragraphs
        if isinstance(paragraphs, ParagraphTable):
            return [getattr(paragraphs, c)[gids].astype(np.int64) for c in _COLUMNS]
        return [np.asarray(c, dtype=np.int64) for c in self.report.place_columns(gids.tolist())]


def _ints(values) -> bool:
    return all(isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) and -(2**63) <= v < 2**63
               for v in values)


def _floats(values) -> bool:
    return all(isinstance(v, float) for v in values)


def _distinct(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The distinct ``values`` (their bits, sorted: 0.0 and -0.0 apart) and each written as Python writes it."""
    bits = unique(np.asarray(values, dtype=np.float64).view(np.int64))
    return bits, [repr(v) for v in bits.view(np.float64).tolist()]


def _reprs(values: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The distinct ``values`` written as Python writes floats, and which one each value is."""
    values = np.asarray(values, dtype=np.float64)
    bits, first, inverse = np.unique(values.view(np.int64), return_index=True, return_inverse=True)  # 0.0 and -0.0 apart
    return [repr(v) for v in values[first].tolist()], inverse.reshape(-1).astype(np.int64)
