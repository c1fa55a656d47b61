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
