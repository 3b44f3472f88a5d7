"""Render a run's rows as the markdown tables of ``table.md``."""

from __future__ import annotations

from benchmarks import systems
from benchmarks.harness import SPEED_NOTE
from benchmarks.machine import summary


def _f(x, digits: int = 3) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _int(x) -> str:
    return "–" if x is None else f"{x:,.0f}"


def _label(row: dict) -> str:
    return f"{row['corpus']} {row['size']:,}" if row.get("size") is not None else row["corpus"]


def _groups(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    """Group rows by corpus and size, in run order."""
    out: dict[str, list[dict]] = {}
    for r in rows:
        if r.get("system"):
            out.setdefault(_label(r), []).append(r)
    return list(out.items())


def overview(rows: list[dict]) -> list[str]:
    lines = [
        "| corpus | system | para/s | × paradup | seconds | peak RSS MB | precision | recall | F1 | ARI | block recall |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, group in _groups(rows):
        for r in group:
            if r["status"] != "ok":
                lines.append(f"| {label} | {r['system']} | {r['status']}: {r.get('reason', '')} ||||||||| ")
                continue
            lines.append(
                f"| {label} | {r['system']} | {_int(r.get('para_per_s'))} | {_f(r.get('speed_vs_paradup'), 2)} | "
                f"{_f(r['seconds'], 2)} | {_int(r.get('peak_rss_mb'))} | {_f(r.get('precision'))} | "
                f"{_f(r.get('recall'))} | {_f(r.get('f1'))} | {_f(r.get('ari'))} | {_f(r.get('block_recall'))} |"
            )
    return lines


def by_kind(rows: list[dict], field: str) -> list[str]:
    """One table per corpus: systems x kinds, ``field`` (recall or precision) in each cell."""
    lines: list[str] = []
    for label, group in _groups(rows):
        scored = [r for r in group if r["status"] == "ok" and r.get("per_kind")]
        if not scored:
            continue
        kinds = list(scored[0]["per_kind"])
        head = [k if field != "recall" or k != "negative" else "negative (false-match rate)" for k in kinds]
        counts = ", ".join(f"{k} {scored[0]['per_kind'][k]['pairs']:,}" for k in kinds)
        lines += ["", f"**{label}** — truth pairs: {counts}", "", "| system | " + " | ".join(head) + " |",
                  "|---|" + "---:|" * len(kinds)]  # fmt: skip
        for r in scored:
            cells = []
            for k in kinds:
                v = r["per_kind"][k]
                cells.append(_f(v.get("false_match_rate")) if k == "negative" and field == "recall"
                             else "" if k == "negative" else _f(v.get(field)))  # fmt: skip
            lines.append(f"| {r['system']} | " + " | ".join(cells) + " |")
    return lines


def stages(rows: list[dict]) -> list[str]:
    lines = ["| corpus | system | import s | seconds per stage |", "|---|---|---:|---|"]
    for label, group in _groups(rows):
        for r in group:
            if r["status"] == "ok":
                parts = " · ".join(f"{k} {v:.3f}" for k, v in r["stages"].items())
                lines.append(f"| {label} | {r['system']} | {_f(r.get('import_seconds'), 2)} | {parts} |")
    return lines


def legend(rows: list[dict]) -> list[str]:
    names = sorted({r["system"] for r in rows if r.get("system")}, key=list(systems.SYSTEMS).index)
    return [f"- **{n}**: {systems.load(n).SUMMARY}" for n in names]


def skipped(rows: list[dict]) -> list[str]:
    return [f"- {r.get('system') or r['corpus']} on {_label(r)}: {r['reason']}" for r in rows
            if r["status"] == "skipped" and r.get("system") is None]  # fmt: skip


def render(rows: list[dict], meta: dict) -> str:
    """Return the whole ``table.md``."""
    out = [
        f"# Benchmark results: suite `{meta['suite']}`", "",
        f"{meta['date']} · {summary(meta)} · jobs {meta['jobs']} · seed {meta['seed']} · "
        f"best of {meta['repeat']} run(s)", "",
        f"> {SPEED_NOTE}", "",
        "para/s: paragraphs per second end to end (reading the files to the final groups, imports excluded); "
        "× paradup: paradup's time over the system's on the same corpus (above 1 is faster than paradup); "
        "peak RSS: the whole process tree, sampled every 50 ms. Quality is scored on each system's groups "
        "(connected components of what it reports); see benchmarks/README.md.", "",
        *overview(rows), "", "## Recall by kind of planted repeat", *by_kind(rows, "recall"),
        "", "## Precision by kind", *by_kind(rows, "precision"),
        "", "## Time per stage", "", *stages(rows), "", "## Systems", "", *legend(rows),
    ]  # fmt: skip
    from benchmarks import plots

    gone = skipped(rows) + ([f"- plots: {plots.missing()}"] if plots.missing() else [])
    if gone:
        out += ["", "## Skipped", "", *gone]
    return "\n".join(out) + "\n"
