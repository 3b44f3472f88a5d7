"""The paragraphs every system is scored on: one shared definition of a unit.

A corpus is a folder of plain-text files (``.txt``, ``.text``, ``.md``,
``.markdown`` or no extension; hidden files skipped), read in sorted order of
their posix path relative to the folder.  A paragraph is a run of non-blank
lines; ``index`` counts a file's paragraphs from 0, and the *global id* (gid)
counts all paragraphs in that file order.  Text inside a paragraph has its
white space collapsed to single spaces; nothing else is changed, so every
system sees the same paragraph text.

This is the corpus generator's own convention (``benchmarks/corpus.py``
writes one paragraph per line with blank lines between), so the truth's
``(doc, index)`` positions are gids here without translation.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     _ = (Path(tmp) / "b.txt").write_text("One two.\\n\\n\\nThree\\nfour.\\n")
...     _ = (Path(tmp) / "a.md").write_text("Alpha.\\n")
...     c = read_corpus(tmp)
>>> c.docs, c.texts, c.gid("b.txt", 1), c.line_starts
(('a.md', 'b.txt'), ['Alpha.', 'One two.', 'Three four.'], 2, [1, 1, 4])
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path

import numpy as np

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ""})


@dataclass(frozen=True)
class Corpus:
    """The paragraphs of a corpus folder, in gid order.

    ``offsets[d]`` is the gid of document ``d``'s first paragraph
    (``offsets[-1]`` the total); ``line_starts`` are 1-based.
    """

    root: Path
    docs: tuple[str, ...]
    offsets: np.ndarray
    texts: list[str]
    line_starts: list[int]

    def __len__(self) -> int:
        return len(self.texts)

    def doc_number(self, doc: str) -> int:
        """Return the position of document ``doc`` (its posix path under the root)."""
        i = bisect.bisect_left(self.docs, doc)
        if i == len(self.docs) or self.docs[i] != doc:
            raise KeyError(f"document {doc!r} is not in the corpus at {self.root}")
        return i

    def gid(self, doc: str, index: int) -> int:
        """Return the global id of paragraph ``index`` of document ``doc``."""
        d = self.doc_number(doc)
        gid = int(self.offsets[d]) + index
        if not 0 <= index or gid >= int(self.offsets[d + 1]):
            raise KeyError(f"{doc} has no paragraph {index}")
        return gid

    def doc_of(self, gids: np.ndarray) -> np.ndarray:
        """Return the document number of each gid."""
        return np.searchsorted(self.offsets, gids, side="right") - 1


def list_documents(root: str | Path) -> list[str]:
    """Return the posix paths of the plain-text files under ``root``, sorted."""
    root = Path(root)
    out = []
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or path.suffix.lower() not in TEXT_SUFFIXES:
            continue
        if path.is_file():
            out.append(rel.as_posix())
    return sorted(out)


def split_text(text: str) -> tuple[list[str], list[int]]:
    """Split ``text`` at blank lines; return paragraph texts and their 1-based first lines.

    >>> split_text("a\\n \\nb  c\\nd\\n\\n")
    (['a', 'b c d'], [1, 3])
    """
    texts: list[str] = []
    starts: list[int] = []
    current: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                starts.append(number)
            current.append(line)
        elif current:
            texts.append(" ".join(" ".join(current).split()))
            current = []
    if current:
        texts.append(" ".join(" ".join(current).split()))
    return texts, starts


def read_text(path: Path) -> str:
    """Read a file as UTF-8 (BOM dropped, bad bytes replaced, CR LF as LF)."""
    return path.read_bytes().decode("utf-8-sig", errors="replace").replace("\r\n", "\n").replace("\r", "\n")


def read_corpus(root: str | Path) -> Corpus:
    """Read every plain-text file under ``root`` and split it into paragraphs.

    Raises:
        FileNotFoundError: ``root`` is not a folder, or holds no plain-text file.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"corpus folder {root} does not exist")
    docs = list_documents(root)
    if not docs:
        raise FileNotFoundError(f"no .txt/.md files under {root}")
    texts: list[str] = []
    line_starts: list[int] = []
    counts = []
    for doc in docs:
        t, s = split_text(read_text(root / doc))
        texts += t
        line_starts += s
        counts.append(len(t))
    offsets = np.concatenate([[0], np.cumsum(counts, dtype=np.int64)])
    return Corpus(root, tuple(docs), offsets, texts, line_starts)


def corpus_docs_dir(path: str | Path) -> Path:
    """Return the folder holding the documents: ``PATH/docs`` for a generated corpus, else ``PATH``."""
    path = Path(path)
    return path / "docs" if (path / "docs").is_dir() and (path / "manifest.json").is_file() else path
