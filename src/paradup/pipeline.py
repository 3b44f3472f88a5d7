"""Run the stages end to end: documents in, :class:`~paradup.model.Report` out.

Stages (each timed in ``Report.stats["seconds"]``):

1. ``sketch``: cut every document into paragraphs, normalise, shingle,
   MinHash and band them, in ``jobs`` threads (the compiled kernels let go
   of Python's lock); a scan of files starts them on the first files while
   it reads the rest (:class:`~paradup.sketch.ReadAhead`);
2. ``exact``: group equal normalised texts into *nodes* (exact copies are one node);
3. ``candidates``: LSH banding over nodes of at least ``min_words`` words
   (bands split over ``jobs`` threads), plus nodes that share a whole
   sentence (containment);
4. ``verify``: score candidates from their texts, re-normalised for the few
   paragraphs involved, in ``jobs`` threads; keep the matches (passages apart);
5. ``clusters`` and ``blocks``; the clusters and matches stay arrays
   (:mod:`paradup.found`); with ``jobs > 1`` and enough matches a thread
   builds the clusters (numpy) while this one finds the blocks (Python), and
   ``blocks`` is the time after the clusters.

Paragraph and normalised texts are never all held at once: the report's
paragraphs are a :class:`~paradup.paragraphs.ParagraphTable` that cuts a
paragraph's text from its document when asked.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager

import numpy as np
from rapidfuzz import fuzz, process

from paradup.arrays import isin_sorted, ranges, unique
from paradup.blocks import Links, block_spans, number_blocks
from paradup.candidates import band_candidates, group_pairs, partition_keys, unique_pairs
from paradup.clusters import ClusterArrays, MatchArrays, cluster_arrays
from paradup.exact import Nodes, group_exact, group_keys
from paradup.found import CLUSTER_KINDS, ClusterTable, MatchTable
from paradup.matches import CONTAINMENT, EXACT, NEAR, Verified, verify_texts
from paradup.model import Document, InputError, InputProblem, Params, Report
from paradup.normalize import SENTENCE, normalize_batch
from paradup.paragraphs import ParagraphTable
from paradup.parallel import Helpers, gc_paused, map_threads, slices
from paradup.sketch import Digest, ReadAhead, paragraphs_and_digest

__all__ = ["Nodes", "Progress", "find_duplicates", "group_exact"]

Progress = Callable[[str], None]
# Loose matching only extends a block at its ends, where the run around it
# already vouches for the pair.
_LOOSE_RATIO = 0.7
_LOOSE_TOKEN_SET = 0.9
_VERIFY_PART = 20_000  # candidate pairs per verification task
# Below these sizes a stage runs in this thread alone: starting threads and loading every kernel
# costs more than it saves.
_PARALLEL_NODES = 50_000
_PARALLEL_PAIRS = 5_000


def find_duplicates(
    documents: Sequence[Document],
    params: Params | None = None,
    problems: Sequence[InputProblem] = (),
    root: str = ".",
    progress: Progress | None = None,
    jobs: int = 1,
    ahead: ReadAhead | None = None,
) -> Report:
    """Find repeated paragraphs and blocks in ``documents``.

    ``ahead`` holds the workers a scan of files started on its first
    documents while it read the rest (:func:`paradup.api.scan`).

    >>> from paradup.model import Document
    >>> text = "Alpha beta gamma delta epsilon zeta eta theta.\\n\\nOther words here.\\n\\n"
    >>> report = find_duplicates([Document("a", "a.txt", text), Document("b", "b.txt", text)])
    >>> [(c.kind, len(c.members)) for c in report.clusters]
    [('exact', 2), ('exact', 2)]
    """
    with gc_paused():
        return _find_duplicates(documents, params or Params(), problems, root, progress, jobs, ahead)


def _find_duplicates(documents, params, problems, root, progress, jobs, ahead) -> Report:
    seconds: dict[str, float] = {}
    stage = _stage_timer(seconds, progress)
    # With threads, one groups the text keys as soon as they are joined while this one joins the paragraphs'
    # tables (at 1e7 paragraphs 2.2-2.4 s and 1.0-1.2 s, mostly page faults, which two threads take at once).
    grouping: list[Helpers] = []

    def group_in_a_thread(text_keys: np.ndarray, words: np.ndarray) -> None:
        if jobs > 1 and text_keys.size >= _PARALLEL_NODES:
            grouping.append(Helpers(group_keys, 1))
            grouping[0].add(text_keys, words)

    try:
        with stage("sketch"):
            try:
                table, digest = paragraphs_and_digest([d.text for d in documents], params, jobs, ahead, group_in_a_thread)
            except UnicodeEncodeError:
                raise _unencodable(documents) from None
        with stage("exact"):
            nodes = grouping[0].finish()[0] if grouping else group_keys(digest.text_keys, digest.words)
    finally:
        for helpers in grouping:
            helpers.close()
    with stage("candidates"):
        lsh, sentence = find_candidate_pairs(digest, nodes, params, jobs)
        pairs = unique_pairs([lsh, sentence])
        shared = isin_sorted(pairs[:, 0] * nodes.count + pairs[:, 1], sentence[:, 0] * nodes.count + sentence[:, 1])  # both sorted
    del digest  # the band keys are the largest arrays of a scan
    with stage("verify"):
        node_matches = verify_nodes(table, nodes, pairs, shared, params, jobs)
        copies = node_matches.copies()  # passages are reported, never grouped
    with stage("clusters"):
        found = cluster_arrays(nodes.count, _match_arrays(copies), params)
        began = time.perf_counter()
        links = block_links(nodes, copies, crowded_nodes(nodes, found, params.max_bucket), params)
        # A thread builds the clusters (numpy, which lets go of Python's lock) while this one finds the blocks
        # (Python): forked workers sharing the blocks took longer here than one process doing both (the
        # fork of a 1.3 GB process and its copies on write, at 1e6 paragraphs).
        jobs = 2 if jobs > 1 and len(copies) >= _PARALLEL_PAIRS else 1
        state = (table, nodes, node_matches, found, links, params, jobs)
        (clusters, matches, took), blocks = map_threads(_finish, state, ["clusters", (0, 1)], jobs)
        blocks = number_blocks(blocks)
        waited = time.perf_counter() - began - took
    # With jobs > 1 a thread builds the clusters while this one finds the blocks, and "blocks" is the rest
    # of the time: what blocks add to a scan.
    seconds["clusters"] -= waited
    seconds["blocks"] = waited
    sizes = nodes.sizes
    stats = {
        "documents": len(documents),
        "paragraphs": len(table),
        "distinct": nodes.count,
        "short": int(sizes[nodes.words < params.min_words].sum()),
        "empty": len(table) - int(sizes.sum()),
        "candidates": int(len(pairs)),
        "candidates_lsh": int(len(lsh)),
        "candidates_sentence": int(len(sentence)),
        "verified": len(node_matches),
        "passages": len(node_matches) - len(copies),
        "matches": len(matches),
        "clusters": len(clusters),
        "blocks": len(blocks),
        "seconds": {k: round(v, 4) for k, v in seconds.items()},
    }
    return Report(params, tuple(documents), table, matches, clusters, tuple(blocks),
                  tuple(problems), stats, root)


def _unencodable(documents: Sequence[Document]) -> Exception:
    """The error for documents whose text UTF-8 cannot hold (a lone surrogate, which only a library caller
    can pass: the files a scan reads never hold one)."""
    from paradup.inputs import encodable

    bad = [d for d in documents if not encodable(d.text)]
    if not bad:  # pragma: no cover - raised for another reason: let it be seen as it was
        return RuntimeError("a text could not be encoded")
    at = next(i for i, c in enumerate(bad[0].text) if "\ud800" <= c <= "\udfff")
    more = f" (and {len(bad) - 1} more document{'s' if len(bad) > 2 else ''})" if len(bad) > 1 else ""
    return InputError(f"document {bad[0].id!r} holds a lone surrogate (U+{ord(bad[0].text[at]):04X}) at character {at}{more}, "
                      "which no text file can hold; replace it first, e.g. with paradup.inputs.replace_surrogates")


def find_candidate_pairs(digest: Digest, nodes: Nodes, params: Params, jobs: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Return the node pairs sharing a band key (LSH) and those sharing a long sentence.

    Node pairs that share a sentence key share a whole sentence of
    ``min_words`` words or more: a paragraph split in two, or quoted inside a
    longer one, whose Jaccard similarity with its original is too low for LSH
    to catch.  Only nodes of ``min_words`` words or more take part, each
    with the sentences of its first paragraph.

    Task ``k`` of ``split`` groups bands ``k, k + split, ...``; a task of its
    own, first, finds the sentence pairs (the keys arranged in ``split``
    partitions, a key's every occurrence in one, and each partition grouped),
    so that no thread waits while one arranges the keys.  Each returns an
    array of pairs.
    """
    long = nodes.words >= params.min_words
    long_ids = np.flatnonzero(long)
    rows = nodes.reps[long_ids]
    bands = digest.band_keys.shape[0]
    jobs = jobs if nodes.count >= _PARALLEL_NODES else 1
    split = min(4 * jobs, bands) if jobs > 1 else 1  # several tasks a process: balanced
    shared = (digest.band_keys, rows, long_ids, digest.sentence_keys, digest.sentence_ids, len(digest), params, split)
    sentence, *lsh = map_threads(_candidate_part, shared, [_SENTENCES, *range(split)], jobs)
    return unique_pairs(lsh), sentence


