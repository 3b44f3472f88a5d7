"""Generate a seeded corpus of article-like documents with planted repeats.

Layout of the output folder::

    OUT/docs/000/000000.txt   documents, at most 1000 per folder; one paragraph
                              per line, a blank line between paragraphs
    OUT/truth.jsonl           every planted repeat, one JSON object per line
    OUT/manifest.json         seed, sizes, paragraphs per kind, generator version

Text is English-like: ~150 English function words hold the top Zipf ranks of
a 20,150-word vocabulary whose other words are pseudo-words built from
syllables.  Each document has one of 50 topics, and a quarter of its words
come from that topic's 200 words, so paragraphs on one topic share much
vocabulary.  Sentences carry commas, full stops, numbers and dates.

About 12.5% of the paragraphs are planted copies of original paragraphs, of
the kinds in :data:`KINDS` (``boilerplate`` footers and ``negative`` pairs
come on top).  Positions in the truth are final: ``doc`` is the document's
path under ``docs/`` (posix), ``index`` its 0-based paragraph index, and a
block's ``index_end`` is inclusive.  Truth records::

    {"type": "pair", "kind": "edit", "a": {"doc": .., "index": ..}, "b": {..}}
    {"type": "block", "a": {"doc": .., "index_start": .., "index_end": ..},
     "b": {..}, "variant": "drop" | "move" | "edit"}
    {"type": "cluster", "kind": "boilerplate", "members": [{"doc": .., "index": ..}]}

``a`` is the original (the source), ``b`` the copy.  ``negative`` pairs are two
different paragraphs with much vocabulary in common that must not match.

How it stays fast and small: the layout (which slot of which document holds
what) is planned first with numpy; the words of original paragraphs are drawn
chunk by chunk from per-chunk seeds, so the sources of copies are rebuilt
before the documents are streamed to disk.  Same seed and size, same bytes.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = ["GENERATOR_VERSION", "KINDS", "CorpusInfo", "generate_corpus", "load_truth", "main"]

GENERATOR_VERSION = "2"
KINDS = (
    "exact", "edit", "ocr", "trim", "split", "merge", "quote", "passage", "number", "block",
    "boilerplate", "negative",
)  # fmt: skip

# Share of all paragraphs that each kind of planted copy makes up (12.5% in all).
_COPY_SHARE = {
    "exact": 0.015, "edit": 0.025, "ocr": 0.015, "trim": 0.010, "split": 0.010,
    "merge": 0.0075, "quote": 0.004, "passage": 0.0035, "number": 0.010, "block": 0.025,
}  # fmt: skip
_NEGATIVE_SHARE = 0.010
_FOOTER_SHARE = 0.30  # of documents
_FOOTER_VARIANT_SHARE = 0.25  # of footers: one word differs

_PSEUDO_WORDS = 20_000
_ZIPF_S = 1.0
_TOPICS = 50
_TOPIC_WORDS = 200
_TOPIC_SHARE = 0.25
_TOPIC_MIN_RANK = 500  # topic words are content words, not the commonest ones
_MEDIAN_WORDS = 60
_SIGMA_WORDS = 0.7  # lognormal: ~1% of paragraphs hit the 300-word cap
_MIN_WORDS, _MAX_WORDS = 5, 300
_WORDS_PER_SENTENCE = 16
_COMMA_SHARE = 0.5
_NUMBER_SHARE = 0.15  # of sentences of 8 words or more
_EDIT_RATE = (0.01, 0.05)  # share of words edited
_OCR_RATE = (0.02, 0.04)  # share of characters garbled
_BLOCK_LENGTH = (3, 15)
_CHUNK = 4096  # paragraph slots whose words share one seed
_SHAPE_BLOCK = 1 << 16  # paragraph slots whose sentences are drawn at once
_FOLDER_FILES = 1000

# Independent random streams, so that a change in one part leaves the others as they were.
_LANGUAGE, _PLAN, _SHAPE, _TEXT, _DERIVE = range(5)
# What a paragraph slot holds.
_ORIGINAL, _COPY, _FOOTER = 0, 1, 2

_FUNCTION_WORDS = (
    "the of and to a in that is was for it with as on be at by this had not are but from or "
    "have an they which one you were her she there been all we their has would when who will "
    "more no if out so said what up its about into than them can only other some could these "
    "two may then do first any my now such our over even most after also did many before must "
    "through back where much your well down should because each just those how too very still "
    "own here between both being under never same another while last might us off since "
    "against three without however during within upon among around until again often once "
    "later yet nor either whether whose whom although though toward across behind beyond above "
    "below near he his him me every few less least several whatever whichever itself himself "
    "herself themselves ourselves"
).split()
_ONSETS = (
    "", "", "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v",
    "w", "z", "br", "ch", "cl", "cr", "dr", "fl", "gr", "pl", "pr", "sh", "sl", "st", "th", "tr",
)  # fmt: skip
_NUCLEI = ("a", "a", "e", "e", "i", "o", "o", "u", "ai", "ea", "ie", "ou", "oo")
_CODAS = ("", "", "", "", "", "n", "r", "s", "l", "t", "m", "nd", "st", "rn", "ck")
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
# Number phrases: date "14 March 2021", percent "37 percent", money "$4.5 million",
# count "3,200", year "2019"; the words each takes and how often each comes.
_PHRASE_WORDS = np.array([3, 2, 2, 1, 1])
_PHRASE_P = np.array([0.25, 0.25, 0.15, 0.20, 0.15])
# Footers: (text, word, replacement) — the replacement gives the one-word variant.
_FOOTERS = (
    ("Subscribe to our newsletter for the latest news and analysis, delivered to your inbox "
     "every morning. (c) 2024 Example Media. All rights reserved.", "morning", "evening"),
    ("This story was produced by the Example Media newsroom. To report an error or request a "
     "correction, please contact our editors. (c) 2024 Example Media. All rights reserved.",
     "editors", "staff"),
    ("Follow us on social media and share this article with your friends. Comments are "
     "moderated and may take up to a day to appear.", "friends", "family"),
    ("Copyright 2024 Example Media Group. This material may not be published, broadcast, "
     "rewritten or redistributed without written permission.", "2024", "2023"),
    ("Support independent journalism: become a member today and get unlimited access to all "
     "our articles, podcasts and newsletters.", "today", "now"),
    ("Related coverage: read more stories from our correspondents, and sign up for breaking "
     "news alerts on your phone.", "phone", "tablet"),
)  # fmt: skip
_OCR_SWAPS = {
    "l": "1", "e": "c", "c": "e", "i": "l", "o": "0", "a": "o", "h": "b", "n": "u",
    "u": "n", "m": "rn", "t": "f", "s": "5", "O": "0", "I": "l", "S": "5",
}  # fmt: skip
_SENTENCE_END = re.compile(r"(?<=\.) ")
# Pseudo-words must not spell these.
_RUDE = re.compile("fuck|shit|cunt|cock|dick|piss|slut|whore|twat|nig|fag|rape|porn|anal|cum|tit|ass")


@dataclass(frozen=True)
class CorpusInfo:
    """What :func:`generate_corpus` wrote.

    ``counts`` gives the paragraphs of each kind: ``original`` plus every kind
    in :data:`KINDS` (copies, footers, negative partners); they sum to
    ``paragraphs``.  ``size_bytes`` is the size of the document files.
    """

    path: Path
    documents: int
    paragraphs: int
    counts: dict[str, int] = field(hash=False)
    size_bytes: int = 0


# --------------------------------------------------------------------------- language


@dataclass(frozen=True)
class _Language:
    """A vocabulary with Zipf-distributed words and topic vocabularies."""

    words: list[str]  # by rank; the function words first
    index: dict[str, int]
    decorated: np.ndarray  # object [6 * size]: (lower, Capital) x ("", ",", ".")
    zipf: np.ndarray  # inverse-CDF lookup table over ranks
    topic_words: np.ndarray  # [topics, topic words] ranks
    topic_zipf: np.ndarray  # inverse-CDF lookup table over a topic's words

    @property
    def size(self) -> int:
        return len(self.words)

    def draw(self, rng: np.random.Generator, topics: np.ndarray) -> np.ndarray:
        """Draw one word rank per entry of ``topics`` (the topic of each word)."""
        n = len(topics)
        common = self.zipf[rng.integers(0, len(self.zipf), n)]
        topical = self.topic_words[topics, self.topic_zipf[rng.integers(0, len(self.topic_zipf), n)]]
        return np.where(rng.random(n) < _TOPIC_SHARE, topical, common)

    def render(self, rng: np.random.Generator, ranks: np.ndarray) -> str:
        """Write words as sentences: capitals, commas and full stops."""
        _, lengths = _compose(rng, np.array([len(ranks)]))
        variant, _ = _variants(lengths, _commas(rng, lengths))
        return " ".join(self.decorated[ranks + self.size * variant].tolist())


def _build_language(seed: int) -> _Language:
    """Build the vocabulary, its Zipf tables and the topics for ``seed``."""
    rng = np.random.default_rng([seed, _LANGUAGE])
    words = list(_FUNCTION_WORDS) + _pseudo_words(rng, _PSEUDO_WORDS, set(_FUNCTION_WORDS))
    decorated = [(w.capitalize() if cap else w) + end for cap in (False, True) for end in ("", ",", ".") for w in words]
    ranks = np.arange(1, len(words) + 1, dtype=np.float64)
    topic_words = np.stack([rng.choice(len(words) - _TOPIC_MIN_RANK, _TOPIC_WORDS, replace=False) for _ in range(_TOPICS)])
    return _Language(
        words=words,
        index={w: i for i, w in enumerate(words)},
        decorated=np.array(decorated, dtype=object),
        zipf=_inverse_cdf(ranks**-_ZIPF_S, 1 << 21),
        topic_words=topic_words + _TOPIC_MIN_RANK,
        topic_zipf=_inverse_cdf(ranks[:_TOPIC_WORDS] ** -_ZIPF_S, 1 << 16),
    )


def _pseudo_words(rng: np.random.Generator, count: int, taken: set[str]) -> list[str]:
    """Make ``count`` distinct pronounceable words, shortest first (short words are common)."""
    words: list[str] = []
    seen = set(taken)
    while len(words) < count:
        syllables = rng.choice(4, 2 * count, p=(0.3, 0.42, 0.22, 0.06)) + 1
        total = int(syllables.sum())
        onsets = rng.integers(0, len(_ONSETS), total).tolist()
        nuclei = rng.integers(0, len(_NUCLEI), total).tolist()
        parts = [_ONSETS[o] + _NUCLEI[u] for o, u in zip(onsets, nuclei, strict=True)]
        codas = rng.integers(0, len(_CODAS), len(syllables)).tolist()
        ends = np.cumsum(syllables).tolist()
        for start, end, coda in zip([0, *ends[:-1]], ends, codas, strict=True):
            word = "".join(parts[start:end]) + _CODAS[coda]
            if 2 <= len(word) <= 12 and word not in seen and not _RUDE.search(word) and len(words) < count:
                seen.add(word)
                words.append(word)
    words.sort(key=len)
    return words


def _inverse_cdf(weights: np.ndarray, size: int) -> np.ndarray:
    """Return a table whose uniformly drawn entries follow ``weights``."""
    cdf = np.cumsum(weights / weights.sum())
    table = np.searchsorted(cdf, (np.arange(size) + 0.5) / size)
    return np.minimum(table, len(weights) - 1).astype(np.int32)


# --------------------------------------------------------------------------- sentence shapes


@dataclass(frozen=True)
class _Shape:
    """Sentence structure of every paragraph slot (used by the originals)."""

    words: np.ndarray  # [slots] words per paragraph
    first: np.ndarray  # [slots + 1] offset of each paragraph's first sentence
    length: np.ndarray  # [sentences] words
    comma: np.ndarray  # [sentences] comma after this word, -1 none
    number: np.ndarray  # [sentences] number phrase kind, -1 none
    number_at: np.ndarray  # [sentences] word where the number phrase starts

    @property
    def sentences(self) -> np.ndarray:
        return np.diff(self.first)

    @property
    def has_number(self) -> np.ndarray:
        return np.maximum.reduceat(self.number >= 0, self.first[:-1])


def _draw_shape(rng: np.random.Generator, slots: int) -> _Shape:
    """Draw the sentences of every slot, in blocks so that the float temporaries stay small."""
    blocks = [_draw_shape_block(rng, min(_SHAPE_BLOCK, slots - start)) for start in range(0, slots, _SHAPE_BLOCK)]
    counts = np.concatenate([b[0] for b in blocks])
    words, length, comma, number, number_at = (np.concatenate([b[i] for b in blocks]) for i in range(1, 6))
    return _Shape(words, np.concatenate([[0], np.cumsum(counts)]), length, comma, number, number_at)


def _draw_shape_block(rng: np.random.Generator, slots: int) -> tuple[np.ndarray, ...]:
    """Draw words, sentences, commas and number phrases of ``slots`` paragraphs."""
    median = math.log(_MEDIAN_WORDS)
    words = np.clip(np.rint(rng.lognormal(median, _SIGMA_WORDS, slots)), _MIN_WORDS, _MAX_WORDS).astype(np.int64)
    counts, length = _compose(rng, words)
    comma = _commas(rng, length)
    kind = rng.choice(len(_PHRASE_P), len(length), p=_PHRASE_P)
    span = _PHRASE_WORDS[kind]
    number_at = 1 + (rng.random(len(length)) * (length - span - 1)).astype(np.int64)
    has_number = (length >= 8) & (rng.random(len(length)) < _NUMBER_SHARE)
    # A comma inside a phrase ("14, March 2021") moves to the phrase's end.
    inside = has_number & (comma >= number_at) & (comma < number_at + span - 1)
    comma = np.where(inside, number_at + span - 1, comma)
    return (
        counts.astype(np.int32), words.astype(np.int32), length.astype(np.int16), comma.astype(np.int16),
        np.where(has_number, kind, -1).astype(np.int8), number_at.astype(np.int16),
    )  # fmt: skip


def _compose(rng: np.random.Generator, words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split paragraphs of ``words`` words into sentences of about 8-28 words.

    Returns the sentences per paragraph and the words per sentence (flat).
    """
    counts = np.maximum(1, np.rint(words / _WORDS_PER_SENTENCE)).astype(np.int64)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    owner = np.repeat(np.arange(len(words)), counts)
    weight = rng.uniform(0.7, 1.3, int(counts.sum()))
    length = np.floor(weight / np.add.reduceat(weight, first)[owner] * words[owner]).astype(np.int64)
    short = words - np.add.reduceat(length, first)
    length += (np.arange(len(length)) - first[owner]) < short[owner]
    return counts, length


