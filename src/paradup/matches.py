"""Verify candidate pairs with exact shingle sets and rapidfuzz, and explain them.

Every candidate gets three scores on one 0-1 scale:

- ``similarity``: ``rapidfuzz.fuzz.ratio`` of the normalised texts / 100
  (1 - normalised Indel distance: how alike the two are as a whole);
- ``jaccard``: exact Jaccard similarity of the two shingle sets;
- ``containment``: the share of the smaller shingle set found in the larger.

A pair is a ``containment`` match when the smaller side is mostly inside the
larger and their sizes differ noticeably, a ``near`` match when it is similar
as a whole (``similarity >= min_similarity`` or ``jaccard >= min_jaccard``).
A pair that is neither but shares a whole sentence of ``min_words`` words or
more is a ``passage`` match: two different paragraphs quoting one passage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from paradup.arrays import round4
from paradup.model import Match, Params
from paradup.normalize import normalize, split_sentences
from paradup.shingles import containment, jaccard, overlap, overlaps
from paradup.sketch import CHUNK, shingle_texts

# Below this size ratio (smaller / larger shingle set) a pair whose smaller
# side is contained is a containment rather than a near copy.
_CONTAINMENT_SKEW = 0.8


@dataclass(frozen=True)
class Scores:
    """The three scores of a pair and the verdict drawn from them."""

    similarity: float
    jaccard: float
    containment: float
    kind: str | None  # None: rejected
    contained: str | None = None


def score_pair(text_a: str, text_b: str, set_a: np.ndarray, set_b: np.ndarray, params: Params) -> Scores:
    """Score two normalised texts and their shingle sets, and decide the match kind.

    >>> from paradup.normalize import normalize
    >>> from paradup.shingles import shingle_set
    >>> a = normalize("the quick brown fox jumps over the lazy dog near the river bank")
    >>> b = normalize("the quick brown fox jumps over the lazy dog")
    >>> s = score_pair(a, b, shingle_set(a, 3), shingle_set(b, 3), Params())
    >>> s.kind, s.contained, s.containment
    ('containment', 'b', 1.0)
    """
    if text_a == text_b:
        return Scores(1.0, 1.0, 1.0, "exact")
    sim = fuzz.ratio(text_a, text_b) / 100.0
    inter = overlap(set_a, set_b)
    jac = jaccard(set_a, set_b, inter)
    con = containment(set_a, set_b, inter)
    small, large = sorted((set_a.size, set_b.size))
    if con >= params.min_containment and small < _CONTAINMENT_SKEW * large:
        side = "a" if set_a.size < set_b.size else "b"
        return Scores(sim, jac, con, "containment", side)
    if sim >= params.min_similarity or jac >= params.min_jaccard:
        return Scores(sim, jac, con, "near")
    return Scores(sim, jac, con, None)


_KINDS = (None, "exact", "near", "containment", "passage")  # the codes of PairScores.kind and Verified.kind
EXACT, NEAR, CONTAINMENT, PASSAGE = 1, 2, 3, 4


@dataclass(frozen=True)
class PairScores:
    """:func:`score_pair` of many pairs, as arrays: ``kind`` codes index ``_KINDS``
    (0 rejected), ``smaller_a`` says the containment's contained side is ``a``."""

    similarity: np.ndarray
    jaccard: np.ndarray
    containment: np.ndarray
    kind: np.ndarray
    smaller_a: np.ndarray


