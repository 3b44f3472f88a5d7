"""The idiomatic datasketch pipeline a user writes first: the baseline users start from.

One ``MinHash(num_perm=128)`` per paragraph fed with its shingles by
``update_batch`` (lower-cased words, word 3-grams, UTF-8 bytes, datasketch's
default hash), every MinHash inserted into ``MinHashLSH(threshold=0.5,
num_perm=128)`` (the README's setting), then every paragraph queried; each
key returned (other than itself) is a pair.  No verification: an LSH
candidate is a match.  One process, as datasketch runs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks.metrics import Prediction
from benchmarks.systems import Outcome, stage
from benchmarks.units import read_corpus

SUMMARY = "datasketch MinHash per paragraph (word 3-grams) + MinHashLSH(threshold=0.5) insert and query, no verification"
REQUIRES = ("datasketch",)
THRESHOLD = 0.5
NUM_PERM = 128


def imports() -> None:
    import datasketch  # noqa: F401


def word_shingles(text: str, size: int = 3) -> list[str]:
    """Return the lower-cased word ``size``-grams of ``text`` (one shingle if it is shorter).

    >>> word_shingles("A b C d")
    ['a b c', 'b c d']
    """
    words = text.lower().split()
    if len(words) <= size:
        return [" ".join(words)]
    return [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]


def run(docs_dir: Path, jobs: int) -> Outcome:
    from datasketch import MinHash, MinHashLSH

    stages: dict[str, float] = {}
    with stage(stages, "read"):
        corpus = read_corpus(docs_dir)
    with stage(stages, "minhash"):
        sketches = []
        for text in corpus.texts:
            m = MinHash(num_perm=NUM_PERM)
            m.update_batch([s.encode("utf-8") for s in word_shingles(text)])
            sketches.append(m)
    with stage(stages, "insert"):
        lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        for key, m in enumerate(sketches):
            lsh.insert(key, m)
    with stage(stages, "query"):
        pairs = [(key, other) for key, m in enumerate(sketches) for other in lsh.query(m) if other > key]
    return Outcome(Prediction(np.array(pairs, dtype=np.int64).reshape(-1, 2)), stages)
