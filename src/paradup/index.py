"""An on-disk index of an archive: check new documents against it without re-reading it.

The index is one SQLite file (the standard library's ``sqlite3``), in WAL
mode.  Writers take the lock up front (``BEGIN IMMEDIATE``) and wait up to
``busy_timeout`` for each other, so two ``paradup index add`` runs on one file
are safe; an add is one transaction, all or nothing.  Tables:

- ``meta(key, value)``: ``schema_version``, ``paradup`` version, and every
  parameter the stored keys depend on (:data:`CHECKED`).  Opening the index
  with other parameters is an error that names the parameter.
- ``documents(id, path, doc, digest, paragraphs, added)``: ``path`` is the file
  as the user named it (folder argument joined with the relative path),
  ``doc`` the document id (a JSONL record's id), ``digest`` a 64-bit BLAKE2b hash of
  the text.  Adding a ``(path, doc)`` again skips it when the text is
  unchanged and replaces it when it changed.
- ``paragraphs(id, document, idx, line_start, norm_hash, words, text)``:
  ``idx`` is the 0-based paragraph index, ``text`` the normalised text
  (verification recomputes shingles from it), ``norm_hash`` its 64-bit BLAKE2b hash as
  a signed 64-bit integer (exact lookups).
- ``bands(key, paragraph)``: one LSH band key per band of every paragraph of
  at least ``min_words`` words, the band number mixed into the key.
- ``sentences(key, paragraph)``: hashes of whole sentences of at least
  ``min_words`` words, which find split and quoted paragraphs (as
  :func:`paradup.pipeline.sentence_keys` does within a run).

A query looks every key up in batches (``json_each`` of up to 50,000 keys per
statement) and verifies each candidate with :func:`paradup.matches.score_pair`.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from paradup.arrays import ranges
from paradup.candidates import band_keys
from paradup.exact import group_exact
from paradup.matches import score_pair
from paradup.model import ArchiveMatch, Document, InputError, InputProblem, Paragraph, Params, Report, match_strength
from paradup.paragraphs import split_paragraphs
from paradup.shingles import shingle_batch
from paradup.sketch import sketch_all

SCHEMA_VERSION = 1
#: Parameters the stored keys depend on: an index only answers runs that use the same.
CHECKED = ("num_perm", "seed", "shingle_size", "scheme", "hash", "bands", "rows", "min_words")
_BATCH = 50_000  # keys per json_each statement
_DOCS_PER_CHUNK = 2_000  # documents signed at a time while adding
_BUSY_MS = 30_000
_HEADER = b"SQLite format 3\x00"
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY, path TEXT NOT NULL, doc TEXT NOT NULL, digest INTEGER NOT NULL,
    paragraphs INTEGER NOT NULL, added TEXT NOT NULL, UNIQUE (path, doc));
CREATE TABLE IF NOT EXISTS paragraphs (
    id INTEGER PRIMARY KEY, document INTEGER NOT NULL, idx INTEGER NOT NULL, line_start INTEGER NOT NULL,
    norm_hash INTEGER NOT NULL, words INTEGER NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS paragraphs_norm_hash ON paragraphs (norm_hash);
CREATE INDEX IF NOT EXISTS paragraphs_document ON paragraphs (document);
CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, paragraph INTEGER NOT NULL,
    PRIMARY KEY (key, paragraph)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sentences (key INTEGER NOT NULL, paragraph INTEGER NOT NULL,
    PRIMARY KEY (key, paragraph)) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class Keys:
    """What the index stores and looks up for a batch of paragraphs (one row each).

    ``band_key``/``band_row`` and ``sentence_key``/``sentence_row`` are
    parallel arrays: the key, and the row of the paragraph that carries it.
    """

    norms: tuple[str, ...]
    norm_hash: np.ndarray
    words: np.ndarray
    band_key: np.ndarray
    band_row: np.ndarray
    sentence_key: np.ndarray
    sentence_row: np.ndarray

    def select(self, rows: np.ndarray) -> Keys:
        """Return the keys of ``rows`` only, renumbered ``0 .. len(rows) - 1``."""
        position = np.full(len(self.norms), -1, dtype=np.int64)
        position[rows] = np.arange(rows.size)
        bands, sentences = position[self.band_row], position[self.sentence_row]
        return Keys(tuple(self.norms[r] for r in rows.tolist()), self.norm_hash[rows], self.words[rows],
                    self.band_key[bands >= 0], bands[bands >= 0], self.sentence_key[sentences >= 0],
                    sentences[sentences >= 0])


@dataclass(frozen=True)
class AddStats:
    """What one ``add`` did: documents new, replaced (text changed) and unchanged (skipped)."""

    added: int
    replaced: int
    unchanged: int
    paragraphs: int


def compute_keys(texts: Sequence[str], params: Params, jobs: int = 1) -> Keys:
    """Return the normalised texts, hashes, band keys and sentence keys of paragraph texts.

    The sketches are :func:`paradup.sketch.sketch_all`'s, as in a scan.
    Paragraphs under ``min_words`` words get no band or sentence key: they
    are matched exactly only, as in a scan.

    >>> k = compute_keys(["One two three four five six seven eight nine.", "Short."], Params())
    >>> k.words.tolist(), int(k.band_row.max()), k.band_key.size == Params().bands
    ([9, 1], 0, True)
    """
    sketch = sketch_all(list(texts), params, jobs)
    words = np.asarray(sketch.words, dtype=np.int64)
    hashes = np.fromiter((text_hash(n) for n in sketch.norms), dtype=np.int64, count=len(sketch.norms))
    long = words >= params.min_words
    carriers = np.flatnonzero(long)
    keys = mix_bands(band_keys(sketch.signatures[carriers], params.bands, params.rows))
    with_sentence = long[sketch.sentence_ids] if sketch.sentence_ids.size else np.zeros(0, dtype=bool)
    return Keys(tuple(sketch.norms), hashes, words, keys.reshape(-1), np.repeat(carriers, params.bands),
                sketch.sentence_keys[with_sentence].astype(np.uint64).view(np.int64),
                sketch.sentence_ids[with_sentence].astype(np.int64))


def mix_bands(keys: np.ndarray) -> np.ndarray:
    """Fold the band number into ``[n, bands]`` uint64 band keys: one int64 key column.

    >>> mix_bands(np.zeros((1, 2), dtype=np.uint64)).dtype
    dtype('int64')
    """
    bands = np.arange(1, keys.shape[1] + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        return ((keys ^ (bands * _GOLDEN)) * np.uint64(0xFF51AFD7ED558CCD)).view(np.int64)


def text_hash(text: str) -> int:
    """Return a 64-bit hash of a text (BLAKE2b), as the signed integer SQLite stores.

    >>> text_hash("a b") == text_hash("a b") != text_hash("a c")
    True
    """
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


class Index:
    """An open index; use :func:`open_index`, and close it (it is a context manager)."""

    def __init__(self, path: Path, connection: sqlite3.Connection, params: Params | None, meta: dict[str, str]):
        self.path = path
        self.params = params
        self.meta = meta
        self._con = connection

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._con.close()

    # --- writing -------------------------------------------------------------

    def add(self, documents: Sequence[Document], root: str = ".", jobs: int = 1) -> AddStats:
        """Add documents in one transaction; ``root`` is joined to each document's path.

        A document already in the index (same path and id) is skipped when its
        text is unchanged and replaced when it changed.
        """
        params = self._require_params()
        entries = [(_stored_path(root, d.path), d.id, text_hash(d.text), d) for d in documents]
        with self._errors(), self._transaction("BEGIN IMMEDIATE"):
            known = self._known({path for path, *_ in entries})
            fresh = [e for e in entries if known.get((e[0], e[1]), (None, None))[1] != e[2]]
            stale = [known[(e[0], e[1])][0] for e in fresh if (e[0], e[1]) in known]
            self._delete(stale)
            count = 0
            for start in range(0, len(fresh), _DOCS_PER_CHUNK):
                count += self._insert(fresh[start : start + _DOCS_PER_CHUNK], params, jobs)
        return AddStats(len(fresh) - len(stale), len(stale), len(entries) - len(fresh), count)

    def _known(self, paths: set[str]) -> dict[tuple[str, str], tuple[int, int]]:
        known = {}
        for chunk in _chunks(sorted(paths)):
            rows = self._con.execute(
                "SELECT d.id, d.path, d.doc, d.digest FROM json_each(?) AS j JOIN documents AS d ON d.path = j.value",
                (json.dumps(chunk),))
            known.update({(path, doc): (i, digest) for i, path, doc, digest in rows})
        return known

    def _delete(self, documents: list[int]) -> None:
        if not documents:
            return
        # bands and sentences have no index on paragraph: one scan for the whole batch.
        for chunk in _chunks(documents):
            ids = "(SELECT p.id FROM json_each(?) AS j JOIN paragraphs AS p ON p.document = j.value)"
            for table in ("bands", "sentences"):
                self._con.execute(f"DELETE FROM {table} WHERE paragraph IN {ids}", (json.dumps(chunk),))
            self._con.execute("DELETE FROM paragraphs WHERE document IN (SELECT value FROM json_each(?))",
                              (json.dumps(chunk),))
            self._con.execute("DELETE FROM documents WHERE id IN (SELECT value FROM json_each(?))",
                              (json.dumps(chunk),))

    def _insert(self, entries: list, params: Params, jobs: int) -> int:
        doc_base = self._next_id("documents")
        para_base = self._next_id("paragraphs")
        paragraphs: list[Paragraph] = []
        owners: list[int] = []
        added = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        doc_rows = []
        for offset, (path, doc, digest, document) in enumerate(entries):
            found = split_paragraphs(document.text, offset)
            paragraphs += found
            owners += [doc_base + offset] * len(found)
            doc_rows.append((doc_base + offset, path, doc, digest, len(found), added))
        keys = compute_keys([p.text for p in paragraphs], params, jobs)
        self._con.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)", doc_rows)
        self._con.executemany("INSERT INTO paragraphs VALUES (?, ?, ?, ?, ?, ?, ?)", (
            (para_base + row, owners[row], p.index, p.line_start, int(keys.norm_hash[row]), int(keys.words[row]),
             keys.norms[row]) for row, p in enumerate(paragraphs)))
        for table, key, row in (("bands", keys.band_key, keys.band_row), ("sentences", keys.sentence_key,
                                                                           keys.sentence_row)):
            order = np.lexsort((row, key))  # sorted keys insert into the b-tree in order
            pairs = zip(key[order].tolist(), (row[order] + para_base).tolist(), strict=True)
            self._con.executemany(f"INSERT OR IGNORE INTO {table} VALUES (?, ?)", pairs)
        return len(paragraphs)

    def _next_id(self, table: str) -> int:
        return self._con.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").fetchone()[0]

    # --- reading -------------------------------------------------------------

    def find(self, paragraphs: Sequence[Paragraph], jobs: int = 1) -> list[ArchiveMatch]:
        """Return the best archive match of each paragraph that has one, in paragraph order.

        ``ArchiveMatch.paragraph`` is the position in ``paragraphs``.  Side
        ``a`` of the scores is the new paragraph, ``b`` the archived one: a
        ``contained`` of ``"a"`` means the new paragraph lies inside the
        archived one.  An exact copy beats any near match; otherwise the
        strongest match wins, ties going to the earliest archived paragraph.
        """
        params = self._require_params()
        every = compute_keys([p.text for p in paragraphs], params, jobs)
        nodes = group_exact(every.norms)
        if not nodes.count:
            return []
        keys = every.select(nodes.reps)  # one row per node
        with self._errors(), self._transaction("BEGIN"):
            best = self._exact(keys)
            pairs = self._candidates(keys, best, params)
            rows = self._archive_rows(sorted({a for a in best.values()} | set(pairs[:, 1].tolist())))
        found = {node: (("exact", 1.0, 1.0, 1.0, None), archived) for node, archived in best.items()
                 if rows.get(archived, ("",))[0] == keys.norms[node]}
        found.update(_verify(pairs, keys, rows, params))
        out = []
        for node, (scores, archived) in found.items():
            _, path, doc, idx, line = rows[archived]
            kind, sim, jac, con, contained = scores
            out += [ArchiveMatch(gid, doc, path, idx, line, kind, sim, jac, con, contained)
                    for gid in nodes.members(node)]
        return sorted(out, key=lambda m: m.paragraph)

    def _exact(self, keys: Keys) -> dict[int, int]:
        """Return node -> the first archived paragraph with the same normalised-text hash."""
        hits: dict[int, int] = {}
        for chunk in _chunks(sorted(set(keys.norm_hash.tolist()))):
            hits.update(self._con.execute(
                "SELECT j.value, (SELECT p.id FROM paragraphs AS p WHERE p.norm_hash = j.value ORDER BY p.id LIMIT 1)"
                " FROM json_each(?) AS j", (json.dumps(chunk),)))
        return {node: hits[h] for node, h in enumerate(keys.norm_hash.tolist()) if hits.get(h) is not None}

    def _candidates(self, keys: Keys, exact: dict[int, int], params: Params) -> np.ndarray:
        """Return ``[m, 2]`` (node, archived paragraph) pairs sharing a band or a sentence.

        Nodes with an exact copy are skipped; each node keeps its
        ``max_bucket`` candidates that share the most keys.
        """
        found = []
        for table, key, row in (("bands", keys.band_key, keys.band_row),
                                ("sentences", keys.sentence_key, keys.sentence_row)):
            wanted = ~np.isin(row, np.fromiter(exact, dtype=np.int64, count=len(exact)))
            found.append(self._lookup(table, key[wanted], row[wanted]))
        pairs = np.concatenate(found)
        if not len(pairs):
            return pairs
        pairs, shared = np.unique(pairs, axis=0, return_counts=True)
        order = np.lexsort((pairs[:, 1], -shared, pairs[:, 0]))
        pairs = pairs[order]
        first = np.searchsorted(pairs[:, 0], pairs[:, 0], side="left")
        return pairs[np.arange(len(pairs)) - first < params.max_bucket]

    def _lookup(self, table: str, key: np.ndarray, row: np.ndarray) -> np.ndarray:
        order = np.argsort(key, kind="stable")
        key, row = key[order], row[order]
        unique = key[np.r_[True, key[1:] != key[:-1]]] if key.size else key  # sorted: no hash-based unique
        hit_keys, hit_ids = [], []
        for chunk in _chunks(unique.tolist()):
            for k, paragraph in self._con.execute(
                    f"SELECT j.value, t.paragraph FROM json_each(?) AS j JOIN {table} AS t ON t.key = j.value",
                    (json.dumps(chunk),)):
                hit_keys.append(k)
                hit_ids.append(paragraph)
        if not hit_keys:
            return np.empty((0, 2), dtype=np.int64)
        hit_keys_arr, hit_ids_arr = np.array(hit_keys, dtype=np.int64), np.array(hit_ids, dtype=np.int64)
        lo, hi = np.searchsorted(key, hit_keys_arr, "left"), np.searchsorted(key, hit_keys_arr, "right")
        counts = hi - lo
        return np.stack([row[ranges(lo, counts)], np.repeat(hit_ids_arr, counts)], axis=1)

    def _archive_rows(self, ids: list[int]) -> dict[int, tuple[str, str, str, int, int]]:
        rows = {}
        for chunk in _chunks(ids):
            for pid, text, path, doc, idx, line in self._con.execute(
                    "SELECT p.id, p.text, d.path, d.doc, p.idx, p.line_start FROM json_each(?) AS j"
                    " JOIN paragraphs AS p ON p.id = j.value JOIN documents AS d ON d.id = p.document",
                    (json.dumps(chunk),)):
                rows[pid] = (text, path, doc, idx, line)
        return rows

    def info(self) -> dict:
        """Return the stored parameters and the number of documents, paragraphs and keys."""
        with self._errors():
            count = {t: self._con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                     for t in ("documents", "paragraphs", "bands", "sentences")}
            distinct = self._con.execute("SELECT COUNT(DISTINCT norm_hash) FROM paragraphs").fetchone()[0]
        return {"path": str(self.path), "meta": dict(self.meta), **count, "distinct_texts": distinct,
                "bytes": self.path.stat().st_size}

    # --- plumbing ------------------------------------------------------------

    def _require_params(self) -> Params:
        if self.params is None:
            raise InputError("open the index with the run's parameters to add or look up paragraphs")
        return self.params

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[None]:
        self._con.execute(begin)
        try:
            yield
        except BaseException:
            self._con.execute("ROLLBACK")
            raise
        self._con.execute("COMMIT")

    @contextmanager
    def _errors(self) -> Iterator[None]:
        with _sqlite_errors(self.path):
            yield


def open_index(path: str | os.PathLike, params: Params | None = None, create: bool = False) -> Index:
    """Open (or with ``create``, create) the index at ``path``.

    Args:
        path: The index file.
        params: The run's parameters; they must equal the stored ones
            (:data:`CHECKED`).  None opens the index for :meth:`Index.info` only.
        create: Create the file if it does not exist (or is empty).

    Raises:
        InputError: no such index (without ``create``), not a paradup index,
            damaged, built by a newer paradup, or built with other parameters.
    """
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a paradup index")
    fresh = not path.exists() or path.stat().st_size == 0
    if fresh and not create:
        raise InputError(f"no such index: {path} (create it with: paradup index add PATHS --index {path})")
    if fresh and not path.parent.is_dir():
        raise InputError(f"cannot create index {path}: folder {path.parent} does not exist")
    if fresh and params is not None and not path.exists():
        fresh = not _create_whole(path, params)
    if not fresh:
        _check_header(path)
    with _sqlite_errors(path):
        con = sqlite3.connect(path, isolation_level=None, timeout=_BUSY_MS / 1000)
        try:
            meta = _prepare(con, path, params, create)
        except BaseException:
            con.close()
            raise
    if params is not None:
        _check_params(path, meta, params)
    return Index(path, con, params, meta)


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as f:
            head = f.read(len(_HEADER))
    except OSError as exc:
        raise InputError(f"cannot read index {path} ({exc.strerror or exc})") from None
    if head != _HEADER:
        raise InputError(f"{path} is not a paradup index (not an SQLite database)")


def _prepare(con: sqlite3.Connection, path: Path, params: Params | None, create: bool) -> dict[str, str]:
    con.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
    # One query, so a writer creating the index meanwhile cannot be seen half-way
    # (tables counted after it committed, meta looked for before).
    tables, has_meta = con.execute("SELECT COUNT(*), COALESCE(SUM(type = 'table' AND name = 'meta'), 0) FROM sqlite_master").fetchone()
    if not has_meta:
        if tables or not create or params is None:
            raise InputError(f"{path} is not a paradup index (no meta table)")
        _create_schema(con, params)  # an empty file named by the user
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = NORMAL")  # in WAL mode still safe from corruption
    con.execute("PRAGMA cache_size = -65536")
    meta = dict(con.execute("SELECT key, value FROM meta"))
    version = meta.get("schema_version", "")
    if not version.isdigit():
        raise InputError(f"{path} is not a paradup index (no schema_version)")
    if int(version) > SCHEMA_VERSION:
        raise InputError(f"{path} was written by a newer paradup (index schema {version}; this one reads "
                         f"{SCHEMA_VERSION}): upgrade paradup")
    return meta


def _create_whole(path: Path, params: Params) -> bool:
    """Create a new index beside ``path`` and link it into place whole.

    Two runs creating the same index at once would otherwise meet inside
    SQLite's set-up (switching to WAL needs the file to itself, and fails at
    once rather than waiting); a hard link appears complete or not at all,
    and the run that loses the race opens the winner's index.  Returns False
    when the file system cannot link, for the caller to create in place.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.new")
    try:
        with _sqlite_errors(path):
            con = sqlite3.connect(tmp, isolation_level=None)
            try:
                _create_schema(con, params)
            finally:
                con.close()
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another run made it first: use theirs
        except OSError:
            return False
        return True
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
            leftover.unlink(missing_ok=True)