def score_pairs(pairs: np.ndarray, texts: Sequence[str], set_values: np.ndarray, set_offsets: np.ndarray,
                params: Params, shared: np.ndarray | None = None, workers: int = 1) -> PairScores:
    """Score many pairs at once, as :func:`score_pair` scores each (a test checks they agree).

    Sets are stored flat (:meth:`paradup.shingles.ShingleBatch.flat_sets`);
    similarities come from rapidfuzz's ``cpdist``, overlaps from one compiled
    merge walk, verdicts from numpy.  A pair that is neither a near copy nor a
    containment but ``shared`` a long sentence is a ``passage``.  ``workers``:
    rapidfuzz's threads (a scan with threads gives 2: with one, rapidfuzz takes
    Python's lock again every few pairs and waits for it while another thread
    runs Python; 20,000 pairs took 6.4 s beside a busy thread, 0.045 s alone).

    >>> from paradup.shingles import shingle_batch
    >>> texts = ["a b c d e f", "a b c d e f g", "x y z"]
    >>> values, offsets = shingle_batch(texts, 3).flat_sets()
    >>> s = score_pairs(np.array([[0, 1], [0, 2]]), texts, values, offsets, Params())
    >>> [_KINDS[k] for k in s.kind], s.jaccard.tolist()
    (['near', None], [0.8, 0.0])
    """
    n = len(pairs)
    left, right = [texts[i] for i in pairs[:, 0].tolist()], [texts[i] for i in pairs[:, 1].tolist()]
    sim = process.cpdist(left, right, scorer=fuzz.ratio, dtype=np.float64, workers=workers) / 100.0 if n else np.zeros(0)
    sizes = np.diff(set_offsets)
    size_a, size_b = sizes[pairs[:, 0]], sizes[pairs[:, 1]]
    inter = overlaps(set_values, set_offsets, pairs)
    union, small, large = size_a + size_b - inter, np.minimum(size_a, size_b), np.maximum(size_a, size_b)
    jac = np.divide(inter, union, out=np.ones(n), where=union > 0)  # two empty sets: 1
    con = np.divide(inter, small, out=np.zeros(n), where=small > 0)
    exact = np.fromiter((x == y for x, y in zip(left, right)), dtype=bool, count=n)
    contained = ~exact & (con >= params.min_containment) & (small < _CONTAINMENT_SKEW * large)
    near = ~exact & ~contained & ((sim >= params.min_similarity) | (jac >= params.min_jaccard))
    kind = np.zeros(n, dtype=np.int8)
    if shared is not None:
        kind[shared] = PASSAGE
    kind[near], kind[contained], kind[exact] = NEAR, CONTAINMENT, EXACT
    sim[exact], jac[exact], con[exact] = 1.0, 1.0, 1.0
    return PairScores(sim, jac, con, kind, size_a < size_b)


def verify_candidates(
    pairs: np.ndarray,
    texts: Sequence[str],
    sets: Sequence[np.ndarray],
    params: Params,
    shared: np.ndarray | None = None,
) -> list[Match]:
    """Return the candidate ``pairs`` that verify, as :class:`Match` (ids as given).

    Args:
        pairs: ``[m, 2]`` ids into ``texts`` and ``sets``, ``a < b``.
        texts: normalised texts.
        sets: sorted distinct shingle hashes of each text.
        params: thresholds in force.
        shared: per pair, whether the two share a whole long sentence; such a
            pair that is no near copy or containment is a ``passage`` match.

    >>> from paradup.normalize import normalize
    >>> from paradup.shingles import shingle_set
    >>> quote = "the minister said the talks would resume in the capital next week"
    >>> texts = [normalize(f"Officials met on Monday. {quote}. Nothing else was agreed today at all."),
    ...          normalize(f"Markets rose sharply. {quote}. Traders welcomed the news from the capital.")]
    >>> sets = [shingle_set(t, 3) for t in texts]
    >>> [m.kind for m in verify_candidates(np.array([[0, 1]]), texts, sets, Params(), np.array([True]))]
    ['passage']
    """
    offsets = np.concatenate(([0], np.cumsum([s.size for s in sets]))).astype(np.int64)
    values = np.concatenate(sets).astype(np.uint32) if len(sets) else np.zeros(0, dtype=np.uint32)
    return _verified(pairs, texts, values, offsets, params, shared).matches()


@dataclass(frozen=True)
class Verified:
    """The pairs that verified, as arrays: ``a``, ``b``, ``kind`` codes (``_KINDS``),
    scores rounded as reported, and whether ``a`` is a containment's smaller side."""

    a: np.ndarray
    b: np.ndarray
    kind: np.ndarray
    similarity: np.ndarray
    jaccard: np.ndarray
    containment: np.ndarray
    smaller_a: np.ndarray

    def __len__(self) -> int:
        return self.a.size

    def where(self, keep: np.ndarray) -> Verified:
        """Return the pairs ``keep`` selects (a mask or indices)."""
        return Verified(self.a[keep], self.b[keep], self.kind[keep], self.similarity[keep], self.jaccard[keep],
                        self.containment[keep], self.smaller_a[keep])

    def copies(self) -> Verified:
        """Return the near matches and containments: what clusters and blocks are made of (passages are not)."""
        return self.where(self.kind != PASSAGE)

    def strength(self) -> np.ndarray:
        """Return each pair's :attr:`Match.strength`: containment for a containment, else max(similarity, Jaccard)."""
        return np.where(self.kind == CONTAINMENT, self.containment, np.maximum(self.similarity, self.jaccard))

    def renamed(self, ids: np.ndarray) -> Verified:
        """Return the same pairs with ``a`` and ``b`` mapped through ``ids``."""
        return Verified(ids[self.a], ids[self.b], self.kind, self.similarity, self.jaccard, self.containment,
                        self.smaller_a)

    @staticmethod
    def concat(parts: Sequence[Verified]) -> Verified:
        """Join verified pairs, in order.

        >>> Verified.concat([]).matches()
        []
        """
        fields = ("a", "b", "kind", "similarity", "jaccard", "containment", "smaller_a")
        types = (np.int64, np.int64, np.int8, np.float64, np.float64, np.float64, bool)
        return Verified(*(np.concatenate([getattr(p, f) for p in parts]) if parts else np.zeros(0, t)
                          for f, t in zip(fields, types)))

    def matches(self) -> list[Match]:
        """Return the pairs as :class:`Match` objects."""
        from paradup.found import MatchTable  # found builds on this module

        return MatchTable(self)[:]


