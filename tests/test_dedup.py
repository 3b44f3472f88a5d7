"""paradup dedup: a cleaned copy of the corpus, a ledger of every removal, and the input rebuilt from both."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from planted import build, edit, paragraph, sentence, vocabulary

from paradup.cli import main
from paradup.dedup import AtomicOutput, Policy, cut_text, dedup, reconstruct, restore_text
from paradup.model import InputError
from paradup.paragraphs import split_paragraphs

SEED = Path(__file__).parent / "data" / "peru-protests-article.txt"
FOOTER = "Leave a reply. Your email address will not be published."


def run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def ledger_rows(path: Path, kind: str = "paragraph") -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [r for r in rows if r["type"] == kind]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def texts(n: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    return [paragraph(rng, vocab) for _ in range(n)]


def planted_corpus(folder: Path) -> dict[str, list[str]]:
    """Five documents with one repeat of each kind, known by construction."""
    p = texts(12)
    rng = random.Random(9)
    vocab = vocabulary(rng)
    a4_sentences = p[4].split(". ")
    docs = {
        "a.txt": [p[0], p[1], p[2], p[3], p[4], FOOTER],
        "b.txt": [p[5], p[1], p[2], p[3], p[6], edit(rng, vocab, p[0]), FOOTER],  # a reprinted block, a near copy
        "c.txt": [p[7], ". ".join(a4_sentences[1:]), f"{sentence(rng, vocab, 16)} {p[5]} {sentence(rng, vocab, 16)}",
                  p[7], FOOTER],  # a trimmed copy, a quote with more text around it, a repeat
        "d.txt": [p[8], p[9], FOOTER],
        "e.txt": [p[10], FOOTER],
    }
    for name, paras in docs.items():
        write(folder / name, "\n\n".join(paras) + "\n")
    return docs


# --- the seed article -----------------------------------------------------------


def test_seed_article_loses_the_reprinted_section_as_one_block_and_keeps_the_rest_in_order(tmp_path):
    out = tmp_path / "clean.txt"
    result = dedup([str(SEED)], out)
    original = SEED.read_text(encoding="utf-8")
    removed = {r["line_start"]: r for r in result.removed}
    section = set(range(113, 134, 2))
    assert {line for line, r in removed.items() if r["rule"] == "block"} == section
    assert all(removed[line]["block"] == 0 for line in section)
    others = set(removed) - section
    # The other removals are paragraphs the scan reports as copies of one that stays.
    assert all(removed[line]["rule"] == "duplicate" and removed[line]["duplicate_of"]["kept"] for line in others)
    assert 47 in others  # the section's own copy of the lead ("continuedas"): the lead at line 3 stays
    kept = [p for p in split_paragraphs(original) if p.line_start not in removed]
    cleaned = out.read_text(encoding="utf-8")
    assert [cleaned[p.char_start : p.char_end] for p in split_paragraphs(cleaned)] == \
        [original[p.char_start : p.char_end] for p in kept]
    assert "Massive Peru protests continue and multiply" in cleaned and cleaned.count("Protests in Peru’s") == 1


def test_seed_article_is_rebuilt_byte_for_byte_from_the_output_and_the_ledger(tmp_path):
    out = tmp_path / "clean.txt"
    result = dedup([str(SEED)], out)
    assert reconstruct(out, result.target.ledger) == {SEED.name: SEED.read_bytes()}


def test_dedup_on_its_own_output_removes_nothing_more(tmp_path):
    first = dedup([str(SEED)], tmp_path / "clean.txt")
    assert first.removed
    again = dedup([str(tmp_path / "clean.txt")], tmp_path / "clean2.txt")
    assert again.removed == ()
    assert (tmp_path / "clean2.txt").read_bytes() == (tmp_path / "clean.txt").read_bytes()


# --- planted corpora: the exact ledger ----------------------------------------------


def test_planted_corpus_ledger_lists_exactly_the_planted_repeats_with_their_rules(tmp_path):
    docs = planted_corpus(tmp_path / "corpus")
    result = dedup([str(tmp_path / "corpus")], tmp_path / "clean")
    rows = ledger_rows(tmp_path / "clean.ledger.jsonl")
    got = [(r["path"], r["index"], r["rule"], r["kind"], r["duplicate_of"]["path"], r["duplicate_of"]["index"])
           for r in rows]
    assert got == [
        ("b.txt", 1, "block", "exact", "a.txt", 1),
        ("b.txt", 2, "block", "exact", "a.txt", 2),
        ("b.txt", 3, "block", "exact", "a.txt", 3),
        ("b.txt", 5, "duplicate", "near", "a.txt", 0),
        ("b.txt", 6, "boilerplate", "exact", "a.txt", 5),
        ("c.txt", 1, "duplicate", "containment", "a.txt", 4),  # the trimmed copy is inside its original
        ("c.txt", 3, "duplicate", "exact", "c.txt", 0),  # a repeat within one document
        ("c.txt", 4, "boilerplate", "exact", "a.txt", 5),
        ("d.txt", 2, "boilerplate", "exact", "a.txt", 5),
        ("e.txt", 1, "boilerplate", "exact", "a.txt", 5),
    ]
    assert all(r["duplicate_of"]["kept"] for r in rows)
    assert [r["keep"] for r in rows if r["rule"] == "boilerplate"] == ["keep-first"] * 4
    b_text = (tmp_path / "corpus" / "b.txt").read_text(encoding="utf-8")
    start = b_text.index(docs["b.txt"][5])
    near = rows[3]
    assert near == {
        "type": "paragraph", "path": "b.txt", "doc": "b.txt", "record": None, "line": None, "ascii": None,
        "index": 5, "line_start": 11, "line_end": 11, "char_start": start, "char_end": start + len(docs["b.txt"][5]),
        "before": "\n\n", "text": docs["b.txt"][5], "after": "", "words": len(docs["b.txt"][5].split()),
        "rule": "duplicate", "keep": "first", "kind": "near", "similarity": near["similarity"],
        "jaccard": near["jaccard"], "containment": near["containment"],
        "duplicate_of": {"path": "a.txt", "doc": "a.txt", "index": 0, "line_start": 1, "kept": True},
        "cluster": near["cluster"], "block": None,
    }
    assert 0.8 <= near["similarity"] < 1 and near["cluster"] is not None
    assert [r["text"] for r in rows] == [docs["b.txt"][i] for i in (1, 2, 3, 5, 6)] + \
        [docs["c.txt"][i] for i in (1, 3, 4)] + [FOOTER, FOOTER]
    # The quote in c.txt contains b.txt's first paragraph and says more: both stay.
    assert docs["c.txt"][2] in (tmp_path / "clean" / "c.txt").read_text(encoding="utf-8")
    assert len(result.removed) == 10


def test_planted_corpus_output_keeps_every_other_paragraph_byte_for_byte_and_in_order(tmp_path):
    docs = planted_corpus(tmp_path / "corpus")
    dedup([str(tmp_path / "corpus")], tmp_path / "clean")
    assert (tmp_path / "clean" / "b.txt").read_text(encoding="utf-8") == \
        "\n\n".join([docs["b.txt"][0], docs["b.txt"][4]]) + "\n"
    assert (tmp_path / "clean" / "a.txt").read_bytes() == (tmp_path / "corpus" / "a.txt").read_bytes()
    assert sorted(tree(tmp_path / "clean")) == ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"]


def test_planted_corpus_is_rebuilt_exactly_and_a_second_run_removes_nothing(tmp_path):
    planted_corpus(tmp_path / "corpus")
    dedup([str(tmp_path / "corpus")], tmp_path / "clean")
    assert reconstruct(tmp_path / "clean", tmp_path / "clean.ledger.jsonl") == tree(tmp_path / "corpus")
    assert dedup([str(tmp_path / "clean")], tmp_path / "again").removed == ()


def test_boilerplate_drop_all_removes_every_copy_of_the_footer(tmp_path):
    planted_corpus(tmp_path / "corpus")
    result = dedup([str(tmp_path / "corpus")], tmp_path / "clean", policy=Policy(boilerplate="drop-all"))
    footers = [r for r in result.removed if r["rule"] == "boilerplate"]
    assert [(r["path"], r["keep"]) for r in footers] == [(f"{d}.txt", "drop-all") for d in "abcde"]
    assert not any(FOOTER in t.decode() for t in tree(tmp_path / "clean").values())


def test_a_text_in_fewer_documents_than_boilerplate_docs_is_an_ordinary_duplicate(tmp_path):
    planted_corpus(tmp_path / "corpus")
    result = dedup([str(tmp_path / "corpus")], tmp_path / "clean", policy=Policy(boilerplate_docs=6))
    assert {r["rule"] for r in result.removed if r["text"] == FOOTER} == {"duplicate"}


# --- policies ------------------------------------------------------------------------


def test_scope_within_across_and_both_remove_the_copies_they_name(tmp_path):
    p = texts(3)
    write(tmp_path / "in" / "x.txt", f"{p[0]}\n\n{p[1]}\n\n{p[0]}\n")
    write(tmp_path / "in" / "y.txt", f"{p[2]}\n\n{p[0]}\n")
    removed = {}
    for scope in ("within", "across", "both"):
        result = dedup([str(tmp_path / "in")], tmp_path / scope, policy=Policy(scope=scope))
        removed[scope] = [(r["path"], r["index"]) for r in result.removed]
    assert removed == {"within": [("x.txt", 2)], "across": [("y.txt", 1)], "both": [("x.txt", 2), ("y.txt", 1)]}


def test_keep_longest_keeps_the_longer_near_copy(tmp_path):
    p = texts(2)
    longer = p[0] + " Also more."
    write(tmp_path / "in" / "a.txt", f"{p[0]}\n")
    write(tmp_path / "in" / "b.txt", f"{p[1]}\n\n{longer}\n")
    first = dedup([str(tmp_path / "in")], tmp_path / "first", policy=Policy(empty="drop"))
    longest = dedup([str(tmp_path / "in")], tmp_path / "longest", policy=Policy(keep="longest", empty="drop"))
    assert [(r["path"], r["keep"]) for r in first.removed] == [("b.txt", "first")]
    assert [(r["path"], r["keep"]) for r in longest.removed] == [("a.txt", "longest")]
    assert [r["action"] for r in longest.emptied] == ["drop"]


def test_keep_newest_and_oldest_follow_file_modification_times(tmp_path):
    p = texts(3)
    write(tmp_path / "in" / "a.txt", f"{p[1]}\n\n{p[0]}\n")
    write(tmp_path / "in" / "b.txt", f"{p[2]}\n\n{p[0]}\n")
    os.utime(tmp_path / "in" / "a.txt", (2_000_000_000, 2_000_000_000))
    os.utime(tmp_path / "in" / "b.txt", (1_000_000_000, 1_000_000_000))
    newest = dedup([str(tmp_path / "in")], tmp_path / "n", policy=Policy(keep="newest"))
    oldest = dedup([str(tmp_path / "in")], tmp_path / "o", policy=Policy(keep="oldest"))
    assert [r["path"] for r in newest.removed] == ["b.txt"]
    assert [r["path"] for r in oldest.removed] == ["a.txt"]
    assert (tmp_path / "n" / "a.txt").stat().st_mtime == 2_000_000_000  # the mirror keeps the times


def test_keep_newest_reads_a_jsonl_date_field(tmp_path):
    p = texts(3)
    records = [{"id": "old", "date": "2020-01-01", "text": f"{p[1]}\n\n{p[0]}"},
               {"id": "new", "date": "2024-05-31T10:00:00Z", "text": f"{p[2]}\n\n{p[0]}"}]
    write(tmp_path / "c.jsonl", "".join(json.dumps(r) + "\n" for r in records))
    result = dedup([str(tmp_path / "c.jsonl")], tmp_path / "out.jsonl", policy=Policy(keep="newest", date_field="date"))
    assert [r["doc"] for r in result.removed] == ["old"]


def test_a_record_without_the_date_field_is_an_error_that_names_it(tmp_path):
    write(tmp_path / "c.jsonl", json.dumps({"id": "r1", "text": "Some text here."}) + "\n")
    with pytest.raises(InputError, match=r"record r1 has no 'date' field"):
        dedup([str(tmp_path / "c.jsonl")], tmp_path / "o.jsonl", policy=Policy(keep="newest", date_field="date"))


def test_keep_priority_keeps_the_copy_in_the_first_listed_path(tmp_path):
    p = texts(3)
    write(tmp_path / "in" / "wire" / "a.txt", f"{p[1]}\n\n{p[0]}\n")
    write(tmp_path / "in" / "trusted" / "b.txt", f"{p[2]}\n\n{p[0]}\n")
    policy = Policy(keep="priority", priority=(str(tmp_path / "in" / "trusted"),))
    result = dedup([str(tmp_path / "in")], tmp_path / "out", policy=policy)
    assert [(r["path"], r["duplicate_of"]["path"]) for r in result.removed] == [("wire/a.txt", "trusted/b.txt")]


def test_a_containing_paragraph_stays_but_a_contained_one_goes(tmp_path):
    p = texts(4)
    rng = random.Random(3)
    vocab = vocabulary(rng)
    quoted = f"{sentence(rng, vocab, 16)} {p[0]} {sentence(rng, vocab, 16)}"
    write(tmp_path / "in" / "a.txt", f"{p[0]}\n\n{p[1]}\n")
    write(tmp_path / "in" / "b.txt", f"{p[2]}\n\n{quoted}\n")
    later_container = dedup([str(tmp_path / "in")], tmp_path / "o1")
    assert later_container.removed == ()  # the later, longer paragraph carries extra text: it stays
    write(tmp_path / "in2" / "a.txt", f"{quoted}\n\n{p[1]}\n")
    write(tmp_path / "in2" / "b.txt", f"{p[1]}\n\n{p[0]}\n\n{p[3]}\n")
    contained = dedup([str(tmp_path / "in2")], tmp_path / "o2")
    assert [(r["path"], r["index"], r["kind"]) for r in contained.removed] == [("b.txt", 0, "exact"),
                                                                                ("b.txt", 1, "containment")]


# --- documents with nothing left -------------------------------------------------------


def test_a_document_of_duplicates_keeps_its_first_paragraph_by_default_and_says_so(tmp_path, capsys):
    p = texts(3)
    write(tmp_path / "in" / "a.txt", f"{p[0]}\n\n{p[1]}\n\n{p[2]}\n")
    write(tmp_path / "in" / "b.txt", f"{p[0]}\n\n{p[2]}\n")
    code, out, err = run(capsys, "dedup", tmp_path / "in", "--out", tmp_path / "out")
    assert code == 0
    assert "Warning: b.txt: every paragraph is a duplicate; --empty keep-first-paragraph" in err
    assert (tmp_path / "out" / "b.txt").read_text(encoding="utf-8") == p[0] + "\n"
    assert ledger_rows(tmp_path / "out.ledger.jsonl", "document")[0]["action"] == "keep-first-paragraph"
    assert "1 document had only duplicates" in out


def test_empty_keep_leaves_the_document_whole_and_empty_drop_leaves_it_out(tmp_path):
    p = texts(2)
    write(tmp_path / "in" / "a.txt", f"{p[0]}\n\n{p[1]}\n")
    write(tmp_path / "in" / "b.txt", f"\n{p[1]}\n\n\n{p[0]}\n\n")
    dedup([str(tmp_path / "in")], tmp_path / "keep", policy=Policy(empty="keep"))
    assert tree(tmp_path / "keep") == tree(tmp_path / "in")
    dropped = dedup([str(tmp_path / "in")], tmp_path / "drop", policy=Policy(empty="drop"))
    assert sorted(tree(tmp_path / "drop")) == ["a.txt"]
    assert len(dropped.removed) == 2
    assert reconstruct(tmp_path / "drop", tmp_path / "drop.ledger.jsonl") == tree(tmp_path / "in")


def test_a_dropped_jsonl_record_leaves_its_line_out_and_comes_back_from_the_ledger(tmp_path):
    p = texts(2)
    lines = [json.dumps({"id": 1, "text": f"{p[0]}\n\n{p[1]}"}), json.dumps({"id": 2, "text": p[1], "n": 7})]
    write(tmp_path / "c.jsonl", "\n".join(lines) + "\n")
    dedup([str(tmp_path / "c.jsonl")], tmp_path / "o.jsonl", policy=Policy(empty="drop"))
    assert (tmp_path / "o.jsonl").read_text(encoding="utf-8") == lines[0] + "\n"
    assert reconstruct(tmp_path / "o.jsonl", tmp_path / "o.ledger.jsonl") == {"c.jsonl": (tmp_path / "c.jsonl").read_bytes()}


def test_a_jsonl_record_with_a_lone_surrogate_escape_is_deduplicated_and_rebuilt_byte_for_byte(tmp_path):
    # json reads "\ud800" alone as a lone surrogate: the scan reads it as U+FFFD, the output and the
    # ledger keep the escape (it crashed the scan; then dedup called the record changed while read).
    p = texts(2)
    lines = [json.dumps({"id": 1, "text": f"{p[0]} \ud800\n\n{p[1]}"}), json.dumps({"id": 2, "text": f"{p[0]} \ud800"})]
    assert "\\ud800" in lines[0]
    write(tmp_path / "c.jsonl", "\n".join(lines) + "\n")
    result = dedup([str(tmp_path / "c.jsonl")], tmp_path / "o.jsonl", policy=Policy(empty="drop"))
    assert [(r["doc"], r["index"]) for r in result.removed] == [("2", 0)]
    assert (tmp_path / "o.jsonl").read_text(encoding="utf-8") == lines[0] + "\n"
    assert reconstruct(tmp_path / "o.jsonl", tmp_path / "o.ledger.jsonl") == {"c.jsonl": (tmp_path / "c.jsonl").read_bytes()}


# --- formats -------------------------------------------------------------------------


def jsonl_corpus(path: Path) -> list[str]:
    p = texts(6)
    records = [
        {"id": "a", "meta": {"src": "wire", "n": 1.5}, "text": f"{p[0]}\n\n{p[1]}\n\n{p[2]}", "tags": ["x"]},
        {"text": f"Über {p[3]}\n\n{p[1]}", "id": "b", "z": None},  # the text field need not come first
        {"id": "c", "text": f"{p[4]}\n\n{p[0]}", "lang": "fr"},
        {"id": "d", "text": f"{p[5]}\r\n\r\n{p[2]} café"},
    ]
    lines = [json.dumps(records[0]), json.dumps(records[1], ensure_ascii=False), json.dumps(records[2]),
             json.dumps(records[3])]
    write(path, lines[0] + "\n\n" + "\n".join(lines[1:]) + "\nnot json at all\n")
    return lines


def test_jsonl_output_keeps_every_other_field_and_the_line_order(tmp_path):
    lines = jsonl_corpus(tmp_path / "c.jsonl")
    result = dedup([str(tmp_path / "c.jsonl")], tmp_path / "o.jsonl")
    out_lines = (tmp_path / "o.jsonl").read_text(encoding="utf-8").split("\n")
    assert out_lines[0] == lines[0] and out_lines[1] == ""  # untouched record and blank line, byte for byte
    assert out_lines[5] == "not json at all"  # a line paradup skipped is mirrored as it was
    before = [json.loads(line) for line in lines]
    after = [json.loads(out_lines[i]) for i in (0, 2, 3, 4)]
    for b, a in zip(before, after, strict=True):
        assert list(a) == list(b)  # same fields, same order
        assert {k: v for k, v in a.items() if k != "text"} == {k: v for k, v in b.items() if k != "text"}
    assert [(r["doc"], r["line"], r["index"]) for r in result.removed] == [("b", 3, 1), ("c", 4, 1), ("d", 5, 1)]
    assert "Über" in out_lines[2]  # written raw, as it was
    assert "caf" not in out_lines[4] and "\\r\\n" not in out_lines[4]  # café went, with the CRLFs before it


def test_jsonl_is_rebuilt_byte_for_byte_from_the_output_and_the_ledger(tmp_path):
    jsonl_corpus(tmp_path / "c.jsonl")
    dedup([str(tmp_path / "c.jsonl")], tmp_path / "o.jsonl")
    assert reconstruct(tmp_path / "o.jsonl", tmp_path / "o.ledger.jsonl") == {"c.jsonl": (tmp_path / "c.jsonl").read_bytes()}
    assert dedup([str(tmp_path / "o.jsonl")], tmp_path / "again.jsonl").removed == ()


def test_crlf_and_byte_order_mark_survive_and_the_input_is_rebuilt(tmp_path):
    p = texts(3)
    body = f"{p[0]}\r\n\r\n{p[1]}\r\nwrapped line\r\n\r\n{p[0]}\r\n\r\n{p[2]}\r\n"
    write(tmp_path / "in" / "w.txt", b"\xef\xbb\xbf" + body.encode("utf-8"))
    dedup([str(tmp_path / "in")], tmp_path / "out")
    expected = f"{p[0]}\r\n\r\n{p[1]}\r\nwrapped line\r\n\r\n{p[2]}\r\n"
    assert (tmp_path / "out" / "w.txt").read_bytes() == b"\xef\xbb\xbf" + expected.encode("utf-8")
    assert reconstruct(tmp_path / "out", tmp_path / "out.ledger.jsonl") == tree(tmp_path / "in")


def test_cut_text_and_restore_text_are_inverse_for_every_choice_of_paragraphs():
    text = "\n  A one.\nwrapped\n\n\nB two.\n\nC three.\n\n"
    spans = [(p.char_start, p.char_end) for p in split_paragraphs(text)]
    for mask in range(1 << len(spans)):
        removed = {i for i in range(len(spans)) if mask >> i & 1}
        cut, cuts = cut_text(text, spans, removed)
        assert restore_text(cut, cuts) == text
        kept = [text[s:e] for i, (s, e) in enumerate(spans) if i not in removed]
        assert [cut[p.char_start : p.char_end] for p in split_paragraphs(cut)] == kept


def test_html_input_is_refused_with_a_clear_error(tmp_path, capsys):
    write(tmp_path / "in" / "page.html", "<p>Hello</p>")
    code, out, err = run(capsys, "dedup", tmp_path / "in", "--out", tmp_path / "out")
    assert code == 2
    assert err == "Error: page.html: dedup writes .txt, .md and .jsonl; convert HTML first (or --exclude '*.html')\n"
    assert not (tmp_path / "out").exists()


# --- where it writes -------------------------------------------------------------------


def test_dry_run_prints_the_removals_and_totals_and_writes_nothing(tmp_path, capsys):
    planted_corpus(tmp_path / "corpus")
    before = sorted(tmp_path.rglob("*"))
    code, out, err = run(capsys, "dedup", tmp_path / "corpus", "--out", tmp_path / "clean", "--dry-run")
    assert code == 0 and err == ""
    assert out.startswith("Would remove (10)\n  b.txt:3 [1]  block  ~ a.txt:3 [1]  exact, similarity 1.000")
    assert "Would remove 10 paragraphs (" in out and "bytes) from 4 of 5 documents: block 3, boilerplate 4" in out
    assert sorted(tmp_path.rglob("*")) == before


def test_dry_run_totals_equal_what_a_real_run_saves(tmp_path):
    planted_corpus(tmp_path / "corpus")
    dry = dedup([str(tmp_path / "corpus")], tmp_path / "clean", dry_run=True)
    real = dedup([str(tmp_path / "corpus")], tmp_path / "clean")
    size = sum(len(b) for b in tree(tmp_path / "corpus").values()) - sum(len(b) for b in tree(tmp_path / "clean").values())
    assert dry.bytes_saved == real.bytes_saved == size > 0
    assert dry.removed == real.removed


def test_an_existing_output_is_refused_without_force_and_replaced_with_it(tmp_path, capsys):
    planted_corpus(tmp_path / "corpus")
    write(tmp_path / "clean" / "old.txt", "old output")
    code, _, err = run(capsys, "dedup", tmp_path / "corpus", "--out", tmp_path / "clean")
    assert code == 2 and "exists and is not empty; add --force to replace it" in err
    code, _, _ = run(capsys, "dedup", tmp_path / "corpus", "--out", tmp_path / "clean", "--force")
    assert code == 0
    assert sorted(tree(tmp_path / "clean")) == ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean", "clean.ledger.jsonl", "corpus"]


@pytest.mark.parametrize("out", ["corpus/clean", "corpus", "."])
def test_output_inside_or_around_the_input_is_refused(tmp_path, capsys, monkeypatch, out):
    planted_corpus(tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "dedup", "corpus", "--out", out, "--force")
    assert code == 2 and err.startswith("Error: --out ") and len(err.splitlines()) == 1
    assert sorted(tree(tmp_path / "corpus")) == ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"]


def test_update_without_against_is_refused(tmp_path):
    planted_corpus(tmp_path / "corpus")
    with pytest.raises(InputError, match="--update needs --against"):
        dedup([str(tmp_path / "corpus")], tmp_path / "clean", update=True)


def test_ctrl_c_while_writing_leaves_no_output_and_no_temporary_files(tmp_path, monkeypatch):
    planted_corpus(tmp_path / "corpus")
    written = []

    def interrupted(self, path, data, times):
        written.append(path)
        if len(written) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(AtomicOutput, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        dedup([str(tmp_path / "corpus")], tmp_path / "clean")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"]


def killed_run(corpus: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PARADUP_TEST_DIE_AFTER_FILES="7")
    return subprocess.run([sys.executable, "-m", "paradup", "dedup", str(corpus), "--out", str(out), *extra],
                          env=env, capture_output=True, text=True, timeout=120)


def many_files(folder: Path, n: int = 30) -> None:
    p = texts(n + 1)
    for i in range(n):
        write(folder / f"doc{i:03}.txt", f"{p[i]}\n\n{p[n]}\n")


def test_a_run_killed_mid_write_leaves_no_output(tmp_path):
    many_files(tmp_path / "corpus")
    result = killed_run(tmp_path / "corpus", tmp_path / "clean")
    assert result.returncode == -9  # SIGKILL, after 7 of 30 files
    assert not (tmp_path / "clean").exists()
    assert not (tmp_path / "clean.ledger.jsonl").exists()
    assert all(p.name.startswith(".clean.") for p in tmp_path.iterdir() if p.name != "corpus")


def test_a_run_killed_mid_write_leaves_the_previous_output_whole(tmp_path):
    many_files(tmp_path / "corpus")
    dedup([str(tmp_path / "corpus")], tmp_path / "clean")
    previous, ledger = tree(tmp_path / "clean"), (tmp_path / "clean.ledger.jsonl").read_bytes()
    write(tmp_path / "corpus" / "doc000.txt", "Changed since the last run, a new first document.\n")
    result = killed_run(tmp_path / "corpus", tmp_path / "clean", "--force")
    assert result.returncode == -9
    assert tree(tmp_path / "clean") == previous
    assert (tmp_path / "clean.ledger.jsonl").read_bytes() == ledger


# --- against an archive -----------------------------------------------------------------


def test_dedup_against_an_index_removes_what_the_archive_holds_and_update_remembers_the_output(tmp_path, capsys):
    p = texts(6)
    write(tmp_path / "archive" / "old.txt", f"{p[0]}\n\n{p[1]}\n")
    write(tmp_path / "today" / "new.txt", f"{p[2]}\n\n{p[1]}\n\n{p[3]}\n")
    write(tmp_path / "tomorrow" / "next.txt", f"{p[4]}\n\n{p[3]}\n\n{p[5]}\n")
    index = tmp_path / "archive.paradup"
    assert run(capsys, "index", "add", tmp_path / "archive", "--index", index)[0] == 0
    code, out, _ = run(capsys, "dedup", tmp_path / "today", "--out", tmp_path / "clean-today", "--against", index,
                       "--update")
    assert code == 0 and "Index: added 1 document" in out
    row, = ledger_rows(tmp_path / "clean-today.ledger.jsonl")
    assert (row["index"], row["rule"], row["kind"]) == (1, "archive", "exact")
    assert row["duplicate_of"] == {"index_file": str(index), "path": (tmp_path / "archive" / "old.txt").as_posix(),
                                   "doc": "old.txt", "index": 1, "line_start": 3, "kept": True}
    result = dedup([str(tmp_path / "tomorrow")], tmp_path / "clean-tomorrow", against=index)
    assert [(r["index"], r["duplicate_of"]["path"].rsplit("/", 2)[-2:]) for r in result.removed] == \
        [(1, ["clean-today", "new.txt"])]


@pytest.mark.parametrize("policy", [Policy(), Policy(keep="longest"), Policy(scope="within"),
                                    Policy(scope="across", boilerplate="drop-all", boilerplate_docs=3),
                                    Policy(empty="drop", boilerplate_docs=2)])
@pytest.mark.parametrize("seed", [1, 2])
def test_every_policy_round_trips_and_leaves_nothing_for_a_second_run(tmp_path, policy, seed):
    planted = build(seed=seed, docs=8, per_doc=12)
    for name, text in planted.texts.items():  # planted repeats across documents, one within each, a footer
        write(tmp_path / "in" / name, f"{text}\n{text.split(chr(10))[0]}\n\n{FOOTER}\n")
    first = dedup([str(tmp_path / "in")], tmp_path / "once", policy=policy)
    assert first.removed
    assert reconstruct(tmp_path / "once", tmp_path / "once.ledger.jsonl") == tree(tmp_path / "in")
    assert dedup([str(tmp_path / "once")], tmp_path / "twice", policy=policy).removed == ()


def test_paragraphs_that_only_share_a_quoted_sentence_are_both_kept(tmp_path):
    quoted = "The minister said that the talks would resume in the capital early next week."
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(f"Officials met on Monday in the old palace. {quoted} Nothing else was agreed.\n")
    (corpus / "b.txt").write_text(f"Markets rose sharply on the news this morning. {quoted} Traders welcomed it.\n")
    assert main(["dedup", str(corpus), "--out", str(tmp_path / "clean")]) == 0
    for name in ("a.txt", "b.txt"):
        assert (tmp_path / "clean" / name).read_text() == (corpus / name).read_text()
