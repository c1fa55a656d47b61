"""Hypothesis strategies of one item's values, valid on their own: the value strategies behind
:mod:`.strategies` (which checks that Hypothesis is installed before it imports this module).

Check digits made valid, code values drawn from the item's table, 西暦 dates weighted to the era
boundaries, and Japanese text from the item's charset (髙/﨑/IVS where it allows them) in the
item's length unit; :func:`value_strategy` keeps the values that the item's own checks accept.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import cache
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from . import checkdigits, wareki
from .charsets import invalid_chars
from .model import Charset, Item, ItemType
from .records import ItemChecker, value_length

# Real-looking material: common surname kanji, 異体字 (髙 﨑 德 邊 澤 𠮷), kana, 〜 vs ～, 半角カナ with
# dakuten pairs, an IVS sequence, a PUA 外字.
_KANJI = "山田佐藤鈴木高橋中渡辺伊村小林加吉本斎松井上清水口阿部池森石川前藤岡後長谷近坂遠青西福太三原野"
_UNITS: tuple[str, ...] = (
    *_KANJI,
    "髙",
    "﨑",
    "德",
    "邊",
    "澤",
    "𠮷",
    "葛\U000e0100",
    "辻\U000e0101",
    *"あいうえおかきくけこさしすせそたちつてとなにぬねのはまやらわんっゃゅょ",
    *"アイウエオカキクケコサシスセソタチツテトナハマヤラワンッャュョヴー・ヶ",
    *"ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾅﾊﾏﾔﾗﾜﾝｯｬｭｮｰ",
    "ﾊﾟ",
    "ｶﾞ",
    "ﾀﾞ",
    *"ABCXYZabcxyz0123456789",
    " ",
    "-",
    ".",
    "(",
    ")",
    "/",
    "〜",
    "～",
    "１",
    "２",
    "丁",
    "目",
    "番",
    "地",
    "号",
    "－",
    "\u3000",
    "\ue000",
)
_MAX_DEFAULT = 12


@cache
def units_for(charset: Charset) -> tuple[str, ...]:
    """The sample units (characters, or base + IVS selector) valid in ``charset``."""
    return tuple(u for u in _UNITS if not invalid_chars(u, charset))


def _bounds(it: Item, default_max: int = _MAX_DEFAULT) -> tuple[int, int]:
    if it.length is None:
        return 1, default_max
    return max(1, it.length.min or 1), it.length.max


def _digits(lo: int, hi: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=lo, max_size=hi)


@cache
def _text_of(charset: Charset, size: int) -> st.SearchStrategy[str]:
    singles = "".join(u for u in units_for(charset) if len(u) == 1)
    return st.text(singles, min_size=size, max_size=size)


@cache
def _size(lo: int, hi: int) -> st.SearchStrategy[int]:
    # mostly short values, sometimes exactly the bounds
    return st.one_of(st.integers(lo, min(hi, lo + 6)), st.sampled_from(sorted({lo, hi})))


@st.composite
def _text(draw: Any, it: Item) -> str:
    units = units_for(it.charset)
    assume(units)
    multi = [u for u in units if len(u) > 1]
    lo, hi = _bounds(it)
    s = draw(_text_of(it.charset, draw(_size(lo, hi))))
    if multi and draw(st.integers(0, 3)) == 0:  # an IVS sequence or ﾊﾟ-style pair
        at = draw(st.integers(0, len(s)))
        s = s[:at] + draw(st.sampled_from(multi)) + s[at:]
    while s and value_length(s, it) > hi:
        s = s[:-1]
    assume(lo <= value_length(s, it) <= hi)
    return s


_FIRST = wareki.FIRST_DAY


def dates(lo: date = date(1900, 1, 1), hi: date = date(2030, 12, 31)) -> st.SearchStrategy[date]:
    # weight the era boundaries: 昭和64年1月7日, 平成31年4月30日, 令和元年5月1日 …
    edges = [e.start for e in wareki.ERAS if lo <= e.start <= hi]
    edges += [d - timedelta(days=1) for d in edges if d - timedelta(days=1) >= lo]
    return st.one_of(st.dates(lo, hi), st.sampled_from(sorted(edges))) if edges else st.dates(lo, hi)


def _format_value(it: Item, codes: tuple[str, ...] | None) -> st.SearchStrategy[str]:
    lo, hi = _bounds(it)
    if it.check_digit is not None:
        alg = checkdigits.get_algorithm(it.check_digit)
        lens = sorted(alg.lengths) if alg.lengths else list(range(max(alg.min_length, lo), min(hi, 15) + 1))
        lens = [n for n in lens if lo <= n <= hi] or lens
        return (
            st.sampled_from(lens)
            .flatmap(lambda n: _digits(n - 1, n - 1))
            .map(lambda b: checkdigits.make_valid(alg.name, b))
        )
    if codes is not None:  # (indexing keeps the strategy repr small for big tables such as 国籍)
        return st.integers(0, len(codes) - 1).map(codes.__getitem__)
    if it.pattern is not None:
        return st.from_regex(re.compile(it.pattern, re.ASCII), fullmatch=True)
    t = it.type
    if t is ItemType.DIGITS:
        return _digits(lo, hi)
    if t is ItemType.INTEGER:
        return st.tuples(st.sampled_from(["", "", "-"]), _digits(1, hi)).map("".join)
    if t is ItemType.DECIMAL:
        frac = st.text("0123456789", min_size=1, max_size=it.scale or 1).map(lambda f: "." + f)
        return st.tuples(
            st.sampled_from(["", "-"]),
            _digits(1, max(1, hi - 3)),
            frac if it.scale else st.just("") | st.just(""),
        ).map("".join)
    if t is ItemType.FLAG:
        return st.sampled_from(["0", "1"])
    if t is ItemType.YEAR:
        return st.integers(1868, 2030).map(lambda y: f"{y:04d}")
    if t is ItemType.YEAR_MONTH:
        return st.tuples(st.integers(1868, 2030), st.integers(1, 12)).map(lambda p: f"{p[0]:04d}-{p[1]:02d}")
    if t is ItemType.WAREKI_YEAR:
        return st.integers(1, 64).map(lambda y: f"{y:02d}")
    if t is ItemType.TIME:
        return st.tuples(st.integers(0, 23), st.integers(0, 59), st.integers(0, 59)).map(
            lambda p: f"{p[0]:02d}:{p[1]:02d}:{p[2]:02d}"
        )
    if t is ItemType.DATE:
        return dates(_FIRST if it.era_range else date(1900, 1, 1)).map(date.isoformat)
    return _text(it)


# keyed by id(checker); the entry keeps the checker alive, so its id cannot be reused by another
# layout's checker after garbage collection (which once served one layout's codes to another)
_STRATEGIES: dict[tuple[int, str], tuple[Any, st.SearchStrategy[str]]] = {}


def value_strategy(loaded: Any, item_id: str) -> st.SearchStrategy[str]:
    """Non-blank values valid for one item on their own (record-independent checks pass)."""
    key = (id(loaded.checker), item_id)
    hit = _STRATEGIES.get(key)
    if hit is None or hit[0] is not loaded.checker:
        ic: ItemChecker = next(c for c in loaded.checker.items if c.item.id == item_id)
        codes = tuple(sorted(ic.codes)) if ic.codes is not None else None
        strategy = _format_value(ic.item, codes).filter(lambda v: v != "" and not ic.check(v, {}))
        hit = _STRATEGIES[key] = (loaded.checker, strategy)
    return hit[1]
