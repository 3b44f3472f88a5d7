from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from paradup.arrays import isin_sorted, unique

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
