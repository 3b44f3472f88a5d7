"""Cut a document's text into paragraphs with their line and character spans.

Paragraphs are separated by blank lines.  Inside a paragraph, hard-wrapped
lines are joined with a space and a word hyphenated across a line break
("re-" / "deeming") is rejoined.  A paragraph broken by a stray blank line is
mended: when one part ends without closing punctuation and the next starts
with a lower-case letter, they are one paragraph.

A large corpus keeps its paragraphs as columns (:class:`ParagraphTable`):
positions in arrays, and each paragraph's text cut from its document only
when asked for, so a scan never holds a second copy of the corpus's text.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence

import numpy as np

from paradup.arrays import joined_offsets, ragged, ranges
from paradup.model import Paragraph, Place

_CLOSED = re.compile(r"[.!?:;…\"'”’»)\]]$")
# A piece is a run of non-blank lines; group 1 is the first line's indent.
_PIECE = re.compile(r"^([^\S\n]*)\S[^\n]*(?:\n[^\S\n]*\S[^\n]*)*", re.MULTILINE)

PREVIEW_CHARS = 80  # characters of a paragraph's text its preview shows (a report's "preview")

Spans = tuple[list[int], list[int], list[int], list[int]]  # line_start, line_end, char_start, char_end
_COLUMNS = ("doc", "index", "line_start", "line_end", "char_start", "char_end")
_ALL_COLUMNS = (*_COLUMNS, "words")


def split_paragraphs(text: str, doc: int = 0) -> list[Paragraph]:
    """Return the paragraphs of ``text``; ``doc`` is stored in each of them.

    >>> [(p.index, p.line_start, p.line_end, p.text) for p in split_paragraphs("Title\\n\\nA long para-\\ngraph here.\\n")]
    [(0, 1, 1, 'Title'), (1, 3, 4, 'A long paragraph here.')]
    """
    (ls, le, cs, ce), texts = cut_paragraphs(text)
    return [Paragraph(doc, i, *row) for i, row in enumerate(zip(ls, le, cs, ce, texts))]


def cut_paragraphs(text: str) -> tuple[Spans, list[str]]:
    """Return the paragraphs of ``text`` as columns of spans, and their texts.

    >>> cut_paragraphs("One\\ntwo.\\n\\n  Three")
    (([1, 4], [2, 4], [0, 12], [8, 17]), ['One two.', 'Three'])
    """
    line_start: list[int] = []
    line_end: list[int] = []
    char_start: list[int] = []
    char_end: list[int] = []
    pieces: list[list[str]] = []
    line, at, last = 1, 0, ""
    for m in _PIECE.finditer(text):
        start, piece = m.start(), m.group()
        line += text.count("\n", at, start)
        at = start
        lines = piece.split("\n") if "\n" in piece else [piece]
        end = line + len(lines) - 1
        if pieces and _is_broken(last, lines[0]):
            line_end[-1], char_end[-1] = end, start + len(piece.rstrip())
            pieces[-1] += lines
        else:
            line_start.append(line)
            line_end.append(end)
            char_start.append(m.end(1))
            char_end.append(start + len(piece.rstrip()))
            pieces.append(lines)
        last = lines[-1]
    return (line_start, line_end, char_start, char_end), [_join(p) for p in pieces]


def paragraph_text(text: str, char_start: int, char_end: int) -> str:
    """Return the text of the paragraph spanning ``text[char_start:char_end]``.

    >>> paragraph_text("x\\n\\nA long para-\\n   \\ngraph here.", 3, 33)
    'A long paragraph here.'
    """
    span = text[char_start:char_end]
    if "\n" not in span:
        return span.strip()
    return _join([line for line in span.split("\n") if line and not line.isspace()])


def columns(paragraphs: Sequence[Paragraph]) -> tuple[np.ndarray, np.ndarray]:
    """Return each paragraph's document and index as int64 arrays (a table has them already).

    >>> [c.tolist() for c in columns(split_paragraphs("A.\\n\\nB.", doc=4))]
    [[4, 4], [0, 1]]
    """
    if isinstance(paragraphs, ParagraphTable):
        return paragraphs.doc.astype(np.int64), paragraphs.index.astype(np.int64)
    n = len(paragraphs)
    return (np.fromiter((p.doc for p in paragraphs), dtype=np.int64, count=n),
            np.fromiter((p.index for p in paragraphs), dtype=np.int64, count=n))


def doc_counts(paragraphs: Sequence[Paragraph], documents: int) -> list[int]:
    """Return how many paragraphs each of ``documents`` documents has.

    >>> doc_counts(split_paragraphs("A.\\n\\nB.", doc=1), 3)
    [0, 2, 0]
    """
    return np.bincount(columns(paragraphs)[0], minlength=documents).tolist()


def cut_documents(texts: Sequence[str], first_doc: int = 0, keep_texts: bool = False) -> tuple[ParagraphTable, list[str]]:
    """Cut documents ``first_doc, first_doc + 1, ...`` into paragraphs: their table and texts.

    The table holds the documents' texts only with ``keep_texts`` (a worker
    sends back the positions alone; its caller has the documents).

    >>> table, texts = cut_documents(["One.\\n\\nTwo words here.", "Three."], 5)
    >>> table.doc.tolist(), table.index.tolist(), table.char_start.tolist(), texts
    ([5, 5, 6], [0, 1, 0], [0, 6, 0], ['One.', 'Two words here.', 'Three.'])
    """
    cols: list[list[int]] = [[], [], [], [], [], []]
    found: list[str] = []
    for offset, text in enumerate(texts):
        spans, paragraph_texts = cut_paragraphs(text)
        cols[0] += [first_doc + offset] * len(paragraph_texts)
        cols[1] += range(len(paragraph_texts))
        for col, values in zip(cols[2:], spans):
            col += values
        found += paragraph_texts
    words = np.fromiter((len(t.split()) for t in found), dtype=np.int32, count=len(found))
    return ParagraphTable(texts if keep_texts else (), *cols, words, Previews.of(found)), found


def preview(text: str, limit: int = PREVIEW_CHARS) -> str:
    """Shorten ``text`` to ``limit`` characters at a word boundary.

    >>> preview("one two three four", 12)
    'one two…'
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


