"""Run one system on one corpus in this process and save what it found.

The harness starts ``python -m benchmarks.worker SYSTEM DOCS_DIR OUT --jobs N``
in a fresh process per (system, corpus), so the memory it measures belongs
to that system alone.  Written files:

- ``OUT.npz``: ``pairs`` [k, 2] gids, ``cluster_gids`` + ``cluster_offsets``
  (clusters as CSR), ``blocks`` [m, 6] (doc, start, end, doc, start, end) and
  ``has_blocks``;
- ``OUT.json``: ``seconds`` (``run`` end to end, the ``glue`` stage left
  out), ``stages``, ``import_seconds``, ``max_process_rss_mb``
  (``ru_maxrss`` of this process and of its largest child), ``notes``.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from benchmarks import systems


def save(out: Path, outcome: systems.Outcome, seconds: float, import_seconds: float) -> None:
    """Write ``OUT.npz`` and ``OUT.json`` for one run."""
    p = outcome.prediction
    clusters = [np.asarray(c, dtype=np.int64) for c in p.clusters]
    np.savez(
        out.with_suffix(".npz"),
        pairs=np.asarray(p.pairs, dtype=np.int64).reshape(-1, 2),
        cluster_gids=np.concatenate(clusters) if clusters else np.empty(0, dtype=np.int64),
        cluster_offsets=np.cumsum([0] + [len(c) for c in clusters]).astype(np.int64),
        blocks=np.asarray(p.blocks or [], dtype=np.int64).reshape(-1, 6),
        has_blocks=np.array(p.blocks is not None),
    )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    meta = {
        "seconds": seconds, "stages": {k: round(v, 4) for k, v in outcome.stages.items()},
        "import_seconds": round(import_seconds, 4), "max_process_rss_mb": round(max(own, children), 1),
        "notes": outcome.notes,
    }  # fmt: skip
    out.with_suffix(".json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


def load_prediction(out: Path):
    """Read back what :func:`save` wrote: (Prediction, meta dict)."""
    from benchmarks.metrics import Prediction

    with np.load(out.with_suffix(".npz")) as z:
        offsets, gids = z["cluster_offsets"], z["cluster_gids"]
        clusters = [gids[offsets[i] : offsets[i + 1]] for i in range(len(offsets) - 1)]
        blocks = [tuple(int(x) for x in row) for row in z["blocks"]] if bool(z["has_blocks"]) else None
        prediction = Prediction(z["pairs"], clusters, blocks)
    return prediction, json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.worker", description=__doc__.splitlines()[0])
    parser.add_argument("system", choices=list(systems.SYSTEMS))
    parser.add_argument("docs_dir", type=Path)
    parser.add_argument("out", type=Path, help="output path without suffix")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    module = systems.load(args.system)
    began = time.perf_counter()
    module.imports()
    import_seconds = time.perf_counter() - began
    began = time.perf_counter()
    outcome = module.run(args.docs_dir, args.jobs)
    seconds = time.perf_counter() - began - outcome.stages.get("glue", 0.0)
    save(args.out, outcome, seconds, import_seconds)


if __name__ == "__main__":
    main()
