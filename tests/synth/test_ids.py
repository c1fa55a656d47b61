"""Vectorized identifiers hold the spec engine's scalar check-digit rules."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.spec.checkdigits import verify
from chukan_layout.synth.ids import Permutation, atena_mod11, dantai_cd, hokenja, juminhyo_code, kojin_bango


@given(st.lists(st.integers(0, 10**11 - 1), min_size=1, max_size=50))
def test_kojin_bango_matches_spec(bases: list[int]) -> None:
    for v in kojin_bango(np.array(bases, dtype=np.int64)):
        assert verify("kojin_bango", f"{v:012d}")


@given(st.lists(st.integers(0, 10**10 - 1), min_size=1, max_size=50))
def test_juminhyo_code_matches_spec(bases: list[int]) -> None:
    for v in juminhyo_code(np.array(bases, dtype=np.int64)):
        assert verify("juminhyo_code", f"{v:011d}")


@given(st.lists(st.integers(10**13, 10**14 - 1), min_size=1, max_size=50))
def test_atena_mod11_matches_spec(bases: list[int]) -> None:
    for v in atena_mod11(np.array(bases, dtype=np.int64), 14):
        assert verify("atena_mod11", str(v))


def test_known_examples() -> None:
    assert kojin_bango(np.array([12345678901]))[0] == 123456789018
    assert dantai_cd("13101") == 6 and dantai_cd("01100") == 2
    assert hokenja(np.array([3312001]), 7)[0] == 33120015


def test_permutation_is_unique() -> None:
    p = Permutation(np.random.default_rng(1), 10)
    v = p(np.arange(200_000))
    assert np.unique(v).shape[0] == 200_000
    assert v.max() < 10**10
