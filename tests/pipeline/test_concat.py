"""Concat: an output assembled from part files, written to disk in the background as it grows."""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.errors import OutputError
from chukan_layout.files import AppendAt
from chukan_layout.pipeline import _concat
from chukan_layout.pipeline._concat import Concat
from chukan_layout.pipeline.executors import Chores


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
    old, _concat.SYNC_BYTES = _concat.SYNC_BYTES, every  # a background fdatasync every few parts
    try:
        c = Concat(tmp / "out.csv", head, remove_parts=True)
        for p in _parts(tmp, blobs):
            c.add(p)
        c.sync()  # every part is in (what the run does before its cross-record checks)
        c.commit()
    finally:
        _concat.SYNC_BYTES = old
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


@settings(max_examples=20, deadline=None)
@given(blobs=st.lists(st.binary(max_size=300), max_size=12), order=st.randoms(use_true_random=False),
       local=st.sets(st.integers(0, 11)))  # fmt: skip
def test_copies_handed_to_workers_leave_the_bytes_and_hash_of_a_plain_concatenation(
    tmp_path_factory: pytest.TempPathFactory, blobs: list[bytes], order: Random, local: set[int]
) -> None:
    """With ``remote``, this process hashes each part and hands its copy out (AppendAt); the
    copies run in any order (workers), and parts appended here meanwhile land after them."""
    tmp = tmp_path_factory.mktemp("r")
    head = '"氏名","髙﨑"\r\n'.encode()
    chores = Chores()
    c = Concat(tmp / "out.csv", head, remove_parts=True, remote=chores.put)
    for i, p in enumerate(_parts(tmp, blobs)):
        if i in local:  # the parent copies some itself (the chores put after the last task)
            chores.run_left()
        c.add(p)
    handed = chores.take()
    order.shuffle(handed)
    for chore in handed:  # pickled to a worker and run there (twice: a task retried elsewhere)
        pickle.loads(pickle.dumps(chore))()
        chore()
    c.sync()
    c.commit()
    want = head + b"".join(blobs)
    assert (tmp / "out.csv").read_bytes() == want
    assert c.sha256 == hashlib.sha256(want).hexdigest() and c.size == len(want)
    assert sorted(q.name for q in tmp.iterdir()) == ["out.csv"]  # parts removed, no temporary left


def test_a_copy_not_in_place_fails_the_commit_and_a_late_one_finds_no_output(tmp_path: Path) -> None:
    chores = Chores()
    c = Concat(tmp_path / "out.csv", b"h\r\n", remove_parts=True, remote=chores.put)
    for p in _parts(tmp_path, [b"x" * 100, b"y" * 50]):
        c.add(p)
    first, last = chores.take()
    first()
    os.unlink(last.src)  # (as if copied already: a copy run again does nothing)
    last()
    with pytest.raises(OutputError, match=r"out\.csv: 103 bytes in place, 153 merged"):
        c.commit()
    c.abort()
    (tmp_path / "late.csv").write_bytes(b"z" * 50)
    with pytest.raises(FileNotFoundError):  # the output was abandoned: a late copy never recreates it
        AppendAt(str(tmp_path / "late.csv"), last.dst, last.offset, 50)()
    assert not (tmp_path / "out.csv").exists() and not list(tmp_path.glob(".out.csv*"))


def test_a_copy_missing_between_copies_made_fails_the_commit(tmp_path: Path) -> None:
    """The file has its full size once the last copy is in, yet a hole where a lost copy belongs."""
    chores = Chores()
    c = Concat(tmp_path / "out.csv", b"h\r\n", remove_parts=True, remote=chores.put)
    for p in _parts(tmp_path, ["髙﨑".encode() * 10, b"y" * 50, "ｶﾞｷﾞ".encode() * 5]):
        c.add(p)
    first, _lost, last = chores.take()
    first()
    last()
    with pytest.raises(OutputError, match=r"out\.csv: the copy of part .* was never made"):
        c.commit()
    c.abort()
    assert not (tmp_path / "out.csv").exists()
