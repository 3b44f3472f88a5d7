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

_HYPHEN_END = re.compile(r"\w-$")
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
    """Join wrapped lines, rejoining a word hyphenated across the break."""
    if len(lines) == 1:
        return " ".join(lines[0].split())
    out = lines[0].strip()
    for line in lines[1:]:
        line = line.strip()
        if _HYPHEN_END.search(out) and line[:1].islower():
            out = out[:-1] + line
        else:
            out = f"{out} {line}"
    return " ".join(out.split())
