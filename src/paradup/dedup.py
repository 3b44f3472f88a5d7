"""Deduplicate a corpus: a cleaned copy of the input, and a ledger of every paragraph removed.

The stages are plain functions:

1. :func:`paradup.pipeline.find_duplicates` finds clusters, blocks and matches
   (and :func:`paradup.index.match_archive` the paragraphs seen in an archive);
2. :func:`rank_paragraphs` orders paragraphs by the ``--keep`` policy: the
   lowest rank of a group of copies survives;
3. :func:`plan_removals` decides what goes, rule by rule (:data:`RULES`);
4. :func:`cut_text` cuts the removed paragraphs, with the blank lines that
   separated them, out of the original text, so every kept paragraph stays
   byte for byte as it was;
5. :func:`write_files` writes the output atomically, and :func:`reconstruct`
   puts the input back together from the output and the ledger.

Which copy survives:

- ``archive``: a paragraph found in ``--against INDEX`` goes (the archive
  holds it), unless it contains the archived one and says more;
- ``boilerplate``: a cluster spread over ``boilerplate_docs`` documents or more
  keeps its first copy (``keep-first``) or loses every copy (``drop-all``);
- ``block``: of a reprinted run of paragraphs, the copy the policy ranks
  lower goes as a unit: every paragraph of it that is aligned with the kept run;
- ``duplicate``: in every cluster the policy's choice stays and the others
  go, except a paragraph that *contains* the kept one (it carries more
  text); then any two survivors that still match directly are settled the
  same way, so that running ``dedup`` on its own output removes nothing.
"""

from __future__ import annotations

import json
import os
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from fnmatch import fnmatch
from pathlib import Path

import numpy as np

from paradup.exact import group_exact
from paradup.inputs import encodable, replace_surrogates
from paradup.matches import Scores, score_pair
from paradup.model import ArchiveMatch, InputError, Params, Report
from paradup.pipeline import Progress, find_duplicates
from paradup.shingles import ShingleBatch
from paradup.sketch import sketch_all

KEEP = ("first", "longest", "newest", "oldest", "priority")
SCOPES = ("within", "across", "both")
BOILERPLATE = ("keep-first", "drop-all")
EMPTY = ("keep-first-paragraph", "keep", "drop")
RULES = ("archive", "boilerplate", "block", "duplicate")
LEDGER_VERSION = 1


@dataclass(frozen=True)
class Policy:
    """How ``dedup`` chooses what survives; validated on creation.

    >>> Policy(keep="random")
    Traceback (most recent call last):
    ...
    paradup.model.InputError: keep must be one of first, longest, newest, oldest, priority; got 'random'
    """

    keep: str = "first"
    date_field: str | None = None
    priority: tuple[str, ...] = ()
    scope: str = "both"
    boilerplate: str = "keep-first"
    boilerplate_docs: int = 5
    empty: str = "keep-first-paragraph"

    def __post_init__(self) -> None:
        for name, allowed in (("keep", KEEP), ("scope", SCOPES), ("boilerplate", BOILERPLATE), ("empty", EMPTY)):
            value = getattr(self, name)
            if value not in allowed:
                raise InputError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
        if self.boilerplate_docs < 2:
            raise InputError(f"boilerplate_docs must be at least 2; got {self.boilerplate_docs}")
        if self.keep == "priority" and not self.priority:
            raise InputError("--keep priority needs the paths in order: --priority PATH (repeat it)")
        object.__setattr__(self, "priority", tuple(self.priority))


@dataclass(frozen=True)
class Removal:
    """One paragraph ``dedup`` removes (global id), the rule, and the copy that justifies it.

    ``source`` is the copy in this run (a paragraph that stays when
    ``source_kept``), ``archive`` the archived copy for the ``archive`` rule.
    """

    paragraph: int
    rule: str
    source: int | None = None
    source_kept: bool = True
    archive: ArchiveMatch | None = None
    cluster: int | None = None
    block: int | None = None
    keep: str | None = None


@dataclass(frozen=True)
class Plan:
    """What to remove, and the documents whose every paragraph was a duplicate.

    ``emptied`` holds ``(doc, action)``, action being the ``--empty`` choice.
    """

    removals: tuple[Removal, ...]
    emptied: tuple[tuple[int, str], ...] = ()

    @property
    def dropped(self) -> frozenset[int]:
        return frozenset(doc for doc, action in self.emptied if action == "drop")


# --- ranking ------------------------------------------------------------------


