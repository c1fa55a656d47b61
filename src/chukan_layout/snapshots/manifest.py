"""``snapshot.json``: what a BCP snapshot holds, so it can be verified years later.

Per standard file: its path in the snapshot, layout id and version, record count, size and
SHA-256; per optional Parquet copy the same plus the column types used. Plus the tool version
and ``created_at`` (SOURCE_DATE_EPOCH when set, so a rebuild is byte-identical).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import SnapshotError

FORMAT = "chukan-layout-snapshot/1"
MANIFEST = "snapshot.json"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ParquetCopy(_Model):
    """A Parquet copy of one standard file (zstd; typed where the layout says so and the values allow)."""

    path: str
    size: int
    sha256: str
    columns: dict[str, str]  # item id → Arrow type (string, int64, date32[day], decimal128(p, s))


class SnapshotFile(_Model):
    """One standard-layout file of the snapshot."""

    path: str
    layout_id: str
    layout_version: str
    records: int
    size: int
    sha256: str
    parquet: ParquetCopy | None = None
    reused: bool = False  # records and Parquet copy taken from the base snapshot (same SHA-256)


class Extra(_Model):
    """A file kept beside the standard files: convert's ``gaiji.csv`` (every original 外字 code)."""

    path: str
    size: int
    sha256: str


class Snapshot(_Model):
    """The manifest, written last (its presence means the snapshot is complete)."""

    format: str = FORMAT
    tool_version: str
    created_at: str
    source: str
    files: list[SnapshotFile]
    extras: list[Extra] = []
    base: str | None = None  # the earlier snapshot given to ``create --base`` (what ``reused`` refers to)

    def write(self, folder: Path) -> Path:
        from ..files import atomic_output

        path = folder / MANIFEST
        with atomic_output(path) as f:
            f.write((json.dumps(self.model_dump(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        return path


def created_at() -> str:
    """ISO 8601 UTC: SOURCE_DATE_EPOCH when set (reproducible builds), else the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return now.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def load_manifest(folder: str | Path) -> Snapshot:
    """The snapshot's manifest; :class:`SnapshotError` (exit 2) when missing or unreadable."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise SnapshotError(f"{folder}: no {MANIFEST} (not a snapshot, or an incomplete one)")
    try:
        return Snapshot.model_validate_json(path.read_bytes())
    except (ValidationError, ValueError) as e:
        raise SnapshotError(f"{path}: unreadable manifest: {str(e).splitlines()[0]}") from None
