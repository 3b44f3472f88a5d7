"""Explain one pair (``paradup compare``) and one LSH setting (``paradup params``)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import numpy as np

from paradup.candidates import band_keys, lsh_probability, lsh_threshold
from paradup.matches import score_pair, word_diff
from paradup.model import InputError, Paragraph, Params
from paradup.normalize import normalize
from paradup.paragraphs import split_paragraphs
from paradup.shingles import shingle_set
from paradup.signatures import compute_signatures


@dataclass(frozen=True)
class Place:
    """A paragraph found at ``path:line``."""

    path: str
    line: int
    index: int
    line_start: int
    line_end: int
    words: int
    text: str


@dataclass(frozen=True)
class Explanation:
    """Every score paradup would compute for a pair, and its verdict."""

    a: Place
    b: Place
    kind: str | None
    contained: str | None
    similarity: float
    jaccard: float
    containment: float
    estimated_jaccard: float
    candidate: bool
    candidate_probability: float
    short: bool
    diff: list[tuple[str, str, str]]


def parse_place(place: str) -> tuple[str, int]:
    """Split ``FILE:LINE`` into a path and a 1-based line number.

    >>> parse_place("article.txt:47")
    ('article.txt', 47)
    """
    path, sep, line = place.rpartition(":")
    if not sep or not path or not line.isdigit() or int(line) < 1:
        raise InputError(f"expected FILE:LINE with a line number from 1, e.g. article.txt:47; got {place!r}")
    return path, int(line)


def find_place(place: str) -> Place:
    """Return the paragraph that covers the line named by ``FILE:LINE``."""
    from paradup.inputs import read_documents

    path, line = parse_place(place)
    documents, _, _ = read_documents([path])
    if len(documents) != 1:
        raise InputError(f"{path} holds {len(documents)} documents; compare takes a text, Markdown or HTML file")
    for p in split_paragraphs(documents[0].text):
        if p.line_start <= line <= p.line_end:
            return _place(path, line, p)
    raise InputError(f"no paragraph at line {line} of {path} (a blank line, or past the end)")


def _place(path: str, line: int, p: Paragraph) -> Place:
    return Place(path, line, p.index, p.line_start, p.line_end, p.words, p.text)


def explain(first: str, second: str, params: Params) -> Explanation:
    """Score the paragraphs at two ``FILE:LINE`` places as a scan would."""
    a, b = find_place(first), find_place(second)
    na, nb = normalize(a.text), normalize(b.text)
    sa, sb = shingle_set(na, params.shingle_size), shingle_set(nb, params.shingle_size)
    scores = score_pair(na, nb, sa, sb, params)
    sig = compute_signatures([sa, sb], params.num_perm, params.seed)
    keys = band_keys(sig, params.bands, params.rows)
    short = min(len(na.split()), len(nb.split())) < params.min_words
    empty = not na or not nb  # nothing left to match on: a scan leaves such paragraphs out
    kind = None if empty else scores.kind if not short or scores.kind == "exact" else None
    return Explanation(
        a, b, kind, scores.contained if kind else None,
        round(scores.similarity, 4), round(scores.jaccard, 4), round(scores.containment, 4),
        round(float(np.mean(sig[0] == sig[1])), 4), bool(np.any(keys[0] == keys[1])),
        round(lsh_probability(scores.jaccard, params.bands, params.rows), 4), short,
        word_diff(a.text, b.text),
    )


def render_explanation(e: Explanation, fmt: str = "text") -> str:
    """Render an explanation as text or JSON."""
    if fmt == "json":
        return json.dumps(asdict(e), ensure_ascii=False, indent=2) + "\n"
    verdict = f"MATCH ({e.kind})" if e.kind else "NO MATCH"
    if e.kind == "containment":
        verdict += f": {'first' if e.contained == 'a' else 'second'} is contained in the other"
    lines = [
        f"a: {e.a.path}:{e.a.line_start}-{e.a.line_end} [{e.a.index}], {e.a.words} words",
        f"b: {e.b.path}:{e.b.line_start}-{e.b.line_end} [{e.b.index}], {e.b.words} words",
        f"verdict: {verdict}",
        f"  similarity   {e.similarity:.4f}  (rapidfuzz ratio of the normalised texts)",
        f"  jaccard      {e.jaccard:.4f}  (exact, over word shingles; MinHash estimate {e.estimated_jaccard:.4f})",
        f"  containment  {e.containment:.4f}  (share of the smaller shingle set inside the larger)",
        f"  LSH candidate: {'yes' if e.candidate else 'no'} (chance at this jaccard {e.candidate_probability:.4f})",
    ]
    if e.kind and e.kind != "exact" and not e.candidate:
        lines.append("  note: not an LSH candidate at this setting, so a scan misses this pair unless"
                     " it shares a whole sentence; a lower --threshold catches it more often")
    if e.short:
        lines.append("  one paragraph is under min_words: a scan matches it exactly only"
                     " (nothing is left of an empty one after normalisation: it is never matched)")
    lines.append("differences (word level):")
    lines += [_diff_line(op) for op in e.diff if op[0] != "equal"] or ["  none"]
    return "\n".join(lines) + "\n"


def _diff_line(op: tuple[str, str, str]) -> str:
    tag, a, b = op
    if tag == "replace":
        return f"  ~ {a!r} -> {b!r}"
    return f"  - {a!r}" if tag == "delete" else f"  + {b!r}"


def render_curve(params: Params) -> str:
    """Render the LSH S-curve of a setting as a table.

    >>> print(render_curve(Params(threshold=0.5)).splitlines()[0])
    threshold 0.5, num_perm 128: 25 bands x 5 rows (125 of 128 values used)
    """
    b, r = params.bands, params.rows
    lines = [
        f"threshold {params.threshold}, num_perm {params.num_perm}: {b} bands x {r} rows ({b * r} of {params.num_perm} values used)",
        f"effective threshold (1/bands)^(1/rows) = {lsh_threshold(b, r):.4f}",
        "P(candidate) = 1 - (1 - s^rows)^bands",
        "",
        "jaccard  P(candidate)",
    ]
    for s in np.round(np.arange(0.1, 1.0001, 0.1), 2).tolist():
        p = lsh_probability(s, b, r)
        lines.append(f"  {s:.1f}     {p:.4f}  {'#' * round(p * 40)}")
    return "\n".join(lines) + "\n"