def rank_paragraphs(report: Report, policy: Policy, dates: np.ndarray | None = None,
                    priority: np.ndarray | None = None) -> np.ndarray:
    """Return each paragraph's rank under ``policy.keep``: of copies, the lowest rank survives.

    Ties go to corpus order.  ``dates`` (one timestamp per document) serve
    ``newest``/``oldest``, ``priority`` (one rank per document) ``priority``.

    >>> from paradup import scan_texts
    >>> r = scan_texts({"a": "Short.", "b": "A longer one."})
    >>> rank_paragraphs(r, Policy(keep="longest")).tolist()
    [1, 0]
    """
    n = len(report.paragraphs)
    doc = np.fromiter((p.doc for p in report.paragraphs), dtype=np.int64, count=n)
    if policy.keep == "longest":
        primary = -np.fromiter((p.char_end - p.char_start for p in report.paragraphs), dtype=np.float64, count=n)
    elif policy.keep in ("newest", "oldest"):
        primary = (-1 if policy.keep == "newest" else 1) * np.asarray(dates, dtype=np.float64)[doc]
    elif policy.keep == "priority":
        primary = np.asarray(priority, dtype=np.float64)[doc]
    else:
        primary = np.zeros(n)
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), primary))] = np.arange(n)
    return rank


# --- planning -----------------------------------------------------------------


def plan_removals(report: Report, policy: Policy, rank: np.ndarray, texts: Texts | None = None) -> Plan:
    """Decide which paragraphs go, and why.

    Args:
        report: The scan of the corpus (``archive`` filled for ``--against``).
        policy: What survives.
        rank: :func:`rank_paragraphs`.
        texts: The paragraphs' normalised texts and shingles (computed when None).
    """
    planner = _Planner(report, policy, rank, texts or Texts.of(report))
    planner.archive()
    planner.boilerplate()
    planner.blocks()
    planner.clusters()
    planner.leftovers()
    emptied = planner.empty()
    return Plan(planner.finish(), tuple(emptied))


@dataclass(frozen=True)
class Texts:
    """Every paragraph's normalised text and shingle set, computed batch by batch as a scan does."""

    norms: list[str]
    shingles: ShingleBatch

    @classmethod
    def of(cls, report: Report) -> Texts:
        sk = sketch_all([p.text for p in report.paragraphs], report.params)
        return cls(sk.norms, ShingleBatch(sk.values, sk.offsets, sk.words, sk.sentence_keys, sk.sentence_ids))

    def scores(self, p: int, q: int, params: Params) -> Scores:
        """Score paragraphs ``p`` and ``q`` (global ids) as the scan verifies a pair."""
        return score_pair(self.norms[p], self.norms[q], self.shingles.set(p), self.shingles.set(q), params)


