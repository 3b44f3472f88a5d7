"""Derive the labels of the real corpora: ``python -m benchmarks.labels.derive``.

Writes ``seed.jsonl`` and ``textreuse.jsonl`` next to this file, in the
format of the synthetic ``truth.jsonl`` (positions are the harness's
paragraphs: blank-line separated, ``index`` 0-based, see
:mod:`benchmarks.units`).  How each was derived is in ``README.md`` here.

- **seed** (``shared/data/seed/peru-protests-article.txt``): written by hand
  from the article's known repeats, given by line number; the same repeats
  paradup's acceptance test (``tests/test_seed.py``) pins.
- **textreuse** (``shared/data/textreuse``): brute force over all pairs of
  its ~10,400 paragraphs, with the reference normalisation of
  :mod:`benchmarks.systems.brute`:

  1. *exact*: equal normalised text (any length), one cluster per text;
  2. *near*: ``fuzz.ratio >= 85`` on normalised text, both sides of 5 words or more;
  3. *containment*: word 3-shingle containment >= 0.9, the smaller side having
     6 shingles (8 words) or more, and not already *near*;
  4. *blocks*: chains of 3 or more pairs (by 1-3; exact groups of more than
     4 copies, i.e. running heads, left out) between two different
     documents, each pair following the previous one on both sides with at
     most 2 unpaired paragraphs skipped on either side (:func:`find_runs`).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from benchmarks.harness import DATA_DIR, LABELS_DIR
from benchmarks.systems.brute import normalize, shingles
from benchmarks.units import Corpus, read_corpus, read_text, split_text

SEED_DOC = "peru-protests-article.txt"
# (line a, line b, kind) by 1-based line of each paragraph's first line.
SEED_PAIRS = [
    (3, 47, "edit"),  # the lead paragraph, reprinted with the typo "continuedas"
    (3, 115, "exact"),  # ... and reprinted unchanged
    (1, 165, "quote"),  # the title, quoted in the comments header
    (89, 103, "quote"),  # the OAS headline, quoted in its section
    (139, 151, "quote"),  # the same in the Spanish original
]
# The section at lines 45-65 reprinted at 113-133: a paragraph dropped (59),
# the photo caption moved, one paragraph split in two (63), two trimmed (61, 65).
SEED_BLOCK = ((45, 65), (113, 133))
SEED_BLOCK_PAIRS = [(45, 113), (47, 115), (49, 127), (51, 117), (53, 119), (55, 121), (57, 123),
                    (61, 125), (63, 129), (63, 131), (65, 133)]  # fmt: skip
SEED_CLUSTERS = [("boilerplate", (173, 177, 181))]  # "You are commenting using your X account"

NEAR_RATIO = 85
NEAR_MIN_WORDS = 5
CONTAINMENT = 0.9
CONTAINMENT_MIN_SHINGLES = 6
BLOCK_MIN = 3
BLOCK_GAP = 2
BLOCK_MAX_EXACT = 4  # exact groups larger than this are boilerplate (running heads), not block material


def _pos(doc: str, index: int) -> dict:
    return {"doc": doc, "index": int(index)}


def derive_seed(folder: Path) -> list[dict]:
    """Return the seed article's labels, translating lines to paragraph indexes."""
    _, starts = split_text(read_text(folder / SEED_DOC))
    at = {line: i for i, line in enumerate(starts)}
    out = [{"type": "pair", "kind": k, "a": _pos(SEED_DOC, at[a]), "b": _pos(SEED_DOC, at[b])} for a, b, k in SEED_PAIRS]
    out += [{"type": "pair", "kind": "block", "a": _pos(SEED_DOC, at[a]), "b": _pos(SEED_DOC, at[b])}
            for a, b in SEED_BLOCK_PAIRS]  # fmt: skip
    (a0, a1), (b0, b1) = SEED_BLOCK
    out.append({"type": "block", "a": {"doc": SEED_DOC, "index_start": at[a0], "index_end": at[a1]},
                "b": {"doc": SEED_DOC, "index_start": at[b0], "index_end": at[b1]}, "variant": "drop"})  # fmt: skip
    for kind, lines in SEED_CLUSTERS:
        out.append({"type": "cluster", "kind": kind, "members": [_pos(SEED_DOC, at[x]) for x in lines]})
    return out


def _where(corpus: Corpus, gid: int) -> dict:
    d = int(corpus.doc_of(np.array([gid]))[0])
    return _pos(corpus.docs[d], gid - int(corpus.offsets[d]))


