"""Tests of the benchmark corpus generator: sizes, determinism and the planted truth."""

from __future__ import annotations

import difflib
import json
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.corpus import KINDS, CorpusInfo, generate_corpus, load_truth, main

COPY_KINDS = ("exact", "edit", "ocr", "trim", "split", "merge", "quote", "passage", "number", "block")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


@dataclass(frozen=True)
class Corpus:
    root: Path
    info: CorpusInfo
    docs: dict[str, list[str]]  # path under docs/ -> paragraphs
    truth: list[dict]

    def text(self, ref: dict) -> str:
        return self.docs[ref["doc"]][ref["index"]]

    def pairs(self, kind: str) -> list[dict]:
        return [r for r in self.truth if r["type"] == "pair" and r["kind"] == kind]


def split_paragraphs(text: str) -> list[str]:
    """Split as a blank-line splitter does."""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def read_docs(root: Path) -> dict[str, list[str]]:
    docs = root / "docs"
    return {
        path.relative_to(docs).as_posix(): split_paragraphs(path.read_text(encoding="utf-8")) for path in sorted(docs.rglob("*.txt"))
    }


def read_tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def sentences(text: str) -> list[str]:
    return re.split(r"(?<=\.) ", text)


def word_distance(a: list[str], b: list[str]) -> int:
    """Levenshtein distance over words: the slow, obviously correct version."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


def vocabulary(text: str) -> set[str]:
    return {w.strip(",.").lower() for w in text.split()}


def shingles(text: str, k: int = 5) -> set[tuple[str, ...]]:
    words = text.lower().split()
    return {tuple(words[i : i + k]) for i in range(len(words) - k + 1)}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b)


def refs(record: dict) -> list[dict]:
    """Every single-paragraph position a truth record names."""
    if record["type"] == "pair":
        return [record["a"], record["b"]]
    if record["type"] == "cluster":
        return record["members"]
    return [
        {"doc": side["doc"], "index": i}
        for side in (record["a"], record["b"])
        for i in range(side["index_start"], side["index_end"] + 1)
    ]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Corpus:
    root = tmp_path_factory.mktemp("bench") / "corpus"
    info = generate_corpus(root, 3000, seed=7)
    return Corpus(root, info, read_docs(root), load_truth(root / "truth.jsonl"))


# --------------------------------------------------------------------------- sizes and format


@pytest.mark.parametrize(
    ("paragraphs", "docs_paragraphs"),
    [(1000, (5, 40)), (1234, (5, 40)), (3000, (5, 40)), (150, (5, 40)), (500, (1, 3)), (777, (40, 60))],
)
def test_paragraph_count_is_exactly_the_requested_size(tmp_path, paragraphs, docs_paragraphs):
    info = generate_corpus(tmp_path / "c", paragraphs, seed=1, docs_paragraphs=docs_paragraphs)
    docs = read_docs(tmp_path / "c")
    assert sum(len(p) for p in docs.values()) == paragraphs == info.paragraphs
    assert len(docs) == info.documents
    assert sum(info.counts.values()) == paragraphs
    for record in load_truth(tmp_path / "c" / "truth.jsonl"):
        for ref in refs(record):
            assert 0 <= ref["index"] < len(docs[ref["doc"]])


def test_files_hold_one_paragraph_per_line_between_blank_lines(corpus):
    for name, paragraphs in corpus.docs.items():
        raw = (corpus.root / "docs" / name).read_bytes().decode("utf-8")
        assert raw == "\n\n".join(paragraphs) + "\n"
        assert all("\n" not in p for p in paragraphs)


def test_documents_fill_folders_of_at_most_a_thousand_files(tmp_path):
    info = generate_corpus(tmp_path / "c", 2500, docs_paragraphs=(1, 1))
    folders = sorted(p for p in (tmp_path / "c" / "docs").iterdir())
    assert info.documents == 2500
    assert [f.name for f in folders] == ["000", "001", "002"]
    assert [len(list(f.iterdir())) for f in folders] == [1000, 1000, 500]
    assert (tmp_path / "c" / "docs" / "002" / "002499.txt").is_file()


def test_manifest_records_seed_sizes_and_counts(corpus):
    manifest = json.loads((corpus.root / "manifest.json").read_text())
    assert manifest["seed"] == 7
    assert manifest["paragraphs"] == 3000
    assert manifest["documents"] == len(corpus.docs)
    assert manifest["counts"] == corpus.info.counts
    assert set(manifest["counts"]) == {"original", *KINDS}
    for kind in KINDS:
        assert manifest["truth"]["pairs"][kind] == len(corpus.pairs(kind))


def test_load_truth_reads_every_line_in_order(corpus):
    lines = (corpus.root / "truth.jsonl").read_text().splitlines()
    assert corpus.truth == [json.loads(line) for line in lines]


# --------------------------------------------------------------------------- determinism


def test_same_seed_writes_identical_bytes(tmp_path):
    generate_corpus(tmp_path / "a", 1200, seed=5)
    generate_corpus(tmp_path / "b", 1200, seed=5)
    assert read_tree(tmp_path / "a") == read_tree(tmp_path / "b")


def test_another_seed_writes_different_text(tmp_path):
    generate_corpus(tmp_path / "a", 1200, seed=5)
    generate_corpus(tmp_path / "b", 1200, seed=6)
    a, b = read_tree(tmp_path / "a"), read_tree(tmp_path / "b")
    assert a["docs/000/000000.txt"] != b["docs/000/000000.txt"]
    assert a["truth.jsonl"] != b["truth.jsonl"]


# --------------------------------------------------------------------------- what is planted


def test_every_kind_is_planted_at_3000_paragraphs(corpus):
    for kind in KINDS:
        assert corpus.info.counts[kind] > 0, kind
        if kind != "boilerplate":
            assert corpus.pairs(kind), kind
    assert any(r["type"] == "block" for r in corpus.truth)
    assert any(r["type"] == "cluster" and r["kind"] == "boilerplate" for r in corpus.truth)


def test_copies_are_ten_to_fifteen_percent_of_paragraphs(corpus):
    copies = sum(corpus.info.counts[kind] for kind in COPY_KINDS)
    assert 0.10 <= copies / corpus.info.paragraphs <= 0.15


def test_every_labelled_paragraph_exists(corpus):
    for record in corpus.truth:
        for ref in refs(record):
            assert 0 <= ref["index"] < len(corpus.docs[ref["doc"]]), record


def test_sources_are_original_paragraphs(corpus):
    derived = {(r["b"]["doc"], r["b"]["index"]) for r in corpus.truth if r["type"] == "pair"}
    derived |= {(m["doc"], m["index"]) for r in corpus.truth if r["type"] == "cluster" for m in r["members"]}
    for record in corpus.truth:
        if record["type"] == "pair":
            assert (record["a"]["doc"], record["a"]["index"]) not in derived, record


def test_original_paragraphs_are_skewed_like_news(corpus):
    labelled = {(ref["doc"], ref["index"]) for r in corpus.truth for ref in refs(r)}
    lengths = [len(p.split()) for doc, paragraphs in corpus.docs.items() for i, p in enumerate(paragraphs) if (doc, i) not in labelled]
    assert 5 <= min(lengths) and max(lengths) <= 300
    assert 45 <= statistics.median(lengths) <= 75
    assert statistics.mean(lengths) > statistics.median(lengths)


def test_sentences_hold_numbers_and_dates(corpus):
    text = "\n".join(p for paragraphs in corpus.docs.values() for p in paragraphs)
    assert re.search(rf"\b\d{{1,2}} ({MONTHS}) (19|20)\d\d\b", text)
    assert re.search(r"\b\d{1,2} percent\b", text)
    assert re.search(r"\$\d+\.\d (million|billion)\b", text)


# --------------------------------------------------------------------------- each kind of copy


def test_exact_copies_equal_their_source(corpus):
    for r in corpus.pairs("exact"):
        assert corpus.text(r["a"]) == corpus.text(r["b"])


def test_edit_copies_differ_in_one_to_five_percent_of_words(corpus):
    for r in corpus.pairs("edit"):
        a, b = corpus.text(r["a"]).split(), corpus.text(r["b"]).split()
        assert 1 <= word_distance(a, b) <= 0.05 * len(a), r


def test_ocr_copies_garble_a_few_characters(corpus):
    for r in corpus.pairs("ocr"):
        a, b = corpus.text(r["a"]), corpus.text(r["b"])
        assert a != b
        assert difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.9, r


def test_trim_copy_is_the_source_without_its_first_or_last_sentence(corpus):
    for r in corpus.pairs("trim"):
        s = sentences(corpus.text(r["a"]))
        assert len(s) >= 3
        assert corpus.text(r["b"]) in (" ".join(s[1:]), " ".join(s[:-1]))


def test_split_halves_join_to_the_source_at_a_sentence_boundary(corpus):
    halves = defaultdict(list)
    for r in corpus.pairs("split"):
        halves[(r["a"]["doc"], r["a"]["index"])].append(r["b"])
    for (doc, index), (first, second) in halves.items():
        assert first["doc"] == second["doc"] and second["index"] == first["index"] + 1
        source, head = corpus.docs[doc][index], corpus.text(first)
        assert head.endswith(".") and f"{head} {corpus.text(second)}" == source


def test_merged_paragraph_joins_two_consecutive_sources(corpus):
    sources = defaultdict(list)
    for r in corpus.pairs("merge"):
        sources[(r["b"]["doc"], r["b"]["index"])].append(r["a"])
    assert sources
    for (doc, index), (first, second) in sources.items():
        assert first["doc"] == second["doc"] and second["index"] == first["index"] + 1
        assert f"{corpus.text(first)} {corpus.text(second)}" == corpus.docs[doc][index]


def test_quote_holds_the_whole_source_inside_new_text(corpus):
    for r in corpus.pairs("quote"):
        source, quoting = corpus.text(r["a"]), corpus.text(r["b"])
        assert source in quoting and not quoting.startswith(source) and not quoting.endswith(source)


def test_passage_holds_a_source_sentence_run_inside_new_text(corpus):
    for r in corpus.pairs("passage"):
        s, quoting = sentences(corpus.text(r["a"])), corpus.text(r["b"])
        runs = [" ".join(s[i : i + m]) for m in (1, 2) for i in range(len(s) - m + 1) if m < len(s)]
        found = [run for run in runs if len(run.split()) >= 12 and run in quoting]
        assert found, r
        assert any(not quoting.startswith(run) and not quoting.endswith(run) for run in found)


def test_number_copy_differs_only_in_digits(corpus):
    for r in corpus.pairs("number"):
        a, b = corpus.text(r["a"]), corpus.text(r["b"])
        assert a != b and re.search(r"\d", a)
        assert re.sub(r"\d", "0", a) == re.sub(r"\d", "0", b)


def test_negative_pairs_share_vocabulary_but_not_word_sequences(corpus):
    for r in corpus.pairs("negative"):
        a, b = corpus.text(r["a"]), corpus.text(r["b"])
        assert a != b
        assert jaccard(vocabulary(a), vocabulary(b)) > 0.3, r
        assert jaccard(shingles(a), shingles(b)) < 0.1, r


def test_block_ranges_lie_inside_their_documents_and_hold_their_pairs(corpus):
    blocks = [r for r in corpus.truth if r["type"] == "block"]
    pairs = corpus.pairs("block")
    assert blocks
    for block in blocks:
        for side in (block["a"], block["b"]):
            assert 0 <= side["index_start"] <= side["index_end"] < len(corpus.docs[side["doc"]])
        a, b = block["a"], block["b"]
        if a["doc"] == b["doc"]:
            assert a["index_end"] < b["index_start"], "a run reprinted in its own document comes later"

    def inside(ref: dict, side: dict) -> bool:
        return ref["doc"] == side["doc"] and side["index_start"] <= ref["index"] <= side["index_end"]

    for pair in pairs:
        assert sum(inside(pair["a"], bl["a"]) and inside(pair["b"], bl["b"]) for bl in blocks) == 1, pair
    assert len(pairs) == sum(bl["b"]["index_end"] - bl["b"]["index_start"] + 1 for bl in blocks)
    assert 3 <= min(bl["a"]["index_end"] - bl["a"]["index_start"] + 1 for bl in blocks)
    assert max(bl["a"]["index_end"] - bl["a"]["index_start"] + 1 for bl in blocks) <= 15


def test_each_block_copy_changes_exactly_one_thing(corpus):
    def run(side: dict) -> list[str]:
        return corpus.docs[side["doc"]][side["index_start"] : side["index_end"] + 1]

    variants = set()
    for block in (r for r in corpus.truth if r["type"] == "block"):
        a, b, variant = run(block["a"]), run(block["b"]), block["variant"]
        variants.add(variant)
        if variant == "drop":
            assert len(b) == len(a) - 1 and any(a[:i] + a[i + 1 :] == b for i in range(len(a)))
        elif variant == "move":
            assert a != b and sorted(a) == sorted(b)
            assert any(a[:i] + a[i + 1 :] == [p for p in b if p != a[i]] for i in range(len(a)))
        else:
            assert variant == "edit" and len(a) == len(b)
            assert sum(x != y for x, y in zip(a, b, strict=True)) == 1
    assert variants == {"drop", "move", "edit"}


def test_boilerplate_clusters_are_footers_with_at_most_one_word_changed(corpus):
    clusters = [r for r in corpus.truth if r["type"] == "cluster"]
    assert 1 <= len(clusters) <= 5
    members = [m for c in clusters for m in c["members"]]
    assert 0.15 <= len(members) / len(corpus.docs) <= 0.45
    for cluster in clusters:
        texts = [corpus.text(m) for m in cluster["members"]]
        assert all(m["index"] == len(corpus.docs[m["doc"]]) - 1 for m in cluster["members"])
        words = texts[0].split()
        for text in texts:
            other = text.split()
            assert len(other) == len(words) and sum(x != y for x, y in zip(words, other, strict=True)) <= 1


# --------------------------------------------------------------------------- command line and errors


def test_command_line_prints_a_one_line_summary(tmp_path, capsys):
    main([str(tmp_path / "c"), "--paragraphs", "300", "--seed", "3"])
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("300 paragraphs in ")
    assert json.loads((tmp_path / "c" / "manifest.json").read_text())["seed"] == 3


def test_command_line_refuses_an_existing_corpus_with_exit_code_2(tmp_path, capsys):
    generate_corpus(tmp_path / "c", 200)
    with pytest.raises(SystemExit) as exit_info:
        main([str(tmp_path / "c"), "--paragraphs", "200"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.startswith("Error: ")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"paragraphs": 0}, "paragraphs must be"),
        ({"paragraphs": 100, "seed": -1}, "seed must be"),
        ({"paragraphs": 100, "docs_paragraphs": (5, 2)}, "docs_paragraphs must be"),
    ],
)
def test_bad_arguments_are_rejected_with_a_hint(tmp_path, arguments, message):
    with pytest.raises(ValueError, match=message):
        generate_corpus(tmp_path / "c", **arguments)
