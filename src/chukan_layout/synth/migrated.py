"""``generate --vendor migrated``: the town as a new system re-exports it after loading — with
migration defects injected and listed, the ground truth of ``chukan-layout reconcile``.

Written next to the golden files::

    migrated/<移行ファイル名>           the re-export (standard layout, UTF-8 CSV like golden/)
    migrated/inkan_toroku_1.csv         印鑑登録 is exported in two split files; with faults the
                                        second is missing (one of two split files not loaded)
    migrated/gaiji.csv                  the new system's record of 外字 it degraded (evidence)
    migrated_manifest.csv               every defect: layout, key, item, kind, the difference
                                        reconcile must report (``expected``), golden/migrated record

Defect kinds (``expected`` = the reconcile difference kind; ``equivalence`` = none must be
reported): dropped_record (only_old), duplicated_record (duplicate_new), split_file_missing
(only_old), amount_changed, name_truncated (to 2 characters), ivs_lost (辻󠄀 → 辻, not in
the evidence), gaiji_replaced (→ 〓), era_shift (平成 ↔ 令和: the year moved by 30),
code_remapped (a valid but wrong code), setai_relinked (the 世帯主 of another 世帯),
kana_width_changed (フリガナ written half-width; the reference layouts want full-width, so this
is the mirror of "full-width where half-width is wanted") — all ``changed``; trailing_blanks and
gaiji_degraded_recorded (an IVS dropped *and* listed in gaiji.csv) are ``equivalence``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..spec.model import Layout
from ..write.standard_csv import StandardCsvWriter
from .arrow_util import patch
from .encode import hankaku
from .faults import plan

EXPECTED: dict[str, str] = {
    "dropped_record": "only_old",
    "duplicated_record": "duplicate_new",
    "split_file_missing": "only_old",
    "amount_changed": "changed",
    "name_truncated": "changed",
    "ivs_lost": "changed",
    "gaiji_replaced": "changed",
    "era_shift": "changed",
    "code_remapped": "changed",
    "setai_relinked": "changed",
    "kana_width_changed": "changed",
    "trailing_blanks": "equivalence",
    "gaiji_degraded_recorded": "equivalence",
}
ROW_KINDS = ("dropped_record", "duplicated_record")
TARGETS: dict[str, dict[str, str]] = {
    "juki.jumin": {"name_truncated": "shimei", "ivs_lost": "shimei", "gaiji_replaced": "shimei",
                   "gaiji_degraded_recorded": "shimei", "era_shift": "ido_ymd", "code_remapped": "seibetsu",
                   "kana_width_changed": "shimei_kana", "trailing_blanks": "jusho_banchi"},
    "juki.setai": {"setai_relinked": "setainushi_atena_no", "trailing_blanks": "setainushi_shimei"},
    "juminzei.kazei": {"amount_changed": "nengaku", "code_remapped": "kazei_kubun"},
    "kotei.tochi": {"amount_changed": "kotei_zei_gaku"},
    "kotei.kaoku": {"amount_changed": "kotei_zei_gaku"},
    "keiji.sharyo": {"amount_changed": "nengaku"},
    "kokuho.setai": {"amount_changed": "nengaku"},
}  # fmt: skip
SPLIT_LAYOUT = "inkan.toroku"
MANIFEST_FIELDS = [
    "layout",
    "file",
    "key",
    "item",
    "kind",
    "expected",
    "golden_record",
    "migrated_record",
    "detail",
]
_IVS = re.compile("[\U000e0100-\U000e01ef\ufe00-\ufe0f]")
TRUNCATE_TO = 2
_REMAP = {"seibetsu": {"1": "2", "2": "1"}, "kazei_kubun": {"1": "2", "2": "1", "3": "1"}}


@dataclass
class MigrationDefect:
    layout: str
    file: str
    key: str
    item: str
    kind: str
    expected: str
    golden_record: int
    migrated_record: int
    detail: str


def _read(path: Path, layout: Layout) -> pacsv.CSVStreamingReader:
    types = {it.name: pa.string() for it in layout.items}
    return pacsv.open_csv(path, read_options=pacsv.ReadOptions(block_size=8 << 20),
                          convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=False))  # fmt: skip


def _mask(a: pa.Array) -> np.ndarray:
    return np.asarray(a.to_numpy(zero_copy_only=False), dtype=bool)


def _eligible(kind: str, col: pa.Array | None) -> np.ndarray | None:
    if col is None:
        return None
    if kind in ("ivs_lost", "gaiji_degraded_recorded"):
        return _mask(pc.match_substring_regex(col, "[\U000e0100-\U000e01ef]"))
    if kind == "gaiji_replaced":
        return _mask(pc.match_substring_regex(col, "[\U000e0100-\U000e01ef\ue000-\uf8ff]"))
    if kind == "name_truncated":
        return _mask(pc.greater(pc.utf8_length(col), TRUNCATE_TO))
    if kind == "era_shift":
        return _mask(pc.match_substring_regex(col, r"^(19[89]\d|20[0-4]\d)-"))
    if kind == "code_remapped":
        return _mask(pc.is_in(col, value_set=pa.array(sorted({k for m in _REMAP.values() for k in m}))))
    if kind in ("amount_changed", "setai_relinked", "kana_width_changed", "trailing_blanks"):
        return _mask(pc.not_equal(col, ""))
    return None


def _change(kind: str, item: str, old: str, rng: np.random.Generator, column: list[str]) -> str:
    if kind == "amount_changed":
        return str(int(old) + int(rng.integers(1, 100)) * 100) if re.fullmatch(r"-?\d+", old) else old + "0"
    if kind == "name_truncated":
        return old[:TRUNCATE_TO]
    if kind in ("ivs_lost", "gaiji_degraded_recorded"):
        return _IVS.sub("", old, count=1)
    if kind == "gaiji_replaced":
        m = re.search("[^\U000e0100-\U000e01ef][\U000e0100-\U000e01ef]|[\ue000-\uf8ff]", old)
        assert m is not None
        return old[: m.start()] + "〓" + old[m.end() :]
    if kind == "era_shift":
        y = int(old[:4])
        return f"{y - 30 if y >= 2019 else y + 30:04d}{old[4:]}"
    if kind == "code_remapped":
        return _REMAP[item][old]
    if kind == "setai_relinked":
        others = [v for v in column if v and v != old]
        return others[int(rng.integers(len(others)))] if others else old[::-1]
    if kind == "kana_width_changed":
        return str(hankaku(pa.array([old]))[0].as_py())
    if kind == "trailing_blanks":
        return old + "  "
    raise ValueError(kind)


def _key_text(batch: pa.RecordBatch, layout: Layout, row: int) -> str:
    return "|".join(str(batch.column(k)[row].as_py()) for k in layout.record_key)


def write_migrated(out: Path, golden: dict[str, Path], layouts: dict[str, Layout], rate: float, seed: int
                   ) -> tuple[dict[str, list[Path]], Path, list[MigrationDefect]]:  # fmt: skip
    """Write ``out/migrated`` from the golden files (streamed), the evidence and the manifest."""
    rng = np.random.default_rng([seed, 0x316])
    mdir = out / "migrated"
    mdir.mkdir(parents=True, exist_ok=True)
    files: dict[str, list[Path]] = {}
    defects: list[MigrationDefect] = []
    evidence: list[list[object]] = []
    for lid in sorted(golden):
        lay = layouts[lid]
        if lid == SPLIT_LAYOUT:
            files[lid] = _split(golden[lid], lay, mdir, rate, defects)
            continue
        path = mdir / lay.file_name
        w = StandardCsvWriter(path, lay)
        w.open()
        targets = TARGETS.get(lid, {})
        kinds = [*ROW_KINDS, *targets]
        names = {it.name: it.id for it in lay.items}
        g_base = m_base = 0
        first = True
        try:
            for raw in _read(golden[lid], lay):
                b = pa.RecordBatch.from_arrays(raw.columns, names=[names[n] for n in raw.schema.names])
                eligible = {k: e for k in targets if (e := _eligible(k, b.column(targets[k]))) is not None}
                chosen = sorted(plan(rng, b.num_rows, rate, kinds, eligible, first))
                first = False
                cols = {n: b.column(n) for n in b.schema.names}
                mut: dict[str, dict[int, str]] = {}
                take = list(range(b.num_rows))
                row_kind: dict[int, str] = {}
                for row, kind in chosen:
                    if kind in ROW_KINDS:
                        row_kind[row] = kind
                        continue
                    item = targets[kind]
                    old = cols[item][row].as_py()
                    new = _change(
                        kind, item, old, rng, cols[item].to_pylist() if kind == "setai_relinked" else []
                    )
                    mut.setdefault(item, {})[row] = new
                    row_kind[row] = kind
                for item, ch in mut.items():
                    cols[item] = patch(cols[item], np.fromiter(ch, np.int64, len(ch)), list(ch.values()))
                out_rows: list[int] = []
                for r in take:
                    k = row_kind.get(r)
                    if k == "dropped_record":
                        defects.append(MigrationDefect(lid, lay.file_name, _key_text(b, lay, r), "", k, "only_old",
                                                       g_base + r + 1, 0, "record not in the re-export"))  # fmt: skip
                        continue
                    out_rows.append(r)
                    m_rec = m_base + len(out_rows)
                    if k == "duplicated_record":
                        out_rows.append(r)
                        defects.append(MigrationDefect(lid, lay.file_name, _key_text(b, lay, r), "", k,
                                                       "duplicate_new", g_base + r + 1, m_rec + 1,
                                                       "record exported twice"))  # fmt: skip
                    elif k is not None:
                        item = targets[k]
                        old, new = b.column(item)[r].as_py(), cols[item][r].as_py()
                        defects.append(MigrationDefect(lid, lay.file_name, _key_text(b, lay, r), item, k, EXPECTED[k],
                                                       g_base + r + 1, m_rec, f"{old} → {new}"))  # fmt: skip
                        if k == "gaiji_degraded_recorded":
                            m = _IVS.search(old)
                            assert m is not None
                            evidence.append([lay.file_name, m_rec, item, m.start(), f"U+{ord(old[m.start() - 1]):04X} U+{ord(m.group()):04X}",
                                             old[m.start() - 1], "degraded"])  # fmt: skip
                mb = pa.RecordBatch.from_arrays([cols[n] for n in b.schema.names], names=b.schema.names)
                w.write(mb.take(pa.array(out_rows, pa.int64())))
                g_base += b.num_rows
                m_base += len(out_rows)
            w.close()
        except BaseException:
            w.abort()
            raise
        files[lid] = [path]
    ev = mdir / "gaiji.csv"
    with open(ev, "w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f, lineterminator="\r\n")
        wr.writerow(["file", "record", "item", "position", "source_code", "result", "status"])
        wr.writerows(evidence)
    man = out / "migrated_manifest.csv"
    with open(man, "w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f, lineterminator="\r\n")
        wr.writerow(MANIFEST_FIELDS)
        for d in defects:
            wr.writerow([getattr(d, k) for k in MANIFEST_FIELDS])
    return files, man, defects


def _split(golden: Path, lay: Layout, mdir: Path, rate: float, defects: list[MigrationDefect]) -> list[Path]:
    """The layout exported as two split files (first half of the records, second half); with
    ``rate > 0`` the second file is missing and each of its records is a defect."""
    names = {it.name: it.id for it in lay.items}
    batches = [
        pa.RecordBatch.from_arrays(r.columns, names=[names[n] for n in r.schema.names])
        for r in _read(golden, lay)
    ]
    table = pa.Table.from_batches(batches) if batches else None
    n = table.num_rows if table is not None else 0
    half = (n + 1) // 2
    stem = lay.file_name.rsplit(".", 1)[0]
    paths = [mdir / f"{stem}_1.csv", mdir / f"{stem}_2.csv"]
    parts = [(0, half), (half, n)]
    written = []
    for i, (lo, hi) in enumerate(parts):
        if i == 1 and rate > 0:
            assert table is not None or n == 0
            for r in range(lo, hi):
                key = (
                    "|".join(str(table.column(k)[r].as_py()) for k in lay.record_key)
                    if table is not None
                    else ""
                )
                defects.append(MigrationDefect(lay.id, paths[1].name, key, "", "split_file_missing", "only_old",
                                               r + 1, 0, "second of two split files missing"))  # fmt: skip
            continue
        with StandardCsvWriter(paths[i], lay) as w:
            if table is not None and hi > lo:
                w.write(table.slice(lo, hi - lo))
        written.append(paths[i])
    return written