class _Planner:
    def __init__(self, report: Report, policy: Policy, rank: np.ndarray, texts: Texts) -> None:
        self.report, self.policy, self.rank, self.texts = report, policy, rank, texts
        self.norms = texts.norms
        self.doc = np.fromiter((p.doc for p in report.paragraphs), dtype=np.int64, count=len(report.paragraphs))
        self.first = np.searchsorted(self.doc, np.arange(len(report.documents)))
        self.removed: dict[int, Removal] = {}
        self.cluster_of = {m: c.id for c in report.clusters for m in c.members}
        self.boilerplate_ids: set[int] = set()

    def allowed(self, p: int, q: int) -> bool:
        scope = self.policy.scope
        return scope == "both" or (self.doc[p] == self.doc[q]) == (scope == "within")

    def scores(self, p: int, q: int) -> Scores:
        return self.texts.scores(p, q, self.report.params)

    def contains(self, p: int, q: int) -> bool:
        """Tell whether paragraph ``p`` contains ``q`` and says more (it is then kept)."""
        s = self.scores(p, q)
        return s.kind == "containment" and s.contained == "b"

    def remove(self, p: int, rule: str, source: int | None = None, **extra) -> None:
        if p not in self.removed:
            self.removed[p] = Removal(p, rule, source, cluster=self.cluster_of.get(p), **extra)

    def archive(self) -> None:
        for a in self.report.archive:
            if not (a.kind == "containment" and a.contained == "b"):
                self.remove(a.paragraph, "archive", archive=a)

    def boilerplate(self) -> None:
        if self.policy.scope == "within":
            return
        for c in self.report.clusters:
            if len({int(self.doc[m]) for m in c.members}) < self.policy.boilerplate_docs:
                continue
            self.boilerplate_ids.add(c.id)
            alive = [m for m in c.members if m not in self.removed]
            if self.policy.boilerplate == "drop-all":
                for m in alive:
                    self.remove(m, "boilerplate", next(o for o in c.members if o != m), keep="drop-all")
                continue
            for m in alive[1:]:
                if self.allowed(m, alive[0]) and not self.contains(m, alive[0]):
                    self.remove(m, "boilerplate", alive[0], keep="keep-first")

    def blocks(self) -> None:
        for b in self.report.blocks:
            if not self.allowed(int(self.first[b.a.doc]), int(self.first[b.b.doc])):
                continue
            keep_a = self.span_key(b.a) <= self.span_key(b.b)
            for i, j in b.pairs:
                gone, stays = (self.gid(b.b.doc, j), self.gid(b.a.doc, i)) if keep_a else \
                    (self.gid(b.a.doc, i), self.gid(b.b.doc, j))
                if self.cluster_of.get(gone) not in self.boilerplate_ids:
                    self.remove(gone, "block", stays, block=b.id, keep=self.policy.keep)

    def gid(self, doc: int, index: int) -> int:
        return int(self.first[doc]) + index

    def span_key(self, span) -> tuple:
        ids = range(self.gid(span.doc, span.index_start), self.gid(span.doc, span.index_end) + 1)
        if self.policy.keep == "longest":
            return (-sum(self.report.paragraphs[g].char_end - self.report.paragraphs[g].char_start for g in ids),
                    ids[0])
        return (int(self.rank[ids[0]]),)

    def clusters(self) -> None:
        for c in self.report.clusters:
            if c.id in self.boilerplate_ids:
                continue
            for group in self.groups(c.members):
                self.settle(self.alive(group))

    def groups(self, members: Sequence[int]) -> list[list[int]]:
        if self.policy.scope != "within":
            return [list(members)]
        by_doc: dict[int, list[int]] = {}
        for m in members:
            by_doc.setdefault(int(self.doc[m]), []).append(m)
        return list(by_doc.values())

    def settle(self, alive: list[int]) -> None:
        """Keep the best-ranked of ``alive`` copies, remove the others it may."""
        if len(alive) < 2:
            return
        keeper = min(alive, key=lambda m: self.rank[m])
        for m in alive:
            if m != keeper and self.allowed(m, keeper) and not self.contains(m, keeper):
                self.remove(m, "duplicate", keeper, keep=self.policy.keep)

    def leftovers(self) -> None:
        """Settle survivors that still match directly (copies the clusters kept apart)."""
        nodes = group_exact(self.norms)
        node_of = nodes.node_of
        for members in nodes.members_of(nodes.repeated()):
            for group in self.groups(self.alive(members)):
                self.settle(group)
        edges = []
        for m in self.report.matches:
            if m.kind in ("exact", "passage"):  # a shared passage makes neither paragraph a copy
                continue
            small = node_of[m.a] if m.contained == "a" else node_of[m.b] if m.contained == "b" else -1
            for p, q in self.pairs(nodes.members(node_of[m.a]), nodes.members(node_of[m.b])):
                keep, gone = sorted((p, q), key=lambda g: self.rank[g])
                if not (m.kind == "containment" and node_of[keep] == small):
                    edges.append((int(self.rank[keep]), int(self.rank[gone]), keep, gone))
        for _, _, keep, gone in sorted(edges):
            if keep not in self.removed and gone not in self.removed:
                self.remove(gone, "duplicate", keep, keep=self.policy.keep)

    def alive(self, members: Sequence[int]) -> list[int]:
        return [m for m in members if m not in self.removed]

    def pairs(self, a: Sequence[int], b: Sequence[int]) -> Iterator[tuple[int, int]]:
        """Yield the surviving pairs of ``a`` x ``b`` the scope allows (within: same document only)."""
        by_doc: dict[int, list[int]] = {}
        for q in self.alive(b):
            by_doc.setdefault(int(self.doc[q]), []).append(q)
        for p in self.alive(a):
            candidates = by_doc.get(int(self.doc[p]), []) if self.policy.scope == "within" else self.alive(b)
            yield from ((p, q) for q in candidates if self.allowed(p, q))

    def empty(self) -> list[tuple[int, str]]:
        """Handle documents whose every paragraph would go, as ``--empty`` says."""
        counts = np.bincount(self.doc, minlength=len(self.report.documents))
        gone = np.bincount(self.doc[list(self.removed)], minlength=len(self.report.documents)) \
            if self.removed else np.zeros_like(counts)
        emptied = [int(d) for d in np.flatnonzero((counts > 0) & (gone == counts))]
        for d in emptied:
            first = int(self.first[d])
            if self.policy.empty == "keep":
                for g in range(first, first + int(counts[d])):
                    del self.removed[g]
            elif self.policy.empty == "keep-first-paragraph":
                del self.removed[first]
        return [(d, self.policy.empty) for d in emptied]

    def finish(self) -> tuple[Removal, ...]:
        """Point every removal at a copy that stays, where a chain of removals leads to one."""
        out = []
        for p in sorted(self.removed):
            r = self.removed[p]
            target, seen = r.source, {p}
            while target is not None and target in self.removed and target not in seen:
                seen.add(target)
                target = self.removed[target].source
            if r.source is None or target is None or target in self.removed:
                out.append(Removal(p, r.rule, r.source, r.source is not None and r.source not in self.removed,
                                   r.archive, r.cluster, r.block, r.keep))
            else:
                out.append(Removal(p, r.rule, target, True, r.archive, r.cluster, r.block, r.keep))
        return tuple(out)


# --- cutting ------------------------------------------------------------------


@dataclass(frozen=True)
class Cut:
    """A paragraph cut out of a text, with the separator cut with it.

    ``start``/``end`` are the paragraph's offsets in the original text;
    ``before`` (or ``after``) is the white space removed just before (after)
    it.  Re-inserting ``before + text + after`` at ``start - len(before)``,
    in order of ``start``, gives the original back.
    """

    index: int
    start: int
    end: int
    before: str
    text: str
    after: str


