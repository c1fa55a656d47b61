"""VB files split at the block boundaries a walk of their BDW and RDW chains proves (issue 15 point 5)."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout import convert
from chukan_layout.adapt.loader import Adapter, load_adapter
from chukan_layout.pipeline.plan import plan
from chukan_layout.pipeline.vb_split import vb_cuts
from chukan_layout.readers.definition import Framing
from chukan_layout.synth.generate import generate

from .test_rdw_split import _outputs  # the run's CSVs and report, the partitions note apart
from .test_resync_convert import _rdw_offsets


def _vb_file(blocks: list[list[int]]) -> tuple[bytes, list[int], list[int]]:
    """A VB file of ``blocks`` (each a list of record payload lengths): its bytes, each block's
    offset and the records before each block."""
    out, starts, before, n = bytearray(), [], [], 0
    for i, lengths in enumerate(blocks):
        body = b"".join(
            (k + 4).to_bytes(2, "big") + b"\0\0" + bytes([0x40 + (i + k) % 9]) * k for k in lengths
        )
        starts.append(len(out))
        before.append(n)
        out += (len(body) + 4).to_bytes(2, "big") + b"\0\0" + body
        n += len(lengths)
    return bytes(out), starts, before


_BLOCKS = st.lists(
    st.one_of(
        st.lists(st.integers(1, 300), max_size=12),  # mixed lengths (and empty blocks)
        st.builds(lambda k, n: [k] * n, st.integers(1, 120), st.integers(1, 40)),  # one length per block
    ),
    max_size=80,
)


@settings(max_examples=60, deadline=None)
@given(blocks=_BLOCKS, partition=st.integers(64, 8192))
def test_cuts_are_block_boundaries_with_the_records_before_them(
    tmp_path_factory: pytest.TempPathFactory, blocks: list[list[int]], partition: int
) -> None:
    data, starts, before = _vb_file(blocks)
    path = tmp_path_factory.mktemp("vb") / "JUMIN.VB"
    path.write_bytes(data)
    cuts, why = vb_cuts(path, partition)
    assert why is None
    where = dict(zip(starts, before, strict=True))
    for prev, c in zip([None, *cuts], cuts, strict=False):
        assert where[c.offset] == c.records  # a block starts there, after exactly c.records records
        assert 0 < c.offset < len(data) and (prev is None or c.offset - prev.offset >= partition)
    first = [s for s in starts if s >= partition]
    if cuts:
        assert cuts[0].offset == first[0]  # the first block boundary past one partition
    else:
        assert len(data) <= partition or not first or len(data) - first[0] < partition // 4


def _damaged(data: bytes, starts: list[int]) -> dict[str, tuple[bytes, str]]:
    b2 = starts[2]
    return {
        "bad BDW": (data[:b2 + 2] + b"\x40\x40" + data[b2 + 4 :], f"BDW chain breaks at byte offset {b2} "),
        "bad RDW": (data[:b2 + 6] + b"\x40\x40" + data[b2 + 8 :], f"records of a block break at byte offset {b2 + 4} "),
        "short": (data[:-3], f"block at byte offset {starts[-1]} runs past the end"),
        "tail": (data + b"\0\x09", "BDW chain ends 2 bytes before the end of the file"),
    }  # fmt: skip


@pytest.mark.parametrize("kind", ["bad BDW", "bad RDW", "short", "tail"])
def test_framing_that_breaks_keeps_the_file_whole(tmp_path: Path, kind: str) -> None:
    data, starts, _ = _vb_file([[90] * 5] * 30)
    bad, why = _damaged(data, starts)[kind]
    path = tmp_path / "x.vb"
    path.write_bytes(bad)
    cuts, reason = vb_cuts(path, 512)
    assert cuts == [] and reason is not None and why in reason


def _as_vb(rdw: bytes, block: int = 32760) -> bytes:
    """An RDW file's records re-blocked into VB blocks of at most ``block`` bytes."""
    offsets = [*_rdw_offsets(rdw), len(rdw)]
    out, lo, used = bytearray(), 0, 4
    for a, z in itertools.pairwise(offsets):
        if used + z - a > block:
            out += used.to_bytes(2, "big") + b"\0\0" + rdw[lo:a]
            lo, used = a, 4
        used += z - a
    out += used.to_bytes(2, "big") + b"\0\0" + rdw[lo:]
    return bytes(out)


