from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from paradup.normalize import (
    PARAGRAPH,
    SENTENCE,
    _fold,
    normalize,
    normalize_batch,
    normalize_marked,
    normalize_simple,
    simple_table,
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


# Beyond Cyrillic, where the table is made for the whole plane: letters of many scripts with what composes,
# reorders or expands next to them: Arabic letters, presentation forms and harakat; Hebrew points; Devanagari
# with nukta and virama; Thai's SARA AM (NFKC makes a mark of it); Hangul syllables, conjoining jamo (which
# compose with no mark), compatibility and halfwidth jamo (NFKC makes conjoining ones of them); CJK and its
# compatibility ideographs; fullwidth forms; the Ohm, Kelvin and Angstrom signs; ligatures; ﷺ (18 code points).
plane_texts = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("aZ9 .!?'…ابتثﺎﻼﷺ\u064e\u0651אבש\u05bc\u05b7कख\u093c\u094dกำ한글각\u1100\u1161\u11a8\u3131\u314f"
                             "\uffa1\uffc2日本豈Ａｚ０\u2126\u212a\u212bﬁﬀ\u00a0\u3000")),
        st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)),
    ),
    max_size=40,
).map(lambda t: t.replace("\x00", " ").replace("\x01", " "))


def _taken_as_defined(batch: list[str]) -> None:
    folded = [_fold(t) for t in batch]
    out, simple = normalize_simple(np.frombuffer(PARAGRAPH.join(folded).encode("utf-32-le"), dtype=np.uint32))
    got = out.tobytes().decode("utf-32-le").split(PARAGRAPH)
    assert len(got) == len(batch) == simple.size
    _, lengths = simple_table()
    for text, norm, took in zip(batch, got, simple.tolist()):
        assert norm == (normalize_marked(text) if took else "")
        # Refused only for a character outside the table's range or that the table refuses.
        assert took or any(ord(c) >= len(lengths) or lengths[ord(c)] < 0 for c in _fold(text))


@settings(max_examples=1000)
@given(st.lists(simple_texts, min_size=1, max_size=6))
def test_normalisation_by_table_equals_the_definition_for_the_paragraphs_it_takes(batch):
    _taken_as_defined(batch)


@settings(max_examples=1000)
@given(st.lists(plane_texts, min_size=1, max_size=6))
def test_normalisation_by_table_of_any_script_equals_the_definition_for_the_paragraphs_it_takes(batch):
    _taken_as_defined(batch)


def test_the_table_of_the_whole_plane_is_what_each_character_makes_on_its_own():
    import unicodedata

    from paradup.normalize import _simple_table

    def refused(char: str) -> bool:  # marks, and the conjoining jamo, which compose with the character before
        return unicodedata.category(char).startswith("M") or unicodedata.combining(char) != 0 or unicodedata.name(
            char, "").startswith(("HANGUL CHOSEONG", "HANGUL JUNGSEONG", "HANGUL JONGSEONG"))

    jamo_blocks = [(0x1100, 0x1200), (0xA960, 0xA980), (0xD7B0, 0xD800)]
    to, lengths = _simple_table(0x10000)
    for code in range(0x10000):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF or refused(char):
            assert lengths[code] == -1, hex(code)
            continue
        once = unicodedata.normalize("NFKC", char)
        made = _fold(once.casefold())
        if len(made) > 3 or any(refused(c) for c in once + made):
            assert lengths[code] == -1, hex(code)
        elif lengths[code] == -1:  # refused all the same: only a code point of a jamo block not assigned yet
            assert unicodedata.category(char) == "Cn" and any(a <= code < b for a, b in jamo_blocks), hex(code)
        else:
            assert lengths[code] == len(made) and to[code, : len(made)].tolist() == [ord(c) for c in made], hex(code)
    assert lengths[ord("ا")] == 1 and lengths[ord("한")] == 1 and lengths[0x1161] == -1 and lengths[0x064E] == -1


def test_accented_greek_and_cyrillic_text_takes_the_table():
    batch = ["Ça va, Straße? Όχι! Ελλάς", "Жить — хорошо. ЖИТЬ", "µ¹ ª\u00a0ǅ"]  # NFKC and case folding by table too
    folded = PARAGRAPH.join(_fold(t) for t in batch)
    out, simple = normalize_simple(np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32))
    assert simple.tolist() == [True, True, True]
    assert out.tobytes().decode("utf-32-le").split(PARAGRAPH) == [normalize_marked(t) for t in batch]


def test_arabic_hebrew_cjk_and_korean_text_takes_the_table_and_text_with_marks_does_not():
    batch = ["الاحتجاجات مستمرة. في ليما!", "שלום עולם. מה נשמע?", "抗议仍在继续。日本語のテキスト！", "시위는 계속된다. 한국어",
             "ＦＵＬＬ ｗｉｄｔｈ ﬁne", "हिन्दी पाठ", "ضَرَبَ"]  # Devanagari's vowel signs and virama, Arabic's harakat: marks
    folded = PARAGRAPH.join(_fold(t) for t in batch)
    out, simple = normalize_simple(np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32))
    assert simple.tolist() == [True, True, True, True, True, False, False]
    got = out.tobytes().decode("utf-32-le").split(PARAGRAPH)
    assert got == [normalize_marked(t) for t in batch[:5]] + ["", ""]


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