def _verified(pairs, texts, values, offsets, params, shared, workers: int = 1) -> Verified:
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    s = score_pairs(pairs, texts, values, offsets, params, shared, workers)
    keep = np.flatnonzero(s.kind)

    def rounded(x: np.ndarray) -> np.ndarray:
        return round4(x[keep])

    return Verified(pairs[keep, 0], pairs[keep, 1], s.kind[keep], rounded(s.similarity), rounded(s.jaccard),
                    rounded(s.containment), s.smaller_a[keep])


def verify_texts(pairs: np.ndarray, texts: Sequence[str], params: Params, shared: np.ndarray | None = None,
                 workers: int = 1) -> Verified:
    """Normalise and shingle paragraph ``texts`` (as written), then verify ``pairs`` of them (``workers``:
    :func:`score_pairs`').

    >>> t = ["The talks in the capital will resume next week, officials said.",
    ...      "The talks in the capital will resume next week, officials said on Monday."]
    >>> [(m.kind, m.similarity) for m in verify_texts(np.array([[0, 1]]), t, Params()).matches()]
    [('near', 0.9242)]
    """
    norms: list[str] = []
    values: list[np.ndarray] = []
    sizes: list[np.ndarray] = []
    for start in range(0, len(texts), CHUNK):
        batch_norms, batch = shingle_texts(texts[start : start + CHUNK], params)
        norms += batch_norms
        batch_values, batch_offsets = batch.flat_sets()
        values.append(batch_values)
        sizes.append(np.diff(batch_offsets))
    offsets = np.concatenate(([0], np.cumsum(np.concatenate(sizes)))).astype(np.int64) if sizes else np.zeros(1, np.int64)
    flat = np.concatenate(values) if values else np.zeros(0, dtype=np.uint32)
    return _verified(pairs, norms, flat, offsets, params, shared, workers)


def word_diff(text_a: str, text_b: str) -> list[tuple[str, str, str]]:
    """Return the word-level differences of two texts as ``(op, words_a, words_b)``.

    ``op`` is ``equal``, ``replace``, ``delete`` (only in a) or ``insert`` (only in b).

    A deletion next to an insertion is shown as one replacement.

    >>> word_diff("protests continuedas the crowds", "protests continue as the crowds")
    [('equal', 'protests', 'protests'), ('replace', 'continuedas', 'continue as'), ('equal', 'the crowds', 'the crowds')]
    """
    wa, wb = text_a.split(), text_b.split()
    out: list[tuple[str, str, str]] = []
    for op in Indel.opcodes(wa, wb):
        old, new = " ".join(wa[op.src_start : op.src_end]), " ".join(wb[op.dest_start : op.dest_end])
        if out and {out[-1][0], op.tag} == {"delete", "insert"}:
            _, prev_old, prev_new = out.pop()
            out.append(("replace", prev_old or old, prev_new or new))
        else:
            out.append((op.tag, old, new))
    return out


def shared_sentences(text_a: str, text_b: str, min_words: int) -> list[str]:
    """Return the sentences of ``text_a`` (as written) that ``text_b`` also holds, when long enough.

    >>> shared_sentences("Hello there. The talks will resume next week in the capital.",
    ...                  "Prices rose. The talks will resume next week in the capital!", 5)
    ['The talks will resume next week in the capital.']
    """
    theirs = {normalize(s) for s in split_sentences(text_b)}
    return [s for s in split_sentences(text_a) if len(normalize(s).split()) >= min_words and normalize(s) in theirs]


def _r(x: float) -> float:
    return round(float(x), 4)
