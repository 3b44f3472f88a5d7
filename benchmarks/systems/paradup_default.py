"""paradup with its default settings: ``paradup.scan([docs_dir], jobs=jobs)``.

Glue: paradup reads and splits the files itself (it also mends a paragraph
cut by a stray blank line, which the harness's units do not), so each of its
paragraphs is mapped to the harness paragraph holding its first line.
Matches, clusters and blocks are reported as they are.
"""

from __future__ import annotations

import bisect
import time
from pathlib import Path

import numpy as np

from benchmarks.metrics import Prediction
from benchmarks.systems import Outcome, stage
from benchmarks.units import list_documents, split_text

SUMMARY = "paradup defaults: exact groups, MinHash LSH (t=0.3) + sentence keys, rapidfuzz verification, clusters, blocks, JSON report"
REQUIRES = ("paradup",)


def imports() -> None:
    import paradup  # noqa: F401
    import paradup.inputs  # noqa: F401  (scan imports it lazily)
    from paradup.jit import skip_blas_check
    from paradup.parallel import reuse_freed_memory

    skip_blas_check()  # as the CLI does in its own process
    reuse_freed_memory()


def run(docs_dir: Path, jobs: int, params=None) -> Outcome:
    import paradup

    stages: dict[str, float] = {}
    with stage(stages, "params"):  # choosing bands x rows is paid once per process
        params = params or paradup.Params()
    began = time.perf_counter()
    report = paradup.scan([str(docs_dir)], params, jobs=jobs)
    total = time.perf_counter() - began
    stages.update(read=max(total - sum(report.stats["seconds"].values()), 0.0), **report.stats["seconds"])
    with stage(stages, "report"):  # end to end includes the JSON report a user would write, as the CLI renders it
        from paradup.reports import render_chunks

        for _ in render_chunks(report, "json", True, jobs):
            pass
    with stage(stages, "glue"):
        prediction = to_gids(report, docs_dir)
    return Outcome(prediction, stages)


def to_gids(report, docs_dir: Path) -> Prediction:
    """Translate a paradup Report into harness gids (a file the harness skips is dropped)."""
    number = {d: i for i, d in enumerate(list_documents(docs_dir))}
    # The harness split of the very text paradup decoded gives each file's paragraph starts.
    starts = {d.path: split_text(d.text)[1] for d in report.documents if d.path in number}
    offsets, running = {}, 0
    for path in sorted(starts, key=number.get):
        offsets[path] = running
        running += len(starts[path])
    index = np.full(len(report.paragraphs), -1, dtype=np.int64)
    gids = np.full(len(report.paragraphs), -1, dtype=np.int64)
    first: dict[int, int] = {}
    docs, line_starts = _columns(report.paragraphs)
    for pid, (doc, line_start) in enumerate(zip(docs, line_starts)):
        first.setdefault(doc, pid)
        path = report.documents[doc].path
        if path in starts:
            index[pid] = bisect.bisect_right(starts[path], line_start) - 1
            gids[pid] = offsets[path] + index[pid]
    pairs = gids[np.array([(m.a, m.b) for m in report.matches], dtype=np.int64).reshape(-1, 2)]
    pairs = pairs[(pairs >= 0).all(axis=1) & (pairs[:, 0] != pairs[:, 1])]
    clusters = [g[g >= 0] for g in (gids[np.array(c.members, dtype=np.int64)] for c in report.clusters)]
    blocks = []
    for b in report.blocks:
        sides = []
        for span in (b.a, b.b):
            path = report.documents[span.doc].path
            lo, hi = first[span.doc] + span.index_start, first[span.doc] + span.index_end
            sides.append((number.get(path, -1), int(index[lo]), int(index[hi])))
        if sides[0][0] >= 0 and sides[1][0] >= 0:
            blocks.append((*sides[0], *sides[1]))
    return Prediction(pairs, clusters, blocks)


def _columns(paragraphs) -> tuple[list[int], list[int]]:
    """Each paragraph's document and first line, from a table's columns when it has them."""
    if hasattr(paragraphs, "line_start") and hasattr(paragraphs.line_start, "tolist"):
        return paragraphs.doc.tolist(), paragraphs.line_start.tolist()
    return [p.doc for p in paragraphs], [p.line_start for p in paragraphs]
