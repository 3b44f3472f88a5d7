"""datatrove's MinHash deduplication, its four stages as its example runs them, paragraphs as documents.

Glue: the paragraphs are written as JSONL (``{"id": gid, "text": ...}``),
one file per task, which ``JsonlReader`` reads back; this conversion is
timed (``to_jsonl``) because a user of datatrove has to do it too.  Then, in
a temporary folder, with ``LocalPipelineExecutor`` and datatrove's defaults
(``MinhashConfig()``: word 5-grams after its text normalisation, 14 buckets
x 8 hashes, so a Jaccard threshold near 0.72; no verification):

1. ``MinhashDedupSignature`` (``jobs`` tasks);
2. ``MinhashDedupBuckets`` (one task per bucket, ``jobs`` workers);
3. ``MinhashDedupCluster(save_cluster_id=True)`` (one task: union-find);
4. ``MinhashDedupFilter`` writing the kept paragraphs with ``JsonlWriter``.

The clusters are read from stage 3's ``.clusters`` files (document index
within its task -> cluster id) and translated back to gids.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np

from benchmarks.metrics import Prediction
from benchmarks.systems import Outcome, stage
from benchmarks.units import read_corpus

SUMMARY = "datatrove 4-stage MinHash dedup (defaults: 5-grams, 14x8 buckets, no verification), paragraphs as documents"
REQUIRES = ("datatrove",)


def imports() -> None:
    import datatrove.executor  # noqa: F401
    import datatrove.pipeline.dedup  # noqa: F401


def run(docs_dir: Path, jobs: int) -> Outcome:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup import MinhashDedupCluster, MinhashDedupFilter, MinhashDedupSignature
    from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupBuckets
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    stages: dict[str, float] = {}
    tasks = max(1, jobs)
    with tempfile.TemporaryDirectory(prefix="bench-datatrove-") as tmp:
        work = Path(tmp)
        with stage(stages, "read"):
            corpus = read_corpus(docs_dir)
        with stage(stages, "to_jsonl"):
            starts = _write_jsonl(corpus.texts, work / "input", tasks)
        config = MinhashConfig()
        steps = [
            ("signature", [JsonlReader(str(work / "input")), MinhashDedupSignature(str(work / "sigs"), config=config)],
             tasks, tasks),
            ("buckets", [MinhashDedupBuckets(str(work / "sigs"), str(work / "buckets"), config=config)],
             config.num_buckets, tasks),
            ("cluster", [MinhashDedupCluster(str(work / "buckets"), str(work / "remove"), config=config,
                                             save_cluster_id=True)], 1, 1),
            ("filter", [JsonlReader(str(work / "input")), MinhashDedupFilter(str(work / "remove")),
                        JsonlWriter(str(work / "output"))], tasks, tasks),
        ]  # fmt: skip
        for name, pipeline, n_tasks, workers in steps:
            with stage(stages, name):
                LocalPipelineExecutor(pipeline, tasks=n_tasks, workers=workers, logging_dir=str(work / "logs" / name)).run()
        with stage(stages, "glue"):
            clusters = _read_clusters(work / "remove", starts)
    return Outcome(Prediction(clusters=clusters), stages)


def _write_jsonl(texts: list[str], folder: Path, files: int) -> list[int]:
    """Write ``texts`` in ``files`` contiguous JSONL files; return each file's first gid."""
    folder.mkdir(parents=True)
    bounds = np.linspace(0, len(texts), files + 1).astype(int).tolist()
    for k in range(files):
        with open(folder / f"{k:05d}.jsonl", "w", encoding="utf-8") as out:
            for gid in range(bounds[k], bounds[k + 1]):
                out.write(json.dumps({"id": str(gid), "text": texts[gid]}) + "\n")
    return bounds[:-1]


def _read_clusters(folder: Path, starts: list[int]) -> list[np.ndarray]:
    """Read stage 3's ``NNNNNN.clusters`` files: (document index, cluster id) uint32 pairs."""
    gids, ids = [], []
    for path in sorted(folder.glob("*.clusters")):
        rank = int(path.name.split(".")[0])
        data = np.frombuffer(path.read_bytes(), dtype=np.dtype("<u4")).reshape(-1, 2).astype(np.int64)
        gids.append(data[:, 0] + starts[rank])
        ids.append(data[:, 1])
    if not gids:
        return []
    gid, cid = np.concatenate(gids), np.concatenate(ids)
    order = np.argsort(cid, kind="stable")
    gid, cid = gid[order], cid[order]
    cuts = np.flatnonzero(np.diff(cid)) + 1
    return [g for g in np.split(gid, cuts) if len(g) > 1]


