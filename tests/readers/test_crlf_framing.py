"""Fixed-length CRLF records are framed by length: packed/binary bytes 0D 0A are data (issue 14)."""

from __future__ import annotations

import io

import pytest

from chukan_layout.readers import framing, read, render_fixed
from chukan_layout.readers.definition import FieldDef, FixedWidthDefinition, RecordType

D = FixedWidthDefinition(
    framing="crlf",
    encoding="cp932",
    record_types=[
        RecordType(
            name="data",
            fields=[
                FieldDef(name="kubun", start=1, length=1),
                FieldDef(name="gaku", start=2, length=2, type="P"),  # -10 packs to 01 0D
                FieldDef(name="su", start=4, length=2, type="B"),  # 2560 is 0A 00
                FieldDef(name="shimei", start=6, length=4),
            ],
        )
    ],
)


def _rec(gaku: str, su: str, name: str) -> bytes:
    return render_fixed(D, "data", {"kubun": ["2"], "gaku": [gaku], "su": [su], "shimei": [name]})


def _read(data: bytes, batch: int) -> tuple[list[dict[str, object]], object]:
    r = read(io.BytesIO(data), D, source_id="KYUFU.DAT", batch_size=batch)
    return [row for b in r for row in b.select(["gaku", "su", "shimei"]).to_pylist()], r


@pytest.mark.parametrize("batch", [3, 1000])
def test_packed_0d0a_inside_records_beside_a_short_line(batch: int, monkeypatch: pytest.MonkeyPatch) -> None:
    trap = _rec("-10", "2560", "髙﨑")
    assert b"\r\n" in trap[:-2]  # the record holds 0D 0A before its own terminator
    good = [_rec(str(i), str(i), "山田") for i in range(8)]
    data = b"".join([trap, *good[:3], trap, b"2short\r\n", trap, *good[3:], trap])
    monkeypatch.setattr(framing, "_BLOCK", 64)  # blocks that cut records, too
    rows, r = _read(data, batch)
    assert [x["gaku"] for x in rows].count("-10") == 4 and len(rows) == 12
    assert all(x["su"] == "2560" for x in rows if x["gaku"] == "-10")
    (rej,) = r.rejects  # type: ignore[attr-defined]
    assert rej.raw == b"2short" and rej.record == 6 and rej.code == "read.framing"
    assert rej.offset == 5 * len(trap)


def test_short_lines_in_a_row_are_each_a_record() -> None:
    good = _rec("1", "1", "ﾊﾝｶｸ")
    data = good * 5 + b"2a\r\n2bb\r\n" + good * 5
    rows, r = _read(data, 1000)
    assert len(rows) == 10 and [x.raw for x in r.rejects] == [b"2a", b"2bb"]  # type: ignore[attr-defined]
