"""Vendor record bytes (_vendor_render): undecodable fields really do not decode, record types
interleave by household, CSV marks become undecodable bytes."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.readers.codecs import get_codec
from chukan_layout.readers.definition import CsvDefinition, FieldDef, FixedWidthDefinition, RecordType
from chukan_layout.synth._vendor_fields import UNDECODABLE_MARK
from chukan_layout.synth._vendor_render import csv_records, fixed_records, interleave

COLS = {"ATENA": pa.array(["0001", "0002", "0003"]), "SHIMEI": pa.array(["髙橋　太郎", "山﨑　花子", "ﾊﾟｸ"])}


def _definition(encoding: str) -> FixedWidthDefinition:
    fields = [FieldDef(name="ATENA", start=1, length=4), FieldDef(name="SHIMEI", start=5, length=16)]
    return FixedWidthDefinition(encoding=encoding, record_types=[RecordType(name="D", fields=fields)])


@pytest.mark.parametrize("encoding", ["cp932", "ibm930"])
def test_undecodable_field_fails_strict_decoding_and_nothing_else_changes(encoding: str) -> None:
    d = _definition(encoding)
    clean = fixed_records(d, "D", COLS, [])
    bad = fixed_records(
        d, "D", COLS, [(1, "undecodable_bytes", "SHIMEI", "shimei", ""), (2, "small_kana", "SHIMEI", "", "")]
    )
    codec = get_codec(encoding)
    assert codec.decode_bytes(clean[1, 4:20].tobytes()).startswith("山")
    with pytest.raises(UnicodeDecodeError):
        codec.decode_bytes(bad[1, 4:20].tobytes())
    changed = np.argwhere(bad != clean)
    assert set(changed[:, 0]) == {1} and changed[:, 1].min() >= 4 and changed[:, 1].max() < 8


@given(st.lists(st.tuples(st.integers(1, 6), st.integers(0, 5)), min_size=1, max_size=4), st.data())
def test_interleave_orders_by_household_then_type(shapes: list[tuple[int, int]], data) -> None:  # type: ignore[no-untyped-def]
    mats, households = [], []
    for k, (width, rows) in enumerate(shapes):
        mats.append(np.full((rows, width), 0x30 + k, np.uint8))
        hh = data.draw(st.lists(st.integers(0, 4), min_size=rows, max_size=rows))
        households.append(np.array(sorted(hh), np.int64))
    allm, pos = interleave(mats, households, 0x20)
    width = max(w for w, _ in shapes)
    assert allm.shape == (sum(r for _, r in shapes), width)
    assert sorted(pos.tolist()) == list(range(allm.shape[0]))
    keys = [(int(h), k, i) for k, hh in enumerate(households) for i, h in enumerate(hh)]
    order = sorted(range(len(keys)), key=keys.__getitem__) if len(mats) > 1 else list(range(len(keys)))
    for out_row, src in enumerate(order):
        assert pos[src] == out_row
    offset = 0
    for k, m in enumerate(mats):  # each row's bytes land where pos says, padded with spaces
        for i in range(m.shape[0]):
            row = allm[pos[offset + i]]
            assert (row[: m.shape[1]] == 0x30 + k).all() and (row[m.shape[1] :] == 0x20).all()
        offset += m.shape[0]


def test_csv_records_turn_the_mark_into_undecodable_bytes() -> None:
    d = CsvDefinition(encoding="cp932", columns=["ATENA", "SHIMEI"], header=False)
    cols = {"ATENA": COLS["ATENA"], "SHIMEI": pa.array(["髙橋　太郎", UNDECODABLE_MARK + "山﨑　花子", "ﾊﾟｸ"])}
    with_header = csv_records(d, cols, header=True)
    data = csv_records(d, cols, header=False)
    assert with_header.endswith(data) and with_header.count(b"\r\n") == data.count(b"\r\n") + 1
    lines = data.split(b"\r\n")
    assert lines[0].decode("cp932") == '"0001","髙橋　太郎"' and lines[2].decode("cp932") == '"0003","ﾊﾟｸ"'
    assert b"\x85\x40" in lines[1] and UNDECODABLE_MARK.encode("cp932") not in data
    with pytest.raises(UnicodeDecodeError):
        lines[1].decode("cp932")