_SENTENCES = -1  # the candidate task that finds the pairs sharing a sentence


def _candidate_part(shared, part: int) -> np.ndarray:
    band_keys, rows, ids, sentence_keys, sentence_ids, paragraphs, params, split = shared
    if part != _SENTENCES:
        return band_candidates(band_keys, rows, ids, params.max_bucket, bands=range(part, band_keys.shape[0], split))
    # A long node's first paragraph -> the node, made here: at 1e7 paragraphs 80 MB of fresh memory, which no
    # other task waits for.
    node_of = np.full(paragraphs, -1, dtype=np.int64)
    node_of[rows] = ids
    keys, owners, offsets = partition_keys(sentence_keys, sentence_ids, node_of, split)
    bounds = zip(offsets[:-1].tolist(), offsets[1:].tolist())
    pairs = unique_pairs([group_pairs(keys[a:b], owners[a:b], params.max_bucket) for a, b in bounds])
    return pairs[pairs[:, 0] != pairs[:, 1]]  # two sentences of one paragraph


def verify_nodes(table: ParagraphTable, nodes: Nodes, pairs: np.ndarray, shared: np.ndarray, params: Params,
                 jobs: int = 1) -> Verified:
    """Score candidate node pairs on their representatives' texts, in ``jobs`` processes.

    Each task re-normalises only the paragraphs its pairs involve.
    """
    few = len(pairs) < _PARALLEL_PAIRS
    jobs = 1 if few else jobs
    parts = slices(len(pairs), 4 * jobs, most=_VERIFY_PART)  # several tasks a worker: balanced
    # Not in this thread, unless the pairs are few: its malloc arena holds the corpus (map_threads); at 1e7
    # paragraphs, 2 jobs, verification took 9.5-10.2 s instead of 11.1-12.0.
    found = map_threads(_verify_part, (table, nodes.reps, pairs, shared, params, min(jobs, 2)), parts, jobs, here=few)
    return Verified.concat(found)