def cut_text(text: str, spans: Sequence[tuple[int, int]], removed: Sequence[int] | set[int]) -> tuple[str, list[Cut]]:
    """Cut paragraphs ``removed`` (indexes into ``spans``) out of ``text``.

    A removed paragraph goes with the blank lines before it, or after it when
    no kept paragraph precedes it; when every paragraph goes, the text goes
    whole.  Kept paragraphs and the separators between them stay as they were.

    >>> text = "A.\\n\\nB.\\n\\n\\nC.\\n"
    >>> cut_text(text, [(0, 2), (4, 6), (9, 11)], {1})[0]
    'A.\\n\\n\\nC.\\n'
    >>> cut_text(text, [(0, 2), (4, 6), (9, 11)], {0})[0]
    'B.\\n\\n\\nC.\\n'
    >>> restore_text(*cut_text(text, [(0, 2), (4, 6), (9, 11)], {0, 1, 2})) == text
    True
    """
    removed = set(removed)
    whole = len(removed) == len(spans)
    cuts, pieces, pos, kept_before = [], [], 0, False
    for i, (start, end) in enumerate(spans):
        if i not in removed:
            kept_before = True
            continue
        prev_end = spans[i - 1][1] if i else 0
        if whole:
            before, after = text[prev_end:start], (text[end:] if i == len(spans) - 1 else "")
        elif kept_before:
            before, after = text[prev_end:start], ""
        else:
            before, after = "", text[end : spans[i + 1][0]]
        cut_start = start - len(before)
        pieces.append(text[pos:cut_start])
        pos = end + len(after)
        cuts.append(Cut(i, start, end, before, text[start:end], after))
    pieces.append(text[pos:])
    return "".join(pieces), cuts


def restore_text(text: str, cuts: Sequence[Cut]) -> str:
    """Put cut paragraphs back: the inverse of :func:`cut_text`."""
    for c in sorted(cuts, key=lambda c: c.start):
        at = c.start - len(c.before)
        text = text[:at] + c.before + c.text + c.after + text[at:]
    return text


def offset_map(raw: str) -> Callable[[int], int]:
    """Map offsets in ``raw`` with its line breaks normalised to ``\\n`` back to offsets in ``raw``.

    >>> f = offset_map("a\\r\\nb")
    >>> f(1), f(2)
    (1, 3)
    """
    at = [m.start() - k for k, m in enumerate(re.finditer("\r\n", raw))]
    return lambda i: i + bisect_left(at, i)


def _ledger_line(row: dict) -> str:
    line = json.dumps(row, ensure_ascii=False)
    return (line if encodable(line) else json.dumps(row)) + "\n"


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- reading the originals -------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A file as it is on disk: its text with line breaks untouched, and how to encode it back."""

    raw: str
    encoding: str = "utf-8"
    bom: bool = False

    def encode(self, text: str) -> bytes:
        return (b"\xef\xbb\xbf" if self.bom else b"") + text.encode(self.encoding)


def read_source(path: str | os.PathLike) -> Source:
    """Read a file's text as :mod:`paradup.inputs` does, but keeping its line breaks and encoding.

    Raises:
        InputError: the bytes do not decode and re-encode to themselves.
    """
    data = Path(path).read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        return Source(data[3 if bom else 0 :].decode("utf-8"), "utf-8", bom)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    raw = str(best).removeprefix("\ufeff") if best is not None else ""
    if best is None or raw.encode(best.encoding, errors="replace") != data:
        raise InputError(f"{path}: cannot write this file back in its own encoding; convert it to UTF-8 first")
    return Source(raw, best.encoding)


def split_lines(text: str) -> list[str]:
    """Split text into lines that keep their ``\\n`` (JSONL lines, as :mod:`paradup.inputs` numbers them).

    >>> split_lines("a\\r\\n\\nb")
    ['a\\r\\n', '\\n', 'b']
    """
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def field_span(line: str, name: str) -> tuple[int, int]:
    """Return where the JSON value of top-level field ``name`` lies in a JSON object line.

    >>> line = '{"id": 1, "text": "a\\\\nb", "x": [1]}'
    >>> start, end = field_span(line, "text"); line[start:end]
    '"a\\\\nb"'
    """
    decoder, i, found = json.JSONDecoder(), _space(line, 0) + 1, None
    while True:
        i = _space(line, i)
        if line[i] == "}":
            break
        key, i = json.decoder.scanstring(line, i + 1)
        start = _space(line, _space(line, i) + 1)
        _, end = decoder.raw_decode(line, start)
        if key == name:
            found = (start, end)
        i = _space(line, end)
        i += line[i] == ","
    if found is None:
        raise InputError(f"no {name!r} field in {line[:60]!r}")
    return found


def _space(line: str, i: int) -> int:
    while i < len(line) and line[i] in " \t\r\n":
        i += 1
    return i


# --- rebuilding files -------------------------------------------------------------


@dataclass(frozen=True)
class FileOut:
    """One output file: its path relative to the output root (None: the output is this file),
    its bytes (None: dropped), the input's size and times, and the ledger rows it adds."""

    path: str | None
    data: bytes | None
    input_size: int
    times: tuple[int, int]
    rows: tuple[dict, ...]


