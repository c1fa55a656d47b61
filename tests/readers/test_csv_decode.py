"""The CSV fast path's own column decoding (readers.csv_decode) equals Arrow's transcoding route."""

from __future__ import annotations

import io

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.readers import dbcs
from chukan_layout.readers.api import read
from chukan_layout.readers.csv_decode import (
    PROBE_EVERY,
    SELF_DECODED,
    DecodeRoutes,
    decode_column,
    distinct_values,
)
from chukan_layout.readers.definition import CsvDefinition

from .strategies import roundtrip_chars


@pytest.fixture(scope="module", params=["kernel", "codec"], autouse=True)
def route(request: pytest.FixtureRequest) -> object:
    """Every test of this module twice: with the compiled cp932 kernel where it is built
    (readers/dbcs.py) and with Python's codec alone (its pure route, the same values)."""
    kept = dbcs._kernel
    if request.param == "codec":
        dbcs._kernel = None
    yield request.param
    dbcs._kernel = kept


# besides the reader pool (髙/﨑, ﾊﾝｶｸ with ﾞﾟ, 外字 in the PUA, 〜 vs ～): what CSV structure is made of
_EXTRA = '",\r\n\\~§×Ωд'


def _chars(enc: str) -> list[str]:
    return sorted(set(roundtrip_chars(enc)) | {c for c in _EXTRA if c.encode(enc, "ignore").decode(enc) == c})


def _values(enc: str) -> st.SearchStrategy[list[str]]:
    return st.lists(st.text(st.sampled_from(_chars(enc)), max_size=12), max_size=40)


@pytest.mark.parametrize("enc", sorted(SELF_DECODED))
@given(data=st.data())
def test_decode_column_equals_per_value_decode(enc: str, data: st.DataObject) -> None:
    values = data.draw(_values(enc))
    arr = pa.array([v.encode(enc) for v in values], pa.binary())
    sliced = data.draw(st.booleans()) and len(values) > 2
    if sliced:  # a slice of a longer array: offsets that do not start at 0
        arr, values = arr.slice(1, len(values) - 2), values[1:-1]
    out = decode_column(arr, enc)
    assert out.type == pa.string()
    assert out.to_pylist() == values
    out.validate(full=True)


def test_ascii_column_is_a_zero_copy_view() -> None:
    arr = pa.array([b"131016", b"", b"2025/04/01"], pa.binary())
    out = decode_column(arr, "cp932")
    assert out.to_pylist() == ["131016", "", "2025/04/01"]
    assert out.buffers()[2].address == arr.buffers()[2].address


@pytest.mark.parametrize("raw", [b"\x82", b"ab\x82", b"\x81\x20", b"\x85\x40"])
def test_undecodable_value_raises(raw: bytes) -> None:
    """A lead byte at a value's end (its trail byte was a quote or delimiter) or an unmapped pair."""
    with pytest.raises(UnicodeDecodeError):
        decode_column(pa.array([b"ok", "山田".encode("cp932") + raw, b"x"], pa.binary()), "cp932")


def test_nul_in_a_value_raises() -> None:
    with pytest.raises(ValueError):
        decode_column(pa.array(["山\x00田".encode("cp932")], pa.binary()), "cp932")


def _transcoded(data: bytes, names: list[str], enc: str) -> list[dict[str, str]]:
    """The former route: Arrow transcodes the whole stream, then parses UTF-8."""
    t = pacsv.read_csv(
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, encoding=enc),
        parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                             strings_can_be_null=False, quoted_strings_can_be_null=False),
    )  # fmt: skip
    return t.to_pylist()


