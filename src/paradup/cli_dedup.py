"""The ``paradup dedup`` and ``paradup index`` commands: parse, call the library, render."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from paradup.cli import (
    MinContainment,
    MinJaccard,
    MinSimilarity,
    MinWords,
    NumPerm,
    Seed,
    ShingleSize,
    Threshold,
    _jobs,
    _warn,
)
from paradup.model import InputError, Params

Include = Annotated[list[str], typer.Option(help="Only read files matching this glob (repeatable).")]
Exclude = Annotated[list[str], typer.Option(help="Skip files and folders matching this glob (repeatable).")]
TextField = Annotated[str, typer.Option(help="JSONL field that holds the text.")]
Hidden = Annotated[bool, typer.Option(help="Also read hidden files and folders.")]
Jobs = Annotated[int, typer.Option("--jobs", "-j", help="Processes for sketching: this one and N-1 forked workers (0: one per core).")]
IndexFile = Annotated[Path, typer.Option("--index", help="The index file (SQLite).")]
Out = Annotated[Path, typer.Option("--out", help="Output: a folder (a file when the input is one file).")]
Ledger = Annotated[Optional[Path], typer.Option(
    help="Ledger of removed paragraphs (JSONL); default OUT.ledger.jsonl beside OUT.")]
Keep = Annotated[str, typer.Option(help="Which copy survives: first, longest, newest, oldest or priority.")]
DateField = Annotated[Optional[str], typer.Option(
    help="JSONL field with the date for --keep newest/oldest (default: the file's modification time).")]
Priority = Annotated[list[str], typer.Option(
    help="For --keep priority: a path or glob, most trusted first (repeatable).")]
Scope = Annotated[str, typer.Option(help="Copies to remove: within a document, across documents, or both.")]
Boilerplate = Annotated[str, typer.Option(
    help="Boilerplate (a text in --boilerplate-docs documents or more): keep-first or drop-all.")]
BoilerplateDocs = Annotated[int, typer.Option(help="Documents a text must appear in to count as boilerplate.")]
Empty = Annotated[str, typer.Option(
    help="A document whose every paragraph is a duplicate: keep-first-paragraph, keep or drop.")]
Against = Annotated[Optional[Path], typer.Option(
    help="Also remove paragraphs found in this index (paradup index add).")]


def register(app: typer.Typer) -> None:
    """Add ``dedup`` and the ``index`` group to the ``paradup`` app."""
    app.command("dedup")(dedup)
    index_app = typer.Typer(name="index", help="Remember an archive, to check new documents against it.",
                            no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]})
    index_app.command("add")(index_add)
    index_app.command("info")(index_info)
    app.add_typer(index_app, name="index")


def dedup(
    paths: Annotated[list[str], typer.Argument(help="Files or folders to deduplicate (.txt, .md, .jsonl).")],
    out: Out,
    ledger: Ledger = None,
    keep: Keep = "first",
    date_field: DateField = None,
    priority: Priority = [],  # noqa: B006
    scope: Scope = "both",
    boilerplate: Boilerplate = "keep-first",
    boilerplate_docs: BoilerplateDocs = 5,
    empty: Empty = "keep-first-paragraph",
    dry_run: Annotated[bool, typer.Option(help="Print what would be removed and the totals; write nothing.")] = False,
    force: Annotated[bool, typer.Option(help="Replace an existing non-empty output and ledger.")] = False,
    against: Against = None,
    update: Annotated[bool, typer.Option(help="Add the output to the --against index afterwards.")] = False,
    threshold: Threshold = Params.threshold,
    num_perm: NumPerm = Params.num_perm,
    seed: Seed = Params.seed,
    shingle_size: ShingleSize = Params.shingle_size,
    min_words: MinWords = Params.min_words,
    min_similarity: MinSimilarity = Params.min_similarity,
    min_jaccard: MinJaccard = Params.min_jaccard,
    min_containment: MinContainment = Params.min_containment,
    include: Include = [],  # noqa: B006
    exclude: Exclude = [],  # noqa: B006
    text_field: TextField = "text",
    hidden: Hidden = False,
    jobs: Jobs = 0,
) -> None:
    """Write a copy of the corpus without duplicate paragraphs, and a ledger of each one removed."""
    from paradup.dedup import Policy
    from paradup.dedup import dedup as run_dedup
    from paradup.progress import stage_reporter

    params = Params(threshold=threshold, num_perm=num_perm, seed=seed, shingle_size=shingle_size,
                    min_words=min_words, min_similarity=min_similarity, min_jaccard=min_jaccard,
                    min_containment=min_containment)
    policy = Policy(keep=keep, date_field=date_field, priority=tuple(priority), scope=scope, boilerplate=boilerplate,
                    boilerplate_docs=boilerplate_docs, empty=empty)
    with stage_reporter() as progress:
        result = run_dedup(paths, out, params, policy, ledger=ledger, dry_run=dry_run, force=force, against=against,
                           update=update, include=include, exclude=exclude, text_field=text_field, hidden=hidden,
                           progress=progress, jobs=_jobs(jobs))
    _warn(result.report.problems)
    for event in result.emptied:
        typer.echo(f"Warning: {event['doc']}: every paragraph is a duplicate; --empty {event['action']}", err=True)
    typer.echo(render_result(result), nl=False)


def render_result(result) -> str:
    """Render a dedup result: the removals (dry run only), then the totals and what was written."""
    lines = []
    if result.dry_run:
        lines += [f"Would remove ({len(result.removed)})"] + [_removal_line(r) for r in result.removed]
    rows = result.removed
    rules = {}
    for r in rows:
        rules[r["rule"]] = rules.get(r["rule"], 0) + 1
    by_rule = ", ".join(f"{rule} {n}" for rule, n in sorted(rules.items()))
    verb = "Would remove" if result.dry_run else "Removed"
    lines.append(f"{verb} {_n(len(rows), 'paragraph')} ({_n(sum(r['words'] for r in rows), 'word')}, "
                 f"{_n(result.bytes_saved, 'byte')}) from {len({r['doc'] for r in rows})} of "
                 f"{_n(len(result.report.documents), 'document')}" + (f": {by_rule}" if by_rule else ""))
    if result.emptied:
        lines.append(f"{_n(len(result.emptied), 'document')} had only duplicates (--empty "
                     f"{result.emptied[0]['action']})")
    if not result.dry_run:
        lines.append(f"Wrote {result.target.out} ({_n(result.files, 'file')}) and {result.target.ledger}")
    if result.added is not None:
        a = result.added
        lines.append(f"Index: added {_n(a.added, 'document')}, replaced {a.replaced}, unchanged {a.unchanged}")
    return "\n".join(lines) + "\n"


def _removal_line(r: dict) -> str:
    dup = r["duplicate_of"]
    where = f"{dup['path']}:{dup['line_start']} [{dup['index']}]"
    if "index_file" in dup:
        where = f"archive {where}"
    preview = " ".join(r["text"].split())
    preview = preview if len(preview) <= 60 else preview[:59] + "…"
    return (f"  {r['doc']}:{r['line_start']} [{r['index']}]  {r['rule']}  ~ {where}  {r['kind']}, similarity "
            f"{r['similarity']:.3f}  {preview}")


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def index_add(
    paths: Annotated[list[str], typer.Argument(help="Files or folders to add to the index.")],
    index: IndexFile,
    threshold: Threshold = Params.threshold,
    num_perm: NumPerm = Params.num_perm,
    seed: Seed = Params.seed,
    shingle_size: ShingleSize = Params.shingle_size,
    min_words: MinWords = Params.min_words,
    include: Include = [],  # noqa: B006
    exclude: Exclude = [],  # noqa: B006
    text_field: TextField = "text",
    hidden: Hidden = False,
) -> None:
    """Add documents to an index (created if missing); a changed document is replaced, an unchanged one skipped."""
    from paradup.index import add_paths

    params = Params(threshold=threshold, num_perm=num_perm, seed=seed, shingle_size=shingle_size, min_words=min_words)
    stats, problems = add_paths(index, paths, params, include=include, exclude=exclude, text_field=text_field,
                                hidden=hidden)
    _warn(problems)
    typer.echo(f"{index}: added {_n(stats.added, 'document')} ({_n(stats.paragraphs, 'paragraph')}), "
               f"replaced {stats.replaced}, unchanged {stats.unchanged}")


def index_info(
    index: IndexFile,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """Show an index's parameters and size."""
    from paradup.index import index_info as read_info

    if fmt not in ("text", "json"):
        raise InputError(f"--format must be one of text, json; got {fmt!r}")
    info = read_info(index)
    if fmt == "json":
        typer.echo(json.dumps(info, indent=2))
        return
    meta = info["meta"]
    typer.echo(f"{info['path']}: paradup index, schema {meta['schema_version']} (paradup {meta['paradup']})")
    typer.echo("  " + ", ".join(f"{k} {v}" for k, v in meta.items() if k not in ("schema_version", "paradup")))
    typer.echo(f"  {_n(info['documents'], 'document')}, {_n(info['paragraphs'], 'paragraph')} "
               f"({info['distinct_texts']:,} distinct), {info['bands']:,} band keys, "
               f"{info['sentences']:,} sentence keys, {info['bytes']:,} bytes")
