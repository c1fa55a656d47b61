"""The compiled CSV parse (readers/_csvparse.c through readers/csvparse.py) equals Arrow's parse.

Arrow's route (``pyarrow.csv.open_csv`` with the fast path's options, ``binary`` columns) is the
reference: wherever the kernel reads a stream, its batches hold the same values as Arrow's; the
kernel refuses (hands the stream to Arrow's route at a record boundary) on anything Arrow's route
must decide; and a whole ``read`` gives the same records, rejects and counts with it and without.
"""

from __future__ import annotations

import io
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.readers import csvparse
from chukan_layout.readers.api import read
from chukan_layout.readers.definition import CsvDefinition
from tests.kernels import require_kernel


@pytest.fixture(scope="module")
def kernel() -> object:
    """The kernel must be built on CI (its machine has a compiler); elsewhere a machine without a
    C compiler installs Arrow's route only, which the reader tests run on their own."""
    return require_kernel("chukan_layout.readers._csvparse")


# Japanese values as cp932 and as UTF-8 bytes (髙/﨑, ﾊﾟ, 〜, a PUA 外字 U+E000 in cp932's user rows)
_TEXT = ["髙橋", "山﨑", "ﾊﾟﾝ", "東京都〜１", "\ue000", "a", "12", ""]
_VALUES = [t.encode(e) for t in _TEXT for e in ("cp932", "utf-8")] + [
    b'a"b',
    b"a,b",
    b"x\r\ny",
    b"\n",
    b"\r",
    b'""',
]


def _field(value: bytes, quoted: bool) -> bytes:
    return b'"' + value.replace(b'"', b'""') + b'"' if quoted else value


@st.composite
def _csv(draw: Any, faults: bool) -> tuple[bytes, int]:
    """Records of ``ncols`` fields; with ``faults``, also ragged rows, stray quotes, lone CRs, NULs,
    empty lines and a cut at the end."""
    ncols = draw(st.integers(1, 4))
    out = []
    for _ in range(draw(st.integers(0, 12))):
        n = ncols + (draw(st.sampled_from([0, 0, 0, -1, 1])) if faults else 0)
        fields = []
        for _ in range(max(n, 0)):
            v = draw(st.sampled_from(_VALUES))
            plain = not any(b in v for b in (b'"', b",", b"\r", b"\n"))
            fields.append(_field(v, draw(st.booleans()) or not plain or (ncols == 1 and not v)))
        out.append(b",".join(fields) + draw(st.sampled_from([b"\r\n", b"\n"])))
    if faults:
        for _ in range(draw(st.integers(0, 2))):
            i = draw(st.integers(0, len(out)))
            out.insert(
                i, draw(st.sampled_from([b"\n", b"\r\n", b"\r", b'a"b\n', b'"a"b\n', b"\x00\n", b'"open']))
            )
    data = b"".join(out)
    if faults and draw(st.booleans()):
        data = data[: len(data) - draw(st.integers(0, min(3, len(data))))]  # cut anywhere near the end
    elif draw(st.booleans()):
        data = data.removesuffix(b"\r\n").removesuffix(b"\n")  # no final line end
    return data, ncols


def _arrow(data: bytes, ncols: int) -> pa.Table | None:
    """Arrow's parse with the fast path's options (csv_reader._fast), or None where it fails (no
    bytes: no records, where Arrow finds an "empty CSV file" and the reader then none either)."""
    names = [f"c{i}" for i in range(ncols)]
    if not data:
        return pa.table({n: pa.array([], pa.binary()) for n in names})
    try:
        return pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names, encoding="utf8", use_threads=False),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.binary() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )  # fmt: skip
    except pa.ArrowInvalid:
        return None


def _kernel(
    data: bytes, ncols: int, batch_bytes: int = 1 << 20, strict: bool = False
) -> tuple[pa.Table, Any]:
    names = [f"c{i}" for i in range(ncols)]
    parsed = csvparse.ParsedBatches(io.BytesIO(data), names, 0, ",", '"', 1 << 20, batch_bytes, strict)
    batches = list(parsed)
    for b in batches:
        b.validate(full=True)
        assert all(c.type == pa.binary() for c in b.columns)
    empty = pa.schema([(n, pa.binary()) for n in names])
    return pa.Table.from_batches(batches, schema=empty), parsed.handoff


