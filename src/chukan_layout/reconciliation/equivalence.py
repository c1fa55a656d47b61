"""Equivalences: value changes that are declared not to be differences — and are reported.

An equivalence never hides a change: every pair of values it accepts is counted per layout
× item × equivalence in the report. The names:

- ``trailing_blanks`` (on by default): the values are equal once trailing spaces
  (U+0020, U+3000) are removed — fixed-width padding that one system keeps.
- ``kana_width``: equal once half-width katakana (ｶﾞ = ｶ + ﾞ) are read as full-width (ガ).
  Off by default: a layout that wants half-width kana must not silently receive full-width.
- ``date_notation``: two notations of the same calendar date in a date item
  (``2024-01-05``, ``2024/01/05``, ``20240105``, ``令和6年1月5日``, ``R06.01.05``).
- ``code_map``: the OLD code maps to the NEW code in the code-map file (CSV
  ``item,old,new``; ``item`` is an item id or 項目名称, or ``*`` for every item).
- ``gaiji_degraded``: a 外字 / IVS degradation recorded in the ``--gaiji-evidence`` file
  (``gaiji.csv`` columns ``file,record,item,position,source_code,result,status``, as the new
  system — or ``convert`` — records them): ``file`` and ``record`` name the NEW file and its
  1-based data record; only that record's item, at the 1-based character position of the
  OLD value, replaced by ``result``, may differ. An IVS lost anywhere else is a difference.

Equivalences are applied only to cells that differ, in this order and cumulatively.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ..errors import ReconcileError
from ..spec.model import Layout

VALUE_EQUIVALENCES = ("trailing_blanks", "kana_width", "date_notation")
DEFAULT_EQUIVALENCES = ("trailing_blanks",)
BLANKS = " \u3000"
_VS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_WESTERN = re.compile(r"^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?$")


def fold_kana(s: str) -> str:
    """Half-width katakana (U+FF61–FF9F, with ﾞ ﾟ) as full-width; everything else untouched."""
    if not any("\uff61" <= c <= "\uff9f" for c in s):
        return s
    out: list[str] = []
    for c in s:
        if "\uff61" <= c <= "\uff9f":
            full = unicodedata.normalize("NFKC", c)
            if c in "\uff9e\uff9f" and out:  # voiced marks compose with the previous kana
                composed = unicodedata.normalize("NFC", out[-1] + ("\u3099" if c == "\uff9e" else "\u309a"))
                if len(composed) == 1:
                    out[-1] = composed
                    continue
            out.append(full)
        else:
            out.append(c)
    return "".join(out)


def date_key(s: str) -> str | None:
    """The calendar date of a date notation as ``YYYY-MM-DD`` (None: not a date notation)."""
    s = s.strip(BLANKS)
    m = _WESTERN.match(s)
    if m:
        return f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}"
    try:
        from ..spec.wareki import parse_wareki

        d = parse_wareki(s, strict=False)
    except (ValueError, KeyError):
        return None
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


@dataclass(frozen=True)
class Evidence:
    """One recorded 外字 degradation: OLD value's character at ``position`` became ``result``."""

    position: int
    result: str
    status: str


