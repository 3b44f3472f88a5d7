"""The library's front door: scan paths or in-memory texts into a :class:`Report`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import paradup.reports.emit  # noqa: F401  (its kernels join the warm-up a scan with threads does while reading)
from paradup.model import Document, Params, Report
from paradup.pipeline import Progress, find_duplicates


def scan(
    paths: Sequence[str],
    params: Params | None = None,
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    text_field: str = "text",
    hidden: bool = False,
    progress: Progress | None = None,
    jobs: int = 1,
) -> Report:
    """Read files and folders and find their repeated paragraphs and blocks.

    This is what ``paradup scan`` runs; the CLI only renders the result.
    ``jobs`` cores share the work, as threads (the compiled stages let go of Python's lock); the
    report does not depend on it.

    Raises:
        InputError: a path does not exist, or no document could be read.
    """
    from paradup.inputs import read_documents
    from paradup.sketch import ReadAhead

    params = params or Params()
    ahead = ReadAhead(params, jobs)  # threads digest the first files while the rest are read
    try:
        documents, problems, root = read_documents(
            paths, include=include, exclude=exclude, text_field=text_field, hidden=hidden, on_file=ahead
        )
        return find_duplicates(documents, params, problems, root, progress, jobs, ahead)
    finally:
        ahead.close()


def scan_texts(texts: Mapping[str, str], params: Params | None = None) -> Report:
    """Scan in-memory texts, keyed by the name each document is reported under.

    >>> r = scan_texts({"x": "One paragraph only."})
    >>> r.stats["paragraphs"]
    1
    """
    documents = [Document(name, name, text) for name, text in texts.items()]
    return find_duplicates(documents, params)