def _create_schema(con: sqlite3.Connection, params: Params) -> None:
    """Write the tables and the parameters into a new, empty index."""
    con.execute("PRAGMA page_size = 16384")
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("BEGIN IMMEDIATE")
    try:
        for statement in _SCHEMA.split(";"):
            con.execute(statement)
        con.executemany("INSERT OR IGNORE INTO meta VALUES (?, ?)", _meta_rows(params).items())
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _meta_rows(params: Params) -> dict[str, str]:
    from paradup import __version__

    values = {name: str(getattr(params, name)) for name in CHECKED}
    return {"schema_version": str(SCHEMA_VERSION), "paradup": __version__, "threshold": str(params.threshold),
            **values}


def _check_params(path: Path, meta: dict[str, str], params: Params) -> None:
    for name in CHECKED:
        stored, current = meta.get(name), str(getattr(params, name))
        if stored == current:
            continue
        if name in ("bands", "rows"):
            raise InputError(
                f"{path} was built with bands x rows {meta.get('bands')} x {meta.get('rows')} (threshold "
                f"{meta.get('threshold')}); this run uses {params.bands} x {params.rows} (threshold "
                f"{params.threshold}): pass --threshold {meta.get('threshold')}, or build a new index")
        raise InputError(f"{path} was built with {name} {stored}; this run uses {name} {current}: "
                         f"pass --{name.replace('_', '-')} {stored}, or build a new index")


