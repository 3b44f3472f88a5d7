from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from paradup.normalize import SENTENCE, normalize, normalize_batch, normalize_marked, split_sentences


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
