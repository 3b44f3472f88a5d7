r"""paradup: find near-duplicate paragraphs and reprinted blocks in articles and corpora.

>>> from paradup import scan_texts
>>> report = scan_texts({"a.txt": "Same words in a paragraph that repeats here.\n\nSame words in a paragraph that repeats here."})
>>> len(report.clusters)
1
"""

from __future__ import annotations

__version__ = "0.1.0"

from paradup.api import scan, scan_texts  # noqa: E402
from paradup.model import (  # noqa: E402
    ArchiveMatch,
    Block,
    Cluster,
    Document,
    InputError,
    InputProblem,
    Match,
    Paragraph,
    Params,
    Report,
    Span,
)
from paradup.pipeline import find_duplicates  # noqa: E402

__all__ = [
    "ArchiveMatch",
    "Block",
    "Cluster",
    "Document",
    "InputError",
    "InputProblem",
    "Match",
    "Paragraph",
    "Params",
    "Report",
    "Span",
    "__version__",
    "find_duplicates",
    "scan",
    "scan_texts",
]
