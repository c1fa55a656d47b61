"""``snapshot verify`` and ``snapshot restore``: is the copy still what was kept, and the way back.

Verify checks, per file of the manifest: it exists, its size and SHA-256 match, its record count
matches (read again), its layout still has the recorded version; the Parquet copies' hashes; and
(unless ``validate=False``) re-validates the standard files with the recorded layouts. Exit code
0: verified; 1: something changed, is missing or no longer validates (each problem names its
file); 2: not a snapshot (:class:`SnapshotError`).

Restore verifies first and refuses a snapshot that fails unless ``force``; then it exports the
standard files of the layouts the profile exports (the others are listed, not exported) with an export profile (:func:`chukan_layout.export`) — the way back after a
disaster or a vendor exit — with the snapshot's ``evidence/gaiji.csv`` (when kept) as 外字 evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SnapshotError
from ..files import sha256_file
from .filecopy import FileCopy, scan_file
from .manifest import MANIFEST, Snapshot, SnapshotFile, load_manifest


@dataclass
class VerifyResult:
    """Problems found (empty: verified), one line each naming its file."""

    folder: Path
    snapshot: Snapshot
    problems: list[str] = field(default_factory=list)
    checked: int = 0
    validation: str | None = None  # the re-validation verdict (pass / warn / fail), None when skipped
    not_restored: list[str] = field(
        default_factory=list
    )  # restore: files of layouts the profile does not export

    @property
    def exit_code(self) -> int:
        return 1 if self.problems else 0


def _changed(f: SnapshotFile, size: int, sha: str) -> str:
    return f"{f.path}: changed (SHA-256 {sha[:12]}… ≠ recorded {f.sha256[:12]}…, {size} vs {f.size} bytes)"


def _scan_one(
    state: dict[str, Any], task: tuple[str, str, str | None]
) -> tuple[FileCopy | str, tuple[int, str] | None]:
    """(size, SHA-256, records) of one standard file — or why it is unreadable — and its Parquet copy's hash."""
    from ..spec.registry import load_layout

    path, layout_id, parquet = task
    if layout_id not in state:
        state[layout_id] = load_layout(layout_id).spec
    try:
        scan: FileCopy | str = scan_file(Path(path), state[layout_id])  # one read: size, SHA-256 and records
    except Exception as e:
        scan = f"{type(e).__name__}: {e}"
    return scan, (sha256_file(parquet) if parquet is not None and Path(parquet).is_file() else None)


def _scan_all(
    tasks: list[tuple[str, str, str | None]], workers: int
) -> list[tuple[FileCopy | str, tuple[int, str] | None]]:
    """:func:`_scan_one` of every task, ``workers`` files at a time (largest first), in task order."""
    from ..pipeline.executors import Job, ordered_map

    order = sorted(range(len(tasks)), key=lambda i: -Path(tasks[i][0]).stat().st_size)
    job: Job[dict[str, Any], tuple[str, str, str | None], tuple[FileCopy | str, tuple[int, str] | None]] = (
        Job(_scan_one, make_state=dict)
    )
    out: list[Any] = [None] * len(tasks)
    for i, r in zip(order, ordered_map(job, [tasks[i] for i in order], workers=workers), strict=True):
        out[i] = r
    return out


