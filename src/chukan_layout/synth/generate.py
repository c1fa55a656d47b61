"""``generate()``: the synthetic municipality → golden standard files, vendor exports, 外字
tables and a fault manifest, streamed chunk by chunk (memory flat in N).

Output folder::

    golden/<移行ファイル名>        the standard layouts, clean (what a perfect conversion writes)
    standard/<移行ファイル名>      the standard layouts with golden-side faults (``--vendor standard``,
                                   :mod:`._standard_faults`)
    vendor_a/ vendor_b/ vendor_c/  the vendor exports + the vendor's 外字対応表 (TSV)
    manifest.csv, manifest.json    every injected fault (and every small-kana record of vendor A;
                                   :mod:`._manifest_files`)
    migrated/, migrated_manifest.csv   ``--vendor migrated``: the town as a new system re-exports it,
                                   with migration defects (:mod:`.migrated`, for ``reconcile``)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from ..write.standard_csv import StandardCsvWriter
from . import (  # noqa: F401 - registers the builders
    golden_fukushi,
    golden_gyomu,
    golden_hoken,
    golden_inkan,
    golden_juki,
    golden_kodomo,
    golden_koseki,
    golden_zei,
)
from ._manifest_files import write_manifest
from ._standard_faults import standard_faults
from .faults import ManifestRow
from .golden import BUILDERS, GAIJI_ITEMS, build
from .population import Chunk
from .profile import VendorProfile, load_profile
from .reference import pick_municipality
from .vendors import VendorFileWriter
from .world import World, load_layouts

VENDORS = ("a", "b", "c", "standard")
MIGRATED = "migrated"  # not part of "all": the re-export for reconcile


@dataclass
class GenerateResult:
    """What :func:`generate` wrote."""

    out_dir: Path
    municipality: str  # 団体コード6 + name
    residents: int
    golden: dict[str, Path] = field(default_factory=dict)  # layout id → golden file
    standard: dict[str, Path] = field(default_factory=dict)  # layout id → faulty standard file
    vendor_files: dict[str, list[Path]] = field(default_factory=dict)  # vendor → files (incl. 外字 table)
    gaiji_tables: dict[str, Path] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=dict)  # file (relative) → data records
    manifest: list[ManifestRow] = field(default_factory=list)
    manifest_csv: Path | None = None
    manifest_json: Path | None = None
    migrated: dict[str, list[Path]] = field(default_factory=dict)  # layout id → re-exported files
    migrated_manifest: Path | None = None
    migration_defects: list = field(default_factory=list)  # migrated.MigrationDefect

    def faults(self, kind: str | None = None) -> list[ManifestRow]:
        return [m for m in self.manifest if m.kind != "small_kana" and (kind is None or m.kind == kind)]


def _vendor_list(vendors: str | Iterable[str]) -> list[str]:
    items = [vendors] if isinstance(vendors, str) else list(vendors)
    out: list[str] = []
    for v in items:
        for x in str(v).split(","):
            x = x.strip().lower().removeprefix("vendor_")
            if x == "all":
                out += [y for y in VENDORS if y not in out]
            elif x in (*VENDORS, MIGRATED):
                if x not in out:
                    out.append(x)
            elif x:
                raise ValueError(f"unknown vendor {x!r}; known: {', '.join(VENDORS)}, all")
    return out


def generate(
    out_dir: str | Path,
    *,
    vendors: str | Iterable[str] = "all",
    residents: int = 1000,
    faults: float = 0.0,
    seed: int = 0,
    gaiji_share: float = 0.02,
    mj_list: str | Path | None = None,
    municipality: str | None = None,
    layouts: list[str] | None = None,
    chunk_households: int = 4096,
    progress: Callable[[int], None] | None = None,
    capture: dict[str, list[dict[str, pa.Array]]] | None = None,
) -> GenerateResult:
    """Generate a municipality of ``residents`` persons and write golden, vendor and manifest files.

    Deterministic: the same arguments give byte-identical files. ``faults`` is the chance
    per record of an injected fault (vendor and ``standard`` outputs only; golden stays clean).
    ``capture`` (tests) receives the vendor columns as rendered, keyed ``"FILE:RECORD_TYPE"``.
    """
    out = Path(out_dir)
    vlist = _vendor_list(vendors)
    lids = layouts or sorted(BUILDERS)
    profiles = [load_profile(v) for v in vlist if v not in ("standard", MIGRATED)]
    needed = set(lids) | {lid for p in profiles for f in p.files for lid in f.layouts}
    lay = load_layouts(sorted(needed))
    muni = pick_municipality(seed, municipality)
    w = World.create(seed, muni, lay, [p.vendor for p in profiles], gaiji_share, mj_list)
    res = GenerateResult(out, f"{muni.dantai_code} {muni.prefecture}{muni.city}", residents)
    golden_w = {
        lid: StandardCsvWriter(out / "golden" / lay[lid].file_name, lay[lid]) for lid in sorted(needed)
    }
    std_w = (
        {lid: StandardCsvWriter(out / "standard" / lay[lid].file_name, lay[lid]) for lid in sorted(needed)}
        if "standard" in vlist
        else {}
    )
    manifest: list[ManifestRow] = []
    writers = [
        VendorFileWriter(w, p, f, out / p.vendor, faults, manifest, capture)
        for p in profiles
        for f in p.files
    ]
    for x in [*golden_w.values(), *std_w.values()]:
        x.open()
    for vw in writers:
        vw.open()
    rng_std = np.random.default_rng([seed, 0x57D])
    try:
        for c in w.pop.chunks(residents, chunk_households):
            base = {lid: golden_w[lid].records for lid in golden_w}
            gold = {lid: build(w, lid, c) for lid in sorted(needed)}
            for lid, (batch, _rows) in gold.items():
                golden_w[lid].write(batch)
                if lid in std_w:
                    std_w[lid].write(
                        standard_faults(w, lid, batch, faults, rng_std, c.number == 0, base[lid], manifest)
                    )
            for p in profiles:
                forms = {
                    lid: _vendor_forms(w, lid, c, p.vendor) for lid in {x for f in p.files for x in f.layouts}
                }
                for vw in writers:
                    if vw.vendor == p.vendor:
                        vw.write_chunk(gold, forms, base, c.number == 0)
            if progress:
                progress(c.n_persons)
        for x in [*golden_w.values(), *std_w.values()]:
            x.close()
        for vw in writers:
            vw.close()
    except BaseException:
        for x in [*golden_w.values(), *std_w.values()]:
            x.abort()
        raise
    known = _record_outputs(res, w, profiles, golden_w, std_w, writers)
    if MIGRATED in vlist:
        from .migrated import write_migrated

        res.migrated, res.migrated_manifest, res.migration_defects = write_migrated(
            out, res.golden, lay, faults, seed
        )
    res.manifest = manifest
    res.manifest_csv, res.manifest_json = write_manifest(
        out,
        res,
        dict(
            seed=seed,
            residents=residents,
            faults=faults,
            gaiji_share=gaiji_share,
            vendors=vlist,
            mj_list=str(mj_list) if mj_list else None,
        ),
        known,
    )
    return res


def _record_outputs(
    res: GenerateResult,
    w: World,
    profiles: list[VendorProfile],
    golden_w: dict[str, StandardCsvWriter],
    std_w: dict[str, StandardCsvWriter],
    writers: list[VendorFileWriter],
) -> dict[Path, str]:
    """Fill ``res`` with the files written (and write each vendor's 外字 table); returns path → SHA-256."""
    known = {x.path: x.sha256 for x in [*golden_w.values(), *std_w.values()]}
    known.update({vw.path: vw.sha256 for vw in writers if vw.sha256})
    for folder, done, ws in (("golden", res.golden, golden_w), ("standard", res.standard, std_w)):
        for lid, x in ws.items():
            done[lid] = x.path
            res.records[f"{folder}/{x.path.name}"] = x.records
    for p in profiles:
        table = w.gaiji.write_table(p.vendor, res.out_dir / p.vendor / p.gaiji_table)
        res.gaiji_tables[p.vendor] = table
        res.vendor_files[p.vendor] = [vw.path for vw in writers if vw.vendor == p.vendor] + [table]
        for vw in writers:
            if vw.vendor == p.vendor:
                res.records[f"{p.vendor}/{vw.path.name}"] = vw.data_records
    return known


def _vendor_forms(w: World, lid: str, c: Chunk, vendor: str) -> dict[str, pa.Array]:
    items = GAIJI_ITEMS.get(lid, ())
    if not items:
        return {}
    rows = BUILDERS[lid](w, c, vendor)
    return {i: rows.columns[i] for i in items if i in rows.columns}
