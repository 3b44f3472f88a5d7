"""Brute-force reference: every pair of paragraphs scored exactly; the quality ceiling.

Independent of paradup's code: text is case-folded and every run of
non-word characters becomes a space; shingles are word 3-grams (a shorter
paragraph is one shingle).  All pairs are scored at once: shingle
intersections from a sparse product ``X @ X.T`` (exact Jaccard and
containment), and ``rapidfuzz.process.cdist`` with ``fuzz.ratio`` over the
normalised texts.  A pair matches when any of these holds:

- ``fuzz.ratio >= 80`` (near-identical text: edits, OCR noise, numbers);
- exact shingle Jaccard >= 0.5;
- containment >= 0.8, the smaller side having 3 shingles or more (trims, splits, merges);
- 12 or more shared 3-grams (a quoted sentence or a shared passage).

Quadratic in time and memory: the harness runs it only up to
``MAX_PARAGRAPHS`` paragraphs.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from benchmarks.metrics import Prediction
from benchmarks.systems import Outcome, stage
from benchmarks.units import read_corpus

SUMMARY = "all pairs: rapidfuzz ratio >= 80, or exact 3-shingle Jaccard >= 0.5, containment >= 0.8, or >= 12 shared 3-grams"
REQUIRES = ("rapidfuzz", "scipy")
MAX_PARAGRAPHS = 3_000
_NON_WORD = re.compile(r"[\W_]+")


def imports() -> None:
    import rapidfuzz  # noqa: F401
    import scipy.sparse  # noqa: F401


def normalize(text: str) -> str:
    """Case-fold and turn every run of non-word characters into one space.

    >>> normalize("Peru’s  CAPITAL, again!")
    'peru s capital again'
    """
    return _NON_WORD.sub(" ", text.casefold()).strip()


def shingles(norm: str, size: int = 3) -> list[str]:
    words = norm.split()
    if len(words) <= size:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]


def run(docs_dir: Path, jobs: int) -> Outcome:
    from rapidfuzz import fuzz, process
    from scipy.sparse import csr_matrix

    stages: dict[str, float] = {}
    with stage(stages, "read"):
        corpus = read_corpus(docs_dir)
    with stage(stages, "shingle"):
        norms = [normalize(t) for t in corpus.texts]
        vocab: dict[str, int] = {}
        rows, cols = [], []
        for i, norm in enumerate(norms):
            ids = {vocab.setdefault(s, len(vocab)) for s in shingles(norm)}
            rows += [i] * len(ids)
            cols += ids
        x = csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(norms), max(len(vocab), 1)))
        sizes = np.asarray(x.sum(axis=1)).ravel()
    with stage(stages, "jaccard"):
        inter = (x @ x.T).tocoo()
        keep = inter.row < inter.col
        a, b, common = inter.row[keep], inter.col[keep], inter.data[keep].astype(np.float64)
        union = sizes[a] + sizes[b] - common
        smaller = np.minimum(sizes[a], sizes[b])
        by_set = (common / union >= 0.5) | ((common / smaller >= 0.8) & (smaller >= 3)) | (common >= 12)
    with stage(stages, "ratio"):
        scores = process.cdist(norms, norms, scorer=fuzz.ratio, score_cutoff=80, dtype=np.uint8, workers=jobs)
        ra, rb = np.nonzero(np.triu(scores, k=1))
    with stage(stages, "pairs"):
        pairs = np.concatenate([np.stack([a[by_set], b[by_set]], axis=1), np.stack([ra, rb], axis=1)]).astype(np.int64)
        pairs = np.unique(pairs, axis=0) if len(pairs) else pairs.reshape(0, 2)
    return Outcome(Prediction(pairs), stages)
