"""The seed article is the first acceptance test (issue 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from paradup import Report, scan

SEED = Path(__file__).parent / "data" / "peru-protests-article.txt"


@pytest.fixture(scope="module")
def report() -> Report:
    return scan([str(SEED)])


def lines_of(report: Report, members) -> list[int]:
    return sorted(report.paragraphs[m].line_start for m in members)


def cluster_at(report: Report, line: int):
    found = [c for c in report.clusters if line in lines_of(report, c.members)]
    assert len(found) == 1, f"line {line} should be in exactly one cluster"
    return found[0]


def test_lead_paragraph_printed_three_times_is_one_cluster(report):
    cluster = cluster_at(report, 3)
    assert lines_of(report, cluster.members) == [3, 47, 115]
    assert cluster.kind == "near"  # line 47 carries the typo "continuedas"


def test_reprinted_section_forms_one_block(report):
    spans = [
        (report.paragraph(b.a.doc, b.a.index_start).line_start, report.paragraph(b.a.doc, b.a.index_end).line_end,
         report.paragraph(b.b.doc, b.b.index_start).line_start, report.paragraph(b.b.doc, b.b.index_end).line_end)
        for b in report.blocks
    ]
    assert spans == [(45, 65, 113, 133)]


def test_block_aligns_the_split_the_moved_caption_and_the_trims(report):
    block = report.blocks[0]
    pairs = {(report.paragraph(0, i).line_start, report.paragraph(0, j).line_start) for i, j in block.pairs}
    assert (63, 129) in pairs and (63, 131) in pairs  # one paragraph split in two
    assert (49, 127) in pairs  # the photo caption moved down
    assert (61, 125) in pairs and (65, 133) in pairs  # two paragraphs trimmed
    assert not any(a == 59 for a, _ in pairs)  # "The heroism..." is dropped in the reprint


def test_split_and_trimmed_paragraphs_are_containments_of_their_originals(report):
    for line in (61, 63, 65):
        cluster = cluster_at(report, line)
        assert cluster.kind == "containment"
    split = cluster_at(report, 63)
    assert lines_of(report, split.members) == [63, 129, 131]
    contained = [m for m in report.matches if m.kind == "containment"]
    trimmed = [m for m in contained if report.paragraphs[m.a].line_start == 65]
    assert trimmed and trimmed[0].contained == "b" and trimmed[0].containment == 1.0


def test_paragraphs_that_merely_share_the_topic_are_not_paired(report):
    paired = {(report.paragraphs[m.a].line_start, report.paragraphs[m.b].line_start) for m in report.matches}
    # Expected pairs, and nothing else: the reprint, the title echoed by the
    # comment header, the OAS headline quoted in its section (English and
    # Spanish), and the WordPress "You are commenting using" boilerplate.
    section = {(45, 113), (47, 115), (3, 47), (3, 115), (49, 127), (51, 117), (53, 119), (55, 121),
               (57, 123), (61, 125), (63, 129), (63, 131), (65, 133)}
    others = {(1, 165), (89, 103), (139, 151)}
    # The three "You are commenting using your X account" lines differ in one
    # word of ten (Jaccard 0.42-0.45): LSH makes each pair a candidate with a
    # chance of about 0.6 at the default threshold, so some of them are found.
    boilerplate = {(173, 177), (173, 181), (177, 181)}
    assert paired & boilerplate
    assert paired - section - others - boilerplate == set()
    assert section - paired <= {(3, 115)} | {(47, 115)}  # exact copies are reported against their first print


def test_every_match_scores_on_one_zero_to_one_scale(report):
    for m in report.matches:
        assert 0.0 <= m.similarity <= 1.0 and 0.0 <= m.jaccard <= 1.0 and 0.0 <= m.containment <= 1.0


def test_short_paragraphs_are_counted_not_dropped(report):
    from paradup.normalize import normalize

    short = {gid for gid, p in enumerate(report.paragraphs) if 0 < len(normalize(p.text).split()) < report.params.min_words}
    assert report.stats["short"] == len(short) > 0
    for m in report.matches:  # a paragraph under min_words is only ever matched exactly
        assert m.kind == "exact" or not {m.a, m.b} & short
    assert report.stats["paragraphs"] == len(report.paragraphs) == 94
