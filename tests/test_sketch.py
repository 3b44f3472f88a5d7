from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from planted import build

from paradup import Document, Params, find_duplicates, pipeline, sketch
from paradup.candidates import band_keys
from paradup.exact import group_exact, group_keys
from paradup.paragraphs import ParagraphTable, cut_documents, split_paragraphs
from paradup.sketch import (
    CHUNK,
    concat_digests,
    concat_sketches,
    cut_and_digest,
    digest_texts,
    sketch_all,
    sketch_texts,
)


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
    monkeypatch.setattr(pipeline, "_VERIFY_PART", 7)  # and several verification tasks
    monkeypatch.setattr(pipeline, "_PARALLEL_NODES", 1)  # in workers, however small the corpus
    monkeypatch.setattr(pipeline, "_PARALLEL_PAIRS", 1)
    planted, _ = corpus_texts(12)
    docs = [Document(k, k, v) for k, v in planted.texts.items()]
    one, two = find_duplicates(docs, jobs=1), find_duplicates(docs, jobs=2)
    assert (one.matches, one.clusters, one.blocks) == (two.matches, two.clusters, two.blocks)
    assert one.stats["verified"] > 7


def test_worker_parts_join_into_the_table_and_digest_of_the_whole_corpus():
    planted, _ = corpus_texts(12)
    texts = list(planted.texts.values())
    params = Params()
    whole_table, whole = cut_and_digest(texts, 0, params)
    runs = [(0, 5), (5, 6), (6, len(texts))]
    parts = [cut_and_digest(texts[a:b], a, params) for a, b in runs]
    table = ParagraphTable.concat(texts, [t for t, _ in parts])
    joined = concat_digests([d for _, d in parts], params.bands)
    assert list(table) == list(ParagraphTable.from_texts(texts)) == [
        p for d, t in enumerate(texts) for p in split_paragraphs(t, d)]
    for field in ("words", "text_keys", "band_keys", "sentence_keys", "sentence_ids"):
        assert np.array_equal(getattr(whole, field), getattr(joined, field)), field
    assert table == ParagraphTable.from_texts(texts) != ParagraphTable.from_texts(texts[1:])


def test_a_scan_bands_the_same_signatures_datasketch_would_compute():
    _, texts = corpus_texts(4)
    params = Params()
    digest, full = digest_texts(texts, params), sketch_texts(texts, params)
    assert np.array_equal(digest.band_keys, band_keys(full.signatures, params.bands, params.rows).T)
    assert np.array_equal(digest.words, full.words)


def test_equal_text_keys_mean_equal_normalised_texts():
    _, texts = corpus_texts(6)
    texts += [t.upper() for t in texts[:50]] + [t.replace(".", "!") for t in texts[50:100]]
    texts += ["L’été à Lima, «dit-il». Ça continue.", "L'ÉTÉ À LIMA, dit-il! ça continue", "L'été à Lima dit il ça continue",
              "Ünïcode wörds — here.", "ünïcode WÖRDS here"]
    params = Params()
    digest, full = digest_texts(texts, params), sketch_texts(texts, params)
    by_key = group_keys(digest.text_keys, digest.words)
    by_text = group_exact(full.norms)
    assert np.array_equal(by_key.node_of, by_text.node_of)
    assert by_key.repeated().size >= 100  # the upper-cased and re-punctuated copies
    assert by_key.node_of[-5] == by_key.node_of[-4] == by_key.node_of[-3] != by_key.node_of[-2]  # non-ASCII path
    assert by_key.node_of[-2] == by_key.node_of[-1]


def test_ascii_documents_take_the_compiled_cutter_and_digest_as_the_python_path(monkeypatch):
    planted, _ = corpus_texts(12)
    texts = list(planted.texts.values()) + [
        "A line\nwrapped, with a hyphen-\nated word.\n\nand a stray\n\nbreak here.\n\nEnd.", "Tabs\tand\x0bother\x1c spaces.", ""]
    assert all(t.isascii() for t in texts)
    params = Params()
    monkeypatch.setattr(sketch, "CHUNK", 7)  # batches end inside documents
    table, fast = cut_and_digest(texts, 3, params)
    want_table, found = cut_documents(texts, 3)
    slow = concat_digests([digest_texts(found[i : i + 7], params) for i in range(0, len(found), 7)], params.bands)
    assert table == want_table and len(table) > 100
    for field in ("words", "text_keys", "band_keys", "sentence_keys", "sentence_ids"):
        assert np.array_equal(getattr(fast, field), getattr(slow, field)), field


