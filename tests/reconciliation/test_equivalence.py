"""Equivalences: what each accepts, what it must not accept, and that the totals see them."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.reconciliation.equivalence import Equivalences, Evidence, date_key, fold_kana

ALL = Equivalences(("trailing_blanks", "kana_width", "date_notation"))


def test_kana_width_folds_voiced_marks_and_nothing_else() -> None:
    assert fold_kana("ｶﾞｯｺｳ ﾊﾟﾝ") == "ガッコウ パン"
    assert fold_kana("髙﨑　〜") == "髙﨑　〜"  # names and 〜 vs ～ untouched
    assert ALL.classify("ﾔﾏﾀﾞ", "ヤマダ", "shimei_kana", False, ()) == "kana_width"
    assert Equivalences().classify("ﾔﾏﾀﾞ", "ヤマダ", "shimei_kana", False, ()) is None  # off by default


def test_date_notation_only_for_date_items_and_the_same_day() -> None:
    assert date_key("2019/04/30") == date_key("平成31年4月30日") == date_key("20190430") == "2019-04-30"
    assert date_key("昭和64年1月7日") == "1989-01-07"
    assert ALL.classify("2019-05-01", "令和元年5月1日", "ido_ymd", True, ()) == "date_notation"
    assert (
        ALL.classify("2019-05-01", "令和2年5月1日", "ido_ymd", True, ()) is None
    )  # an era error is a difference
    assert ALL.classify("2019-05-01", "2019/05/01", "biko", False, ()) is None  # not a date item


def test_gaiji_evidence_applies_only_at_the_recorded_record_and_position() -> None:
    ev = Equivalences(evidence={("juki_jumin.csv", 7, "shimei"): [Evidence(1, "辻", "degraded")]})
    old, new = "辻\U000e0100　花子", "辻　花子"
    assert ev.classify(old, new, "shimei", False, (("juki_jumin.csv", 7),)) == "gaiji_degraded"
    assert ev.classify(old, new, "shimei", False, (("juki_jumin.csv", 8),)) is None  # other record
    assert ev.classify(old, new, "shi", False, (("juki_jumin.csv", 7),)) is None  # other item
    assert (
        ev.classify("花子辻\U000e0100", "花子辻", "shimei", False, (("juki_jumin.csv", 7),)) is None
    )  # other position


def test_code_map_wildcard_and_item() -> None:
    eq = Equivalences(code_map={"*": {"1": "01"}, "seibetsu": {"1": "M"}})
    assert eq.classify("1", "M", "seibetsu", False, ()) == "code_map"
    assert eq.classify("1", "01", "seibetsu", False, ()) is None  # the item's own map wins
    assert eq.classify("1", "01", "zokugara_code_1", False, ()) == "code_map"
    col = eq.normalize_column(pa.array(["1", "2", "1 "]), "seibetsu", False, "old")
    assert col.to_pylist() == ["M", "2", "M"]
    assert eq.normalize_column(pa.array(["1"]), "seibetsu", False, "new").to_pylist() == ["1"]


@given(st.text(alphabet="アイウ漢字髙﨑ｱｲ ", max_size=8), st.sampled_from([" ", "\u3000", "  \u3000"]))
def test_trailing_blanks_are_an_equivalence_and_other_edits_are_not(value: str, pad: str) -> None:
    eq = Equivalences()
    assert eq.classify(value, value + pad, "shimei", False, ()) == "trailing_blanks"
    assert Equivalences(()).classify(value, value + pad, "shimei", False, ()) is None
    if value.strip(" \u3000"):
        assert eq.classify(value, "x" + value, "shimei", False, ()) is None
