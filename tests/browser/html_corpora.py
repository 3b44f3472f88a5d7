"""Reports built for the HTML report's tests: planted markup and a 10,000-cluster corpus."""

from __future__ import annotations

import random

from paradup import Block, Cluster, Document, Match, Paragraph, Params, Report, Span, scan_texts

INJECTED = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">'
INJECTED_NAME = '<img src=y onerror="window.pwned=3">.txt'


def injected_report() -> Report:
    """Return the scan of a document whose repeated paragraph (and whose name) is markup."""
    text = "\n\n".join([
        "An ordinary opening paragraph that says nothing in particular about anything.",
        INJECTED,
        "A second ordinary paragraph, also harmless, between the two copies of the markup.",
        INJECTED,
    ])
    return scan_texts({INJECTED_NAME: text})


def many_clusters(clusters: int = 10_000, docs: int = 100, seed: int = 7) -> Report:
    """Return a report of ``clusters`` two-member clusters spread over ``docs`` documents.

    Cluster ``k`` pairs paragraph ``k % per_doc`` of document ``k // per_doc`` with a
    copy (one word changed, "beta" for "alpha") at ``per_doc + k % per_doc`` of the
    next document; the first ten pairs of each document form a block.  Built directly
    from :mod:`paradup.model`, so it is quick and known by construction.
    """
    rng = random.Random(seed)
    vocab = [f"w{i:03d}" for i in range(600)]
    per_doc = clusters // docs
    originals = [f"Paragraph {k} alpha " + " ".join(rng.choices(vocab, k=28)) + "." for k in range(clusters)]

    def text_of(d: int, i: int) -> str:
        if i < per_doc:
            return originals[d * per_doc + i]
        return originals[((d - 1) % docs) * per_doc + i - per_doc].replace(" alpha ", " beta ")

    documents, paragraphs = [], []
    for d in range(docs):
        texts = [text_of(d, i) for i in range(2 * per_doc)]
        documents.append(Document(f"doc{d:03d}.txt", f"doc{d:03d}.txt", "\n\n".join(texts)))
        start = 0
        for i, t in enumerate(texts):
            paragraphs.append(Paragraph(d, i, 2 * i + 1, 2 * i + 1, start, start + len(t), t))
            start += len(t) + 2
    gid = lambda d, i: d * 2 * per_doc + i  # noqa: E731
    matches, found = [], []
    for k in range(clusters):
        d, i = divmod(k, per_doc)
        a, b = sorted((gid(d, i), gid((d + 1) % docs, per_doc + i)))
        matches.append(Match(a, b, "near", 0.9871, 0.8235, 0.9032))
        found.append(Cluster(k, "near", (a, b), gid(d, i), 0.9871))
    aligned = tuple((i, per_doc + i) for i in range(10))
    blocks = tuple(Block(d, Span(d, 0, 9), Span(d + 1, per_doc, per_doc + 9), aligned, 0.9871) for d in range(docs - 1))
    stats = {"documents": docs, "paragraphs": len(paragraphs), "distinct": len(paragraphs), "short": 0, "empty": 0,
             "candidates": clusters, "verified": clusters, "matches": clusters, "clusters": clusters,
             "blocks": len(blocks)}
    return Report(Params(), tuple(documents), tuple(paragraphs), tuple(sorted(matches, key=lambda m: (m.a, m.b))),
                  tuple(found), blocks, stats=stats)
