"""Concat: an output assembled from part files, written to disk in the background as it grows."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.pipeline import _merge
from chukan_layout.pipeline._merge import Concat


def _parts(tmp: Path, blobs: list[bytes]) -> list[str]:
    out = []
    for i, b in enumerate(blobs):
        p = tmp / f"p{i:04d}.csv"
        p.write_bytes(b)
        out.append(str(p))
    return out


@settings(max_examples=15, deadline=None)
@given(blobs=st.lists(st.binary(max_size=300), max_size=12), every=st.integers(1, 400))
def test_background_syncs_leave_the_bytes_and_hash_of_a_plain_concatenation(
    tmp_path_factory: pytest.TempPathFactory, blobs: list[bytes], every: int
) -> None:
    tmp = tmp_path_factory.mktemp("c")
    head = '"氏名","髙﨑"\r\n'.encode()
    old, _merge.SYNC_BYTES = _merge.SYNC_BYTES, every  # a background fdatasync every few parts
    try:
        c = Concat(tmp / "out.csv", head, remove_parts=True)
        for p in _parts(tmp, blobs):
            c.add(p)
        c.sync()  # every part is in (what the run does before its cross-record checks)
        c.commit()
    finally:
        _merge.SYNC_BYTES = old
    want = head + b"".join(blobs)
    assert (tmp / "out.csv").read_bytes() == want
    assert c.sha256 == hashlib.sha256(want).hexdigest() and c.size == len(want)
    assert sorted(q.name for q in tmp.iterdir()) == ["out.csv"]  # parts removed, no temporary left


def test_an_aborted_output_is_gone_even_with_a_sync_running(tmp_path: Path) -> None:
    c = Concat(tmp_path / "out.csv", b"h\r\n", remove_parts=True)
    for p in _parts(tmp_path, [b"x" * 4096] * 3):
        c.add(p)
    c.sync()
    c.abort()
    assert list(tmp_path.iterdir()) == []
