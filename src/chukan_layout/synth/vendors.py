"""Render golden rows as vendor exports (A fixed cp932, B CSV cp932, C EBCDIC RDW), with faults.

One :class:`VendorFileWriter` per vendor file. Per chunk it derives every vendor field from
the golden batch with the chunk's value faults (:mod:`._vendor_fields`), renders the records
with their byte faults (:mod:`._vendor_render`), frames and appends them, and lists every
fault in the manifest. Header and trailer (A) come from the profile; the trailer's
count and control total are computed from what was written.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..files import HashingWriter
from ..readers.definition import CsvDefinition, FixedWidthDefinition
from ..readers.render import frame, record_matrix
from ._vendor_fields import VendorFields
from ._vendor_render import csv_records, fixed_records, interleave
from .faults import FILE_KINDS, KINDS, ManifestRow
from .golden import Rows
from .profile import VendorFile, VendorProfile
from .world import World


class VendorFileWriter:
    """Streams one vendor file; collects manifest rows for what it injects."""

    def __init__(
        self,
        world: World,
        profile: VendorProfile,
        vfile: VendorFile,
        out_dir: Path,
        rate: float,
        manifest: list[ManifestRow],
        capture: dict[str, list[dict[str, pa.Array]]] | None = None,
    ) -> None:
        self.capture = capture  # tests: the vendor columns as rendered, per record map, in file order
        self.w = world
        self.profile = profile
        self.vf = vfile
        self.vendor = profile.vendor
        self.path = out_dir / vfile.name
        self.rate = rate
        self.manifest = manifest
        self.records = 0  # physical records written (header included)
        self.data_records = 0
        self.total = 0
        self._last: tuple[int, str, int] | None = None  # (record, layout, golden record) of the last data row
        self._out: Any = None
        self._file: Any = None
        self.sha256: str | None = None  # of the file as written (None once a fault changed it afterwards)
        self.fixed = isinstance(vfile.definition, FixedWidthDefinition)
        self.rng = np.random.default_rng([world.seed, 0xFA, zlib.crc32(vfile.name.encode()) % 10_000])
        self.fields = VendorFields(world, profile, rate, self.fixed, self.rng)

    # -- lifecycle -------------------------------------------------------------------------
    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "wb")  # noqa: SIM115 - closed in close()
        self._out = HashingWriter(self._file)  # hashed while written (the manifest lists every sha256)
        if self.fixed and self.vf.header is not None:
            vals = {"DANTAI_CODE": self.w.dantai6, **self.vf.header.values}
            self._emit_fixed(self.vf.header.type, {k: [v] for k, v in vals.items()})
            self.records += 1

    def close(self) -> None:
        d = self.vf.definition
        kinds = FILE_KINDS[self.vendor] if self.rate > 0 else ()
        if self.fixed and self.vf.trailer is not None:
            assert isinstance(d, FixedWidthDefinition)
            rt = d.record_type(self.vf.trailer.type)
            count, total = self.data_records, self.total
            self.records += 1
            if "wrong_trailer_count" in kinds and self.vf.name == "SETAI.DAT":
                count += 1
                self._note(self.records, "KENSU", "", "", 0, "wrong_trailer_count", f"{count - 1} → {count}")
            if "wrong_trailer_total" in kinds and self.vf.name == "KAZEI.DAT":
                total += 1000
                self._note(
                    self.records,
                    "GOKEI_NENGAKU",
                    "",
                    "",
                    0,
                    "wrong_trailer_total",
                    f"{total - 1000} → {total}",
                )
            cols = {rt.control.count: [str(count)]} if rt.control and rt.control.count else {}
            for f in rt.control.totals if rt.control else {}:
                cols[f] = [str(total)]
            self._emit_fixed(rt.name, cols)
        self._file.close()
        self.sha256 = self._out.sha256
        if "truncated_last_record" in kinds and self.vf.name in (
            "KAIGO.DAT",
            "keijidosha.csv",
            "KOKUHOH.EBC",
        ):
            self._truncate()

    def _truncate(self) -> None:
        size = self.path.stat().st_size
        if size < 20 or self._last is None:
            return
        cut = 9
        with open(self.path, "r+b") as f:
            f.truncate(size - cut)
        self.sha256 = None  # changed after writing: hashed again from the file
        rec, layout, grec = (self.records, "", 0) if self.vf.trailer is not None else self._last
        gfile = self.w.layouts[layout].file_name if layout else ""
        self._note(rec, "", layout, "", grec, "truncated_last_record", f"last {cut} bytes cut", gfile)

    # -- per chunk -------------------------------------------------------------------------
    def write_chunk(
        self,
        golden: dict[str, tuple[pa.RecordBatch, Rows]],
        forms: dict[str, dict[str, pa.Array]],
        golden_base: dict[str, int],
        first_chunk: bool,
    ) -> None:
        parts = []
        for k, rm in enumerate(self.vf.records):
            batch, rows = golden[rm.layout]
            cols, faults = self.fields.columns(
                rm, batch, forms.get(rm.layout, {}), first_chunk, self.data_records
            )
            if self.capture is not None:
                self.capture.setdefault(f"{self.vf.name}:{rm.type or ''}", []).append(cols)
            parts.append((k, rm, rows, cols, faults))
        if self.fixed:
            self._write_fixed(parts, golden_base)
        else:
            self._write_csv(parts, golden_base)

    # -- fixed width -------------------------------------------------------------------------
    def _emit_fixed(self, rtype: str, cols: dict[str, list[str]]) -> None:
        d = self.vf.definition
        assert isinstance(d, FixedWidthDefinition)
        self._out.write(frame(record_matrix(d, rtype, cols), d.framing))

    def _write_fixed(self, parts: list[Any], golden_base: dict[str, int]) -> None:
        d = self.vf.definition
        assert isinstance(d, FixedWidthDefinition)
        mats, households = [], []
        for _k, rm, rows, cols, faults in parts:
            m = fixed_records(d, rm.type or "", cols, faults)
            if "NENGAKU" in cols:
                self.total += int(
                    pc.sum(
                        pc.cast(pc.if_else(pc.equal(cols["NENGAKU"], ""), "0", cols["NENGAKU"]), pa.int64())
                    ).as_py()
                    or 0
                )
            mats.append(m)
            households.append(rows.household if rows.household is not None else np.arange(m.shape[0]))
        allm, pos = interleave(mats, households, 0x40 if d.encoding == "ibm930" else 0x20)
        self._out.write(frame(allm, d.framing))
        offset = 0
        for (_k, rm, _rows, _cols, faults), m in zip(parts, mats, strict=True):
            for row, kind, fname, item, detail in faults:
                rec = self.records + int(pos[offset + row]) + 1
                self._note(rec, fname, rm.layout, item, golden_base[rm.layout] + row + 1, kind, detail)
            if m.shape[0]:
                self._last = (
                    self.records + int(pos[offset + m.shape[0] - 1]) + 1,
                    rm.layout,
                    golden_base[rm.layout] + m.shape[0],
                )
            offset += m.shape[0]
        self.records += allm.shape[0]
        self.data_records += allm.shape[0]

    # -- CSV ---------------------------------------------------------------------------------
    def _write_csv(self, parts: list[Any], golden_base: dict[str, int]) -> None:
        d = self.vf.definition
        assert isinstance(d, CsvDefinition)
        ((_k, rm, _rows, cols, faults),) = parts
        header = d.header and self.records == 0
        self._out.write(csv_records(d, cols, header))
        if header:
            self.records += 1
        n = len(next(iter(cols.values()))) if cols else 0
        for row, kind, fname, item, detail in faults:
            self._note(
                self.records + row + 1, fname, rm.layout, item, golden_base[rm.layout] + row + 1, kind, detail
            )
        if n:
            self._last = (self.records + n, rm.layout, golden_base[rm.layout] + n)
        self.records += n
        self.data_records += n

    def _note(
        self,
        record: int,
        field: str,
        layout: str,
        item: str,
        grec: int,
        kind: str,
        detail: str,
        gfile: str | None = None,
    ) -> None:
        if gfile is None:
            gfile = self.w.layouts[layout].file_name if layout else ""
        self.manifest.append(
            ManifestRow(
                self.vendor, self.vf.name, record, field, layout, item, gfile, grec, kind, KINDS[kind], detail
            )
        )