class _Rebuild:
    """Rebuild each input file without its removed paragraphs, collecting the ledger rows."""

    def __init__(self, report: Report, plan: Plan, texts: Texts, root: str, text_field: str,
                 against: str | None) -> None:
        self.report, self.plan, self.texts, self.root, self.text_field = report, plan, texts, root, text_field
        self.against = against
        self.removals = {r.paragraph: r for r in plan.removals}
        self.first = np.searchsorted([p.doc for p in report.paragraphs], np.arange(len(report.documents)))
        self.counts = np.bincount([p.doc for p in report.paragraphs], minlength=len(report.documents))
        self.emptied = dict(plan.emptied)

    def files(self, single: bool) -> Iterator[FileOut]:
        docs_by_path: dict[str, list[int]] = {}
        for i, d in enumerate(self.report.documents):
            docs_by_path.setdefault(d.path, []).append(i)
        for path, docs in docs_by_path.items():
            yield self.file(path, docs, None if single else path)

    def file(self, path: str, docs: list[int], out_path: str | None) -> FileOut:
        disk = os.path.join(self.root, path)
        stat = os.stat(disk)
        source = read_source(disk)
        if self.report.documents[docs[0]].format == "jsonl":
            text, rows = self.jsonl(source, docs)
        else:
            text, rows = self.text(source, docs[0])
        changed = any(r["type"] != "document" or r["action"] == "drop" for r in rows)
        if changed:
            rows.insert(0, {"type": "file", "path": path, "format": self.report.documents[docs[0]].format,
                            "encoding": source.encoding, "bom": source.bom})
        data = None if text is None else source.encode(text) if changed else Path(disk).read_bytes()
        return FileOut(out_path, data, stat.st_size, (stat.st_atime_ns, stat.st_mtime_ns), tuple(rows))

    def text(self, source: Source, doc: int) -> tuple[str | None, list[dict]]:
        document = self.report.documents[doc]
        if _newlines(source.raw) != document.text:
            raise InputError(f"{document.path} changed while paradup was reading it; run dedup again")
        new, cuts = self.cut(source.raw, doc)
        rows = self.events(doc) + [self.row(doc, c, source) for c in cuts]
        return (None if doc in self.plan.dropped else new), rows

    def jsonl(self, source: Source, docs: list[int]) -> tuple[str, list[dict]]:
        lines = split_lines(source.raw)
        records = [n for n, line in enumerate(lines) if line.strip()]
        rows: list[dict] = []
        for doc in docs:
            document = self.report.documents[doc]
            n = records[document.record]
            start, end = field_span(lines[n], self.text_field)
            token = lines[n][start:end]
            value = json.loads(token)
            if replace_surrogates(_newlines(value)) != document.text:  # as the scan read it (inputs)
                raise InputError(f"{document.path}:{n + 1} changed while paradup was reading it; run dedup again")
            new, cuts = self.cut(value, doc)
            extra = {"record": document.record, "line": n + 1, "ascii": token.isascii()}
            rows += self.events(doc, lines[n] if doc in self.plan.dropped else None, n + 1)
            rows += [self.row(doc, c, source, extra) for c in cuts]
            if doc in self.plan.dropped:
                lines[n] = ""
            elif cuts:
                lines[n] = lines[n][:start] + json.dumps(new, ensure_ascii=token.isascii()) + lines[n][end:]
        return "".join(lines), rows

    def cut(self, raw: str, doc: int) -> tuple[str, list[Cut]]:
        first, count = int(self.first[doc]), int(self.counts[doc])
        to_raw = offset_map(raw)
        paragraphs = self.report.paragraphs[first : first + count]
        spans = [(to_raw(p.char_start), to_raw(p.char_end)) for p in paragraphs]
        removed = {g - first for g in range(first, first + count) if g in self.removals}
        return cut_text(raw, spans, removed) if removed else (raw, [])

    def events(self, doc: int, original: str | None = None, line: int | None = None) -> list[dict]:
        if doc not in self.emptied:
            return []
        d = self.report.documents[doc]
        row = {"type": "document", "path": d.path, "doc": d.id, "record": d.record, "line": line,
               "action": self.emptied[doc], "reason": "every paragraph is a duplicate"}
        return [row | ({"original": original} if original is not None else {})]

    def row(self, doc: int, cut: Cut, source: Source, extra: dict | None = None) -> dict:
        gid = int(self.first[doc]) + cut.index
        r, p, d = self.removals[gid], self.report.paragraphs[gid], self.report.documents[doc]
        return {"type": "paragraph", "path": d.path, "doc": d.id, "record": None, "line": None, "ascii": None,
                **(extra or {}), "index": p.index, "line_start": p.line_start, "line_end": p.line_end,
                "char_start": cut.start, "char_end": cut.end, "before": cut.before, "text": cut.text,
                "after": cut.after, "words": p.words, "rule": r.rule, "keep": r.keep, **self.scores(r),
                "duplicate_of": self.target(r), "cluster": r.cluster, "block": r.block}

    def scores(self, r: Removal) -> dict:
        if r.archive is not None:
            a = r.archive
            return {"kind": a.kind, "similarity": a.similarity, "jaccard": a.jaccard, "containment": a.containment}
        s = self.texts.scores(r.paragraph, r.source, self.report.params)
        return {"kind": s.kind or "linked", "similarity": round(s.similarity, 4), "jaccard": round(s.jaccard, 4),
                "containment": round(s.containment, 4)}

    def target(self, r: Removal) -> dict:
        if r.archive is not None:
            a = r.archive
            return {"index_file": self.against, "path": a.archive_path, "doc": a.archive_doc,
                    "index": a.archive_index, "line_start": a.archive_line_start, "kept": True}
        q = self.report.paragraphs[r.source]
        d = self.report.documents[q.doc]
        return {"path": d.path, "doc": d.id, "index": q.index, "line_start": q.line_start, "kept": r.source_kept}


