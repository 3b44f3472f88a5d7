"""``python -m benchmarks``: run a benchmark suite, or re-render the tables and plots of one.

Examples::

    python -m benchmarks run --suite quick
    python -m benchmarks run --suite full --systems paradup,rensa
    python -m benchmarks run --corpus my_docs/ --truth my_truth.jsonl
    python -m benchmarks render benchmarks/results/quick
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from benchmarks import systems
from benchmarks.harness import BENCH_DIR, SUITES, Options, read_rows, run_suite


def _default_jobs() -> int:
    from paradup.parallel import default_jobs

    return default_jobs()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description="paradup's benchmark harness.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a suite: corpora x systems, scored, timed, plotted")
    run.add_argument("--suite", choices=list(SUITES), default="quick",
                     help="quick: 1e3-3e4 synthetic + real corpora, minutes; full: up to 1e6; smoke: tiny (default quick)")
    run.add_argument("--systems", help=f"comma-separated, from: {', '.join(systems.SYSTEMS)} (default: all installed)")
    run.add_argument("--sizes", help="comma-separated synthetic sizes in paragraphs, e.g. 1000,1e5 (default: the suite's)")
    run.add_argument("--corpus", type=Path, help="benchmark this folder of .txt/.md files instead of the suite's corpora")
    run.add_argument("--truth", type=Path, help="truth file for --corpus (truth.jsonl format); without it: timing only")
    run.add_argument("--seed", type=int, default=0, help="seed of the synthetic corpora (default 0)")
    run.add_argument("--out", type=Path, help="output folder (default benchmarks/results/<suite>)")
    run.add_argument("--jobs", type=int, help="worker processes or threads per system (default: usable cores)")
    run.add_argument("--repeat", type=int, default=1, help="runs per system and corpus; the fastest is kept (default 1)")
    run.add_argument("--cache", type=Path, help="where generated corpora are kept (default: a temp folder)")
    render = sub.add_parser("render", help="redraw table.md and the plots from a results folder")
    render.add_argument("folder", type=Path)
    return parser  # fmt: skip


def _sizes(text: str | None) -> tuple[int, ...] | None:
    if not text:
        return None
    return tuple(int(float(s)) for s in text.split(","))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "render":
        from benchmarks import plots, report

        rows = read_rows(args.folder / "results.jsonl")
        meta = json.loads((args.folder / "machine.json").read_text(encoding="utf-8"))
        (args.folder / "table.md").write_text(report.render(rows, meta), encoding="utf-8")
        plots.draw_all(rows, args.folder)
        return 0
    names = tuple(args.systems.split(",")) if args.systems else systems.DEFAULT_SYSTEMS
    unknown = [n for n in names if n not in systems.SYSTEMS]
    if unknown:
        print(f"Error: unknown system {unknown[0]!r}; choose from {', '.join(systems.SYSTEMS)}", file=sys.stderr)
        return 2
    if args.truth and not args.corpus:
        print("Error: --truth goes with --corpus", file=sys.stderr)
        return 2
    suite = SUITES[args.suite]
    name = "custom" if args.corpus else suite.name
    opts = Options(suite=suite, systems=names, out=args.out or BENCH_DIR / "results" / name,
                   jobs=args.jobs or _default_jobs(), seed=args.seed, repeat=max(1, args.repeat),
                   corpus=args.corpus, truth=args.truth)  # fmt: skip
    if args.cache:
        opts.cache = args.cache
    run_suite(opts, _sizes(args.sizes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
