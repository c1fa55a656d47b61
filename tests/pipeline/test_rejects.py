"""Reject part files: however the rows arrive (in order, held back, interleaved record types), the
part is the bytes of all rows sorted by record, written once — the merge copies written rows as
bytes, so reasons with line breaks, quotes or formula characters cannot parse differently."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.findings import FindingSet
from chukan_layout.pipeline._rejects import RejectSink, reference_row_bytes, reject_invalid, reject_unrouted

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


# --- the batch path (column-wise) against the row-wise path (json.dumps + csv.writer per row) ---

# adversarial values: quotes, commas, CR/LF, TAB, control characters, backslashes, formula starts,
# 髙/﨑, 〜/～, half-width ﾊﾟ, PUA 外字, an IVS selector, empty, and null
VALUES = st.none() | st.lists(
    st.sampled_from(['"', ",", "\r\n", "\n", "\r", "\t", "\x00", "\x1b", "\\", "=", "+", "-", "@", "髙", "﨑",
                     "〜", "～", "ﾊﾟ", "\ue000", "\ue0ff", "葛\U000e0100", "山田", " ", ""]),
    max_size=4,
).map("".join)  # fmt: skip
NAMES = ["shimei", "氏名", "jusho"]


def _layout_batch(recs: list[int], values: list[list[str | None]]) -> pa.RecordBatch:
    """A batch as the engine hands it on: the reserved ``_record`` (and ``_source``) and items."""
    cols = [pa.array(recs, pa.int64()), pa.array(["J"] * len(recs))]
    cols += [pa.array([v[i] for v in values], pa.string()) for i in range(len(NAMES))]
    return pa.RecordBatch.from_arrays(cols, names=["_record", "_source", *NAMES])


ROWS = st.lists(st.tuples(st.integers(1, 30), st.lists(VALUES, min_size=3, max_size=3)), max_size=8)


@settings(max_examples=120, deadline=None)
@given(rows=ROWS, reasons=st.lists(REASONS, min_size=8, max_size=8), code=REASONS)
def test_a_batch_of_rejects_is_the_bytes_of_its_rows_added_one_by_one(
    rows: list[tuple[int, list[str | None]]], reasons: list[str], code: str
) -> None:
    from chukan_layout.write.rejects import json_cells

    recs = [r for r, _ in rows]
    batch = _layout_batch(recs, [v for _, v in rows])
    whys = reasons[: len(rows)]
    one_by_one, at_once = RejectSink(), RejectSink()
    for (rec, vals), why in zip(rows, whys, strict=True):
        one_by_one.add(source="=J.csv", record=rec, stage="validate", code=code, reason=why,
                       values=dict(zip(NAMES, vals, strict=True)))  # fmt: skip
    at_once.add_batch(source="=J.csv", records=np.array(recs), stage="validate", code=[code] * len(rows),
                      reasons=whys, values=json_cells(batch, NAMES))  # fmt: skip
    assert at_once.count == one_by_one.count == len(rows)
    want = one_by_one.to_bytes()
    assert at_once.to_bytes() == want
    cells = [["=J.csv", str(r), "", "validate", code, why, "", json.dumps(dict(zip(NAMES, v, strict=True)),
              ensure_ascii=False)] for (r, v), why in sorted(zip(rows, whys, strict=True), key=lambda t: t[0][0])]  # fmt: skip
    assert want == b"".join(reference_row_bytes(cells))  # the row-wise path is the csv module's bytes


@settings(max_examples=40, deadline=None)
@given(rows=ROWS)
def test_unrouted_rows_go_to_the_rejects_as_before(rows: list[tuple[int, list[str | None]]]) -> None:
    batch = _layout_batch([r for r, _ in rows], [v for _, v in rows])
    take = np.arange(0, batch.num_rows, 2)  # every other row reached no target
    acc, fs, sink = SimpleNamespace(file="J.csv", adapt_rejected=0), FindingSet(), RejectSink()
    reject_unrouted(batch, take, acc, sink, fs)
    want = RejectSink()
    for i in take.tolist():
        want.add(source="J.csv", record=rows[i][0], stage="adapt", code="adapt.unrouted",
                 reason="record matched no target of the adapter", values=dict(zip(NAMES, rows[i][1], strict=True)))  # fmt: skip
    assert sink.to_bytes() == want.to_bytes() and acc.adapt_rejected == sink.count == take.size
    assert sum(fs.counts.values()) == take.size


def _invalid_row_by_row(sink: RejectSink, hits: list[tuple[str, pa.RecordBatch, np.ndarray]], bad: dict[int, set[str]],
                        by_reason: dict[str, int]) -> int:  # fmt: skip
    """The worker's validation rejects as they were made before the batch path (the reference)."""
    rejected: dict[int, dict[str, dict[str, object]]] = {}
    for lid, sub, recs in hits:
        cols = {n: sub.column(n).to_pylist() for n in NAMES}
        for i, r in enumerate(recs.tolist()):
            rejected.setdefault(int(r), {})[lid] = {n: cols[n][i] for n in NAMES}
    for r, by_layout in rejected.items():
        reasons = sorted(bad[r])
        codes = sorted({w.split("(", 1)[0] for w in reasons})
        values = next(iter(by_layout.values())) if len(by_layout) == 1 else by_layout
        sink.add(source="J.csv", record=r, stage="validate", code=";".join(codes),
                 reason="error findings: " + "; ".join(reasons), values=values)  # fmt: skip
        for c in codes:
            by_reason[c] = by_reason.get(c, 0) + 1
    return len(rejected)