# --- writing ----------------------------------------------------------------------


class AtomicOutput:
    """Build the output beside its final place (a hidden temporary file or folder) and move it in at the end.

    A crash or Ctrl-C before :meth:`commit` leaves the previous output, or
    none; an existing folder is renamed away, the new one renamed in, then
    the old one deleted.
    """

    def __init__(self, out: Path, folder: bool) -> None:
        self.out, self.folder, self.count = out, folder, 0
        self.die_after = int(os.environ.get("PARADUP_TEST_DIE_AFTER_FILES", "0") or 0)

    def __enter__(self) -> AtomicOutput:
        import tempfile

        prefix = f".{self.out.name}."
        if self.folder:
            self.tmp = Path(tempfile.mkdtemp(prefix=prefix, suffix=".tmp", dir=self.out.parent))
        else:
            fd, name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=self.out.parent)
            os.close(fd)
            self.tmp = Path(name)
        return self

    def write(self, path: str | None, data: bytes, times: tuple[int, int]) -> None:
        target = self.tmp / path if self.folder and path else self.tmp
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        os.utime(target, ns=times)  # a mirror keeps modification times (and --keep newest its order)
        self.count += 1
        if self.count == self.die_after:  # tests: die like a killed process, mid-run
            import signal

            os.kill(os.getpid(), signal.SIGKILL)

    def commit(self) -> None:
        _permissions(self.tmp, self.folder)
        if not self.folder:
            os.replace(self.tmp, self.out)
            return
        old = None
        if self.out.is_dir() and any(self.out.iterdir()):
            old = self.out.with_name(f".{self.out.name}.{os.getpid()}.old")
            os.rename(self.out, old)
        elif self.out.is_dir():
            self.out.rmdir()
        os.rename(self.tmp, self.out)
        if old is not None:
            import shutil

            shutil.rmtree(old)

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is not None and self.tmp.exists():
            import shutil

            shutil.rmtree(self.tmp) if self.folder else self.tmp.unlink()


def _permissions(tmp: Path, folder: bool) -> None:
    """Give the output the modes of a plain new file or folder (mkstemp/mkdtemp make them private)."""
    umask = os.umask(0)
    os.umask(umask)
    if folder:
        for dirpath, _, _ in os.walk(tmp):
            os.chmod(dirpath, 0o777 & ~umask)
    for file in (tmp.rglob("*") if folder else [tmp]):
        if file.is_file():
            os.chmod(file, 0o666 & ~umask)


# --- the whole run ------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Where the output and the ledger go; ``folder`` unless one input file makes one output file."""

    out: Path
    folder: bool
    ledger: Path


@dataclass(frozen=True)
class DedupResult:
    """What a ``dedup`` run removed (or would remove, for a dry run) and wrote."""

    report: Report
    plan: Plan
    target: Target
    rows: tuple[dict, ...]
    files: int
    bytes_saved: int
    dry_run: bool
    added: object | None = None  # paradup.index.AddStats after --update

    @property
    def removed(self) -> tuple[dict, ...]:
        return tuple(r for r in self.rows if r["type"] == "paragraph")

    @property
    def emptied(self) -> tuple[dict, ...]:
        return tuple(r for r in self.rows if r["type"] == "document")


