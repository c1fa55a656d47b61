"""LF / CRLF fixed-width files of several record lengths split at their line ends (issue 15 point 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.pipeline import line_split
from chukan_layout.pipeline.plan import RangeFile, plan
from chukan_layout.readers import read, render_fixed
from chukan_layout.readers.api import Reject
from chukan_layout.readers.definition import FieldDef, FixedWidthDefinition, RecordType

_LINE = st.binary(max_size=90).map(lambda b: b.replace(b"\n", b"\x40"))


@settings(max_examples=80, deadline=None)
@given(lines=st.lists(_LINE, max_size=120), crlf=st.booleans(), last=st.booleans(),
       partition=st.integers(16, 2048), read_size=st.sampled_from([7, 64, 4 << 20]))  # fmt: skip
def test_cuts_are_line_ends_with_the_lines_before_them(
    tmp_path_factory: pytest.TempPathFactory, lines: list[bytes], crlf: bool, last: bool, partition: int,
    read_size: int,
) -> None:  # fmt: skip
    end = b"\r\n" if crlf else b"\n"
    data = b"".join(x + end for x in lines) + (b"TAIL" if last else b"")  # a last line without its LF
    path = tmp_path_factory.mktemp("lines") / "Z.DAT"
    path.write_bytes(data)
    starts = [0]
    for x in lines:
        starts.append(starts[-1] + len(x) + len(end))
    was, line_split._READ = line_split._READ, read_size  # blocks that end inside lines and on LFs
    try:
        cuts = line_split.line_cuts(path, partition)
    finally:
        line_split._READ = was
    for prev, c in zip([None, *cuts], cuts, strict=False):
        assert starts[c.records] == c.offset  # a line starts there, after exactly c.records lines
        assert 0 < c.offset < len(data) and (prev is None or c.offset - prev.offset >= partition)
    first = [s for s in starts if partition <= s < len(data)]
    if cuts:
        assert cuts[0].offset == first[0]
    else:
        assert len(data) <= partition or not first or len(data) - first[0] < partition // 4


ZENGIN = FixedWidthDefinition(
    framing="crlf",
    record_type_field={"start": 1, "length": 1},
    record_types=[
        RecordType(name="header", role="header", match="1",
                   fields=[FieldDef(name="kubun", start=1, length=1), FieldDef(name="itaku", start=2, length=9)]),
        RecordType(name="data", match="2", fields=[FieldDef(name="kubun", start=1, length=1),
                   FieldDef(name="shimei", start=2, length=20), FieldDef(name="kingaku", start=22, length=7, type="9")]),
    ],
)  # fmt: skip
_NAMES = ["髙橋　﨑子", "ﾔﾏﾀﾞ ﾀﾛｳ", "渡邉　〜", "ｶﾞｯｺｳ ﾊﾟﾝ", "佐藤　～"]


def _read(source: RangeFile, shift: int) -> tuple[list[dict[str, object]], list[tuple[int, str]]]:
    rejects: list[Reject] = []
    reader = read(source, ZENGIN, source_id="Z.DAT", policy="reject", on_reject=rejects.append)  # type: ignore[arg-type]
    rows = [{**r, "_record": r["_record"] + shift} for b in reader for r in b.to_pylist()]
    return rows, [(r.record + shift, r.code) for r in rejects]


def test_a_split_file_reads_as_the_whole_one(tmp_path: Path) -> None:
    head = render_fixed(ZENGIN, "header", {"itaku": ["ﾄｳｷｮｳ"]})
    n = 3000
    rows = render_fixed(ZENGIN, "data", {"shimei": [_NAMES[i % 5] for i in range(n)],
                                         "kingaku": [str(i * 7) for i in range(n)]})  # fmt: skip
    lines = rows.split(b"\r\n")[:-1]
    lines[1000] = lines[1000][:-3]  # a data line of the wrong length: one reject
    lines[2000] = b"9" + lines[2000][1:]  # an unknown record type
    path = tmp_path / "Z.DAT"
    path.write_bytes(head + b"".join(x + b"\r\n" for x in lines))
    parts = plan([("z", path, ZENGIN)], partition_bytes=4096, header_of=lambda s, p: {})
    assert len(parts) > 10 and parts[0].first_record == 1 and parts[-1].end is None
    whole, whole_rejects = _read(RangeFile(path), 0)
    got: list[dict[str, object]] = []
    got_rejects: list[tuple[int, str]] = []
    for p in parts:
        r, j = _read(RangeFile(path, p.start, p.end), p.first_record - 1)
        got += r
        got_rejects += j
    assert got == whole and got_rejects == whole_rejects
    assert len(whole) == n - 2 and [r for r, _ in whole_rejects] == [1002, 2002]
