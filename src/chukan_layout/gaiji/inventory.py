"""外字 inventory: every distinct 外字 / unstorable character of an export, as CSV and HTML.

``chukan-layout gaiji scan`` runs the 外字 stage (policy ``map`` with the given tables) over the
export and folds the sidecar rows into one line per distinct source code: count, items,
sample record numbers, current mapping status and target. The CSV is the review sheet: an
engineer fills ``target`` / ``mj_name`` / ``status`` (/ ``basis`` / ``note``) and it loads back
as a mapping table (:mod:`.review`). The HTML page is self-contained (no network) and renders
targets with IPAmj明朝 when installed (Debian: ``fonts-ipamj-mincho``).

Sample *record numbers* are listed, never values: names stay out of the inventory.
"""

from __future__ import annotations

import csv
import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from ..files import guard_cell
from .mj_index import MJIndex
from .table import MappingEntry, format_code_points
from .targets import is_pua

CSV_COLUMNS = ["source_system", "source_code", "char", "count", "items", "sample_records", "status",
               "target", "mj_name", "basis", "note", "candidates"]  # fmt: skip
MAX_SAMPLES = 5
FONT_STACK = "'IPAmj明朝', 'IPAmjMincho', 'IPAmj Mincho', serif"


@dataclass
class InventoryRow:
    source_code: str
    count: int = 0
    items: set[str] = field(default_factory=set)
    samples: list[tuple[str, int]] = field(default_factory=list)  # (file, record), lowest first
    statuses: dict[str, int] = field(default_factory=dict)
    results: set[str] = field(default_factory=set)

    @property
    def text(self) -> str:
        return "".join(chr(int(p[2:], 16)) for p in self.source_code.split())

    @property
    def is_pua(self) -> bool:
        return any(is_pua(ord(c)) for c in self.text)


class Inventory:
    """Accumulates sidecar tables into one row per distinct source code."""

    def __init__(self, source_system: str, lookup: dict[str, MappingEntry] | None = None,
                 mj_index: MJIndex | None = None) -> None:  # fmt: skip
        self.source_system = source_system
        self.lookup = lookup or {}
        self.mj_index = mj_index
        self.rows: dict[str, InventoryRow] = {}
        self.records_scanned = 0

    def add_sidecar(self, side: pa.Table) -> None:
        cols = {
            n: side.column(n).to_pylist()
            for n in ("file", "record", "item", "source_code", "result", "status")
        }
        for f, rec, item, code, result, status in zip(*cols.values(), strict=True):
            row = self.rows.setdefault(code, InventoryRow(code))
            row.count += 1
            row.items.add(item)
            row.statuses[status] = row.statuses.get(status, 0) + 1
            row.results.add(result)
            if (len(row.samples) < MAX_SAMPLES or (f, rec) < row.samples[-1]) and (f, rec) not in row.samples:
                row.samples = sorted([*row.samples, (f, rec)])[:MAX_SAMPLES]

    def status_of(self, row: InventoryRow) -> str:
        """Current status: the table entry's status, else ``unmapped`` (PUA) / ``not_in_target``."""
        entry = self.lookup.get(row.text)
        if entry is not None:
            return str(entry.status)
        if "unmapped" in row.statuses or row.is_pua:
            return "unmapped"
        return max(row.statuses, key=lambda s: (row.statuses[s], s))

    def candidates(self, row: InventoryRow) -> str:
        """MJ names of a non-PUA character (helps identify what a receiver should hold)."""
        if self.mj_index is None or row.is_pua:
            return ""
        base = row.text[0]
        names = self.mj_index.names_for(row.text) or self.mj_index.variants_of(base)[:8]
        return " ".join(names)

    def records(self) -> list[dict[str, str]]:
        """Inventory rows as CSV-ready dicts, most frequent first (ties by code)."""
        out = []
        for row in sorted(self.rows.values(), key=lambda r: (-r.count, r.source_code)):
            entry = self.lookup.get(row.text)
            out.append({
                "source_system": self.source_system,
                "source_code": row.source_code,
                "char": row.text,
                "count": str(row.count),
                "items": " ".join(sorted(row.items)),
                "sample_records": " ".join(f"{f}:{r}" for f, r in row.samples),
                "status": self.status_of(row),
                "target": format_code_points(entry.target) if entry else "",
                "mj_name": entry.mj_name if entry else "",
                "basis": entry.basis if entry else "",
                "note": entry.note if entry else "",
                "candidates": self.candidates(row),
            })  # fmt: skip
        return out

    def write_csv(self, path: str | Path) -> Path:
        """The review sheet: UTF-8 with BOM (opens correctly in Excel), CRLF, formula-guarded."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        with p.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f, lineterminator="\r\n")
            w.writerow(CSV_COLUMNS)
            for r in self.records():
                w.writerow([guard_cell(r[c]) for c in CSV_COLUMNS])
        return p

    def write_html(self, path: str | Path, *, title: str = "外字一覧 (gaiji inventory)",
                   inputs: Iterable[str] = ()) -> Path:  # fmt: skip
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(render_html(self.records(), title=title, inputs=list(inputs),
                                 source_system=self.source_system), encoding="utf-8")  # fmt: skip
        return p


_STATUS_JA = {"exact": "完全一致", "identified": "同定済", "degraded": "代替", "unmapped": "未対応",
              "not_in_target": "受入側で保持不可", "replaced": "〓置換"}  # fmt: skip


def render_html(rows: list[dict[str, str]], *, title: str, inputs: list[str], source_system: str) -> str:
    """A self-contained page (inline CSS, no scripts, no external resources)."""
    e = html.escape
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    body = []
    for r in rows:
        target = "".join(chr(int(x[2:], 16)) for x in r["target"].split()) if r["target"] else ""
        body.append(
            f"<tr class='st-{e(r['status'])}'><td class='code'>{e(r['source_code'])}</td>"
            f"<td class='glyph'>{e(r['char'])}</td><td class='num'>{e(r['count'])}</td>"
            f"<td>{e(r['items'])}</td><td class='small'>{e(r['sample_records'])}</td>"
            f"<td>{e(_STATUS_JA.get(r['status'], r['status']))}<br><span class='small'>{e(r['status'])}</span></td>"
            f"<td class='glyph'>{e(target)}</td><td class='code'>{e(r['target'])}</td>"
            f"<td class='code'>{e(r['mj_name'])}</td><td class='small'>{e(r['basis'])} {e(r['note'])}</td>"
            f"<td class='code small'>{e(r['candidates'])}</td></tr>"
        )
    summary = "　".join(f"{e(_STATUS_JA.get(k, k))} ({e(k)}): {v}" for k, v in sorted(counts.items()))
    return f"""<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>{e(title)}</title>
