"""Spill row cells: a record's items joined by 0xFF split back into exactly those items, whatever
the text (separators of other formats, blanks, 外字 in the PUA, IVS, half-width kana)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.reconciliation.spill import ROW_TYPE, join_items, split_items

PIECES = ["髙", "﨑", "〜", "～", "ｶﾞ", "ﾊﾟ", "\ue000", "辻\U000e0100", ",", '"', "\n", "\x1f", "|", "　", " "]
TEXT = st.lists(
    st.one_of(st.sampled_from(PIECES), st.characters(blacklist_categories=("Cs",))), max_size=8
).map("".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(TEXT, min_size=3, max_size=3), min_size=0, max_size=20))
def test_rows_split_back_into_their_items(records: list[list[str]]) -> None:
    cols = [pa.array([r[i] for r in records], pa.string()) for i in range(3)]
    rows = join_items(cols)
    assert rows.type == ROW_TYPE and len(rows) == len(records)
    back = split_items(rows, [2, 0, 1])
    assert [c.to_pylist() for c in back] == [cols[2].to_pylist(), cols[0].to_pylist(), cols[1].to_pylist()]


def test_equal_records_have_equal_rows_and_any_item_change_shows(tmp_path: Path) -> None:
    a = [pa.array(["1", "髙橋", ""]), pa.array(["x", "", "ｶﾞ"])]
    b = [pa.array(["1", "高橋", ""]), pa.array(["x", "", "ｶﾞ "])]  # an item boundary cannot hide a change
    c = [pa.array(["1x", "髙橋", ""]), pa.array(["", "", "ｶﾞ"])]
    ra, rb, rc = join_items(a), join_items(b), join_items(c)
    assert ra.to_pylist()[0] == rb.to_pylist()[0] and ra.to_pylist()[1:] != rb.to_pylist()[1:]
    assert ra.to_pylist()[0] != rc.to_pylist()[0]  # "1"+"x" is not "1x"+""
    # a bucket file holds them as written (IPC round trip)
    path = tmp_path / "b.arrow"
    with ipc.new_stream(str(path), pa.schema([("_row", ROW_TYPE)])) as w:
        w.write_batch(pa.record_batch([ra], names=["_row"]))
    with pa.memory_map(str(path)) as src:
        got = ipc.open_stream(src).read_all().column("_row")
    assert [c.to_pylist() for c in split_items(got, [0, 1])] == [x.to_pylist() for x in a]
