"""``snapshot diff A B``: what changed between two backups.

Files are paired by layout. A layout whose files have the same SHA-256 on both sides (hashed as
they are now) is *unchanged* without parsing a record. For the others the reconcile engine
(:func:`chukan_layout.reconciliation.reconcile`) compares the records by the layout's key:
added (only in B), removed (only in A), changed (same key, different values). A layout present
on one side only is listed as added / removed whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..files import sha256_file
from .manifest import SnapshotFile, load_manifest


@dataclass
class LayoutDiff:
    layout_id: str
    status: str  # unchanged | changed | added | removed
    records_a: int = 0
    records_b: int = 0
    added: int | None = None  # records only in B (None: not compared)
    removed: int | None = None
    changed: int | None = None
    files_a: list[str] = field(default_factory=list)
    files_b: list[str] = field(default_factory=list)


@dataclass
class DiffResult:
    layouts: list[LayoutDiff]
    report_paths: dict[str, Path] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """0: the snapshots hold the same data; 1: they differ (like ``diff``)."""
        return 0 if all(d.status == "unchanged" for d in self.layouts) else 1


def _by_layout(files: list[SnapshotFile]) -> dict[str, list[SnapshotFile]]:
    out: dict[str, list[SnapshotFile]] = {}
    for f in files:
        out.setdefault(f.layout_id, []).append(f)
    return out


def _sha(root: Path, f: SnapshotFile) -> str:
    """The file's SHA-256 as it is now (a manifest is not trusted for a diff; ``verify`` says why)."""
    p = root / f.path
    return sha256_file(p)[1] if p.is_file() else f"missing:{f.path}"


def diff_snapshots(a: str | Path, b: str | Path, out_dir: str | Path | None = None) -> DiffResult:
    """Compare snapshot ``a`` (older) with ``b`` (newer); ``out_dir``: where the reconcile report goes."""
    ra, rb = Path(a), Path(b)
    ma, mb = _by_layout(load_manifest(ra).files), _by_layout(load_manifest(rb).files)
    diffs: list[LayoutDiff] = []
    to_compare: list[LayoutDiff] = []
    for lid in sorted(set(ma) | set(mb)):
        fa, fb = ma.get(lid, []), mb.get(lid, [])
        d = LayoutDiff(lid, "unchanged", sum(f.records for f in fa), sum(f.records for f in fb),
                       files_a=[f.path for f in fa], files_b=[f.path for f in fb])  # fmt: skip
        if not fa:
            d.status, d.added = "added", d.records_b
        elif not fb:
            d.status, d.removed = "removed", d.records_a
        elif sorted(_sha(ra, f) for f in fa) != sorted(_sha(rb, f) for f in fb):
            d.status = "changed"
            to_compare.append(d)
        else:
            d.added = d.removed = d.changed = 0
        diffs.append(d)
    paths: dict[str, Path] = {}
    if to_compare:
        from ..reconciliation import reconcile

        old = [ra / p for d in to_compare for p in d.files_a]
        new = [rb / p for d in to_compare for p in d.files_b]
        layouts = {Path(p).name: d.layout_id for d in to_compare for p in d.files_a + d.files_b}
        res = reconcile(old, new, out_dir, layouts=layouts)
        paths = dict(res.paths)
        by = {lr.layout_id: lr for lr in res.report.layouts}
        for d in to_compare:
            lr = by.get(d.layout_id)
            if lr is not None:
                d.added, d.removed, d.changed = lr.only_new, lr.only_old, lr.changed
                d.records_a, d.records_b = lr.old_records, lr.new_records  # as read, not as recorded
    return DiffResult(diffs, paths)
