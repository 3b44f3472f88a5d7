"""Compiled loops: numba's ``njit``, cached on disk where a cache can be kept.

The stages' inner loops (hashing a batch's words and shingles, MinHash over
a batch) run as numba kernels: plain functions of arrays, compiled once and
kept in ``__pycache__`` (or numba's user cache) for later runs, so the same
functions run in this process, in forked workers or on a distributed engine.

A kernel is typed by what it is given: constants are numpy scalars of the
kernel's width (``np.uint64``), because numba turns ``uint64`` mixed with a
Python ``int`` into a float.
"""

from __future__ import annotations

import importlib.abc
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

import numba

F = TypeVar("F", bound=Callable)
_WARM_UPS: list[Callable[[], object]] = []
_WARMING = threading.Lock()


def kernel(fn: F) -> F:
    """Compile ``fn`` with ``numba.njit``, with an on-disk cache unless no cache folder is writable.

    >>> @kernel
    ... def total(a):
    ...     s = 0
    ...     for x in a:
    ...         s += x
    ...     return s
    >>> import numpy as np
    >>> int(total(np.arange(5)))
    10
    """
    try:
        return numba.njit(cache=True, nogil=True)(fn)
    except RuntimeError:  # numba finds no writable cache folder (a read-only install and home)
        return numba.njit(nogil=True)(fn)


def inline(fn: F) -> F:
    """Compile a helper that kernels inline (never called from Python)."""
    return numba.njit(inline="always")(fn)


def on_warm_up(call: Callable[[], object]) -> None:
    """Register a tiny call that compiles (or loads) a kernel with the argument types real calls use."""
    _WARM_UPS.append(call)


def warm_up() -> None:
    """Compile or load every registered kernel now, once a process.

    Called before forking workers: they inherit the compiled code instead of
    each loading it again (0.1-0.3 s a worker and a stage, measured); and by a
    scan with threads while it reads (:class:`paradup.sketch.ReadAhead`), so
    that no later stage stops to load one.
    """
    with _WARMING:  # threads that call it at once: each returns once every kernel is loaded
        while _WARM_UPS:
            _WARM_UPS.pop()()


def skip_blas_check() -> None:
    """Load numba's array functions without its look for a BLAS, for paradup's own process (the CLI).

    Loading the first kernel imports ``numba.np.arraymath``, which imports
    ``scipy.linalg`` only to see whether a BLAS is there: 0.15-0.24 s of
    every run here, and paradup's kernels use none.  Afterwards numba in this
    process believes it has no BLAS (``np.dot`` inside other compiled code
    would not compile), so a library does not call this; ``scipy.linalg``
    itself imports as usual.
    """
    if "numba.np.arraymath" in sys.modules or "scipy.linalg" in sys.modules:
        return
    blocker = _Refuse("scipy.linalg")
    sys.meta_path.insert(0, blocker)
    try:
        import numba.np.arraymath  # noqa: F401
    finally:
        sys.meta_path.remove(blocker)


class _Refuse(importlib.abc.MetaPathFinder):
    """Refuse to import one package and its modules."""

    def __init__(self, name: str) -> None:
        self.name = name

    def find_spec(self, fullname, path, target=None):
        if fullname == self.name or fullname.startswith(self.name + "."):
            raise ImportError(f"{fullname} is not imported here")
        return None
