"""The human report: a summary, then blocks, then clusters with their differences."""

from __future__ import annotations

import numpy as np

from paradup import __version__
from paradup.found import cluster_columns
from paradup.matches import shared_sentences, word_diff
from paradup.model import Block, Match, Report
from paradup.paragraphs import doc_counts
from paradup.reports.common import cluster_batches, member_links, member_spans, params_dict, preview

_DIFF_LIMIT = 6  # changes shown per member; the rest are counted


def render(report: Report, timings: bool = True) -> str:
    """Render the report for a terminal."""
    lines = _header(report, timings)
    lines += _documents(report)
    if report.blocks:
        lines += ["", f"Blocks ({len(report.blocks)})"]
        for block in report.blocks:
            lines += _block(report, block)
    if report.clusters:
        lines += ["", f"Clusters ({len(report.clusters)})"]
        lines += _clusters(report, member_links(report))
    passages = [m for m in report.matches if m.kind == "passage"]
    if passages:
        lines += ["", f"Shared passages ({len(passages)}): different paragraphs quoting the same sentences"]
        for m in passages:
            lines += _passage(report, m)
    if report.archive:
        lines += ["", f"Seen before, in the archive ({len(report.archive)})"]
        for a in report.archive:
            p = report.paragraphs[a.paragraph]
            lines.append(f"  {report.documents[p.doc].id}:{p.line_start} [{p.index}]  =  {a.archive_path}:"
                         f"{a.archive_line_start} [{a.archive_index}]  {a.kind}, similarity {a.similarity:.3f}")
    if report.problems:
        lines += ["", f"Problems ({len(report.problems)})"]
        lines += [f"  {p.path}: {p.message}" for p in report.problems]
    return "\n".join(lines) + "\n"


def _header(report: Report, timings: bool) -> list[str]:
    s, p = report.stats, params_dict(report)
    repeated = sum(len(c.members) for c in report.clusters)
    lines = [
        f"paradup {__version__}: {_n(s['documents'], 'document')}, {_n(s['paragraphs'], 'paragraph')}"
        f" ({s['short']} under {p['min_words']} words: exact matching only)",
        f"LSH: threshold {p['threshold']}, num_perm {p['num_perm']} = {p['bands']} bands x {p['rows']} rows"
        f" (effective threshold {p['effective_threshold']:.3f}), seed {p['seed']}, word {p['shingle_size']}-shingles",
        f"Found: {_n(len(report.clusters), 'cluster')} ({_n(repeated, 'paragraph')}),"
        f" {_n(len(report.blocks), 'block')},{_passages(s)} {_n(len(report.matches), 'match', 'matches')}"
        f" ({s['matches'] - s['verified']} exact copies; {s['verified']} of {s['candidates']} candidates verified)",
    ]
    if timings:
        lines.append("Seconds: " + ", ".join(f"{k} {v:.3f}" for k, v in s["seconds"].items()))
    return lines


def _passages(stats: dict) -> str:
    count = stats.get("passages", 0)
    return f" {_n(count, 'shared passage')}," if count else ""


def _documents(report: Report) -> list[str]:
    members = cluster_columns(report.clusters, 0, len(report.clusters))[4]
    repeated = np.bincount(np.asarray(report.place_columns(members)[0], dtype=np.int64),
                           minlength=len(report.documents)).tolist()
    in_blocks = [0] * len(report.documents)
    for b in report.blocks:
        in_blocks[b.a.doc] += 1
        in_blocks[b.b.doc] += b.b.doc != b.a.doc
    counts = doc_counts(report.paragraphs, len(report.documents))
    lines = ["", "Documents"]
    for d, doc in enumerate(report.documents):
        lines.append(f"  {doc.id}: {_n(counts[d], 'paragraph')}, {repeated[d]} repeated, {_n(in_blocks[d], 'block')}")
    return lines


def _block(report: Report, block: Block) -> list[str]:
    lines = [f"  Block {block.id}: {_span(report, block.a)}  =  {_span(report, block.b)}"
             f"  ({len(block.pairs)} aligned pairs, similarity {block.similarity:.3f})"]
    for i, j in block.pairs:
        pa, pb = report.paragraph(block.a.doc, i), report.paragraph(block.b.doc, j)
        lines.append(f"    [{i}] line {pa.line_start:<5} ~ [{j}] line {pb.line_start:<5} {preview(pa.text, 60)}")
    return lines


def _span(report: Report, span) -> str:
    first, last = report.paragraph(span.doc, span.index_start), report.paragraph(span.doc, span.index_end)
    doc = report.documents[span.doc].id
    return f"{doc} [{span.index_start}-{span.index_end}] lines {first.line_start}-{last.line_end}"


def _clusters(report: Report, links: dict[int, Match]) -> list[str]:
    """Every cluster: its members' places gathered a batch at a time, texts cut only for what is shown (the
    representative's preview, the changes of a member matched with it)."""
    lines: list[str] = []
    for ids, kinds, weakest, sizes, members, reps in cluster_batches(report):
        doc, index, line_start = report.place_columns(members)[:3]
        rep_texts = report.texts(reps)
        spans = member_spans(sizes)
        for cid, kind, weak, size, rep, rep_text, span in zip(ids, kinds, weakest, sizes, reps, rep_texts, spans):
            lines.append(f"  Cluster {cid} ({kind}, {_n(size, 'paragraph')}, weakest link {weak:.3f})")
            for k in span:
                gid = members[k]
                where = f"{report.documents[doc[k]].id}:{line_start[k]} [{index[k]}]"
                if gid == rep:
                    lines.append(f"    * {where}  {preview(rep_text)}")
                    continue
                link = links.get(gid)
                lines.append(f"    - {where}  {_scores(link, gid)}")
                if link is not None and link.kind != "exact" and (link.a == rep or link.b == rep):
                    lines += _changes(rep_text, report.text(gid))
    return lines


def _passage(report: Report, m: Match) -> list[str]:
    pa, pb = report.paragraphs[m.a], report.paragraphs[m.b]
    where = [f"{report.documents[p.doc].id}:{p.line_start} [{p.index}]" for p in (pa, pb)]
    shared = shared_sentences(pa.text, pb.text, report.params.min_words)
    return [f"  {where[0]}  ~  {where[1]}  similarity {m.similarity:.3f}, containment {m.containment:.3f}"] + [
        f'    "{preview(s, 100)}"' for s in shared[:3]
    ]


def _scores(link: Match | None, gid: int) -> str:
    if link is None:
        return "exact"
    if link.kind == "exact":
        return "exact copy"
    text = f"{link.kind}: similarity {link.similarity:.3f}, jaccard {link.jaccard:.3f}, containment {link.containment:.3f}"
    if link.contained is not None:
        inside = (link.contained == "a") == (link.a == gid)
        text += " (this one is contained)" if inside else " (this one contains the other)"
    return text


def _changes(old: str, new: str) -> list[str]:
    ops = [op for op in word_diff(old, new) if op[0] != "equal"]
    shown = []
    for tag, a, b in ops[:_DIFF_LIMIT]:
        if tag == "replace":
            shown.append(f'"{preview(a, 40)}" -> "{preview(b, 40)}"')
        elif tag == "delete":
            shown.append(f'-"{preview(a, 40)}"')
        else:
            shown.append(f'+"{preview(b, 40)}"')
    more = f" (+{len(ops) - _DIFF_LIMIT} more)" if len(ops) > _DIFF_LIMIT else ""
    return [f"        changes: {'; '.join(shown)}{more}"] if shown else []


def _n(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"
