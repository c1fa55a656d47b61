"""Wide-record fast paths agree with the plain path: ASCII columns decoded without the codec, and
``trim`` (padding never decoded) equal to decoding everything and dropping the trailing spaces."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.readers import read
from chukan_layout.readers.codecs import get_codec
from chukan_layout.readers.definition import FieldDef, FieldType, FixedWidthDefinition
from chukan_layout.readers.fixed_width import decode_fields, trimmed_fields

# what a cp932 cell holds: ASCII, full-width (髙/﨑 are IBM extensions), half-width kana with ﾞﾟ,
# user-area 外字 (F040–F9FC), full-width spaces, and the bytes that make a cell bad
_PIECES = [
    b"A",
    b"0123",
    b"-",
    b" ",
    b"  ",
    "山田".encode("cp932"),
    "髙橋".encode("cp932"),
    "山﨑".encode("cp932"),
    "ﾊﾝｶｸ".encode("cp932"),
    "ｶﾞﾊﾟ".encode("cp932"),
    "　".encode("cp932"),
    "～".encode("cp932"),
    b"\xf0\x40",
    b"\xf9\xfc",
]
_BAD = [b"\x00", b"\x82", b"\x82 ", b"\x85\x40", b"\n", b"\xa0", b"\xfd"]


def _cell(width: int) -> st.SearchStrategy[bytes]:
    good = st.lists(st.sampled_from(_PIECES), max_size=8).map(b"".join)
    any_ = st.lists(st.sampled_from(_PIECES + _BAD), max_size=8).map(b"".join)
    return st.one_of(good, good, any_).map(lambda b: b[:width].ljust(width, b" "))


@st.composite
def _matrix(draw: st.DrawFn) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """A record matrix of several text fields (with a byte of other data between them)."""
    # cells narrower and wider than _python_codec.WORDS_MIN: both layouts of the trimmed decode
    widths = draw(st.lists(st.integers(1, 40), min_size=1, max_size=5))
    n = draw(st.integers(1, 12))
    ascii_only = draw(st.lists(st.booleans(), min_size=len(widths), max_size=len(widths)))
    rows = []
    for _ in range(n):
        parts = []
        for w, a in zip(widths, ascii_only, strict=True):
            cell = draw(st.text("AZ09 -\x00", max_size=w).map(str.encode) if a else _cell(w))
            parts.append(b"#" + cell.ljust(w, b" "))
        rows.append(b"".join(parts))
    spans, pos = [], 1
    for w in widths:
        spans.append((pos, pos + w))
        pos += w + 1
    return np.frombuffer(b"".join(rows), np.uint8).reshape(n, pos - 1), spans


def _good(strings: pa.Array, bad: np.ndarray) -> list[str]:
    return strings.filter(pa.array(~bad)).to_pylist()


@settings(max_examples=150, deadline=None)
@given(_matrix(), st.sampled_from(["cp932", "euc_jp", "utf-8"]))
def test_fast_paths_match_cell_by_cell(data: tuple[np.ndarray, list[tuple[int, int]]], enc: str) -> None:
    mat, spans = data
    codec = get_codec(enc)
    cols = [(mat[:, a:b], FieldType.TEXT) for a, b in spans]
    plain = [codec._decode_one(np.ascontiguousarray(c)) for c, _ in cols]  # type: ignore[attr-defined]
    full = codec.decode_columns(cols)
    trimmed = codec.decode_columns(cols, trim=True)
    for (ps, pbad, _), (fs, fbad, _), (ts, tbad, _) in zip(plain, full, trimmed, strict=True):
        assert fbad.tolist() == pbad.tolist() == tbad.tolist()
        want = _good(ps, pbad)  # bad cells are rejected by the reader: their values are never read
        assert _good(fs, fbad) == want
        assert _good(ts, tbad) == [v.rstrip(" ") for v in want]


@settings(max_examples=80, deadline=None)
@given(_matrix(), st.sampled_from(["cp932", "euc_jp", "utf-8"]), st.booleans())
def test_decode_fields_trim_matches_the_full_width(
    data: tuple[np.ndarray, list[tuple[int, int]]], enc: str, blank_tail: bool
) -> None:
    """The record matrix cut after the last column holding text in some record (and the ASCII
    columns decoded together): same bad rows, same values as decoding every byte and trimming."""
    mat, spans = data
    if blank_tail:  # whole columns of padding at the end of the fields, as in wide vendor records
        mat = np.concatenate([mat, np.full((mat.shape[0], 9), 0x20, np.uint8)], axis=1)
        spans[-1] = (spans[-1][0], spans[-1][1] + 9)
    fields = [FieldDef(name=f"F{k}", start=a + 1, length=b - a) for k, (a, b) in enumerate(spans)]
    full, fbad, freasons = decode_fields(fields, mat, enc)
    trimmed, tbad, treasons = decode_fields(fields, mat, enc, frozenset(f.name for f in fields))
    assert tbad.tolist() == fbad.tolist() and treasons == freasons
    keep = pa.array(~fbad)
    for fc, tc in zip(full, trimmed, strict=True):
        assert tc.type == pa.string() and len(tc) == len(fc)
        assert tc.filter(keep).to_pylist() == [v.rstrip(" ") for v in fc.filter(keep).to_pylist()]


@settings(max_examples=40, deadline=None)
@given(_matrix())
def test_ebcdic_trim_is_rtrim_of_decoded(data: tuple[np.ndarray, list[tuple[int, int]]]) -> None:
    mat, spans = data
    codec = get_codec("ibm930")
    cols = [(mat[:, a:b], FieldType.MIXED) for a, b in spans]
    for (fs, fbad, _), (ts, tbad, _) in zip(
        codec.decode_columns(cols), codec.decode_columns(cols, trim=True), strict=True
    ):
        assert fbad.tolist() == tbad.tolist()
        assert _good(ts, tbad) == [v.rstrip(" ") for v in _good(fs, fbad)]


def test_ascii_bytes_decode_as_themselves() -> None:
    """The premise of the ASCII path: bytes 0x00–0x7F are the same code points in these codecs."""
    raw = bytes(range(128))
    for enc in ("cp932", "euc_jp", "utf-8"):
        assert raw.decode(get_codec(enc).py_name) == raw.decode("ascii")  # type: ignore[attr-defined]


def _definition() -> FixedWidthDefinition:
    return FixedWidthDefinition.model_validate(
        {
            "encoding": "cp932",
            "framing": "crlf",
            "record_type_field": {"start": 1, "length": 1},
            "record_types": [
                {"name": "H", "match": "1", "role": "header", "fields": [
                    {"name": "KUBUN", "start": 1, "length": 1}, {"name": "NAME", "start": 2, "length": 9}]},
                {"name": "D", "match": "2", "role": "data", "fields": [
                    {"name": "KUBUN", "start": 1, "length": 1}, {"name": "SHIMEI", "start": 2, "length": 6},
                    {"name": "GAKU", "start": 8, "length": 3}]},
                {"name": "T", "match": "8", "role": "trailer", "control": {"count": "KENSU", "totals": {"GOKEI": "GAKU"}},
                 "fields": [{"name": "KUBUN", "start": 1, "length": 1}, {"name": "KENSU", "start": 2, "length": 3},
                            {"name": "GOKEI", "start": 5, "length": 6}]},
            ],
        }
    )  # fmt: skip


def test_read_trim_padding(tmp_path) -> None:  # type: ignore[no-untyped-def]
    d = _definition()
    assert trimmed_fields(d) == {"D": frozenset({"KUBUN", "SHIMEI"})}  # GAKU is summed by the trailer
    recs = [b"1TOWN     ", b"2" + "髙橋".encode("cp932") + b"  12 ", b"2\xf0\x40    7  ", b"8002000019"]
    p = tmp_path / "X.DAT"
    p.write_bytes(b"".join(r.ljust(10, b" ") + b"\r\n" for r in recs))
    plain, trimmed = read(p, d), read(p, d, trim_padding=True)
    a, b = plain.read_all()[0], trimmed.read_all()[0]
    assert a.column("SHIMEI").to_pylist() == ["髙橋  ", "\ue000    "]
    assert b.column("SHIMEI").to_pylist() == ["髙橋", "\ue000"]
    assert b.column("GAKU").to_pylist() == a.column("GAKU").to_pylist() == ["12 ", "7  "]
    assert plain.headers == trimmed.headers and plain.headers[0]["NAME"] == "TOWN     "


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.binary(min_size=6, max_size=6), min_size=1, max_size=10),
    st.sampled_from(["ibm930", "ibm939"]),
)
def test_ebcdic_without_shift_out_matches_the_mixed_path(rows: list[bytes], enc: str) -> None:
    """A column without SO takes a one-lookup path; it agrees with the shift-state path."""
    cells = np.frombuffer(b"".join(r.replace(b"\x0e", b"\x40") for r in rows), np.uint8).reshape(len(rows), 6)
    codec = get_codec(enc)
    fast, fbad, _ = codec._decode_no_shift(cells)  # type: ignore[attr-defined]
    slow, sbad, _ = codec._decode_mixed(cells)  # type: ignore[attr-defined]
    assert fbad.tolist() == sbad.tolist() and fast.equals(slow)
