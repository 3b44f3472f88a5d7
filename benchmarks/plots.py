"""Draw a run's PNG plots with matplotlib (headless).

- ``time_vs_size.png``: seconds end to end against synthetic corpus size, log-log, one line per system;
- ``recall_by_kind.png``: recall of each kind of planted repeat, one bar per system, one panel per size;
- ``memory_vs_size.png``: peak resident memory of the process tree against size, log-log.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks import systems
from benchmarks.harness import SPEED_NOTE

_MARKERS = "osD^v<>p*h"


def _synthetic(rows: list[dict]) -> dict[str, list[dict]]:
    """Return the ok rows on synthetic corpora by system, in size order."""
    out: dict[str, list[dict]] = {}
    for r in rows:
        if r.get("corpus") == "synthetic" and r.get("status") == "ok":
            out.setdefault(r["system"], []).append(r)
    order = list(systems.SYSTEMS)
    return {k: sorted(v, key=lambda r: r["size"]) for k, v in sorted(out.items(), key=lambda kv: order.index(kv[0]))}


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _against_size(rows: list[dict], field: str, ylabel: str, title: str, path: Path) -> None:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 5.5), dpi=110)
    for i, (name, rs) in enumerate(_synthetic(rows).items()):
        pts = [(r["size"], r[field]) for r in rs if r.get(field)]
        if pts:
            ax.plot(*zip(*pts), marker=_MARKERS[i % len(_MARKERS)], label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("paragraphs (synthetic corpus)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.text(0.01, 0.01, SPEED_NOTE if field == "seconds" else "Peak RSS summed over the process tree, sampled every 50 ms.",
             fontsize=7, wrap=True)  # fmt: skip
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    fig.savefig(path)
    plt.close(fig)


def recall_by_kind(rows: list[dict], path: Path) -> None:
    """Grouped bars: kinds on x, one bar per system, one panel per synthetic size."""
    plt = _pyplot()
    by_size: dict[int, list[dict]] = {}
    for rs in _synthetic(rows).values():
        for r in rs:
            if r.get("per_kind"):
                by_size.setdefault(r["size"], []).append(r)
    sizes = sorted(by_size)
    if not sizes:
        return
    fig, axes = plt.subplots(len(sizes), 1, figsize=(11, 3.2 * len(sizes) + 0.6), dpi=110, squeeze=False)
    names = sorted({r["system"] for rs in by_size.values() for r in rs}, key=list(systems.SYSTEMS).index)
    colors = {n: f"C{i}" for i, n in enumerate(names)}
    for ax, size in zip(axes[:, 0], sizes):
        group = by_size[size]
        kinds = [k for k in group[0]["per_kind"] if k != "negative"]
        width = 0.8 / len(group)
        for j, r in enumerate(group):
            values = [r["per_kind"][k].get("recall") or 0.0 for k in kinds]
            ax.bar([i + j * width - 0.4 + width / 2 for i in range(len(kinds))], values, width, label=r["system"],
                   color=colors[r["system"]])  # fmt: skip
        ax.set_xticks(range(len(kinds)), kinds)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("recall")
        ax.set_title(f"Recall by kind of planted repeat, synthetic corpus of {size:,} paragraphs")
        ax.grid(True, axis="y", alpha=0.3)
    handles = [plt.Rectangle((0, 0), 1, 1, color=colors[n]) for n in names]
    fig.legend(handles, names, loc="upper center", ncol=len(names), fontsize=9, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.35 / fig.get_figheight()))
    fig.savefig(path)
    plt.close(fig)


def missing() -> str | None:
    """Return why the plots cannot be drawn here, or None."""
    import importlib.util

    if importlib.util.find_spec("matplotlib") is None:
        return "matplotlib is not installed (pip install -e '.[bench]'): no plots"
    return None


def draw_all(rows: list[dict], out: Path) -> None:
    """Write the three plots into ``out`` (nothing without matplotlib)."""
    if missing():
        return
    _against_size(rows, "seconds", "seconds, end to end", "Time against corpus size", out / "time_vs_size.png")
    recall_by_kind(rows, out / "recall_by_kind.png")
    _against_size(rows, "peak_rss_mb", "peak RSS of the process tree, MB", "Peak memory against corpus size",
                  out / "memory_vs_size.png")