@contextmanager
def _sqlite_errors(path: Path) -> Iterator[None]:
    """Turn SQLite failures into one-line input errors that say what to do."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise InputError(f"{path} is locked by another writer; try again when it is done") from None
        raise InputError(f"{path}: {exc}") from None
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{path} is damaged or not a paradup index ({exc}); rebuild it with paradup index add"
                         ) from None


def _stored_path(root: str, path: str) -> str:
    return Path(os.path.normpath(os.path.join(root, path))).as_posix()


def _chunks(values: list) -> Iterator[list]:
    for start in range(0, len(values), _BATCH):
        yield values[start : start + _BATCH]


def _verify(pairs: np.ndarray, keys: Keys, rows: dict, params: Params) -> dict[int, tuple[tuple, int]]:
    """Score the candidate pairs; return node -> (scores, archived paragraph) of the best match."""
    texts = sorted({keys.norms[n] for n in set(pairs[:, 0].tolist())} | {rows[a][0] for a in set(pairs[:, 1].tolist())})
    batch = shingle_batch(texts, params.shingle_size)  # shingles of every text in one pass
    sets = {text: batch.set(i) for i, text in enumerate(texts)}
    best: dict[int, tuple[tuple, int]] = {}
    for node, archived in pairs.tolist():
        text_a, text_b = keys.norms[node], rows[archived][0]
        s = score_pair(text_a, text_b, sets[text_a], sets[text_b], params)
        if s.kind is None:
            continue
        scores = (s.kind, round(s.similarity, 4), round(s.jaccard, 4), round(s.containment, 4), s.contained)
        held = best.get(node)
        if held is None or (match_strength(*scores[:4]), -archived) > (match_strength(*held[0][:4]), -held[1]):
            best[node] = (scores, archived)
    return best


def add_paths(index_path: str | os.PathLike, paths: Sequence[str], params: Params | None = None, jobs: int = 1,
              **read_options) -> tuple[AddStats, tuple[InputProblem, ...]]:
    """Read files and folders (as :func:`paradup.inputs.read_documents` does) and add them to an index.

    The index is created when it does not exist.  Returns what was added and
    the files skipped or read with a caveat.
    """
    from paradup.inputs import read_documents

    params = params or Params()
    documents, problems, root = read_documents(paths, **read_options)
    with open_index(index_path, params, create=True) as index:
        return index.add(documents, root, jobs), problems


def match_archive(report: Report, index_path: str | os.PathLike | None, create: bool = False) -> Report:
    """Return ``report`` with :attr:`Report.archive` filled from the index (unchanged for None).

    This is ``paradup scan --against INDEX``.
    """
    if index_path is None:
        return report
    path = Path(index_path)
    if create and (not path.exists() or path.stat().st_size == 0):
        return report  # a new index (dedup --update) has nothing in it yet
    with open_index(path, report.params) as index:
        return replace(report, archive=tuple(index.find(report.paragraphs)))


def index_info(index_path: str | os.PathLike) -> dict:
    """Return what :meth:`Index.info` reports, without checking parameters."""
    with open_index(index_path) as index:
        return index.info()
