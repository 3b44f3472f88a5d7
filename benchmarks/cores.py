"""How much faster can two processes be than one on this machine?  Measure it.

``python -m benchmarks.cores [--paragraphs N] [--repeat R]`` runs three kinds of
work that need nothing from each other, first in one process alone, then in two
processes at once, each doing the same work, and prints the speed-up two
processes give (2 x the work in the time of two against 1 x the work in the time
of one; 2.00 is perfect):

- ``digest``: paradup's own cut, normalise, shingle and MinHash of N synthetic
  paragraphs (compiled kernels; the bulk of a scan);
- ``sort``: numpy sorting 8 million random 64-bit keys (the candidates stage);
- ``python``: building and dumping a JSON report-like structure in pure Python
  (the report stage).

No pipeline can scale better than its work does here: this is the ceiling
``--jobs 2`` is measured against.  Each process is pinned to its own core when
the machine allows it.

Then ``forked``: what a forked worker pays for writing to pages it shares with
this process (copy on write).  This process makes N report-like objects, then
formats them once itself, and once in a forked child while it waits: the
child's extra seconds and page faults are what a worker that touches this
process's Python objects (reference counts included) pays.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import time

import numpy as np


def _texts(n: int) -> list[str]:
    rng = np.random.default_rng(1)
    words = np.array([f"w{i}" for i in range(20_000)])
    lengths = rng.integers(30, 90, n)
    return [" ".join(words[rng.integers(0, len(words), size)]) + "." for size in lengths]


def _digest(texts: list[str]) -> None:
    from paradup.model import Params
    from paradup.sketch import cut_and_digest

    cut_and_digest(["\n\n".join(texts[i : i + 20]) for i in range(0, len(texts), 20)], 0, Params())


def _sort(_texts: list[str]) -> None:
    keys = np.random.default_rng(2).integers(0, 2**63, 8_000_000, dtype=np.uint64)
    keys.sort(kind="stable")


def _python(texts: list[str]) -> None:
    rows = [{"id": i, "file": f"doc{i // 20}.txt", "paragraph": i % 20, "lines": [i, i + 3], "score": i / 7, "text": t[:80]}
            for i, t in enumerate(texts)]  # fmt: skip
    json.dumps({"clusters": rows}, indent=2)


WORK = {"digest": _digest, "sort": _sort, "python": _python}


def _timed(kind: str, texts: list[str], core: int | None, start, out) -> None:
    if core is not None:
        os.sched_setaffinity(0, {core})
    start.wait()
    began = time.perf_counter()
    WORK[kind](texts)
    out.put(time.perf_counter() - began)


def run(kind: str, texts: list[str], processes: int) -> float:
    """Wall seconds for ``processes`` processes each doing the work once, started together."""
    ctx = mp.get_context("fork")
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    start, out = ctx.Barrier(processes + 1), ctx.Queue()
    procs = [ctx.Process(target=_timed, args=(kind, texts, cores[i] if len(cores) >= processes else None, start, out))
             for i in range(processes)]  # fmt: skip
    for p in procs:
        p.start()
    start.wait()
    took = max(out.get() for _ in procs)
    for p in procs:
        p.join()
    return took


def python_speedup(paragraphs: int = 50_000, repeat: int = 2) -> float:
    """The pure-Python work's speed-up from one process to two (the best of ``repeat`` runs of each), measured
    now, in a few seconds: what this machine's two cores give at this moment, which on a shared virtual
    machine changes within minutes (``benchmarks.scale --probe`` records it beside a scan)."""
    texts = _texts(paragraphs)
    one = min(run("python", texts, 1) for _ in range(repeat))
    two = min(run("python", texts, 2) for _ in range(repeat))
    return round(2 * one / two, 2)


class _Row:
    __slots__ = ("id", "members", "score", "text")

    def __init__(self, i: int, text: str) -> None:
        self.id, self.members, self.score, self.text = i, (i, i + 1, i + 2), i / 7, text


def _format(rows: list[_Row]) -> tuple[float, int]:
    """Seconds and minor page faults to format ``rows`` as JSON-like lines."""
    import resource

    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    began = time.perf_counter()
    for start in range(0, len(rows), 2000):
        "\n".join(f'{{"id": {r.id}, "members": [{", ".join(map(str, r.members))}], "score": {r.score!r}, '
                  f'"text": {json.dumps(r.text[:80])}}}' for r in rows[start : start + 2000])  # fmt: skip
    return time.perf_counter() - began, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults


def forked(texts: list[str]) -> tuple[tuple[float, int], tuple[float, int]]:
    """(seconds, faults) formatting the rows here, and in a forked child while this process waits."""
    rows = [_Row(i, t) for i, t in enumerate(texts)]
    here = _format(rows)
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    child = ctx.Process(target=lambda: out.put(_format(rows)))
    child.start()
    there = out.get()
    child.join()
    return here, there


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cores", description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=200_000, help="paragraphs digested by each process")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is kept")
    args = parser.parse_args(argv)
    texts = _texts(args.paragraphs)
    _digest(texts[:2000])  # load the compiled kernels before forking
    print(f"cores available: {len(os.sched_getaffinity(0))}")
    for kind in WORK:
        one = min(run(kind, texts, 1) for _ in range(args.repeat))
        two = min(run(kind, texts, 2) for _ in range(args.repeat))
        print(f"{kind:7s} one process {one:6.2f} s, two at once {two:6.2f} s each: speed-up {2 * one / two:.2f}x "
              f"(each runs {100 * (two / one - 1):.0f}% slower beside the other)")  # fmt: skip
    (here, here_faults), (there, there_faults) = forked(texts)
    print(f"forked  formatting {len(texts):,} objects: {here:.2f} s here ({here_faults:,} page faults), "
          f"{there:.2f} s in a forked child ({there_faults:,} page faults: copy on write)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
