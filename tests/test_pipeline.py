"""End-to-end behaviour of find_duplicates on planted corpora, against a brute-force reference."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from planted import build, paragraph, vocabulary

from paradup import Document, Params, find_duplicates, scan_texts
from paradup.matches import score_pair
from paradup.normalize import normalize
from paradup.pipeline import group_exact
from paradup.shingles import shingle_set


def located(report, gid):
    p = report.paragraphs[gid]
    return report.documents[p.doc].id, p.index


def matched_pairs(report):
    return {tuple(sorted((located(report, m.a), located(report, m.b)))): m for m in report.matches}


def test_every_planted_repeat_is_matched_with_its_kind():
    planted = build()
    report = scan_texts(planted.texts)
    found = matched_pairs(report)
    expected_kind = {"exact": "exact", "edit": "near", "trim": "containment", "split": "containment",
                     "quote": "containment"}
    for (a, b), kind in planted.pairs.items():
        key = tuple(sorted((a, b)))
        assert key in found, f"planted {kind} {a} -> {b} not matched"
        assert found[key].kind == expected_kind[kind]


def test_random_paragraphs_are_never_paired():
    planted = build()
    report = scan_texts(planted.texts)
    planted_keys = {tuple(sorted(k)) for k in planted.pairs}
    extra = set(matched_pairs(report)) - planted_keys
    assert extra == set()


def brute_force(texts: dict[str, str], params: Params):
    """Score every pair of distinct long texts: the slow, obviously correct reference."""
    from paradup.paragraphs import split_paragraphs

    paragraphs = [p for i, t in enumerate(texts.values()) for p in split_paragraphs(t, i)]
    norms = [normalize(p.text) for p in paragraphs]
    nodes = group_exact(norms)
    texts = [norms[r] for r in nodes.reps.tolist()]
    long_ids = [i for i in range(nodes.count) if nodes.words[i] >= params.min_words]
    sets = {i: shingle_set(texts[i], params.shingle_size) for i in long_ids}
    accepted = {}
    for a, b in itertools.combinations(long_ids, 2):
        s = score_pair(texts[a], texts[b], sets[a], sets[b], params)
        if s.kind is not None:
            accepted[(texts[a], texts[b])] = s
    return accepted


def test_fast_path_agrees_with_brute_force_on_a_small_corpus():
    planted = build(seed=11, docs=6, per_doc=10)
    params = Params()
    reference = brute_force(planted.texts, params)
    report = find_duplicates([Document(k, k, v) for k, v in planted.texts.items()], params)
    norms = [normalize(p.text) for p in report.paragraphs]
    rep_text = {r: norms[r] for r in group_exact(norms).reps.tolist()}
    found = {(rep_text[m.a], rep_text[m.b]) for m in report.matches if m.kind != "exact"}
    assert found <= set(reference)  # nothing the reference rejects
    strong = {k for k, s in reference.items() if s.jaccard >= 0.7}
    assert strong <= found  # P(candidate) >= 0.9998 at jaccard 0.7: all of them


def test_same_input_and_seed_give_the_same_report():
    planted = build(seed=3)
    a, b = scan_texts(planted.texts), scan_texts(planted.texts)
    assert (a.matches, a.clusters, a.blocks) == (b.matches, b.clusters, b.blocks)


def test_exact_copies_of_short_paragraphs_cluster_but_near_ones_do_not():
    text = "Leave a Reply\n\nBody text that is long enough to be sketched by paradup today.\n\nLeave a reply!\n\nLeave a Replies\n"
    report = scan_texts({"a": text})
    assert [len(c.members) for c in report.clusters] == [2]
    assert report.stats["short"] == 3


def test_boilerplate_in_many_documents_is_one_cluster_and_stays_linear():
    footer = "Subscribe to our newsletter for the latest news and offers from Example Media, all rights reserved."
    rng = random.Random(5)
    vocab = vocabulary(rng)
    texts = {f"d{i}.txt": f"{paragraph(rng, vocab)}\n\n{footer}\n" for i in range(300)}
    report = scan_texts(texts, Params(max_bucket=16))
    footers = [c for c in report.clusters if len(c.members) == 300]
    assert len(footers) == 1 and footers[0].kind == "exact"
    assert report.stats["matches"] == 299  # each copy against the first print, not 300*299/2 pairs
    assert report.blocks == ()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["alpha beta gamma delta epsilon zeta eta theta iota kappa.",
                                 "alpha beta gamma delta epsilon zeta eta theta iota lambda.",
                                 "one two three four five six seven eight nine ten eleven.",
                                 "Short one.", "lorem ipsum dolor sit amet consectetur adipiscing elit sed do."]),
                min_size=1, max_size=14),
       st.integers(min_value=1, max_value=3))
def test_clusters_partition_the_matched_paragraphs_and_blocks_stay_in_place(paras, docs):
    texts = {f"d{i}": "\n\n".join(paras[i::docs]) for i in range(docs) if paras[i::docs]}
    report = scan_texts(texts)
    seen: set[int] = set()
    for c in report.clusters:
        assert list(c.members) == sorted(set(c.members)) and c.representative in c.members
        assert not seen & set(c.members)
        seen |= set(c.members)
    for m in report.matches:
        assert m.a < m.b
    for b in report.blocks:
        assert b.a.index_start <= b.a.index_end and b.b.index_start <= b.b.index_end
        for i, j in b.pairs:
            assert b.a.index_start <= i <= b.a.index_end and b.b.index_start <= j <= b.b.index_end
        if b.a.doc == b.b.doc:
            assert b.a.index_end < b.b.index_start
    again = scan_texts(texts)
    assert (again.clusters, again.blocks, again.matches) == (report.clusters, report.blocks, report.matches)


def test_exact_copies_across_documents_are_one_distinct_text_and_one_cluster():
    text = "Same paragraph repeated across documents with enough words to be sketched here.\n"
    report = scan_texts({f"d{i}": text for i in range(5)})
    assert report.stats["distinct"] == 1
    assert np.array([len(c.members) for c in report.clusters]).tolist() == [5]


def test_numbered_boilerplate_repeated_in_one_document_is_one_cluster_and_no_block():
    footer = "Subscribe to our newsletter for the latest news and offers from Example Media, all rights reserved."
    text = "\n\n".join(footer.replace("latest", f"latest {i}") for i in range(300))
    report = scan_texts({"a": text}, Params(max_bucket=16))
    assert [len(c.members) for c in report.clusters] == [300]
    assert report.blocks == ()


def test_nul_and_soh_characters_inside_a_paragraph_do_not_shift_the_others():
    copy = "The same long paragraph appears twice in this file, word for word, as a copy."
    texts = {"a": f"Before the \x00 nul and the \x01 soh characters here.\n\n{copy}\n\nMiddle.\n\n{copy}\n"}
    report = scan_texts(texts)
    assert report.stats["empty"] == 0
    assert [[report.paragraphs[m].index for m in c.members] for c in report.clusters] == [[1, 3]]


def test_boilerplate_variants_each_repeated_exactly_make_one_cluster_and_no_blocks():
    footer = "Subscribe to our newsletter for the latest news and offers from Example Media, all rights reserved."
    body = "\n\n".join(footer.replace("latest", f"latest {i % 50}") for i in range(600))  # 50 variants x 12
    report = scan_texts({"a": body}, Params(max_bucket=16))
    assert [len(c.members) for c in report.clusters] == [600]
    assert report.blocks == ()


QUOTED = "The minister said that the talks would resume in the capital early next week."


def passage_texts():
    return {"a.txt": f"Officials met on Monday in the old palace. {QUOTED} Nothing else was agreed, they said.",
            "b.txt": f"Markets rose sharply on the news this morning. {QUOTED} Traders welcomed it warmly."}


def test_two_paragraphs_quoting_one_sentence_are_a_passage_match_and_no_cluster():
    report = scan_texts(passage_texts())
    assert [m.kind for m in report.matches] == ["passage"]
    assert report.clusters == () and report.blocks == () and report.stats["passages"] == 1


def test_a_sentence_under_min_words_is_no_passage():
    report = scan_texts(passage_texts(), Params(min_words=20))
    assert report.matches == ()


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_lone_surrogate_passed_by_a_library_caller_is_a_clear_input_error(jobs, monkeypatch):
    from paradup import sketch
    from paradup.model import InputError

    monkeypatch.setattr(sketch, "RUN_CHARS", 2_000)  # four runs of three documents
    texts = {f"d{i}": f"Paragraph {i} has eight or more words in it.\n\n" * 20 for i in range(12)}
    texts["d4"] = texts["d4"][:100] + "\udc80" + texts["d4"][100:]  # in the second run: one a helper thread may take
    with pytest.raises(InputError, match=r"document 'd4' holds a lone surrogate \(U\+DC80\) at character 100"):
        find_duplicates([Document(k, k, t) for k, t in texts.items()], jobs=jobs)
    texts["d4"] = texts["d4"].replace("\udc80", "\ufffd")  # as paradup.inputs.replace_surrogates makes it
    assert find_duplicates([Document(k, k, t) for k, t in texts.items()], jobs=jobs).stats["documents"] == 12
