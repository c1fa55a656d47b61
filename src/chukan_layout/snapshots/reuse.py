"""``snapshot create --base PREVIOUS``: what a periodic snapshot need not compute again.

A BCP snapshot is taken every month or week, and most files do not change between two. The
SHA-256 of each file is computed anyway while it is copied; when it equals the SHA-256 the base
snapshot recorded for the same file (same name, layout id, layout version, and the same tool
version, so the same Parquet writer), the base's record count is the count of these bytes and
the base's Parquet copy is the Parquet copy of these bytes: the file is copied and hashed, and
nothing is parsed.

The reused Parquet is hard-linked into the new snapshot when both are on one filesystem (no
bytes written; the two snapshots then share that file's inode, which ``verify`` of either
checks by hash), else copied. Either way it is read and hashed first and must match the hash
the base recorded for it, so a base whose Parquet copy was damaged is not reused (the file is
converted again). Reuse is by content only: a file whose hash differs by one bit is parsed and
converted like in a snapshot without a base. The manifest marks a reused file (``reused``) and
names the base (``base``); ``verify`` treats it like any other (hashes, records counted again).
"""

from __future__ import annotations

import errno
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..files import sha256_file
from .manifest import Snapshot


@dataclass(frozen=True)
class Reuse:
    """What the base snapshot recorded for one file (all it takes to reuse it)."""

    size: int
    sha256: str
    records: int
    parquet: str | None = None  # absolute path of the base's Parquet copy
    parquet_size: int = 0
    parquet_sha256: str = ""
    columns: dict[str, str] | None = None


def reusable(base: Snapshot, base_dir: Path, versions: dict[str, str]) -> dict[str, Reuse]:
    """File name → what the base recorded, for the files whose layout version (``versions``: layout
    id → current version) and tool version are unchanged; empty for a base of another tool version."""
    if base.tool_version != __version__:
        return {}
    out: dict[str, Reuse] = {}
    for f in base.files:
        if versions.get(f.layout_id) != f.layout_version:
            continue
        pq = f.parquet
        out[Path(f.path).name] = Reuse(
            f.size, f.sha256, f.records, None if pq is None else str(base_dir / pq.path),
            0 if pq is None else pq.size, "" if pq is None else pq.sha256, None if pq is None else pq.columns,
        )  # fmt: skip
    return out


def take_parquet(reuse: Reuse, dest: Path) -> bool:
    """Hard-link (or copy) the base's Parquet copy to ``dest`` if it still has the recorded hash;
    False (and nothing at ``dest``) when it is missing or changed."""
    if reuse.parquet is None:
        return False
    src = Path(reuse.parquet)
    try:
        os.link(src, dest)
    except FileNotFoundError:
        return False
    except OSError as e:
        if e.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        shutil.copyfile(src, dest)
    if sha256_file(dest) != (reuse.parquet_size, reuse.parquet_sha256):
        dest.unlink()
        return False
    return True