def _verify_part(state, part: tuple[int, int]) -> Verified:
    table, reps, pairs, shared, params, workers = state
    pairs = pairs[part[0] : part[1]]
    involved, local = np.unique(pairs, return_inverse=True)
    texts = table.texts_of(reps[involved])
    return verify_texts(local.reshape(-1, 2), texts, params, shared[part[0] : part[1]], workers).renamed(involved)


def _finish(shared, part: str | tuple[int, int]):
    """Build the clusters and paragraph matches (part ``"clusters"``, with its seconds) or find a part of the blocks."""
    table, nodes, node_matches, found, links, params, jobs = shared
    if part == "clusters":
        began = time.perf_counter()
        clusters = build_clusters(nodes, found)
        return clusters, paragraph_matches(nodes, node_matches), time.perf_counter() - began
    return block_spans(table, links, params, _Loose(table, jobs), part)


def _match_arrays(copies: Verified) -> MatchArrays:
    contained = copies.kind == CONTAINMENT
    return MatchArrays(copies.a, copies.b, copies.kind == NEAR, contained, copies.smaller_a & contained,
                       copies.similarity, copies.strength())


def build_clusters(nodes: Nodes, found: ClusterArrays) -> ClusterTable:
    """Return paragraph clusters: node clusters ``found`` expanded, plus exact-only groups, in corpus order of their first member."""
    in_cluster = np.zeros(nodes.count, dtype=bool)
    in_cluster[found.nodes] = True
    alone = nodes.repeated()  # exact-only groups: one node each
    alone = alone[~in_cluster[alone]]
    count = found.offsets.size - 1
    group_nodes = np.concatenate([found.nodes, alone])
    group_of = np.concatenate([np.repeat(np.arange(count), np.diff(found.offsets)), count + np.arange(alone.size)])
    members, sizes = nodes.gather(group_nodes)
    groups = np.repeat(group_of, sizes)
    members = members[np.lexsort((members, groups))]
    sizes = np.bincount(groups, minlength=count + alone.size)
    starts = np.cumsum(sizes) - sizes
    order = np.argsort(members[starts], kind="stable")  # groups by first member
    sizes = sizes[order]
    offsets = np.r_[0, np.cumsum(sizes)].astype(np.int64)
    members = members[ranges(starts[order], sizes)]
    kinds = np.r_[np.where(found.containment, CLUSTER_KINDS.index("containment"), CLUSTER_KINDS.index("near")),
                  np.full(alone.size, CLUSTER_KINDS.index("exact"))].astype(np.int8)
    weakest = np.array(found.weakest + [1.0] * alone.size, dtype=np.float64)
    return ClusterTable(members, offsets, kinds[order], weakest[order])


