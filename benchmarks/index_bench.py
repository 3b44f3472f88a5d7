"""Time the on-disk index: add N paragraphs, then look N paragraphs up against it.

The archive is N random paragraphs (article-like lengths, a 20,000-word
vocabulary) in documents of 20 paragraphs.  The query set is N paragraphs of
which ``--copies`` are copies of archived ones (half exact, half with two
words edited) and the rest new, so both the exact and the near path are timed.

    python -m benchmarks.index_bench --paragraphs 100000 --repeat 3 --out results/index.jsonl

Prints a table, and appends one JSON object per run to ``--out`` when given.
Each timing is the best of ``--repeat`` runs, each on a fresh index file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np

from paradup.index import open_index
from paradup.model import Document, Paragraph, Params

_WORDS = 20_000


def make_corpus(paragraphs: int, copies: float, seed: int) -> tuple[list[Document], list[Paragraph], int]:
    """Return the archive documents, the query paragraphs and how many queries are copies."""
    rng = np.random.default_rng(seed)
    vocab = np.array([f"w{i}" for i in range(_WORDS)])
    zipf = 1.0 / np.arange(1, _WORDS + 1)
    zipf /= zipf.sum()

    def fresh(n: int) -> list[str]:
        lengths = rng.integers(20, 120, n)
        words = vocab[rng.choice(_WORDS, lengths.sum(), p=zipf)]
        cuts = np.cumsum(lengths)[:-1]
        return [" ".join(chunk) + "." for chunk in np.split(words, cuts)]

    archive = fresh(paragraphs)
    docs = [Document(f"a{i:06}.txt", f"a{i:06}.txt", "\n\n".join(archive[i : i + 20]) + "\n")
            for i in range(0, paragraphs, 20)]
    n_copies = int(paragraphs * copies)
    picked = rng.choice(paragraphs, n_copies, replace=False)
    queries = [archive[i] for i in picked[: n_copies // 2]]
    for i in picked[n_copies // 2 :]:
        words = archive[i].split()
        for j in rng.integers(0, len(words), 2):
            words[j] = vocab[rng.integers(_WORDS)]
        queries.append(" ".join(words))
    queries += fresh(paragraphs - n_copies)
    found = [Paragraph(0, i, 2 * i + 1, 2 * i + 1, 0, len(t), t) for i, t in enumerate(queries)]
    return docs, found, n_copies


def run_once(docs, queries, params: Params, folder: str) -> dict:
    path = Path(folder) / f"bench-{time.monotonic_ns()}.paradup"
    with open_index(path, params, create=True) as index:
        start = time.perf_counter()
        stats = index.add(docs)
        add = time.perf_counter() - start
        start = time.perf_counter()
        found = index.find(queries)
        query = time.perf_counter() - start
    size = path.stat().st_size
    path.unlink()
    return {"add_seconds": add, "query_seconds": query, "added": stats.paragraphs, "found": len(found),
            "found_exact": sum(m.kind == "exact" for m in found), "bytes": size}


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--copies", type=float, default=0.2, help="share of queries that copy the archive")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="append results here (JSONL)")
    args = parser.parse_args(argv)
    docs, queries, n_copies = make_corpus(args.paragraphs, args.copies, args.seed)
    params = Params()
    with tempfile.TemporaryDirectory() as folder:
        runs = [run_once(docs, queries, params, folder) for _ in range(args.repeat)]
    best = {"paragraphs": args.paragraphs, "copies": n_copies, "seed": args.seed, "repeat": args.repeat,
            "add_seconds": round(min(r["add_seconds"] for r in runs), 3),
            "query_seconds": round(min(r["query_seconds"] for r in runs), 3),
            "found": runs[0]["found"], "found_exact": runs[0]["found_exact"], "bytes": runs[0]["bytes"],
            "cpus": os.cpu_count(), "python": platform.python_version(), "machine": platform.machine()}
    print(f"{'paragraphs':>10} {'add s':>8} {'query s':>8} {'found':>7} {'of copies':>9} {'MB':>7}")
    print(f"{best['paragraphs']:>10,} {best['add_seconds']:>8.2f} {best['query_seconds']:>8.2f} "
          f"{best['found']:>7,} {n_copies:>9,} {best['bytes'] / 1e6:>7.1f}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("a", encoding="utf-8") as f:
            f.write(json.dumps(best) + "\n")
    return [best]


if __name__ == "__main__":
    main()