class Previews:
    """Paragraphs' previews (:func:`preview` of their texts) as UTF-8: paragraph ``i``'s is
    ``data[offsets[i]:offsets[i + 1]]``.  Made as the paragraphs are cut (by
    :func:`paradup.cut.previews_of` on the compiled paths), so that a report
    need not cut a text from its document for each member it shows.

    >>> p = Previews.of(["Short.", "A longer paragraph " * 6])
    >>> p[0], p.take([1, 0])[0][-12:], len(Previews.concat([p, p])), Previews.concat([p, p], behind=True)[3]
    ('Short.', 'paragraph A…', 4, 'A longer paragraph A longer paragraph A longer paragraph A longer paragraph A…')
    """

    def __init__(self, data: np.ndarray | None, offsets: np.ndarray) -> None:
        self._data, self.offsets = data, offsets
        self._joining: threading.Thread | None = None

    @property
    def data(self) -> np.ndarray:
        if self._joining is not None:  # joined by a thread of its own (concat(..., behind=True)): wait for it
            self._joining.join()
            self._joining = None
        assert self._data is not None
        return self._data

    def __getstate__(self) -> dict:  # pickled joined: a thread is not
        return {"_data": self.data, "offsets": self.offsets, "_joining": None}

    @staticmethod
    def of(texts: Sequence[str]) -> Previews:
        return Previews(*ragged([preview(t).encode("utf-8") for t in texts]))

    @staticmethod
    def concat(parts: Sequence[Previews], behind: bool = False) -> Previews:
        """Join the previews of consecutive runs of paragraphs; with ``behind``, their text in a thread of its own,
        which :attr:`data` waits for (a million paragraphs' previews are 80 MB of fresh memory, whose pages
        the kernel takes 0.2 s to hand out here, while the scan goes on without them)."""
        pieces = [np.zeros(0, np.uint8), *(p.data for p in parts)]
        joined = Previews(None, joined_offsets([p.offsets for p in parts]))
        if not behind:
            joined._data = np.concatenate(pieces)
            return joined

        def join() -> None:
            joined._data = np.concatenate(pieces)

        joined._joining = threading.Thread(target=join, name="paradup-previews", daemon=True)
        joined._joining.start()
        return joined

    def __len__(self) -> int:
        return self.offsets.size - 1

    def __getitem__(self, i: int) -> str:
        return self.data[self.offsets[i] : self.offsets[i + 1]].tobytes().decode("utf-8")

    def take(self, ids) -> Previews:
        """The previews of paragraphs ``ids``, in that order."""
        ids = np.asarray(ids, dtype=np.int64)
        sizes = self.offsets[ids + 1] - self.offsets[ids]
        offsets = np.zeros(ids.size + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        return Previews(self.data[ranges(self.offsets[ids], sizes)], offsets)


def _is_broken(last_line: str, next_line: str) -> bool:
    head = next_line.lstrip()
    if not head or not head[0].islower():
        return False
    tail = last_line.rstrip()
    if not tail or _CLOSED.search(tail):
        return False
    return tail[-1].isalnum() or tail[-1] in ",-"


def _join(lines: Sequence[str]) -> str:
    """Join wrapped lines, rejoining a word hyphenated across the break.

    Linear in the paragraph's length, so a document without blank lines (one
    paragraph of thousands of lines) costs no more than many short ones.
    """
    if len(lines) == 1:
        return lines[0].strip()
    parts: list[str] = []
    for line in lines:
        line = line.strip()
        last = parts[-1] if parts else ""
        if len(last) >= 2 and last[-1] == "-" and (last[-2].isalnum() or last[-2] == "_") and line[:1].islower():
            parts[-1] = last[:-1] + line  # "re-" + "deeming": one word again
        else:
            parts.append(line)
    return " ".join(parts)


class ParagraphTable(Sequence[Paragraph]):
    """The paragraphs of a corpus as columns; ``table[i]`` is a :class:`Paragraph`.

    ``doc``, ``index``, ``line_start``, ``line_end``, ``char_start`` and
    ``char_end`` are arrays in corpus order, and ``words`` the number of
    words of each paragraph's text (``len(text.split())``, as reports give
    it); a paragraph's text is cut from ``texts[doc]`` (its document's text)
    each time it is asked for.

    >>> t = ParagraphTable.from_texts(["A.\\n\\nB c.", "D."])
    >>> len(t), t[1].text, t[2].doc, t.doc.tolist()
    (3, 'B c.', 1, [0, 0, 1])
    """

    def __init__(self, texts: Sequence[str], doc, index, line_start, line_end, char_start, char_end, words,
                 previews: Previews | None = None) -> None:
        self.texts = texts
        self.doc = np.asarray(doc, dtype=np.int32)
        self.index = np.asarray(index, dtype=np.int32)
        self.line_start = np.asarray(line_start, dtype=np.int32)
        self.line_end = np.asarray(line_end, dtype=np.int32)
        self.char_start = np.asarray(char_start, dtype=np.int64)
        self.char_end = np.asarray(char_end, dtype=np.int64)
        self.words = np.asarray(words, dtype=np.int32)  # len(text.split()) of each paragraph, for reports
        self.previews = previews  # each paragraph's preview, for reports (None: made from its text when asked)

    @classmethod
    def from_texts(cls, texts: Sequence[str]) -> ParagraphTable:
        """Cut every text (document ``i`` is ``texts[i]``) into paragraphs."""
        return cut_documents(texts, keep_texts=True)[0]

    @classmethod
    def concat(cls, texts: Sequence[str], parts: Sequence[ParagraphTable], behind: bool = False) -> ParagraphTable:
        """Join tables of consecutive runs of documents (their ``doc`` already global); with ``behind``, the
        previews' text in a thread of its own (:meth:`Previews.concat`)."""
        if not parts:
            return cls(texts, *([] for _ in _ALL_COLUMNS), Previews.of([]))
        previews = (Previews.concat([p.previews for p in parts], behind) if all(p.previews is not None for p in parts)
                    else None)
        return cls(texts, *(np.concatenate([getattr(p, c) for p in parts]) for c in _ALL_COLUMNS), previews)

    def __len__(self) -> int:
        return self.doc.size

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ParagraphTable):
            return NotImplemented
        return list(self.texts) == list(other.texts) and all(
            np.array_equal(getattr(self, c), getattr(other, c)) for c in _ALL_COLUMNS)

    __hash__ = None  # type: ignore[assignment]  # mutable arrays inside

    def __repr__(self) -> str:
        return f"ParagraphTable({len(self)} paragraphs of {len(self.texts)} documents)"

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        place = self.place(i)
        return Paragraph(*place, paragraph_text(self.texts[place.doc], place.char_start, place.char_end))

    def __iter__(self) -> Iterator[Paragraph]:
        for d, i, ls, le, cs, ce in zip(*(getattr(self, c).tolist() for c in _COLUMNS)):
            yield Paragraph(d, i, ls, le, cs, ce, paragraph_text(self.texts[d], cs, ce))

    def place(self, i: int) -> Place:
        """Return where paragraph ``i`` is, without cutting its text."""
        return Place(int(self.doc[i]), int(self.index[i]), int(self.line_start[i]), int(self.line_end[i]),
                     int(self.char_start[i]), int(self.char_end[i]))

    def places(self, ids) -> list[Place]:
        """Return :meth:`place` of many paragraphs, gathered column by column."""
        return [Place(*row) for row in zip(*self.place_columns(ids))]

    def place_columns(self, ids) -> list[list[int]]:
        """Return the fields of :meth:`places` as six lists (no :class:`Place` made)."""
        ids = np.asarray(ids, dtype=np.int64)
        return [getattr(self, c)[ids].tolist() for c in _COLUMNS]

    def first(self, doc: int) -> int:
        """Return the id of document ``doc``'s first paragraph (where it would be, if it has none)."""
        return int(np.searchsorted(self.doc, np.int32(doc)))  # a Python int would cast the whole column

    def texts_of(self, ids) -> list[str]:
        """Return :meth:`text` of many paragraphs."""
        ids = np.asarray(ids, dtype=np.int64)
        texts = self.texts
        return [paragraph_text(texts[d], cs, ce)
                for d, cs, ce in zip(self.doc[ids].tolist(), self.char_start[ids].tolist(), self.char_end[ids].tolist())]

    def text(self, i: int) -> str:
        """Return paragraph ``i``'s text without building the whole :class:`Paragraph`."""
        return paragraph_text(self.texts[int(self.doc[i])], int(self.char_start[i]), int(self.char_end[i]))
