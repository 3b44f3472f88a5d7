from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from paradup.cut import cut_ascii, takes
from paradup.paragraphs import cut_documents

# Lines built from the characters the cutter decides on: white space of every
# kind, lower and upper case, closing punctuation, hyphens and underscores,
# commas, and DEL (neither space nor a letter).
pieces = st.sampled_from(["a", "Bc", "re-", "x_-", "9", ".", ",", ":", ")", "'", "-", "_", " ", "  ", "\t", "\x0b",
                          "\x0c", "\r", "\x1c", "\x1f", "\x7f", "\n", "\n\n", "\n \n", "q."])
documents = st.lists(pieces, max_size=30).map("".join)


def check(texts: list[str]) -> None:
    table, found = cut_documents(texts)
    assert takes(texts)
    columns, buffer = cut_ascii(texts)
    for name, column in zip(("doc", "index", "line_start", "line_end", "char_start", "char_end", "words"), columns):
        assert column.tolist() == getattr(table, name).tolist(), name
    assert table.words.tolist() == [len(t.split()) for t in found]
    assert buffer.tobytes() == "\x00".join(found).encode("ascii")


@settings(max_examples=3000)
@given(st.lists(documents, max_size=5))
def test_the_compiled_cutter_agrees_with_cut_paragraphs(texts):
    check(texts)


def test_the_compiled_cutter_agrees_on_the_legal_codes():
    from pathlib import Path

    texts = [p.read_text(encoding="utf-8") for p in sorted((Path(__file__).parent / "data" / "legal").iterdir())]
    texts = [t for t in texts if t.isascii()]
    assert texts
    check(texts)
