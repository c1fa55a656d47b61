"""The one standard-CSV reader: header of 項目名称 or ids → item-id columns, data-row numbers."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
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


def test_a_partition_is_one_batch_with_the_rows_of_small_batches(tmp_path: Path) -> None:
    from chukan_layout.readers.standard_csv import (
        STANDARD_BATCH_BYTES,
        StandardCsvReader,
        partition_batch_bytes,
    )

    assert partition_batch_bytes(16 << 20) == 48 << 20  # the default 16 MiB partition: one batch
    assert partition_batch_bytes(1 << 30) == partition_batch_bytes(0) == STANDARD_BATCH_BYTES
    assert partition_batch_bytes(1000) == STANDARD_BATCH_BYTES
    lay = load_layout("juki.setai").spec
    p = tmp_path / "s.csv"
    ids = lay.item_ids[:3]
    rows = [f'"{i:06d}","髙﨑 〜～ ﾊﾟ{"あ" * 30}","\ue000{i}"' for i in range(24000)]  # > 2 Arrow blocks
    p.write_text(",".join(ids) + "\r\n" + "\r\n".join(rows) + "\r\n", "utf-8")
    one = list(StandardCsvReader(p, lay, batch_bytes=partition_batch_bytes(p.stat().st_size)))
    small = list(StandardCsvReader(p, lay, batch_bytes=1 << 12))
    assert len(one) == 1 and len(small) > 2
    joined = pa.Table.from_batches(small).combine_chunks()
    assert pa.Table.from_batches(one).equals(joined)
