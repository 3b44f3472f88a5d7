"""Progress on stderr while a scan runs: shown on a terminal, silent otherwise."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from paradup.pipeline import Progress


@contextmanager
def stage_reporter() -> Iterator[Progress | None]:
    """Yield a callback that shows the current stage, or None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console

    console = Console(stderr=True)
    with console.status("paradup: reading") as status:
        yield lambda stage: status.update(f"paradup: {stage}")
