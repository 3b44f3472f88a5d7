"""Run a pure stage function over parts of a batch, in threads or worker processes (and
bulk steps with the garbage collector paused).

The stage functions take plain values and return arrays, so they run the same
here, in threads, in a pool of forked workers, or on a distributed engine.
A scan's stages run in threads (:func:`map_threads`, :class:`Helpers`): their
work is compiled kernels and numpy, which let go of Python's lock, and a
thread needs no copy of its inputs.  :func:`map_shared` forks workers that
inherit the large inputs instead of having them pickled: it calls
``func(shared, part)`` for each part, ``shared`` being whatever the parent set
up before forking (``dedup``'s sketches).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import io
import itertools
import mmap
import multiprocessing
import os
import pickle
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import numpy as np

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


def map_shared(func: Callable[[Any, Any], T], shared: Any, parts: Sequence[Any], jobs: int, spill: bool = False) -> list[T]:
    """Return ``[func(shared, part) for part in parts]``, computed by ``jobs`` processes.

    This process is one of them: it takes every ``jobs``-th part (the first,
    then ``jobs`` on) while ``jobs - 1`` forked workers take the others, so
    one fork fewer and no results to send back for its share (parts should
    cost about the same).  Results come back in the order of ``parts``.
    Without fork (or with one job or one part) the parts run in this
    process alone.

    With ``spill`` the large numpy arrays of the workers' results come back
    through files in shared memory (``/dev/shm``) that this process maps,
    instead of being pickled through a pipe: at 1e6 paragraphs the sketch
    stage's 420 MB of arrays took 1.3 s to send that way (measured).  A
    worker that finds no room there sends its result through the pipe; the
    files wait there until this process has done its own share.

    A worker that dies (killed, out of memory) makes it raise
    :class:`RuntimeError` instead of waiting forever; when this process's
    own part fails or is interrupted, the workers are stopped at once.

    >>> map_shared(lambda s, p: s + p, 10, [1, 2, 3], jobs=2)
    [11, 12, 13]
    """
    if jobs <= 1 or len(parts) <= 1 or not can_fork():
        return [func(shared, part) for part in parts]
    from paradup.jit import warm_up

    warm_up()  # compiled once here, inherited by every worker
    spill_dir = _spill_dir() if spill else None
    try:
        step = min(jobs, len(parts))
        theirs = [i for i in range(len(parts)) if i % step]
        out: list[Any] = [None] * len(parts)
        pool, pending = _fork(step - 1, (func, shared, spill_dir), _call, [(parts[i],) for i in theirs])
        try:
            for i in range(0, len(parts), step):
                out[i] = func(shared, parts[i])
            for i, future in zip(theirs, pending):
                out[i] = _restore(_result(future))
        except BaseException:
            _stop(pool)  # a failed or interrupted scan does not wait for the workers' parts
            raise
        pool.shutdown(wait=True)
        return out
    finally:
        _remove(spill_dir)


def map_threads(func: Callable[[Any, Any], T], shared: Any, parts: Sequence[Any], jobs: int, here: bool = True) -> list[T]:
    """Return ``[func(shared, part) for part in parts]``, computed by this thread and ``jobs - 1`` others
    (:class:`Helpers`), for work that lets go of Python's lock: no fork, no copy, nothing sent back.

    With ``here`` false, ``jobs`` threads compute every part (one, with one
    job) while this one waits: parts that allocate much then get memory from
    their threads' own malloc arenas.  The main thread's (glibc's) holds the
    corpus, and by the later stages of a large scan it is fragmented: at 10⁷
    paragraphs, 154,000 free chunks and 2 GB free between the texts, and each
    large allocation searches them (2.5 s of verification's time in
    ``_int_malloc`` in this thread with 2 jobs, 0.3 s in the other).

    >>> map_threads(lambda s, p: s + p, 10, [1, 2, 3], jobs=2)
    [11, 12, 13]
    >>> map_threads(lambda s, p: s + p, 10, [1, 2, 3], jobs=1, here=False)
    [11, 12, 13]
    """
    if here and (jobs <= 1 or len(parts) <= 1):
        return [func(shared, part) for part in parts]
    helpers = Helpers(partial(func, shared), max(1, min(jobs, len(parts)) - here), here)
    for part in parts:
        helpers.add(part)
    return helpers.finish()


class Helpers:
    """``func(*args)`` for each ``args`` :meth:`add` ed, computed in order by ``threads`` threads as they come while
    this thread goes on (reading the rest); :meth:`finish` has this thread take the rest too (unless ``here`` is
    false: then it only waits for them, see :func:`map_threads`) and returns every result, in the order added.

    Threads suit work that lets go of Python's lock (compiled kernels, numpy):
    they need no copy of their inputs and send nothing back.  A part that
    raises makes :meth:`finish` raise its error, the first part's first.
    Always :meth:`close` it (``finish`` does): parts not yet begun are dropped.

    >>> helpers = Helpers(pow, threads=1)
    >>> for n in range(5):
    ...     helpers.add(n, 2)
    >>> helpers.finish()
    [0, 1, 4, 9, 16]
    """

    def __init__(self, func: Callable[..., T], threads: int, here: bool = True) -> None:
        self._func = func
        self._here = here
        self._calls: list[tuple] = []
        self._out: list[Any] = []
        self._next = 0  # the first part no thread has taken
        self._closed = False
        self._ready = threading.Condition()
        self._threads = [threading.Thread(target=self._work, name=f"paradup-helper-{k}", daemon=True) for k in range(threads)]
        for thread in self._threads:
            thread.start()

    def add(self, *args: Any) -> None:
        with self._ready:
            self._calls.append(args)
            self._out.append(_PENDING)
            self._ready.notify()

    def waiting(self) -> int:
        """How many parts no thread has taken yet."""
        return len(self._calls) - self._next

    def take(self) -> None:
        """Compute the next part no thread has taken, in this thread (when there is one)."""
        claimed = self._claim(wait=False)
        if claimed is not None:
            self._run(*claimed)

    def finish(self) -> list[Any]:
        """Take the parts no thread has taken, wait for those they have, and return every part's result
        (:meth:`in_order`, all at once)."""
        return list(self.in_order())

    def in_order(self) -> Iterator[Any]:
        """Every part's result, in the order added, each yielded as soon as it and those before it are made (this
        thread takes parts while the next result is not ready), so that results can be written out while the
        threads make the rest; a part that raised raises when its turn comes (the first part's error first), and
        the parts not begun are dropped.

        >>> helpers = Helpers(pow, threads=1)
        >>> for n in range(5):
        ...     helpers.add(n, 2)
        >>> list(helpers.in_order())
        [0, 1, 4, 9, 16]
        """
        try:
            with self._ready:
                self._closed = True
                self._ready.notify_all()
            for i in range(len(self._calls)):
                while self._out[i] is _PENDING:
                    claimed = self._claim(wait=False) if self._here else None
                    if claimed is not None:
                        self._run(*claimed)
                        continue
                    with self._ready:  # every part is taken: wait for the threads to make part i
                        while self._out[i] is _PENDING and any(t.is_alive() for t in self._threads):
                            self._ready.wait(0.1)
                    if self._out[i] is _PENDING:  # pragma: no cover - a thread ended by something that is no Exception
                        raise RuntimeError("a helper thread stopped before its part was done")
                result, self._out[i] = self._out[i], None  # yielded once: its memory goes with the caller's copy
                if isinstance(result, _Failed):
                    raise result.error
                yield result
        finally:
            self.close()

    def close(self) -> None:
        """Drop the parts not begun and wait for the threads to end theirs."""
        with self._ready:
            self._closed = True
            self._next = len(self._calls)
            self._ready.notify_all()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join()

    def _work(self) -> None:
        # No warm-up first: a thread loads the kernels its parts use as it meets them (numba makes a thread
        # that meets one being loaded wait for it), while this thread goes on reading.
        while (claimed := self._claim(wait=True)) is not None:
            self._run(*claimed)

    def _claim(self, wait: bool) -> tuple[int, tuple] | None:
        """The next part no thread has taken, claimed: its index and arguments; None when there is none (with
        ``wait``, none until :meth:`finish` or :meth:`close`)."""
        with self._ready:
            while wait and self._next >= len(self._calls) and not self._closed:
                self._ready.wait()
            if self._next >= len(self._calls):
                return None
            i = self._next
            self._next += 1
            return i, self._calls[i]

    def _run(self, i: int, args: tuple) -> None:
        try:
            self._out[i] = self._func(*args)
        except Exception as error:  # raised again by finish; Ctrl-C in this thread stops it at once (finish closes)
            self._out[i] = _Failed(error)
        with self._ready:
            self._ready.notify_all()  # in_order may be waiting for this part


@dataclass(frozen=True)
class _Failed:
    error: Exception


_PENDING = object()  # a part's result not made yet


def _fork(count: int, state: tuple, task: Callable, calls: Sequence[tuple]) -> tuple[ProcessPoolExecutor, list[Future]]:
    """Fork ``count`` workers that see ``state`` (as ``_SHARED``) and submit ``task(*call)`` for each of ``calls``.

    Ctrl-C and SIGTERM are held back while the workers are forked: a worker
    starts with this process's handlers, and one interrupted before it has set
    its own (:func:`_ignore_ctrl_c`) could swallow the SIGTERM meant to stop it
    and live on (seen in review: a hung stop and an orphaned worker).  Held
    signals arrive once the workers are forked; the pool is then stopped.
    """
    global _SHARED, _PARENT
    _SHARED, _PARENT = state, os.getpid()
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    pool = None
    try:
        pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork"), initializer=_ignore_ctrl_c)
        futures = [pool.submit(task, *call) for call in calls]  # with fork the first submit starts every worker
        signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a held Ctrl-C or SIGTERM is raised here
        return pool, futures
    except BaseException:
        if pool is not None:
            _stop(pool)
        raise
    finally:
        _SHARED = None
        signal.pthread_sigmask(signal.SIG_SETMASK, held)  # once more if forking failed before


_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _ignore_ctrl_c() -> None:
    """Workers leave Ctrl-C to this process, which stops them (an idle worker interrupted while
    waiting for work printed a traceback of its own), and die at once when it stops them with
    SIGTERM, whatever handler this process had: both are held back until these are set (:func:`_fork`).
    They also die when this process dies without stopping them (:func:`_die_with_parent`)."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent() -> None:
    """Have Linux kill this worker when the process that forked it dies, ``kill -9`` included: a
    worker left alone would go on with its part for seconds to minutes, and its results would go
    nowhere.  Elsewhere (no ``prctl``) nothing changes."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
        return
    if os.getppid() != _PARENT:  # the parent died before prctl took effect
        os._exit(1)


_PARENT = os.getpid()  # set again before every fork (_fork): whose death ends the workers


def _remove(spill_dir: str | None) -> None:
    if spill_dir is not None:
        shutil.rmtree(spill_dir, ignore_errors=True)


def _result(future: Future) -> Any:
    """Return a worker's result; a worker that died (killed, out of memory) raises instead of hanging."""
    try:
        return future.result()
    except BrokenProcessPool:
        raise RuntimeError("a worker process died (out of memory?); try fewer --jobs") from None


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop ``pool``'s workers now, busy or not (the executor alone only cancels parts not yet started).

    A worker stopped half-way through sending its result leaves the executor's
    thread waiting forever for the rest of it, and Python's exit waits for that
    thread (seen: a scan interrupted with Ctrl-C hung; reproduced by the
    tests).  With every worker gone, closing this process's end of the result
    pipe turns that wait into end-of-file, and the thread ends.
    """
    # Private: the executor has no terminate, and no way to its result pipe.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    results = getattr(pool, "_result_queue", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join()
    writer = getattr(results, "_writer", None)
    if processes and writer is not None:
        writer.close()


def _call(part: Any) -> Any:
    func, shared, spill_dir = _SHARED
    result = func(shared, part)
    return result if spill_dir is None else _spilled(result, spill_dir)


_SPILL_ROOT = "/dev/shm"
_SPILL_BYTES = 1 << 15  # arrays at least this large are spilled; small ones ride in the pickle
_ALIGN = 64


@dataclass(frozen=True)
class _Spill:
    """A result pickled with its large arrays written to ``path`` (``persistent_id`` records where)."""

    path: str
    pickled: bytes


def _spill_dir() -> str | None:
    """Make this stage's folder in shared memory, named after this process, first removing the
    folders of scans that died without removing theirs (``kill -9``): they hold memory until reboot."""
    if not os.path.isdir(_SPILL_ROOT) or not os.access(_SPILL_ROOT, os.W_OK):
        return None
    _remove_stale(_SPILL_ROOT)
    return tempfile.mkdtemp(prefix=f"paradup-{os.getpid()}-", dir=_SPILL_ROOT)


def _remove_stale(root: str) -> None:
    """Remove ``root``'s ``paradup-PID-*`` folders whose process is gone."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(root):
            parts = entry.name.split("-")
            if len(parts) < 3 or parts[0] != "paradup" or not parts[1].isdigit():
                continue
            try:
                os.kill(int(parts[1]), 0)
            except ProcessLookupError:
                shutil.rmtree(entry.path, ignore_errors=True)
            except (OSError, OverflowError):  # another user's process, alive; or no process id at all
                continue


class _Spiller(pickle.Pickler):
    def __init__(self, out: io.BytesIO, spill) -> None:
        super().__init__(out, protocol=pickle.HIGHEST_PROTOCOL)
        self.spill = spill

    def persistent_id(self, obj: Any) -> Any:
        if type(obj) is not np.ndarray or obj.nbytes < _SPILL_BYTES or obj.dtype.hasobject:
            return None
        offset = -self.spill.tell() % _ALIGN + self.spill.tell()
        self.spill.seek(offset)
        self.spill.write(np.ascontiguousarray(obj).data)
        return ("ndarray", offset, obj.dtype.str, obj.shape)


class _Restorer(pickle.Unpickler):
    def __init__(self, data: bytes, mapped) -> None:
        super().__init__(io.BytesIO(data))
        self.mapped = mapped

    def persistent_load(self, pid: Any) -> Any:
        _, offset, dtype, shape = pid
        count = int(np.prod(shape))
        return np.frombuffer(self.mapped, dtype=np.dtype(dtype), count=count, offset=offset).reshape(shape)


def _spilled(result: Any, spill_dir: str) -> Any:
    path = os.path.join(spill_dir, f"{os.getpid()}-{next(_TASKS)}")
    try:
        out = io.BytesIO()
        with open(path, "wb") as spill:
            _Spiller(out, spill).dump(result)
        return _Spill(path, out.getvalue())
    except OSError:  # no room in shared memory: the pipe it is
        with contextlib.suppress(OSError):
            os.unlink(path)
        return result


def _restore(result: Any) -> Any:
    if not isinstance(result, _Spill):
        return result
    try:
        with open(result.path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            # A private mapping: the arrays are writable, and the file can go at once.
            mapped = mmap.mmap(f.fileno(), size, access=mmap.ACCESS_COPY) if size else b""
        return _Restorer(result.pickled, mapped).load()
    finally:
        os.unlink(result.path)


_TASKS = itertools.count()


def slices(n: int, parts: int, most: int | None = None) -> list[tuple[int, int]]:
    """Cut ``range(n)`` into about ``parts`` consecutive ``(start, stop)`` slices of at most ``most``.

    >>> slices(5, 2), slices(5, 1, most=2), slices(0, 3)
    ([(0, 3), (3, 5)], [(0, 2), (2, 4), (4, 5)], [])
    """
    size = max(1, -(-n // max(parts, 1)))
    size = min(size, most) if most else size
    return [(start, min(start + size, n)) for start in range(0, n, size)]


@contextmanager
def gc_paused():
    """Pause Python's cyclic garbage collector for a bulk step.

    A scan of a million paragraphs makes millions of objects (matches, links,
    report rows) and no reference cycles; each collection would walk them all
    again.  Measured at 1e6 paragraphs: clusters, blocks and the JSON report
    take 2 s less.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's malloc.h


def reuse_freed_memory() -> bool:
    """Have glibc's malloc keep freed memory for the next allocation, for paradup's own process (the CLI).

    By default an array of 128 kB or more gets pages of its own from the
    kernel and gives them back when freed, and the next one faults in fresh
    pages again (0.4-9 µs a page on this project's virtual machine, which
    hands freed memory back to its host).  Here arrays below 32 MB come from
    the heap, and freed memory stays there: a scan of a million paragraphs
    takes 290-310 thousand page faults instead of 460-500 thousand (0.3-0.8 s
    less of system time), its peak RSS unchanged.  A library does not call
    this (it would change its caller's process); returns whether it applied
    (no glibc, no change).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the process's C library; musl has no mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, 32 << 20)) and bool(mallopt(_M_TRIM_THRESHOLD, 1 << 30))