@settings(max_examples=300, deadline=None)
@given(_csv(faults=True), st.sampled_from([7, 64, 1 << 20]))
def test_what_the_kernel_reads_arrow_reads_the_same(
    kernel: None, case: tuple[bytes, int], batch_bytes: int
) -> None:
    """Every record the kernel gives has Arrow's values: all of them, or up to where it hands over
    (a record boundary: Arrow's parse of the bytes before it)."""
    data, ncols = case
    got, handoff = _kernel(data, ncols, batch_bytes)
    whole = _arrow(data, ncols)
    if handoff is None:
        assert whole is not None and got.equals(whole.combine_chunks())
    else:
        assert 0 <= handoff <= len(data)
        head = _arrow(data[:handoff], ncols)
        assert head is not None and got.equals(head.combine_chunks())


@settings(max_examples=200, deadline=None)
@given(_csv(faults=False), st.sampled_from([7, 100, 1 << 20]))
def test_well_formed_csv_is_read_whole_by_the_kernel(
    kernel: None, case: tuple[bytes, int], batch_bytes: int
) -> None:
    """No refusal where nothing is odd (quoted line ends and quotes, empty fields, cp932 and UTF-8
    text, LF or CRLF, a missing final line end): the kernel is the route, not an exception."""
    data, ncols = case
    got, handoff = _kernel(data, ncols, batch_bytes)
    whole = _arrow(data, ncols)
    assert whole is not None
    assert handoff is None
    assert got.equals(whole.combine_chunks())


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b'"1","2"\n"3"\n', "a record with fewer fields"),
        (b'"1","2"\n"3","4","5"\n', "a record with more fields"),
        (b'"1","2"\na"b,c\n', "a quote inside an unquoted field"),
        (b'"1","2"\n"a"b,c\n', "a closing quote followed by a byte"),
        (b'"1","2"\r"3","4"\n', "a lone CR outside quotes"),
        (b'"1","2"\n\n"3","4"\n', "an empty line"),
        (b'"1","2"\r\n\r\n', "an empty CRLF line"),
        (b'"1","\x00"\n', "a NUL"),
        (b'"1","2\n', "the file ends inside a quote"),
        (b'"1","2"\r', "a CR at the end of the file"),
        (b"\xef\xbb\xbf1,2\n", "a byte-order mark at the start (Arrow drops it)"),
    ],
)
def test_odd_input_is_handed_to_arrow(kernel: None, data: bytes, why: str) -> None:
    full = data if data.startswith(b"\xef") else b'"a","b"\n' * 3 + data
    got, handoff = _kernel(full, 2, batch_bytes=16)
    assert handoff is not None, why
    assert got.equals(_arrow(full[:handoff], 2).combine_chunks())  # type: ignore[union-attr]


def test_strict_lines_refuse_an_empty_line_inside_quotes(kernel: None) -> None:
    """With the byte guard on, ``\\n\\n`` anywhere trips it: the kernel hands over there too."""
    data = b'"a","b\n\nc"\n'
    assert _kernel(data, 2)[1] is None
    assert _kernel(data, 2, strict=True)[1] == 0


def test_a_long_record_and_a_column_that_outgrows_its_buffer(kernel: None) -> None:
    """A record longer than a read (the read grows) and one value far above its column's usual share
    (its buffer grows): still read. A record longer than ``max_record`` is Arrow's route's."""
    data = b'"1","x"\n' * 500 + b'"2","' + "髙".encode("cp932") * 5000 + b'"\n' + b'"3",""\n' * 50
    got, handoff = _kernel(data, 2, batch_bytes=4096)
    assert handoff is None and got.equals(_arrow(data, 2).combine_chunks())  # type: ignore[union-attr]
    for batch_bytes, handoff in ((64, 4000), (1 << 20, 0)):  # the start of the read that holds it
        parsed = csvparse.ParsedBatches(
            io.BytesIO(data), ["c0", "c1"], 0, ",", '"', 1 << 20, batch_bytes, False, 9000
        )
        got = pa.Table.from_batches(
            list(parsed), schema=pa.schema([("c0", pa.binary()), ("c1", pa.binary())])
        )
        assert parsed.handoff == handoff and got.equals(_arrow(data[:handoff], 2).combine_chunks())  # type: ignore[union-attr]


D = CsvDefinition(encoding="cp932", header=True)
_ROWS = ['"1","髙橋 ﾀﾛｳ","東京都葛飾区〜１"\r\n', '"2","山﨑","a,b"\r\n', '"3","","x""y"\n']


