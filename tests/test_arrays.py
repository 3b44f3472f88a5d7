from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from paradup.arrays import isin_sorted, round4, unique

ints = st.lists(st.integers(-2**40, 2**40), max_size=60)


@given(ints, ints)
def test_unique_and_isin_sorted_answer_as_numpy_does(values, others):
    values, others = np.array(values, dtype=np.int64), np.array(others, dtype=np.int64)
    assert np.array_equal(unique(values), np.unique(values))
    assert np.array_equal(isin_sorted(values, unique(others)), np.isin(values, others))


def test_unique_keeps_the_dtype_of_large_unsigned_keys():
    keys = np.array([2**64 - 1, 5, 2**64 - 1, 2**63], dtype=np.uint64).reshape(2, 2)
    got = unique(keys)
    assert got.dtype == np.uint64 and got.tolist() == [5, 2**63, 2**64 - 1]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(0, 1) | st.integers(0, 20000).map(lambda k: (k + 0.5) / 20000)
                | st.tuples(st.integers(0, 300), st.integers(1, 300)).map(lambda t: min(t) / max(t)), max_size=200))
def test_scores_are_rounded_as_python_rounds_them(values):
    assert round4(np.array(values, dtype=np.float64)).tolist() == [round(v, 4) for v in values]
