"""The on-disk index: remember an archive, then find its paragraphs in new documents."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from planted import build, edit, paragraph, vocabulary

from paradup import Document, Params, scan, scan_texts
from paradup.cli import main
from paradup.index import CHECKED, SCHEMA_VERSION, Index, add_paths, index_info, match_archive, open_index
from paradup.matches import score_pair
from paradup.model import InputError
from paradup.normalize import normalize
from paradup.paragraphs import split_paragraphs
from paradup.shingles import shingle_set


def run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def texts(n: int, seed: int = 4) -> list[str]:
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    return [paragraph(rng, vocab) for _ in range(n)]


def archive(folder: Path, paras: list[str], per_doc: int = 3) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(0, len(paras), per_doc):
        (folder / f"doc{i // per_doc}.txt").write_text("\n\n".join(paras[i : i + per_doc]) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def indexed(tmp_path) -> tuple[Path, list[str]]:
    paras = texts(9)
    archive(tmp_path / "archive", paras)
    add_paths(tmp_path / "a.paradup", [str(tmp_path / "archive")])
    return tmp_path / "a.paradup", paras


def test_add_creates_one_file_with_documents_paragraphs_and_keys(indexed):
    path, _ = indexed
    info = index_info(path)
    assert (info["documents"], info["paragraphs"], info["bands"]) == (3, 9, 9 * Params().bands)
    assert info["meta"]["schema_version"] == str(SCHEMA_VERSION)
    assert {name: info["meta"][name] for name in CHECKED} == {name: str(getattr(Params(), name)) for name in CHECKED}
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.paradup", "archive"]  # no -wal/-shm left behind


def test_exact_near_and_contained_paragraphs_are_found_with_their_archive_location(indexed):
    path, paras = indexed
    rng = random.Random(1)
    vocab = vocabulary(rng)
    trimmed = ". ".join(paras[4].split(". ")[1:])
    new = scan_texts({"new.txt": "\n\n".join([paras[1], "Something else entirely, and short.", edit(rng, vocab, paras[7]),
                                               trimmed, texts(1, seed=99)[0]])})
    found = {(a.paragraph, a.archive_path.rsplit("/", 1)[-1], a.archive_index, a.archive_line_start, a.kind,
              a.contained) for a in match_archive(new, path).archive}
    assert found == {(0, "doc0.txt", 1, 3, "exact", None), (2, "doc2.txt", 1, 3, "near", None),
                     (3, "doc1.txt", 1, 3, "containment", "a")}


def test_the_index_agrees_with_scoring_every_pair_on_a_planted_corpus(tmp_path):
    planted = build(seed=5, docs=6, per_doc=10)
    names = sorted(planted.texts)
    old, new = names[::2], names[1::2]
    params = Params()
    with open_index(tmp_path / "p.paradup", params, create=True) as index:
        index.add([Document(n, n, planted.texts[n]) for n in old])
    report = scan_texts({n: planted.texts[n] for n in new}, params)
    found = {a.paragraph: a for a in match_archive(report, tmp_path / "p.paradup").archive}
    archived = [normalize(p.text) for n in old for p in split_paragraphs(planted.texts[n])]
    for gid, p in enumerate(report.paragraphs):
        norm = normalize(p.text)
        scores = [score_pair(norm, a, shingle_set(norm, 3), shingle_set(a, 3), params) for a in archived]
        accepted = [s for s in scores if s.kind is not None]
        if gid in found:
            assert accepted, f"the index matched {p.text[:40]!r}, which no archived paragraph verifies"
        elif len(norm.split()) >= params.min_words:
            assert not [s for s in accepted if s.kind == "exact" or s.jaccard >= 0.7], p.text[:40]


def test_scan_against_prints_what_was_seen_before(indexed, tmp_path, capsys):
    path, paras = indexed
    (tmp_path / "today.txt").write_text(f"{texts(1, seed=50)[0]}\n\n{paras[5]}\n", encoding="utf-8")
    code, out, err = run(capsys, "scan", tmp_path / "today.txt", "--against", path)
    assert code == 0 and err == ""
    assert "Seen before, in the archive (1)" in out
    assert f"today.txt:3 [1]  =  {(tmp_path / 'archive' / 'doc1.txt').as_posix()}:5 [2]  exact" in out
    code, out, _ = run(capsys, "scan", tmp_path / "today.txt", "--against", path, "--format", "json")
    assert json.loads(out)["archive"][0]["archive"]["index"] == 2


def test_adding_an_unchanged_document_again_skips_it_and_a_changed_one_replaces_it(indexed, tmp_path):
    path, paras = indexed
    again, _ = add_paths(path, [str(tmp_path / "archive")])
    assert (again.added, again.replaced, again.unchanged) == (0, 0, 3)
    fresh = texts(1, seed=77)[0]
    (tmp_path / "archive" / "doc0.txt").write_text(fresh + "\n", encoding="utf-8")
    changed, _ = add_paths(path, [str(tmp_path / "archive")])
    assert (changed.added, changed.replaced, changed.unchanged, changed.paragraphs) == (0, 1, 2, 1)
    assert index_info(path)["paragraphs"] == 7
    probe = scan_texts({"p.txt": f"{paras[0]}\n\n{fresh}\n"})
    assert [(a.paragraph, a.archive_index) for a in match_archive(probe, path).archive] == [(1, 0)]


def test_a_failed_add_leaves_the_index_as_it_was(indexed, tmp_path, monkeypatch):
    path, _ = indexed
    before = index_info(path)
    original = Index._insert

    def insert_then_fail(self, *args):
        original(self, *args)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Index, "_insert", insert_then_fail)
    archive(tmp_path / "more", texts(6, seed=8))
    with pytest.raises(RuntimeError):
        add_paths(path, [str(tmp_path / "more")])
    assert index_info(path) == before


def test_two_writers_at_once_both_get_their_documents_in(tmp_path):
    for name, seed in (("one", 11), ("two", 12)):
        archive(tmp_path / name, texts(300, seed=seed), per_doc=10)
    index = tmp_path / "shared.paradup"
    procs = [subprocess.Popen([sys.executable, "-m", "paradup", "index", "add", str(tmp_path / name), "--index",
                               str(index)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in ("one", "two")]
    results = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
    assert [code for _, _, code in results] == [0, 0], results
    info = index_info(index)
    assert (info["documents"], info["paragraphs"]) == (60, 600)


def test_a_file_that_is_not_sqlite_is_not_a_paradup_index(tmp_path, capsys):
    fake = tmp_path / "notes.paradup"
    fake.write_text("just some notes\n", encoding="utf-8")
    (tmp_path / "t.txt").write_text("Some text.\n", encoding="utf-8")
    code, _, err = run(capsys, "scan", tmp_path / "t.txt", "--against", fake)
    assert code == 2
    assert err == f"Error: {fake} is not a paradup index (not an SQLite database)\n"


def test_an_sqlite_file_without_the_meta_table_is_not_a_paradup_index(tmp_path):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE t (x)")
    with pytest.raises(InputError, match=r"other.db is not a paradup index \(no meta table\)"):
        open_index(other, Params())
    (other.parent / "t.txt").write_text("Some text.\n", encoding="utf-8")
    with pytest.raises(InputError, match="is not a paradup index"):
        add_paths(other, [str(other.parent / "t.txt")])
    with sqlite3.connect(other) as con:  # nothing was written into it
        assert con.execute("SELECT name FROM sqlite_master").fetchall() == [("t",)]


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_a_damaged_index_is_one_clear_error(indexed, capsys, damage):
    path, paras = indexed
    data = path.read_bytes()
    damaged = data[: len(data) // 2] if damage == "truncate" else data[:4096] + bytes(range(256)) * ((len(data) - 4096) // 256)
    path.write_bytes(damaged)
    (path.parent / "q.txt").write_text(paras[0] + "\n", encoding="utf-8")
    code, out, err = run(capsys, "scan", path.parent / "q.txt", "--against", path)
    assert code == 2 and out == ""
    assert err.startswith(f"Error: {path} is damaged or not a paradup index (") and len(err.splitlines()) == 1
    assert "rebuild it with paradup index add" in err


def test_other_parameters_are_refused_naming_the_parameter_and_both_values(indexed):
    path, _ = indexed
    with pytest.raises(InputError, match=r"was built with seed 1; this run uses seed 7: pass --seed 1"):
        open_index(path, Params(seed=7))
    with pytest.raises(InputError, match=r"built with num_perm 128; this run uses num_perm 64"):
        open_index(path, Params(num_perm=64))
    built, other = Params(), Params(threshold=0.5 if Params().threshold != 0.5 else 0.4)
    with pytest.raises(InputError, match=rf"bands x rows {built.bands} x {built.rows} \(threshold {built.threshold}\); "
                                         rf"this run uses {other.bands} x {other.rows} \(threshold {other.threshold}\): "
                                         rf"pass --threshold {built.threshold}"):
        open_index(path, other)


def test_an_index_from_a_newer_paradup_is_refused(indexed):
    path, _ = indexed
    with sqlite3.connect(path) as con:
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    with pytest.raises(InputError, match="written by a newer paradup"):
        open_index(path, Params())


def test_a_missing_index_is_an_error_for_scan_and_created_by_add(tmp_path, capsys):
    (tmp_path / "t.txt").write_text("Some text here.\n", encoding="utf-8")
    code, _, err = run(capsys, "scan", tmp_path / "t.txt", "--against", tmp_path / "none.paradup")
    assert code == 2 and "no such index" in err
    code, out, _ = run(capsys, "index", "add", tmp_path / "t.txt", "--index", tmp_path / "new.paradup")
    assert code == 0 and out == f"{tmp_path / 'new.paradup'}: added 1 document (1 paragraph), replaced 0, unchanged 0\n"


def test_index_info_shows_parameters_and_counts(indexed, capsys):
    path, _ = indexed
    code, out, _ = run(capsys, "index", "info", "--index", path)
    assert code == 0
    assert out.splitlines()[1].startswith(f"  threshold {Params().threshold}, num_perm 128, seed 1, shingle_size 3")
    assert f"3 documents, 9 paragraphs (9 distinct), {9 * Params().bands} band keys" in out
    code, out, _ = run(capsys, "index", "info", "--index", path, "--format", "json")
    assert json.loads(out)["paragraphs"] == 9


def test_index_commands_have_help(capsys):
    for args in (["index", "--help"], ["index", "add", "--help"], ["index", "info", "--help"], ["dedup", "--help"]):
        code, out, _ = run(capsys, *args)
        assert code == 0 and out.startswith("Usage: paradup")


def test_a_seed_scan_against_an_index_of_itself_finds_every_paragraph(tmp_path):
    seed = Path(__file__).parent / "data" / "peru-protests-article.txt"
    add_paths(tmp_path / "s.paradup", [str(seed)])
    report = match_archive(scan([str(seed)]), tmp_path / "s.paradup")
    nonempty = [g for g, p in enumerate(report.paragraphs) if normalize(p.text)]
    assert [a.paragraph for a in report.archive] == nonempty
    assert {a.kind for a in report.archive} == {"exact"}


def test_the_benchmark_runs_on_a_tiny_corpus(tmp_path):
    sys.path.insert(0, str(Path(__file__).parent.parent))
    from benchmarks.index_bench import main as bench

    (result,) = bench(["--paragraphs", "400", "--repeat", "1", "--out", str(tmp_path / "r.jsonl")])
    assert result["found"] >= 0.95 * result["copies"]
    assert json.loads((tmp_path / "r.jsonl").read_text())["paragraphs"] == 400


def test_a_run_that_loses_the_race_to_create_the_index_uses_the_winners(tmp_path):
    from paradup import index as index_module

    path = tmp_path / "race.paradup"
    add_paths(path, [str(archive(tmp_path / "docs", texts(9)))])
    before = index_info(path)
    assert index_module._create_whole(path, Params())  # the file appeared meanwhile: nothing replaced
    assert index_info(path) == before and before["documents"] == 3
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary left
