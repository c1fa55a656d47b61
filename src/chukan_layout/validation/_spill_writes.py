"""Appending a bucket's buffered pairs to its spill file: one gathering write (``os.writev``) per
bucket, each buffer as is (no copy through ``tobytes`` or a file object's buffer); a 1M-resident
convert spills ~100 times into 16 buckets per store."""

from __future__ import annotations

import os

import numpy as np

_APPEND = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
_IOV_MAX = 512  # buffers per writev (POSIX guarantees ≥ 16; Linux takes 1024)


def _write_all(fd: int, views: list[memoryview]) -> None:
    """Write every byte of ``views`` to ``fd`` (``os.writev``, continued after a short write)."""
    views = [v.cast("B") for v in views if v.nbytes]  # sliced by bytes below
    if not hasattr(os, "writev"):  # not on Windows
        for v in views:
            while v.nbytes:
                v = v[os.write(fd, v) :]
        return
    while views:
        n = os.writev(fd, views)
        while views and n >= views[0].nbytes:
            n -= views[0].nbytes
            views.pop(0)
        if views and n:
            views[0] = views[0][n:]


def append_buffers(path: str, buffers: list[np.ndarray]) -> None:
    """Append every byte of ``buffers`` to the file ``path`` (created private, ``0o600``)."""
    fd = os.open(path, _APPEND, 0o600)
    try:
        views = [b.data for b in buffers]
        for lo in range(0, len(views), _IOV_MAX):  # writev takes at most IOV_MAX buffers
            _write_all(fd, views[lo : lo + _IOV_MAX])
    finally:
        os.close(fd)
