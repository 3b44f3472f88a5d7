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

from paradup.model import Paragraph, Params
from paradup.normalize import SENTENCE, normalize_batch
from paradup.paragraphs import split_paragraphs
from paradup.shingles import shingle_batch
from paradup.signatures import sign_flat

CHUNK = 4096  # paragraphs per batch: large enough to amortise numpy calls, small enough for cache
RUN_CHARS = CHUNK * 400  # characters of documents per worker task: about a batch's worth


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


def concat_sketches(parts: list[Sketch], num_perm: int) -> Sketch:
    """Join sketches of consecutive batches into one, ids shifted to match.

    ``parts`` is emptied as it is read, so each part's arrays are freed once
    copied and the join never holds two copies of the corpus's signatures.
    """
    n = sum(len(p.norms) for p in parts)
    total = sum(p.values.size for p in parts)
    keys = sum(p.sentence_keys.size for p in parts)
    norms: list[str] = []
    words, offsets = np.empty(n, np.int64), np.zeros(n + 1, np.int64)
    values, signatures = np.empty(total, np.uint32), np.empty((n, num_perm), np.uint32)
    sentence_keys, sentence_ids = np.empty(keys, np.uint64), np.empty(keys, np.int64)
    at = value_at = key_at = 0
    parts.reverse()  # pop from the end, in input order
    while parts:
        p = parts.pop()
        m, v, k = len(p.norms), p.values.size, p.sentence_keys.size
        norms += p.norms
        words[at : at + m], signatures[at : at + m] = p.words, p.signatures
        offsets[at + 1 : at + m + 1] = p.offsets[1:] + value_at
        values[value_at : value_at + v] = p.values
        sentence_keys[key_at : key_at + k], sentence_ids[key_at : key_at + k] = p.sentence_keys, p.sentence_ids + at
        at, value_at, key_at = at + m, value_at + v, key_at + k
    return Sketch(norms, words, values, offsets, signatures, sentence_keys, sentence_ids)


@dataclass(frozen=True)
class Cut:
    """The paragraphs of a run of documents, as columns (what a worker sends back)."""

    doc: np.ndarray
    index: np.ndarray
    lines: np.ndarray  # [n, 2] line_start, line_end
    chars: np.ndarray  # [n, 2] char_start, char_end
    texts: list[str]

    def paragraphs(self) -> list[Paragraph]:
        return [
            Paragraph(d, i, ls, le, cs, ce, t)
            for d, i, (ls, le), (cs, ce), t in zip(
                self.doc.tolist(), self.index.tolist(), self.lines.tolist(), self.chars.tolist(), self.texts
            )
        ]


def cut_and_sketch(texts: Sequence[str], first_doc: int, params: Params) -> tuple[Cut, Sketch]:
    """Split documents ``first_doc, first_doc + 1, ...`` into paragraphs and sketch them.

    >>> cut, sk = cut_and_sketch(["One.\\n\\nTwo words here."], 0, Params(num_perm=8))
    >>> cut.texts, sk.words.tolist()
    (['One.', 'Two words here.'], [1, 3])
    """
    found = [p for offset, text in enumerate(texts) for p in split_paragraphs(text, first_doc + offset)]
    cut = Cut(
        np.fromiter((p.doc for p in found), dtype=np.int64, count=len(found)),
        np.fromiter((p.index for p in found), dtype=np.int64, count=len(found)),
        np.array([(p.line_start, p.line_end) for p in found], dtype=np.int64).reshape(-1, 2),
        np.array([(p.char_start, p.char_end) for p in found], dtype=np.int64).reshape(-1, 2),
        [p.text for p in found],
    )
    parts = [sketch_texts(cut.texts[i : i + CHUNK], params) for i in range(0, len(found), CHUNK)]
    return cut, concat_sketches(parts, params.num_perm)


def paragraphs_and_sketch(documents: Sequence[str], params: Params, jobs: int = 1) -> tuple[list[Paragraph], Sketch]:
    """Split every document's text into paragraphs and sketch them, in ``jobs`` processes.

    Documents go to workers in runs of about ``CHUNK`` paragraphs' worth of
    text; the result does not depend on ``jobs``.
    """
    runs, start, size = [], 0, 0
    for i, text in enumerate(documents):
        size += len(text)
        if size >= RUN_CHARS or i == len(documents) - 1:
            runs.append((documents[start : i + 1], start, params))
            start, size = i + 1, 0
    if jobs > 1 and len(runs) > 1:
        with _pool(min(jobs, len(runs))) as pool:
            parts = pool.starmap(cut_and_sketch, runs, chunksize=1)
    else:
        parts = [cut_and_sketch(*run) for run in runs]
    paragraphs = [p for cut, _ in parts for p in cut.paragraphs()]
    sketches = [sk for _, sk in parts]
    parts.clear()
    return paragraphs, concat_sketches(sketches, params.num_perm)


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


