from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from paradup.normalize import (
    _SIMPLE_LENGTH,
    PARAGRAPH,
    SENTENCE,
    _fold,
    normalize,
    normalize_batch,
    normalize_marked,
    normalize_simple,
    split_sentences,
)


def test_normalisation_folds_case_quotes_dashes_and_punctuation():
    assert normalize("Peru’s “CAPITAL” — continues…") == normalize("peru's \"capital\" - continues") == "perus capital continues"
    assert normalize("ＦＵＬＬ width") == "full width"  # NFKC
    assert normalize("Straße") == normalize("STRASSE")  # case folding, not lower()


def test_normalisation_never_touches_the_text_reports_quote():
    original = "Protests in Peru’s capital."
    normalize(original)
    assert original == "Protests in Peru’s capital."


def test_sentences_split_at_closing_punctuation():
    assert split_sentences("He said “Go.” Then left! Why? Because") == ["He said “Go.”", "Then left!", "Why?", "Because"]



def test_marked_normalisation_is_normalisation_with_sentence_marks():
    text = "One two. Three four! Five… six"
    assert normalize_marked(text).replace(SENTENCE, " ") == normalize(text)


texts = st.text(alphabet=st.sampled_from(list("ab AB19.!?\"')]_\n\t-,’”“…éÉß\u00ad\u2011\x1c\x00\x01")), max_size=40)


@settings(max_examples=300)
@given(st.lists(texts, min_size=1, max_size=8))
def test_batch_normalisation_equals_normalising_each_paragraph(batch):
    assert normalize_batch(batch) == [normalize_marked(t) for t in batch]
    assert [m.replace(SENTENCE, " ") for m in normalize_batch(batch)] == [normalize(t) for t in batch]


unicode_texts = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("aZ9 .!?\n'’”»)]_…\u0301\u0308ΣσςİıﬁＡ．　\u2028\u00a0\u200b·—–")),
        st.characters(exclude_categories=("Cs",)),
    ),
    max_size=60,
)


@settings(max_examples=500)
@given(st.lists(st.one_of(unicode_texts, texts), min_size=1, max_size=8))
def test_batch_normalisation_of_any_unicode_equals_normalising_each_paragraph(batch):
    assert normalize_batch(batch) == [normalize_marked(t) for t in batch]


# Characters of the simple table's range and its edges: accented Latin, Greek with its final sigma,
# Cyrillic, what NFKC changes (ª, µ, ¹, the no-break space), what case folds to more than one code point
# (ß, ŉ, ΐ), what a mark follows or is (combining accents, a Cyrillic enclosing mark), and beyond the table.
simple_texts = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("aZ9 .!?'_…éÉßẞŉΐΣσςЖжªµ¹½\u00a0\u0301\u0308\u0488İı’”«»—Ω日ﬁＡ")),
        st.characters(max_codepoint=0x560, exclude_categories=("Cs",)),
    ),
    max_size=60,
).map(lambda t: t.replace("\x00", " ").replace("\x01", " "))


@settings(max_examples=1000)
@given(st.lists(simple_texts, min_size=1, max_size=6))
def test_normalisation_by_table_equals_the_definition_for_the_paragraphs_it_takes(batch):
    folded = [_fold(t) for t in batch]
    out, simple = normalize_simple(np.frombuffer(PARAGRAPH.join(folded).encode("utf-32-le"), dtype=np.uint32))
    got = out.tobytes().decode("utf-32-le").split(PARAGRAPH)
    assert len(got) == len(batch) == simple.size
    for text, norm, took in zip(batch, got, simple.tolist()):
        assert norm == (normalize_marked(text) if took else "")
        # Refused only for a character outside the table's range or that the table refuses.
        assert took or any(ord(c) >= len(_SIMPLE_LENGTH) or _SIMPLE_LENGTH[ord(c)] < 0 for c in _fold(text))


def test_accented_greek_and_cyrillic_text_takes_the_table():
    batch = ["Ça va, Straße? Όχι! Ελλάς", "Жить — хорошо. ЖИТЬ", "µ¹ ª\u00a0ǅ"]  # NFKC and case folding by table too
    folded = PARAGRAPH.join(_fold(t) for t in batch)
    out, simple = normalize_simple(np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32))
    assert simple.tolist() == [True, True, True]
    assert out.tobytes().decode("utf-32-le").split(PARAGRAPH) == [normalize_marked(t) for t in batch]


def test_the_class_table_says_what_python_says_of_every_code_point_it_is_given():
    from paradup.normalize import IS_ALNUM, IS_LOWER, IS_SPACE, IS_WORD, class_table

    rng = np.random.default_rng(11)
    codes = np.r_[rng.integers(0, 0x110000, 3000), [0x627, 0x1F600, 0x20000, 0x3000, 0xA0, 0x10FFFF]].astype(np.uint32)
    codes = codes[(codes < 0xD800) | (codes > 0xDFFF)]
    for batch in (codes[:5], codes[codes < 0x10000], codes):  # the plane learnt at once, then the others one by one
        table = class_table(batch)
        for code in batch.tolist():
            char, flags = chr(code), int(table[code])
            assert bool(flags & IS_SPACE) == char.isspace() and bool(flags & IS_ALNUM) == char.isalnum()
            assert bool(flags & IS_WORD) == (char.isalnum() or char == "_") and bool(flags & IS_LOWER) == char.islower()
