"""input_hashes.ForkedHashes: a child process's SHA-256 of the inputs equals hashlib's, leaves out
a file changed since the start, and is stopped when its result is not taken."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from chukan_layout.input_hashes import ForkedHashes


def _digests(paths: list[Path]) -> dict[str, tuple[int, str]]:
    return {str(p): (p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest()) for p in paths}


def test_forked_hashes_equal_hashlib(assorted_files: list[Path]) -> None:
    with ForkedHashes(assorted_files) as fh:
        assert fh.result() == _digests(assorted_files)  # the empty file and the 3 MiB one included
        assert fh.result() == _digests(assorted_files)  # taken once, kept


def test_a_file_changed_since_the_start_is_left_out(assorted_files: list[Path]) -> None:
    with ForkedHashes(assorted_files) as fh:
        with assorted_files[1].open("ab") as f:
            f.write("髙".encode())
        got = fh.result()
    assert str(assorted_files[1]) not in got  # whatever the child read of it
    assert got == {k: v for k, v in _digests(assorted_files).items() if k != str(assorted_files[1])}


def test_close_stops_a_child_whose_result_is_not_taken(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_bytes(os.urandom(1 << 20) * 32)
    fh = ForkedHashes([big])
    pid = fh._pid
    assert pid
    fh.close()
    with pytest.raises(ChildProcessError):  # reaped: no zombie left behind
        os.waitpid(pid, 0)
    assert fh.result() == {}


def test_without_fork_nothing_starts(assorted_files: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "fork")
    with ForkedHashes(assorted_files) as fh:
        assert fh.result() == {}


def test_only_regular_files_are_hashed(assorted_files: list[Path], tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # a pipe read by the child would be lost to the run
    with ForkedHashes([fifo, assorted_files[1]]) as fh:
        assert fh.paths == [str(assorted_files[1])]
        assert fh.result() == _digests([assorted_files[1]])
