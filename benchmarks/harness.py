"""Orchestrate a benchmark run: corpora x systems, one fresh process each, scored rows out.

A run prepares its corpora (seeded synthetic corpora, cached outside the
repository; the real corpora in ``shared/data`` with the labels in
``benchmarks/labels``; or a folder the user names), runs every system on
every corpus in a fresh worker process (:mod:`benchmarks.worker`) while
:mod:`benchmarks.measure` watches its time and memory, scores what it found
(:mod:`benchmarks.metrics`) and writes, under the output folder:
``results.jsonl`` (one row per system x corpus x size), ``table.md``,
``time_vs_size.png``, ``recall_by_kind.png``, ``memory_vs_size.png`` and
``machine.json``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import machine, systems
from benchmarks.corpus import GENERATOR_VERSION, generate_corpus
from benchmarks.measure import run_measured
from benchmarks.metrics import load_truth_gids, score
from benchmarks.units import corpus_docs_dir, read_corpus
from benchmarks.worker import load_prediction

BENCH_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
LABELS_DIR = BENCH_DIR / "labels"
#: Real corpora: name -> (folder under DATA_DIR, labels file under LABELS_DIR).
REAL_CORPORA = {"seed": ("seed", "seed.jsonl"), "textreuse": ("textreuse", "textreuse.jsonl")}
SPEED_NOTE = ("Speed comparisons are ratios within one run: the machine is shared and noisy, so compare "
              "systems on the same row group, not against other runs.")  # fmt: skip


@dataclass(frozen=True)
class Suite:
    """Sizes (synthetic paragraphs), real corpora and the time limit per system run."""

    name: str
    sizes: tuple[int, ...]
    real: tuple[str, ...]
    timeout: float


SUITES = {
    "smoke": Suite("smoke", (300,), ("seed",), 300),
    "quick": Suite("quick", (1_000, 10_000, 30_000), ("seed", "textreuse"), 600),
    "full": Suite("full", (1_000, 10_000, 100_000, 300_000, 1_000_000), ("seed", "textreuse"), 3_600),
}


@dataclass(frozen=True)
class CorpusSpec:
    """One corpus of a run: its name, size, documents folder and truth file (or None)."""

    name: str
    docs_dir: Path
    truth: Path | None
    synthetic_size: int | None = None


@dataclass
class Options:
    suite: Suite
    systems: tuple[str, ...]
    out: Path
    jobs: int
    seed: int = 0
    repeat: int = 1
    cache: Path = field(default_factory=lambda: Path(tempfile.gettempdir()) / "paradup-bench")
    corpus: Path | None = None
    truth: Path | None = None
    log: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True)


def synthetic_corpus(size: int, seed: int, cache: Path) -> Path:
    """Return the folder of the seeded synthetic corpus of ``size`` paragraphs, generating it once."""
    folder = cache / f"synthetic-v{GENERATOR_VERSION}-n{size}-seed{seed}"
    if (folder / "manifest.json").is_file() and (folder / "truth.jsonl").is_file():
        return folder
    cache.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=folder.name + ".", dir=cache))
    shutil.rmtree(partial)
    generate_corpus(partial, size, seed)
    try:
        partial.rename(folder)
    except OSError:  # another run made it meanwhile
        shutil.rmtree(partial, ignore_errors=True)
    return folder


def real_corpus(name: str) -> CorpusSpec | tuple[str, str]:
    """Return the spec of real corpus ``name``, or ``(name, why it is unavailable)``."""
    folder, labels = REAL_CORPORA[name]
    docs = DATA_DIR / folder
    if not docs.is_dir():
        return name, (f"real corpus {name!r} not found at {docs}: it comes with the project's shared/data "
                      f"folder next to the repository; skipped")  # fmt: skip
    return CorpusSpec(name, docs, LABELS_DIR / labels)


def corpora(opts: Options, sizes: tuple[int, ...]) -> list[CorpusSpec | tuple[str, str]]:
    """List the corpora of a run (``(name, reason)`` for one that is skipped)."""
    if opts.corpus is not None:
        path = opts.corpus
        truth = opts.truth or (path / "truth.jsonl" if (path / "truth.jsonl").is_file() else None)
        return [CorpusSpec(f"custom:{path.name}", corpus_docs_dir(path), truth)]
    out: list[CorpusSpec | tuple[str, str]] = []
    for size in sizes:
        folder = synthetic_corpus(size, opts.seed, opts.cache)
        out.append(CorpusSpec("synthetic", folder / "docs", folder / "truth.jsonl", size))
    out += [real_corpus(name) for name in opts.suite.real]
    return out


def run_one(system: str, spec: CorpusSpec, opts: Options, work: Path) -> tuple[dict, object | None]:
    """Run ``system`` on ``spec`` ``opts.repeat`` times; return the fastest run's row and prediction."""
    best: tuple[dict, object] | None = None
    for attempt in range(opts.repeat):
        out = work / f"{system}-{attempt}"
        cmd = [sys.executable, "-m", "benchmarks.worker", system, str(spec.docs_dir), str(out), "--jobs", str(opts.jobs)]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH_DIR.parent), os.environ.get("PYTHONPATH")]))}
        m = run_measured(cmd, opts.suite.timeout, env)
        if m.returncode is None:
            return {"status": "timeout", "reason": f"over {opts.suite.timeout:.0f} s", "wall_seconds": round(m.wall_seconds, 2)}, None
        if m.returncode != 0:
            tail = " | ".join(m.stderr.strip().splitlines()[-3:])
            return {"status": "error", "reason": f"exit {m.returncode}: {tail}"[:500]}, None
        prediction, meta = load_prediction(out)
        row = {
            "status": "ok", "seconds": round(meta["seconds"], 4), "stages": meta["stages"],
            "import_seconds": meta["import_seconds"], "wall_seconds": round(m.wall_seconds, 3),
            "peak_rss_mb": m.peak_tree_rss_mb, "peak_pss_mb": m.peak_tree_pss_mb,
            "max_process_rss_mb": meta["max_process_rss_mb"],
            "notes": meta["notes"], "runs": attempt + 1,
        }  # fmt: skip
        if best is None or row["seconds"] < best[0]["seconds"]:
            best = (row, prediction)
        best[0]["runs"] = attempt + 1
    assert best is not None
    return best


