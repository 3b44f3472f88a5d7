"""Renderers: one module per report format, each ``render(report, timings) -> str``."""

from __future__ import annotations

from paradup.model import InputError, Report

FORMATS = ("text", "json", "csv", "html")


def render(report: Report, fmt: str = "text", timings: bool = True) -> str:
    """Render ``report`` in format ``fmt`` (one of :data:`FORMATS`).

    ``timings=False`` leaves out the seconds per stage, so that two runs give
    the same bytes.
    """
    if fmt == "json":
        from paradup.reports.json import render as run
    elif fmt == "csv":
        from paradup.reports.csv import render as run
    elif fmt == "html":
        from paradup.reports.html import render as run
    elif fmt == "text":
        from paradup.reports.text import render as run
    else:
        raise InputError(f"format must be one of {', '.join(FORMATS)}; got {fmt!r}")
    from paradup.pipeline import gc_paused

    with gc_paused():
        return run(report, timings)