@settings(max_examples=40, deadline=None)
@given(data=st.data(), enc=st.sampled_from(sorted(SELF_DECODED)))
def test_read_equals_transcoded_stream(data: st.DataObject, enc: str) -> None:
    """Whole files (quoted values with commas, quotes and line ends) read the same either way."""
    names = ["atena_no", "shimei", "biko"]
    rows = data.draw(
        st.lists(st.tuples(*[st.text(st.sampled_from(_chars(enc)), max_size=8)] * 3), max_size=30)
    )
    quote = lambda v: '"' + v.replace('"', '""') + '"'  # noqa: E731
    text = "\r\n".join(",".join(map(quote, r)) for r in [tuple(names), *rows]) + "\r\n"
    raw = text.encode(enc)
    batches = list(read(io.BytesIO(raw), CsvDefinition(encoding=enc), batch_size=7))
    got = [r for b in batches for r in b.select(names).to_pylist()]
    assert got == _transcoded(raw, names, enc) == [dict(zip(names, r, strict=True)) for r in rows]
    recs = np.concatenate([b.column("_record").to_numpy() for b in batches]) if batches else np.empty(0)
    assert recs.tolist() == list(range(2, len(rows) + 2))


def test_undecodable_record_is_rejected_by_the_careful_path() -> None:
    """The fast path stops at the batch holding bad bytes; the careful path rejects that record alone."""
    good = '"1","山田　太郎","髙橋"\r\n'.encode("cp932")
    bad = b'"2","\x82","x"\r\n'
    raw = '"a","b","c"\r\n'.encode("cp932") + good * 3 + bad + good * 2
    rejects: list[int] = []
    batches = list(
        read(io.BytesIO(raw), CsvDefinition(encoding="cp932"), on_reject=lambda r: rejects.append(r.record))
    )
    recs = [int(x) for b in batches for x in b.column("_record").to_pylist()]
    assert rejects == [5]
    assert recs == [2, 3, 4, 6, 7]
    assert {v for b in batches for v in b.column("b").to_pylist()} == {"山田　太郎"}


# bytes that stress a legacy decoder: ASCII, cp932 lead bytes (81–9F, E0–FC) and trail bytes,
# the single bytes cp932 maps oddly (80, A0, FD–FF), half-width kana (A1–DF), the user area
# (F0–F9 leads: 外字 F040–F9FC), EUC-JP's SS2/SS3 (8E, 8F) and its A1–FE range, and NUL
_BYTE = st.one_of(
    st.integers(0x20, 0x7E),
    st.integers(0x40, 0xFC),
    st.integers(0x81, 0x9F),
    st.integers(0xE0, 0xFC),
    st.sampled_from([0x00, 0x80, 0xA0, 0xFD, 0xFE, 0xFF, 0x8E, 0x8F, 0x5C, 0x7E]),
    st.integers(0xA1, 0xDF),
    st.integers(0xF0, 0xF9),
    st.integers(0xA1, 0xFE),
)
# whole characters too, so that long decodable values are drawn as often as broken ones
_PIECE = st.one_of(
    st.binary(max_size=3),
    st.lists(_BYTE, max_size=4).map(bytes),
    st.sampled_from([b"\xf0\x40", b"\xf9\xfc", b"\x81\x40", b"\x82\xa0", b"\x87\x40", b"\xfa\x40", b"\xed\x40",
                     b"\x88\x9f", b"\xb6\xde", b"\x8e\xb6", b"\x8f\xa1\xa1", b"\xa4\xa2", b"\x5c"]),
)  # fmt: skip
_RAW = st.lists(st.lists(_PIECE, max_size=6).map(b"".join), max_size=30)


def _reference(values: list[bytes], enc: str) -> list[str] | type[Exception]:
    """What decode_column must give: each value decoded alone by Python's codec, else its error.
    (A NUL is only looked for in a column that needs decoding: an ASCII column is a view of its
    bytes, and the reader's byte guard is what catches NUL bytes in a file.)"""
    try:
        out = [v.decode(enc) for v in values]
    except UnicodeDecodeError:
        return UnicodeDecodeError
    ascii_only = all(b < 0x80 for v in values for b in v)
    return ValueError if not ascii_only and any("\0" in v for v in out) else out


