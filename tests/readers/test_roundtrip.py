"""Round trips render → read for every field type: cp932, EBCDIC (IBM930) and CSV."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.readers import read, render_csv, render_fixed
from chukan_layout.readers.definition import CsvDefinition, FieldDef, FixedWidthDefinition, RecordType

from .strategies import decimal_string, same_number, text_values


def _definition(encoding: str, framing: str) -> FixedWidthDefinition:
    return FixedWidthDefinition(
        encoding=encoding,
        framing=framing,
        record_types=[
            RecordType(
                name="jumin",
                fields=[
                    FieldDef(name="kubun", start=1, length=1),
                    FieldDef(name="shimei", start=2, length=20, type="M", label="氏名"),
                    FieldDef(name="kana", start=22, length=12, label="カナ氏名"),
                    FieldDef(name="kanji", start=34, length=10, type="N"),
                    FieldDef(name="zoned", start=44, length=7, type="9"),
                    FieldDef(name="signed", start=51, length=7, type="S", scale=2),
                    FieldDef(name="packed", start=58, length=5, type="P", scale=2),
                    FieldDef(name="binary", start=63, length=4, type="B"),
                    FieldDef(name="ubin", start=67, length=2, type="B", signed=False, scale=1),
                ],
            )
        ],
    )


def _rows(encoding: str) -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries(
        {
            "shimei": text_values(encoding, 20, "M"),
            "kana": text_values(encoding, 12),
            "kanji": text_values(encoding, 10, "N"),
            "zoned": st.integers(0, 9_999_999).map(str),
            "signed": st.integers(-99_999, 99_999).map(lambda v: decimal_string(v, 2)),
            "packed": st.integers(-9_999_999, 9_999_999).map(lambda v: decimal_string(v, 2)),
            "binary": st.integers(-(2**31), 2**31 - 1).map(str),
            "ubin": st.integers(0, 65535).map(lambda v: decimal_string(v, 1)),
        }
    )


def _check(d: FixedWidthDefinition, rows: list[dict[str, str]], batch_size: int) -> None:
    cols = {k: [r[k] for r in rows] for k in rows[0]}
    data = render_fixed(d, "jumin", cols)
    reader = read(io.BytesIO(data), d, batch_size=batch_size)
    got = [r for b in reader for r in b.to_pylist()]
    assert reader.rejects == []
    assert [r["_record"] for r in got] == list(range(1, len(rows) + 1))
    for want, row in zip(rows, got, strict=True):
        assert row["shimei"].rstrip(" ") == want["shimei"]
        assert row["kana"].rstrip(" ") == want["kana"]
        assert row["kanji"].rstrip("\u3000 ") == want["kanji"]
        assert same_number(row["zoned"], want["zoned"]) and len(row["zoned"]) == 7  # zoned keeps every digit
        assert same_number(row["signed"], want["signed"])
        assert (
            row["packed"] == want["packed"]
            and row["binary"] == want["binary"]
            and row["ubin"] == want["ubin"]
        )


@pytest.mark.parametrize("framing", ["fixed", "crlf", "lf", "rdw", "vb"])
@given(rows=st.lists(_rows("cp932"), min_size=1, max_size=12), batch=st.integers(1, 5))
def test_cp932_round_trip(framing: str, rows: list[dict[str, str]], batch: int) -> None:
    _check(_definition("cp932", framing), rows, batch)


@pytest.mark.parametrize("encoding", ["ibm930", "ibm939", "euc_jp", "utf-8"])
@given(rows=st.lists(_rows("ibm930"), min_size=1, max_size=8))
def test_other_codecs_round_trip(encoding: str, rows: list[dict[str, str]]) -> None:
    d = _definition(encoding, "fixed")
    rows = [r for r in rows if all(_fits(d, k, v) for k, v in r.items())] or [
        dict.fromkeys(rows[0], "")
        | {"zoned": "0", "signed": "0.00", "packed": "0.00", "binary": "0", "ubin": "0.0"}
    ]
    _check(d, rows, 3)


def _fits(d: FixedWidthDefinition, name: str, value: str) -> bool:
    from chukan_layout.readers.codecs import get_codec

    f = next(f for f in d.record_types[0].fields if f.name == name)
    if f.type not in ("X", "M", "N"):
        return True
    try:
        codec = get_codec(d.encoding)
        return (
            len(codec.encode(value, f.type)) <= f.length
            and codec.decode_bytes(codec.encode(value, f.type), f.type) == value
        )
    except (ValueError, UnicodeError):
        return False


@pytest.mark.parametrize("encoding", ["cp932", "utf-8", "utf-8-sig", "utf-16", "euc_jp"])
@given(
    rows=st.lists(
        st.tuples(
            st.text(st.sampled_from('0123456789,"\r\n 山田髙橋ｶﾞ'), max_size=8),
            st.text(st.sampled_from('ab,"\n 﨑①'), max_size=6),
        ),
        min_size=1,
        max_size=10,
    )
)
def test_csv_round_trip(encoding: str, rows: list[tuple[str, str]]) -> None:
    if encoding == "euc_jp":
        rows = [(a.replace("髙", ""), b.replace("①", "").replace("﨑", "")) for a, b in rows]  # not in EUC-JP
    d = CsvDefinition(encoding=encoding, columns=["bango", "shimei"])
    data = render_csv(d, {"bango": [a for a, _ in rows], "shimei": [b for _, b in rows]})
    reader = read(io.BytesIO(data), d, batch_size=3)
    got = [r for b in reader for r in b.to_pylist()]
    assert reader.rejects == []
    assert [(r["bango"], r["shimei"]) for r in got] == rows
    assert [r["_record"] for r in got] == list(range(2, len(rows) + 2))
    assert reader.headers[0]["_record"] == 1
