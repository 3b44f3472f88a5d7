"""dolma's paragraph deduplication (placeholder: see ``unavailable``)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.systems import Outcome

SUMMARY = "dolma dedupe, paragraphs (Bloom filter): not run, see benchmarks/README.md"
REQUIRES = ()


def unavailable() -> str:
    return "dolma 1.2.1 requires numpy<2, which conflicts with this environment (numpy 2); see benchmarks/README.md"


def imports() -> None:
    raise RuntimeError(unavailable())


def run(docs_dir: Path, jobs: int) -> Outcome:
    raise RuntimeError(unavailable())
