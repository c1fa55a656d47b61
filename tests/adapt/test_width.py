"""Width conversion: 半角カナ ↔ 全角カナ and ASCII ↔ 全角英数, by tables, never on kanji."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.adapt.transforms.width import (
    FULL_KANA,
    HALF_KANA,
    ascii_to_zenkaku,
    hankaku_to_zenkaku_kana,
    zenkaku_to_ascii,
    zenkaku_to_hankaku_kana,
)


def h2z(*vals: str) -> list[str]:
    return hankaku_to_zenkaku_kana(pa.array(list(vals))).to_pylist()


def test_dakuten_and_handakuten_compose() -> None:
    assert h2z("ﾔﾏﾀﾞ ﾀﾛｳ", "ﾊﾟｰｸ", "ｶﾞｯｺｳ", "ｳﾞｨｰﾅｽ", "ﾎﾟﾝﾋﾟﾝ") == [
        "ヤマダ タロウ",
        "パーク",
        "ガッコウ",
        "ヴィーナス",
        "ポンピン",
    ]


def test_lone_marks_become_spacing_marks_not_question_marks() -> None:
    # .NET StrConv turns a lone ﾞ into "?" (legacy-exports §3); we keep it visible as ゛/゜
    assert h2z("ﾞｱ", "ｱﾞ", "ﾏﾟ", "ﾊﾞﾞ", "ﾞ") == ["゛ア", "ア゛", "マ゜", "バ゛", "゛"]


def test_marks_never_compose_across_values() -> None:
    assert h2z("ｶ", "ﾞ", "ﾊ", "ﾟ") == ["カ", "゛", "ハ", "゜"]


def test_kanji_gaiji_ivs_and_fullwidth_untouched() -> None:
    vals = ["髙橋", "﨑", "\ue000太郎", "葛\U000e0100", "ヤマダ", "①㈱", "", "ｱ髙ｲ"]
    assert h2z(*vals) == ["髙橋", "﨑", "\ue000太郎", "葛\U000e0100", "ヤマダ", "①㈱", "", "ア髙イ"]


def test_sliced_and_null_inputs() -> None:
    arr = pa.array(["ﾊﾟ", None, "ﾀﾞ", "x"]).slice(1)
    assert hankaku_to_zenkaku_kana(arr).to_pylist() == ["", "ダ", "x"]


def test_table_covers_all_63_halfwidth_kana() -> None:
    assert h2z(HALF_KANA) == [FULL_KANA]
    assert zenkaku_to_hankaku_kana(pa.array([FULL_KANA])).to_pylist() == [HALF_KANA]


def test_zenkaku_to_hankaku_leaves_kana_without_halfwidth_form() -> None:
    assert zenkaku_to_hankaku_kana(pa.array(["ヶ月ヵヰヱ", "ガギ"])).to_pylist() == ["ヶ月ヵヰヱ", "ｶﾞｷﾞ"]


half_kana_text = st.text(alphabet=st.sampled_from([*list(HALF_KANA), " ", "髙", "A", "\ue001"]), max_size=12)


@given(st.lists(half_kana_text, max_size=8))
def test_roundtrip_half_to_full_to_half(values: list[str]) -> None:
    arr = pa.array(values, pa.string())
    assert zenkaku_to_hankaku_kana(hankaku_to_zenkaku_kana(arr)).to_pylist() == values


full_kana_text = st.text(
    alphabet=st.sampled_from(
        [c for c in FULL_KANA if c not in "゛゜"] + list("ガギグゲゴザジパピプペポヴ") + ["　", "山"]
    ),
    max_size=12,
)


@given(st.lists(full_kana_text, max_size=8))
def test_roundtrip_full_to_half_to_full(values: list[str]) -> None:
    arr = pa.array(values, pa.string())
    assert hankaku_to_zenkaku_kana(zenkaku_to_hankaku_kana(arr)).to_pylist() == values


def test_ascii_width_digits_letters_only_by_default() -> None:
    out = zenkaku_to_ascii(pa.array(["１２３ー４", "ＡＢｃ－", "髙橋　１", "ｱ"])).to_pylist()
    assert out == ["123ー4", "ABc－", "髙橋　1", "ｱ"]  # 長音, 全角ハイフン, U+3000 and 半角カナ kept
    assert zenkaku_to_ascii(pa.array(["１　Ｂ－"]), space=True, symbols=True).to_pylist() == ["1 B-"]


@given(st.lists(st.text(alphabet=st.sampled_from(list("0189AZaz ・山ｱ-")), max_size=10), max_size=6))
def test_ascii_roundtrip(values: list[str]) -> None:
    arr = pa.array(values, pa.string())
    wide = ascii_to_zenkaku(arr, symbols=True, space=True)
    assert all(not any(c.isascii() for c in v) for v in wide.to_pylist())
    assert zenkaku_to_ascii(wide, symbols=True, space=True).to_pylist() == values
