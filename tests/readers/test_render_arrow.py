"""Arrow columns render to the same bytes as Python lists (the generator passes Arrow arrays)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.readers.codecs import get_codec
from chukan_layout.readers.definition import CsvDefinition, FieldType
from chukan_layout.readers.render import render_csv, text_matrix

# ASCII, half-width kana (1 byte in cp932), kanji incl. 髙/﨑 (NEC/IBM extensions), full-width forms
CP932_TEXT = st.text(alphabet="AZaz09 -,.ｱｲｳｶﾞﾊﾟｰ･髙﨑山田太郎　ア〜～①ー－\u00a5", max_size=12)
EBCDIC_TEXT = st.text(alphabet="AZ09 ｱｲｳﾞﾟ山田太郎髙　ア", max_size=10)


@settings(max_examples=120, deadline=None)
@given(st.lists(CP932_TEXT, max_size=25), st.sampled_from(["cp932", "utf-8"]))
def test_encode_array_matches_encode_column(values: list[str], name: str) -> None:
    codec = get_codec(name)
    try:
        expected = codec.encode_column(values, FieldType.TEXT)
    except ValueError as e:
        with pytest.raises(ValueError) as got:
            codec.encode_array(pa.array(values, pa.string()), FieldType.TEXT)
        assert str(got.value) == str(e)
        return
    data, offsets = codec.encode_array(pa.array(values, pa.string()), FieldType.TEXT)
    assert data.tobytes() == expected[0].tobytes() and offsets.tolist() == expected[1].tolist()


@settings(max_examples=80, deadline=None)
@given(st.lists(EBCDIC_TEXT, max_size=20), st.sampled_from([FieldType.MIXED, FieldType.TEXT]))
def test_ebcdic_encode_array_matches_encode_column(values: list[str], kind: FieldType) -> None:
    codec = get_codec("ibm930")
    data, offsets = codec.encode_array(pa.array(values, pa.string()).slice(0), kind)
    expected = codec.encode_column(values, kind)
    assert data.tobytes() == expected[0].tobytes() and offsets.tolist() == expected[1].tolist()


def test_sliced_chunked_and_null_columns() -> None:
    codec = get_codec("cp932")
    arr = pa.chunked_array([pa.array(["x", "髙橋"]), pa.array([None, "ﾀｶﾊｼ"])])
    data, offsets = codec.encode_array(arr, FieldType.TEXT)
    assert data.tobytes() == "x髙橋ﾀｶﾊｼ".encode("cp932") and offsets.tolist() == [0, 1, 5, 5, 9]
    data, offsets = codec.encode_array(pa.array(["a", "山", "b"]).slice(1), FieldType.TEXT)
    assert data.tobytes() == "山b".encode("cp932") and offsets.tolist() == [0, 2, 3]


def test_one_byte_outside_predicted_ranges_falls_back() -> None:
    codec = get_codec("cp932")
    values = ["a\u0080b", "山"]  # U+0080 is one byte in cp932
    data, offsets = codec.encode_array(pa.array(values), FieldType.TEXT)
    assert data.tobytes() == b"a\x80b" + "山".encode("cp932") and offsets.tolist() == [0, 3, 5]


def test_unencodable_value_names_its_row() -> None:
    with pytest.raises(ValueError, match=r"row 1: '𠮷田'.*U\+20BB7.*cp932"):
        get_codec("cp932").encode_array(pa.array(["山田", "𠮷田"]), FieldType.TEXT)
    with pytest.raises(ValueError, match=r"row 0: '𠮷'"):
        get_codec("ibm930").encode_array(pa.array(["𠮷"]), FieldType.MIXED)


def test_text_matrix_and_csv_from_arrow_equal_lists() -> None:
    values = ["髙橋　太郎", "", "ｻｷﾔﾏ", "﨑山"]
    for name in ("cp932", "ibm930"):
        codec = get_codec(name)
        a = text_matrix(
            codec,
            pa.array(values),
            FieldType.TEXT if name == "cp932" else FieldType.MIXED,
            14,
            "truncate",
            "f",
        )
        b = text_matrix(
            codec, values, FieldType.TEXT if name == "cp932" else FieldType.MIXED, 14, "truncate", "f"
        )
        assert np.array_equal(a, b)
    d = CsvDefinition(encoding="cp932", header=True, columns=["a", "b"])
    cols = {"a": ["1", '備考,"引用"'], "b": ["髙", "x\r\ny"]}
    assert render_csv(d, {k: pa.array(v) for k, v in cols.items()}) == render_csv(d, cols)
    with pytest.raises(ValueError, match="the field holds 4"):
        text_matrix(get_codec("cp932"), pa.array(["ok", "髙橋太郎"]), FieldType.TEXT, 4, "raise", "f")
