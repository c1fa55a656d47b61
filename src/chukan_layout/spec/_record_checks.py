"""The oracle: item and row checks of one record (behind the generated Pydantic record model).

This module implements the item check semantics table of the team brief exactly, one record
at a time.  The vectorized validator implements the same table over Arrow batches and is held
to the same verdict by differential tests (:func:`verdict`).  Summary (``v`` is the value, ``""`` = blank):

- blank: only ``item.required`` (required and blank); no other check runs on a blank value.
- otherwise every applicable check runs independently: ``item.length``, ``item.charset``,
  ``item.type``, ``item.date``, ``item.era_mismatch``, ``item.code``, ``item.pattern``,
  ``item.check_digit``; then each row rule (``row.rule``, loc ``rule:<id>``).

Patterns are matched with Python ``re`` in ASCII mode (``\\d`` = ``[0-9]``, as in RE2) and
must match the whole value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import checkdigits, expr, wareki
from .charsets import charset_problems, invalid_chars
from .model import CodeTable, Item, ItemType, Layout, LengthUnit, RowRule
from .re2 import Re2Pattern

_TYPE_PATTERNS: dict[ItemType, str] = {
    ItemType.DIGITS: r"[0-9]+",
    ItemType.INTEGER: r"-?[0-9]+",
    ItemType.FLAG: r"[01]",
    ItemType.YEAR: r"[0-9]{4}",
    ItemType.YEAR_MONTH: r"[0-9]{4}-(0[1-9]|1[0-2])",
    ItemType.WAREKI_YEAR: r"[0-9]{2}",
    ItemType.TIME: r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]",
}
_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def type_pattern(item: Item) -> str | None:
    """The full-match regex of the item's type format (None: text, code, date)."""
    if item.type is ItemType.DECIMAL:
        scale = item.scale or 0
        return r"-?[0-9]+" if scale == 0 else rf"-?[0-9]+(\.[0-9]{{1,{scale}}})?"
    return _TYPE_PATTERNS.get(item.type)


def value_length(value: str, item: Item) -> int:
    """Length of ``value`` in the unit of the item's ``length`` (code points if none).

    Bytes in cp932/shift_jis: 1 per U+0000–007F and U+FF61–FF9F, 2 per other character
    (unencodable ones too: the width a 外字 takes)."""
    ln = item.length
    if ln is None or ln.unit is LengthUnit.CHARS:
        return len(value)
    enc = (ln.encoding or "").lower().replace("_", "-")
    if enc in ("utf-8", "utf8"):
        return len(value.encode("utf-8", "surrogatepass"))
    return sum(1 if (ord(c) <= 0x7F or 0xFF61 <= ord(c) <= 0xFF9F) else 2 for c in value)


def _date_fires(item: Item, v: str, record: Mapping[str, str]) -> bool:
    m = _DATE_RE.fullmatch(v)
    if not m:
        return True
    y, mo, d = (int(g) for g in m.groups())
    if y < 1:
        return True
    if mo == 0 or d == 0:
        pd = item.partial_date
        if pd is None or (mo == 0 and d != 0) or mo > 12:
            return True
        part = "month" if mo == 0 else "day"
        return part not in pd.allow or (record.get(pd.flag_item) or "") != "1"
    try:
        full = date(y, mo, d)
    except ValueError:
        return not (item.nonexistent == "keep" and is_nonexistent(y, mo, d))
    return item.era_range and full < wareki.FIRST_DAY


def is_nonexistent(y: int, mo: int, d: int) -> bool:
    """A recorded day that the calendar lacks: month 1–12, day 1–31 beyond the month's last day."""
    if not (1 <= mo <= 12 and 1 <= d <= 31 and y >= 1):
        return False
    try:
        date(y, mo, d)
    except ValueError:
        return True
    return False


def _nonexistent_fires(item: Item, v: str) -> bool:
    m = _DATE_RE.fullmatch(v)
    return bool(item.nonexistent == "keep" and m and is_nonexistent(*(int(g) for g in m.groups())))


def full_date(v: str) -> date | None:
    """A full calendar date from ``YYYY-MM-DD`` text, else None."""
    m = _DATE_RE.fullmatch(v or "")
    if not m:
        return None
    try:
        return date(*(int(g) for g in m.groups()))
    except ValueError:
        return None


