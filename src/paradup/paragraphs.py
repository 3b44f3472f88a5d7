"""Cut a document's text into paragraphs with their line and character spans.

Paragraphs are separated by blank lines.  Inside a paragraph, hard-wrapped
lines are joined with a space and a word hyphenated across a line break
("re-" / "deeming") is rejoined.  A paragraph broken by a stray blank line is
mended: when one part ends without closing punctuation and the next starts
with a lower-case letter, they are one paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from paradup.model import Paragraph

_CLOSED = re.compile(r"[.!?:;…\"'”’»)\]]$")


@dataclass(frozen=True)
class _Piece:
    line_start: int
    line_end: int
    char_start: int
    char_end: int
    lines: tuple[str, ...]


def split_paragraphs(text: str, doc: int = 0) -> list[Paragraph]:
    """Return the paragraphs of ``text``; ``doc`` is stored in each of them.

    >>> [(p.index, p.line_start, p.line_end, p.text) for p in split_paragraphs("Title\\n\\nA long para-\\ngraph here.\\n")]
    [(0, 1, 1, 'Title'), (1, 3, 4, 'A long paragraph here.')]
    """
    pieces = _mend(_pieces(text))
    return [
        Paragraph(doc, i, p.line_start, p.line_end, p.char_start, p.char_end, _join(p.lines))
        for i, p in enumerate(pieces)
    ]


def _pieces(text: str) -> list[_Piece]:
    """Group non-blank lines into pieces, keeping 1-based lines and char offsets."""
    pieces: list[_Piece] = []
    current: list[tuple[int, int, str]] = []  # (line number, offset, line)
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line and not line.isspace():
            current.append((number, offset, line))
        elif current:
            pieces.append(_piece(current))
            current = []
        offset += len(line) + 1
    if current:
        pieces.append(_piece(current))
    return pieces


def _piece(lines: list[tuple[int, int, str]]) -> _Piece:
    first, last = lines[0], lines[-1]
    start = first[1] + len(first[2]) - len(first[2].lstrip())
    end = last[1] + len(last[2].rstrip())
    return _Piece(first[0], last[0], start, end, tuple(line for _, _, line in lines))


def _mend(pieces: list[_Piece]) -> list[_Piece]:
    """Join a piece to the previous one when a stray blank line cut a sentence."""
    out: list[_Piece] = []
    for piece in pieces:
        if out and _is_broken(out[-1].lines[-1], piece.lines[0]):
            prev = out[-1]
            out[-1] = _Piece(prev.line_start, piece.line_end, prev.char_start, piece.char_end, prev.lines + piece.lines)
        else:
            out.append(piece)
    return out


def _is_broken(last_line: str, next_line: str) -> bool:
    tail, head = last_line.rstrip(), next_line.lstrip()
    if not tail or not head or not head[0].islower() or _CLOSED.search(tail):
        return False
    return tail[-1].isalnum() or tail[-1] in ",-"


def _join(lines: tuple[str, ...]) -> str:
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
