"""validation.store: spill writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st


def test_spill_writes_every_byte_after_short_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A spill writes each bucket's buffers in one gathering write; a short write (a signal, a
    full disk's last bytes) is continued where it stopped, as is the plain-write fallback."""
    import os

    from chukan_layout.validation import store

    real = os.writev
    monkeypatch.setattr(os, "writev", lambda fd, bufs: real(fd, [bytes(b)[:7] for b in bufs[:1]]))
    views = [np.arange(10, dtype=np.int64).data, np.arange(3, dtype=np.int64).data]
    p = tmp_path / "a.bin"
    fd = os.open(p, os.O_WRONLY | os.O_CREAT)
    store._write_all(fd, views)
    os.close(fd)
    assert p.read_bytes() == np.arange(10, dtype=np.int64).tobytes() + np.arange(3, dtype=np.int64).tobytes()
    monkeypatch.delattr(os, "writev")
    q = tmp_path / "b.bin"
    fd = os.open(q, os.O_WRONLY | os.O_CREAT)
    store._write_all(fd, views)
    os.close(fd)
    assert q.read_bytes() == p.read_bytes()


def _duplicate_pairs_reference(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The plain definition: one three-key sort of every pair, the runs of a code kept."""
    from chukan_layout.validation.store import codes_of, same_as_previous

    sp = pairs[np.lexsort((pairs["pos"], pairs["lo"], pairs["hi"]))]
    same = same_as_previous(sp["hi"], sp["lo"])
    keep = np.zeros(sp.size, dtype=bool)
    keep[1:] |= same
    keep[:-1] |= same
    return codes_of(sp[keep]), sp["pos"][keep]


@settings(max_examples=200, deadline=None)
@given(
    his=st.lists(st.integers(0, 5), max_size=60),
    los=st.lists(st.integers(0, 2), max_size=60),
    wide=st.booleans(),
    in_order=st.booleans(),
)
def test_duplicate_pairs_equals_the_three_key_sort(
    his: list[int], los: list[int], wide: bool, in_order: bool
) -> None:
    """Codes that share ``hi`` but not ``lo`` (a 64-bit half colliding) are no duplicates; codes that
    repeat are listed by code, then position — as the sort of every pair by all three keys lists them.
    ``in_order``: the pairs sorted by code first, as a file sorted by its key gives them (the shortcut)."""
    from chukan_layout.validation.store import PAIR, duplicate_pairs

    n = min(len(his), len(los))
    pairs = np.zeros(n, PAIR)
    top = np.uint64(1 << 63) if wide else np.uint64(0)  # the hash-code flag bit set, as keys of text carry it
    pairs["hi"] = np.array(his[:n], np.uint64) | top
    pairs["lo"] = np.array(los[:n], np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    pairs["pos"] = np.arange(n, dtype=np.int64)[::-1] * 3
    if in_order:
        pairs = pairs[np.lexsort((pairs["lo"], pairs["hi"]))]
    got, want = duplicate_pairs(pairs), _duplicate_pairs_reference(pairs)
    assert got[0].dtype == want[0].dtype and got[1].dtype == want[1].dtype
    assert got[0].tolist() == want[0].tolist() and got[1].tolist() == want[1].tolist()
