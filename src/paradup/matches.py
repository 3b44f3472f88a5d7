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
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from paradup.model import Match, Params
from paradup.normalize import normalize, split_sentences
from paradup.shingles import containment, jaccard, overlap
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
    out = []
    flags = np.zeros(len(pairs), dtype=bool) if shared is None else shared
    for (a, b), passage in zip(pairs.tolist(), flags.tolist()):
        s = score_pair(texts[a], texts[b], sets[a], sets[b], params)
        kind = s.kind or ("passage" if passage else None)
        if kind is not None:
            out.append(Match(a, b, kind, _r(s.similarity), _r(s.jaccard), _r(s.containment), s.contained))
    return out


def verify_texts(pairs: np.ndarray, texts: Sequence[str], params: Params, shared: np.ndarray | None = None) -> list[Match]:
    """Normalise and shingle paragraph ``texts`` (as written), then :func:`verify_candidates`.

    >>> t = ["The talks in the capital will resume next week, officials said.",
    ...      "The talks in the capital will resume next week, officials said on Monday."]
    >>> [(m.kind, m.similarity) for m in verify_texts(np.array([[0, 1]]), t, Params())]
    [('near', 0.9242)]
    """
    norms: list[str] = []
    sets: list[np.ndarray] = []
    for start in range(0, len(texts), CHUNK):
        batch_norms, batch = shingle_texts(texts[start : start + CHUNK], params)
        norms += batch_norms
        sets += batch.sets()
    return verify_candidates(pairs, norms, sets, params, shared)


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