def run_corpus(spec: CorpusSpec, opts: Options, meta: dict) -> list[dict]:
    """Run every system on one corpus; return its rows."""
    corpus = read_corpus(spec.docs_dir)
    n = len(corpus)
    truth = load_truth_gids(spec.truth, corpus) if spec.truth else None
    base = {"suite": opts.suite.name, "corpus": spec.name, "size": n, "documents": len(corpus.docs),
            "input_bytes": sum((spec.docs_dir / d).stat().st_size for d in corpus.docs),
            "truth": spec.truth is not None, "commit": meta["commit"]}  # fmt: skip
    del corpus
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        for system in opts.systems:
            row = {**base, "system": system}
            why = systems.missing(system)
            cap = getattr(systems.load(system), "MAX_PARAGRAPHS", None)
            if why is None and cap is not None and n > cap:
                why = f"{n:,} paragraphs is over its limit of {cap:,} (quadratic)"
            if why is not None:
                rows.append({**row, "status": "skipped", "reason": why})
                opts.log(f"  {system:14s} skipped: {why}")
                continue
            result, prediction = run_one(system, spec, opts, Path(tmp))
            row.update(result)
            if result["status"] == "ok":
                row["para_per_s"] = round(n / result["seconds"], 1) if result["seconds"] > 0 else None
                if result.get("peak_pss_mb") is not None:  # what the tree held beyond the input text, per paragraph
                    row["bytes_per_para"] = round((result["peak_pss_mb"] * 2**20 - base["input_bytes"]) / max(n, 1), 1)
                if truth is not None:
                    row.update(score(truth, prediction, n))
                opts.log(f"  {system:14s} {result['seconds']:8.2f} s  {row['para_per_s'] or 0:>10,.0f} para/s  "
                         f"peak {result['peak_rss_mb']} MB (PSS {result.get('peak_pss_mb')} MB)  recall {_fmt(row.get('recall'))}  "
                         f"precision {_fmt(row.get('precision'))}")  # fmt: skip
            else:
                opts.log(f"  {system:14s} {result['status']}: {result['reason']}")
            rows.append(row)
    _add_ratios(rows)
    return rows


def _fmt(x) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _add_ratios(rows: list[dict]) -> None:
    """Add ``speed_vs_paradup``: paradup's seconds over the system's, on the same corpus in this run."""
    ref = next((r["seconds"] for r in rows if r["system"] == "paradup" and r["status"] == "ok"), None)
    for r in rows:
        if r["status"] == "ok" and ref and r["seconds"]:
            r["speed_vs_paradup"] = round(ref / r["seconds"], 3)


def run_suite(opts: Options, sizes: tuple[int, ...] | None = None) -> list[dict]:
    """Run the suite and write every output file; return the rows."""
    from benchmarks import plots, report

    opts.out.mkdir(parents=True, exist_ok=True)
    meta = machine.describe()
    meta.update({"suite": opts.suite.name, "date": time.strftime("%Y-%m-%d %H:%M:%S %z"), "jobs": opts.jobs,
                 "seed": opts.seed, "repeat": opts.repeat, "systems": list(opts.systems)})  # fmt: skip
    (opts.out / "machine.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    rows: list[dict] = []
    for spec in corpora(opts, sizes or opts.suite.sizes):
        if isinstance(spec, tuple):
            opts.log(spec[1])
            rows.append({"suite": opts.suite.name, "corpus": spec[0], "system": None, "status": "skipped",
                         "reason": spec[1]})
            continue
        opts.log(f"{spec.name} ({spec.docs_dir}):")
        rows += run_corpus(spec, opts, meta)
        _write_rows(opts.out / "results.jsonl", rows)
    (opts.out / "table.md").write_text(report.render(rows, meta), encoding="utf-8")
    if plots.missing():
        opts.log(plots.missing())
    plots.draw_all(rows, opts.out)
    opts.log(f"results in {opts.out}")
    return rows


def _write_rows(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, sort_keys=False) + "\n")


def read_rows(path: Path) -> list[dict]:
    """Read ``results.jsonl``."""
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]
