"""``fusho_date``: dates written with their uncertainty (不詳 forms) → date + 不詳 flag + original text.

The 住民記録 standard keeps 不詳 dates as recorded (reference/standardization-2025.md): 年月日不詳,
月日不詳, 日不詳, 〜頃, 上旬/中旬/下旬, 推定 and ranges. This transform reads them, in 和暦 or 西暦,
and writes

- the date with the unknown parts as ``00`` (``1935-05-00``; blank when even the year is unknown),
- ``flag_item`` = ``flag_values[1]`` on every row whose date is not exactly known,
- ``original_item`` = the source text on those rows (blank elsewhere),

and never guesses: 上旬 is not the 5th, 頃 keeps what was stated, a range keeps only the parts
both ends share (``昭和10年5月〜6月`` → ``1935-00-00``). A value it cannot read is kept as it is and
reported ``adapt.date``; a 和暦 day outside its era is computed, not shifted, and reported
``adapt.era_overflow``. Parsing is per distinct value (dates repeat).
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field

from ...spec import wareki
from .. import codes
from .base import Context, Transform, TransformArgs, as_str, register_transform

_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_ERA = "|".join(e.name for e in wareki.ERAS)
_NUM = r"(\d{1,4}|元)"
# one end of a date: [era] year 年 [month 月 [day 日 | 上旬 | 中旬 | 下旬 | 日不詳] | 月日不詳 | 月不詳]
_END = re.compile(
    rf"^(?P<g>{_ERA})?(?P<y>{_NUM[1:-1]})年"
    rf"(?:(?P<md>月日不詳|月不詳|不詳)|(?P<m>\d{{1,2}})月(?:(?P<d>\d{{1,2}})日|(?P<jun>上旬|中旬|下旬)|(?P<dx>日不詳|不詳))?)?$"
)
_TAIL = re.compile(r"^(?:(?P<m>\d{1,2})月)?(?:(?P<d>\d{1,2})日)?$")  # the second end of a range: 6月, 20日
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_RANGE = re.compile(r"[〜～~]|から")
_APPROX = ("頃", "ころ", "ごろ", "推定", "（推定）", "(推定)")
_UNKNOWN = {"不詳", "年月日不詳", "生年月日不詳", "不明"}


class Parsed(NamedTuple):
    date: str  # YYYY-MM-DD with 00 parts, "" when the year is unknown
    uncertain: bool  # the 不詳 flag
    out_of_era: bool


class _End(NamedTuple):
    era: str | None
    y: int
    m: int
    d: int
    uncertain: bool


def _end(text: str, era: str | None = None, year: int | None = None, month: int = 0) -> _End | None:
    m = _END.match(text)
    if m is None and year is not None:  # 〜6月 / 〜20日: the rest comes from the first end
        t = _TAIL.match(text)
        if t is None or not (t["m"] or t["d"]):
            return None
        return _End(era, year, int(t["m"]) if t["m"] else month, int(t["d"] or 0), False)
    if m is None:
        iso = _ISO.match(text)
        return None if iso is None else _End(None, int(iso[1]), int(iso[2]), int(iso[3]), False)
    y = 1 if m["y"] == "元" else int(m["y"])
    uncertain = bool(m["md"] or m["jun"] or m["dx"])
    return _End(
        m["g"] or None, y, int(m["m"] or 0), int(m["d"] or 0), uncertain or not m["m"] or not (m["d"])
    )


def parse_fusho(value: str) -> Parsed | None:
    """One value → :class:`Parsed`, or None when it is not a date this transform reads.

    >>> parse_fusho("昭和10年5月上旬")
    Parsed(date='1935-05-00', uncertain=True, out_of_era=False)
    >>> parse_fusho("年月日不詳")
    Parsed(date='', uncertain=True, out_of_era=False)
    """
    text = re.sub(r"[\s　]", "", value).translate(_DIGITS)
    if not text:
        return None
    if text in _UNKNOWN:
        return Parsed("", True, False)
    approx = False
    for word in _APPROX:
        if text.startswith(word) or text.endswith(word):
            text = text.removeprefix(word).removesuffix(word)
            approx = True
    parts = _RANGE.split(text)
    if len(parts) > 2:
        return None
    first = _end(parts[0])
    if first is None:
        return None
    ends = [first]
    if len(parts) == 2:
        second = _end(parts[1]) or _end(parts[1], first.era, first.y, first.m)
        if second is None:
            return None
        ends.append(second)
    years, out = [], False
    for e in ends:
        if e.era is None:
            years.append(e.y)
            continue
        try:
            s = wareki.to_seireki(e.era, e.y, e.m, e.d if e.m else 0, strict=True)
        except ValueError:
            return None
        years.append(s.year)
        out = out or s.out_of_era
    y, mo, d = years[0], ends[0].m, ends[0].d
    if len(ends) == 2:  # a range keeps only the parts both ends share
        if years[1] != y:
            return Parsed("", True, out)
        mo = mo if ends[1].m == mo else 0
        d = d if mo and ends[1].d == d else 0
    if mo == 0:
        d = 0
    if not (1 <= y <= 9999 and 0 <= mo <= 12 and 0 <= d <= 31):
        return None
    uncertain = approx or len(ends) == 2 or any(e.uncertain for e in ends) or not mo or not d
    return Parsed(f"{y:04d}-{mo:02d}-{d:02d}", uncertain, out)


@register_transform
class FushoDate(Transform):
    """A date written with its uncertainty → ``YYYY-MM-DD`` (``00`` parts) + 不詳 flag + original text.

    Example: ``- fusho_date: {flag_item: seinengappi_fusho_flag, original_item: seinengappi_text}`` —
    ``"昭和10年5月上旬"`` → ``"1935-05-00"`` (flag ``1``, text kept); ``"月日不詳"`` forms
    ``"昭和10年月日不詳"`` → ``"1935-00-00"``; ``"昭和10年5月頃"`` → ``"1935-05-00"``; ``"推定昭和10年5月10日"``
    → ``"1935-05-10"`` (flag ``1``); ``"昭和10年5月〜6月"`` → ``"1935-00-00"`` (only what both ends share);
    ``"年月日不詳"`` → ``""`` (flag ``1``); ``"1990年4月1日"`` → ``"1990-04-01"`` (flag ``0``). Never guessed:
    上旬/中旬/下旬 and ranges leave the day (or month) ``00``. Unreadable values are kept and reported
    ``adapt.date``; a 和暦 day outside its era ``adapt.era_overflow``.
    """

    name = "fusho_date"
    primary = "flag_item"

    class Args(TransformArgs):
        flag_item: str = Field(min_length=1)
        original_item: str | None = None
        flag_values: tuple[str, str] = ("0", "1")

    args: Args

    def side_items(self) -> list[str]:
        return [self.args.flag_item] + ([self.args.original_item] if self.args.original_item else [])

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        s = as_str(inputs[0])
        uniq = pc.unique(s)
        parsed = [parse_fusho(v) for v in uniq.to_pylist()]
        pos = np.asarray(pc.index_in(s, value_set=uniq).to_numpy(zero_copy_only=False), np.int64)
        dates = np.array([p.date if p else v for p, v in zip(parsed, uniq.to_pylist(), strict=True)], object)
        flag = np.array([bool(p and p.uncertain) for p in parsed], bool)[pos]
        bad = np.array([p is None and v != "" for p, v in zip(parsed, uniq.to_pylist(), strict=True)], bool)[
            pos
        ]
        over = np.array([bool(p and p.out_of_era) for p in parsed], bool)[pos]
        if bad.any():
            ctx.finding(codes.BAD_DATE.code, bad, s)
        if over.any():
            ctx.finding(codes.ERA_OVERFLOW.code, over, s)
        off, on = self.args.flag_values
        blank = np.asarray(pc.equal(s, "").to_numpy(zero_copy_only=False), bool)
        ctx.set_side(self.args.flag_item, pa.array(np.where(flag, on, np.where(blank, "", off)), pa.string()))
        if self.args.original_item:
            ctx.set_side(self.args.original_item, pc.if_else(pa.array(flag), s, ""))
        return pa.array(dates[pos], pa.string())