@pytest.fixture(scope="module")
def vb_town(tmp_path_factory: pytest.TempPathFactory) -> tuple[Adapter, list[Path]]:
    root = tmp_path_factory.mktemp("vendor_c")
    generate(root, vendors="c", residents=400, seed=12, faults=0.03)
    src = root / "vendor_c"
    vb = root / "vb"
    vb.mkdir()
    files = []
    for name in ("JUMIN.EBC", "SETAI.EBC"):
        (vb / name).write_bytes(_as_vb((src / name).read_bytes(), block=6000))
        files.append(vb / name)
    a = load_adapter("vendor_c")
    sources = {k: dataclasses.replace(s, definition=s.definition.model_copy(update={"framing": Framing.VB}))
               for k, s in a.sources.items()}  # fmt: skip
    return dataclasses.replace(a, sources=sources), files


def test_a_split_vb_run_gives_the_outputs_of_a_whole_one(vb_town: tuple[Adapter, list[Path]], tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    adapter, files = vb_town
    small = 1 << 16
    assert files[0].stat().st_size > 4 * small  # the test really splits
    parts = plan([("jumin", files[0], adapter.sources["jumin"].definition)], partition_bytes=small,
                 header_of=lambda s, p: {})  # fmt: skip
    assert len(parts) > 3 and parts[0].first_record == 1 and parts[-1].end is None
    runs = {}
    for name, kw in {"whole": {"workers": 1}, "split": {"workers": 1, "partition_bytes": small},
                     "par": {"workers": 2, "partition_bytes": small}}.items():  # fmt: skip
        res = convert(adapter, files, tmp_path / name, **kw)  # type: ignore[arg-type]
        runs[name] = _outputs(tmp_path / name)
        assert res.files[0].records_in > 400  # read as VB (the faults planted a few read rejects)
    notes = {k: runs[k].pop("partitions").decode() for k in runs}
    assert runs["whole"] == runs["split"] == runs["par"]
    assert "BDW and RDW chains walked" in notes["split"] and "chains walked" not in notes["whole"]
    assert {"juki_jumin.csv", "juki_setai.csv", "findings.csv"} <= set(runs["whole"])
    rdw = [f.parent.parent / "vendor_c" / f.name for f in files]  # the same records, RDW-framed
    convert("vendor_c", rdw, tmp_path / "rdw", workers=1)
    for name in ("juki_jumin.csv", "juki_setai.csv"):
        assert (tmp_path / "rdw" / name).read_bytes() == runs["split"][name]


def test_a_broken_vb_file_is_read_whole_and_the_report_says_why(vb_town: tuple[Adapter, list[Path]],
                                                                tmp_path: Path) -> None:  # fmt: skip
    adapter, files = vb_town
    data = bytearray(files[0].read_bytes())
    blen = int.from_bytes(data[:2], "big")
    at = blen + 4  # the first RDW of the second block
    data[at + 2 : at + 4] = b"\x40\x40"
    bad = tmp_path / "in" / "JUMIN.EBC"
    bad.parent.mkdir()
    bad.write_bytes(bytes(data))
    whole = convert(adapter, [bad], tmp_path / "whole", workers=1)
    split = convert(adapter, [bad], tmp_path / "split", workers=2, partition_bytes=1 << 16)
    a, b = _outputs(tmp_path / "whole"), _outputs(tmp_path / "split")
    note = b.pop("partitions").decode()
    a.pop("partitions")
    assert a == b and f"the records of a block break at byte offset {at}" in note
    assert whole.files[0].read_rejected == split.files[0].read_rejected >= 1