@dataclass
class Equivalences:
    """The equivalences of one run (picklable: sent to the bucket workers)."""

    enabled: tuple[str, ...] = DEFAULT_EQUIVALENCES
    code_map: dict[str, dict[str, str]] = field(default_factory=dict)  # item id or "*" → old → new
    evidence: dict[tuple[str, int, str], list[Evidence]] = field(default_factory=dict)  # (file, record, item)
    code_map_file: str | None = None
    evidence_file: str | None = None

    def names(self) -> list[str]:
        out = list(self.enabled)
        if self.code_map:
            out.append("code_map")
        if self.evidence:
            out.append("gaiji_degraded")
        return out

    def _mapped(self, item: str, old: str) -> str | None:
        for k in (item, "*"):
            m = self.code_map.get(k)
            if m is not None and old in m:
                return m[old]
        return None

    def classify(
        self, old: str, new: str, item: str, is_date: bool, refs: Iterable[tuple[str, int]]
    ) -> str | None:
        """The equivalence that makes ``old`` and ``new`` equal (None: a real difference).

        ``refs``: (file, record) of the NEW record (the evidence names NEW records).
        """
        a, b, used = old, new, ""
        steps: list[tuple[str, object]] = [(e, None) for e in VALUE_EQUIVALENCES if e in self.enabled]
        for name, _ in steps:
            if name == "trailing_blanks":
                a2, b2 = a.rstrip(BLANKS), b.rstrip(BLANKS)
            elif name == "kana_width":
                a2, b2 = fold_kana(a), fold_kana(b)
            else:
                if not is_date:
                    continue
                ka, kb = date_key(a), date_key(b)
                a2, b2 = (ka, kb) if ka is not None and kb is not None else (a, b)
            if (a2, b2) != (a, b):
                a, b = a2, b2
                used = used or name
                if a == b:
                    return used
        mapped = self._mapped(item, a) if self.code_map else None
        if mapped is not None and mapped == b:
            return used or "code_map"
        if self.evidence:
            for file, record in refs:
                ev = self.evidence.get((file, record, item))
                if (
                    ev
                    and _apply_evidence(old, ev).rstrip(BLANKS if "trailing_blanks" in self.enabled else "")
                    == b
                ):
                    return "gaiji_degraded"
        return None

    # -- whole columns, for the 照合表 (totals compare normalized values) --------------------
    def normalize_column(self, col: pa.Array, item: str, is_date: bool, side: str) -> pa.Array:
        """The column as totals see it: value equivalences applied, OLD codes mapped."""
        if "trailing_blanks" in self.enabled:
            col = pc.utf8_rtrim(col, characters=BLANKS)
        if is_date and "date_notation" in self.enabled:
            col = pc.replace_substring_regex(col, r"^(\d{4})[/.]?(\d{2})[/.]?(\d{2})$", r"\1-\2-\3")
        if side == "old" and self.code_map:
            m = {**self.code_map.get("*", {}), **self.code_map.get(item, {})}
            if m:
                keys = pa.array(list(m), pa.string())
                idx = pc.index_in(col, value_set=keys)
                vals = pa.array(list(m.values()), pa.string()).take(pc.fill_null(idx, 0))
                col = pc.if_else(pc.is_null(idx), col, vals)
        return col


def _apply_evidence(old: str, ev: list[Evidence]) -> str:
    """``old`` with each recorded position (1-based code point; its variation selector goes too)
    replaced by the recorded result, right to left so positions stay valid."""
    s = old
    for e in sorted(ev, key=lambda x: -x.position):
        i = e.position - 1
        if not 0 <= i < len(s):
            continue
        j = i + 1
        while j < len(s) and _VS.match(s[j]):
            j += 1
        s = s[:i] + e.result + s[j:]
    return s


def load_code_map(path: str | Path, layouts: Iterable[Layout]) -> dict[str, dict[str, str]]:
    """A code-map CSV (header ``item,old,new``) → item id → old → new."""
    by_name = {it.name: it.id for lay in layouts for it in lay.items}
    ids = {it.id for lay in layouts for it in lay.items}
    out: dict[str, dict[str, str]] = {}
    p = Path(path)
    try:
        with open(p, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise ReconcileError(f"{p}: cannot read the code map: {e}") from None
    for n, r in enumerate(rows, 2):
        if not {"item", "old", "new"} <= set(r):
            raise ReconcileError(f"{p}: line {n}: a code map needs the columns item, old, new")
        item = r["item"].strip()
        item = by_name.get(item, item)
        if item != "*" and item not in ids:
            raise ReconcileError(f"{p}: line {n}: unknown item {r['item']!r}")
        out.setdefault(item, {})[r["old"]] = r["new"]
    return out


def load_evidence(path: str | Path) -> dict[tuple[str, int, str], list[Evidence]]:
    """A ``gaiji.csv`` evidence file → (file name, record, item id) → recorded degradations."""
    p = Path(path)
    out: dict[tuple[str, int, str], list[Evidence]] = {}
    try:
        with open(p, encoding="utf-8-sig", newline="") as f:
            for n, r in enumerate(csv.DictReader(f), 2):
                try:
                    key = (Path(r["file"]).name, int(r["record"]), r["item"])
                    out.setdefault(key, []).append(
                        Evidence(int(r["position"]), r["result"], r.get("status") or "")
                    )
                except (KeyError, TypeError, ValueError):
                    raise ReconcileError(
                        f"{p}: line {n}: an evidence row needs file, record, item, position, result"
                    ) from None
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise ReconcileError(f"{p}: cannot read the 外字 evidence: {e}") from None
    return out
