"""Normalise, shingle and sign a batch of paragraphs: the unit of work a worker runs.

Two forms of the same work:

- :func:`cut_and_digest` (a scan): cut a run of documents into paragraphs
  and return arrays only, positions, word counts, text keys and LSH band
  keys, so a worker sends back a few hundred bytes a paragraph and the
  parent never holds paragraph or normalised texts;
- :func:`sketch_texts` (dedup and the index): the normalised strings,
  shingle hashes and full signatures of given texts.

Both take and return plain values, so the same functions run in this
process, in a pool of worker processes or on a distributed engine, and the
pieces are joined in input order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from paradup.arrays import Blocks
from paradup.cut import cut_ascii, cut_codes, previews_of, takes, takes_codes
from paradup.jit import warm_up
from paradup.model import Params
from paradup.normalize import PARAGRAPH, SENTENCE, fold_others, fold_plain, normalize_buffer, normalize_simple
from paradup.paragraphs import ParagraphTable, Previews, cut_documents
from paradup.parallel import Helpers, map_shared
from paradup.shingles import ShingleBatch, shingle_ascii, shingle_batch, shingle_buffer
from paradup.signatures import sign_and_band, sign_flat

CHUNK = 1024  # paragraphs per batch: its arrays stay in cache (4,096 measured 8-20% slower)
RUN_CHARS = 4096 * 400  # characters of documents per worker task: a few batches' worth
# Runs read and waiting for a thread, a job, beyond which the reading thread digests one before it reads on:
# reading is faster than digesting, and what is read but not digested is held twice (texts and files' bytes).
WAITING_RUNS = 2


@dataclass(frozen=True)
class Sketch:
    """What matching needs to know of each paragraph of a batch.

    ``norms[i]`` is the normalised text; ``words[i]`` its word count;
    ``values[offsets[i]:offsets[i+1]]`` its shingle hashes (repeats included);
    ``signatures[i]`` its MinHash; ``sentence_keys`` hash its long sentences,
    ``sentence_ids`` say whose.
    """

    norms: list[str]
    words: np.ndarray
    values: np.ndarray
    offsets: np.ndarray
    signatures: np.ndarray
    sentence_keys: np.ndarray
    sentence_ids: np.ndarray


def sketch_texts(texts: Sequence[str], params: Params) -> Sketch:
    """Sketch one batch of paragraph texts.

    >>> s = sketch_texts(["One two three four.", "One two three four!"], Params(num_perm=16))
    >>> s.norms, bool((s.signatures[0] == s.signatures[1]).all())
    (['one two three four', 'one two three four'], True)
    """
    norms, batch = shingle_texts(texts, params)
    signatures = sign_flat(batch.values, batch.offsets, params.num_perm, params.seed)
    return Sketch(norms, batch.words, batch.values, batch.offsets, signatures, batch.sentence_keys,
                  batch.sentence_ids)


def shingle_texts(texts: Sequence[str], params: Params) -> tuple[list[str], ShingleBatch]:
    """Normalise one batch of paragraph texts and hash their shingles: the normalised texts and the batch.

    >>> norms, batch = shingle_texts(["One, two three!"], Params())
    >>> norms, batch.words.tolist()
    (['one two three'], [3])
    """
    if not texts:
        return [], shingle_batch([], params.shingle_size, params.min_words)
    buffer = normalize_buffer(texts)
    norms = buffer.tobytes().decode("utf-8").replace(SENTENCE, " ").split(PARAGRAPH)
    return norms, shingle_buffer(buffer, params.shingle_size, params.min_words)


def concat_sketches(parts: list[Sketch], num_perm: int) -> Sketch:
    """Join sketches of consecutive batches into one, ids shifted to match.

    ``parts`` is emptied as it is read, so each part's arrays are freed once
    copied and the join never holds two copies of the corpus's signatures.
    """
    n = sum(len(p.norms) for p in parts)
    total = sum(p.values.size for p in parts)
    keys = sum(p.sentence_keys.size for p in parts)
    norms: list[str] = []
    words, offsets = np.empty(n, np.int64), np.zeros(n + 1, np.int64)
    values, signatures = np.empty(total, np.uint32), np.empty((n, num_perm), np.uint32)
    sentence_keys, sentence_ids = np.empty(keys, np.uint64), np.empty(keys, np.int64)
    at = value_at = key_at = 0
    parts.reverse()  # pop from the end, in input order
    while parts:
        p = parts.pop()
        m, v, k = len(p.norms), p.values.size, p.sentence_keys.size
        norms += p.norms
        words[at : at + m], signatures[at : at + m] = p.words, p.signatures
        offsets[at + 1 : at + m + 1] = p.offsets[1:] + value_at
        values[value_at : value_at + v] = p.values
        sentence_keys[key_at : key_at + k], sentence_ids[key_at : key_at + k] = p.sentence_keys, p.sentence_ids + at
        at, value_at, key_at = at + m, value_at + v, key_at + k
    return Sketch(norms, words, values, offsets, signatures, sentence_keys, sentence_ids)


@dataclass(frozen=True)
class Digest:
    """What a scan keeps of each paragraph: arrays only, no text.

    ``words[i]`` is paragraph ``i``'s word count; ``text_keys[i]`` hashes its
    normalised text (equal texts, equal keys; 0 for no words);
    ``band_keys[:, i]`` are its LSH band keys (band-major, ``[bands, n]``; a
    :class:`BandKeys` when joined from blocks);
    ``sentence_keys`` hash its long sentences, ``sentence_ids`` say whose
    (:class:`Blocks` when joined from blocks).
    The signatures themselves are not kept: banding is all a scan needs of
    them, and they are 512 bytes a paragraph.
    """

    words: np.ndarray
    text_keys: np.ndarray
    band_keys: np.ndarray | BandKeys
    sentence_keys: np.ndarray | Blocks
    sentence_ids: np.ndarray | Blocks

    def __len__(self) -> int:
        return self.words.size


def digest_texts(texts: Sequence[str], params: Params) -> Digest:
    """Digest one batch of paragraph texts.

    >>> d = digest_texts(["One two three four.", "One, two three four!", "Other."], Params(num_perm=16))
    >>> d.words.tolist(), bool(d.text_keys[0] == d.text_keys[1]), d.band_keys.shape
    ([4, 4, 1], True, (8, 3))
    """
    return _digest_batch(shingle_buffer(normalize_buffer(texts), params.shingle_size, params.min_words), params)


def _digest_batch(batch: ShingleBatch, params: Params) -> Digest:
    """Digest a batch of hashed paragraphs: sign and band them."""
    keys = sign_and_band(batch.values, batch.offsets, params.num_perm, params.seed, params.bands, params.rows)
    return Digest(batch.words.astype(np.int32), batch.text_keys, keys, batch.sentence_keys, batch.sentence_ids)


class BandKeys:
    """Band-major LSH keys ``[bands, n]`` kept as the blocks of columns they were made in.

    Joining the blocks of a million paragraphs would write 176 MB of fresh
    memory in one process (1 s here); ``keys[band]`` joins one band's row
    when it is asked for, in whichever worker groups that band.

    >>> keys = BandKeys([np.array([[1], [2]], dtype=np.uint64), np.array([[3, 4], [5, 6]], dtype=np.uint64)])
    >>> keys.shape, keys[1].tolist(), np.asarray(keys).tolist()
    ((2, 3), [2, 5, 6], [[1, 3, 4], [2, 5, 6]])
    """

    def __init__(self, blocks: Sequence[np.ndarray]) -> None:
        self.blocks = [b for b in blocks if b.shape[1]]
        bands = blocks[0].shape[0] if blocks else 0
        self.shape = (bands, sum(b.shape[1] for b in blocks))

    def __getitem__(self, band: int) -> np.ndarray:
        if not self.blocks:
            return np.zeros(0, dtype=np.uint64)
        return np.concatenate([b[band] for b in self.blocks])

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        joined = np.concatenate(self.blocks, axis=1) if self.blocks else np.zeros(self.shape, dtype=np.uint64)
        return joined if dtype is None else joined.astype(dtype)


def concat_digests(parts: list[Digest], bands: int,
                   keys_joined: Callable[[np.ndarray, np.ndarray], object] | None = None) -> Digest:
    """Join digests of consecutive batches into one, ids shifted to match; ``parts`` is emptied.

    The band keys stay in their blocks (:class:`BandKeys`), and so do the
    sentence keys and their ids (:class:`Blocks`).  ``keys_joined``, when
    given, is called with the joined text keys and word counts before
    anything else is done with them (a scan with threads groups the text
    keys in one while this thread joins the paragraph tables).
    """
    n = sum(len(p) for p in parts)
    words, text_keys = np.empty(n, np.int32), np.empty(n, np.uint64)
    blocks, keys, ids, starts = [], [], [], []
    at = 0
    parts.reverse()  # pop from the end, in input order
    while parts:
        p = parts.pop()
        m = len(p)
        words[at : at + m], text_keys[at : at + m] = p.words, p.text_keys
        blocks += p.band_keys.blocks if isinstance(p.band_keys, BandKeys) else [p.band_keys]
        keys.append(p.sentence_keys)
        ids.append(p.sentence_ids)
        starts.append(at)
        at += m
    if keys_joined is not None:
        keys_joined(text_keys, words)
    return Digest(words, text_keys, BandKeys(blocks) if blocks else np.zeros((bands, 0), np.uint64),
                  Blocks.join(keys, [0] * len(keys)), Blocks.join(ids, starts, np.int64))


def cut_and_digest(texts: Sequence[str], first_doc: int, params: Params,
                   ascii: bytes | None = None) -> tuple[ParagraphTable, Digest]:
    """Cut documents ``first_doc, first_doc + 1, ...`` into paragraphs and digest them.

    ``ascii``, when given, is every text's ASCII bytes, joined (the files'
    bytes as read): the byte path takes them as they are, unless a NUL or SOH
    is among them.

    The table comes back without the documents' texts (the caller has them):
    a worker sends back arrays only.  Each stretch of ASCII documents takes the
    compiled path over bytes (:func:`paradup.cut.cut_ascii`), each stretch of
    other documents the compiled path over code points
    (:func:`paradup.cut.cut_codes`), and the rare document holding a NUL or
    SOH character the general one; all give the same paragraphs and digests
    (tested).

    >>> table, d = cut_and_digest(["One.\\n\\nTwo words here.", "Café au lait.", "Three."], 5, Params(num_perm=8))
    >>> table.doc.tolist(), table.char_start.tolist(), d.words.tolist()
    ([5, 5, 6, 7], [0, 6, 0, 0], [1, 3, 3, 1])
    """
    if ascii is not None and b"\x00" not in ascii and b"\x01" not in ascii:
        return _cut_stretch(texts, first_doc, params, _ASCII, ascii)
    stretches = _stretches([_ASCII if takes((t,)) else _CODES if takes_codes((t,)) else _GENERAL for t in texts])
    parts = [_cut_stretch(texts[a:b], first_doc + a, params, how) for a, b, how in stretches]
    if len(parts) == 1:
        return parts[0]
    return ParagraphTable.concat((), [t for t, _ in parts]), concat_digests([d for _, d in parts], params.bands)


_ASCII, _CODES, _GENERAL = 0, 1, 2  # how a stretch of documents is cut


def _stretches(kinds: Sequence[int]) -> list[tuple[int, int, int]]:
    """Cut ``kinds`` into maximal runs of equal values: ``(start, stop, value)``.

    >>> _stretches([0, 0, 1, 0]), _stretches([])
    ([(0, 2, 0), (2, 3, 1), (3, 4, 0)], [(0, 0, 0)])
    """
    if not kinds:
        return [(0, 0, _ASCII)]
    cuts = [i for i in range(1, len(kinds)) if kinds[i] != kinds[i - 1]]
    return [(a, b, kinds[a]) for a, b in zip([0, *cuts], [*cuts, len(kinds)])]


def _cut_stretch(texts: Sequence[str], first_doc: int, params: Params, how: int,
                 ascii: bytes | None = None) -> tuple[ParagraphTable, Digest]:
    if how == _GENERAL:
        table, found = cut_documents(texts, first_doc)
        parts = [digest_texts(found[i : i + CHUNK], params) for i in range(0, len(found), CHUNK)]
        return table, concat_digests(parts, params.bands)
    # The compiled paths: no Python string per paragraph.
    columns, buffer = cut_ascii(texts, ascii) if how == _ASCII else cut_codes(texts)
    nuls = np.flatnonzero(buffer == 0)
    previews = Previews(*previews_of(buffer, len(columns[0]), nuls))
    table = ParagraphTable((), columns[0] + first_doc, *columns[1:], previews)
    ends = nuls[CHUNK - 1 :: CHUNK]  # the NUL after every CHUNK-th paragraph
    bounds = zip(np.r_[0, ends + 1].tolist(), np.r_[ends, buffer.size].tolist())
    digest = _digest_bytes if how == _ASCII else _digest_codes
    parts = [digest(buffer[a:b], params) for a, b in bounds] if len(table) else []
    return table, concat_digests(parts, params.bands)


def _digest_bytes(buffer: np.ndarray, params: Params) -> Digest:
    return _digest_batch(shingle_ascii(buffer, params.shingle_size, params.min_words), params)


def _digest_codes(codes: np.ndarray, params: Params) -> Digest:
    """Digest paragraphs given as code points, NUL between them: :func:`digest_texts` of their texts.

    The paragraphs that are ASCII once typographic quotes and dashes are
    folded (most, in English) take the one-pass ASCII path; those of simple
    characters (:func:`paradup.normalize.normalize_simple`: accented Latin,
    Greek, Cyrillic) are normalised by table; the others by
    :func:`digest_texts`.  Their digests are put in their places.
    """
    kept, plain = fold_plain(codes)
    if plain.all():
        return _digest_bytes(kept, params)
    normalised, simple = normalize_simple(fold_others(codes, plain))  # the plain paragraphs left empty
    encoded = np.frombuffer(normalised.tobytes().decode("utf-32-le").encode("utf-8"), dtype=np.uint8)
    digest = _digest_batch(shingle_buffer(encoded, params.shingle_size, params.min_words), params)
    if plain.any():
        digest = _put(digest, np.flatnonzero(plain), _digest_bytes(kept, params), positional=True)
    rest = np.flatnonzero(~simple)
    if rest.size:
        bounds = np.r_[0, np.flatnonzero(codes == 0) + 1, codes.size + 1]
        texts = [codes[bounds[i] : bounds[i + 1] - 1].tobytes().decode("utf-32-le") for i in rest.tolist()]
        digest = _put(digest, rest, digest_texts(texts, params), positional=False)
    return digest


def _put(into: Digest, ids: np.ndarray, theirs: Digest, positional: bool) -> Digest:
    """``into`` (new arrays, filled in here) with paragraphs ``ids`` from ``theirs``: a digest of those
    paragraphs alone, in order, or with ``positional`` one where they stand at their places and every
    other paragraph is empty."""
    pick = ids if positional else slice(None)
    into.words[ids], into.text_keys[ids], into.band_keys[:, ids] = (
        theirs.words[pick], theirs.text_keys[pick], theirs.band_keys[:, pick])
    ids = np.concatenate([into.sentence_ids, theirs.sentence_ids if positional else ids[theirs.sentence_ids]])
    order = np.argsort(ids, kind="stable")  # in paragraph order, each paragraph's sentences in order
    return Digest(into.words, into.text_keys, into.band_keys,
                  np.concatenate([into.sentence_keys, theirs.sentence_keys])[order], ids[order])


def paragraphs_and_digest(documents: Sequence[str], params: Params, jobs: int = 1, ahead: ReadAhead | None = None,
                          keys_joined: Callable[[np.ndarray, np.ndarray], object] | None = None
                          ) -> tuple[ParagraphTable, Digest]:
    """Cut every document's text into paragraphs and digest them, in ``jobs`` threads.

    Documents are digested in runs of about ``RUN_CHARS`` characters
    (:class:`ReadAhead`); the result does not depend on ``jobs``.  Threads, not
    processes: the work is the compiled kernels, which let go of Python's
    lock (two threads digest 1.7-1.9 times as fast as one, measured at 1e6
    paragraphs), and a thread needs no copy of the documents and sends back
    nothing.  When ``ahead`` digested the first runs while the files were
    being read (``documents`` are then the texts it was given), it finishes
    the rest.  ``keys_joined``: :func:`concat_digests`'.
    """
    ahead = ahead if ahead is not None else ReadAhead(params, jobs)
    parts = ahead.finish(documents)
    tables, digests = [t for t, _ in parts], [d for _, d in parts]
    parts.clear()
    digest = concat_digests(digests, params.bands, keys_joined)
    # The runs' pieces joined; with more than one job the previews' text in a thread of their own, which
    # only a JSON report waits for (80 MB of fresh pages at 1e6 paragraphs: 0.2 s of the kernel's time).
    return ParagraphTable.concat(documents, tables, behind=jobs > 1 and len(tables) > 1), digest


class ReadAhead:
    """Called after each file is read (``documents`` so far, files ``done`` of ``total``, the file's bytes when
    they are its document's text in ASCII): each run of about ``RUN_CHARS`` characters of documents is digested
    as soon as it is read, by one of ``jobs - 1`` threads while this thread reads on (by this thread with one
    job); :meth:`finish` has this thread digest the rest too.

    A run ends with the document that brings it to ``RUN_CHARS`` characters,
    or with the last document.  A run whose every document came with its
    file's bytes is cut from those bytes, joined, not from its texts encoded
    again (:func:`cut_and_digest`).  Always :meth:`close` it: a scan that fails
    stops its threads (those busy end their run first, a few hundredths of a
    second).
    """

    def __init__(self, params: Params, jobs: int) -> None:
        self.params, self.jobs = params, jobs
        self._texts: list[str] = []  # every document's text seen so far
        self._runs: list[tuple[int, int]] = []
        self._done: list[tuple[ParagraphTable, Digest]] = []  # the runs this thread digested as they were read
        self._helpers: Helpers | None = None
        self._start = self._size = 0  # the run being filled: its first document, its characters so far
        self._raws: list[bytes] | None = []  # its files' bytes, while each of its documents came with them
        self._ascii: dict[int, list[bytes]] = {}  # a run's files' bytes, by its first document, until it is digested
        self._loaded = False  # a run was digested: the kernels are loaded
        self._warmed = False  # with threads: every other kernel loaded too (warm_up)

    def __call__(self, documents: Sequence, done: int, total: int, raw: bytes | None = None) -> None:
        new = documents[len(self._texts) :]
        self._add([d.text for d in new], raw if len(new) == 1 else None)

    def _add(self, texts: Sequence[str], raw: bytes | None = None) -> None:
        for text in texts:
            self._texts.append(text)
            if raw is None:
                self._raws = None
            elif self._raws is not None:
                self._raws.append(raw)
            self._size += len(text)
            if self._size >= RUN_CHARS:
                self._close_run()

    def _close_run(self, helped: bool = True) -> None:
        run = (self._start, len(self._texts))
        self._runs.append(run)
        if self._raws:
            self._ascii[run[0]] = self._raws
        self._start, self._size, self._raws = run[1], 0, []
        if self.jobs <= 1:
            if helped:
                self._done.append(self._digest(run))  # one job: digested as read, its bytes freed at once
            return
        if helped and self._helpers is None:
            self._helpers = Helpers(self._digest, self.jobs - 1)
        if self._helpers is not None:
            self._helpers.add(run)
            if self._loaded and not self._warmed:
                # The later stages' kernels are loaded here, while the threads digest (they run one at a time,
                # under Python's lock: 0.1-0.15 s, which each stage's first call would add where this thread
                # and the threads wait for it).
                self._warmed = True
                warm_up()
            # The threads are behind: this thread digests too, before it reads on (once they have loaded the
            # kernels, with their first run: until then it would only wait for them).
            while self._helpers.waiting() > WAITING_RUNS * self.jobs and self._loaded:
                self._helpers.take()

    def _digest(self, run: tuple[int, int]) -> tuple[ParagraphTable, Digest]:
        raws = self._ascii.pop(run[0], None)
        digested = cut_and_digest(self._texts[run[0] : run[1]], run[0], self.params, b"".join(raws) if raws else None)
        self._loaded = True
        return digested

    def finish(self, documents: Sequence[str]) -> list[tuple[ParagraphTable, Digest]]:
        """Digest every run not yet digested, this thread too, and return every run's table and digest, in
        order; then :meth:`close`.  ``documents`` are every document's text: those beyond the ones seen
        (all, when none was) are added first."""
        try:
            self._add(documents[len(self._texts) :])
            if self._start < len(self._texts):
                self._close_run(helped=bool(self._runs))  # the only run: no thread, no kernel loaded it does not use
            if self._helpers is None:
                return self._done + [self._digest(run) for run in self._runs[len(self._done) :]]
            return self._helpers.finish()
        finally:
            self.close()

    def close(self) -> None:
        """Stop the threads: runs not yet begun are dropped, those begun end first."""
        if self._helpers is not None:
            self._helpers.close()


def sketch_all(texts: Sequence[str], params: Params, jobs: int = 1) -> Sketch:
    """Sketch every text, in ``jobs`` processes when more than one.

    The result does not depend on ``jobs``: batches are cut the same way and
    joined in input order.
    """
    chunks = [(i, i + CHUNK) for i in range(0, len(texts), CHUNK)]
    parts = map_shared(_sketch_chunk, (texts, params), chunks, jobs)
    return concat_sketches(parts, params.num_perm)


def _sketch_chunk(shared: tuple[Sequence[str], Params], chunk: tuple[int, int]) -> Sketch:
    texts, params = shared
    return sketch_texts(texts[chunk[0] : chunk[1]], params)
