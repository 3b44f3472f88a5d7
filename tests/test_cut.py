from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from paradup.cut import cut_ascii, cut_codes, previews_of, takes, takes_codes
from paradup.paragraphs import PREVIEW_CHARS, cut_documents, preview

# Lines built from the characters the cutter decides on: white space of every
# kind, lower and upper case, closing punctuation, hyphens and underscores,
# commas, and DEL (neither space nor a letter).
pieces = st.sampled_from(["a", "Bc", "re-", "x_-", "9", ".", ",", ":", ")", "'", "-", "_", " ", "  ", "\t", "\x0b",
                          "\x0c", "\r", "\x1c", "\x1f", "\x7f", "\n", "\n\n", "\n \n", "q."])
documents = st.lists(pieces, max_size=30).map("".join)
# The same, and characters outside ASCII the cutter must class as Python does: upper, lower and title case
# letters of other scripts, letters without case, Unicode white space and line separators (white space to
# str.isspace, but not line breaks here), closing quotes, a non-ASCII digit, combining marks, a symbol beyond
# the Basic Multilingual Plane, and the soft hyphen and hyphens folded later.
unicode_pieces = pieces | st.sampled_from([
    "é", "É", "ǅ", "ß", "ª", "ω", "Ω", "日本", "\u00a0", "\u2003", "\u2028", "\u2029", "\x85", "\u3000", "”", "’", "»",
    "…", "٣", "e\u0301", "\U0001F600", "\u00ad", "\u2010", "–", "-\u00e9", "ré-", "Ça\u00a0va",
])
unicode_documents = st.lists(unicode_pieces, max_size=30).map("".join)


def check(texts: list[str]) -> None:
    table, found = cut_documents(texts)
    assert takes_codes(texts)
    cutters = [cut_codes] + ([cut_ascii] if takes(texts) else [])
    for cut in cutters:
        columns, buffer = cut(texts)
        for name, column in zip(("doc", "index", "line_start", "line_end", "char_start", "char_end", "words"), columns):
            assert column.tolist() == getattr(table, name).tolist(), (cut.__name__, name)
        assert table.words.tolist() == [len(t.split()) for t in found]
        text = buffer.tobytes().decode("ascii" if buffer.dtype == np.uint8 else "utf-32-le")
        assert text == "\x00".join(found), cut.__name__
        data, offsets = previews_of(buffer, len(found))
        shown = [data[a:b].tobytes().decode("utf-8") for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist())]
        assert shown == [preview(t) for t in found], cut.__name__
        assert (table.previews.data.tobytes(), table.previews.offsets.tolist()) == (data.tobytes(), offsets.tolist())


@settings(max_examples=3000)
@given(st.lists(documents, max_size=5))
def test_the_compiled_cutter_agrees_with_cut_paragraphs(texts):
    check(texts)


@settings(max_examples=3000)
@given(st.lists(unicode_documents, max_size=5))
def test_the_code_point_cutter_agrees_with_cut_paragraphs_on_any_text(texts):
    check(texts)


def test_the_code_point_cutter_classes_characters_as_python_does():
    # A hyphenated word rejoined after a non-ASCII letter, a stray blank line mended before a lower-case
    # accented letter but not before an upper-case one or a caseless letter, and Unicode white space trimmed.
    texts = ["Un ré-\nélu, puis\n\nélu encore\n\nÉlu\n\n日本.\u3000\n\n\u2003fin\u00a0"]
    check(texts)
    columns, buffer = cut_codes(texts)
    assert buffer.tobytes().decode("utf-32-le").split("\x00") == ["Un réélu, puis élu encore", "Élu", "日本.", "fin"]


def test_the_compiled_cutter_agrees_on_the_legal_codes():
    from pathlib import Path

    texts = [p.read_text(encoding="utf-8") for p in sorted((Path(__file__).parent / "data" / "legal").iterdir())]
    assert any(t.isascii() for t in texts) and not all(t.isascii() for t in texts)
    check([t for t in texts if t.isascii()])
    check(texts)


# Paragraphs longer than a preview: words of many lengths (one longer than a preview), spaces single and
# double, tabs, and characters of one to four bytes in UTF-8, so that a preview is cut at every kind of place.
long_pieces = st.sampled_from(["a", "word", "é", "日本語", "\U0001F600", " ", "  ", "\t", "x" * (PREVIEW_CHARS + 5),
                               "quote\"", "back\\slash", "\x1b", "\n", "."])
long_documents = st.lists(long_pieces, min_size=20, max_size=120).map("".join)


@settings(max_examples=1500)
@given(st.lists(long_documents, min_size=1, max_size=4))
def test_previews_cut_from_the_buffer_are_those_of_the_paragraph_texts(texts):
    check(texts)
