"""``snapshot create``: a verified copy of standard-layout files kept for BCP (事業継続).

The 標準化 BCP chapter asks municipalities to keep periodic backups *in the standard layout*, so
a disaster or a vendor exit never strands the data. A snapshot is a folder::

    SNAPSHOT/
      snapshot.json        manifest (written last): per file SHA-256, records, layout id + version
      standard/*.csv       the standard files, byte for byte
      parquet/*.parquet    optional typed copies (zstd)
      evidence/gaiji.csv   convert's 外字 sidecar when the folder has one (every original code)

Everything is built in a staging folder beside the target and renamed into place in one step,
so a snapshot folder either is complete (its manifest verifies) or does not exist.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..errors import SnapshotError
from ..files import sha256_file
from .filecopy import Task, copy_files
from .manifest import Extra, ParquetCopy, Snapshot, SnapshotFile, created_at, load_manifest

NOT_STANDARD = {"findings.csv", "gaiji.csv", "rejects.csv", "unencodable.csv", "differences.csv"}


def _copy_hashed(src: Path, dest: Path) -> tuple[int, str]:
    h = hashlib.sha256()
    size = 0
    with open(src, "rb") as fi, open(dest, "wb") as fo:
        while block := fi.read(1 << 20):
            h.update(block)
            fo.write(block)
            size += len(block)
    return size, h.hexdigest()


def standard_inputs(source: str | Path | Sequence[str | Path]) -> list[tuple[Path, str]]:
    """(file, layout id) of every standard file in a folder (or the files given), by header row."""
    from ..pipeline.standard import detect_layout

    paths = (
        sorted(p for p in Path(source).glob("*.csv") if p.name not in NOT_STANDARD)
        if isinstance(source, (str, Path)) and Path(source).is_dir()
        else [Path(p) for p in ([source] if isinstance(source, (str, Path)) else source)]
    )
    if not paths:
        raise SnapshotError(f"{source}: no standard-layout CSV files")
    return [(p, detect_layout(p)) for p in paths]


def create_snapshot(source: str | Path | Sequence[str | Path], out_dir: str | Path, *, parquet: bool = False,
                    force: bool = False, workers: int = 2, base: str | Path | None = None) -> Snapshot:  # fmt: skip
    """Create a snapshot of the standard files in ``source`` (a folder or files) at ``out_dir``.

    Each file is read once (copied, hashed, counted and written to Parquet in one pass,
    :mod:`.filecopy`), ``workers`` files at a time. ``base``: an earlier snapshot whose record
    counts and Parquet copies are reused for the files whose SHA-256 it recorded (:mod:`.reuse`)."""
    from ..spec.registry import load_layout
    from .reuse import reusable

    out = Path(out_dir)
    if out.exists() and any(out.iterdir()) and not force:
        raise SnapshotError(
            f"{out}: exists and is not empty (a snapshot is never overwritten; --force replaces it)"
        )
    inputs = standard_inputs(source)
    stage = out.parent / f".{out.name}.staging"
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "standard").mkdir(parents=True)
    try:
        layouts = {lid: load_layout(lid).spec for lid in {lid for _, lid in inputs}}
        if parquet:
            (stage / "parquet").mkdir()
        reuse = (
            {}
            if base is None
            else reusable(
                load_manifest(base), Path(base), {lid: lay.spec_version for lid, lay in layouts.items()}
            )
        )
        tasks: list[Task] = [(p, stage / "standard" / p.name, lid,
                              stage / "parquet" / f"{p.stem}.parquet" if parquet else None, reuse.get(p.name))
                             for p, lid in inputs]  # fmt: skip
        files = []
        for (p, lid), (*_, pq_path, _), fc in zip(inputs, tasks, copy_files(tasks, workers), strict=True):
            pq_copy = None
            if pq_path is not None and fc.parquet_columns is not None:
                psize, psha = fc.parquet_hash or sha256_file(pq_path)
                pq_copy = ParquetCopy(path=f"parquet/{pq_path.name}", size=psize, sha256=psha,
                                      columns=fc.parquet_columns)  # fmt: skip
            files.append(SnapshotFile(path=f"standard/{p.name}", layout_id=lid,
                                      layout_version=layouts[lid].spec_version, records=fc.records,
                                      size=fc.size, sha256=fc.sha256, parquet=pq_copy, reused=fc.reused))  # fmt: skip
        extras = []
        folder = Path(source) if isinstance(source, (str, Path)) and Path(source).is_dir() else None
        evidence = folder / "gaiji.csv" if folder is not None else None
        if evidence is not None and evidence.is_file():  # the original 外字 codes: restore puts them back
            (stage / "evidence").mkdir()
            esize, esha = _copy_hashed(evidence, stage / "evidence" / "gaiji.csv")
            extras.append(Extra(path="evidence/gaiji.csv", size=esize, sha256=esha))
        snap = Snapshot(tool_version=__version__, created_at=created_at(), source=str(source), files=files,
                        extras=extras, base=None if base is None else str(base))  # fmt: skip
        snap.write(stage)
        if out.exists():
            old = out.parent / f".{out.name}.replaced"
            shutil.rmtree(old, ignore_errors=True)
            out.rename(old)
            stage.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            stage.rename(out)
        return snap
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