@settings(max_examples=80, deadline=None)
@given(layouts=st.lists(ROWS.filter(bool), min_size=1, max_size=3),
       why=st.lists(st.sampled_from(["item.code(shimei)", "row.rule(r1)", "gaiji.unmapped", "item.date(jusho)"]),
                    min_size=1, max_size=3))  # fmt: skip
def test_validation_rejects_per_record_over_layouts_as_before(
    layouts: list[list[tuple[int, list[str | None]]]], why: list[str]
) -> None:
    # a record may reach several layouts ({"layout": {…}, …}) or one twice (its last row counts)
    hits = [(f"juki.{i}", _layout_batch([r for r, _ in rows], [v for _, v in rows]), np.array([r for r, _ in rows]))
            for i, rows in enumerate(layouts)]  # fmt: skip
    bad = {r: {why[r % len(why)], why[0]} for rows in layouts for r, _ in rows}
    got, want = RejectSink(), RejectSink()
    got_reasons: dict[str, int] = {}
    want_reasons: dict[str, int] = {}
    n = reject_invalid(got, "J.csv", hits, bad, got_reasons)
    assert n == _invalid_row_by_row(want, hits, bad, want_reasons) == got.count
    assert got.to_bytes() == want.to_bytes() and got_reasons == want_reasons


@settings(max_examples=30, deadline=None)
@given(batches=st.lists(st.tuples(ROWS, st.booleans()), max_size=5))
def test_batch_and_single_rows_stream_and_merge_to_the_bytes_of_all_rows_sorted(
    batches: list[tuple[list[tuple[int, list[str | None]]], bool]],
) -> None:
    import tempfile

    from chukan_layout.write.rejects import json_cells

    def fill(sink: RejectSink, rows: list[tuple[int, list[str | None]]], at_once: bool) -> None:
        if at_once:
            b = _layout_batch([r for r, _ in rows], [v for _, v in rows])
            sink.add_batch(source="J.csv", records=np.array([r for r, _ in rows], np.int64), stage="adapt",
                           code="adapt.unrouted", reasons="=x", values=json_cells(b, NAMES))  # fmt: skip
        else:
            for r, v in rows:
                sink.add(source="J.csv", record=r, stage="adapt", code="adapt.unrouted", reason="=x",
                         values=dict(zip(NAMES, v, strict=True)))  # fmt: skip

    with tempfile.TemporaryDirectory() as tmp:
        streamed, whole = RejectSink(Path(tmp) / "s.csv"), RejectSink(Path(tmp) / "w.csv")
        for rows, at_once in batches:
            fill(streamed, rows, at_once)
            fill(whole, rows, not at_once)
            if rows:
                streamed.flush_upto(max(r for r, _ in rows))
        if not any(rows for rows, _ in batches):
            assert streamed.close() is None and whole.close() is None
            return
        assert streamed.close() and whole.close()
        assert (Path(tmp) / "s.csv").read_bytes() == (Path(tmp) / "w.csv").read_bytes()
