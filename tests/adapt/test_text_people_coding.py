"""Text, name/address, code-map and check-digit transforms (edge cases + properties)."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.adapt.transforms.base import builtin_transforms
from chukan_layout.spec import checkdigits

T = builtin_transforms()


def run(ctx, name: str, args: dict, *cols: list[str]):
    c = ctx(len(cols[0]) if cols else 3)
    cls = T[name]
    out = cls(cls.Args(**args)).apply([pa.array(col, pa.string()) for col in cols], c)
    return out.to_pylist(), c


def test_trim_half_and_full_width_keeps_inner_space(ctx) -> None:
    out, _ = run(ctx, "trim", {}, ["ﾔﾏﾀﾞ ﾀﾛｳ   ", "　山田　太郎　　", "", "   ", "髙\u3000"])
    assert out == ["ﾔﾏﾀﾞ ﾀﾛｳ", "山田　太郎", "", "", "髙"]
    assert run(ctx, "trim", {"side": "right"}, [" a "])[0] == [" a"]


def test_pad_and_zfill(ctx) -> None:
    assert run(ctx, "pad", {"width": 5, "char": "0"}, ["123", "", "123456"])[0] == ["00123", "", "123456"]
    assert run(ctx, "pad", {"width": 3, "side": "right"}, ["a"])[0] == ["a  "]
    assert run(ctx, "zfill", {"width": 4}, ["12", "-12", "", "12345"])[0] == ["0012", "-012", "", "12345"]


def test_number_normalisation(ctx) -> None:
    out, _ = run(ctx, "number", {}, ["0001200", "-000.50", "+7", "000", "-0", "", "12a", " 42"])
    assert out == ["1200", "-0.50", "7", "0", "0", "", "12a", "42"]


def test_slice_replace_const_default(ctx) -> None:
    assert run(ctx, "slice", {"start": 0, "stop": 3}, ["1310001", "1"])[0] == ["131", "1"]
    assert run(ctx, "replace", {"old": "－", "new": "-"}, ["1－2－3"])[0] == ["1-2-3"]
    assert run(ctx, "replace", {"old": "^0+", "regex": True}, ["0012"])[0] == ["12"]
    c = ctx(2)
    assert T["const"](T["const"].Args(value="131016")).apply([], c).to_pylist() == ["131016", "131016"]
    assert run(ctx, "default", {"value": "0"}, ["", "1"])[0] == ["0", "1"]


def test_join_and_split(ctx) -> None:
    out, _ = run(ctx, "join", {"sep": "　"}, ["東京都", "x", "", ""], ["千代田", "", "y", ""])
    assert out == ["東京都　千代田", "x", "y", ""]
    assert run(ctx, "join", {"sep": "-", "skip_blank": False}, ["a", ""], ["", "b"])[0] == ["a-", "-b"]
    assert run(ctx, "split", {"sep": "-", "part": 1}, ["1-2-3", "123", ""])[0] == ["2-3", "", ""]
    assert run(ctx, "split", {"sep": "-", "part": 0}, ["1-2-3", "123", ""])[0] == ["1", "123", ""]


def test_name_split_join(ctx) -> None:
    names = ["山田　太郎", "髙橋", "", "ｶｻﾊﾗ ｺｳｲﾁ", "\ue000田　花子　二世"]
    assert run(ctx, "name_split", {"part": "sei"}, names)[0] == ["山田", "髙橋", "", "ｶｻﾊﾗ ｺｳｲﾁ", "\ue000田"]
    assert run(ctx, "name_split", {"part": "mei"}, names)[0] == ["太郎", "", "", "", "花子　二世"]
    assert run(ctx, "name_split", {"part": "mei", "sep": " "}, ["ｶｻﾊﾗ ｺｳｲﾁ"])[0] == ["ｺｳｲﾁ"]
    out, _ = run(ctx, "name_join", {}, ["山田", "髙橋", ""], ["太郎", "", "花子"])
    assert out == ["山田　太郎", "髙橋", "花子"]


@given(st.lists(st.tuples(st.text(alphabet="山田髙﨑ｱ\ue000", min_size=1, max_size=4),
                          st.text(alphabet="太郎花子", max_size=4)), max_size=10))  # fmt: skip
def test_name_join_then_split_roundtrip(pairs) -> None:
    from chukan_layout.adapt.transforms.base import Context
    from chukan_layout.findings import FindingSet

    c = Context("f", "l", "i", pa.array(range(len(pairs)), pa.int64()), FindingSet())
    sei, mei = pa.array([p[0] for p in pairs], pa.string()), pa.array([p[1] for p in pairs], pa.string())
    full = T["name_join"](T["name_join"].Args()).apply([sei, mei], c)
    assert T["name_split"](T["name_split"].Args(part="sei")).apply([full], c).to_pylist() == sei.to_pylist()
    assert T["name_split"](T["name_split"].Args(part="mei")).apply([full], c).to_pylist() == mei.to_pylist()


def test_address_assembly(ctx) -> None:
    out, _ = run(
        ctx,
        "address",
        {},
        ["東京都千代田区千代田", "大阪市", ""],
        ["１－１", "", ""],
        ["ハイツ１０１", "", "x"],
    )
    assert out == ["東京都千代田区千代田１－１　ハイツ１０１", "大阪市", "x"]
    assert run(ctx, "address", {"building_parts": 0}, ["a"], ["b"])[0] == ["ab"]


def test_small_kana_flag_never_changes_the_value(ctx) -> None:
    vals = ["ｷﾖｳｺ", "ｷｮｳｺ", "ｼﾞﾕﾝ", "ﾔﾏﾀﾞ", "キヨシ", ""]
    out, c = run(ctx, "small_kana_flag", {"report": True}, vals)
    assert out == vals
    assert sorted(s.record for s in c.findings.samples[("adapt.small_kana", "f.dat", "item")]) == [1, 3, 5]


def test_code_map_unmapped_is_kept_and_reported(ctx) -> None:
    out, c = run(ctx, "map", {"table": {"1": "1", "9": "0"}}, ["1", "9", "7", "", "7"])
    assert out == ["1", "0", "7", "", "7"]
    key = ("adapt.unmapped_code", "f.dat", "item")
    assert c.findings.counts[key] == 2
    assert [(s.record, s.value) for s in c.findings.samples[key]] == [(3, "7"), (5, "7")]


def test_code_map_default_and_blank_key(ctx) -> None:
    out, c = run(ctx, "map", {"table": {"1": "1", "": "0"}, "default": "9"}, ["1", "", "5"])
    assert out == ["1", "0", "9"] and c.findings.total() == 0


@pytest.mark.parametrize(
    ("alg", "base", "full"),
    [("atena_mod11", "000000123", "0000001236"), ("dantai_code", "13101", "131016"), ("dantai_code", "01100", "011002"),
     ("kojin_bango", "12345678901", "123456789018"), ("hojin_bango", "000012050002", "7000012050002"),
     ("hokenja_bango", "3312001", "33120015")],
)  # fmt: skip
def test_check_digit_append_and_verify(ctx, alg: str, base: str, full: str) -> None:
    assert run(ctx, "check_digit", {"algorithm": alg, "mode": "append"}, [base])[0] == [full]
    out, c = run(ctx, "check_digit", {"algorithm": alg, "mode": "verify"}, [full, ""])
    assert out == [full, ""] and c.findings.total() == 0


def test_check_digit_failures_are_findings(ctx) -> None:
    out, c = run(ctx, "check_digit", {"algorithm": "dantai_code"}, ["131017", "13101", "1310a6", "131016"])
    assert out == ["131017", "13101", "1310a6", "131016"]
    assert [s.record for s in c.findings.samples[("adapt.check_digit", "f.dat", "item")]] == [1, 2, 3]


@given(st.lists(st.text(alphabet="0123456789", min_size=1, max_size=14), min_size=1, max_size=12))
def test_atena_append_agrees_with_reference(bases: list[str]) -> None:
    from chukan_layout.adapt.transforms.base import Context
    from chukan_layout.findings import FindingSet

    c = Context("f", "l", "i", pa.array(range(len(bases)), pa.int64()), FindingSet())
    t = T["check_digit"](T["check_digit"].Args(algorithm="atena_mod11", mode="append"))
    out = t.apply([pa.array(bases)], c).to_pylist()
    assert out == [checkdigits.make_valid("atena_mod11", b) for b in bases]
    v = T["check_digit"](T["check_digit"].Args(algorithm="atena_mod11", mode="verify"))
    v.apply([pa.array(out)], c)
    assert c.findings.total() == 0


def test_every_transform_documents_an_example() -> None:
    for name, cls in T.items():
        doc = cls.__doc__ or ""
        assert "Example" in doc, name
        assert cls.summary(), name
