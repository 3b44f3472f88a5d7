"""paradup's exact stage alone, standing in for an exact-only mode (paradup has no such flag).

paradup reads and splits the files (``paradup.inputs.read_documents``,
``paradup.paragraphs.split_paragraphs``), normalises every paragraph
(``paradup.normalize.normalize_batch``: case, punctuation, white space) and
groups equal texts (``paradup.exact.group_exact``).  No MinHash, no
verification, no blocks: the floor that every fuzzy system should beat on
recall and match on precision.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks.systems import Outcome, stage

SUMMARY = "paradup's exact stage alone: normalised-text equality groups (no MinHash, no verification)"
REQUIRES = ("paradup",)


def imports() -> None:
    from benchmarks.systems.paradup_default import imports

    imports()


def run(docs_dir: Path, jobs: int) -> Outcome:
    from benchmarks.systems.paradup_default import to_gids
    from paradup.exact import group_exact
    from paradup.inputs import read_documents
    from paradup.model import Report
    from paradup.normalize import SENTENCE, normalize_batch
    from paradup.paragraphs import split_paragraphs
    from paradup.sketch import CHUNK

    stages: dict[str, float] = {}
    with stage(stages, "read"):
        documents, _, _ = read_documents([str(docs_dir)])
    with stage(stages, "paragraphs"):
        paragraphs = [p for i, d in enumerate(documents) for p in split_paragraphs(d.text, i)]
    with stage(stages, "normalize"):
        texts = [p.text for p in paragraphs]
        norms = [m.replace(SENTENCE, " ") for i in range(0, len(texts), CHUNK) for m in normalize_batch(texts[i : i + CHUNK])]
    with stage(stages, "exact"):
        nodes = group_exact(norms)
    with stage(stages, "glue"):
        from paradup.model import Cluster, Params

        groups = nodes.members_of(nodes.repeated())
        clusters = tuple(Cluster(i, "exact", m, m[0], 1.0) for i, m in enumerate(groups))
        report = Report(Params(), tuple(documents), tuple(paragraphs), (), clusters, ())
        prediction = to_gids(report, docs_dir)
        prediction.blocks = None
        prediction.pairs = np.empty((0, 2), dtype=np.int64)
    return Outcome(prediction, stages)
