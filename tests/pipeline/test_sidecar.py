"""gaiji.csv part rows: written batch by batch; interleaved record types still give canonical bytes."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from chukan_layout.gaiji.stage import SIDECAR_SCHEMA
from chukan_layout.pipeline._sidecar import SidecarPart


def _side(records: list[int], layout: int, code: str = "E001") -> pa.Table:
    n = len(records)
    t = pa.table({"file": ["J.DAT"] * n, "record": records, "item": ["shimei"] * n, "position": [1] * n,
                  "source_code": [code] * n, "result": ["髙"] * n, "status": ["exact"] * n}, schema=SIDECAR_SCHEMA)  # fmt: skip
    return t.append_column("_layout", pa.array([layout] * n, pa.int32()))


def test_in_order_batches_stream_and_interleaved_ones_merge(tmp_path: Path) -> None:
    batches = [
        [_side([3, 1], 1), _side([1], 0)],
        [_side([5], 0)],
        [_side([2, 4], 0, "E002")],
        [_side([6], 0)],
    ]
    one = SidecarPart(tmp_path / "one.csv")
    for b in [[t for bs in batches for t in bs]]:  # everything as one batch: the canonical order
        one.add_batch(b)
    many = SidecarPart(tmp_path / "many.csv")
    many.add_batch(batches[0])
    many.add_batch(batches[1])
    assert many._held == [] and (tmp_path / "many.csv").exists()  # written as it came
    for b in batches[2:]:
        many.add_batch(b)  # records 2, 4 precede rows already written: held, merged at close
    assert one.close() and many.close() and many.rows == one.rows == 7
    assert (tmp_path / "many.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()
    lines = (tmp_path / "one.csv").read_text("utf-8").splitlines()
    assert [int(x.split(",")[1]) for x in lines] == [1, 1, 2, 3, 4, 5, 6]
    assert SidecarPart(tmp_path / "none.csv").close() is None


def test_reject_rows_stream_and_merge_to_the_same_bytes(tmp_path: Path) -> None:
    from chukan_layout.pipeline._rejects import RejectSink

    def fill(sink: RejectSink, recs: list[int]) -> None:
        for r in recs:
            sink.add(source="J.DAT", record=r, stage="read", code="read.decode", reason="=cmd", raw=b"\x82")

    whole = RejectSink(tmp_path / "whole.csv")
    fill(whole, [1, 2, 3, 5, 7, 9])
    assert whole.close() and whole.count == 6
    streamed = RejectSink(tmp_path / "streamed.csv")
    fill(streamed, [2, 1, 9])  # 9: a read reject of a later batch, already reported
    streamed.flush_upto(2)
    assert streamed.rows == [(9, streamed.rows[0][1])]  # kept for later
    fill(streamed, [3, 5])
    streamed.flush_upto(5)
    fill(streamed, [7])  # after rows already written but before 9: still in order
    streamed.flush_upto(7)
    assert streamed.close()
    interleaved = RejectSink(tmp_path / "interleaved.csv")
    fill(interleaved, [5, 7])
    interleaved.flush_upto(7)
    fill(interleaved, [1, 2, 3, 9])  # another record type's batch: earlier records → merged at close
    interleaved.flush_upto(9)
    assert interleaved.close()
    want = (tmp_path / "whole.csv").read_bytes()
    assert (tmp_path / "streamed.csv").read_bytes() == want == (tmp_path / "interleaved.csv").read_bytes()
    assert b"'=cmd" in want  # spreadsheet formula guard applied once, also after the merge