def crowded_nodes(nodes: Nodes, found: ClusterArrays, max_bucket: int) -> np.ndarray:
    """Return, for each node, whether its node cluster has more than ``max_bucket`` paragraphs."""
    crowded = np.zeros(nodes.count, dtype=bool)
    if found.nodes.size:
        sizes = np.add.reduceat(nodes.sizes[found.nodes], found.offsets[:-1])
        crowded[found.nodes] = np.repeat(sizes > max_bucket, np.diff(found.offsets))
    return crowded


def paragraph_matches(nodes: Nodes, node_matches: Verified) -> MatchTable:
    """Return matches between paragraphs: each exact copy against its first
    occurrence, and each verified node match between the first occurrences."""
    later = np.ones(nodes.order.size, dtype=bool)  # every position of a node after its first paragraph
    later[nodes.starts[:-1]] = False
    copies = nodes.order[later]
    firsts = nodes.reps[nodes.node_of[copies]]
    exact = np.ones(copies.size)
    a = np.concatenate([firsts, nodes.reps[node_matches.a]])
    b = np.concatenate([copies, nodes.reps[node_matches.b]])
    kind = np.concatenate([np.full(copies.size, EXACT, dtype=np.int8), node_matches.kind])
    order = np.lexsort((b, a))
    columns = (a, b, kind, np.concatenate([exact, node_matches.similarity]), np.concatenate([exact, node_matches.jaccard]),
               np.concatenate([exact, node_matches.containment]),
               np.concatenate([np.zeros(copies.size, dtype=bool), node_matches.smaller_a]))
    return MatchTable(Verified(*(c[order] for c in columns)))


