"""The one standard-CSV reader: header of 項目名称 or ids → item-id columns, data-row numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from chukan_layout.errors import ReadError
from chukan_layout.readers import Reject, read_standard_csv
from chukan_layout.spec.registry import load_layout


def test_names_or_ids_map_to_items_in_layout_order(tmp_path: Path) -> None:
    lay = load_layout("juki.setai").spec
    first, second = lay.items[0], lay.items[1]
    p = tmp_path / "s.csv"
    # columns in another order, one by 項目名称 and one by id; a quoted newline and 髙/﨑 stay as they are
    p.write_bytes(f'\ufeff{second.name},{first.id}\r\n"髙\r\n﨑",131016\r\nｶﾞ,131016\r\n'.encode())
    batches = list(read_standard_csv(p, lay))
    t = batches[0]
    assert t.schema.names == [*lay.item_ids, "_record", "_source"]
    assert t.column(first.id).to_pylist() == ["131016", "131016"]
    assert t.column(second.id).to_pylist() == ["髙\r\n﨑", "ｶﾞ"]
    assert t.column(lay.items[2].id).to_pylist() == ["", ""]  # not in the file: blank
    assert t.column("_record").to_pylist() == [1, 2] and t.column("_source").to_pylist() == ["s.csv"] * 2


def test_unknown_columns_and_rejects_name_the_data_row(tmp_path: Path) -> None:
    lay = load_layout("juki.setai").spec
    bad = tmp_path / "bad.csv"
    bad.write_text("no_such_column\r\nx\r\n", "utf-8")
    with pytest.raises(ReadError, match=r"bad\.csv: columns not in layout juki\.setai: no_such_column"):
        list(read_standard_csv(bad, lay))
    p = tmp_path / "r.csv"
    p.write_bytes(f"{lay.items[0].id}\r\n131016\r\n\xff\xfe\r\n131016\r\n".encode("latin-1"))
    got: list[Reject] = []
    reader = read_standard_csv(p, lay, on_reject=got.append)
    rows = [r for b in reader for r in b.column("_record").to_pylist()]
    assert [r.record for r in got] == [2] and rows == [1, 3]
    assert reader.reader.stats.records_rejected == 1