def verify_snapshot(
    folder: str | Path, *, validate: bool = True, report_dir: str | Path | None = None, workers: int = 2
) -> VerifyResult:
    """Verify a snapshot folder (see the module docstring); ``workers`` files are read at a time."""
    from ..spec.registry import load_layout

    root = Path(folder)
    snap = load_manifest(root)
    res = VerifyResult(root, snap)
    listed = {f.path for f in snap.files} | {f.parquet.path for f in snap.files if f.parquet}
    listed |= {e.path for e in snap.extras}
    for e in snap.extras:
        if not (root / e.path).is_file():
            res.problems.append(f"{e.path}: missing")
        elif sha256_file(root / e.path) != (e.size, e.sha256):
            res.problems.append(f"{e.path}: changed (SHA-256 differs from the manifest)")
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_file() and rel != MANIFEST and rel not in listed:
            res.problems.append(f"{rel}: not in {MANIFEST} (added after the snapshot was taken)")
    present = [f for f in snap.files if (root / f.path).is_file()]
    res.problems += [f"{f.path}: missing" for f in snap.files if f not in present]
    res.checked = len(present)
    tasks = [(str(root / f.path), f.layout_id, None if f.parquet is None else str(root / f.parquet.path))
             for f in present]  # fmt: skip
    intact = []
    for f, (scan, pq_hash) in zip(present, _scan_all(tasks, workers), strict=True):
        path = root / f.path
        layout = load_layout(f.layout_id)
        if layout.spec.spec_version != f.layout_version:
            res.problems.append(f"{f.path}: layout {f.layout_id} is version {layout.spec.spec_version} now, "
                                f"the snapshot recorded {f.layout_version}")  # fmt: skip
        if isinstance(scan, str):  # an unreadable file is a finding of verify, not a crash
            size, sha = sha256_file(path)
            if (size, sha) != (f.size, f.sha256):
                res.problems.append(_changed(f, size, sha))
            res.problems.append(f"{f.path}: unreadable ({scan})")
            continue
        if (scan.size, scan.sha256) != (f.size, f.sha256):
            res.problems.append(_changed(f, scan.size, scan.sha256))
        n = scan.records
        if n != f.records:
            res.problems.append(f"{f.path}: {n} records, the snapshot recorded {f.records}")
        else:
            intact.append((path, f.layout_id))
        if f.parquet is not None:
            if pq_hash is None:
                res.problems.append(f"{f.parquet.path}: missing")
            elif pq_hash != (f.parquet.size, f.parquet.sha256):
                res.problems.append(f"{f.parquet.path}: changed (SHA-256 differs from the manifest)")
    if validate and intact:
        from ..pipeline.standard import validate_files

        vr = validate_files([p for p, _ in intact], layouts={p.name: lid for p, lid in intact},
                            report_dir=report_dir, workers=workers)  # fmt: skip
        res.validation = vr.report.verdict.status
        if vr.report.verdict.status == "fail":
            bad = sorted({r.file for r in vr.report.findings if r.severity == "error"})
            res.problems.append(
                f"re-validation with the recorded layouts fails: {', '.join(bad) or 'see the report'}"
            )
    return res


def restore_snapshot(folder: str | Path, profile: str | Path, out_dir: str | Path, *, force: bool = False,
                     validate: bool = True, **export_options: Any) -> tuple[VerifyResult, Any]:  # fmt: skip
    """Verify, then export the snapshot's standard files with ``profile`` into ``out_dir``."""
    from ..exporter import export

    res = verify_snapshot(folder, validate=validate)
    if res.problems and not force:
        raise SnapshotError(f"{folder}: fails verification ({res.problems[0]}"
                            f"{f'; +{len(res.problems) - 1} more' if len(res.problems) > 1 else ''}); "
                            "restore refused (--force to export it anyway)")  # fmt: skip
    from ..exporter.profile import load_plan

    root = Path(folder)
    # a municipality's snapshot holds every 業務; a vendor's import format only some: those are exported
    wanted = set(load_plan(profile).layouts())
    res.not_restored = [f.path for f in res.snapshot.files if f.layout_id not in wanted]
    files = [root / f.path for f in res.snapshot.files if (root / f.path).is_file() and f.layout_id in wanted]
    if not files:
        raise SnapshotError(
            f"{folder}: no file of a layout the profile {profile} exports ({', '.join(sorted(wanted))})"
        )
    layouts = {Path(f.path).name: f.layout_id for f in res.snapshot.files}
    evidence = [root / e.path for e in res.snapshot.extras if (root / e.path).is_file()]
    export_options.setdefault("gaiji_evidence", evidence)
    return res, export(profile, files, out_dir, layouts=layouts, **export_options)
