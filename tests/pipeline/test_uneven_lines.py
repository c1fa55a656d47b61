"""LF/CRLF files split on trust (issue 15): each worker checks the lines of its own range, and a
range holding a line of another length reads on to the end of the file — outputs, rejects and
--strict errors exactly as when the file is read whole."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chukan_layout import pipeline
from chukan_layout.errors import FramingError, UnevenLinesError
from chukan_layout.pipeline.plan import RangeFile, plan
from chukan_layout.synth.generate import GenerateResult, generate

SMALL = 1 << 17  # JUMIN.DAT of 300 residents is ~4 of these


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> GenerateResult:
    return generate(tmp_path_factory.mktemp("town"), vendors="a", residents=300, faults=0.0, seed=5)


def _file(gen: GenerateResult, name: str) -> Path:
    return next(p for p in gen.vendor_files["vendor_a"] if p.name == name)


def _stride(path: Path) -> int:
    with path.open("rb") as f:
        return len(f.readline())


def _uneven(gen: GenerateResult, tmp: Path) -> tuple[Path, Path, int]:
    """JUMIN.DAT with a short line in its 2nd range and a long one in its 3rd, and an LF byte
    inside a record of its 1st and 4th ranges (data: records are framed by length)."""
    src = _file(gen, "JUMIN.DAT")
    stride = _stride(src)
    raw = bytearray(src.read_bytes())
    per = SMALL // stride
    assert len(raw) > 3 * per * stride  # the file really splits into ≥ 4 ranges
    raw[3 * stride + 1000] = raw[(3 * per + 2) * stride + 1000] = 0x0A  # in the padding of 2 records
    long_at = (2 * per + 7) * stride + 900
    raw[long_at:long_at] = b"  "  # record 2·per+8: 2 bytes too long
    short_at = (per + 5) * stride + 1200
    del raw[short_at]  # record per+6: 1 byte short
    jumin = tmp / "JUMIN.DAT"
    jumin.write_bytes(bytes(raw))
    return jumin, _file(gen, "SETAI.DAT"), per + 6


def _digest(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir()) if p.is_file()}


def test_uneven_lines_give_the_outputs_of_the_whole_file(
    town: GenerateResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    jumin, setai, short_record = _uneven(town, tmp_path)
    parts = plan([("jumin", jumin, _definition("jumin"))], partition_bytes=SMALL)
    assert len(parts) >= 4 and all(p.lines == _stride(_file(town, "JUMIN.DAT")) for p in parts)
    outs = {}
    for name, kw in {"whole": {"workers": 1}, "split": {"workers": 1, "partition_bytes": SMALL},
                     "par": {"workers": 2, "partition_bytes": SMALL}}.items():  # fmt: skip
        res = pipeline.convert("vendor_a", [jumin, setai], tmp_path / name, **kw)  # type: ignore[arg-type]
        assert all(f.balanced for f in res.files)
        outs[name] = _digest(tmp_path / name)
        assert not [q for q in (tmp_path / name).iterdir() if q.name.startswith(".chukan-parts-")]
    assert outs["whole"] == outs["split"] == outs["par"]
    rejects = outs["whole"]["rejects.csv"].decode("utf-8")
    assert f"JUMIN.DAT,{short_record}," in rejects and rejects.count("read.framing") == 2


def test_strict_names_the_line_in_the_file_not_in_its_range(town: GenerateResult, tmp_path: Path) -> None:
    jumin, _, short_record = _uneven(town, tmp_path)
    errors = []
    for kw in (
        {"workers": 1},
        {"workers": 1, "partition_bytes": SMALL},
        {"workers": 2, "partition_bytes": SMALL},
    ):
        with pytest.raises(FramingError) as e:
            pipeline.convert("vendor_a", [jumin], tmp_path / "o", policy="strict", **kw)  # type: ignore[arg-type]
        assert type(e.value) is FramingError
        errors.append(str(e.value))
    assert errors[0] == errors[1] == errors[2]
    assert errors[0].startswith(f"JUMIN.DAT, record {short_record}, byte offset ")


def test_range_file_checks_every_terminator_of_its_range(tmp_path: Path) -> None:
    rec = b"x" * 6 + b"\r\n"  # stride 8
    path = tmp_path / "F.DAT"
    path.write_bytes(rec * 10 + b"tail")
    with RangeFile(path, 16, 48, (8, True)) as f:  # records 3-6, read in odd pieces
        assert b"".join(iter(lambda: f.read(5), b"")) == rec * 4
    with RangeFile(path, 72, None, (8, True)) as f:  # the last range: the tail is no line
        assert f.read() == rec + b"tail"
    path.write_bytes(rec * 4 + b"x" * 6 + b"\n\n" + rec * 5)  # record 5: LF without its CR
    with RangeFile(path, 16, 56, (8, False)) as f:
        assert len(f.read()) == 40  # LF framing: fine
    for size in (3, 7, 100):
        with RangeFile(path, 16, 56, (8, True)) as f, pytest.raises(UnevenLinesError) as e:
            while f.read(size):
                pass
        assert e.value.offset == 32 and e.value.file == "F.DAT"
    path.write_bytes(rec * 3 + b"x" * 7 + rec * 5)  # record 4 is one byte short
    with RangeFile(path, 0, 64, (8, True)) as f, pytest.raises(UnevenLinesError) as e:
        f.read(24)
        f.read()
    assert e.value.offset == 24
    with RangeFile(path, 0, 24, (8, True)) as f:  # the ranges before it are fine
        assert f.read() == rec * 3


def _definition(source: str):  # type: ignore[no-untyped-def]
    from chukan_layout.adapt.loader import load_adapter

    return load_adapter("vendor_a").sources[source].definition


def test_void_ranges_leave_no_part_files(town: GenerateResult, tmp_path: Path) -> None:
    """The ranges after the one that read the rest of the file do no work and leave nothing behind."""
    from chukan_layout.pipeline._worker import run_partition
    from chukan_layout.pipeline._worker_state import RunConfig, WorkerState
    from chukan_layout.pipeline.options import ConvertOptions

    jumin, _, _ = _uneven(town, tmp_path)
    parts_dir = tmp_path / "parts"
    parts_dir.mkdir()
    st = WorkerState(RunConfig(ConvertOptions(), "vendor_a", str(parts_dir)))
    parts = plan([("jumin", jumin, _definition("jumin"))], partition_bytes=SMALL)
    results = [run_partition(st, p) for p in parts]
    assert [r.rest_of_file for r in results] == [False, True] + [False] * (len(parts) - 2)
    assert all(r.void for r in results[2:]) and not any(r.void for r in results[:2])
    assert sum(r.records_seen for r in results[:2]) == jumin.read_bytes().count(b"\r\n")
    left = sorted(os.listdir(parts_dir))
    assert not [n for n in left if n.startswith(tuple(f"p{p.index:06d}" for p in parts[2:]))]