@pytest.mark.parametrize("enc", sorted(SELF_DECODED))
@settings(max_examples=300, deadline=None)
@given(values=_RAW, start=st.integers(0, 2))
def test_decode_column_equals_the_codec_on_random_bytes(enc: str, values: list[bytes], start: int) -> None:
    """Byte-exact to ``bytes.decode`` per value, errors included: undecodable bytes anywhere
    (a lead byte at a value's end, 0x80, 0xA0, 0xFD–0xFF, unmapped pairs) raise UnicodeDecodeError
    as the value alone does, a NUL raises ValueError, and nothing else changes."""
    arr = pa.array([b"x"] * start + values, pa.binary()).slice(start)
    want = _reference(values, enc)
    if isinstance(want, list):
        out = decode_column(arr, enc)
        out.validate(full=True)
        assert out.to_pylist() == want
    else:
        with pytest.raises(want):
            decode_column(arr, enc)


def _routes_decode(batches: list[pa.Array], enc: str) -> list[list[str]] | type[Exception]:
    routes = DecodeRoutes(enc)
    try:
        return [routes.decode(pa.RecordBatch.from_arrays([a], names=["c"]))[0].to_pylist() for a in batches]
    except (UnicodeDecodeError, ValueError) as e:
        return type(e)


@pytest.mark.parametrize("enc", sorted(SELF_DECODED))
@settings(max_examples=150, deadline=None)
@given(
    pool=_RAW.filter(bool), picks=st.lists(st.lists(st.integers(0, 29), max_size=40), min_size=1, max_size=20)
)
def test_decode_routes_equal_the_codec(enc: str, pool: list[bytes], picks: list[list[int]]) -> None:
    """Batches of a column drawn from a few values (repeats: the distinct values' route) or from
    many, over enough batches to be probed again: the values (and errors) of ``bytes.decode``."""
    batches = [[pool[i % len(pool)] for i in p] for p in picks]
    want: list[list[str]] | type[Exception] = []
    for b in batches:
        ref = _reference(b, enc)
        if not isinstance(ref, list):
            want = ref
            break
        assert isinstance(want, list)
        want.append(ref)
    assert _routes_decode([pa.array(b, pa.binary()) for b in batches], enc) == want


def test_decode_routes_learn_which_columns_repeat() -> None:
    """A column of one repeated value goes the distinct way; a column of distinct values is looked
    at again only every PROBE_EVERY batches; a mostly blank column never is."""
    pref = ["東京都".encode("cp932")] * 200
    names = [f"山田{i}".encode("cp932") for i in range(200)]
    sparse = [b""] * 199 + ["髙".encode("cp932")]
    routes = DecodeRoutes("cp932")
    for _ in range(PROBE_EVERY + 1):
        out = routes.decode(pa.RecordBatch.from_arrays([pa.array(c, pa.binary()) for c in (pref, names, sparse)],
                                                       names=["a", "b", "c"]))  # fmt: skip
        assert [o.to_pylist() for o in out] == [[v.decode("cp932") for v in c] for c in (pref, names, sparse)]
    assert routes._share[0][0] == 1 / 200 and routes._share[0][1] == PROBE_EVERY + 1
    assert routes._share[1] == (1.0, PROBE_EVERY + 1)  # probed on the first batch and again after PROBE_EVERY
    assert 2 not in routes._share


