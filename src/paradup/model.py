"""Frozen dataclasses passed between the pipeline stages.

Positions: ``index`` is 0-based; ``line_start``/``line_end`` are 1-based and
inclusive, as editors show them; ``char_start``/``char_end`` are 0-based
offsets into :attr:`Document.text` (end exclusive).  Every score
(``similarity``, ``jaccard``, ``containment``) lies in [0, 1].
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np


def match_strength(kind: str, similarity: float, jaccard: float, containment: float) -> float:
    """Return the score a match was accepted on: containment for a containment,
    else the larger of similarity and Jaccard.

    >>> match_strength("containment", 0.6, 0.4, 1.0), match_strength("near", 0.9, 0.7, 0.8)
    (1.0, 0.9)
    """
    return containment if kind == "containment" else max(similarity, jaccard)


class InputError(ValueError):
    """Bad input or parameters: the CLI prints it as one ``Error:`` line, exit 2."""


@dataclass(frozen=True)
class Document:
    """One document: a file, or one record of a JSONL corpus.

    ``id`` is unique in a run; ``path`` is relative to the scanned root
    (``-`` for stdin).  ``text`` is the decoded text paragraphs are cut from.
    """

    id: str
    path: str
    text: str
    format: str = "text"
    record: int | None = None


@dataclass(frozen=True)
class InputProblem:
    """A file that was skipped or read with a caveat (reported, never fatal)."""

    path: str
    message: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of a document: the unit paradup matches.

    ``text`` is the paragraph as a reader sees it: hard-wrapped lines joined
    with a space and words hyphenated across a line break rejoined.  The
    character span covers the original text, blank lines excluded.
    """

    doc: int
    index: int
    line_start: int
    line_end: int
    char_start: int
    char_end: int
    text: str

    @property
    def words(self) -> int:
        return len(self.text.split())


class Place(NamedTuple):
    """Where a paragraph is, without its text (cheap to look up in a large corpus)."""

    doc: int
    index: int
    line_start: int
    line_end: int
    char_start: int
    char_end: int


@dataclass(frozen=True, slots=True)
class Match:
    """A verified pair of paragraphs, ``a < b`` as global paragraph ids.

    ``kind`` is ``exact`` (equal after normalisation), ``near`` (similar as a
    whole), ``containment`` (one is, for the most part, inside the other;
    ``contained`` says which side: ``"a"`` or ``"b"``) or ``passage`` (two
    different paragraphs that share a whole long sentence; never clustered).
    """

    a: int
    b: int
    kind: str
    similarity: float
    jaccard: float
    containment: float
    contained: str | None = None

    @property
    def strength(self) -> float:
        """The score the match was accepted on (:func:`match_strength`)."""
        return match_strength(self.kind, self.similarity, self.jaccard, self.containment)


@dataclass(frozen=True)
class Cluster:
    """A group of paragraphs that are copies of one text.

    ``weakest`` is the strength of the weakest link that holds it together.
    """

    id: int
    kind: str
    members: tuple[int, ...]
    representative: int
    weakest: float


@dataclass(frozen=True)
class Span:
    """A run of consecutive paragraphs ``index_start..index_end`` (inclusive) of one document."""

    doc: int
    index_start: int
    index_end: int


@dataclass(frozen=True)
class Block:
    """A run of paragraphs reprinted as a unit: ``a`` comes first in corpus order.

    ``pairs`` are the aligned paragraph indexes ``(index in a, index in b)``;
    a split paragraph appears twice on one side, a moved one out of order.
    """

    id: int
    a: Span
    b: Span
    pairs: tuple[tuple[int, int], ...]
    similarity: float


@dataclass(frozen=True)
class ArchiveMatch:
    """A paragraph of this run found in an index of earlier documents (``--against``).

    ``paragraph`` is the global id in this run; the ``archive_*`` fields say
    where the earlier copy was when it was added to the index.
    """

    paragraph: int
    archive_doc: str
    archive_path: str
    archive_index: int
    archive_line_start: int
    kind: str
    similarity: float
    jaccard: float
    containment: float
    contained: str | None = None


