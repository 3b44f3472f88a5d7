"""The HTML report in a real browser (headless Chromium): it loads clean, shows the seed
article's reprinted block and differences, filters, scales, and runs no corpus markup."""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import pytest
from html_corpora import INJECTED, INJECTED_NAME, injected_report, many_clusters
from playwright.sync_api import expect

import paradup
from paradup.reports import render

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "data" / "peru-protests-article.txt"


@pytest.fixture(scope="module")
def seed_report() -> paradup.Report:
    return paradup.scan([str(SEED)])


@pytest.fixture(scope="module")
def seed_html(seed_report) -> str:
    return render(seed_report, "html", timings=False)


@pytest.fixture
def seed(open_report, seed_html):
    return open_report(seed_html)


def wait_for_count(opened, list_id: str, text: str) -> None:
    opened.page.wait_for_function(
        "([id, text]) => document.getElementById(id).textContent.startsWith(text)", arg=[list_id, text]
    )


def search(opened, query: str) -> None:
    """Type ``query`` and press Enter, which filters at once rather than after the typing pause."""
    opened.page.fill("#search", query)
    opened.page.press("#search", "Enter")


def test_seed_report_loads_without_console_errors_or_network_requests(seed):
    assert seed.errors == []
    assert all(url.startswith("file://") for url in seed.requests), seed.requests
    assert seed.page.title() == "paradup report: peru-protests-article.txt"


def test_summary_shows_counts_savings_parameters_and_the_lsh_curve(seed, seed_report):
    cards = seed.page.locator("#cards").inner_text()
    for expected in ("94", str(len(seed_report.clusters)), "WORDS SAVED", "BYTES SAVED", "% of the corpus"):
        assert expected in cards
    bands, rows = seed_report.params.bands, seed_report.params.rows
    assert f"{bands} bands \u00d7 {rows} rows" in seed.page.locator("#curve").inner_text()
    assert "effective_threshold" in seed.page.locator("#params").inner_text()
    assert seed.page.locator("#lsh-curve path.curve").count() == 1


@pytest.fixture(scope="module")
def known(seed_report) -> dict:
    """Ids and counts of the seed report, found from the lines the seed tests plant them at."""
    def cluster_with(line: int) -> int:
        return next(c.id for c in seed_report.clusters
                    if any(seed_report.paragraphs[m].line_start == line for m in c.members))

    return {
        "lead": cluster_with(47),  # the lead paragraph, reprinted with the typo "continuedas"
        "split": cluster_with(129),  # line 63, split in two at lines 129 and 131
        "clusters": len(seed_report.clusters),
        "repeated": sum(len(c.members) for c in seed_report.clusters),
        "pairs": len(seed_report.blocks[0].pairs),
        "largest": sorted(seed_report.clusters, key=lambda c: (-len(c.members), c.id))[0].id,
    }


def cluster_ids(opened) -> list[int]:
    return [int(i) for i in opened.page.locator("details.cluster").evaluate_all("ds => ds.map(d => d.dataset.id)")]


def test_reprinted_block_is_listed_with_both_places(seed, known):
    summary = seed.page.locator("#block-0 > summary").inner_text()
    assert "lines 45-65" in summary and "lines 113-133" in summary
    seed.page.click("#block-0 > summary")
    expect(seed.page.locator("#block-0 table.pairs tr")).to_have_count(known["pairs"])


def test_document_map_links_the_block_and_the_dot_plot_shows_its_diagonal(seed, known):
    strip = seed.page.locator("svg.strip")
    assert strip.count() == 1
    assert strip.locator("rect.cell").count() == known["repeated"]  # every repeated paragraph, coloured
    assert strip.locator("path.arc").count() == 1  # the block's two places, linked
    assert seed.page.locator("svg.dotplot circle").count() >= 2 * known["pairs"]


def test_clicking_a_cluster_shows_its_highlighted_differences(seed, known):
    page, lead = seed.page, f"#cluster-{known['lead']}"
    assert page.locator(f"{lead} .member").count() == 0  # bodies are built when opened
    page.click(f"{lead} > summary")
    copy = page.locator(f"{lead} .member").first
    assert copy.locator("ins").first.inner_text() == "continuedas"
    expect(copy.locator("del").first).to_be_attached()
    assert "accepted on similarity 0.996" in copy.locator(".scores").inner_text()


def test_containment_highlights_the_contained_text_inside_the_longer_paragraph(seed, known):
    split = f"#cluster-{known['split']}"
    seed.page.click(f"{split} > summary")
    first = seed.page.locator(f"{split} .member").first
    assert "this one is contained in the representative" in first.locator(".scores").inner_text()
    marked = " ".join(first.locator(".col.rep mark.inside").all_inner_texts())
    assert marked.startswith("At the emblematic campus")


def test_clicking_a_paragraph_in_the_map_opens_its_cluster(seed, known):
    seed.page.locator(f"svg.strip rect.cell[data-cluster='{known['split']}']").first.click()
    assert seed.page.locator(f"#cluster-{known['split']}").get_attribute("open") is not None