@pytest.mark.parametrize("enc", sorted(SELF_DECODED))
@settings(max_examples=80, deadline=None)
@given(
    data=st.data(),
    n=st.integers(2, 60),
    other=st.one_of(st.none(), st.integers(0, 59)),
    start=st.integers(0, 2),
)
def test_a_constant_column_is_decoded_once(enc: str, data: st.DataObject, n: int, other: int | None,
                                           start: int) -> None:  # fmt: skip
    """One value repeated (都道府県 of a town's addresses) is decoded once, and the later stages see it as
    the column's one distinct value; a column that differs in one row (same length) takes the other routes."""
    raw = data.draw(st.text(st.sampled_from(_chars(enc)), min_size=1, max_size=8)).encode(enc)
    values = [raw] * n
    if other is not None and other < n:
        values[other] = bytes(reversed(raw)) if len(raw) > 1 else b"#"
    want = _reference(values, enc)
    arr = pa.array([b"x"] * start + values, pa.binary()).slice(start)
    assert _routes_decode([arr], enc) == ([want] if isinstance(want, list) else want)
    if isinstance(want, list) and len(set(values)) == 1 and max(raw) >= 0x80:
        out = DecodeRoutes(enc).decode(pa.RecordBatch.from_arrays([arr], names=["c"]))[0]
        out.validate(full=True)
        d = distinct_values(out)
        assert d is not None and d[0].to_pylist() == [want[0]] and not d[1].any() and len(d[1]) == n


def test_a_constant_column_keeps_the_errors_of_its_value() -> None:
    """An undecodable or NUL-holding value repeated raises what the value alone raises."""
    for raw, err in ((b"\x81", UnicodeDecodeError), ("髙".encode("cp932") + b"\0", ValueError)):
        arr = pa.array([raw] * 5, pa.binary())
        with pytest.raises(err):
            DecodeRoutes("cp932").decode(pa.RecordBatch.from_arrays([arr], names=["c"]))


@pytest.mark.parametrize("enc", sorted(SELF_DECODED))
@settings(max_examples=150, deadline=None)
@given(values=_RAW.filter(bool), gaps=st.lists(st.integers(3, 12), min_size=1, max_size=30),
       start=st.integers(0, 2))  # fmt: skip
def test_a_mostly_empty_column_decodes_its_filled_values_alone(enc: str, values: list[bytes], gaps: list[int],
                                                               start: int) -> None:  # fmt: skip
    """A column ≥ SPARSE empty (国籍名等, 方書 …) decodes only its other values: the values and the errors of
    ``bytes.decode`` per value, blanks between, before and after them, on a slice too."""
    col: list[bytes] = []
    for i, v in enumerate(values):
        col += [b""] * gaps[i % len(gaps)] + [v]
    col += [b""] * gaps[0]
    want = _reference(col, enc)
    arr = pa.array([b"\x82"] * start + col, pa.binary()).slice(start)
    got = _routes_decode([arr], enc)
    assert got == ([want] if isinstance(want, list) else want)
    if isinstance(want, list):
        out = DecodeRoutes(enc).decode(pa.RecordBatch.from_arrays([arr], names=["c"]))[0]
        out.validate(full=True)
        assert out.type == pa.string()


def test_a_mostly_empty_column_goes_the_sparse_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the filled values reach the codec, an undecodable byte in one of them still raises, and a
    column a quarter filled or more is left to the other routes."""
    from chukan_layout.readers import csv_decode

    calls: list[int] = []
    real = csv_decode._decode_values

    def spy(arr: pa.Array, encoding: str) -> pa.Array:
        calls.append(len(arr))
        return real(arr, encoding)

    monkeypatch.setattr(csv_decode, "_decode_values", spy)
    sparse = [b""] * 97 + ["髙".encode("cp932"), "﨑".encode("cp932"), b"ab"]
    out = DecodeRoutes("cp932").decode(
        pa.RecordBatch.from_arrays([pa.array(sparse, pa.binary())], names=["c"])
    )
    assert out[0].to_pylist() == [v.decode("cp932") for v in sparse]
    assert calls == [3]
    with pytest.raises(UnicodeDecodeError):
        csv_decode._decode_sparse(pa.array([*sparse, b"\x82"], pa.binary()), "cp932")
    half = [b""] * 75 + ["髙".encode("cp932")] * 25
    assert csv_decode._decode_sparse(pa.array(half, pa.binary()), "cp932") is not None
    assert csv_decode._decode_sparse(pa.array([*half[1:], b"x"], pa.binary()), "cp932") is None
