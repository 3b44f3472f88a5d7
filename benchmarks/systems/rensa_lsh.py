"""rensa (Rust MinHash) used the way its README shows, with paragraphs as documents.

One ``RMinHash(num_perm=128, seed=42)`` per paragraph updated with its
shingles (lower-cased word 3-grams, as for datasketch), all inserted into
``RMinHashLSH(threshold=0.5, num_perm=128, num_bands=32)`` (32 bands of 4
rows: num_bands must divide num_perm; this is the choice nearest a 0.5
threshold), every paragraph queried, and each candidate kept when
``lsh.is_similar`` says the sketches' estimated Jaccard reaches the threshold.
rensa's own threads (rayon) use every core.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks.metrics import Prediction
from benchmarks.systems import Outcome, stage
from benchmarks.systems.datasketch_lsh import word_shingles
from benchmarks.units import read_corpus

SUMMARY = "rensa RMinHash per paragraph (word 3-grams) + RMinHashLSH(0.5, 32 bands) query, estimated-Jaccard check"
REQUIRES = ("rensa",)
THRESHOLD = 0.5
NUM_PERM = 128
NUM_BANDS = 32


def imports() -> None:
    import rensa  # noqa: F401


def run(docs_dir: Path, jobs: int) -> Outcome:
    from rensa import RMinHash, RMinHashLSH

    stages: dict[str, float] = {}
    with stage(stages, "read"):
        corpus = read_corpus(docs_dir)
    with stage(stages, "minhash"):
        sketches = []
        for text in corpus.texts:
            m = RMinHash(num_perm=NUM_PERM, seed=42)
            m.update(word_shingles(text))
            sketches.append(m)
    with stage(stages, "insert"):
        lsh = RMinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, num_bands=NUM_BANDS)
        for key, m in enumerate(sketches):
            lsh.insert(key, m)
    with stage(stages, "query"):
        pairs = [
            (key, other)
            for key, m in enumerate(sketches)
            for other in lsh.query(m)
            if other > key and lsh.is_similar(m, sketches[other])
        ]
    return Outcome(Prediction(np.array(pairs, dtype=np.int64).reshape(-1, 2)), stages)
