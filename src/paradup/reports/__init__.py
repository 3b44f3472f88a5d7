"""Renderers: one module per report format, each ``render(report, timings) -> str``;
:func:`render_chunks` streams the JSON one, which can run to gigabytes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from paradup.model import InputError, Report

FORMATS = ("text", "json", "csv", "html")


def render(report: Report, fmt: str = "text", timings: bool = True) -> str:
    """Render ``report`` in format ``fmt`` (one of :data:`FORMATS`).

    ``timings=False`` leaves out the seconds per stage, so that two runs give
    the same bytes.
    """
    return "".join(as_text(render_chunks(report, fmt, timings)))


def as_text(chunks: Iterable[str | memoryview]) -> Iterator[str]:
    """:func:`render_chunks`' pieces as text: those that come as UTF-8 bytes decoded (each holds whole items).

    >>> list(as_text(["{", memoryview(b'"caf\\xc3\\xa9"'), "}"]))
    ['{', '"café"', '}']
    """
    return (chunk if isinstance(chunk, str) else str(chunk, "utf-8") for chunk in chunks)


def render_chunks(report: Report, fmt: str = "text", timings: bool = True, jobs: int = 1) -> Iterator[str | memoryview]:
    """Yield :func:`render`'s text in pieces (JSON: a few thousand items at a time),
    so a large report is written without ever being whole in memory.

    A large JSON report's clusters and matches come as UTF-8 bytes
    (``memoryview``), written by ``jobs`` threads; :func:`paradup.output.write_output`
    writes both kinds, :func:`as_text` decodes them.

    Raises:
        InputError: ``fmt`` is not one of :data:`FORMATS` (on the first ``next``).
    """
    from paradup.parallel import gc_paused

    _check(fmt)
    with gc_paused():
        if fmt == "json":
            from paradup.reports.json import render_chunks as chunks

            yield from chunks(report, timings, jobs)
        else:
            yield from _whole(report, fmt, timings)


def _whole(report: Report, fmt: str, timings: bool) -> Iterator[str]:
    if fmt == "csv":
        from paradup.reports.csv import render as run
    elif fmt == "html":
        from paradup.reports.html import render as run
    else:
        from paradup.reports.text import render as run
    yield run(report, timings)


def _check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise InputError(f"format must be one of {', '.join(FORMATS)}; got {fmt!r}")