def _outcome(data: bytes, on: bool, guard: bool = True, batch_bytes: int | None = None, batch_size: int = 3
             ) -> tuple[Any, ...]:  # fmt: skip
    mp = pytest.MonkeyPatch()
    if not on:
        mp.setattr(csvparse, "_kernel", None)
    try:
        r = read(io.BytesIO(data), D, batch_size=batch_size, csv_guard=guard, batch_bytes=batch_bytes)
        rows = [(row["_record"], tuple(v for k, v in row.items() if not k.startswith("_")))
                for b in r for row in b.to_pylist()]  # fmt: skip
        rejects = [(j.record, j.offset, j.raw, j.code, j.reason) for j in r.rejects]
        s = r.stats
        return rows, rejects, (s.records_seen, s.records_yielded, s.records_rejected, s.control_records)
    finally:
        mp.undo()


_BAD = [
    b'"4","\x81\x7f",""\r\n',
    b'"5",""\r\n',
    b"\r\n",
    b'"6","a"b",""\r\n',
    b'"7","\x00",""\r\n',
    b'"8","a\r"\r',
]


@settings(max_examples=120, deadline=None)
@given(
    st.lists(st.sampled_from([r.encode("cp932") for r in _ROWS] + _BAD), max_size=40),
    st.booleans(),
    st.sampled_from([None, 60, 300]),
)
def test_a_read_is_the_same_with_the_kernel_and_without(kernel: None, rows: list[bytes], guard: bool,
                                                        batch_bytes: int | None) -> None:  # fmt: skip
    """Records (values and numbers), rejects (record, byte offset, raw bytes, reason) and counts of a
    cp932 read, bad records included (undecodable, ragged, stray quote, NUL, lone CR, empty line)."""
    data = '"番号","氏名","住所"\r\n'.encode("cp932") + b"".join(rows)
    if not guard and any(b in data for b in _BAD[2:]):
        return  # csv_guard=False is for bytes a split scan proved clean
    assert _outcome(data, True, guard, batch_bytes) == _outcome(data, False, guard, batch_bytes)


def test_a_clean_read_never_opens_arrow(kernel: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Clean cp932 bytes, header and several batches: the kernel reads them all (Arrow's reader is not opened)."""
    data = '"番号","氏名","住所"\r\n'.encode("cp932") + b"".join(r.encode("cp932") for r in _ROWS) * 40
    expected = _outcome(data, False, batch_bytes=200)

    def no_arrow(*a: object, **k: object) -> object:
        raise AssertionError("Arrow's reader opened on clean bytes")

    monkeypatch.setattr(pacsv, "open_csv", no_arrow)
    assert _outcome(data, True, batch_bytes=200) == expected
    assert len(expected[0]) == 120


def test_an_empty_line_right_at_the_handoff_is_seen_by_the_guard(kernel: None) -> None:
    """A read that ends exactly after a record (header + 8 rows of 16 bytes in a read of 8 + 1 rows'
    bytes), the next one starting with an empty line: the kernel hands over there, and the byte guard
    sees the empty line through the bytes before the edge (``ByteGuard(after=...)``)."""
    row = '"1","髙橋","x"\r\n'.encode("cp932")
    head = b'"n","name","x"\r\n'
    assert len(row) == len(head) == 16
    data = head + row * 8 + b"\r\n" + row * 3
    on = _outcome(data, True, batch_bytes=8 * 16, batch_size=100)
    assert on == _outcome(data, False, batch_bytes=8 * 16, batch_size=100)
    assert [(r[0], r[1], r[3]) for r in on[1]] == [(10, 9 * 16, "read.csv_structure")]


def test_a_header_longer_than_a_read(kernel: None) -> None:
    """The read grows until the header's line ends in it (then the kernel reads the records)."""
    data = (
        ",".join(f'"列{i}"' for i in range(3)).encode("cp932")
        + b" " * 100
        + b"\r\n"
        + _ROWS[0].encode("cp932") * 5
    )
    names = ["a", "b", "c"]
    parsed = csvparse.ParsedBatches(io.BytesIO(data), names, 1, ",", '"', 100, 40, False)
    got = pa.Table.from_batches(list(parsed))
    assert parsed.handoff is None and parsed.header_left == 0 and got.num_rows == 5


def test_a_record_longer_than_arrows_block_is_read_as_without_the_kernel(kernel: None) -> None:
    """Arrow's streaming reader fails on a record straddling more than two of its 1 MiB blocks (the
    careful path then decides): the kernel hands such a record over rather than read it."""
    big = b'"9","' + b"x" * ((1 << 20) + 10) + b'",""\r\n'
    data = (
        '"番号","氏名","住所"\r\n'.encode("cp932")
        + _ROWS[0].encode("cp932") * 3
        + big
        + _ROWS[1].encode("cp932")
    )
    on = _outcome(data, True, batch_bytes=1 << 22, batch_size=100)
    assert on == _outcome(data, False, batch_bytes=1 << 22, batch_size=100)
