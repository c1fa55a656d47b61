"""The kernel copy of a snapshot hashes the copy it made (the bytes the snapshot holds), feeds every
byte in order, falls back where the kernel cannot copy, and refuses a source changed while copied."""

from __future__ import annotations

import errno
import hashlib
import io
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.errors import SnapshotError
from chukan_layout.readers.csv_guard import ByteGuard, GuardTripped
from chukan_layout.snapshots import kernelcopy
from chukan_layout.snapshots.count import LineCounter
from chukan_layout.snapshots.kernelcopy import copy_hashed

DATA = ('"氏名","住所"\r\n' + "".join(f'"髙橋{i}","﨑{i}"\r\n' for i in range(20_000))).encode("utf-8")


@pytest.fixture()
def small_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kernelcopy, "STEP", 64 << 10)  # many steps: the hash trails the copy


@pytest.mark.parametrize("refuse", [(), ("copy_file_range",), ("copy_file_range", "sendfile")])
def test_copy_is_exact_and_hashed_from_the_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                small_steps: None, refuse: tuple[str, ...]) -> None:  # fmt: skip
    def refused(*_: Any) -> int:
        raise OSError(errno.EXDEV, "cross-device")

    for name in refuse:  # another filesystem, an old kernel: sendfile, then read/write
        monkeypatch.setattr(os, name, refused)
    src, dest = tmp_path / "a.csv", tmp_path / "b.csv"
    src.write_bytes(DATA)
    seen = bytearray()
    size, sha = copy_hashed(src, dest, lambda b: seen.extend(bytes(b)))
    assert dest.read_bytes() == DATA and bytes(seen) == DATA
    assert (size, sha) == (len(DATA), hashlib.sha256(DATA).hexdigest())
    assert copy_hashed(src, None) == (size, sha)  # no copy: the file itself (snapshot verify)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert copy_hashed(empty, tmp_path / "e2.csv") == (0, hashlib.sha256(b"").hexdigest())


def test_a_source_changed_while_copied_is_an_error(tmp_path: Path, small_steps: None) -> None:
    src = tmp_path / "a.csv"
    src.write_bytes(DATA)

    def append(_: Any) -> None:  # another program appends to the file during the copy
        with open(src, "ab") as f:
            f.write(b'"x","y"\r\n')

    with pytest.raises(SnapshotError, match="changed while"):
        copy_hashed(src, tmp_path / "b.csv", append)


def test_a_failing_consumer_stops_the_copy(tmp_path: Path, small_steps: None) -> None:
    src = tmp_path / "a.csv"
    src.write_bytes(DATA)

    def boom(_: Any) -> None:
        raise ValueError("consumer")

    with pytest.raises(ValueError, match="consumer"):
        copy_hashed(src, tmp_path / "b.csv", boom)


BYTES = st.lists(
    st.sampled_from([b'"', b",", b"\r", b"\n", b"a", b"\x00", b'""', b"\r\n", b"\n\n"]), max_size=40
)


@settings(max_examples=200, deadline=None)
@given(parts=BYTES, split=st.integers(1, 17), empty_lines=st.booleans())
def test_the_count_trips_wherever_the_readers_guard_does(
    parts: list[bytes], split: int, empty_lines: bool
) -> None:
    """One scan makes the guard's checks too: a block the guard stops is never counted."""
    data = b"".join(parts)
    guard = ByteGuard(io.BytesIO(data), empty_lines, 0x22, 0x2C)
    try:
        while guard.read(1 << 20):
            pass
        tripped = False
    except GuardTripped:
        tripped = True
    counter = LineCounter(empty_lines)
    for i in range(0, len(data), split):  # any block boundaries
        counter.feed(memoryview(data)[i : i + split])
    if tripped:
        assert counter.records is None
