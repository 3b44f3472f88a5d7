"""Run a pure stage function over parts of a batch, in worker processes.

The stage functions take plain values and return arrays, so they run the same
here, in a pool of forked workers, or on a distributed engine.  With fork the
large inputs (documents, band keys) are inherited by the workers instead of
pickled to them: :func:`map_shared` calls ``func(shared, part)`` for each
part, ``shared`` being whatever the parent set up before forking.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
_SHARED: Any = None


def default_jobs() -> int:
    """Return the number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def map_shared(func: Callable[[Any, Any], T], shared: Any, parts: Sequence[Any], jobs: int) -> list[T]:
    """Return ``[func(shared, part) for part in parts]``, computed by ``jobs`` forked workers.

    Results come back in the order of ``parts``.  Without fork (or with one
    job or one part) the parts run in this process.

    >>> map_shared(lambda s, p: s + p, 10, [1, 2, 3], jobs=2)
    [11, 12, 13]
    """
    if jobs <= 1 or len(parts) <= 1 or not can_fork():
        return [func(shared, part) for part in parts]
    global _SHARED
    _SHARED = (func, shared)
    try:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(parts))) as pool:
            return pool.map(_call, parts, chunksize=1)
    finally:
        _SHARED = None


def _call(part: Any) -> Any:
    func, shared = _SHARED
    return func(shared, part)

