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
from ..readers.standard_csv import read_standard_csv
from ..spec.model import Layout
from .manifest import Extra, ParquetCopy, Snapshot, SnapshotFile, created_at
from .parquet import write_parquet

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


def _sha256(path: Path) -> tuple[int, str]:
    from ..files import sha256_file

    return sha256_file(path)


def count_records(path: Path, layout: Layout) -> int:
    """Data records of a standard file, read as the validator reads it (quoted newlines counted right)."""
    reader = read_standard_csv(path, layout)
    n = sum(b.num_rows for b in reader)
    return n + reader.reader.stats.records_rejected


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
                    force: bool = False) -> Snapshot:  # fmt: skip
    """Create a snapshot of the standard files in ``source`` (a folder or files) at ``out_dir``."""
    from ..spec.registry import load_layout

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
        files = []
        for p, lid in inputs:
            loaded = load_layout(lid)
            rel = f"standard/{p.name}"
            size, sha = _copy_hashed(p, stage / rel)
            pq_copy = None
            if parquet:
                (stage / "parquet").mkdir(exist_ok=True)
                prel = f"parquet/{p.stem}.parquet"
                records, columns = write_parquet(stage / rel, loaded.spec, stage / prel)
                psize, psha = _sha256(stage / prel)
                pq_copy = ParquetCopy(path=prel, size=psize, sha256=psha, columns=columns)
            else:
                records = count_records(stage / rel, loaded.spec)
            files.append(SnapshotFile(path=rel, layout_id=lid, layout_version=loaded.spec.spec_version,
                                      records=records, size=size, sha256=sha, parquet=pq_copy))  # fmt: skip
        extras = []
        folder = Path(source) if isinstance(source, (str, Path)) and Path(source).is_dir() else None
        evidence = folder / "gaiji.csv" if folder is not None else None
        if evidence is not None and evidence.is_file():  # the original 外字 codes: restore puts them back
            (stage / "evidence").mkdir()
            esize, esha = _copy_hashed(evidence, stage / "evidence" / "gaiji.csv")
            extras.append(Extra(path="evidence/gaiji.csv", size=esize, sha256=esha))
        snap = Snapshot(tool_version=__version__, created_at=created_at(), source=str(source), files=files,
                        extras=extras)  # fmt: skip
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