def test_ascii_and_other_documents_mixed_in_a_run_are_cut_and_digested_as_by_the_python_path(monkeypatch):
    planted, _ = corpus_texts(12)
    texts = list(planted.texts.values())
    # Every third document with a curly quote or an accent, and two such next to each other at the end.
    texts = [t.replace("a", "\u00e1", 3) if i % 3 == 1 else t for i, t in enumerate(texts)]
    texts += ["\u201cQuoted,\u201d she said.\n\nAnd more.", "Caf\u00e9 au lait, again and again.",
              "A NUL\x00 inside: the general path.", "\u201cOnly\u201d quotes \u2014 folded to ASCII, then hashed as ASCII.",
              "Plain at the end."]
    texts += ["Les \u00e9lus r\u00e9-\n\u00e9lus disent\u00a0: \u00ab\u00a0non\u00a0\u00bb. Encore une phrase assez longue ici."] * 2
    flags = [t.isascii() and "\x00" not in t for t in texts]
    assert any(flags) and not all(flags)
    params = Params()
    monkeypatch.setattr(sketch, "CHUNK", 5)
    called = {"cut_ascii": [], "cut_codes": []}
    for name in called:
        cut = getattr(sketch, name)
        monkeypatch.setattr(sketch, name, lambda ts, *data, cut=cut, name=name: called[name].append(len(ts)) or cut(ts, *data))
    table, mixed = cut_and_digest(texts, 2, params)
    assert sum(called["cut_ascii"]) == sum(flags)  # every ASCII document, and only those, took the byte path
    assert sum(called["cut_codes"]) == len(texts) - sum(flags) - 1  # the others but the one with a NUL: code points
    want_table, found = cut_documents(texts, 2)
    slow = concat_digests([digest_texts(found[i : i + 5], params) for i in range(0, len(found), 5)], params.bands)
    assert table == want_table and len(table) > 100
    for field in ("words", "text_keys", "band_keys", "sentence_keys", "sentence_ids"):
        assert np.array_equal(np.asarray(getattr(mixed, field)), np.asarray(getattr(slow, field))), field


def test_a_scan_that_starts_digesting_while_reading_reports_the_same(monkeypatch, tmp_path):
    import threading
    import time

    from paradup import api

    monkeypatch.setattr(sketch, "RUN_CHARS", 20_000)  # a run a document
    runs, before_finish, given = [], [], []
    real_cut, real_finish = sketch.cut_and_digest, sketch.ReadAhead.finish

    def cut(texts, first, params, *ascii):
        runs.append((first, first + len(texts), threading.current_thread().name))
        given.append(ascii[0] is not None)
        if threading.current_thread() is not threading.main_thread():
            time.sleep(0.02)  # a slow helper: this thread has runs left to take when the reading ends
        return real_cut(texts, first, params, *ascii)

    def finish(self, documents):
        before_finish.append((len(self._runs), len(documents)))  # runs given to threads while the files were read
        return real_finish(self, documents)

    monkeypatch.setattr(sketch, "cut_and_digest", cut)
    monkeypatch.setattr(sketch.ReadAhead, "finish", finish)
    planted, _ = corpus_texts(24)
    folders = [tmp_path / "a", tmp_path / "b"]  # files are counted across both
    for n, (name, text) in enumerate(planted.texts.items()):
        folders[n % 2].mkdir(exist_ok=True)
        (folders[n % 2] / f"{name}.txt").write_text(text, encoding="utf-8")
    one = api.scan([str(f) for f in folders], jobs=1)
    assert before_finish == [(24, 24)]  # one job: each run digested by this thread as soon as it was read
    assert {name for *_, name in runs} == {threading.main_thread().name}
    assert all(given) and len(given) == 24  # ASCII files: cut from their bytes as read
    runs.clear()
    before_finish.clear()
    two = api.scan([str(f) for f in folders], jobs=2)
    (digested, documents), = before_finish
    assert documents == 24 and digested >= 23  # each but perhaps the last before the last file was read
    assert all(len(d.text) >= 20_000 for d in two.documents)  # so each document is a run of its own
    assert sorted(r[:2] for r in runs) == [(i, i + 1) for i in range(24)]  # every run, once
    assert {name for *_, name in runs} == {"paradup-helper-0", threading.main_thread().name}  # both digested
    assert (one.matches, one.clusters, one.blocks, one.paragraphs) == (two.matches, two.clusters, two.blocks, two.paragraphs)
    assert one.stats["clusters"] > 10