def test_search_filters_clusters_as_you_type(seed, known):
    page, total = seed.page, known["clusters"]
    assert seed.visible_clusters() == total
    page.type("#search", "continuedas")
    wait_for_count(seed, "cluster-count", f"1 cluster matches the search (of {total})")
    assert cluster_ids(seed) == [known["lead"]]
    search(seed, "emblematic")
    assert cluster_ids(seed) == [known["split"]]
    assert page.locator("details.block").count() == 1  # the block holds that paragraph too
    search(seed, "no such words anywhere")
    assert seed.visible_clusters() == 0 and page.locator("#cluster-list").inner_text() == "Nothing matches the search."
    search(seed, "")
    assert seed.visible_clusters() == total


def test_sort_by_size_puts_the_largest_cluster_first(seed, known):
    seed.page.select_option("#sort", "size")
    assert cluster_ids(seed)[0] == known["largest"]
    seed.page.select_option("#sort", "position")
    assert cluster_ids(seed) == sorted(cluster_ids(seed))


def test_expand_and_collapse_act_on_the_page(seed, known):
    seed.page.click("#expand-all")
    expect(seed.page.locator("details.cluster[open]")).to_have_count(known["clusters"])
    seed.page.click("#collapse-all")
    expect(seed.page.locator("details.cluster[open]")).to_have_count(0)


def test_a_link_to_a_cluster_opens_it(open_report, seed_html, known):
    opened = open_report(seed_html, fragment=f"#cluster-{known['split']}")
    assert opened.page.locator(f"#cluster-{known['split']}").get_attribute("open") is not None


def test_injected_markup_renders_as_text_and_runs_nothing(open_report):
    opened = open_report(render(injected_report(), "html"))
    page = opened.page
    page.click("#cluster-0 > summary")
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.locator("img").count() == 0 and page.locator("script").count() == 2
    assert INJECTED in page.locator("#cluster-0 .col.copy").inner_text()
    assert INJECTED in page.locator("#cluster-0 .preview").inner_text()
    assert INJECTED_NAME in page.locator("#maps h3").inner_text()
    assert opened.errors == []


def test_report_with_ten_thousand_clusters_loads_and_pages(open_report):
    html = render(many_clusters(10_000), "html", timings=False)
    opened = open_report(html, timeout=120_000)
    page = opened.page
    assert opened.errors == []
    assert page.locator("#cluster-count").inner_text() == "10,000 clusters"
    assert opened.visible_clusters() == 50
    assert page.locator("details.block").count() == 50  # of 99 blocks
    assert page.locator("svg.strip").count() == 20  # of 100 documents, the rest one click away
    page.click("#more-docs")
    expect(page.locator("svg.strip")).to_have_count(40)
    page.locator("#clusters .pager .next").first.click()
    assert page.locator("details.cluster").first.get_attribute("data-id") == "50"
    search(opened, "paragraph 9999 alpha")
    assert page.locator("#cluster-count").inner_text() == "1 cluster matches the search (of 10,000)"
    page.click("#cluster-9999 > summary")
    assert page.locator("#cluster-9999 .member ins.chg").inner_text() == "beta"


def test_corpus_report_maps_blocks_across_documents_and_lists_archive_hits_and_problems(open_report):
    report = paradup.scan([str(ROOT / "tests" / "data" / "legal"), str(SEED)])
    report = dataclasses.replace(
        report,
        archive=(paradup.ArchiveMatch(5, "old.txt", "archive/old.txt", 3, 7, "near", 0.91, 0.7, 0.8),),
        problems=(paradup.InputProblem("broken.bin", "binary file, skipped"),),
    )
    opened = open_report(render(report, "html"))
    page = opened.page
    assert opened.errors == []
    assert page.locator("svg.strip").count() == 3  # the documents with repeats, not the one without
    crossing = page.locator(".doc[data-doc='legal/ca1851-match.txt'] button.badge")
    assert crossing.count() == 3 and "legal/ny1850-match.txt" in page.locator(".doc").first.inner_text()
    crossing.first.click()
    assert page.locator("#block-0").get_attribute("open") is not None
    assert "archive/old.txt:7" in page.locator("#archive").inner_text()
    assert "broken.bin: binary file, skipped" in page.locator("#problems").inner_text()


def test_documents_named_like_javascript_properties_are_drawn_like_any_other(open_report):
    repeated = "A paragraph long enough to be matched, repeated in this very document.\n\nFiller.\n\n"
    texts = {name: repeated * 2 for name in ("constructor", "__proto__", "toString")}
    opened = open_report(render(paradup.scan_texts(texts), "html"))
    assert opened.errors == []
    assert opened.page.locator("svg.strip").count() == 3 and opened.page.locator("svg.dotplot").count() == 3
    opened.page.click("#cluster-0 > summary")
    copies = opened.page.locator("#cluster-0 .col.copy")
    expect(copies).to_have_count(5)
    assert copies.first.inner_text().endswith("repeated in this very document.")


def test_empty_report_says_nothing_was_found(open_report):
    opened = open_report(render(paradup.scan_texts({"a.txt": "One paragraph.\n\nAnother one."}), "html"))
    assert opened.errors == []
    assert opened.page.locator("#cluster-list").inner_text() == "None found."


def test_screenshot_script_writes_both_pictures(browser, tmp_path):
    spec = importlib.util.spec_from_file_location("make_screenshots", ROOT / "docs" / "make_screenshots.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    written = script.take_screenshots(browser, tmp_path)
    assert [p.name for p in written] == ["report-summary.png", "report-cluster.png"]
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in written)
