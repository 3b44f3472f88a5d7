from __future__ import annotations

import numpy as np
from planted import build

from paradup import Document, Params, find_duplicates, sketch
from paradup.paragraphs import split_paragraphs
from paradup.sketch import CHUNK, concat_sketches, sketch_all, sketch_texts


def corpus_texts(n_docs=40):
    planted = build(seed=9, docs=n_docs, per_doc=250)
    return planted, [p.text for t in planted.texts.values() for p in split_paragraphs(t)]


def test_sketches_do_not_depend_on_the_number_of_processes():
    _, texts = corpus_texts()
    assert len(texts) > 2 * CHUNK
    one, two = sketch_all(texts, Params(), jobs=1), sketch_all(texts, Params(), jobs=2)
    assert one.norms == two.norms
    for field in ("words", "values", "offsets", "signatures", "sentence_keys", "sentence_ids"):
        assert np.array_equal(getattr(one, field), getattr(two, field)), field


def test_joined_sketches_equal_one_sketch_of_everything():
    texts = ["Alpha beta gamma delta. Epsilon zeta eta theta iota.", "Short.", "", "Kappa lambda mu nu xi omicron pi."]
    params = Params(min_words=3)
    whole = sketch_texts(texts, params)
    joined = concat_sketches([sketch_texts(texts[:1], params), sketch_texts(texts[1:], params)], params.num_perm)
    for field in ("words", "values", "offsets", "signatures", "sentence_keys", "sentence_ids"):
        assert np.array_equal(getattr(whole, field), getattr(joined, field)), field


def test_reports_do_not_depend_on_the_number_of_processes(monkeypatch):
    monkeypatch.setattr(sketch, "RUN_CHARS", 20_000)  # several worker tasks even for a small corpus
    planted, _ = corpus_texts(12)
    docs = [Document(k, k, v) for k, v in planted.texts.items()]
    one, two = find_duplicates(docs, jobs=1), find_duplicates(docs, jobs=2)
    assert (one.matches, one.clusters, one.blocks) == (two.matches, two.clusters, two.blocks)
    assert one.matches
