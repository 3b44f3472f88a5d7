"""Tests for paradup.reports: golden files for the seed article and properties of every format.

Rewrite the golden files only on purpose: ``PARADUP_UPDATE_GOLDEN=1 pytest tests/test_reports.py``.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import paradup
from paradup.reports import render
from paradup.reports.csv import COLUMNS
from paradup.reports.json import to_dict

DATA = Path(__file__).parent / "data"
ARTICLE = DATA / "peru-protests-article.txt"
LEGAL = DATA / "legal"
GOLDEN = DATA / "golden"
UPDATE_GOLDEN = os.environ.get("PARADUP_UPDATE_GOLDEN") == "1"

FORMATS = ("text", "json", "csv")
GOLDEN_FILES = {"text": "seed.txt", "json": "seed.json", "csv": "seed.csv"}
PREVIEW_CHARS = 80
BLOCK_PREVIEW_CHARS = 60

# Paragraphs for generated corpora: long enough to be matched near, not only exactly.
POOL = (
    "The council met on Monday to discuss the budget for the coming year and agreed on new rules.",
    "Farmers from the southern valleys blocked the main road for three days to demand fair prices.",
    "A spokesman for the ministry said that the talks would continue next week in the capital city.",
    "Students gathered outside the university library and read the names of those who had died.",
    "The river rose above its banks after a week of heavy rain and flooded the lower part of town.",
    "Short line here.",
)


@pytest.fixture(scope="module")
def seed_report() -> paradup.Report:
    return paradup.scan([str(ARTICLE)])


@pytest.fixture(scope="module")
def legal_report() -> paradup.Report:
    return paradup.scan([str(LEGAL)])


@pytest.fixture(scope="module", params=["seed", "legal", "both"])
def any_report(request, seed_report, legal_report) -> paradup.Report:
    if request.param == "seed":
        return seed_report
    if request.param == "legal":
        return legal_report
    return paradup.scan([str(ARTICLE), str(LEGAL)])


def csv_rows(text: str) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(COLUMNS)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


# --- golden files ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_seed_report_in_each_format_equals_its_golden_file(seed_report, fmt):
    rendered = render(seed_report, fmt, timings=False)
    assert "/work" not in rendered
    assert str(DATA) not in rendered  # paths are relative to the scanned folder
    golden = GOLDEN / GOLDEN_FILES[fmt]
    if UPDATE_GOLDEN:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(rendered.encode("utf-8"))
    assert golden.exists(), f"{golden} is missing; create it with PARADUP_UPDATE_GOLDEN=1"
    assert golden.read_bytes().decode("utf-8") == rendered


def test_golden_text_report_shows_the_reprinted_section_and_the_lead_cluster():
    text = (GOLDEN / "seed.txt").read_text(encoding="utf-8")
    assert "Seconds" not in text
    assert ("Block 0: peru-protests-article.txt [22-32] lines 45-65  =  "
            "peru-protests-article.txt [56-66] lines 113-133") in text
    lead = text[text.index("  Cluster 1 "):text.index("  Cluster 2 ")]
    assert lead.startswith("  Cluster 1 (near, 3 paragraphs")
    assert "* peru-protests-article.txt:3 [1]" in lead
    assert "- peru-protests-article.txt:47 [23]" in lead
    assert "- peru-protests-article.txt:115 [57]  exact copy" in lead
    assert '"continue as" -> "continuedas"' in lead


def test_golden_json_report_holds_the_block_and_the_three_copies_of_the_lead():
    report = json.loads((GOLDEN / "seed.json").read_text(encoding="utf-8"))
    assert "seconds" not in report["stats"]
    [block] = report["blocks"]
    assert (block["a"]["line_start"], block["a"]["line_end"]) == (45, 65)
    assert (block["b"]["line_start"], block["b"]["line_end"]) == (113, 133)
    lead = [c for c in report["clusters"] if any(m["line_start"] == 3 for m in c["members"])]
    assert [[m["line_start"] for m in c["members"]] for c in lead] == [[3, 47, 115]]


def test_golden_csv_report_has_the_lead_cluster_with_its_representative_first():
    rows = csv_rows((GOLDEN / "seed.csv").read_text(encoding="utf-8"))
    lead = [r for r in rows if r["cluster"] == "1"]
    assert [(r["line_start"], r["representative"], r["match_kind"]) for r in lead] == [
        ("3", "1", ""), ("47", "0", "near"), ("115", "0", "exact")
    ]


# --- JSON structure ----------------------------------------------------------------


def check_json_structure(data: dict) -> None:
    """Assert the invariants every JSON report keeps."""
    docs = {d["id"]: (position, d["paragraphs"]) for position, d in enumerate(data["documents"])}
    assert len(docs) == len(data["documents"])  # ids are unique

    def member_key(member: dict) -> tuple[int, int]:
        position, count = docs[member["doc"]]
        assert 0 <= member["index"] < count
        return position, member["index"]

    for cluster in data["clusters"]:
        assert 0 <= cluster["weakest"] <= 1
        assert cluster["size"] == len(cluster["members"]) >= 2
        keys = [member_key(m) for m in cluster["members"]]
        assert keys == sorted(set(keys))  # sorted and unique
        assert member_key(cluster["representative"]) in keys
        for m in cluster["members"]:
            assert 1 <= m["line_start"] <= m["line_end"]
            assert 0 <= m["char_start"] < m["char_end"]
            assert len(m["preview"]) <= PREVIEW_CHARS
    in_clusters = [member_key(m) for c in data["clusters"] for m in c["members"]]
    assert len(in_clusters) == len(set(in_clusters))  # a paragraph is in one cluster at most
    for match in data["matches"]:
        for key in ("similarity", "jaccard", "containment"):
            assert 0 <= match[key] <= 1, key
        assert member_key(match["a"]) < member_key(match["b"])
        assert match["kind"] in ("exact", "near", "containment")
        assert (match["contained"] is not None) == (match["kind"] == "containment")
    for block in data["blocks"]:
        assert 0 <= block["similarity"] <= 1
        a, b = block["a"], block["b"]
        for span in (a, b):
            assert member_key({"doc": span["doc"], "index": span["index_start"]}) <= member_key(
                {"doc": span["doc"], "index": span["index_end"]})
            assert span["line_start"] <= span["line_end"]
        assert member_key({"doc": a["doc"], "index": a["index_start"]}) < member_key(
            {"doc": b["doc"], "index": b["index_start"]})
        assert block["pairs"]
        for i, j in block["pairs"]:
            assert a["index_start"] <= i <= a["index_end"]
            assert b["index_start"] <= j <= b["index_end"]
    stats = data["stats"]
    assert stats["documents"] == len(data["documents"])
    assert stats["paragraphs"] == sum(d["paragraphs"] for d in data["documents"])
    assert stats["clusters"] == len(data["clusters"])
    assert stats["matches"] == len(data["matches"])
    assert stats["blocks"] == len(data["blocks"])


def test_json_report_keeps_its_structural_invariants(any_report):
    data = json.loads(render(any_report, "json", timings=False))
    check_json_structure(data)


def test_json_report_is_the_plain_data_of_to_dict(seed_report):
    assert json.loads(render(seed_report, "json")) == to_dict(seed_report)
    assert json.loads(render(seed_report, "json", timings=False)) == to_dict(seed_report, timings=False)


@pytest.mark.parametrize("batch", [2000, 2])
def test_json_lines_are_byte_for_byte_what_the_encoder_writes_of_the_items(any_report, batch, monkeypatch):
    from paradup.reports import json as json_report
    from paradup.reports.json import ItemWriter, _clusters, _encoder, _item_text, _matches

    monkeypatch.setattr(json_report, "_CHUNK_ITEMS", batch)  # 2: many batches, each cut inside a cluster list
    dump, writer = _encoder(), ItemWriter(any_report)

    def written(which, first=0, stop=None):
        batches = list(_item_text(writer, which, first, stop))
        assert len(batches) == -(-(len(getattr(any_report, which)) if stop is None else stop - first) // batch)
        return ",\n".join(batches)

    assert written("clusters") == ",\n".join(dump(c) for c in _clusters(any_report))
    assert written("matches") == ",\n".join(dump(m) for m in _matches(any_report))
    assert written("clusters", 1, 3) == ",\n".join(dump(c) for c in _clusters(any_report, 1, 3))
    assert written("matches", 2, 3) == ",\n".join(dump(m) for m in _matches(any_report, 2, 3))


def test_json_previews_made_as_the_paragraphs_were_cut_are_those_of_their_texts():
    from paradup.reports.json import ItemWriter, _clusters, _encoder, _item_text

    # Repeated paragraphs with what JSON escapes, characters of one to four bytes, and paragraphs longer than a
    # preview cut at a space or inside a long word; on the byte path, the code point path and the general one.
    paragraphs = ['She said "no" \\ twice,\tthen left; the talks were over for the week and the month.',
                  "Control \x1b and \x7f characters " + "word " * 30, "X" * 120 + " tail",
                  "Caf\u00e9 \u201cquoted\u201d \U0001F600 " + "mot " * 25, "A NUL\x00 takes the general path " * 4,
                  "Short one.", "\u65e5\u672c\u8a9e " * 40]
    texts = {f"d{k}": "\n\n".join(paragraphs[k % 3 :] + paragraphs[: k % 3]) for k in range(4)}
    report = paradup.scan_texts(texts)
    assert report.paragraphs.previews is not None and len(report.clusters) >= len(paragraphs)
    dump = _encoder()
    written = ",\n".join(_item_text(ItemWriter(report), "clusters"))
    assert written == ",\n".join(dump(c) for c in _clusters(report))  # previews from each member's text
    assert "\\u001b" in written and '\\"no\\"' in written and "\U0001F600" in written


def _written(chunks) -> bytes:
    return b"".join(c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in chunks)


@pytest.mark.parametrize(("jobs", "batch"), [(2, 2000), (3, 2000), (2, 3)])
def test_json_report_written_by_several_processes_is_byte_for_byte_the_one_of_one(any_report, jobs, batch, monkeypatch):
    from paradup.reports import json as json_report
    from paradup.reports import render_chunks

    monkeypatch.setattr(json_report, "_CHUNK_ITEMS", batch)
    monkeypatch.setattr(json_report, "PARALLEL_ITEMS", 0)  # these reports are small: share them anyway
    assert len(json_report._shares(any_report, jobs)) >= 2  # shared by the workers and this process
    chunks = list(render_chunks(any_report, "json", False, jobs))
    assert any(isinstance(c, memoryview) for c in chunks)  # the workers' shares came back as bytes
    assert _written(chunks) == render(any_report, "json", timings=False).encode("utf-8")


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_json_shares_joined_at_any_cuts_are_the_whole_lists(data):
    from paradup.reports.json import ItemWriter, _share_pieces

    report = data.draw(st.sampled_from([_SEED_REPORT, _LEGAL_REPORT]))
    writer = ItemWriter(report)
    n = len(report.clusters) + len(report.matches)
    cuts = sorted(set(data.draw(st.lists(st.integers(1, n - 1), max_size=4))))
    bounds = [0, *cuts, n]
    whole = b"".join(_share_pieces(writer, 0, n)).decode("utf-8")
    assert b"".join(b"".join(_share_pieces(writer, a, b)) for a, b in zip(bounds, bounds[1:])).decode("utf-8") == whole
    text = render(report, "json", timings=False)
    start = text.index('\n"clusters": [\n') + len('\n"clusters": [\n')
    assert whole == text[start : text.index("\n]", text.index('\n"matches": [\n'))]


_SEED_REPORT = paradup.scan([str(ARTICLE)])
_LEGAL_REPORT = paradup.scan([str(LEGAL)])


@pytest.mark.parametrize("batch", [2000, 3])
def test_large_json_report_with_one_job_comes_as_bytes_and_the_same_text(any_report, batch, monkeypatch):
    import threading

    from paradup.reports import as_text, render_chunks
    from paradup.reports import json as json_report

    monkeypatch.setattr(json_report, "_CHUNK_ITEMS", batch)
    want = render(any_report, "json", timings=False)
    monkeypatch.setattr(json_report, "PARALLEL_ITEMS", 0)  # these reports are small: write them as large ones
    before = threading.active_count()
    chunks = list(render_chunks(any_report, "json", False, 1))
    assert threading.active_count() == before  # no thread: one job
    assert any(isinstance(c, memoryview) for c in chunks)
    assert _written(chunks) == want.encode("utf-8")
    assert "".join(as_text(chunks)) == want == render(any_report, "json", timings=False)


def test_json_report_with_one_job_or_few_items_is_written_by_this_process_alone(seed_report):
    from paradup.reports import render_chunks

    assert all(isinstance(c, str) for c in render_chunks(seed_report, "json", False, 2))  # below PARALLEL_ITEMS
    assert all(isinstance(c, str) for c in render_chunks(seed_report, "json", False, 1))


def test_write_output_writes_text_and_bytes_pieces_in_order(tmp_path):
    from paradup.output import write_output

    out = tmp_path / "r.json"
    write_output(["{é", memoryview("ü, ".encode()), "x}"], out)
    assert out.read_text(encoding="utf-8") == "{éü, x}"


def test_json_report_carries_timings_only_when_asked(seed_report):
    timed = json.loads(render(seed_report, "json", timings=True))["stats"]
    assert set(timed["seconds"]) >= {"sketch", "exact", "candidates", "verify", "clusters", "blocks"}
    assert all(v >= 0 for v in timed["seconds"].values())
    untimed = json.loads(render(seed_report, "json", timings=False))["stats"]
    assert "seconds" not in untimed
    assert {k: v for k, v in timed.items() if k != "seconds"} == untimed


def test_json_params_state_bands_rows_and_the_effective_threshold(seed_report):
    params = json.loads(render(seed_report, "json"))["params"]
    assert (params["bands"], params["rows"], params["num_perm"], params["seed"]) == (37, 3, 128, 1)
    assert params["effective_threshold"] == round((1 / 37) ** (1 / 3), 4)
    assert (params["scheme"], params["hash"]) == ("affine32", "wordpoly64")


# --- text --------------------------------------------------------------------------


def test_text_report_names_each_block_with_both_line_ranges(any_report):
    text = render(any_report, "text", timings=False)
    data = to_dict(any_report, timings=False)
    block_lines = [line for line in text.splitlines() if line.startswith("  Block ")]
    assert len(block_lines) == len(data["blocks"])
    for line, block in zip(block_lines, data["blocks"], strict=True):
        a, b = block["a"], block["b"]
        assert line.startswith(f"  Block {block['id']}: ")
        assert f"{a['doc']} [{a['index_start']}-{a['index_end']}] lines {a['line_start']}-{a['line_end']}" in line
        assert f"{b['doc']} [{b['index_start']}-{b['index_end']}] lines {b['line_start']}-{b['line_end']}" in line
        assert f"({len(block['pairs'])} aligned pairs" in line


def test_text_report_has_one_cluster_line_per_cluster(any_report):
    text = render(any_report, "text", timings=False)
    clusters = to_dict(any_report)["clusters"]
    heads = re.findall(r"^  Cluster (\d+) \((\w+), (\d+) paragraphs", text, flags=re.MULTILINE)
    assert heads == [(str(c["id"]), c["kind"], str(c["size"])) for c in clusters]
    if clusters:
        assert f"\nClusters ({len(clusters)})\n" in text
    stars = [line for line in text.splitlines() if line.startswith("    * ")]
    assert len(stars) == len(clusters)  # one representative per cluster


def test_text_report_cuts_previews_at_80_characters(any_report):
    text = render(any_report, "text", timings=False)
    full = {p.text for p in any_report.paragraphs}
    representatives = re.findall(r"^    \* \S+:\d+ \[\d+\]  (.*)$", text, flags=re.MULTILINE)
    assert representatives
    for shown in representatives:
        assert len(shown) <= PREVIEW_CHARS
        if shown.endswith("…"):
            assert any(t.startswith(shown[:-1]) and len(t) > PREVIEW_CHARS for t in full), shown
        else:
            assert shown in full
    for shown in re.findall(r"^    \[\d+\] line \d+\s+~ \[\d+\] line \d+\s+(.*)$", text, flags=re.MULTILINE):
        assert len(shown) <= BLOCK_PREVIEW_CHARS


def test_seed_text_report_cuts_long_paragraphs(seed_report):
    text = render(seed_report, "text", timings=False)
    assert "* peru-protests-article.txt:3 [1]  Protests in Peru’s capital continue as the demonstrators who" in text
    long = [p.text for p in seed_report.paragraphs if len(p.text) > 400]
    assert long
    assert not any(t in text for t in long)


def test_text_report_header_states_bands_rows_and_effective_threshold(seed_report):
    head = render(seed_report, "text", timings=True).splitlines()
    assert head[1].startswith("LSH: threshold 0.3, num_perm 128 = 37 bands x 3 rows (effective threshold 0.300)")
    assert head[3].startswith("Seconds: sketch ")
    assert not render(seed_report, "text", timings=False).splitlines()[3].startswith("Seconds")


def test_text_report_of_a_file_without_repeats_has_no_cluster_section():
    report = paradup.scan([str(LEGAL / "ca1851-nomatch.txt")])
    text = render(report, "text", timings=False)
    assert "Found: 0 clusters (0 paragraphs), 0 blocks, 0 matches" in text
    assert "Cluster" not in text and "Block" not in text
    assert text.endswith("  ca1851-nomatch.txt: 4 paragraphs, 0 repeated, 0 blocks\n")


def test_archive_matches_are_rendered_only_when_there_are_some(seed_report):
    seen = paradup.ArchiveMatch(paragraph=1, archive_doc="old.txt", archive_path="old/old.txt", archive_index=4,
                                archive_line_start=9, kind="near", similarity=0.95, jaccard=0.8, containment=0.9)
    report = dataclasses.replace(seed_report, archive=(seen,))
    text = render(report, "text", timings=False)
    assert "\nSeen before, in the archive (1)\n" in text
    assert "  peru-protests-article.txt:3 [1]  =  old/old.txt:9 [4]  near, similarity 0.950" in text
    data = json.loads(render(report, "json", timings=False))
    assert data["archive"] == [{
        "paragraph": {"doc": "peru-protests-article.txt", "index": 1, "line_start": 3},
        "archive": {"doc": "old.txt", "path": "old/old.txt", "index": 4, "line_start": 9},
        "kind": "near", "similarity": 0.95, "jaccard": 0.8, "containment": 0.9, "contained": None,
    }]
    assert "archive" not in json.loads(render(seed_report, "json"))
    assert "archive" not in render(seed_report, "text")


# --- CSV ---------------------------------------------------------------------------


def test_csv_has_one_row_per_cluster_member(any_report):
    rows = csv_rows(render(any_report, "csv"))
    clusters = to_dict(any_report)["clusters"]
    expected = [(c["id"], m["doc"], m["index"]) for c in clusters for m in c["members"]]
    assert [(int(r["cluster"]), r["doc"], int(r["index"])) for r in rows] == expected
    sizes = {c["id"]: c["size"] for c in clusters}
    assert all(int(r["size"]) == sizes[int(r["cluster"])] for r in rows)


def test_csv_marks_exactly_one_representative_per_cluster(any_report):
    rows = csv_rows(render(any_report, "csv"))
    clusters = to_dict(any_report)["clusters"]
    for c in clusters:
        members = [r for r in rows if int(r["cluster"]) == c["id"]]
        assert sorted(r["representative"] for r in members) == ["0"] * (c["size"] - 1) + ["1"]
        [rep] = [r for r in members if r["representative"] == "1"]
        assert (rep["doc"], int(rep["index"])) == (c["representative"]["doc"], c["representative"]["index"])
        assert rep["match_kind"] == rep["similarity"] == ""
        for r in members:
            if r["representative"] == "0":
                assert r["match_kind"] in ("exact", "near", "containment")
                for key in ("similarity", "jaccard", "containment"):
                    assert 0 <= float(r[key]) <= 1


def test_csv_previews_are_cut_at_80_characters(any_report):
    for row in csv_rows(render(any_report, "csv")):
        assert 0 < len(row["preview"]) <= PREVIEW_CHARS


def test_csv_ignores_timings(seed_report):
    assert render(seed_report, "csv", timings=True) == render(seed_report, "csv", timings=False)


# --- determinism -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_rendering_twice_gives_identical_output(seed_report, fmt):
    assert render(seed_report, fmt, timings=False) == render(seed_report, fmt, timings=False)


@pytest.mark.parametrize("fmt", FORMATS)
def test_scanning_twice_gives_identical_reports(seed_report, fmt):
    again = paradup.scan([str(ARTICLE)])
    assert render(again, fmt, timings=False) == render(seed_report, fmt, timings=False)


def test_unknown_format_is_an_input_error(seed_report):
    with pytest.raises(paradup.InputError, match=r"format must be one of text, json, csv.*; got 'xml'"):
        render(seed_report, "xml")


# --- generated corpora ---------------------------------------------------------------


def _mutate(text: str, drop: int) -> str:
    words = text.split()
    if drop and len(words) > 8:
        del words[drop % len(words)]
    return " ".join(words)


documents = st.lists(
    st.lists(st.tuples(st.integers(0, len(POOL) - 1), st.integers(0, 20)), min_size=1, max_size=8),
    min_size=1,
    max_size=3,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_reports_of_generated_corpora_keep_their_invariants(docs):
    texts = {f"doc{i}.txt": "\n\n".join(_mutate(POOL[k], drop) for k, drop in doc) for i, doc in enumerate(docs)}
    report = paradup.scan_texts(texts)
    data = json.loads(render(report, "json", timings=False))
    check_json_structure(data)
    rows = csv_rows(render(report, "csv"))
    assert len(rows) == sum(c["size"] for c in data["clusters"])
    text = render(report, "text", timings=False)
    assert len(re.findall(r"^  Cluster \d+ ", text, flags=re.MULTILINE)) == len(data["clusters"])
    assert len(re.findall(r"^  Block \d+: ", text, flags=re.MULTILINE)) == len(data["blocks"])
    assert render(report, "text", timings=False) == text


def test_text_report_lists_shared_passages_with_the_sentence_they_share():
    quoted = "The minister said that the talks would resume in the capital early next week."
    report = paradup.scan_texts({"a.txt": f"Officials met on Monday in the old palace. {quoted} Nothing else was agreed.",
                                 "b.txt": f"Markets rose sharply on the news this morning. {quoted} Traders welcomed it."})
    text = render(report, "text", timings=False)
    assert "1 shared passage," in text.splitlines()[2]
    section = text.split("Shared passages (1)")[1]
    assert "a.txt:1 [0]  ~  b.txt:1 [0]" in section and f'"{quoted}"' in section
    assert render(report, "json", timings=False).count('"kind": "passage"') == 1


@pytest.mark.parametrize("fmt", ["text", "csv", "html"])
def test_a_scans_tables_render_as_the_same_report_made_of_objects(any_report, fmt):
    """The renderers read a scan's arrays where they can (places gathered at once, texts cut only where shown, the
    members' links found on arrays); a report whose clusters, matches and paragraphs are plain objects takes the
    object paths, and both must write the same bytes."""
    from paradup.reports.common import member_links

    objects = dataclasses.replace(any_report, clusters=tuple(any_report.clusters), matches=tuple(any_report.matches),
                                  paragraphs=list(any_report.paragraphs))
    links = member_links(any_report)
    assert links and links == member_links(objects)
    assert render(any_report, fmt, timings=False) == render(objects, fmt, timings=False)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_member_links_on_arrays_are_those_of_the_loop_over_objects(data):
    """Clusters whose members have several matches inside them, with equal strengths: the array path must pick, for
    each member, the match with its representative, else the strongest, else the first offered, as the loop does."""
    from types import SimpleNamespace

    import numpy as np

    from paradup.found import ClusterTable, MatchTable
    from paradup.matches import CONTAINMENT, EXACT, NEAR, Verified
    from paradup.reports.common import member_links

    paragraphs = data.draw(st.integers(4, 24))
    order = data.draw(st.permutations(range(paragraphs)))
    cuts = sorted(data.draw(st.sets(st.integers(1, paragraphs - 1), max_size=5)))
    groups = [sorted(order[a:b]) for a, b in zip([0, *cuts], [*cuts, paragraphs]) if b - a >= 2]
    groups.sort()
    members = np.array([m for g in groups for m in g], dtype=np.int64)
    offsets = np.r_[0, np.cumsum([len(g) for g in groups])].astype(np.int64)
    clusters = ClusterTable(members, offsets, np.zeros(len(groups), np.int8), np.ones(len(groups)))
    pairs = data.draw(st.lists(st.tuples(st.integers(0, paragraphs - 1), st.integers(0, paragraphs - 1))
                               .filter(lambda p: p[0] < p[1]), max_size=40))
    score = st.sampled_from([0.5, 0.8, 0.8, 1.0])
    rows = [(a, b, data.draw(st.sampled_from([EXACT, NEAR, CONTAINMENT])), data.draw(score), data.draw(score),
             data.draw(score), data.draw(st.booleans())) for a, b in pairs]
    columns = list(zip(*rows)) if rows else [[]] * 7
    dtypes = (np.int64, np.int64, np.int8, np.float64, np.float64, np.float64, bool)
    matches = MatchTable(Verified(*(np.array(c, dtype=t) for c, t in zip(columns, dtypes))))
    tables = SimpleNamespace(clusters=clusters, matches=matches)
    objects = SimpleNamespace(clusters=tuple(clusters), matches=tuple(matches))
    assert member_links(tables) == member_links(objects)
