"""Normalise, shingle and sign a batch of paragraphs: the unit of work a worker runs.

:func:`sketch_texts` takes paragraph texts and returns plain arrays (and the
normalised strings), so the same function runs in this process, in a pool of
worker processes (:func:`sketch_all`) or on a distributed engine, and the
pieces are joined with :func:`concat_sketches` in input order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from paradup.model import Params
from paradup.normalize import SENTENCE, normalize_batch
from paradup.shingles import shingle_batch
from paradup.signatures import sign_flat

CHUNK = 4096  # paragraphs per task: large enough to amortise numpy calls, small enough for cache


@dataclass(frozen=True)
class Sketch:
    """What matching needs to know of each paragraph of a batch.

    ``norms[i]`` is the normalised text; ``words[i]`` its word count;
    ``values[offsets[i]:offsets[i+1]]`` its shingle hashes (repeats included);
    ``signatures[i]`` its MinHash; ``sentence_keys`` hash its long sentences,
    ``sentence_ids`` say whose.
    """

    norms: list[str]
    words: np.ndarray
    values: np.ndarray
    offsets: np.ndarray
    signatures: np.ndarray
    sentence_keys: np.ndarray
    sentence_ids: np.ndarray


def sketch_texts(texts: Sequence[str], params: Params) -> Sketch:
    """Sketch one batch of paragraph texts.

    >>> s = sketch_texts(["One two three four.", "One two three four!"], Params(num_perm=16))
    >>> s.norms, bool((s.signatures[0] == s.signatures[1]).all())
    (['one two three four', 'one two three four'], True)
    """
    marked = normalize_batch(texts)
    batch = shingle_batch(marked, params.shingle_size, params.min_words)
    signatures = sign_flat(batch.values, batch.offsets, params.num_perm, params.seed)
    norms = [m.replace(SENTENCE, " ") for m in marked]
    return Sketch(norms, batch.words, batch.values, batch.offsets, signatures, batch.sentence_keys,
                  batch.sentence_ids)


def concat_sketches(parts: Sequence[Sketch], num_perm: int) -> Sketch:
    """Join sketches of consecutive batches into one, ids shifted to match."""
    starts = np.cumsum([0] + [len(p.norms) for p in parts])
    value_starts = np.cumsum([0] + [p.values.size for p in parts])
    return Sketch(
        [n for p in parts for n in p.norms],
        _cat([p.words for p in parts], np.int64),
        _cat([p.values for p in parts], np.uint32),
        np.r_[0, _cat([p.offsets[1:] + s for p, s in zip(parts, value_starts)], np.int64)],
        np.concatenate([p.signatures for p in parts]) if parts else np.zeros((0, num_perm), np.uint32),
        _cat([p.sentence_keys for p in parts], np.uint64),
        _cat([p.sentence_ids + s for p, s in zip(parts, starts)], np.int64),
    )


def sketch_all(texts: Sequence[str], params: Params, jobs: int = 1) -> Sketch:
    """Sketch every text, in ``jobs`` worker processes when more than one.

    The result does not depend on ``jobs``: batches are cut the same way and
    joined in input order.
    """
    chunks = [texts[i : i + CHUNK] for i in range(0, len(texts), CHUNK)]
    if jobs > 1 and len(chunks) > 1:
        with _pool(min(jobs, len(chunks))) as pool:
            parts = pool.starmap(sketch_texts, [(c, params) for c in chunks], chunksize=1)
    else:
        parts = [sketch_texts(c, params) for c in chunks]
    return concat_sketches(parts, params.num_perm)


def default_jobs() -> int:
    """Return the number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _pool(processes: int):
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    return context.Pool(processes)


def _cat(arrays: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.zeros(0, dtype=dtype)