@pytest.mark.parametrize("jobs", [1, 2])
def test_files_are_cut_from_their_bytes_only_when_those_are_their_text(monkeypatch, tmp_path, jobs):
    from paradup import api
    from paradup.inputs import read_documents
    from paradup.pipeline import find_duplicates

    monkeypatch.setattr(sketch, "RUN_CHARS", 100)  # a run a file
    given = []
    real_cut = sketch.cut_and_digest

    def cut(texts, first, params, ascii=None):
        table, digest = real_cut(texts, first, params, ascii)
        want_table, want = real_cut(texts, first, params)  # from the texts
        assert table == want_table
        for field in ("words", "text_keys", "band_keys", "sentence_keys", "sentence_ids"):
            assert np.array_equal(np.asarray(getattr(digest, field)), np.asarray(getattr(want, field))), field
        given.append(ascii is not None)
        return table, digest

    monkeypatch.setattr(sketch, "cut_and_digest", cut)
    body = ("A paragraph long enough to be matched with its copy, word for word, here.\n\n"
            "Another paragraph that comes back in other files, with a few more words.\n\n")
    files = {
        "a.txt": body.encode(), "b.txt": body.encode(), "c.txt": body.replace("\n", "\r\n").encode(),
        "d.txt": body.replace("\n", "\r").encode(), "e.txt": b"\xef\xbb\xbf" + body.encode(),
        "f.txt": body.replace("word for word", "w\u00f6rd for w\u00f6rd").encode(), "g.md": body.encode(),
        "h.html": f"<p>{body}</p>".encode(), "i.txt": body.encode() + b"\x01 a control character",
        "j.jsonl": b'{"text": "One line of a record. ' + body.replace("\n", " ").encode() + b'"}\n',
        "k.txt": ("x" * 9000 + "\x00\n\n").encode() + body.encode(),  # a NUL past the binary sniff
        "l.txt": body.encode(), "m.txt": body.encode(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    got = api.scan([str(tmp_path)], jobs=jobs)
    assert given.count(True) == 7 and len(given) == 13  # a, b, g, i, k, l, m came with their bytes
    documents, problems, root = read_documents([str(tmp_path)])
    want = find_duplicates(documents, root=root)  # from the texts alone
    assert (got.paragraphs, got.clusters, got.matches, got.blocks) == (want.paragraphs, want.clusters, want.matches,
                                                                       want.blocks)
    assert got.stats["clusters"] >= 2


def test_a_scan_that_fails_while_reading_stops_its_digesting_threads(monkeypatch, tmp_path):
    import threading

    from paradup import api
    from paradup.model import InputError

    monkeypatch.setattr(sketch, "RUN_CHARS", 10)
    for n in range(6):
        (tmp_path / f"{n}.jsonl").write_text(f'{{"id": "{n % 4}", "text": "Some words for the run number {n}."}}\n',
                                             encoding="utf-8")
    with pytest.raises(InputError, match="duplicate document id"):
        api.scan([str(tmp_path)], jobs=2)
    assert not [t for t in threading.enumerate() if t.name.startswith("paradup-helper")]


# Words with and without accents, quotes and dashes that fold to ASCII, sentence ends, and line breaks.
_words = st.sampled_from(["alpha", "Beta", "gamma.", "délta", "Épsilon", "zéta!", "\u201ceta\u201d", "theta\u2019s", "\u2014",
                          "iota,", "kappa?", "lámbda", "mu\u00adnu", "日本", "\n", "\n\n", "re-\nturn", "Ω.", "x"])
_texts = st.lists(st.lists(_words, max_size=40).map(" ".join), min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(_texts)
def test_other_text_is_digested_by_the_code_point_path_as_by_the_python_path(texts):
    params = Params(min_words=3, shingle_size=2)
    table, fast = cut_and_digest(texts, 0, params)
    want_table, found = cut_documents(texts, 0)
    slow = concat_digests([digest_texts(found[i : i + CHUNK], params) for i in range(0, len(found), CHUNK)], params.bands)
    assert table == want_table
    for field in ("words", "text_keys", "band_keys", "sentence_keys", "sentence_ids"):
        assert np.array_equal(np.asarray(getattr(fast, field)), np.asarray(getattr(slow, field))), field
