"""Time and memory of one paradup scan of a large folder, as a user runs it.

``python -m benchmarks.scale DOCS_DIR [--jobs N] [--out results/scale]`` runs
``paradup.scan`` and the JSON report (written to a file beside the results)
in a fresh process, measured like the harness measures a system: wall time,
per-stage seconds, the process tree's peak RSS and peak PSS.  Unlike
``python -m benchmarks run`` it never loads the corpus or its truth into the
measuring process, so it fits corpora of 10**7 paragraphs; it scores nothing.
One JSON row is appended to ``OUT/results.jsonl`` and printed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from benchmarks.machine import describe
from benchmarks.measure import run_measured

BENCH_DIR = Path(__file__).resolve().parent


def child(docs_dir: str, jobs: int, report_path: str, stats_path: str) -> None:
    """The measured process: scan, write the JSON report, save the stats."""
    import paradup
    from paradup.jit import skip_blas_check
    from paradup.output import write_output
    from paradup.parallel import reuse_freed_memory
    from paradup.reports import render_chunks

    skip_blas_check()  # as the CLI does in its own process
    reuse_freed_memory()
    began = time.perf_counter()
    report = paradup.scan([docs_dir], jobs=jobs)
    scanned = time.perf_counter()
    write_output(render_chunks(report, "json", True, jobs), Path(report_path))
    done = time.perf_counter()
    stages = dict(report.stats["seconds"])
    stages["read"] = round(scanned - began - sum(stages.values()), 4)
    stages["report"] = round(done - scanned, 4)
    row = {"seconds": round(done - began, 3), "stages": stages,
           **{k: report.stats[k] for k in ("documents", "paragraphs", "distinct", "candidates", "verified",
                                           "clusters", "blocks")}}  # fmt: skip
    Path(stats_path).write_text(json.dumps(row), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale", description=__doc__.splitlines()[0])
    parser.add_argument("docs_dir", type=Path, help="folder of documents (a generated corpus's docs/)")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: usable cores)")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "results" / "scale", help="results folder")
    parser.add_argument("--timeout", type=float, default=7200, help="seconds before the scan is killed")
    parser.add_argument("--no-memory", action="store_true",
                        help="sample no memory (peaks null): the sampler takes about 5%% of a core and its PSS "
                             "samples stall the scan, which a run using every core feels")
    parser.add_argument("--probe", action="store_true",
                        help="also measure how much faster two processes do pure Python work than one, just before "
                             "and just after the scan (python -m benchmarks.cores), to tell the machine's share from "
                             "the code's: recorded as machine_speedup [before, after]")
    args = parser.parse_args(argv)
    if not args.docs_dir.is_dir():
        parser.error(f"{args.docs_dir} is not a folder")
    from paradup.parallel import default_jobs

    jobs = args.jobs or default_jobs()
    args.out.mkdir(parents=True, exist_ok=True)
    report, stats = args.out / "report.json", args.out / "stats.json"
    input_bytes = sum(f.stat().st_size for f in args.docs_dir.rglob("*") if f.is_file())
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH_DIR.parent), os.environ.get("PYTHONPATH")]))}
    code = f"from benchmarks.scale import child; child({str(args.docs_dir)!r}, {jobs}, {str(report)!r}, {str(stats)!r})"
    if args.probe:
        from benchmarks.cores import python_speedup

        before = python_speedup()
    m = run_measured([sys.executable, "-c", code], args.timeout, env, memory=not args.no_memory)
    if m.returncode != 0:
        print(f"scan failed (exit {m.returncode}): {m.stderr.strip()[-2000:]}", file=sys.stderr)
        return 1
    row = json.loads(stats.read_text(encoding="utf-8"))
    n = row["paragraphs"]
    row.update(
        corpus=str(args.docs_dir), jobs=jobs, input_mb=round(input_bytes / 2**20, 1),
        report_mb=round(report.stat().st_size / 2**20, 1), wall_seconds=round(m.wall_seconds, 2),
        para_per_s=round(n / row["seconds"], 1), peak_rss_mb=m.peak_tree_rss_mb, peak_pss_mb=m.peak_tree_pss_mb,
        bytes_per_para=round((m.peak_tree_pss_mb * 2**20 - input_bytes) / n, 1) if m.peak_tree_pss_mb else None,
        memory_sampled=not args.no_memory, date=time.strftime("%Y-%m-%d %H:%M:%S %z"), machine=describe(),
    )  # fmt: skip
    if args.probe:
        row["machine_speedup"] = [before, python_speedup()]
    report.unlink()
    stats.unlink()
    with open(args.out / "results.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps(row) + "\n")
    print(json.dumps({k: v for k, v in row.items() if k != "machine"}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
