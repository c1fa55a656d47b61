"""Check digits against the verified examples of legacy-exports.md §4, and their properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.spec import checkdigits as cd
from chukan_layout.spec.model import CheckDigit

VERIFIED = [
    ("kojin_bango", "123456789018"),
    ("kojin_bango", "983205673214"),
    ("hojin_bango", "7000012050002"),  # 国税庁
    ("hojin_bango", "1180301018771"),
    ("hojin_bango", "4011001098993"),
    ("hojin_bango", "8000020130001"),  # 東京都 = 000020 + 団体コード 130001
    ("dantai_code", "131016"),  # 千代田区
    ("dantai_code", "011002"),  # 札幌市
    ("dantai_code", "130001"),  # 東京都
    ("hokenja_bango", "33120015"),
]


@pytest.mark.parametrize(("alg", "value"), VERIFIED)
def test_verified_examples(alg: str, value: str) -> None:
    assert cd.verify(alg, value)
    alg_ = cd.get_algorithm(alg)
    base = value[1:] if alg_.cd_first else value[:-1]
    assert cd.make_valid(alg, base) == value


def test_docstring_example_and_juminhyo() -> None:
    assert cd.make_valid("kojin_bango", "12345678901") == "123456789018"
    assert cd.make_valid("juminhyo_code", "1234567890") == "12345678903"
    # 宛名番号: weights 2..7 repeating from the right: 0000123 → 3·2 + 2·3 + 1·4 = 16, r 5 → 6
    assert cd.make_valid("atena_mod11", "0000123") == "00001236"
    # 法人番号 of a 地方公共団体 is 000020 + its 団体コード
    assert cd.make_valid("hojin_bango", "000020" + "130001") == "8000020130001"


@pytest.mark.parametrize(
    "value", ["12345678901", "1234567890188", "12345678901a", "１２３４５６７８９０１８", ""]
)
def test_wrong_length_or_non_digits(value: str) -> None:
    assert not cd.verify("kojin_bango", value)


def test_hokenja_lengths_and_atena_minimum() -> None:
    assert cd.verify("hokenja_bango", cd.make_valid("hokenja_bango", "13010"))  # 6-digit 国保
    assert not cd.verify("hokenja_bango", "13010")  # 5 digits: no such number
    with pytest.raises(ValueError, match="wrong total length"):
        cd.make_valid("hokenja_bango", "1301")
    assert not cd.verify("atena_mod11", "0")
    with pytest.raises(ValueError, match="unknown check digit"):
        cd.verify("luhn", "1")


_BASE_LEN = {
    CheckDigit.KOJIN_BANGO: [11],
    CheckDigit.JUMINHYO_CODE: [10],
    CheckDigit.ATENA_MOD11: [1, 7, 14],
    CheckDigit.DANTAI_CODE: [5],
    CheckDigit.HOJIN_BANGO: [12],
    CheckDigit.HOKENJA_BANGO: [5, 7],
}


@st.composite
def _numbers(draw: st.DrawFn) -> tuple[CheckDigit, str]:
    alg = draw(st.sampled_from(list(CheckDigit)))
    n = draw(st.sampled_from(_BASE_LEN[alg]))
    return alg, cd.make_valid(alg, draw(st.text("0123456789", min_size=n, max_size=n)))


@given(_numbers(), st.integers(1, 9))
def test_make_valid_verifies_and_any_other_cd_fails(num: tuple[CheckDigit, str], delta: int) -> None:
    alg, value = num
    assert cd.verify(alg, value)
    i = 0 if cd.get_algorithm(alg).cd_first else len(value) - 1
    wrong = value[:i] + str((int(value[i]) + delta) % 10) + value[i + 1 :]
    assert not cd.verify(alg, wrong)