<style>
body {{ font-family: 'Noto Sans CJK JP', 'IPAexGothic', sans-serif; margin: 1.5em; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #999; padding: 0.25em 0.5em; vertical-align: top; }}
th {{ background: #eee; }}
.glyph {{ font-family: {FONT_STACK}; font-size: 2em; text-align: center; }}
.code {{ font-family: monospace; }}
.num {{ text-align: right; }}
.small {{ font-size: 0.8em; }}
.st-unmapped td {{ background: #fde8e8; }}
.st-degraded td, .st-not_in_target td {{ background: #fff6db; }}
.note {{ border-left: 4px solid #c90; padding: 0.3em 0.8em; background: #fffbea; }}
</style></head><body>
<h1>{e(title)}</h1>
<p>移行元システム (source system): <b>{e(source_system)}</b>　入力 (inputs): {e(", ".join(inputs))}</p>
<p>{len(rows)} 種類 (distinct codes)　{summary}</p>
<p class="note">字形の表示には IPAmj明朝 が必要です（Debian / Ubuntu: <code>apt install fonts-ipamj-mincho</code>）。
PUA の外字はベンダーの外字フォントがない限り正しく表示されません。<br>
Targets render with the IPAmj明朝 font (Debian package <code>fonts-ipamj-mincho</code>); IVS sequences need it.
Vendor PUA codes show as boxes unless the vendor's 外字 font is installed.</p>
<table><thead><tr><th>元コード<br>source code</th><th>元の字形<br>char</th><th>件数<br>count</th>
<th>項目<br>items</th><th>例（ファイル:レコード）<br>sample records</th><th>状態<br>status</th>
<th>対応字形<br>target</th><th>対応コード<br>target code</th><th>MJ文字図形名</th><th>根拠・備考<br>basis, note</th>
<th>候補<br>candidates</th></tr></thead>
<tbody>
{chr(10).join(body)}
</tbody></table>
</body></html>
"""
