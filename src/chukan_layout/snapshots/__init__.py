"""BCP snapshots: verified copies of standard-layout files, and the way back from them.

- :mod:`.manifest` — ``snapshot.json`` (per file SHA-256, records, layout id and version).
- :mod:`.create` — :func:`create_snapshot` (``snapshot create``), built in a staging folder.
- :mod:`.parquet` — optional typed Parquet copies (zstd).
- :mod:`.verify` — :func:`verify_snapshot` and :func:`restore_snapshot` (``snapshot verify|restore``).
- :mod:`.diff` — :func:`diff_snapshots` (``snapshot diff``), through the reconcile engine.
"""

from __future__ import annotations

from .create import create_snapshot
from .diff import DiffResult, diff_snapshots
from .manifest import Snapshot, load_manifest
from .verify import VerifyResult, restore_snapshot, verify_snapshot

__all__ = [
    "DiffResult",
    "Snapshot",
    "VerifyResult",
    "create_snapshot",
    "diff_snapshots",
    "load_manifest",
    "restore_snapshot",
    "verify_snapshot",
]
