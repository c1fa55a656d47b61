"""Parquet copies: typed where every value survives, demoted to a string (exactly) where a later batch
holds a value that does not (a 不詳 date ``1935-00-00``), in the same pass, never re-parsing the CSV."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.readers.standard_csv import read_standard_csv
from chukan_layout.snapshots.parquet import ParquetSink
from chukan_layout.spec.registry import load_layout

JUMIN = load_layout("juki.jumin").spec
DATES = st.sampled_from(["2019-04-30", "1989-01-07", "1989-01-08", "2000-02-29", ""])
PARTIAL = st.sampled_from(["1935-00-00", "1960-05-00"])


def _sink(tmp: Path, rows: list[tuple[str, str]], batch_size: int) -> tuple[ParquetSink, pa.Table]:
    src = tmp / "juki_jumin.csv"
    with open(src, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
        w.writerow(["宛名番号", "生年月日", "異動年月日"])
        w.writerows([(f"{i:015d}", a, b) for i, (a, b) in enumerate(rows)])
    sink = ParquetSink(JUMIN, tmp / "out.parquet")
    for batch in read_standard_csv(src, JUMIN, batch_size=batch_size):
        sink.write(batch)
    sink.close()
    return sink, pq.read_table(tmp / "out.parquet")


def _text(t: pa.Table, column: str) -> list[str]:
    return pc.fill_null(t.column(column).cast(pa.string()), "").to_pylist()


def test_a_late_partial_date_demotes_the_column_and_keeps_every_value(tmp_path: Path) -> None:
    rows = [
        ("2019-04-30", "2020-01-01"),
        ("", "2020-01-02"),
        ("1989-01-08", ""),
        ("1935-00-00", "2020-01-03"),
    ]
    sink, t = _sink(tmp_path, rows, batch_size=1)
    assert sink.demoted == ["seinengappi"] and t.num_rows == 4
    assert t.schema.field("seinengappi").type == pa.string() and t.schema.field("ido_ymd").type == pa.date32()
    assert t.column("seinengappi").to_pylist() == [r[0] for r in rows]
    assert _text(t, "ido_ymd") == [r[1] for r in rows]
    assert t.column("_record").to_pylist() == [1, 2, 3, 4]
    assert not (tmp_path / "out.parquet.demoted").exists()


@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(st.tuples(st.one_of(DATES, PARTIAL), DATES), min_size=1, max_size=12),
    batch_size=st.integers(1, 5),
)
def test_parquet_text_is_the_csv_text(
    tmp_path_factory: object, rows: list[tuple[str, str]], batch_size: int
) -> None:
    tmp = tmp_path_factory.mktemp("pq")  # type: ignore[attr-defined]
    _, t = _sink(tmp, rows, batch_size)
    assert _text(t, "seinengappi") == [r[0] for r in rows] and _text(t, "ido_ymd") == [r[1] for r in rows]
    partial = any(r[0] in ("1935-00-00", "1960-05-00") for r in rows)
    assert (t.schema.field("seinengappi").type == pa.string()) == partial
    assert t.schema.field("ido_ymd").type == pa.date32()


def test_writer_settings_dictionary_statistics_and_required_strings(tmp_path: Path) -> None:
    rows = [(f"19{i % 90 + 10:02d}-0{i % 9 + 1}-1{i % 9}", "") for i in range(200)]
    _, t = _sink(tmp_path, rows, batch_size=64)
    meta = pq.ParquetFile(tmp_path / "out.parquet").metadata
    cols = {
        meta.row_group(0).column(i).path_in_schema: meta.row_group(0).column(i)
        for i in range(meta.num_columns)
    }
    assert not t.schema.field("atena_no").nullable and t.schema.field("seinengappi").nullable
    assert (
        "PLAIN_DICTIONARY" not in cols["atena_no"].encodings
        and "RLE_DICTIONARY" not in cols["atena_no"].encodings
    )
    assert cols["ido_ymd"].dictionary_page_offset is not None  # all blank in the first batch: a dictionary
    assert (
        not cols["atena_no"].is_stats_set
        and cols["seinengappi"].is_stats_set
        and cols["_record"].is_stats_set
    )
    assert t.to_pandas()["atena_no"].tolist() == [f"{i:015d}" for i in range(200)]