def dedup(
    paths: Sequence[str],
    out: str | os.PathLike,
    params: Params | None = None,
    policy: Policy | None = None,
    *,
    ledger: str | os.PathLike | None = None,
    dry_run: bool = False,
    force: bool = False,
    against: str | os.PathLike | None = None,
    update: bool = False,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    text_field: str = "text",
    hidden: bool = False,
    progress: Progress | None = None,
    jobs: int = 1,
) -> DedupResult:
    """Write a copy of the corpus without its duplicate paragraphs, and a ledger of what went.

    This is ``paradup dedup``.  The input is never modified.  With
    ``dry_run`` nothing is written.  ``against`` checks the corpus against an
    index of an archive; ``update`` then adds the output to that index.

    Raises:
        InputError: bad input or options, HTML or standard input, an output
            that is (or is inside, or holds) an input, or an existing
            non-empty output without ``force``.
    """
    from paradup.index import add_paths, match_archive
    from paradup.inputs import read_documents

    params, policy = params or Params(), policy or Policy()
    if update and against is None:
        raise InputError("--update needs --against INDEX: the index to add the output to")
    documents, problems, root = read_documents(paths, include=include, exclude=exclude, text_field=text_field,
                                               hidden=hidden)
    _check_documents(documents)
    single = len(paths) == 1 and os.path.isfile(paths[0])
    target = check_target(paths, Path(out), ledger, single, force=force, dry_run=dry_run)
    report = find_duplicates(documents, params, problems, root, progress, jobs=jobs)
    report = match_archive(report, against, create=update)
    rank = rank_paragraphs(report, policy, _dates(report, root, policy, text_field), _priority(report, root, policy))
    texts = Texts.of(report)
    plan = plan_removals(report, policy, rank, texts)
    rebuild = _Rebuild(report, plan, texts, root, text_field, None if against is None else str(against))
    header = _header(report, policy, target, documents[0].path if single else None, text_field)
    rows, files, saved = _write(rebuild.files(single), target, dry_run, header)
    added = None
    if update and not dry_run:
        added, _ = add_paths(against, [str(target.out)], params, text_field=text_field, hidden=True)
    return DedupResult(report, plan, target, rows, files, saved, dry_run, added)


def _write(files: Iterator[FileOut], target: Target, dry_run: bool, header: dict) -> tuple[tuple[dict, ...], int,
                                                                                             int]:
    rows, count, saved = [header], 0, 0
    if dry_run:
        for f in files:
            rows += f.rows
            count += f.data is not None
            saved += f.input_size - (len(f.data) if f.data is not None else 0)
        return tuple(rows[1:]), count, saved
    with AtomicOutput(target.out, target.folder) as output, AtomicOutput(target.ledger, False) as ledger:
        for f in files:
            rows += f.rows
            saved += f.input_size - (len(f.data) if f.data is not None else 0)
            if f.data is not None:
                output.write(f.path, f.data, f.times)
        count = output.count
        # A row quoting a lone surrogate (a JSONL record's "\\ud800") is written with escapes: UTF-8 cannot hold it.
        ledger.tmp.write_text("".join(_ledger_line(r) for r in rows), encoding="utf-8")
        output.commit()
        ledger.commit()
    return tuple(rows[1:]), count, saved


def _header(report: Report, policy: Policy, target: Target, single: str | None, text_field: str) -> dict:
    from paradup import __version__

    return {"type": "run", "ledger_version": LEDGER_VERSION, "paradup": __version__,
            "output": "folder" if target.folder else "file", "input": single, "text_field": text_field,
            "policy": asdict(policy), "params": asdict(report.params)}


def _check_documents(documents) -> None:
    for d in documents:
        if d.path == "-":
            raise InputError("dedup reads files and folders, not standard input (it writes a copy of each file)")
        if d.format == "html":
            raise InputError(f"{d.path}: dedup writes .txt, .md and .jsonl; convert HTML first (or --exclude '*.html')")


def check_target(paths: Sequence[str], out: Path, ledger: str | os.PathLike | None, single: bool, *,
                 force: bool = False, dry_run: bool = False) -> Target:
    """Check where ``dedup`` may write, before any work is done.

    Raises:
        InputError: the output is an input, lies inside an input folder,
            holds an input or the current folder, has the wrong kind (file or
            folder), or exists and is not empty (without ``force``).
    """
    kind = "file" if single else "folder"
    if single and out.is_dir():
        raise InputError(f"--out {out} is a folder; one input file gives one output file: name a file")
    if not single and out.exists() and not out.is_dir():
        raise InputError(f"--out {out} is a file; a folder of documents gives a folder: name a folder")
    _check_not_input(out, "--out", paths)
    ledger_path = Path(ledger) if ledger is not None else out.with_name(
        (out.name if not single else out.stem) + ".ledger.jsonl")
    for path, option in ((out, "--out"), (ledger_path, "--ledger")):
        if not path.parent.is_dir():
            raise InputError(f"{option} {path}: folder {path.parent} does not exist")
        _check_not_input(path, option, paths)
    if not single and (ledger_path.resolve() == out.resolve() or out.resolve() in ledger_path.resolve().parents):
        raise InputError(f"--ledger {ledger_path} is inside the output {out}; put it beside the output")
    if not dry_run and not force:
        for path, option in ((out, "--out"), (ledger_path, "--ledger")):
            if path.is_dir() and any(path.iterdir()) or path.is_file() and path.stat().st_size:
                raise InputError(f"{option} {path} exists and is not empty; add --force to replace it")
    return Target(out, kind == "folder", ledger_path)