def _commas(rng: np.random.Generator, length: np.ndarray) -> np.ndarray:
    """Place at most one comma per sentence of 8+ words, never near either end."""
    where = 2 + (rng.random(len(length)) * (length - 4)).astype(np.int64)
    return np.where((length >= 8) & (rng.random(len(length)) < _COMMA_SHARE), where, -1)


def _variants(length: np.ndarray, comma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return each word's decoration (3 * capital + ("", ",", ".")) and each sentence's start."""
    length = length.astype(np.int64)
    start = np.concatenate([[0], np.cumsum(length)[:-1]])
    variant = np.zeros(int(length.sum()), dtype=np.int64)
    variant[start] = 3
    variant[start + length - 1] += 2
    has = comma >= 0
    variant[start[has] + comma[has]] += 1
    return variant, start


def _number_phrases(rng: np.random.Generator, kinds: np.ndarray) -> list[list[str]]:
    """Write one number phrase of each kind in ``kinds`` (see ``_PHRASE_WORDS``)."""
    n = len(kinds)
    day, month, year = (
        rng.integers(1, 29, n).tolist(),
        rng.integers(0, 12, n).tolist(),
        rng.integers(1990, 2025, n).tolist(),
    )
    percent, whole, tenth = (
        rng.integers(2, 99, n).tolist(),
        rng.integers(1, 100, n).tolist(),
        rng.integers(0, 10, n).tolist(),
    )
    unit = rng.integers(0, 2, n).tolist()
    count = np.exp(rng.uniform(math.log(12), math.log(250_000), n)).astype(np.int64).tolist()
    phrases = []
    for i, kind in enumerate(kinds.tolist()):
        if kind == 0:
            phrases.append([str(day[i]), _MONTHS[month[i]], str(year[i])])
        elif kind == 1:
            phrases.append([str(percent[i]), "percent"])
        elif kind == 2:
            phrases.append([f"${whole[i]}.{tenth[i]}", ("million", "billion")[unit[i]]])
        elif kind == 3:
            phrases.append([f"{count[i]:,}"])
        else:
            phrases.append([str(year[i])])
    return phrases


# --------------------------------------------------------------------------- layout


@dataclass(slots=True)
class _Event:
    """One planted repeat: the copy's slots and the original slots it comes from."""

    kind: str
    copy_size: int  # consecutive copy paragraphs
    source_size: int = 0  # > 0: the sources are a run of this many slots laid out with the copy
    order: tuple[int, ...] = ()  # block: which source paragraph each copy paragraph reprints
    variant: str = ""
    copy_slot: int = -1
    source_slots: tuple[int, ...] = ()
    dropped: bool = False


@dataclass(frozen=True)
class _Plan:
    """Where every paragraph goes; the texts are drawn later."""

    seed: int
    doc_start: np.ndarray  # [documents + 1] first slot of each document
    doc_topic: np.ndarray
    doc_footer: np.ndarray  # index into ``footers``, -1 for none
    footers: tuple[tuple[str, str], ...]  # (text, one-word variant)
    footer_variant: np.ndarray
    slot_kind: np.ndarray  # _ORIGINAL, _COPY or _FOOTER
    slot_event: np.ndarray  # copies: index into ``events``
    slot_part: np.ndarray  # copies: position in the copy run
    slot_doc: np.ndarray
    slot_topic: np.ndarray
    shape: _Shape
    events: list[_Event]

    @property
    def documents(self) -> int:
        return len(self.doc_topic)

    @property
    def paragraphs(self) -> int:
        return len(self.slot_kind)


def _plan_corpus(seed: int, paragraphs: int, docs_paragraphs: tuple[int, int]) -> _Plan:
    """Decide documents, topics, footers, copies and their sources, before any text."""
    rng = np.random.default_rng([seed, _PLAN])
    sizes = _draw_sizes(rng, paragraphs, *docs_paragraphs)
    documents = len(sizes)
    doc_start = np.concatenate([[0], np.cumsum(sizes)])
    topic = rng.integers(0, _TOPICS, documents)
    chosen = np.sort(rng.choice(len(_FOOTERS), int(rng.integers(3, 6)), replace=False))
    has_footer = (rng.random(documents) < _FOOTER_SHARE) & (sizes >= 2)
    footer = np.where(has_footer, rng.integers(0, len(chosen), documents), -1)
    footer_variant = rng.random(documents) < _FOOTER_VARIANT_SHARE
    body = sizes - has_footer
    events = _draw_events(rng, paragraphs, int(body.max()))
    slot_kind = np.zeros(paragraphs, dtype=np.int8)
    slot_kind[doc_start[1:][has_footer] - 1] = _FOOTER
    slot_event = np.full(paragraphs, -1, dtype=np.int32)
    slot_part = np.zeros(paragraphs, dtype=np.int16)
    _lay_out(rng, events, body, doc_start, slot_kind, slot_event, slot_part)
    plan = _Plan(
        seed=seed, doc_start=doc_start, doc_topic=topic, doc_footer=footer,
        footers=tuple(_footer_texts(i) for i in chosen.tolist()), footer_variant=footer_variant,
        slot_kind=slot_kind, slot_event=slot_event, slot_part=slot_part,
        slot_doc=np.repeat(np.arange(documents, dtype=np.int32), sizes),
        slot_topic=np.repeat(topic.astype(np.int8), sizes),
        shape=_draw_shape(np.random.default_rng([seed, _SHAPE]), paragraphs),
        events=events,
    )  # fmt: skip
    _choose_sources(rng, plan)
    return plan


def _footer_texts(template: int) -> tuple[str, str]:
    """Return a footer and its one-word variant."""
    text, word, other = _FOOTERS[template]
    return text, re.sub(rf"\b{re.escape(word)}\b", other, text, count=1)


def _draw_sizes(rng: np.random.Generator, paragraphs: int, low: int, high: int) -> np.ndarray:
    """Draw document sizes in [low, high] that sum to ``paragraphs``."""
    sizes = rng.integers(low, high + 1, int(paragraphs / ((low + high) / 2) * 1.1) + 2)
    while sizes.sum() < paragraphs:
        sizes = np.concatenate([sizes, rng.integers(low, high + 1, len(sizes))])
    ends = np.cumsum(sizes)
    last = int(np.searchsorted(ends, paragraphs))
    sizes = sizes[: last + 1].copy()
    sizes[last] -= ends[last] - paragraphs
    if sizes[last] < low and last > 0:
        # Too short for a document of its own: spread the rest over other documents.
        extra, sizes = int(sizes[last]), sizes[:last]
        room = np.flatnonzero(sizes < high)
        room = room if len(room) >= extra else np.arange(len(sizes))
        np.add.at(sizes, rng.choice(room, extra, replace=extra > len(room)), 1)
    return sizes


def _draw_events(rng: np.random.Generator, paragraphs: int, biggest: int) -> list[_Event]:
    """Draw the planted copies; block runs are at most ``biggest`` paragraphs long."""
    events = []
    for kind in ("exact", "edit", "ocr", "trim", "number", "quote", "passage"):
        events += [_Event(kind, 1) for _ in range(round(_COPY_SHARE[kind] * paragraphs))]
    events += [_Event("negative", 1) for _ in range(round(_NEGATIVE_SHARE * paragraphs))]
    events += [_Event("split", 2) for _ in range(round(_COPY_SHARE["split"] * paragraphs / 2))]
    events += [_Event("merge", 1, 2) for _ in range(round(_COPY_SHARE["merge"] * paragraphs))]
    longest, planted = min(_BLOCK_LENGTH[1], biggest), 0
    while planted < round(_COPY_SHARE["block"] * paragraphs) and longest >= _BLOCK_LENGTH[0]:
        length = int(rng.integers(_BLOCK_LENGTH[0], longest + 1))
        variant = ("drop", "move", "edit")[int(rng.integers(3))]
        order = list(range(length))
        if variant == "drop":
            del order[int(rng.integers(1, length - 1))]
        elif variant == "move":
            i, j = rng.choice(length, 2, replace=False).tolist()
            order.insert(j, order.pop(i))
        events.append(_Event("block", len(order), length, tuple(order), variant))
        planted += len(order)
    return events


def _lay_out(
    rng: np.random.Generator,
    events: list[_Event],
    body: np.ndarray,
    doc_start: np.ndarray,
    slot_kind: np.ndarray,
    slot_event: np.ndarray,
    slot_part: np.ndarray,
) -> None:
    """Put each event's copy run (and source run) into documents with room, at random places."""
    remaining = body.astype(np.int64)
    units: dict[int, list[tuple[int, int]]] = {}  # document -> (event, 0 copy | 1 source)
    tries = rng.integers(0, len(body), (2 * len(events), 8))
    fallback = rng.random(2 * len(events))
    for k, e in enumerate(sorted(range(len(events)), key=lambda e: -max(events[e].copy_size, events[e].source_size))):
        event, placed = events[e], []
        for role, size in ((1, event.source_size), (0, event.copy_size)):
            if size == 0:
                continue
            doc = _find_room(remaining, size, tries[2 * k + role], fallback[2 * k + role])
            if doc is None:
                break
            remaining[doc] -= size
            placed.append((doc, role))
        else:
            for doc, role in placed:
                units.setdefault(doc, []).append((e, role))
            continue
        event.dropped = True
        for doc, role in placed:
            remaining[doc] += event.source_size if role else event.copy_size
    for doc in sorted(units):
        _order_units(rng, events, units[doc], int(remaining[doc]), int(doc_start[doc]), slot_kind, slot_event, slot_part)


def _find_room(remaining: np.ndarray, size: int, tries: np.ndarray, fallback: float) -> int | None:
    for doc in tries.tolist():
        if remaining[doc] >= size:
            return doc
    roomy = np.flatnonzero(remaining >= size)
    return int(roomy[int(fallback * len(roomy))]) if len(roomy) else None


def _order_units(
    rng: np.random.Generator,
    events: list[_Event],
    units: list[tuple[int, int]],
    fillers: int,
    first_slot: int,
    slot_kind: np.ndarray,
    slot_event: np.ndarray,
    slot_part: np.ndarray,
) -> None:
    """Shuffle a document's runs among its original paragraphs and record their slots."""
    units = [units[i] for i in rng.permutation(len(units)).tolist()]
    seat = {unit: i for i, unit in enumerate(units)}
    for e, role in list(units):
        # A run reprinted in the same document comes after its source run.
        if role == 1 and (e, 0) in seat and seat[(e, 0)] < seat[(e, 1)]:
            i, j = seat[(e, 0)], seat[(e, 1)]
            units[i], units[j] = units[j], units[i]
            seat[(e, 0)], seat[(e, 1)] = j, i
    places = np.sort(rng.choice(fillers + len(units), len(units), replace=False)).tolist()
    shift = 0
    for (e, role), place in zip(units, places, strict=True):
        event = events[e]
        size = event.source_size if role else event.copy_size
        slot = first_slot + place + shift
        shift += size - 1
        if role:
            event.source_slots = tuple(range(slot, slot + size))
        else:
            event.copy_slot = slot
            slot_kind[slot : slot + size] = _COPY
            slot_event[slot : slot + size] = e
            slot_part[slot : slot + size] = np.arange(size)


def _choose_sources(rng: np.random.Generator, plan: _Plan) -> None:
    """Pick a distinct original source for each copy that has none yet; drop copies with no fit."""
    shape, events = plan.shape, plan.events
    pool = plan.slot_kind == _ORIGINAL
    for event in events:
        pool[list(event.source_slots)] = False
    order = rng.permutation(plan.paragraphs)
    order = order[pool[order]]
    used = np.zeros(plan.paragraphs, dtype=bool)
    sentences = shape.sentences
    needs = {
        "number": shape.has_number, "trim": sentences >= 3, "passage": sentences >= 3,
        "quote": shape.words <= 80,
        "split": sentences >= 2, "negative": shape.words >= 20, "edit": shape.words >= 20,
        "exact": None, "ocr": None,
    }  # fmt: skip
    for kind, need in needs.items():
        waiting = [ev for ev in events if ev.kind == kind and not ev.dropped]
        fits = order if need is None else order[need[order]]
        fits = fits[~used[fits]]
        if kind == "negative":
            picks = _same_topic(fits, plan.slot_topic, [int(plan.slot_topic[ev.copy_slot]) for ev in waiting])
        else:
            picks = fits[: len(waiting)].tolist()
        for event, slot in zip(waiting, picks, strict=False):
            event.source_slots = (slot,)
            used[slot] = True
        for event in waiting[len(picks) :]:
            event.dropped = True
            plan.slot_kind[event.copy_slot : event.copy_slot + event.copy_size] = _ORIGINAL


def _same_topic(fits: np.ndarray, slot_topic: np.ndarray, topics: list[int]) -> list[int]:
    """Pick one slot of each wanted topic from ``fits`` (in order), any topic if none is left."""
    by_topic = fits[np.argsort(slot_topic[fits], kind="stable")]
    bounds = np.searchsorted(slot_topic[by_topic], np.arange(_TOPICS + 1)).tolist()
    taken: set[int] = set()
    spare = iter(fits.tolist())
    picks = []
    for topic in topics:
        while bounds[topic] < bounds[topic + 1] and int(by_topic[bounds[topic]]) in taken:
            bounds[topic] += 1
        if bounds[topic] < bounds[topic + 1]:
            slot = int(by_topic[bounds[topic]])
        else:
            slot = next((s for s in spare if s not in taken), None)
            if slot is None:
                break
        taken.add(slot)
        picks.append(slot)
    return picks


# --------------------------------------------------------------------------- original text


class _Chunk:
    """The words of paragraph slots [start, end), drawn from the chunk's own seed."""

    def __init__(self, lang: _Language, plan: _Plan, number: int):
        shape = plan.shape
        self.start = number * _CHUNK
        self.end = min(self.start + _CHUNK, plan.paragraphs)
        self._lang, self._plan = lang, plan
        rng = np.random.default_rng([plan.seed, _TEXT, number])
        words = shape.words[self.start : self.end]
        self._first = np.concatenate([[0], np.cumsum(words, dtype=np.int64)]).tolist()
        s0, s1 = int(shape.first[self.start]), int(shape.first[self.end])
        ranks = lang.draw(rng, np.repeat(plan.slot_topic[self.start : self.end], words))
        variant, sentence_start = _variants(shape.length[s0:s1], shape.comma[s0:s1])
        self._index = ranks + lang.size * variant
        has = np.flatnonzero(shape.number[s0:s1] >= 0)
        self._phrase_at = (sentence_start[has] + shape.number_at[s0:s1][has]).tolist()
        self._phrases = _number_phrases(rng, shape.number[s0:s1][has])
        for at, phrase in zip(self._phrase_at, self._phrases, strict=True):
            if variant[at + len(phrase) - 1] % 3 == 1:
                phrase[-1] += ","

    def texts(self, slots: Sequence[int] | None = None) -> dict[int, str]:
        """Return the text of the original paragraphs in ``slots`` (all by default)."""
        if slots is None:
            kinds = self._plan.slot_kind[self.start : self.end]
            slots = (self.start + np.flatnonzero(kinds == _ORIGINAL)).tolist()
        words = self._lang.decorated[self._index].tolist()
        for at, phrase in zip(self._phrase_at, self._phrases, strict=True):
            words[at : at + len(phrase)] = phrase
        first = self._first
        return {s: " ".join(words[first[s - self.start] : first[s - self.start + 1]]) for s in slots}


def _source_texts(lang: _Language, plan: _Plan) -> dict[int, str]:
    """Build the text of every original that a copy is made from."""
    wanted = sorted({s for ev in plan.events if not ev.dropped for s in ev.source_slots})
    texts: dict[int, str] = {}
    chunk_of = np.asarray(wanted, dtype=np.int64) // _CHUNK
    for number in np.unique(chunk_of).tolist():
        slots = [wanted[i] for i in np.flatnonzero(chunk_of == number).tolist()]
        texts.update(_Chunk(lang, plan, number).texts(slots))
    return texts


# --------------------------------------------------------------------------- copies


def _split_sentences(text: str) -> list[str]:
    """Split an original paragraph into its sentences.

    >>> _split_sentences("One two. Up by 4.5 percent. End.")
    ['One two.', 'Up by 4.5 percent.', 'End.']
    """
    return _SENTENCE_END.split(text)


def _edit(rng: np.random.Generator, lang: _Language, text: str, topic: int) -> str:
    """Substitute, insert or delete 1-5% of the words (at least one) inside sentences."""
    words = text.split(" ")
    n = len(words)
    low = max(1, math.ceil(_EDIT_RATE[0] * n))
    edits = int(rng.integers(low, max(low, math.floor(_EDIT_RATE[1] * n)) + 1))
    inner = [i for i in range(1, n) if not words[i - 1].endswith(".") and not words[i].endswith(".")]
    spots = inner if len(inner) >= edits else list(range(n))
    while True:
        edited = _edit_words(rng, lang, list(words), spots, edits, topic)
        if edited != words:  # an insertion next to a deletion can restore the text
            return " ".join(edited)


def _edit_words(rng: np.random.Generator, lang: _Language, words: list[str], spots: list[int], edits: int, topic: int) -> list[str]:
    picks = sorted(rng.choice(spots, min(edits, len(spots)), replace=False).tolist(), reverse=True)
    fresh = [lang.words[r] for r in lang.draw(rng, np.full(2 * len(picks), topic)).tolist()]
    for k, (i, op) in enumerate(zip(picks, rng.integers(0, 3, len(picks)).tolist(), strict=True)):
        core = words[i].rstrip(",.")
        new = next((w for w in fresh[2 * k : 2 * k + 2] if w != core.lower()), core.lower() + "s")
        if op == 0:
            words[i] = (new.capitalize() if core[:1].isupper() else new) + words[i][len(core) :]
        elif op == 1 or len(words) < 2:
            words.insert(i, new)
        else:
            del words[i]
    return words


def _ocr(rng: np.random.Generator, text: str) -> str:
    """Garble 2-4% of the characters as OCR does: rn->m, l->1, e->c, drops and doubles."""
    chars = list(text)
    spots = [i for i, c in enumerate(chars) if c != " " and i > 0]
    count = max(1, round(rng.uniform(*_OCR_RATE) * len(text)))
    picks = sorted(rng.choice(spots, min(count, len(spots)), replace=False).tolist(), reverse=True)
    for i, roll in zip(picks, rng.random(len(picks)).tolist(), strict=True):
        c = chars[i]
        if c == "r" and chars[i + 1 : i + 2] == ["n"]:
            chars[i : i + 2] = ["m"]
        elif c in _OCR_SWAPS and roll < 0.6:
            chars[i] = _OCR_SWAPS[c]
        elif roll < 0.8:
            del chars[i]
        else:
            chars.insert(i, c)
    return "".join(chars)


def _renumber(rng: np.random.Generator, text: str) -> str:
    """Change one number (same count of digits) and nothing else."""
    runs = list(re.finditer(r"\d+", text))
    run = runs[int(rng.integers(len(runs)))]
    digits, before = run.group(), text[run.start() - 1 : run.start()]
    after = text[run.end() + 1 :].split(" ", 1)[0].rstrip(",.")
    if len(digits) == 4 and digits[:2] in ("19", "20"):
        low, high = 1990, 2024
    elif after in _MONTHS:
        low, high = (1, 9) if len(digits) == 1 else (10, 28)
    elif before in (",", "."):
        low, high = 0, 10 ** len(digits) - 1
    else:
        low, high = 10 ** (len(digits) - 1), 10 ** len(digits) - 1
    old = int(digits)
    new = int(rng.integers(low, high))
    new += new >= old
    return f"{text[: run.start()]}{new:0{len(digits)}d}{text[run.end() :]}"


def _surround(rng: np.random.Generator, lang: _Language, text: str, topic: int) -> str:
    """Quote the whole of ``text`` inside a longer paragraph: new sentences on ``topic`` around it."""
    before, after = (lang.render(rng, lang.draw(rng, np.full(int(rng.integers(10, 40)), topic))) for _ in range(2))
    return f"{before} {text} {after}"


def _quote(rng: np.random.Generator, lang: _Language, text: str, topic: int) -> str:
    """Quote 1-2 sentences (12+ words) of ``text`` inside new sentences on ``topic`` (a shared passage)."""
    sentences = _split_sentences(text)
    runs = [
        " ".join(sentences[i : i + m])
        for m in (1, 2)
        for i in range(len(sentences) - m + 1)
        if m < len(sentences) and sum(len(s.split()) for s in sentences[i : i + m]) >= 12
    ]
    quoted = runs[int(rng.integers(len(runs)))]
    before, after = (lang.render(rng, lang.draw(rng, np.full(int(rng.integers(10, 40)), topic))) for _ in range(2))
    return f"{before} {quoted} {after}"


def _sibling(rng: np.random.Generator, lang: _Language, text: str, topic: int) -> str:
    """Write a different paragraph from ~70% of ``text``'s words plus new words on ``topic``."""
    ranks = [lang.index[w] for w in (w.strip(",.").lower() for w in text.split(" ")) if w in lang.index]
    kept = [ranks[i] for i in rng.permutation(len(ranks))[: round(0.7 * len(ranks))].tolist()]
    fresh = lang.draw(rng, np.full(len(ranks) - len(kept), topic))
    mixed = np.concatenate([np.asarray(kept, dtype=np.int64), fresh])
    return lang.render(rng, rng.permutation(mixed))


def _copies(rng: np.random.Generator, lang: _Language, plan: _Plan, event: _Event, sources: dict[int, str]) -> list[str]:
    """Write the copy run of ``event`` from the texts of its sources."""
    source = [sources[s] for s in event.source_slots]
    topic = int(plan.slot_topic[event.source_slots[0]])
    kind = event.kind
    if kind == "exact":
        return source
    if kind == "edit":
        return [_edit(rng, lang, source[0], topic)]
    if kind == "ocr":
        return [_ocr(rng, source[0])]
    if kind in ("trim", "split"):
        sentences = _split_sentences(source[0])
        if kind == "trim":
            return [" ".join(sentences[1:] if rng.random() < 0.5 else sentences[:-1])]
        cut = int(rng.integers(1, len(sentences)))
        return [" ".join(sentences[:cut]), " ".join(sentences[cut:])]
    if kind == "merge":
        return [" ".join(source)]
    if kind == "quote":
        return [_surround(rng, lang, source[0], int(plan.slot_topic[event.copy_slot]))]
    if kind == "passage":
        return [_quote(rng, lang, source[0], int(plan.slot_topic[event.copy_slot]))]
    if kind == "number":
        return [_renumber(rng, source[0])]
    if kind == "negative":
        return [_sibling(rng, lang, source[0], topic)]
    run = [source[i] for i in event.order]
    if event.variant == "edit":
        longest = max(range(len(run)), key=lambda i: run[i].count(" "))
        run[longest] = _edit(rng, lang, run[longest], topic)
    return run


# --------------------------------------------------------------------------- writing


def _doc_names(documents: int) -> list[str]:
    """Name document files ``<folder>/<number>.txt``, at most 1000 per folder."""
    width = max(6, len(str(documents - 1)))
    folder_width = max(3, len(str((documents - 1) // _FOLDER_FILES)))
    return [f"{d // _FOLDER_FILES:0{folder_width}d}/{d:0{width}d}.txt" for d in range(documents)]


def _write_documents(root: Path, lang: _Language, plan: _Plan, sources: dict[int, str], names: list[str]) -> int:
    """Stream the documents to ``root/docs``; return the bytes written."""
    rng = np.random.default_rng([plan.seed, _DERIVE])
    written = 0
    chunk, originals, copies = None, {}, []
    for doc, name in enumerate(names):
        path = root / "docs" / name
        if doc % _FOLDER_FILES == 0:
            path.parent.mkdir(parents=True)
        first, last = int(plan.doc_start[doc]), int(plan.doc_start[doc + 1])
        paragraphs = []
        kinds = plan.slot_kind[first:last].tolist()
        events = plan.slot_event[first:last].tolist()
        parts = plan.slot_part[first:last].tolist()
        for slot, kind, event, part in zip(range(first, last), kinds, events, parts, strict=True):
            if kind == _ORIGINAL:
                if chunk is None or slot >= chunk.end:
                    chunk = _Chunk(lang, plan, slot // _CHUNK)
                    originals = chunk.texts()
                paragraphs.append(originals[slot])
            elif kind == _COPY:
                if part == 0:
                    copies = _copies(rng, lang, plan, plan.events[event], sources)
                paragraphs.append(copies[part])
            else:
                paragraphs.append(plan.footers[plan.doc_footer[doc]][int(plan.footer_variant[doc])])
        data = ("\n\n".join(paragraphs) + "\n").encode("utf-8")
        path.write_bytes(data)
        written += len(data)
    return written


def _truth(plan: _Plan, names: list[str]) -> Iterator[dict]:
    """Yield the planted pairs, blocks and footer clusters in a fixed order."""

    def at(slot: int) -> dict:
        doc = int(plan.slot_doc[slot])
        return {"doc": names[doc], "index": slot - int(plan.doc_start[doc])}

    def span(first: int, size: int) -> dict:
        doc = int(plan.slot_doc[first])
        start = first - int(plan.doc_start[doc])
        return {"doc": names[doc], "index_start": start, "index_end": start + size - 1}

    pairs, blocks = [], []
    for event in (ev for ev in plan.events if not ev.dropped):
        a, b = event.source_slots, event.copy_slot
        if event.kind == "block":
            pairs += [(event.kind, a[i], b + j) for j, i in enumerate(event.order)]
            blocks.append((a[0], b, event))
        else:
            pairs += [(event.kind, s, b + j) for s in a for j in range(event.copy_size)]
    pairs.sort(key=lambda p: (KINDS.index(p[0]), p[1], p[2]))
    for kind, a, b in pairs:
        yield {"type": "pair", "kind": kind, "a": at(a), "b": at(b)}
    for a, b, event in sorted(blocks, key=lambda x: x[0]):
        yield {
            "type": "block",
            "a": span(a, event.source_size),
            "b": span(b, event.copy_size),
            "variant": event.variant,
        }
    footer_slots = np.flatnonzero(plan.slot_kind == _FOOTER)
    footer_of = plan.doc_footer[plan.slot_doc[footer_slots]]
    for template in range(len(plan.footers)):
        members = [at(s) for s in footer_slots[footer_of == template].tolist()]
        if members:
            yield {"type": "cluster", "kind": "boilerplate", "members": members}


def _write_truth(path: Path, records: Iterator[dict]) -> dict:
    """Write ``records`` as JSON lines; return how many pairs of each kind, blocks and clusters."""
    tally = {"pairs": dict.fromkeys(KINDS, 0), "blocks": 0, "clusters": 0}
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for record in records:
            out.write(json.dumps(record) + "\n")
            if record["type"] == "pair":
                tally["pairs"][record["kind"]] += 1
            else:
                tally[record["type"] + "s"] += 1
    return tally


def _paragraph_counts(plan: _Plan) -> dict[str, int]:
    """Count paragraphs per kind: originals, each kind of copy, footers, negative partners."""
    counts = dict.fromkeys(("original", *KINDS), 0)
    counts["original"] = int((plan.slot_kind == _ORIGINAL).sum())
    counts["boilerplate"] = int((plan.slot_kind == _FOOTER).sum())
    for event in plan.events:
        if not event.dropped:
            counts[event.kind] += event.copy_size
    return counts


# --------------------------------------------------------------------------- public API


def generate_corpus(out_dir: str | Path, paragraphs: int, seed: int = 0, docs_paragraphs: tuple[int, int] = (5, 40)) -> CorpusInfo:
    """Write a corpus of ``paragraphs`` paragraphs with planted repeats and their truth.

    Args:
        out_dir: folder to write ``docs/``, ``truth.jsonl`` and ``manifest.json`` into;
            created if missing, and must not hold a corpus already.
        paragraphs: total paragraphs over all documents (footers and copies included).
        seed: non-negative; the same seed and sizes give byte-identical files.
        docs_paragraphs: (min, max) paragraphs per document.

    Returns:
        A :class:`CorpusInfo` with the paragraphs of each kind.

    Raises:
        ValueError: a size or the seed is out of range.
        FileExistsError: ``out_dir`` already holds a corpus.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     info = generate_corpus(tmp, paragraphs=500, seed=1)
        ...     truth = load_truth(Path(tmp) / "truth.jsonl")
        >>> info.paragraphs, sum(info.counts.values()), truth[0]["kind"]
        (500, 500, 'exact')
    """
    low, high = _check_arguments(paragraphs, seed, docs_paragraphs)
    root = Path(out_dir)
    for name in ("docs", "truth.jsonl", "manifest.json"):
        if (root / name).exists():
            raise FileExistsError(f"{root / name} already exists; write the corpus to a new or empty folder")
    lang = _build_language(seed)
    plan = _plan_corpus(seed, paragraphs, (low, high))
    names = _doc_names(plan.documents)
    (root / "docs").mkdir(parents=True)
    size = _write_documents(root, lang, plan, _source_texts(lang, plan), names)
    tally = _write_truth(root / "truth.jsonl", _truth(plan, names))
    counts = _paragraph_counts(plan)
    manifest = {
        "generator": "benchmarks.corpus", "version": GENERATOR_VERSION, "seed": seed,
        "paragraphs": paragraphs, "documents": plan.documents, "docs_paragraphs": [low, high],
        "bytes": size, "counts": counts, "truth": tally,
    }  # fmt: skip
    (root / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return CorpusInfo(path=root, documents=plan.documents, paragraphs=paragraphs, counts=counts, size_bytes=size)


def _check_arguments(paragraphs: int, seed: int, docs_paragraphs: tuple[int, int]) -> tuple[int, int]:
    if not isinstance(paragraphs, int) or paragraphs < 1:
        raise ValueError(f"paragraphs must be an integer >= 1; got {paragraphs!r}")
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0; got {seed!r}")
    low, high = docs_paragraphs
    if not (isinstance(low, int) and isinstance(high, int) and 1 <= low <= high):
        raise ValueError(f"docs_paragraphs must be (min, max) with 1 <= min <= max; got {docs_paragraphs!r}")
    return low, high


def load_truth(path: str | Path) -> list[dict]:
    """Read a ``truth.jsonl`` file: one record per non-empty line, in file order."""
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def main(argv: Sequence[str] | None = None) -> None:
    """Generate a corpus from the command line and print a one-line summary."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.corpus", description="Generate a benchmark corpus with planted repeats."
    )
    parser.add_argument("out", help="output folder (new or empty)")
    parser.add_argument("--paragraphs", type=int, default=10_000, help="total paragraphs (default 10000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--docs-paragraphs", type=int, nargs=2, default=(5, 40), metavar=("MIN", "MAX"),
                        help="paragraphs per document (default 5 40)")  # fmt: skip
    args = parser.parse_args(argv)
    began = time.perf_counter()
    try:
        info = generate_corpus(args.out, args.paragraphs, args.seed, tuple(args.docs_paragraphs))
    except (ValueError, FileExistsError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    planted = " ".join(f"{kind}={n}" for kind, n in info.counts.items() if kind != "original")
    print(
        f"{info.paragraphs} paragraphs in {info.documents} documents, {info.size_bytes / 1e6:.1f} MB, "
        f"seed {args.seed}, {time.perf_counter() - began:.1f} s -> {info.path} ({planted})"
    )


if __name__ == "__main__":
    main()