def block_links(nodes: Nodes, node_matches: Verified, crowded: np.ndarray, params: Params) -> Links:
    """Return every linked paragraph pair, skipping paragraphs of nodes with more than ``max_bucket``
    copies or in ``crowded`` node clusters (boilerplate is reported by clusters, not blocks).

    Exact copies (the paragraphs of one node) are linked pairwise with strength
    1, matched nodes member by member with the match's strength.
    """
    sizes = nodes.sizes
    small = (sizes <= params.max_bucket) & ~crowded
    chunks = []
    repeated = nodes.repeated()
    repeated = repeated[small[repeated]]
    for size in unique(sizes[repeated]).tolist():  # nodes of one size: all their pairs in one step
        group = repeated[sizes[repeated] == size]
        members = nodes.order[nodes.starts[group][:, None] + np.arange(size)]  # corpus order: p < q
        i, j = np.triu_indices(size, k=1)
        chunks.append((members[:, i].ravel(), members[:, j].ravel(), np.ones(group.size * i.size)))
    a, b, strength = node_matches.a, node_matches.b, node_matches.strength()
    keep = small[a] & small[b]
    a, b, strength = a[keep], b[keep], strength[keep]
    count = sizes[a] * sizes[b]  # every member of one node against every member of the other
    match = np.repeat(np.arange(a.size), count)
    within = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    p = nodes.order[nodes.starts[a[match]] + within // sizes[b[match]]]
    q = nodes.order[nodes.starts[b[match]] + within % sizes[b[match]]]
    chunks.append((np.minimum(p, q), np.maximum(p, q), strength[match]))
    return Links(*(np.concatenate([c[k] for c in chunks]) for k in range(3)))


class _Loose:
    """``loose(p, q)``: how loosely paragraphs ``p`` and ``q`` match (their similarity), None when not even
    loosely; :meth:`prefetch` scores many pairs at once (one normalisation of all their texts, rapidfuzz in
    ``jobs`` threads), for the calls to come (:func:`paradup.blocks.block_spans` asks for it)."""

    def __init__(self, table: ParagraphTable, jobs: int = 1) -> None:
        self.table, self.jobs = table, jobs
        self.known: dict[tuple[int, int], float | None] = {}

    def __call__(self, p: int, q: int) -> float | None:
        if (p, q) not in self.known:
            self.prefetch([(p, q)])
        return self.known[(p, q)]

    def prefetch(self, pairs: Sequence[tuple[int, int]]) -> None:
        pairs = [pair for pair in pairs if pair not in self.known]
        if not pairs:
            return
        texts = self.table.texts_of([x for pair in pairs for x in pair])
        norms = [n.replace(SENTENCE, " ") for n in normalize_batch(texts)]
        self.known.update(zip(pairs, _loose_scores(norms[0::2], norms[1::2], self.jobs if len(pairs) >= 1000 else 1)))


def _loose_scores(a: Sequence[str], b: Sequence[str], jobs: int = 1) -> list[float | None]:
    """The loose match of normalised texts ``a[k]`` and ``b[k]``: their similarity when at least 0.7, or when
    their words are nearly the same set (three words or more); else None.

    Scored by rapidfuzz a batch at a time (no Python call a pair; almost no pair matches, 2 of 4,617 at 10⁶
    paragraphs): the similarity, then the word sets of the pairs it leaves out.  With a cutoff a score
    below it is 0; x / 100 >= 0.7 exactly when x >= 70 (70 / 100 is the float 0.7), and so for 0.9.

    >>> _loose_scores(["the talks resume next week", "a b c d", "one two three"], ["the talks resume next month",
    ...                "d c b a", ""])
    [0.8302, 0.4286, None]
    """
    n = len(a)
    if not n:
        return []
    ratio = process.cpdist(a, b, scorer=fuzz.ratio, score_cutoff=100 * _LOOSE_RATIO, dtype=np.float64, workers=jobs)
    out: list[float | None] = [round(r / 100.0, 4) if r else None for r in ratio.tolist()]
    rest = [k for k in range(n) if out[k] is None and a[k] and b[k] and min(a[k].count(" "), b[k].count(" ")) >= 2]
    if rest:
        same = process.cpdist([a[k] for k in rest], [b[k] for k in rest], scorer=fuzz.token_set_ratio,
                              score_cutoff=100 * _LOOSE_TOKEN_SET, dtype=np.float64, workers=jobs)
        for k, s in zip(rest, same.tolist()):
            if s:
                out[k] = round(fuzz.ratio(a[k], b[k]) / 100.0, 4)
    return [score if a[k] and b[k] else None for k, score in enumerate(out)]


def _stage_timer(seconds: dict[str, float], progress: Progress | None):
    @contextmanager
    def stage(name: str):
        if progress is not None:
            progress(name)
        start = time.perf_counter()
        yield
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - start

    return stage
