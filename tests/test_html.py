"""The HTML report as a file: deterministic, self-contained, its data the JSON report's, its corpus text inert.

The browser half (loading, clicking, searching, 10,000 clusters) is in tests/browser.
Rewrite the golden file only on purpose: ``PARADUP_UPDATE_GOLDEN=1 pytest tests/test_html.py``.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import paradup
from paradup.candidates import lsh_probability
from paradup.matches import word_diff
from paradup.reports import FORMATS, render
from paradup.reports.html import embedded_data, savings
from paradup.reports.json import to_dict

ROOT = Path(__file__).parent.parent
SEED = ROOT / "tests" / "data" / "peru-protests-article.txt"
GOLDEN = ROOT / "tests" / "data" / "golden" / "seed.html"
UPDATE_GOLDEN = os.environ.get("PARADUP_UPDATE_GOLDEN") == "1"

INJECTED = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">'


@pytest.fixture(scope="module")
def report() -> paradup.Report:
    return paradup.scan([str(SEED)])


@pytest.fixture(scope="module")
def page(report) -> str:
    return render(report, "html", timings=False)


def scripts(page: str) -> list[str]:
    return re.findall(r"<script[^>]*>(.*?)</script>", page, re.S)


def cluster_with(report: paradup.Report, line: int) -> paradup.Cluster:
    return next(c for c in report.clusters if any(report.paragraphs[m].line_start == line for m in c.members))


def test_seed_report_matches_the_golden_file(page):
    if UPDATE_GOLDEN:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(page, encoding="utf-8", newline="\n")
    assert page == GOLDEN.read_text(encoding="utf-8"), "rewrite on purpose with PARADUP_UPDATE_GOLDEN=1"


def test_same_report_renders_to_the_same_bytes(report, page):
    assert render(report, "html", timings=False) == page
    assert render(paradup.scan([str(SEED)]), "html", timings=False) == page


def test_cli_writes_the_html_report_it_lists_among_formats(tmp_path, page):
    assert "html" in FORMATS
    out = tmp_path / "report.html"
    command = ["scan", str(SEED), "--format", "html", "--no-timings", "-o", str(out)]
    subprocess.run([sys.executable, "-m", "paradup", *command], check=True, capture_output=True)
    assert out.read_text(encoding="utf-8") == page


def test_embedded_data_is_the_json_report_plus_the_page_extras(report, page):
    data = embedded_data(page)
    extras = data.pop("html")
    assert data == to_dict(report, timings=False)
    assert set(extras) == {"texts", "diffs", "dots", "curve", "savings"}
    assert "seconds" in embedded_data(render(report, "html", timings=True))["stats"]


def test_savings_count_every_copy_but_the_representative(report, page):
    copies = [report.paragraphs[m] for c in report.clusters for m in c.members if m != c.representative]
    expected = {"words": sum(p.words for p in copies), "bytes": sum(len(p.text.encode("utf-8")) for p in copies)}
    assert {k: savings(report)[k] for k in expected} == expected
    assert embedded_data(page)["html"]["savings"]["words"] == expected["words"] > 0


def test_diffs_are_word_diffs_of_each_copy_against_its_representative(report, page):
    diffs = embedded_data(page)["html"]["diffs"]
    assert len(diffs) == len(report.clusters)
    for cluster, members in zip(report.clusters, diffs, strict=True):
        rep = report.paragraphs[cluster.representative]
        for gid, entry in zip(cluster.members, members, strict=True):
            if gid == cluster.representative:
                assert entry is None
                continue
            expected = word_diff(rep.text, report.paragraphs[gid].text)
            assert [(op[0], op[1], op[2] if len(op) == 3 else op[1]) for op in entry["ops"]] == expected
    cluster = cluster_with(report, 47)  # the lead paragraph; line 47 is the copy with the typo
    lead = diffs[report.clusters.index(cluster)][1]
    assert ["replace", "continue as", "continuedas"] in lead["ops"]
    match = next(m for m in report.matches if {m.a, m.b} == set(cluster.members[:2]))
    assert lead["link"] == {"with": 0, "kind": "near", "similarity": match.similarity, "jaccard": match.jaccard,
                            "containment": match.containment, "contained": None}


def test_containment_link_says_which_side_is_contained(report, page):
    split = embedded_data(page)["html"]["diffs"][report.clusters.index(cluster_with(report, 129))]  # line 63 split at 129 and 131
    assert [d["link"]["contained"] for d in split[1:]] == ["this", "this"]


def test_dot_plot_pairs_run_along_the_reprinted_sections_diagonal(report, page):
    plot = embedded_data(page)["html"]["dots"]["peru-protests-article.txt"]
    assert plot["scale"] == 1  # 94 paragraphs: one dot per pair
    dots = plot["dots"]
    pairs = {(i, j) for i, j, _, _ in dots}
    block = report.blocks[0]
    assert set(block.pairs) <= pairs
    assert all(0 <= s <= 1 for _, _, s, _ in dots)


def test_dot_plot_of_a_long_document_bins_its_pairs():
    words = [f"w{i}" for i in range(451 * 12)]
    text = "\n\n".join(" ".join(words[12 * i : 12 * i + 12]).capitalize() + "." for i in range(450))  # none alike
    text += "\n\n" + text.split("\n\n")[0]  # one copy of the first paragraph at the end
    page = render(paradup.scan_texts({"long.txt": text}), "html", timings=False)
    plot = embedded_data(page)["html"]["dots"]["long.txt"]
    assert plot["scale"] == 3  # 451 paragraphs in cells of 3: at most 200 a side
    assert plot["dots"] == [[0, 150, 1.0, "exact"]]


def test_lsh_curve_is_lsh_probability_for_the_bands_and_rows_in_force(report, page):
    curve = embedded_data(page)["html"]["curve"]
    bands, rows = report.params.bands, report.params.rows
    assert curve[0] == [0.0, 0.0] and curve[-1] == [1.0, 1.0]
    assert all(abs(p - lsh_probability(s, bands, rows)) < 1e-4 for s, p in curve)


def test_texts_hold_every_paragraph_shown_that_no_diff_holds(report, page):
    texts = embedded_data(page)["html"]["texts"]["peru-protests-article.txt"]
    assert list(texts) == ["29"]  # line 59: inside the block's span, dropped by the reprint
    assert texts["29"] == report.paragraph(0, 29).text


def test_injected_markup_stays_escaped_in_the_source():
    name = '<img src=y onerror="window.pwned=3">.txt'
    report = paradup.scan_texts({name: f"Opening words.\n\n{INJECTED}\n\nMiddle words.\n\n{INJECTED}"})
    assert len(report.clusters) == 1
    page = render(report, "html")
    assert "<script>window.pwned" not in page and "<img" not in page and "onerror=\"window" not in page
    assert page.count("<script") == 2 and page.count("</script>") == 2
    assert "\\u003cscript\\u003ewindow.pwned=1\\u003c/script\\u003e" in page
    assert "<title>paradup report: &lt;img src=y onerror=&quot;window.pwned=3&quot;&gt;.txt</title>" in page
    assert embedded_data(page)["html"]["diffs"][0][1]["ops"] == [["equal", INJECTED]]


def test_page_makes_no_network_references(page):
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(r"@import|@font-face|url\(|fonts\.googleapis|cdn", page, re.I)
    assert re.findall(r"<link[^>]*>", page) == ['<link rel="icon" href="data:,">']


def test_policy_lets_only_the_pages_own_script_and_style_run(page):
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    code = scripts(page)[1]
    for source in (style, code):
        digest = base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in policy


def test_page_script_inserts_text_only_as_text(page):
    code = scripts(page)[1]
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", code)