def brute_pairs(norms: list[str], jobs: int = 2) -> dict[tuple[int, int], str]:
    """Return ``{(a, b): kind}`` for the near and containment pairs (exact ones excluded)."""
    from rapidfuzz import fuzz, process
    from scipy.sparse import csr_matrix

    words = np.array([len(s.split()) for s in norms])
    scores = process.cdist(norms, norms, scorer=fuzz.ratio, score_cutoff=NEAR_RATIO, dtype=np.uint8, workers=jobs)
    a, b = np.nonzero(np.triu(scores, k=1))
    keep = (words[a] >= NEAR_MIN_WORDS) & (words[b] >= NEAR_MIN_WORDS)
    pairs = {(int(x), int(y)): "near" for x, y in zip(a[keep], b[keep]) if norms[x] != norms[y]}
    del scores
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, norm in enumerate(norms):
        ids = {vocab.setdefault(s, len(vocab)) for s in shingles(norm)}
        rows += [i] * len(ids)
        cols += ids
    x = csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(norms), len(vocab)))
    sizes = np.asarray(x.sum(axis=1)).ravel()
    inter = (x @ x.T).tocoo()
    sel = inter.row < inter.col
    r, c, common = inter.row[sel], inter.col[sel], inter.data[sel]
    smaller = np.minimum(sizes[r], sizes[c])
    hit = (smaller >= CONTAINMENT_MIN_SHINGLES) & (common >= CONTAINMENT * smaller)
    for i, j in zip(r[hit].tolist(), c[hit].tolist()):
        if norms[i] != norms[j]:
            pairs.setdefault((i, j), "containment")
    return pairs


def find_runs(linked: set[tuple[int, int]], doc_of: np.ndarray, min_run: int = BLOCK_MIN,
              max_gap: int = BLOCK_GAP) -> list[tuple[int, int, int, int]]:
    """Chain linked gid pairs into blocks between two different documents.

    Pairs are taken in order of ``a``; each joins the chain whose last pair
    ``(a0, b0)`` is nearest with ``0 < a - a0 <= max_gap + 1`` and
    ``0 < b - b0 <= max_gap + 1`` (at most ``max_gap`` unmatched paragraphs
    skipped on either side).  Returns ``(a_start, a_end, b_start, b_end)`` of
    chains of at least ``min_run`` pairs.

    >>> doc = np.array([0] * 10 + [1] * 10)
    >>> find_runs({(0, 10), (1, 11), (3, 12), (8, 19)}, doc)
    [(0, 3, 10, 12)]
    """
    chains: dict[tuple[int, int], list[list[tuple[int, int]]]] = defaultdict(list)
    for a, b in sorted(linked):
        if doc_of[a] == doc_of[b]:
            continue
        open_chains = chains[(int(doc_of[a]), int(doc_of[b]))]
        best, best_distance = None, None
        for chain in open_chains:
            a0, b0 = chain[-1]
            if 0 < a - a0 <= max_gap + 1 and 0 < b - b0 <= max_gap + 1:
                distance = (a - a0) + (b - b0)
                if best is None or distance < best_distance:
                    best, best_distance = chain, distance
        if best is None:
            open_chains.append([(a, b)])
        else:
            best.append((a, b))
    return sorted((c[0][0], c[-1][0], c[0][1], c[-1][1]) for cs in chains.values() for c in cs if len(c) >= min_run)


def derive_textreuse(folder: Path, jobs: int = 2) -> list[dict]:
    """Return the textreuse labels: exact clusters, near and containment pairs, blocks."""
    corpus = read_corpus(folder)
    norms = [normalize(t) for t in corpus.texts]
    groups: dict[str, list[int]] = defaultdict(list)
    for gid, norm in enumerate(norms):
        if norm:
            groups[norm].append(gid)
    exact = [g for g in groups.values() if len(g) > 1]
    pairs = brute_pairs(norms, jobs)
    out = [{"type": "cluster", "kind": "exact", "members": [_where(corpus, g) for g in members]} for members in exact]
    out += [{"type": "pair", "kind": kind, "a": _where(corpus, a), "b": _where(corpus, b)}
            for (a, b), kind in sorted(pairs.items(), key=lambda kv: (kv[1] != "near", kv[0]))]  # fmt: skip
    linked = set(pairs)
    linked |= {(a, b) for g in exact if len(g) <= BLOCK_MAX_EXACT for i, a in enumerate(g) for b in g[i + 1 :]}
    doc_of = corpus.doc_of(np.arange(len(corpus)))
    for a0, a1, b0, b1 in find_runs(linked, doc_of):
        da, db = _where(corpus, a0), _where(corpus, b0)
        out.append({"type": "block", "a": {"doc": da["doc"], "index_start": da["index"], "index_end": da["index"] + a1 - a0},
                    "b": {"doc": db["doc"], "index_start": db["index"], "index_end": db["index"] + b1 - b0},
                    "variant": "run"})  # fmt: skip
    return out


def write(path: Path, records: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for rec in records:
            out.write(json.dumps(rec) + "\n")


def main() -> None:
    for name, derive in (("seed", derive_seed), ("textreuse", derive_textreuse)):
        folder = DATA_DIR / name
        if not folder.is_dir():
            print(f"Error: {folder} not found; the real corpora come with the project's shared/data", file=sys.stderr)
            raise SystemExit(2)
        records = derive(folder)
        write(LABELS_DIR / f"{name}.jsonl", records)
        tally: dict[str, int] = defaultdict(int)
        for rec in records:
            tally[rec.get("kind", rec["type"])] += 1
        print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in tally.items()))


if __name__ == "__main__":
    main()
