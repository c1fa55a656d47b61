"""CSV byte ranges at record boundaries proven by quote parity; whole file (with the reason) otherwise;
convert and validate give the same outputs and findings whether a CSV file is split or not."""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout import pipeline
from chukan_layout.files import sha256_file
from chukan_layout.pipeline import _csv_block_scan
from chukan_layout.pipeline.csv_split import CsvCut, CsvScanner, csv_cuts, csv_scan
from chukan_layout.pipeline.standard import validate_files
from chukan_layout.readers.csv_guard import ByteGuard
from chukan_layout.readers.definition import CsvDefinition
from chukan_layout.synth.generate import GenerateResult, generate


@pytest.fixture(scope="module", params=["kernel", "numpy"], autouse=True)
def route(request: pytest.FixtureRequest) -> object:
    """Every test of this module twice: with the compiled block judge where it is built
    (pipeline/_csvscan.c) and with the numpy route alone (the same cuts and refusals)."""
    kept = _csv_block_scan._kernel
    if request.param == "numpy":
        _csv_block_scan._kernel = None
    yield request.param
    _csv_block_scan._kernel = kept


CELL = st.text(st.sampled_from(list('ab,"\r\n 髙﨑〜～ｶﾞﾊﾟ0')), max_size=6)


def _csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerows(rows)
    return buf.getvalue().encode("cp932")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=2, max_size=40), st.integers(8, 64))
def test_every_cut_is_a_record_boundary(tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]],
                                        step: int) -> None:  # fmt: skip
    data = _csv([["a", "b", "c"], *rows])
    p = tmp_path_factory.mktemp("c") / "x.csv"
    p.write_bytes(data)
    cuts, why = csv_cuts(p, CsvDefinition(encoding="cp932"), step)
    assert why is None
    whole = list(csv.reader(io.StringIO(data.decode("cp932"), newline="")))
    bounds = [0, *(c.offset for c in cuts), len(data)]
    pieces = [
        list(csv.reader(io.StringIO(data[lo:hi].decode("cp932"), newline="")))
        for lo, hi in itertools.pairwise(bounds)
    ]
    assert [r for piece in pieces for r in piece] == whole  # ranges parse to the same records, in order
    for c in cuts:
        assert len(list(csv.reader(io.StringIO(data[: c.offset].decode("cp932"), newline="")))) == c.records


def _reference_cuts(data: bytes, partition_bytes: int, block: int) -> tuple[list[CsvCut], str | None]:
    """The simple form of the scan (quote positions listed, neighbours compared one by one): the
    packed-bit scan must give the same cuts and the same refusal, block size whatever it is."""
    q, dl, bof = ord('"'), ord(","), -1
    size = len(data)
    if size <= partition_bytes:
        return [], None
    targets = iter(range(partition_bytes, size, partition_bytes))
    target = next(targets, None)
    cuts: list[CsvCut] = []
    records = quotes = base = 0
    prev = bof
    for lo in range(0, size, block):
        a = np.frombuffer(data[lo : lo + block], np.uint8)
        after = data[lo + block] if lo + block < size else bof
        nb = len(a)
        qp = np.flatnonzero(a == q)
        for k, p in enumerate(qp.tolist()):
            before = int(a[p - 1]) if p > 0 else prev
            behind = int(a[p + 1]) if p < nb - 1 else after
            opening = (quotes + k) % 2 == 0
            if (opening and before not in (dl, 0x0A, bof, q)) or (
                not opening and behind not in (dl, 0x0D, 0x0A, bof, q)
            ):
                return [], f"a quote not at a field boundary (byte offset {base + p})"
        for p in np.flatnonzero(a == 0x0D).tolist():
            behind = int(a[p + 1]) if p < nb - 1 else after
            if behind != 0x0A and (quotes + int(np.searchsorted(qp, p))) % 2 == 0:
                return [], "a carriage return without a line feed (bare CR line ends)"
        nl = np.flatnonzero(a == 0x0A)
        ends = nl[(quotes + np.searchsorted(qp, nl)) % 2 == 0] + (base + 1)
        while target is not None:
            i = int(np.searchsorted(ends, target))
            if i >= ends.size:
                break
            cut = int(ends[i])
            if cut < size:
                cuts.append(CsvCut(cut, records + i + 1))
            while target is not None and target <= cut:
                target = next(targets, None)
        records += int(ends.size)
        quotes += int(qp.size)
        prev = int(a[-1])
        base += nb
    if quotes % 2:
        return [], "the file ends inside a quoted field"
    return cuts, None


RAW = st.lists(st.sampled_from([b'"', b",", b"\r\n", b"\n", b"\r", b"a", b'""', "髙".encode("cp932"), b" ", b"\x00"]),
               max_size=200).map(b"".join)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.one_of(RAW, st.lists(st.lists(CELL, min_size=3, max_size=3), max_size=40).map(_csv)),
       st.integers(1, 40), st.integers(1, 130))  # fmt: skip
