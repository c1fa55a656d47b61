"""和暦 ↔ 西暦, table-driven.

The era table :data:`ERAS` is the one place that knows the eras; a new era is one line.
Start dates follow JIS X 0301:2019 except 明治: JIS X 0301 gives 1868-01-25 (明治改元 was
proclaimed 1868-10-23 and back-dated to 慶応4年1月1日), but registries and vendor systems
count 明治元年 from 1868-01-01, so we do too (a date 1868-01-01 … 1868-01-24 is 明治元年).

Conversions never shift a date into the "right" era: 平成31年5月1日 is 2019-05-01 *and*
flagged ``out_of_era`` (平成 had ended); the caller decides what to report.

Era *codes* (the 2-digit 年号コード of the layout) are data: they come from the ``gengo``
code table (``layout_specs/codes/gengo.yaml``), matched to eras by their Japanese name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from .model import CodeTable


@dataclass(frozen=True)
class Era:
    """One 元号 with its first day (inclusive)."""

    name: str  # 令和
    letter: str  # R (JIS X 0301)
    name_en: str  # Reiwa
    start: date

    def __str__(self) -> str:
        return self.name


# The era table. A new era: append one line. Order: oldest first.
ERAS: tuple[Era, ...] = (
    Era("明治", "M", "Meiji", date(1868, 1, 1)),  # JIS X 0301: 1868-01-25; custom: 1868-01-01
    Era("大正", "T", "Taisho", date(1912, 7, 30)),
    Era("昭和", "S", "Showa", date(1926, 12, 25)),
    Era("平成", "H", "Heisei", date(1989, 1, 8)),
    Era("令和", "R", "Reiwa", date(2019, 5, 1)),
)

#: The first day covered by the era table (start of 明治); ``era_range`` items must not precede it.
FIRST_DAY: date = ERAS[0].start

# Eras whose last day is also the next era's first day: the 改元 took effect on the day of the
# succession (明治45年7月30日 = 大正元年7月30日, 大正15年12月25日 = 昭和元年12月25日), unlike 昭和→平成 and
# 平成→令和, which changed on the next day. Both names of such a day are valid (住民記録 standard §1.1.8).
SHARED_LAST_DAY = frozenset({"明治", "大正"})


def era_end(era: Era) -> date | None:
    """Last day of ``era`` (None for the current era)."""
    i = ERAS.index(era)
    if i + 1 >= len(ERAS):
        return None
    nxt = ERAS[i + 1].start
    return nxt if era.name in SHARED_LAST_DAY else nxt - timedelta(days=1)


def shared_days() -> tuple[date, ...]:
    """The days that belong to two eras (see :data:`SHARED_LAST_DAY`)."""
    return tuple(e for e in (era_end(x) for x in ERAS if x.name in SHARED_LAST_DAY) if e is not None)


def eras_of(d: date) -> tuple[Era, ...]:
    """Every era ``d`` can be written in (two on a shared day, e.g. 1912-07-30: 明治 and 大正)."""
    return tuple(e for e in ERAS if e.start <= d and (era_end(e) is None or d <= era_end(e)))  # type: ignore[operator]


def get_era(key: str | Era) -> Era:
    """An era by name (昭和), letter (S/s), or English name (Showa). Unknown keys list the valid ones."""
    if isinstance(key, Era):
        return key
    k = key.strip()
    for e in ERAS:
        if k in (e.name, e.letter, e.letter.lower(), e.name_en, e.name_en.lower()):
            return e
    raise ValueError(f"unknown era {key!r}; known: {', '.join(f'{e.name} ({e.letter})' for e in ERAS)}")


def find_era(d: date) -> Era | None:
    """The era ``d`` falls in, or None before 明治."""
    found = None
    for e in ERAS:
        if d >= e.start:
            found = e
    return found


def era_of(d: date) -> Era:
    """The era ``d`` falls in (昭和64年1月7日 → 昭和, 1989-01-08 → 平成). Raises ValueError before 明治."""
    e = find_era(d)
    if e is None:
        raise ValueError(f"{d.isoformat()} is before {ERAS[0].name} ({FIRST_DAY.isoformat()})")
    return e


class Seireki(NamedTuple):
    """Result of :func:`to_seireki`: the 西暦 date and whether it lies outside its era.

    ``month``/``day`` are 0 for a 不詳 part; :attr:`iso` then writes ``00`` (``1935-00-00``).
    """

    year: int
    month: int
    day: int
    out_of_era: bool

    @property
    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def date(self) -> date:
        """The calendar date (ValueError for a partial date)."""
        return date(self.year, self.month, self.day)


def to_seireki(era: str | Era, year: int, month: int, day: int, *, strict: bool = True) -> Seireki:
    """和暦 → 西暦: ``year`` 1 is 元年; ``month``/``day`` 0 mean 不詳 (unknown).

    The result is always computed as ``era.start.year + year - 1``; a day outside the era
    (平成31年5月1日, 昭和64年1月8日, 令和元年4月30日) is returned with ``out_of_era=True``,
    never shifted. With ``strict`` a non-calendar date (2月30日, 13月, day without month)
    raises ValueError; with ``strict=False`` it is returned as is (flagged out_of_era if the
    month/year alone shows it).
    """
    e = get_era(era)
    if year < 1:
        raise ValueError(f"{e.name}{year}年: year must be ≥ 1 (1 = 元年)")
    y = e.start.year + year - 1
    if strict:
        if month == 0 and day != 0:
            raise ValueError(f"{e.name}{year}年{month}月{day}日: a day without a month")
        if not 0 <= month <= 12:
            raise ValueError(f"{e.name}{year}年{month}月: no such month")
        if month and day:
            try:
                date(y, month, day)
            except ValueError:
                raise ValueError(f"{e.name}{year}年{month}月{day}日 is not a calendar date") from None
    return Seireki(y, month, day, _out_of_era(e, y, month, day))


def _out_of_era(e: Era, y: int, m: int, d: int) -> bool:
    """True if the (possibly partial) date cannot lie in era ``e``."""
    end = era_end(e)
    # earliest / latest day the partial date could denote
    lo = (y, m or 1, d or 1)
    hi = (y, m or 12, d or 31)
    if hi < (e.start.year, e.start.month, e.start.day):
        return True
    return end is not None and lo > (end.year, end.month, end.day)


class Wareki(NamedTuple):
    """A 和暦 date: ``str()`` gives 令和元年5月1日."""

    era: Era
    year: int
    month: int
    day: int

    def __str__(self) -> str:
        y = "元" if self.year == 1 else str(self.year)
        return f"{self.era.name}{y}年{self.month}月{self.day}日"


def to_wareki(d: date) -> Wareki:
    """西暦 → 和暦 by the era table (2019-04-30 → 平成31年4月30日, 2019-05-01 → 令和元年5月1日)."""
    e = era_of(d)
    return Wareki(e, d.year - e.start.year + 1, d.month, d.day)


_WAREKI_RE = re.compile(
    r"^(?P<era>明治|大正|昭和|平成|令和|[MTSHRmtshr])\.?\s*(?P<y>元|\d{1,2})[年.\-/]?"
    r"(?:(?P<m>\d{1,2})[月.\-/]?(?:(?P<d>\d{1,2})日?)?)?$"
)


def parse_wareki(text: str, *, strict: bool = True) -> Seireki:
    """Parse 令和元年5月1日, 昭和64年1月7日, H31.04.30, S60-02-14 (missing parts → 不詳 0)."""
    m = _WAREKI_RE.match(text.strip())
    if not m:
        raise ValueError(f"not a 和暦 date: {text!r}")
    y = 1 if m["y"] == "元" else int(m["y"])
    return to_seireki(m["era"], y, int(m["m"] or 0), int(m["d"] or 0), strict=strict)


# --- 年号コード (2-digit era codes) -------------------------------------------------


@cache
def _shipped_gengo() -> CodeTable:
    from ..resources import layout_specs_dir
    from .loader import load_code_file

    return load_code_file(layout_specs_dir() / "codes" / "gengo.yaml")


def era_codes(table: CodeTable | None = None) -> dict[str, Era]:
    """年号コード → Era, from the ``gengo`` code table (shipped one by default).

    Codes whose name is not an era (e.g. 西暦, 不明) are left out.
    """
    t = table if table is not None else _shipped_gengo()
    out: dict[str, Era] = {}
    for v in t.values:
        for e in ERAS:
            if v.name.startswith(e.name):
                out[v.code] = e
    return out


def era_code(era: str | Era, table: CodeTable | None = None) -> str:
    """The 年号コード of ``era`` in the ``gengo`` table."""
    e = get_era(era)
    for code, e2 in era_codes(table).items():
        if e2 == e:
            return code
    raise ValueError(f"era {e.name} has no code in the gengo code table")
