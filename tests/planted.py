"""A small planted-duplicates corpus, built by the tests: every repeat is known by construction."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

_SYLLABLES = ["ka", "lo", "mi", "tre", "san", "vo", "per", "dun", "el", "qua", "ris", "to", "ben", "ga", "hol", "ne"]


@dataclass
class Planted:
    texts: dict[str, str]
    pairs: dict[tuple[tuple[str, int], tuple[str, int]], str] = field(default_factory=dict)  # ((doc, idx), (doc, idx)) -> kind


def vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4))))
    return sorted(words)


def sentence(rng: random.Random, vocab: list[str], n: int) -> str:
    words = [rng.choice(vocab) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, vocab: list[str]) -> str:
    return " ".join(sentence(rng, vocab, rng.randint(8, 16)) for _ in range(rng.randint(3, 5)))


def edit(rng: random.Random, vocab: list[str], text: str, edits: int = 2) -> str:
    words = text.split()
    for _ in range(edits):
        words[rng.randrange(1, len(words) - 1)] = rng.choice(vocab)
    return " ".join(words)


def build(seed: int = 7, docs: int = 6, per_doc: int = 12) -> Planted:
    """Build documents of random paragraphs, then plant one repeat of each kind per document."""
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    body = {f"d{d}.txt": [paragraph(rng, vocab) for _ in range(per_doc)] for d in range(docs)}
    planted = Planted({})
    names = sorted(body)
    for k, name in enumerate(names):
        src_name = names[(k + 1) % len(names)]
        src = body[src_name]
        doc = body[name]
        kind = ["exact", "edit", "trim", "split", "quote", "exact"][k % 6]
        source_index = k % per_doc
        text = src[source_index]
        sentences = text.split(". ")
        if kind == "exact":
            copies = [text]
        elif kind == "edit":
            copies = [edit(rng, vocab, text)]
        elif kind == "trim":
            copies = [". ".join(sentences[1:])]
        elif kind == "split":
            copies = [". ".join(sentences[:2]) + ".", ". ".join(sentences[2:])]
        else:
            copies = [sentence(rng, vocab, 12) + " " + text + " " + sentence(rng, vocab, 12)]
        at = len(doc)
        doc.extend(copies)
        for i in range(len(copies)):
            planted.pairs[((src_name, source_index), (name, at + i))] = kind
    planted.texts = {name: "\n\n".join(paras) + "\n" for name, paras in body.items()}
    return planted