def test_packed_bit_scan_equals_the_simple_scan(tmp_path_factory: pytest.TempPathFactory, data: bytes,
                                                step: int, block: int) -> None:  # fmt: skip
    """Any bytes (well-formed CSV or not), any block size: same cuts, same refusal and byte offset."""
    p = tmp_path_factory.mktemp("k") / "x.csv"
    p.write_bytes(data)
    got = csv_cuts(p, CsvDefinition(encoding="cp932"), step, block=block)
    assert got == _reference_cuts(data, step, block)
    scan = csv_scan(p, CsvDefinition(encoding="cp932"), step, block=block)
    dirty = any(x in data for x in (b"\x00", b"\n\n", b"\n\r\n"))
    assert scan.clean == (len(data) > step and scan.why is None and not dirty)
    if scan.clean:  # the CSV reader's byte guard cannot trip on any range: it may be left out
        bounds = [0, *(c.offset for c in scan.cuts), len(data)]
        for lo, hi in itertools.pairwise(bounds):
            g = ByteGuard(io.BytesIO(data[lo:hi]), True, ord('"'), ord(","))
            while g.read(max(1, block // 3)):
                pass


@settings(max_examples=60, deadline=None)
@given(RAW, st.integers(1, 40), st.integers(1, 130), st.integers(0, 3))
def test_the_scan_hashes_every_byte_even_when_it_stops_early(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, step: int, block: int, taken: int
) -> None:
    """A scan given a hasher feeds it the whole file (a refused byte or not); a consumer that stops early
    leaves it unfinished, and a scan that never reads (too small) reports that up front."""
    p = tmp_path_factory.mktemp("h") / "x.csv"
    p.write_bytes(data)
    scanner = CsvScanner(p, CsvDefinition(encoding="cp932"), step, block=block, hasher=hashlib.sha256())
    assert scanner.reads() == (len(data) > step)
    for _ in scanner:
        pass
    assert scanner.hashed == scanner.reads()
    if scanner.hashed:
        assert (scanner.hashed_size, scanner.hasher.hexdigest()) == sha256_file(p)
    stopped = CsvScanner(p, CsvDefinition(encoding="cp932"), step, block=block, hasher=hashlib.sha256())
    cuts = iter(stopped)
    got = list(itertools.islice(cuts, taken))
    cuts.close()  # type: ignore[attr-defined]
    assert stopped.hashed == (stopped.reads() and len(got) < taken)  # ran out before the consumer stopped


@pytest.mark.parametrize(
    ("data", "encoding", "why"),
    [
        (b'a,b\r\n1,x"y\r\n' * 20, "cp932", "a quote not at a field boundary"),
        (b'a,b\r\n1,"x"y\r\n' * 20, "cp932", "a quote not at a field boundary"),
        (b"a,b\r1,2\r" * 20, "cp932", "a carriage return without a line feed"),
        (b"a,b\r\n" * 20 + b'1,"open\r\n', "cp932", "ends inside a quoted field"),
        ("a,b\r\n髙,2\r\n".encode("utf-16-le") * 20, "utf-16-le", "encoding utf-16-le"),
    ],
)
def test_what_cannot_be_proven_stays_whole(tmp_path: Path, data: bytes, encoding: str, why: str) -> None:
    p = tmp_path / "x.csv"
    p.write_bytes(data)
    cuts, reason = csv_cuts(p, CsvDefinition(encoding=encoding), 16)
    assert cuts == [] and reason is not None and why in reason
    quoted = tmp_path / "ok.csv"
    quoted.write_bytes(b'a,b\r\n"1\r\n,""x""",2\r\n' * 20)  # quoted newline, comma, doubled quotes: provable
    assert csv_cuts(quoted, CsvDefinition(encoding="cp932"), 16)[0]


@pytest.fixture(scope="module")
def vendor_b(tmp_path_factory: pytest.TempPathFactory) -> GenerateResult:
    return generate(tmp_path_factory.mktemp("b"), vendors="b", residents=300, faults=0.02, seed=3,
                    gaiji_share=0.05)  # fmt: skip


def test_convert_and_validate_split_csv_like_whole_files(vendor_b: GenerateResult, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    table = vendor_b.gaiji_tables["vendor_b"]
    files = [p for p in vendor_b.vendor_files["vendor_b"] if p != table]
    opts = pipeline.ConvertOptions(gaiji_tables=(str(table),))
    whole = pipeline.convert("vendor_b", files, tmp_path / "whole", opts.replace(workers=1))
    split = pipeline.convert(
        "vendor_b", files, tmp_path / "split", opts.replace(workers=2, partition_bytes=1 << 14)
    )
    note = split.report.options.extra["partitions"]
    assert "jumin.csv: " in note and "byte ranges at record boundaries" in note
    for name in [Path(o.path).name for o in whole.outputs.values()] + [
        "rejects.csv",
        "gaiji.csv",
        "summary.json",
    ]:
        assert (tmp_path / "whole" / name).read_bytes() == (tmp_path / "split" / name).read_bytes(), name
    assert (
        whole.report.findings == split.report.findings and whole.report.accounting == split.report.accounting
    )
    std = [Path(o.path) for o in whole.outputs.values()]
    v1 = validate_files(std, layouts_auto=True, workers=1)
    v2 = validate_files(std, layouts_auto=True, workers=2, partition_bytes=1 << 14)
    assert "byte ranges" in v2.report.options.extra["partitions"]
    assert v1.report.findings == v2.report.findings and v1.report.accounting == v2.report.accounting
