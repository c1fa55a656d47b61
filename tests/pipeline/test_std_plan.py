"""validate hands out byte ranges while the split scan still runs (pipeline._std_plan): same findings
and accounting as one partition; a late byte the scan cannot prove voids the ranges already handed
out (whole file, with the reason); per-range cleanliness never leaves the guard off where it trips."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.files import sha256_file
from chukan_layout.input_hashes import ForkedHashes
from chukan_layout.pipeline._std_plan import StdPlan
from chukan_layout.pipeline.csv_split import CsvScanner, csv_scan
from chukan_layout.pipeline.standard import validate_files
from chukan_layout.readers.csv_guard import ByteGuard, GuardTripped
from chukan_layout.readers.definition import CsvDefinition
from chukan_layout.synth.generate import GenerateResult, generate


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> GenerateResult:
    return generate(tmp_path_factory.mktemp("t"), vendors="standard", residents=200, faults=0.03, seed=5)


def _same(a: object, b: object) -> None:
    assert a.report.findings == b.report.findings  # type: ignore[attr-defined]
    assert a.report.accounting == b.report.accounting  # type: ignore[attr-defined]


def _variant(src: Path, dst: Path, at: float, old: bytes, new: bytes) -> Path:
    """``src`` with the first ``old`` after ``at`` of its length replaced by ``new``."""
    data = src.read_bytes()
    k = data.index(old, int(len(data) * at))
    dst.write_bytes(data[:k] + new + data[k + len(old) :])
    return dst


def test_ranges_handed_out_early_give_the_findings_of_one_partition(
    town: GenerateResult, tmp_path: Path
) -> None:
    jumin = town.standard["juki.jumin"]
    whole = validate_files([jumin], layout="juki.jumin", workers=1, partition_bytes=1 << 40)
    split = validate_files([jumin], layout="juki.jumin", workers=2, partition_bytes=1 << 14)
    assert "byte ranges at record boundaries" in split.report.options.extra["partitions"]
    _same(whole, split)
    # a NUL in one range: that range keeps its guard (careful path, a reject), the others not
    nul = _variant(jumin, tmp_path / "juki_jumin.csv", 0.5, b'","', b'","\x00')
    _same(validate_files([nul], layout="juki.jumin", workers=1, partition_bytes=1 << 40),
          validate_files([nul], layout="juki.jumin", workers=2, partition_bytes=1 << 14))  # fmt: skip


def test_inputs_hashed_by_a_forked_child_are_only_split_by_the_scan(
    town: GenerateResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [town.standard["juki.jumin"], town.standard["juki.setai"]]
    base = validate_files(files, layouts_auto=True, workers=2, partition_bytes=1 << 14)
    hashed: list[str] = []
    monkeypatch.setattr(CsvScanner, "_hash", lambda self, data: hashed.append(str(self.path)))
    with ForkedHashes(files) as fh:
        got = validate_files(files, layouts_auto=True, workers=2, partition_bytes=1 << 14, hashes=fh)
    assert not hashed  # the scan split the files without hashing them
    assert "byte ranges at record boundaries" in got.report.options.extra["partitions"]
    assert got.report.inputs == base.report.inputs
    assert {i.file_id: i.sha256 for i in got.report.inputs} == {p.name: sha256_file(p)[1] for p in files}
    _same(base, got)
    # a child that delivered nothing (failed, or a file changed): hashed at the end instead
    monkeypatch.setattr(ForkedHashes, "result", lambda self: {})
    with ForkedHashes(files) as fh:
        again = validate_files(files, layouts_auto=True, workers=2, partition_bytes=1 << 14, hashes=fh)
    assert again.report.inputs == base.report.inputs


def test_a_late_unprovable_quote_voids_the_ranges_handed_out(town: GenerateResult, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setattr(StdPlan, "scan_block", 1 << 12)  # cuts proven (and handed out) before the bad quote
    jumin = town.standard["juki.jumin"]
    bad = _variant(jumin, tmp_path / "juki_jumin.csv", 0.9, b'","', b'",x"')  # a quote after text
    files = [bad, town.standard["juki.setai"]]
    whole = validate_files(files, layouts_auto=True, workers=1, partition_bytes=1 << 40)
    split = validate_files(files, layouts_auto=True, workers=2, partition_bytes=1 << 14)
    note = split.report.options.extra["partitions"]
    assert "juki_jumin.csv: one partition: a quote not at a field boundary" in note
    assert "juki_setai.csv: " in note and "byte ranges" in note  # the next file is still split
    _same(whole, split)


BYTES = st.lists(st.sampled_from([b'"', b",", b"\r\n", b"\n", b"a", b'""', "髙".encode("cp932"), b"\x00"]),
                 max_size=200).map(b"".join)  # fmt: skip


@settings(max_examples=120, deadline=None)
@given(BYTES, st.integers(1, 40), st.integers(1, 130))
def test_a_clean_range_never_trips_the_guard(tmp_path_factory: pytest.TempPathFactory, data: bytes, step: int,
                                            block: int) -> None:  # fmt: skip
    p = tmp_path_factory.mktemp("r") / "x.csv"
    p.write_bytes(data)
    scanner = CsvScanner(p, CsvDefinition(encoding="cp932"), step, block=block)
    handed = list(scanner)
    scan = csv_scan(p, CsvDefinition(encoding="cp932"), step, block=block)
    assert scanner.why == scan.why
    if scanner.why is not None:
        return
    assert [c for c, _ in handed] == scan.cuts and scanner.clean == scan.clean
    bounds = [0, *(c.offset for c, _ in handed), len(data)]
    flags = [ok for _, ok in handed] + [scanner.last_clean]
    assert all(flags) or not scan.clean  # the whole file clean: every range clean
    for (lo, hi), ok in zip(itertools.pairwise(bounds), flags, strict=True):
        if ok:
            g = ByteGuard(io.BytesIO(data[lo:hi]), True, ord('"'), ord(","))
            try:
                while g.read(max(1, block // 3)):
                    pass
            except GuardTripped:  # pragma: no cover - the failure this test is for
                pytest.fail(f"range {lo}:{hi} marked clean trips the guard")
