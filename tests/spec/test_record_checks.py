"""The oracle (``spec._record_checks``): every check of an item runs on its own, and lengths in bytes
count as the encoding does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.spec._record_checks import full_date, is_nonexistent, value_length, verdict
from chukan_layout.spec.model import Item
from chukan_layout.spec.registry import LoadedLayout

from .test_records import GOOD

# characters cp932 encodes: ASCII, 半角カナ (1 byte each), kana, kanji incl. 髙﨑 (IBM extensions), ～ (2 bytes)
CP932_TEXT = st.text(st.sampled_from("aZ09 -\\~ｱﾊﾟﾞｰ｡あアー髙﨑葛山田～㈱"), max_size=30)


def _item(unit: str, encoding: str | None = None) -> Item:
    length = {"max": 99, "unit": unit} | ({"encoding": encoding} if encoding else {})
    return Item.model_validate(
        {
            "id": "shimei",
            "name": "氏名",
            "type": "text",
            "length": length,
            "provenance": {"status": "modelled"},
        }
    )


def test_all_checks_run_independently(jumin: LoadedLayout) -> None:
    v = verdict(jumin, {**GOOD, "dantai_code": "13101X7"})
    assert v == {"dantai_code": {"item.length", "item.charset", "item.type", "item.check_digit"}}


@given(CP932_TEXT)
def test_byte_lengths_are_the_encoded_lengths(s: str) -> None:
    assert value_length(s, _item("bytes", "cp932")) == len(s.encode("cp932"))
    assert value_length(s, _item("bytes", "utf-8")) == len(s.encode("utf-8"))
    assert value_length(s, _item("chars")) == len(s)


def test_an_unencodable_character_takes_a_gaiji_s_two_bytes() -> None:
    item = _item("bytes", "cp932")
    assert value_length("〜\ue000", item) == 4  # WAVE DASH (not cp932's ～) and a PUA 外字


def test_full_dates_and_days_the_calendar_lacks() -> None:
    assert full_date("2019-05-01") is not None and full_date("2019-02-29") is None
    assert full_date("令和元年5月1日") is None
    assert is_nonexistent(2019, 2, 29) and is_nonexistent(2024, 4, 31)
    assert (
        not is_nonexistent(2024, 2, 29)
        and not is_nonexistent(2019, 13, 1)
        and not is_nonexistent(2019, 2, 32)
    )