@dataclass
class ItemChecker:
    """Precompiled checks of one item (see the module docstring for the semantics)."""

    item: Item
    codes: frozenset[str] | None = None
    era_by_code: Mapping[str, wareki.Era] = field(default_factory=dict)
    type_re: re.Pattern[str] | None = None
    pattern_re: Re2Pattern | None = None  # RE2, like the vectorized check (never backtracks)

    def check(self, v: str, record: Mapping[str, str]) -> list[str]:
        """Finding codes for value ``v`` of this item in ``record``."""
        it = self.item
        if v == "":
            return ["item.required"] if it.required else []
        out: list[str] = []
        if it.length is not None:
            n = value_length(v, it)
            if n > it.length.max or (it.length.min is not None and n < it.length.min):
                out.append("item.length")
        if invalid_chars(v, it.charset, bool(it.allow_controls)):
            out.append("item.charset")
        if self.type_re is not None and not self.type_re.fullmatch(v):
            out.append("item.type")
        if it.type is ItemType.DATE and _date_fires(it, v, record):
            out.append("item.date")
        if it.type is ItemType.DATE and _nonexistent_fires(it, v):
            out.append("item.date_nonexistent")
        if it.era_of is not None:
            x = full_date(record.get(it.era_of) or "")
            if x is not None and x >= wareki.FIRST_DAY and self.era_by_code.get(v) not in wareki.eras_of(x):
                out.append("item.era_mismatch")
        if self.codes is not None and v not in self.codes:
            out.append("item.code")
        if self.pattern_re is not None and not self.pattern_re.fullmatch(v):
            out.append("item.pattern")
        if it.check_digit is not None and not checkdigits.verify(it.check_digit, v):
            out.append("item.check_digit")
        return out


@dataclass
class RuleChecker:
    rule: RowRule
    when: expr.Node | None
    check: expr.Node

    def fails(self, record: Mapping[str, str]) -> bool:
        return expr.rule_fails(self.when, self.check, record)


class RecordChecker:
    """All checks of a layout for one record; the engine behind the Pydantic model."""

    def __init__(self, layout: Layout, codes: Mapping[str, CodeTable]) -> None:
        self.layout = layout
        self.items: list[ItemChecker] = []
        for it in layout.items:
            table = codes.get(it.codes) if it.codes else None
            era_map: Mapping[str, wareki.Era] = {}
            if it.era_of is not None:
                era_map = wareki.era_codes(table) if table is not None else wareki.era_codes()
            tp = type_pattern(it)
            self.items.append(
                ItemChecker(
                    it,
                    codes=frozenset(table.codes) if table is not None else None,
                    era_by_code=era_map,
                    type_re=re.compile(tp) if tp else None,
                    pattern_re=Re2Pattern(it.pattern) if it.pattern else None,
                )
            )
        ids = layout.item_ids
        self.rules = [
            RuleChecker(
                r,
                expr.compile_condition(r.when, ids) if r.when else None,
                expr.compile_condition(r.check, ids),
            )
            for r in layout.rules
        ]

    def findings(self, record: Mapping[str, Any]) -> list[tuple[str, str]]:
        """(item id or ``rule:<id>``, code) for every finding, items in layout order, then rules."""
        rec = {k: ("" if v is None else str(v)) for k, v in record.items()}
        out: list[tuple[str, str]] = []
        for ic in self.items:
            out += [(ic.item.id, c) for c in ic.check(rec.get(ic.item.id, ""), rec)]
        out += [(f"rule:{rc.rule.id}", "row.rule") for rc in self.rules if rc.fails(rec)]
        return out

    def message(self, loc: str, code: str, record: Mapping[str, str]) -> str:
        """English message naming the 項目名称."""
        if loc.startswith("rule:"):
            rule = next(r.rule for r in self.rules if r.rule.id == loc[5:])
            return f"rule {rule.id}: {rule.message_en or rule.message}"
        it = self.layout.item(loc)
        v = record.get(loc, "")
        what = f"{it.name} ({it.id})"
        if code == "item.required":
            return f"{what} is required"
        if code == "item.length":
            ln = it.length
            assert ln is not None
            unit = "characters" if ln.unit is LengthUnit.CHARS else f"bytes in {ln.encoding}"
            return f"{what}: length {value_length(v, it)} is outside {ln.min or 0}..{ln.max} {unit}"
        if code == "item.charset":
            bad = ", ".join(charset_problems(v, it.charset, bool(it.allow_controls)))
            return f"{what}: characters outside {it.charset.value}: {bad}"
        if code == "item.type":
            return f"{what}: {v!r} is not a valid {it.type.value}"
        if code == "item.date":
            return f"{what}: {v!r} is not a valid date (YYYY-MM-DD; 不詳 00 only with its flag)"
        if code == "item.era_mismatch":
            return f"{what}: era code {v!r} is not the era of {it.era_of} {record.get(it.era_of or '', '')}"
        if code == "item.code":
            return f"{what}: {v!r} is not in code table {it.codes}"
        if code == "item.pattern":
            return f"{what}: {v!r} does not match {it.pattern}"
        if code == "item.check_digit":
            return f"{what}: not a valid {it.check_digit} number (check digit, length or digits)"
        return f"{what}: {code}"  # pragma: no cover


def verdict(
    layout: Any, record: Mapping[str, Any], codes: Mapping[str, CodeTable] | None = None
) -> dict[str, set[str]]:
    """{item id or ``rule:<id>``: {codes}} for one record — the oracle for differential tests.

    ``layout`` is a :class:`~chukan_layout.spec.registry.LoadedLayout` (or a Layout with ``codes``)."""
    checker = layout.checker if hasattr(layout, "checker") else RecordChecker(layout, codes or {})
    out: dict[str, set[str]] = {}
    for loc, code in checker.findings(record):
        out.setdefault(loc, set()).add(code)
    return out
