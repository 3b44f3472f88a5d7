from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from paradup.paragraphs import ParagraphTable, split_paragraphs


def spans(text):
    return [(p.index, p.line_start, p.line_end, p.text) for p in split_paragraphs(text)]


def test_blank_lines_separate_paragraphs_with_one_based_lines():
    assert spans("First one.\n\n\nSecond\nline two.\n") == [(0, 1, 1, "First one."), (1, 4, 5, "Second line two.")]


def test_hard_wrapped_lines_are_joined_and_hyphenated_words_rejoined():
    text = "great care should be taken that the in-\nward exercises con-\nnected with it\nare right."
    assert split_paragraphs(text)[0].text == "great care should be taken that the inward exercises connected with it are right."


def test_a_real_hyphen_before_a_capital_or_a_number_is_kept():
    assert split_paragraphs("the Anglo-\nSaxon and pre-\n1990 era")[0].text == "the Anglo- Saxon and pre- 1990 era"


def test_a_paragraph_cut_by_a_stray_blank_line_is_mended():
    text = "The protesters marched through the\n\ncity centre at noon.\n\nA new paragraph."
    assert spans(text) == [(0, 1, 3, "The protesters marched through the city centre at noon."), (1, 5, 5, "A new paragraph.")]


def test_a_heading_followed_by_a_capitalised_paragraph_is_not_mended():
    assert len(split_paragraphs("OAS\n\nIt is shameful.")) == 2


def test_a_document_without_blank_lines_is_one_paragraph():
    assert len(split_paragraphs("one\ntwo\nthree")) == 1


def test_white_space_only_lines_count_as_blank():
    assert [p.line_start for p in split_paragraphs("A.\n   \t\nB.")] == [1, 3]


text_lines = st.lists(st.sampled_from(["", "   ", "Alpha beta.", "gamma de-", "lta", "Omega!", "x"]), max_size=30)


@given(text_lines)
def test_spans_point_into_the_document_and_cover_every_word(lines):
    text = "\n".join(lines)
    paragraphs = split_paragraphs(text)
    covered = []
    for i, p in enumerate(paragraphs):
        assert p.index == i and 1 <= p.line_start <= p.line_end <= len(lines)
        original = text[p.char_start : p.char_end]
        assert original == original.strip() and original
        covered.append(original)
        assert p.text.replace(" ", "") == "".join(original.split()).replace("-", "") or "-" in original
    assert "".join("".join(covered).split()) == "".join(text.split())
    starts = [p.line_start for p in paragraphs]
    assert starts == sorted(starts)


messy_lines = st.lists(
    st.sampled_from(["", " ", "\t", "\u2003", "Alpha beta.", "  gamma de-", "lta,", "Omega!", "x", "é\r", "next line"]),
    max_size=30,
)


@given(st.lists(messy_lines, min_size=1, max_size=4))
def test_a_table_cuts_each_text_from_its_document_exactly_as_the_splitter_does(docs):
    texts = ["\n".join(lines) for lines in docs]
    table = ParagraphTable.from_texts(texts)
    expected = [p for d, text in enumerate(texts) for p in split_paragraphs(text, d)]
    assert list(table) == expected
    assert [table[i] for i in range(len(table))] == expected
    assert [table.text(i) for i in range(len(table))] == [p.text for p in expected]
    assert [tuple(table.place(i)) for i in range(len(table))] == [
        (p.doc, p.index, p.line_start, p.line_end, p.char_start, p.char_end) for p in expected
    ]
    assert table[1:3] == expected[1:3]
    for d in range(len(texts)):
        assert table.first(d) == next((i for i, p in enumerate(expected) if p.doc >= d), len(expected))

