"""Progress on stderr while a scan runs: shown on a terminal, silent otherwise."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from paradup.pipeline import Progress


@contextmanager
def stage_reporter(first: str = "reading") -> Iterator[Progress | None]:
    """Yield a callback that shows the current stage (``first`` until it is called), or None when stderr is not
    a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console

    console = Console(stderr=True)
    with console.status(f"paradup: {first}") as status:
        yield lambda stage: status.update(f"paradup: {stage}")