def _check_not_input(path: Path, option: str, inputs: Sequence[str]) -> None:
    resolved = path.resolve()
    here = Path.cwd().resolve()
    if resolved == here or resolved in here.parents:
        raise InputError(f"{option} {path} is the current folder or holds it; name a new folder")
    for name in inputs:
        if name == "-":
            continue
        source = Path(name).resolve()
        if resolved == source or (source.is_dir() and source in resolved.parents):
            raise InputError(f"{option} {path} is inside the input {name}; paradup never writes into its input")
        if resolved in source.parents:
            raise InputError(f"{option} {path} holds the input {name}; name an output outside the input")


def _dates(report: Report, root: str, policy: Policy, text_field: str) -> np.ndarray | None:
    """Return a timestamp per document for newest/oldest: the JSONL ``date_field``, else the file's mtime."""
    if policy.keep not in ("newest", "oldest"):
        return None
    lines: dict[str, list[str]] = {}
    out = []
    for d in report.documents:
        disk = os.path.join(root, d.path)
        if d.format != "jsonl" or policy.date_field is None:
            out.append(os.stat(disk).st_mtime)
            continue
        if d.path not in lines:
            lines[d.path] = [line for line in split_lines(read_source(disk).raw) if line.strip()]
        record = json.loads(lines[d.path][d.record])
        if policy.date_field not in record:
            raise InputError(f"{d.path}: record {d.id} has no {policy.date_field!r} field (--date-field)")
        out.append(parse_date(record[policy.date_field], f"{d.path}: record {d.id}"))
    return np.array(out, dtype=np.float64)


def parse_date(value, where: str = "date") -> float:
    """Return a date field as a POSIX timestamp: a number as is, or an ISO 8601 string (UTC if no zone).

    >>> parse_date("1970-01-02"), parse_date("1970-01-01T00:00:10Z"), parse_date(5)
    (86400.0, 10.0, 5.0)
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return (parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)).timestamp()
    raise InputError(f"{where}: {value!r} is not a date (use ISO 8601, e.g. 2024-05-31, or a number)")


def _priority(report: Report, root: str, policy: Policy) -> np.ndarray | None:
    """Return each document's rank in ``--priority`` (unlisted documents rank last)."""
    if policy.keep != "priority":
        return None
    abs_root = os.path.abspath(root)
    ranks = np.full(len(report.documents), len(policy.priority), dtype=np.int64)
    for i, pattern in reversed(list(enumerate(policy.priority))):
        rel = Path(os.path.relpath(os.path.abspath(pattern), abs_root)).as_posix()
        hits = [j for j, d in enumerate(report.documents)
                if d.path == rel or d.path.startswith(rel.rstrip("/") + "/") or fnmatch(d.path, pattern)
                or fnmatch(d.path, rel)]
        if not hits:
            raise InputError(f"--priority {pattern} matches no document (paths are relative to {root})")
        ranks[hits] = i
    return ranks


# --- putting the input back -------------------------------------------------------


def reconstruct(out: str | os.PathLike, ledger: str | os.PathLike) -> dict[str, bytes]:
    """Rebuild the input files' bytes from a ``dedup`` output and its ledger.

    Returns:
        Every input file dedup read, by its path relative to the input root.
    """
    rows = [json.loads(line) for line in Path(ledger).read_text(encoding="utf-8").splitlines() if line]
    header, out = rows[0], Path(out)
    if header["output"] == "file":
        files = {header["input"]: out.read_bytes() if out.exists() else None}
    else:
        files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    for info in (r for r in rows if r["type"] == "file"):
        path = info["path"]
        mine = [r for r in rows if r["type"] in ("paragraph", "document") and r["path"] == path]
        source = Source("", info["encoding"], info["bom"])
        data = files.get(path)
        raw = "" if data is None else data[3 if info["bom"] else 0 :].decode(info["encoding"])
        if info["format"] == "jsonl":
            raw = _restore_jsonl(raw, mine, header["text_field"])
        else:
            raw = restore_text(raw, [_cut_of(r) for r in mine if r["type"] == "paragraph"])
        files[path] = source.encode(raw)
    return files


def _restore_jsonl(raw: str, rows: list[dict], text_field: str) -> str:
    lines = split_lines(raw)
    dropped = sorted((r["line"], r["original"]) for r in rows if r["type"] == "document" and "original" in r)
    for line, original in dropped:
        lines.insert(line - 1, original)
    gone = {line for line, _ in dropped}
    by_line: dict[int, list[dict]] = {}
    for r in rows:
        if r["type"] == "paragraph" and r["line"] not in gone:
            by_line.setdefault(r["line"], []).append(r)
    for line, mine in by_line.items():
        start, end = field_span(lines[line - 1], text_field)
        value = restore_text(json.loads(lines[line - 1][start:end]), [_cut_of(r) for r in mine])
        lines[line - 1] = lines[line - 1][:start] + json.dumps(value, ensure_ascii=mine[0]["ascii"]) + \
            lines[line - 1][end:]
    return "".join(lines)


def _cut_of(row: dict) -> Cut:
    return Cut(row["index"], row["char_start"], row["char_end"], row["before"], row["text"], row["after"])