@dataclass(frozen=True)
class Report:
    """Everything a scan found; renderers turn it into text, JSON or CSV."""

    params: Params
    documents: tuple[Document, ...]
    paragraphs: Sequence[Paragraph]
    matches: Sequence[Match]  # a tuple, or a scan's paradup.found.MatchTable
    clusters: Sequence[Cluster]  # a tuple, or a scan's paradup.found.ClusterTable
    blocks: tuple[Block, ...]
    problems: tuple[InputProblem, ...] = ()
    stats: dict = field(default_factory=dict)
    root: str = "."
    archive: tuple[ArchiveMatch, ...] = ()

    def paragraph(self, doc: int, index: int) -> Paragraph:
        """Return paragraph ``index`` of document ``doc`` (paragraphs are in corpus order)."""
        return self.paragraphs[self.first(doc) + index]

    def first(self, doc: int) -> int:
        """Return the global id of document ``doc``'s first paragraph (or where it would be)."""
        first = getattr(self.paragraphs, "first", None)  # a ParagraphTable looks it up in its columns
        return first(doc) if first is not None else bisect_left(self.paragraphs, doc, key=lambda p: p.doc)

    def firsts(self, docs: Sequence[int]) -> list[int]:
        """Return :meth:`first` of many documents (one search of the column on a table)."""
        column = getattr(self.paragraphs, "doc", None)
        if isinstance(column, np.ndarray):
            return np.searchsorted(column, np.asarray(docs, dtype=column.dtype)).tolist()
        return [self.first(doc) for doc in docs]

    def place(self, gid: int) -> Place:
        """Return where paragraph ``gid`` is, without cutting its text when the paragraphs are a table."""
        place = getattr(self.paragraphs, "place", None)
        if place is not None:
            return place(gid)
        p = self.paragraphs[gid]
        return Place(p.doc, p.index, p.line_start, p.line_end, p.char_start, p.char_end)

    def places(self, gids: Sequence[int]) -> list[Place]:
        """Return :meth:`place` of many paragraphs at once (one column gather on a table)."""
        places = getattr(self.paragraphs, "places", None)
        return places(gids) if places is not None else [self.place(g) for g in gids]

    def place_columns(self, gids: Sequence[int]) -> list[list[int]]:
        """Return :meth:`places` of many paragraphs as six lists, one per field of :class:`Place`."""
        columns = getattr(self.paragraphs, "place_columns", None)
        if columns is not None:
            return columns(gids)
        return [list(column) for column in zip(*self.places(gids))] if len(gids) else [[] for _ in Place._fields]

    def text(self, gid: int) -> str:
        """Return paragraph ``gid``'s text."""
        text = getattr(self.paragraphs, "text", None)
        return text(gid) if callable(text) else self.paragraphs[gid].text

    def word_counts(self, gids: Sequence[int], texts: Sequence[str]) -> list[int]:
        """Return ``len(text.split())`` of paragraphs ``gids`` whose ``texts`` are given (a table has them counted)."""
        words = getattr(self.paragraphs, "words", None)
        if words is not None:
            return words[np.asarray(gids, dtype=np.int64)].tolist()
        return [len(t.split()) for t in texts]

    def texts(self, gids: Sequence[int]) -> list[str]:
        """Return :meth:`text` of many paragraphs (positions gathered column by column on a table)."""
        texts = getattr(self.paragraphs, "texts_of", None)
        return texts(gids) if texts is not None else [self.text(g) for g in gids]


@dataclass(frozen=True)
class Params:
    """Every setting of a scan, validated on creation.

    ``threshold`` is the Jaccard similarity LSH is tuned to catch (datasketch's
    ``threshold``); ``bands``/``rows`` are chosen from it unless given.  It only
    decides which pairs are looked at; ``min_similarity``, ``min_jaccard`` and
    ``min_containment`` decide which of those match.

    >>> Params(threshold=0.5).bands, Params(threshold=0.5).rows
    (25, 5)
    >>> Params(threshold=1.5)
    Traceback (most recent call last):
    ...
    paradup.model.InputError: threshold must be in (0, 1]; got 1.5
    """

    threshold: float = 0.3
    num_perm: int = 128
    seed: int = 1
    shingle_size: int = 3
    min_words: int = 8
    min_similarity: float = 0.8
    min_jaccard: float = 0.5
    min_containment: float = 0.8
    core_similarity: float = 0.9
    max_gap: int = 1
    min_block: int = 2
    max_bucket: int = 64
    bands: int | None = None
    rows: int | None = None
    scheme: str = "affine32"
    hash: str = "wordpoly64"

    def __post_init__(self) -> None:
        _check(0 < self.threshold <= 1, f"threshold must be in (0, 1]; got {self.threshold}")
        for name in ("min_similarity", "min_jaccard", "min_containment", "core_similarity"):
            value = getattr(self, name)
            _check(0 < value <= 1, f"{name} must be in (0, 1]; got {value}")
        _check(2 <= self.num_perm <= 4096, f"num_perm must be in [2, 4096]; got {self.num_perm}")
        _check(0 <= self.seed < 2**32, f"seed must be in [0, 2**32); got {self.seed}")
        from paradup.shingles import MAX_SHINGLE

        _check(1 <= self.shingle_size <= MAX_SHINGLE,
               f"shingle_size must be in [1, {MAX_SHINGLE}]; got {self.shingle_size}")
        _check(self.min_words >= 1, f"min_words must be at least 1; got {self.min_words}")
        _check(self.max_gap >= 0, f"max_gap must be at least 0; got {self.max_gap}")
        _check(self.min_block >= 2, f"min_block must be at least 2; got {self.min_block}")
        _check(self.max_bucket >= 2, f"max_bucket must be at least 2; got {self.max_bucket}")
        _check(self.scheme == "affine32", f"scheme must be 'affine32'; got {self.scheme!r}")
        _check(self.hash == "wordpoly64", f"hash must be 'wordpoly64'; got {self.hash!r}")
        if self.bands is None or self.rows is None:
            _check(self.bands is None and self.rows is None, "give both bands and rows, or neither")
            from paradup.candidates import choose_bands

            bands, rows = choose_bands(self.threshold, self.num_perm)
            object.__setattr__(self, "bands", bands)
            object.__setattr__(self, "rows", rows)
        _check(
            self.bands >= 1 and self.rows >= 1 and self.bands * self.rows <= self.num_perm,
            f"bands x rows must be at most num_perm ({self.num_perm}); got {self.bands} x {self.rows}",
        )


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise InputError(message)
