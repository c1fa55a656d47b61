"""Reject part files: however the rows arrive (in order, held back, interleaved record types), the
part is the bytes of all rows sorted by record, written once — the merge copies written rows as
bytes, so reasons with line breaks, quotes or formula characters cannot parse differently."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.pipeline._rejects import RejectSink

# reasons a reject can carry: line breaks (CRLF, lone CR/LF), quotes, commas, formula starts, 外字
REASONS = st.sampled_from(
    [
        "髙橋の﨑",
        'a "quoted"\r\nvalue',
        "line\nbreak",
        "cr\ronly",
        "=SUM(A1)",
        "-1",
        ",",
        '"',
        "ﾊﾝｶｸﾞ",
        "\ue000",
        "",
    ]
)
BATCHES = st.lists(st.lists(st.tuples(st.integers(1, 40), REASONS), max_size=6), max_size=6)


def _fill(sink: RejectSink, rows: list[tuple[int, str]]) -> None:
    for rec, why in rows:
        sink.add(source="J.DAT", record=rec, stage="validate", code="item.pattern", reason=why,
                 raw=why.encode("utf-8"), values={"氏名": why})  # fmt: skip


@settings(max_examples=30, deadline=None)
@given(batches=BATCHES)
def test_streamed_or_held_parts_are_the_bytes_of_all_rows_sorted(
    batches: list[list[tuple[int, str]]],
) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        streamed = RejectSink(Path(tmp) / "streamed.csv")
        for b in batches:
            _fill(streamed, b)
            if b:  # as the worker does after each batch: rows up to the batch's last record
                streamed.flush_upto(max(r for r, _ in b))
        whole = RejectSink(Path(tmp) / "whole.csv")
        for b in batches:
            _fill(whole, b)
        if not any(batches):
            assert streamed.close() is None and whole.close() is None
            return
        assert streamed.close() and whole.close()
        got = (Path(tmp) / "streamed.csv").read_bytes()
        assert got == (Path(tmp) / "whole.csv").read_bytes()
    # the rows read back are every row added, by record (stable), each reason intact
    want = sorted(((r, w) for b in batches for r, w in b), key=lambda t: t[0])
    rows = list(csv.reader(io.StringIO(got.decode("utf-8"), newline="")))
    assert [(int(r[1]), r[5].removeprefix("'") if w.startswith(("=", "-")) else r[5]) for r, (_, w) in
            zip(rows, want, strict=True)] == want  # fmt: skip


def test_an_interleaved_part_with_line_breaks_merges_as_bytes(tmp_path: Path) -> None:
    sink = RejectSink(tmp_path / "p.csv")
    _fill(sink, [(5, "two\r\nlines"), (7, "=cmd")])
    sink.flush_upto(7)  # written
    _fill(sink, [(1, 'say "x"\nthen'), (6, "cr\r")])
    sink.flush_upto(6)  # precedes rows already written: held
    assert sink.close()
    data = (tmp_path / "p.csv").read_bytes()
    assert [int(r[1]) for r in csv.reader(io.StringIO(data.decode("utf-8"), newline=""))] == [1, 5, 6, 7]
    assert data.count(b"'=cmd") == 1 and b'"two\r\nlines"' in data and not (tmp_path / "p.csv.merge").exists()
