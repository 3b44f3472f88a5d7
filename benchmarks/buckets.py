"""Does a footer repeated in every document make a scan quadratic?  Measure it.

``python -m benchmarks.buckets N [--kind exact|near|unique] [--jobs J]`` scans N
in-memory documents, each one random paragraph plus a footer, and prints the
seconds per stage and the counts.  ``exact``: the same footer everywhere (one
node of N paragraphs); ``near``: the footer names its story number, so N
different texts fall into the same LSH buckets; ``unique``: a random footer
(the baseline).  Run it at N and 2N: a linear cost doubles.
"""

from __future__ import annotations

import argparse
import random
import time


def documents(n: int, kind: str, seed: int = 1):
    from paradup.model import Document

    rng = random.Random(seed)
    words = [f"w{i}" for i in range(20_000)]

    def paragraph(size: int) -> str:
        return " ".join(rng.choice(words) for _ in range(size)) + "."

    for i in range(n):
        if kind == "exact":
            footer = "Copyright 2026 The Daily Example. All rights reserved. Subscribe to our newsletter for more."
        elif kind == "near":
            footer = f"Copyright 2026 The Daily Example, story {i}. All rights reserved. Subscribe to our newsletter for more."
        else:
            footer = paragraph(16)
        yield Document(str(i), f"{i}.txt", paragraph(60) + "\n\n" + footer + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.buckets", description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="documents")
    parser.add_argument("--kind", choices=("exact", "near", "unique"), default="near")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    from paradup.pipeline import find_duplicates
    from paradup.reports import render

    docs = list(documents(args.n, args.kind))
    began = time.perf_counter()
    report = find_duplicates(docs, jobs=args.jobs)
    scanned = time.perf_counter()
    render(report, "json")
    done = time.perf_counter()
    counts = {k: report.stats[k] for k in ("paragraphs", "candidates", "verified", "clusters", "blocks")}
    print(f"{args.kind} x {args.n}: scan {scanned - began:.2f} s, JSON report {done - scanned:.2f} s; {counts}; "
          f"stages {report.stats['seconds']}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
